package app

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/debrief-oss/debrief"
)

// How close two sources' copies of one event must be to be merged: the
// same alert and transition within AlertWindow, or any two events within
// TextWindow whose words are alike.
const (
	AlertWindow = 10 * time.Minute
	TextWindow  = 2 * time.Minute
)

// merger decides, for each imported event, whether the timeline already
// has it (the same source and original id, or a merged copy of it),
// whether it is another source's copy of an event there (to be merged,
// keeping both references), or whether it is new.
type merger struct {
	byOrig  map[string]*debrief.Event
	byAlert map[string][]*debrief.Event
	byTime  []*debrief.Event // sorted by At
	words   map[*debrief.Event]map[string]bool
	stored  map[*debrief.Event]bool
	updated map[*debrief.Event]bool
	creates []*debrief.Event
	res     debrief.ImportResult
}

func origKey(source, id string) string { return source + "\x00" + id }

func newMerger(existing []*debrief.Event) *merger {
	m := &merger{
		byOrig: map[string]*debrief.Event{}, byAlert: map[string][]*debrief.Event{},
		words: map[*debrief.Event]map[string]bool{}, stored: map[*debrief.Event]bool{}, updated: map[*debrief.Event]bool{},
	}
	for _, ev := range existing {
		m.stored[ev] = true
		m.index(ev)
	}
	sort.SliceStable(m.byTime, func(i, j int) bool { return m.byTime[i].At.Before(m.byTime[j].At) })
	return m
}

func (m *merger) index(ev *debrief.Event) {
	if ev.OriginalID != "" {
		m.byOrig[origKey(ev.Source, ev.OriginalID)] = ev
	}
	for _, r := range ev.Refs {
		m.byOrig[origKey(r.Source, r.OriginalID)] = ev
	}
	if ev.AlertKey != "" {
		m.byAlert[ev.AlertKey] = append(m.byAlert[ev.AlertKey], ev)
	}
	if m.stored[ev] {
		m.byTime = append(m.byTime, ev)
	}
}

// contentID gives an event without an id in its source (a CSV row without
// one) an id made of what it says and when, so that importing the same
// file again finds it.
func contentID(ev *debrief.Event) string {
	h := sha256.Sum256([]byte(ev.At.UTC().Format(time.RFC3339Nano) + "\x00" + ev.Author + "\x00" + ev.Text))
	return "sha256:" + hex.EncodeToString(h[:12])
}

// add takes in one validated event.
func (m *merger) add(ev *debrief.Event) {
	m.res.Read++
	if ev.OriginalID == "" {
		ev.OriginalID = contentID(ev)
	}
	if _, ok := m.byOrig[origKey(ev.Source, ev.OriginalID)]; ok {
		m.res.Same++
		return
	}
	if into := m.match(ev); into != nil {
		into.Refs = append(into.Refs, debrief.EventRef{Source: ev.Source, OriginalID: ev.OriginalID, URL: ev.URL})
		if into.URL == "" && ev.URL != "" && !m.stored[into] {
			into.URL = ev.URL
		}
		m.byOrig[origKey(ev.Source, ev.OriginalID)] = into
		if m.stored[into] {
			m.updated[into] = true
		}
		m.res.Merged++
		return
	}
	m.creates = append(m.creates, ev)
	m.index(ev)
	m.res.Created++
}

// match finds the event of another source ev is a copy of.
func (m *merger) match(ev *debrief.Event) *debrief.Event {
	if ev.AlertKey != "" {
		for _, x := range m.byAlert[ev.AlertKey] {
			if x.Source != ev.Source && absDur(x.At.Sub(ev.At)) <= AlertWindow {
				return x
			}
		}
	}
	// Text: only against what was on the timeline before this import (one
	// import is one source; its own events are never copies of each other).
	i := sort.Search(len(m.byTime), func(i int) bool { return !m.byTime[i].At.Before(ev.At.Add(-TextWindow)) })
	var words map[string]bool
	for ; i < len(m.byTime) && !m.byTime[i].At.After(ev.At.Add(TextWindow)); i++ {
		x := m.byTime[i]
		if x.Source == ev.Source || x.Source == "manual" {
			continue
		}
		if words == nil {
			words = wordSet(ev.Text)
		}
		xw, ok := m.words[x]
		if !ok {
			xw = wordSet(x.Text)
			m.words[x] = xw
		}
		if alike(words, xw) {
			return x
		}
	}
	return nil
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// wordSet is the set of a text's words, folded, links left out (two
// sources link to different places).
func wordSet(s string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '/' && r != ':' && r != '.'
	}) {
		w = strings.Trim(w, ".:/")
		if w == "" || strings.Contains(w, "://") || strings.HasPrefix(w, "http") {
			continue
		}
		set[w] = true
	}
	return set
}

// alike: most words shared (Jaccard at least 0.6), or the shorter text's
// words (four or more) nearly all in the longer one, as when a bot posts
// an alert's title with a prefix of its own.
func alike(a, b map[string]bool) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	common := 0
	for w := range a {
		if b[w] {
			common++
		}
	}
	union := len(a) + len(b) - common
	return float64(common) >= 0.6*float64(union) || (len(a) >= 4 && float64(common) >= 0.9*float64(len(a)))
}
