package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/debrief-oss/debrief/api"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/demo"
	"github.com/debrief-oss/debrief/server"
	"github.com/debrief-oss/debrief/web"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlagSet("serve", &cfg, stderr)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	fs.BoolVar(&cfg.demo, "demo", false, "load an example incident with a full retrospective into an empty database")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("serve takes no arguments (got %q)", fs.Args())}
	}
	log, err := cfg.logger(stderr)
	if err != nil {
		return err
	}
	start := time.Now()

	st, err := openStore(ctx, cfg.database)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate database: %w", err)
	}
	svc := app.New(st, app.WithSeverities(cfg.severityScale()))
	if cfg.demo {
		loaded, err := demo.Load(ctx, svc)
		if err != nil {
			return fmt.Errorf("load demo: %w", err)
		}
		if loaded {
			log.Info("loaded the demo incident")
		}
	}

	srv := server.New(server.Config{
		Addr:   cfg.addr,
		Logger: log,
		Ready:  st.Ping,
		Routes: []server.Registrar{api.New(svc, log), web.New(svc, log)},
	})
	if err := srv.Open(); err != nil {
		return err
	}
	log.Info("debrief is ready", "url", srv.URL(), "database", engineName(cfg.database),
		"version", version, "startup_ms", time.Since(start).Milliseconds())

	<-ctx.Done()
	log.Info("shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}
