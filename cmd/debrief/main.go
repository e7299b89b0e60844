// Command debrief is the Debrief server and its tools, in one binary.
//
//	debrief serve [--demo]      run the web UI and the API
//	debrief migrate             bring the database schema up to date
//	debrief export ID           write one retrospective (Markdown, Debrief's format, JSON, SVG)
//	debrief user create         create a user, such as the first admin
//	debrief actions [filters]   list action items (--overdue --team T, --ticket KEY)
//	debrief version             print the version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	_ "time/tzdata" // incident zones must load on machines without a zone database
)

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands = []command{
	{"serve", "run the web UI and the JSON API", runServe},
	{"migrate", "bring the database schema up to date and exit", runMigrate},
	{"import", "import retrospectives from Markdown files, folders or zips", runImport},
	{"export", "write one incident as Markdown, Debrief's format, JSON or the timeline SVG, or --all into a folder", runExport},
	{"lint", "check retrospectives (files, folders or --incident ID) for blame, gaps and vague actions", runLint},
	{"user", "create a user: user create --email E --name N [--admin]", runUser},
	{"token", "make an API token for a user: token create --email E --name N", runToken},
	{"team", "create a team: team create --name N [--slug S]", runTeam},
	{"template", "manage templates and their rules: template import|list|export|rules", runTemplate},
	{"actions", "list action items: --overdue --team T, --ticket OPS-123, --json", runActions},
	{"note", `add a live note to an incident's timeline: note INCIDENT "text"`, runNote},
	{"version", "print the version and exit", runVersion},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "debrief:", err)
		}
		os.Exit(exitCode(err))
	}
}

// usageError is a mistake in how the command was called (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		if len(args) == 0 {
			return usageError{"no command given"}
		}
		return nil
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	usage(stderr)
	return usageError{fmt.Sprintf("unknown command %q", args[0])}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Debrief: incident retrospectives, from the evidence to the follow-up.")
	fmt.Fprintln(w, "\nUsage: debrief COMMAND [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'debrief COMMAND -h' for a command's flags. Every flag can also be set")
	fmt.Fprintln(w, "as an environment variable: --database is DEBRIEF_DATABASE, and so on.")
}
