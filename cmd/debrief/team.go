package main

import (
	"context"
	"fmt"
	"io"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
)

// runTeam creates a team from the server's command line, for scripted
// set-ups and imports.
func runTeam(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return usageError{"usage: debrief team create --name NAME [--slug SLUG] [--visibility team|organization]"}
	}
	var cfg config
	fs := newFlagSet("team create", &cfg, stderr)
	name := fs.String("name", "", "the team's name (required)")
	slug := fs.String("slug", "", "the short name incidents use; made from the name when empty")
	visibility := fs.String("visibility", "team", "who sees the team's new incidents: team or organization")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *name == "" {
		return usageError{"team create needs --name"}
	}
	st, err := openMigrated(ctx, cfg.database)
	if err != nil {
		return err
	}
	defer st.Close()
	t := &debrief.Team{Name: *name, Slug: *slug, DefaultVisibility: debrief.Visibility(*visibility)}
	if err := app.New(st).CreateTeam(debrief.WithActor(ctx, debrief.SystemActor), t); err != nil {
		if f := debrief.ErrorField(err); f != "" {
			return fmt.Errorf("--%s: %s", f, debrief.ErrorMessage(err))
		}
		return err
	}
	fmt.Fprintf(stdout, "created team %s (%s)\n", t.Slug, t.Name)
	return nil
}
