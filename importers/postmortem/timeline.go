package postmortem

import (
	"html"
	"regexp"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
)

var (
	listItemRe    = regexp.MustCompile(`^(\s*)(?:[-*+•]|\d{1,3}[.)])\s+(.*)$`)
	taskBoxRe     = regexp.MustCompile(`^\[[ xX]\]\s+`)
	tableSepRe    = regexp.MustCompile(`^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$`)
	urlRe         = regexp.MustCompile(`https?://[^\s)>\]|]+`)
	boldDateRe    = regexp.MustCompile(`^\s*(?:\*\*|__)(.+?)(?:\*\*|__):?\s*$`)
	leadPunctRe   = regexp.MustCompile(`^[\s\-–—:|>]+`)
	dmySlashAnyRe = regexp.MustCompile(`\b(\d{1,2})/(\d{1,2})/(\d{4})\b`)
)

// dayCtx is the date that time-only entries take.
type dayCtx struct {
	ok       bool
	y, mo, d int
	from     string // where it came from, for warnings
}

type tlState struct {
	day         dayCtx
	zone        *time.Location
	zoneName    string
	prev        time.Time
	hasPrev     bool
	warnedZone  bool
	warnedDay   bool
	lastEvent   int // index of the last event in p.d.Events, -1 when none
	lastIndent  int
	usedDefault bool
	monthFirst  bool
}

// timeline reads the events of the timeline section(s).
func (p *parser) timeline() {
	ranges := p.ranges["timeline"]
	st := &tlState{lastEvent: -1}
	// The zone: stated in the timeline, or anywhere in the document.
	for _, r := range ranges {
		for i := r[0]; i < r[1] && st.zone == nil; i++ {
			if l := p.lines[i]; !isTableRow(l) || (i+1 < r[1] && tableSepRe.MatchString(p.lines[i+1])) {
				st.zone, st.zoneName = statedZone(l)
			}
		}
	}
	if st.zone == nil {
		for _, l := range p.lines {
			if st.zone, st.zoneName = statedZone(l); st.zone != nil {
				break
			}
		}
	}
	if st.zone != nil {
		p.d.Zone = st.zone.String()
	} else {
		p.d.Zone = p.opts.Zone.String()
	}
	// Slash dates: the order is the one an unambiguous date in the
	// document shows (06/30 is month first), else month first for
	// American zones, else day first.
	st.monthFirst = st.zone != nil && strings.HasPrefix(st.zone.String(), "America/")
	for _, l := range p.lines {
		if m := dmySlashAnyRe.FindStringSubmatch(l); m != nil {
			a, b := atoiSafe(m[1]), atoiSafe(m[2])
			if a > 12 && b <= 12 {
				st.monthFirst = false
				break
			}
			if a <= 12 && b > 12 {
				st.monthFirst = true
				break
			}
		}
	}
	for _, r := range ranges {
		p.timelineRange(st, r[0], r[1])
	}
	if st.usedDefault && !st.warnedZone {
		line := 0
		if len(ranges) > 0 {
			line = ranges[0][0]
		}
		p.warn(line, "no time zone stated; times read in %s (--timezone)", p.opts.Zone)
	}
}

func isTableRow(l string) bool { return strings.HasPrefix(strings.TrimSpace(l), "|") }

func splitRow(l string) []string {
	l = strings.TrimSpace(l)
	l = strings.TrimPrefix(l, "|")
	if strings.HasSuffix(l, "|") && !strings.HasSuffix(l, `\|`) {
		l = l[:len(l)-1]
	}
	// Split on pipes that are not escaped.
	var cells []string
	var b strings.Builder
	for i := 0; i < len(l); i++ {
		if l[i] == '\\' && i+1 < len(l) && l[i+1] == '|' {
			b.WriteByte('|')
			i++
			continue
		}
		if l[i] == '|' {
			cells = append(cells, strings.TrimSpace(b.String()))
			b.Reset()
			continue
		}
		b.WriteByte(l[i])
	}
	return append(cells, strings.TrimSpace(b.String()))
}

func (p *parser) timelineRange(st *tlState, a, b int) {
	for i := a; i < b; i++ {
		l := p.lines[i]
		if isTableRow(l) && i+1 < b && tableSepRe.MatchString(p.lines[i+1]) {
			i = p.timelineTable(st, i, b)
			continue
		}
		if m := atxRe.FindStringSubmatch(l); m != nil {
			p.contextLine(st, i, m[2])
			continue
		}
		if m := listItemRe.FindStringSubmatch(l); m != nil {
			indent := len(strings.ReplaceAll(m[1], "\t", "    "))
			text := taskBoxRe.ReplaceAllString(m[2], "")
			if p.entry(st, i, text, "", false) {
				st.lastIndent = indent
				continue
			}
			// A nested bullet under an event adds to its text.
			if st.lastEvent >= 0 && indent > st.lastIndent && strings.TrimSpace(text) != "" && !looksLikeStamp(text) {
				e := &p.d.Events[st.lastEvent]
				e.Text = strings.TrimSpace(e.Text + " " + html.UnescapeString(strings.TrimSpace(text)))
			}
			continue
		}
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		if m := boldDateRe.FindStringSubmatch(t); m != nil {
			if p.contextLine(st, i, m[1]) {
				continue
			}
		}
		if p.entry(st, i, t, "", true) {
			continue
		}
		p.contextLine(st, i, t)
	}
}

// contextLine reads a heading or plain line for a date ("### June 30,
// 2021") or a zone ("All times in PDT"). It reports whether it found one.
func (p *parser) contextLine(st *tlState, i int, text string) bool {
	found := false
	if loc, name := statedZone(text); loc != nil {
		st.zone, st.zoneName, found = loc, name, true
	}
	if s, ok := findDate(text); ok {
		if s.y == 0 {
			s.y = p.guessYear(st, i)
		}
		st.day = dayCtx{ok: true, y: s.y, mo: s.mo, d: s.d, from: "the heading on line " + itoa(i+1)}
		st.hasPrev = false
		found = true
	}
	return found
}

// timelineTable reads a table starting at the header line h and returns
// the index of its last line.
func (p *parser) timelineTable(st *tlState, h, b int) int {
	head := splitRow(p.lines[h])
	timeCol, dateCol, eventCol, linkCol := -1, -1, -1, -1
	for c, cell := range head {
		n := strings.ToLower(cleanInline(cell))
		switch {
		case dateCol < 0 && timeCol < 0 && strings.Contains(n, "date") && !strings.Contains(n, "time"):
			dateCol = c
		case timeCol < 0 && (strings.Contains(n, "time") || strings.Contains(n, "when") || strings.Contains(n, "date") || n == "at"):
			timeCol = c
		case linkCol < 0 && eventCol >= 0 && (strings.Contains(n, "link") || strings.Contains(n, "ref") || strings.Contains(n, "source") || strings.Contains(n, "evidence") || strings.Contains(n, "url") || strings.Contains(n, "ticket")):
			linkCol = c
		case eventCol < 0 && (strings.Contains(n, "event") || strings.Contains(n, "description") || strings.Contains(n, "what") || strings.Contains(n, "action") || strings.Contains(n, "detail")):
			eventCol = c
		}
		if loc, name := statedZone(cell); loc != nil {
			st.zone, st.zoneName = loc, name
		}
	}
	if timeCol < 0 && dateCol >= 0 {
		timeCol, dateCol = dateCol, -1
	}
	if timeCol < 0 {
		timeCol = 0
	}
	if eventCol < 0 {
		for c := range head {
			if c != timeCol && c != dateCol && c != linkCol {
				eventCol = c
				break
			}
		}
	}
	if linkCol < 0 && len(head) > 2 {
		for c := range head {
			if c != timeCol && c != dateCol && c != eventCol {
				linkCol = c
				break
			}
		}
	}
	i := h + 2
	for ; i < b && isTableRow(p.lines[i]); i++ {
		cells := splitRow(p.lines[i])
		get := func(c int) string {
			if c >= 0 && c < len(cells) {
				return cells[c]
			}
			return ""
		}
		when := get(timeCol)
		if dateCol >= 0 {
			when = strings.TrimSpace(get(dateCol) + " " + when)
		}
		text := get(eventCol)
		link := get(linkCol)
		url := ""
		if m := mdLinkRe.FindStringSubmatch(link); m != nil {
			url = m[2]
		} else if m := urlRe.FindString(link); m != "" {
			url = m
		} else if link != "" {
			text = strings.TrimSpace(text + " (" + link + ")")
		}
		if strings.TrimSpace(when+text) == "" {
			continue
		}
		p.entry(st, i, when, text, false)
		if url != "" && st.lastEvent >= 0 && p.d.Events[st.lastEvent].URL == "" {
			p.d.Events[st.lastEvent].URL = url
		}
	}
	return i - 1
}

// entry reads one timeline entry: a stamp at the start of when, and the
// text after it (or text when given). strict entries (plain lines) need
// a time of day and some text. It reports whether an event was added or
// the entry was consumed as a date line.
func (p *parser) entry(st *tlState, i int, when, text string, strict bool) bool {
	stp, rest, ok := parseStamp(when)
	if text == "" {
		text = rest
	} else if rest != "" && !strings.HasPrefix(strings.TrimSpace(when), strings.TrimSpace(rest)) {
		// A cell that holds more than the stamp (a range end, a note).
		text = strings.TrimSpace(text)
	}
	text = strings.TrimSpace(html.UnescapeString(leadPunctRe.ReplaceAllString(text, "")))
	if !ok {
		if looksLikeStamp(when) && !strict {
			w := strings.TrimSpace(when)
			if fields := strings.Fields(w); len(fields) > 0 && len(w) > 40 {
				w = fields[0]
			}
			p.warn(i+1, "cannot read the time %q; entry left in the timeline text but not imported as an event", w)
			return true
		}
		return false
	}
	if strict && (!stp.hasTime || text == "") {
		if stp.hasDate && !stp.hasTime && text == "" {
			return p.contextLine(st, i, when)
		}
		return false
	}
	if stp.hasDate && !stp.hasTime && !stp.noTime && text == "" {
		// A date alone on a bullet: the date for the entries below it.
		return p.contextLine(st, i, when)
	}
	y, mo, d := stp.y, stp.mo, stp.d
	inferred := false
	if stp.hasDate {
		if y == 0 {
			y = p.guessYear(st, i)
		}
		st.day = dayCtx{ok: true, y: y, mo: mo, d: d, from: "line " + itoa(i+1)}
	} else {
		if !st.day.ok {
			st.day = p.fallbackDay()
			if !st.day.ok {
				p.warn(i+1, "no date for the time %q (none in a heading, the title or the file name); entry not imported", strings.TrimSpace(when))
				return true
			}
			p.warn(i+1, "date %04d-%02d-%02d taken from %s", st.day.y, st.day.mo, st.day.d, st.day.from)
		}
		y, mo, d = st.day.y, st.day.mo, st.day.d
		inferred = true
	}
	if stp.yearFixed {
		p.warn(i+1, "year in %q read as %d", strings.TrimSpace(when), y)
	}
	if stp.ambiguous && st.monthFirst && stp.dayFirst {
		mo, d = d, mo
		if time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC).Day() != d {
			mo, d = d, mo
		}
		st.day.mo, st.day.d = mo, d
	}
	if stp.ambiguous && !p.warnedOrder {
		p.warnedOrder = true
		order := "day/month"
		if st.monthFirst {
			order = "month/day"
		}
		p.warn(i+1, "date %q could be day/month or month/day; slash dates read as %s", strings.TrimSpace(when), order)
	}
	h, mi, sec := stp.h, stp.mi, stp.s
	if stp.noTime || !stp.hasTime {
		p.warn(i+1, "no time of day in %q; placed at 00:00", strings.TrimSpace(when))
	} else if stp.hourOnly {
		p.warn(i+1, "minutes not given in %q; placed at %02d:00", strings.TrimSpace(when), h)
	}
	loc := stp.loc
	if loc == nil {
		loc = st.zone
	}
	if loc == nil {
		loc = p.opts.Zone
		st.usedDefault = true
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, 0, loc)
	if inferred && st.hasPrev && t.Before(st.prev.Add(-3*time.Hour)) {
		t = time.Date(y, time.Month(mo), d+1, h, mi, sec, 0, loc)
		nd := t.In(loc)
		st.day = dayCtx{ok: true, y: nd.Year(), mo: int(nd.Month()), d: nd.Day(), from: "the day before, after midnight"}
		p.warn(i+1, "time %q is earlier than the one before; read as the next day, %s", strings.TrimSpace(when), nd.Format("2006-01-02"))
	}
	st.prev, st.hasPrev = t, true
	if text == "" {
		text = "(no description)"
	}
	p.d.Events = append(p.d.Events, debrief.Event{At: t.UTC(), Text: text, Source: "import"})
	st.lastEvent = len(p.d.Events) - 1
	if m := urlRe.FindString(text); m != "" {
		p.d.Events[st.lastEvent].URL = m
	}
	return true
}

// findDate finds a full or partial date anywhere in s.
func findDate(s string) (stamp, bool) {
	s = cleanInline(s)
	for i := 0; i < len(s); i++ {
		if i > 0 && isWordByte(s[i-1]) {
			continue
		}
		// A date is short; a window keeps this linear in the line's length.
		end := i + 48
		if end > len(s) {
			end = len(s)
		}
		var st stamp
		readDate(&st, s[i:end])
		if st.hasDate {
			return st, true
		}
	}
	return stamp{}, false
}

func isWordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

var fileYearRe = regexp.MustCompile(`(?:^|[^0-9])((?:19|20)\d{2})(?:[^0-9]|$)`)

// fallbackDay is the date for time-only entries with no dated heading:
// from a "Date:" line, the title or the file name.
func (p *parser) fallbackDay() dayCtx {
	if p.docDate.hasDate && p.docDate.y != 0 {
		return dayCtx{ok: true, y: p.docDate.y, mo: p.docDate.mo, d: p.docDate.d, from: "the date on line " + itoa(p.docDateLine)}
	}
	if s, ok := findDate(p.d.Title); ok && s.y != 0 {
		return dayCtx{ok: true, y: s.y, mo: s.mo, d: s.d, from: "the title"}
	}
	if s, ok := findDate(p.name); ok && s.y != 0 {
		return dayCtx{ok: true, y: s.y, mo: s.mo, d: s.d, from: "the file name"}
	}
	return dayCtx{}
}

// guessYear is the year for a date written without one.
func (p *parser) guessYear(st *tlState, i int) int {
	if st.day.ok {
		return st.day.y
	}
	if d := p.fallbackDay(); d.ok {
		return d.y
	}
	for _, s := range []string{p.d.Title, p.name} {
		if m := fileYearRe.FindStringSubmatch(s); m != nil {
			p.warn(i+1, "year %s taken from %q", m[1], s)
			return atoiSafe(m[1])
		}
	}
	p.warn(i+1, "no year given; %d assumed (the year of the import)", p.opts.Now.Year())
	return p.opts.Now.Year()
}
