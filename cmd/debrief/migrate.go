package main

import (
	"context"
	"fmt"
	"io"
)

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlagSet("migrate", &cfg, stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	st, err := openStore(ctx, cfg.database)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	fmt.Fprintf(stdout, "database schema is up to date (%s)\n", engineName(cfg.database))
	return nil
}
