package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/demo"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlagSet("serve", &cfg, stderr)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	fs.BoolVar(&cfg.demo, "demo", false, "load an example incident with a full retrospective into an empty database, and sign in visitors from this machine as a demo user")
	fs.BoolVar(&cfg.secureCookies, "secure-cookies", false, "mark cookies Secure even over plain HTTP (behind a proxy that ends TLS)")
	fs.StringVar(&cfg.trustedProxies, "trusted-proxies", "", "addresses or CIDR prefixes of reverse proxies whose X-Forwarded-For is believed, comma-separated (e.g. 127.0.0.1,10.0.0.0/8)")
	fs.StringVar(&cfg.publicURL, "public-url", "", "the address users reach Debrief at, such as https://debrief.example.com (for single sign-on)")
	fs.StringVar(&cfg.oidcIssuer, "oidc-issuer", "", "OpenID Connect issuer URL; enables single sign-on")
	fs.StringVar(&cfg.oidcClientID, "oidc-client-id", "", "OpenID Connect client id")
	fs.StringVar(&cfg.alertSeverities, "alert-severities", "", "Alertmanager receiver: open an incident for alerts with these severity labels (comma-separated) when no open incident matches")
	fs.StringVar(&cfg.alertTeam, "alert-team", "", "Alertmanager receiver: the team (slug) of incidents it opens, when the alert has no team label")
	fs.StringVar(&cfg.oidcClientSecret, "oidc-client-secret", "", "OpenID Connect client secret (prefer DEBRIEF_OIDC_CLIENT_SECRET)")
	followupFlags(fs, &cfg.followup)
	lintConfig := fs.String("lint-config", "", "lint configuration: a YAML file for every team, or a folder with default.yaml and SLUG.yaml per team (docs/lint.md)")
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

	st, err := openMigrated(ctx, cfg.database)
	if err != nil {
		return err
	}
	defer st.Close()
	lintConfigs, err := loadLintConfigs(*lintConfig)
	if err != nil {
		return err
	}
	svc := app.New(st, app.WithSeverities(cfg.severityScale()), app.WithLogger(log), app.WithLintConfigs(lintConfigs))
	if cfg.demo {
		loaded, err := demo.Load(ctx, svc)
		if err != nil {
			return fmt.Errorf("load demo: %w", err)
		}
		if loaded {
			log.Info("loaded the demo incident")
		}
	}
	srv, err := buildServer(ctx, &cfg, svc, st.Ping, log)
	if err != nil {
		return err
	}
	stopJobs, err := startJobs(ctx, &cfg, svc, st, log)
	if err != nil {
		return err
	}
	defer stopJobs()
	if err := srv.Open(); err != nil {
		return err
	}
	log.Info("debrief is ready", "url", srv.URL(), "database", engineName(cfg.database),
		"version", version, "startup_ms", time.Since(start).Milliseconds())
	if needs, err := svc.NeedsSetup(ctx); err == nil && needs {
		// Printed to the operator's terminal, not logged: the link signs
		// its first user up as the organisation's admin, once.
		fmt.Fprintf(stdout, "\nNo users yet. Open this link to create the first admin (it works once):\n\n    %s/setup?token=%s\n\nor run: debrief user create --admin --email you@example.com --name 'Your Name'\n\n",
			srv.URL(), svc.SetupToken())
	}

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
