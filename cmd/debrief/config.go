package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// config is what every command may need. Each field is a flag and a
// DEBRIEF_* environment variable; a flag given on the command line wins.
type config struct {
	database   string
	addr       string
	demo       bool
	logFormat  string
	logLevel   string
	severities string

	secureCookies    bool
	trustedProxies   string
	publicURL        string
	oidcIssuer       string
	oidcClientID     string
	oidcClientSecret string

	// followup configures ticket sync and nudges (followup.go).
	followup followupConfig
	// The Alertmanager receiver's rule for alerts no open incident matches.
	alertSeverities string
	alertTeam       string
}

// newFlagSet declares the shared flags on a command's flag set.
func newFlagSet(name string, cfg *config, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.database, "database", "debrief.db",
		"database: a SQLite file path, or a postgres:// URL")
	fs.StringVar(&cfg.logFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&cfg.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.StringVar(&cfg.severities, "severities", "SEV1,SEV2,SEV3,SEV4",
		"the severity scale, most severe first, comma-separated")
	return fs
}

// parse reads the flags, wherever they stand among the arguments
// ("export 42 --format json" as well as "export --format json 42"), then
// environment variables for the flags not given. fs.Args() holds the
// other arguments, in their order.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(flagsFirst(fs, args)); err != nil {
		return err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || err != nil {
			return
		}
		env := "DEBRIEF_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(env); ok {
			if e := f.Value.Set(v); e != nil {
				err = usageError{fmt.Sprintf("%s=%q: %v", env, v, e)}
			}
		}
	})
	return err
}

func (c *config) severityScale() []string {
	var out []string
	for _, s := range strings.Split(c.severities, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (c *config) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.logLevel)); err != nil {
		return nil, usageError{fmt.Sprintf("--log-level %q: want debug, info, warn or error", c.logLevel)}
	}
	opts := &slog.HandlerOptions{Level: level}
	switch c.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usageError{fmt.Sprintf("--log-format %q: want text or json", c.logFormat)}
}

// flagsFirst moves the flags (and their values) before the other
// arguments, which the flag package alone stops at. "--" ends the flags;
// "-" alone is an argument (standard input).
func flagsFirst(fs *flag.FlagSet, args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return append(append(flags, "--"), append(pos, args[i+1:]...)...)
		case strings.HasPrefix(a, "-") && a != "-":
			flags = append(flags, a)
			f := fs.Lookup(strings.TrimLeft(a, "-"))
			if f == nil || strings.Contains(a, "=") || i+1 == len(args) {
				continue
			}
			if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
				continue
			}
			flags = append(flags, args[i+1])
			i++
		default:
			pos = append(pos, a)
		}
	}
	if len(pos) > 0 {
		flags = append(flags, "--")
	}
	return append(flags, pos...)
}
