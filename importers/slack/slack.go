// Package slack reads a Slack workspace export (a zip, or the folder it
// unzips to) into timeline events: the messages of the channels chosen, in
// the time window chosen, with threads, edits, bot and integration
// messages, file shares as references, people's names from users.json and
// permalinks when the workspace's address is known.
//
// An export is users.json, channels.json (and groups.json for private
// channels) and a folder per channel holding one JSON array of messages
// per day, <channel>/YYYY-MM-DD.json. Every file is decoded as a stream,
// one message at a time: a channel of a million messages is never held.
package slack

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/debrief-oss/debrief/importers/evidence"
)

// Source is the events' source.
const Source = "slack"

// Options choose what to import.
type Options struct {
	evidence.Options
	// Channels are the channels to import, by name (with or without #) or
	// id; empty means every channel.
	Channels []string
	// WorkspaceURL, such as https://acme.slack.com, makes permalinks.
	WorkspaceURL string
	// Caps on the export's expansion (zero: the defaults).
	MaxEntryBytes, MaxTotalBytes int64
	// Progress, when set, is told the bytes read so far of the total to read.
	Progress func(done, total int64)
}

func (o *Options) maxEntry() int64 {
	if o == nil || o.MaxEntryBytes <= 0 {
		return DefaultMaxEntryBytes
	}
	return o.MaxEntryBytes
}

func (o *Options) maxTotal() int64 {
	if o == nil || o.MaxTotalBytes <= 0 {
		return DefaultMaxTotalBytes
	}
	return o.MaxTotalBytes
}

// Channel is one channel of an export.
type Channel struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Private bool   `json:"private"`
	// Days are the dates the export holds messages for (YYYY-MM-DD).
	First, Last string `json:"-"`
	Days        int    `json:"days"`
	Bytes       int64  `json:"bytes"`
}

// ListChannels lists an export's channels, for choosing.
func ListChannels(p string) ([]Channel, error) {
	x, err := openExport(p, &Options{})
	if err != nil {
		return nil, err
	}
	defer x.Close()
	return x.channels(&Options{})
}

// Import reads the export at p (a .zip or a folder) and emits its messages.
func Import(p string, o Options, emit evidence.Emit) error {
	x, err := openExport(p, &o)
	if err != nil {
		return err
	}
	defer x.Close()
	return x.importAll(&o, emit)
}

// ImportZip reads an export from a zip held in r (an upload).
func ImportZip(r io.ReaderAt, size int64, name string, o Options, emit evidence.Emit) error {
	x, err := openZip(r, size, name, &o)
	if err != nil {
		return err
	}
	return x.importAll(&o, emit)
}

// ListZipChannels lists the channels of a zip held in r.
func ListZipChannels(r io.ReaderAt, size int64, name string) ([]Channel, error) {
	x, err := openZip(r, size, name, &Options{})
	if err != nil {
		return nil, err
	}
	return x.channels(&Options{})
}

type channelJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// channels reads channels.json and groups.json.
func (x *export) channels(o *Options) ([]Channel, error) {
	var out []Channel
	for _, file := range []string{"channels.json", "groups.json"} {
		if !x.has(file) {
			continue
		}
		err := x.eachJSON(file, o, func(i int, dec *json.Decoder) error {
			var c channelJSON
			if err := dec.Decode(&c); err != nil {
				return err
			}
			if c.Name == "" && c.ID == "" {
				return fmt.Errorf("a channel without id or name")
			}
			ch := Channel{ID: c.ID, Name: c.Name, Private: file == "groups.json"}
			for _, d := range x.dayFiles(ch.folder()) {
				ch.Days++
				ch.Bytes += x.files[x.prefix+ch.folder()+"/"+d].size
			}
			out = append(out, ch)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// folder is where the export keeps a channel's days: its name.
func (c Channel) folder() string {
	if c.Name != "" {
		return c.Name
	}
	return c.ID
}

// eachJSON streams a file holding one JSON array, calling fn with the
// decoder positioned at each element in turn. Errors name the file and the
// element.
func (x *export) eachJSON(file string, o *Options, fn func(i int, dec *json.Decoder) error) error {
	rc, _, err := x.open(file, o)
	if err != nil {
		return evidence.Wrap(file, "", err)
	}
	defer rc.Close()
	return eachElement(rc, file, fn)
}

// eachElement streams a JSON array from r.
func eachElement(r io.Reader, file string, fn func(i int, dec *json.Decoder) error) error {
	dec := json.NewDecoder(r)
	tok, err := dec.Token()
	if err != nil {
		return evidence.Wrap(file, "", fmt.Errorf("not JSON: %w", err))
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return evidence.Errorf(file, "", "not a JSON array")
	}
	i := 0
	for dec.More() {
		if err := fn(i, dec); err != nil {
			return evidence.Wrap(file, fmt.Sprintf("entry %d (byte %d)", i, dec.InputOffset()), err)
		}
		i++
	}
	if _, err := dec.Token(); err != nil {
		return evidence.Wrap(file, fmt.Sprintf("after entry %d", i), err)
	}
	return nil
}

type userJSON struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	RealName string `json:"real_name"`
	Profile  struct {
		RealName    string `json:"real_name"`
		DisplayName string `json:"display_name"`
	} `json:"profile"`
}

// users reads users.json into a map of id to the name shown: the real
// name, else the display name, else the handle.
func (x *export) users(o *Options) (map[string]string, error) {
	names := map[string]string{}
	if !x.has("users.json") {
		return names, nil
	}
	err := x.eachJSON("users.json", o, func(i int, dec *json.Decoder) error {
		var u userJSON
		if err := dec.Decode(&u); err != nil {
			return err
		}
		names[u.ID] = firstOf(u.Profile.RealName, u.RealName, u.Profile.DisplayName, u.Name, u.ID)
		return nil
	})
	return names, err
}

func firstOf(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// selected picks the channels asked for; asking for one the export does
// not have is an error naming it.
func selected(all []Channel, want []string) ([]Channel, error) {
	if len(want) == 0 {
		return all, nil
	}
	var out []Channel
	for _, w := range want {
		w = strings.TrimPrefix(strings.TrimSpace(w), "#")
		found := false
		for _, c := range all {
			if c.Name == w || c.ID == w {
				out = append(out, c)
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("the export has no channel %q", w)
		}
	}
	return out, nil
}

// dayInWindow reports whether a day file can hold messages in the window.
// Day files are dated in the exporting workspace's zone, so a day either
// side of the window is read too, and each message is checked.
func dayInWindow(file string, o *Options) bool {
	d, err := time.Parse("2006-01-02", strings.TrimSuffix(file, ".json"))
	if err != nil {
		return true // not a dated file: read it and let the messages say
	}
	if !o.Since.IsZero() && d.Add(48*time.Hour).Add(o.Skew).Before(o.Since) {
		return false
	}
	if !o.Until.IsZero() && d.Add(-24*time.Hour).Add(o.Skew).After(o.Until) {
		return false
	}
	return true
}

func (x *export) importAll(o *Options, emit evidence.Emit) error {
	all, err := x.channels(o)
	if err != nil {
		return err
	}
	chans, err := selected(all, o.Channels)
	if err != nil {
		return fmt.Errorf("%s: %w", x.name, err)
	}
	users, err := x.users(o)
	if err != nil {
		return err
	}
	type job struct {
		ch   Channel
		file string
	}
	var jobs []job
	var total int64
	for _, ch := range chans {
		for _, d := range x.dayFiles(ch.folder()) {
			if dayInWindow(d, o) {
				jobs = append(jobs, job{ch, d})
				total += x.files[x.prefix+ch.folder()+"/"+d].size
			}
		}
	}
	var done int64
	for _, j := range jobs {
		name := j.ch.folder() + "/" + j.file
		n, err := x.importDay(name, j.ch, users, o, emit)
		if err != nil {
			return err
		}
		done += n
		if o.Progress != nil {
			o.Progress(done, total)
		}
	}
	return nil
}

// importDay streams one day file of a channel; it returns its size.
func (x *export) importDay(name string, ch Channel, users map[string]string, o *Options, emit evidence.Emit) (int64, error) {
	rc, size, err := x.open(name, o)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, os.ErrNotExist) {
		return 0, nil
	} else if err != nil {
		return 0, evidence.Wrap(name, "", err)
	}
	defer rc.Close()
	r := reader{ch: ch, users: users, o: o, base: strings.TrimRight(o.WorkspaceURL, "/")}
	err = eachElement(rc, name, func(i int, dec *json.Decoder) error {
		var m message
		if err := dec.Decode(&m); err != nil {
			return err
		}
		ev, err := r.event(&m)
		if err != nil {
			if m.TS != "" {
				return fmt.Errorf("message ts %q: %w", m.TS, err)
			}
			return err
		}
		if ev == nil || !o.InWindow(ev.At) {
			return nil
		}
		return emit(ev)
	})
	return size, err
}

// Planned is a file an import will read, with its size.
type Planned struct {
	Name string
	Size int64
}

// Plan lists the day files an import of the export at p with o reads:
// the chosen channels' days that can hold messages in the window. (The UI
// shows it before importing; the benchmark decodes the same files.)
func Plan(p string, o Options) ([]Planned, error) {
	x, err := openExport(p, &o)
	if err != nil {
		return nil, err
	}
	defer x.Close()
	all, err := x.channels(&o)
	if err != nil {
		return nil, err
	}
	chans, err := selected(all, o.Channels)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", x.name, err)
	}
	var out []Planned
	for _, ch := range chans {
		for _, d := range x.dayFiles(ch.folder()) {
			if dayInWindow(d, &o) {
				name := ch.folder() + "/" + d
				out = append(out, Planned{Name: x.prefix + name, Size: x.files[x.prefix+name].size})
			}
		}
	}
	return out, nil
}
