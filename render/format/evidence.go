package format

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
)

// The merged references of an event (the other sources' copies of it) are
// carried in one attribute, refs=[…], whose value is a JSON array of
// {"source", "original_id", "url"} objects written on one line: ids and
// URLs hold any character, and JSON reads them back exactly.

// refsJSON is the value of the refs attribute: every field of every ref,
// in order, so that reading and writing again gives the same bytes. JSON
// escapes line breaks, so it stays on the event's line.
func refsJSON(refs []debrief.EventRef) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(refs) // strings only: it cannot fail
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// parseRefs reads the JSON array at the start of s, the value of the refs
// attribute, and returns it with the bytes it took.
func parseRefs(s string) ([]debrief.EventRef, int, error) {
	if !strings.HasPrefix(s, "[") {
		return nil, 0, errors.New(`refs: want a JSON array, [{"source": …, "original_id": …, "url": …}]`)
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	var refs []debrief.EventRef
	if err := dec.Decode(&refs); err != nil {
		return nil, 0, errors.New("refs: " + err.Error())
	}
	if len(refs) == 0 {
		return nil, 0, errors.New("refs: empty list")
	}
	return refs, int(dec.InputOffset()), nil
}

// followThrough reads an action item's follow-through fields: who decided
// a drop, when and by whom it was verified effective and how, and its
// ticket's key. Each belongs to one status, as in Debrief, so a file that
// says otherwise is an error rather than a field silently dropped on import.
func (p *parser) followThrough(a *debrief.Action, get func(string) string, lines map[string]int) error {
	a.TicketKey = get("ticket key")
	a.DroppedBy = get("dropped by")
	if a.DroppedBy != "" && a.Status != debrief.ActionDropped {
		return p.errf(lines["dropped by"], "action: dropped by, but the status is %s (only a dropped item has it)", a.Status)
	}
	a.VerifiedBy, a.VerifiedNote = get("verified by"), get("verified note")
	if v := get("verified"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return p.errf(lines["verified"], "action: cannot read verified time %q (want YYYY-MM-DDTHH:MM:SS±HH:MM)", v)
		}
		t = t.UTC()
		a.VerifiedAt = &t
	}
	for _, k := range []string{"verified", "verified by", "verified note"} {
		if get(k) == "" {
			continue
		}
		if a.Status != debrief.ActionDone {
			return p.errf(lines[k], "action: %s, but the status is %s (only a done item is verified effective)", k, a.Status)
		}
		if a.VerifiedAt == nil {
			return p.errf(lines[k], "action: %s without verified: give the time it was verified effective", k)
		}
	}
	return nil
}
