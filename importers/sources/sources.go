// Package sources runs the timeline importer of a source by its name, for
// the command line and the API alike: one list of sources, one set of
// options.
package sources

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/importers/alertmanager"
	"github.com/debrief-oss/debrief/importers/evidence"
	"github.com/debrief-oss/debrief/importers/generic"
	"github.com/debrief-oss/debrief/importers/github"
	"github.com/debrief-oss/debrief/importers/opsgenie"
	"github.com/debrief-oss/debrief/importers/pagerduty"
	"github.com/debrief-oss/debrief/importers/slack"
	"github.com/debrief-oss/debrief/importers/teams"
)

// Names are the sources that can be imported, as the CLI and API name them.
var Names = []string{"slack", "teams", "pagerduty", "opsgenie", "alertmanager", "github", "csv", "jsonl"}

// Is reports whether name is a source.
func Is(name string) bool {
	for _, n := range Names {
		if n == name {
			return true
		}
	}
	return false
}

// Options are every source's options; each importer reads the ones it knows.
type Options struct {
	evidence.Options
	Channels     []string // slack
	WorkspaceURL string   // slack
	AlertID      string   // opsgenie: the alert a log page is about
	Alias        string   // opsgenie: its alias
	// Progress is told the bytes read of the total, as reading goes.
	Progress func(done, total int64)
}

// ReadFile imports the file (or, for slack, the folder) at path.
func ReadFile(source, path string, o Options, emit evidence.Emit) error {
	if source == "slack" {
		return slack.Import(path, slackOptions(o), emit)
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var size int64
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	return Read(source, f, size, path, o, emit)
}

func slackOptions(o Options) slack.Options {
	return slack.Options{Options: o.Options, Channels: o.Channels, WorkspaceURL: o.WorkspaceURL, Progress: o.Progress}
}

// Read imports from r, which holds size bytes (0 when unknown); name is
// the file's name for errors. A Slack export must be a zip: r must then be
// an io.ReaderAt.
func Read(source string, r io.Reader, size int64, name string, o Options, emit evidence.Emit) error {
	if source == "slack" {
		ra, ok := r.(io.ReaderAt)
		if !ok {
			return fmt.Errorf("%s: a Slack export is read from a zip file", name)
		}
		return slack.ImportZip(ra, size, name, slackOptions(o), emit)
	}
	if o.Progress != nil && size > 0 {
		r = &progressReader{r: r, total: size, fn: o.Progress}
	}
	switch source {
	case "teams":
		return teams.Import(r, name, o.Options, emit)
	case "pagerduty":
		return pagerduty.Import(r, name, o.Options, emit)
	case "opsgenie":
		return opsgenie.Import(r, name, opsgenie.Options{Options: o.Options, AlertID: o.AlertID, Alias: o.Alias}, emit)
	case "alertmanager":
		return alertmanager.Import(r, name, o.Options, emit)
	case "github":
		return github.Import(r, name, o.Options, emit)
	case "csv":
		return generic.ImportCSV(r, name, o.Options, emit)
	case "jsonl":
		return generic.ImportJSONL(r, name, o.Options, emit)
	}
	return fmt.Errorf("unknown source %q: one of %s", source, strings.Join(Names, ", "))
}

// ListSlackChannels lists the channels of a Slack export zip held in r.
func ListSlackChannels(r io.ReaderAt, size int64, name string) ([]slack.Channel, error) {
	return slack.ListZipChannels(r, size, name)
}

type progressReader struct {
	r     io.Reader
	done  int64
	total int64
	fn    func(done, total int64)
	last  int64
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.done += int64(n)
	// Report every 1 MiB and at the end, not every read.
	if p.done-p.last >= 1<<20 || (err == io.EOF && p.done != p.last) {
		p.last = p.done
		p.fn(p.done, p.total)
	}
	return n, err
}

// Collect reads all the events of r into a slice, refusing more than max
// (an import is stored in one transaction, so it is held; the file is not).
// Errors are *debrief.Error: EINVALID naming the file and entry, or
// ETOOLARGE.
func Collect(source string, r io.Reader, size int64, name string, o Options, max int) ([]*debrief.Event, error) {
	var evs []*debrief.Event
	err := Read(source, r, size, name, o, func(ev *debrief.Event) error {
		if len(evs) >= max {
			return debrief.Errorf(debrief.ETOOLARGE, "%s holds more than %d events in the window chosen: choose fewer channels or a shorter window.", name, max)
		}
		evs = append(evs, ev)
		return nil
	})
	return evs, AsError(err)
}

// AsError turns an importer's error into a *debrief.Error: too large, or
// invalid with the importer's message (which names the file and entry).
func AsError(err error) error {
	if err == nil {
		return nil
	}
	var de *debrief.Error
	if errors.As(err, &de) {
		return err
	}
	if errors.Is(err, evidence.ErrTooLarge) {
		return &debrief.Error{Code: debrief.ETOOLARGE, Message: err.Error()}
	}
	return &debrief.Error{Code: debrief.EINVALID, Field: "file", Message: err.Error()}
}
