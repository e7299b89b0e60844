// Package generic reads events from CSV and JSON lines, for every source
// Debrief has no importer for. Both carry the same documented columns:
//
//	at         required: RFC 3339, or "2024-05-01 14:03[:05]" in the source's zone
//	text       required
//	author, url, kind (note, message, alert, page, deploy, action, milestone; default note),
//	id         the event's id in its source (makes re-importing idempotent)
//	source     default "csv" or "jsonl"
//	alert_key  the alert the event is about, for merging with other sources
//
// Other columns and fields are ignored.
package generic

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/importers/evidence"
)

// Columns are the columns read; the first two are required.
var Columns = []string{"at", "text", "author", "url", "kind", "id", "source", "alert_key"}

// record is one row or line.
type record struct {
	At       string `json:"at"`
	Text     string `json:"text"`
	Author   string `json:"author"`
	URL      string `json:"url"`
	Kind     string `json:"kind"`
	ID       string `json:"id"`
	Source   string `json:"source"`
	AlertKey string `json:"alert_key"`
}

func (r *record) event(def string, o *evidence.Options) (*debrief.Event, error) {
	if strings.TrimSpace(r.At) == "" {
		return nil, fmt.Errorf("at: is required")
	}
	at, err := o.ParseTime(r.At)
	if err != nil {
		return nil, fmt.Errorf("at: %w", err)
	}
	if strings.TrimSpace(r.Text) == "" {
		return nil, fmt.Errorf("text: is required")
	}
	kind := strings.ToLower(strings.TrimSpace(r.Kind))
	if kind == "" {
		kind = debrief.EventNote
	}
	if !slices.Contains(debrief.EventKinds, kind) {
		return nil, fmt.Errorf("kind: %q is not one of %s", evidence.Clip(r.Kind, 40), strings.Join(debrief.EventKinds, ", "))
	}
	src := strings.TrimSpace(r.Source)
	if src == "" {
		src = def
	}
	if r.URL != "" && evidence.SafeURL(r.URL) == "" {
		return nil, fmt.Errorf("url: %q is not an http or https link", evidence.Clip(r.URL, 60))
	}
	ev := evidence.Event(evidence.Clip(src, evidence.MaxShort), r.ID, at, r.Text, r.Author, r.URL, kind)
	ev.AlertKey = evidence.Clip(strings.TrimSpace(r.AlertKey), evidence.MaxID)
	return ev, nil
}

// ImportCSV reads a CSV file with a header row naming its columns.
func ImportCSV(r io.Reader, file string, o evidence.Options, emit evidence.Emit) error {
	cr := csv.NewReader(bufio.NewReader(r))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err == io.EOF {
		return evidence.Errorf(file, "", "empty: no header row")
	} else if err != nil {
		return evidence.Wrap(file, "line 1", err)
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))
		if _, dup := col[h]; dup && slices.Contains(Columns, h) {
			return evidence.Errorf(file, "line 1", "column %q appears twice", h)
		}
		col[h] = i
	}
	for _, need := range Columns[:2] {
		if _, ok := col[need]; !ok {
			return evidence.Errorf(file, "line 1", "no %q column: the header must name at least at and text (columns: %s)", need, strings.Join(Columns, ", "))
		}
	}
	get := func(row []string, name string) string {
		if i, ok := col[name]; ok && i < len(row) {
			return row[i]
		}
		return ""
	}
	for {
		row, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			// FieldPos is only defined for a record read without error.
			entry := "after the header"
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				entry = fmt.Sprintf("line %d", pe.Line)
			}
			return evidence.Wrap(file, entry, err)
		}
		if len(row) == 0 {
			continue
		}
		line, _ := cr.FieldPos(0)
		entry := fmt.Sprintf("line %d", line)
		rec := record{At: get(row, "at"), Text: get(row, "text"), Author: get(row, "author"), URL: get(row, "url"),
			Kind: get(row, "kind"), ID: get(row, "id"), Source: get(row, "source"), AlertKey: get(row, "alert_key")}
		ev, err := rec.event("csv", &o)
		if err != nil {
			return evidence.Wrap(file, entry, err)
		}
		if !o.InWindow(ev.At) {
			continue
		}
		if err := emit(ev); err != nil {
			return err
		}
	}
}

// ImportJSONL reads one JSON object per line; blank lines are skipped.
func ImportJSONL(r io.Reader, file string, o evidence.Options, emit evidence.Emit) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		b := sc.Bytes()
		if line == 1 {
			b = []byte(strings.TrimPrefix(string(b), "\uFEFF"))
		}
		if len(strings.TrimSpace(string(b))) == 0 {
			continue
		}
		entry := fmt.Sprintf("line %d", line)
		var rec record
		if err := json.Unmarshal(b, &rec); err != nil {
			return evidence.Wrap(file, entry, fmt.Errorf("not a JSON object: %w", err))
		}
		ev, err := rec.event("jsonl", &o)
		if err != nil {
			return evidence.Wrap(file, entry, err)
		}
		if !o.InWindow(ev.At) {
			continue
		}
		if err := emit(ev); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return evidence.Wrap(file, "", err)
	}
	return nil
}
