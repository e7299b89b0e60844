package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"text/tabwriter"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/importers/templatefile"
)

const templateUsage = `usage:
  debrief template import FILE [--team SLUG] [--note TEXT]   store a template file (YAML or Markdown) as a new version
  debrief template list [--team SLUG]                        the templates a team may use
  debrief template export NAME [--team SLUG] [--version N]   write a template as YAML
  debrief template rules FILE [--team SLUG]                  replace the rules that choose templates`

// runTemplate manages templates from the command line, for teams that keep
// their templates and rules in git. It acts as the system, like the other
// operator commands.
func runTemplate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{templateUsage}
	}
	sub := args[0]
	var cfg config
	fs := newFlagSet("template "+sub, &cfg, stderr)
	team := fs.String("team", "", "the team's slug; the organisation's when empty")
	note := fs.String("note", "", "what changed, for the template's users (import; overrides the file's note)")
	version := fs.Int64("version", 0, "the version to export; the newest when 0")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	rest := fs.Args()
	need := map[string]int{"import": 1, "list": 0, "export": 1, "rules": 1}
	n, ok := need[sub]
	if !ok || len(rest) != n {
		return usageError{templateUsage}
	}
	st, err := openMigrated(ctx, cfg.database)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := app.New(st, app.WithSeverities(cfg.severityScale()))
	ctx = debrief.WithActor(ctx, debrief.SystemActor)
	switch sub {
	case "import":
		raw, err := readLimited(rest[0])
		if err != nil {
			return err
		}
		t, err := templatefile.Parse(filepath.Base(rest[0]), raw)
		if err != nil {
			return err
		}
		t.Team = *team
		if *note != "" {
			t.Note = *note
		}
		if err := svc.SaveTemplate(ctx, t); err != nil {
			return fieldErr(rest[0], err)
		}
		fmt.Fprintf(stdout, "stored template %s%s version %d (%d sections)\n", t.Name, scopeLabel(t.Team), t.Version, len(t.Sections))
	case "list":
		list, err := svc.ListTemplates(ctx, *team)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tVERSION\tSCOPE\tTITLE\tSECTIONS")
		for _, t := range list {
			scope := "organisation"
			switch {
			case t.Builtin:
				scope = "built-in"
			case t.Team != "":
				scope = "team " + t.Team
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%d\n", t.Name, t.Version, scope, t.Title, len(t.Sections))
		}
		return tw.Flush()
	case "export":
		t, err := svc.TemplateVersion(ctx, *team, rest[0], *version)
		if err != nil {
			return err
		}
		return templatefile.Write(stdout, t)
	case "rules":
		raw, err := readLimited(rest[0])
		if err != nil {
			return err
		}
		rules, err := templatefile.ParseRules(filepath.Base(rest[0]), raw)
		if err != nil {
			return err
		}
		if err := svc.SetTemplateRules(ctx, *team, rules); err != nil {
			return fieldErr(rest[0], err)
		}
		fmt.Fprintf(stdout, "stored %d rules%s\n", len(rules), scopeLabel(*team))
	}
	return nil
}

func scopeLabel(team string) string {
	if team == "" {
		return " of the organisation"
	}
	return " of team " + team
}

// fieldErr names the file and the field the rules refused.
func fieldErr(file string, err error) error {
	if f := debrief.ErrorField(err); f != "" {
		return fmt.Errorf("%s: %s: %s", file, f, debrief.ErrorMessage(err))
	}
	return fmt.Errorf("%s: %w", file, err)
}
