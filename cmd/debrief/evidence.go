package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/importers/evidence"
	"github.com/debrief-oss/debrief/importers/sources"
)

// runEvidenceImport imports a source's evidence into an incident's
// timeline: debrief import SOURCE --incident N [flags] PATH...
func runEvidenceImport(ctx context.Context, source string, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlagSet("import "+source, &cfg, stderr)
	incident := fs.Int64("incident", 0, "the incident whose timeline the evidence goes into (its id)")
	dryRun := fs.Bool("dry-run", false, "print what the import would do, and the first events, as JSON; write nothing")
	zone := fs.String("zone", "UTC", "the source's zone, for times it writes without one")
	skew := fs.Duration("skew", 0, "how far the source's clock was ahead (30s, -2m): subtracted from its times")
	since := fs.String("since", "", "only events at or after this time (RFC 3339, or 2024-05-01 09:00 in --zone)")
	until := fs.String("until", "", "only events at or before this time")
	var channels, workspace, alertID, alias *string
	if source == "slack" {
		channels = fs.String("channels", "", "the channels to import, by name or id, comma-separated (default: all)")
		workspace = fs.String("workspace-url", "", "the workspace's address, such as https://acme.slack.com, to link each message")
	}
	if source == "opsgenie" {
		alertID = fs.String("alert-id", "", "the alert an alert log page is about")
		alias = fs.String("alias", "", "that alert's alias, to merge it with other sources' copies")
	}
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: debrief import %s --incident N [flags] PATH...\n", source)
		fmt.Fprintf(stderr, "Imports %s evidence into an incident's timeline (see docs/importers.md).\n", source)
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{fmt.Sprintf("import %s needs at least one path", source)}
	}
	if *incident <= 0 && !*dryRun {
		return usageError{fmt.Sprintf("import %s needs --incident (the incident's id), or --dry-run", source)}
	}
	o := sources.Options{}
	loc, err := time.LoadLocation(*zone)
	if err != nil {
		return usageError{fmt.Sprintf("--zone %q: %v", *zone, err)}
	}
	o.Zone, o.Skew = loc, *skew
	for _, w := range []struct {
		flag string
		v    string
		dst  *time.Time
	}{{"since", *since, &o.Since}, {"until", *until, &o.Until}} {
		if w.v == "" {
			continue
		}
		t, err := o.ParseTime(w.v)
		if err != nil {
			return usageError{fmt.Sprintf("--%s: %v", w.flag, err)}
		}
		*w.dst = t.Add(o.Skew) // the window is in true time: undo the skew ParseTime took off
	}
	if channels != nil {
		for _, c := range strings.Split(*channels, ",") {
			if c = strings.TrimSpace(c); c != "" {
				o.Channels = append(o.Channels, c)
			}
		}
		o.WorkspaceURL = *workspace
	}
	if alertID != nil {
		o.AlertID, o.Alias = *alertID, *alias
	}

	st, err := openStore(ctx, cfg.database)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate database: %w", err)
	}
	svc := app.New(st, app.WithSeverities(cfg.severityScale()))
	sys := debrief.WithActor(ctx, debrief.SystemActor)

	var evs []*debrief.Event
	for _, p := range fs.Args() {
		bar := newProgress(stderr, p)
		o.Progress = bar.update
		err := sources.ReadFile(source, p, o, func(ev *debrief.Event) error {
			if len(evs) >= app.MaxImportEvents {
				return fmt.Errorf("more than %d events: choose fewer channels or a shorter window", app.MaxImportEvents)
			}
			evs = append(evs, ev)
			return nil
		})
		bar.done()
		if err != nil {
			return fmt.Errorf("nothing imported: %w", err)
		}
	}
	if *dryRun {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		out := map[string]any{"source": source, "events": len(evs), "preview": evs[:min(len(evs), 50)]}
		if *incident > 0 {
			res, err := svc.PreviewImport(sys, *incident, evs)
			if err != nil {
				return err
			}
			out["result"] = res
		}
		return enc.Encode(out)
	}
	res, err := svc.ImportEvents(sys, *incident, evs)
	if err != nil {
		if f := debrief.ErrorField(err); f != "" {
			return fmt.Errorf("nothing imported: %s: %s", f, debrief.ErrorMessage(err))
		}
		return fmt.Errorf("nothing imported: %w", err)
	}
	fmt.Fprintf(stdout, "incident %d: %d events read, %d added, %d merged into another source's copy, %d already there\n",
		*incident, res.Read, res.Created, res.Merged, res.Same)
	return nil
}

// progress draws a bar on a terminal, and prints nothing else: on a pipe
// or in a log, a line at the start and the end is all a reader wants.
type progress struct {
	w        io.Writer
	name     string
	terminal bool
	mu       sync.Mutex
	last     time.Time
	drawn    bool
	start    time.Time
}

func newProgress(w io.Writer, name string) *progress {
	p := &progress{w: w, name: name, start: time.Now()}
	if f, ok := w.(*os.File); ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())) {
		p.terminal = true
	} else {
		fmt.Fprintf(w, "reading %s\n", name)
	}
	return p
}

func (p *progress) update(done, total int64) {
	if !p.terminal || total <= 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Since(p.last) < 100*time.Millisecond && done < total {
		return
	}
	p.last = time.Now()
	const width = 30
	fill := int(float64(width) * float64(done) / float64(total))
	fill = max(0, min(width, fill))
	fmt.Fprintf(p.w, "\r%s [%s%s] %3d%% %s/%s", p.name, strings.Repeat("=", fill), strings.Repeat(" ", width-fill),
		done*100/total, size(done), size(total))
	p.drawn = true
}

func (p *progress) done() {
	if p.terminal {
		if p.drawn {
			fmt.Fprintln(p.w)
		}
		return
	}
	fmt.Fprintf(p.w, "read %s in %s\n", p.name, time.Since(p.start).Round(time.Millisecond))
}

func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
	return strconv.FormatInt(n, 10) + " B"
}

// runNote adds a live note to an incident's timeline, now:
// debrief note INCIDENT "text".
func runNote(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlagSet("note", &cfg, stderr)
	author := fs.String("author", os.Getenv("USER"), "who writes the note")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `Usage: debrief note [flags] INCIDENT "text"`)
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usageError{`note needs an incident id and the text: debrief note 42 "Rolled back"`}
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if err != nil || id <= 0 {
		return usageError{fmt.Sprintf("%q is not an incident id", fs.Arg(0))}
	}
	st, err := openStore(ctx, cfg.database)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate database: %w", err)
	}
	svc := app.New(st, app.WithSeverities(cfg.severityScale()))
	ev := &debrief.Event{IncidentID: id, At: time.Now(), Text: fs.Arg(1), Source: "note", Kind: debrief.EventNote,
		Author: evidence.Clip(*author, evidence.MaxShort)}
	if err := svc.CreateEvent(debrief.WithActor(ctx, debrief.SystemActor), ev); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "incident %d: note %d at %s\n", id, ev.ID, ev.At.Format(time.RFC3339))
	return nil
}

// alertRule is the Alertmanager receiver's rule from the flags.
func (c *config) alertRule() app.AlertRule {
	r := app.AlertRule{Team: strings.TrimSpace(c.alertTeam)}
	for _, s := range strings.Split(c.alertSeverities, ",") {
		if s = strings.TrimSpace(s); s != "" {
			r.Severities = append(r.Severities, s)
		}
	}
	return r
}
