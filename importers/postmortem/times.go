package postmortem

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// stamp is a point in time as written: any part may be missing.
type stamp struct {
	hasDate    bool
	y, mo, d   int
	hasTime    bool
	h, mi, s   int
	hourOnly   bool   // "14:??": the minutes are not known
	noTime     bool   // a date with a placeholder time ("HH:mm", "--:--")
	zone       string // as written, "" when none
	loc        *time.Location
	approx     bool
	dayFirst   bool // slash date read day first while both readings were possible
	ambiguous  bool
	yearFixed  bool // a five-digit year typo was read as its first four digits
	unreadable bool // looked like a time but could not be read
}

var months = map[string]int{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
	"jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

const monthPat = `(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`

var (
	approxRe   = regexp.MustCompile(`(?i)^(?:~|≈|approx\.?\s*|approximately\s+|around\s+|circa\s+|ca\.\s*)`)
	weekdayRe  = regexp.MustCompile(`(?i)^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+`)
	isoDateRe  = regexp.MustCompile(`^(\d{4,5})-(\d{1,2})-(\d{1,2})(?:T|\b)`)
	ymdSlashRe = regexp.MustCompile(`^(\d{4})/(\d{1,2})/(\d{1,2})\b`)
	dmySlashRe = regexp.MustCompile(`^(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b`)
	mdyNameRe  = regexp.MustCompile(`(?i)^(` + monthPat + `)\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4})\b)?`)
	dmyNameRe  = regexp.MustCompile(`(?i)^(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(` + monthPat + `)(?:,?\s+(\d{4})\b)?`)
	clockRe    = regexp.MustCompile(`(?i)^(\d{1,2})(?::|\.|h)(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:\s*([ap])\.?m\.?\b)?`)
	hourAmPmRe = regexp.MustCompile(`(?i)^(\d{1,2})\s*([ap])\.?m\.?\b`)
	hourOnlyRe = regexp.MustCompile(`^(\d{1,2}):(?:\?\?|xx|XX|--)`)
	noTimeRe   = regexp.MustCompile(`(?i)^(?:hh:mm(?::ss)?|--:--|\?\?:\?\?|xx:xx)`)
	zoneTokRe  = regexp.MustCompile(`^\(?\s*(Z\b|[A-Z]{2,5}(?:[+-−]\d{1,2}(?::?\d{2})?)?\b|[+-−]\d{2}:?\d{2}\b)\s*\)?`)
	rangeEndRe = regexp.MustCompile(`^\s*(?:-|–|—|to)\s*(?:\d{1,2}:(?:\d{2}|\?\?)|\?\?)(?:\s*[ap]\.?m\.?)?`)
	sepRe      = regexp.MustCompile(`^[\s*_]*(?:[-–—:|>]+|\s)\s*`)
)

// parseStamp reads a time at the start of s. It returns what it read, the
// rest of s after the stamp and its separator, and whether anything was
// read at all.
func parseStamp(s string) (st stamp, rest string, ok bool) {
	orig := s
	s = strings.TrimSpace(s)
	s = strings.TrimLeft(s, "*_`[ ")
	if m := approxRe.FindString(s); m != "" {
		st.approx = true
		s = s[len(m):]
	}
	s = weekdayRe.ReplaceAllString(s, "")
	s = readDate(&st, s)
	if st.hasDate {
		s = strings.TrimLeft(s, " ,T@")
		s = strings.TrimPrefix(s, "at ")
		s = strings.TrimLeft(s, " ")
	}
	if m := approxRe.FindString(s); m != "" {
		st.approx = true
		s = s[len(m):]
	}
	s = readClock(&st, s)
	if !st.hasDate && !st.hasTime {
		return st, orig, false
	}
	if st.hasTime {
		if m := rangeEndRe.FindString(s); m != "" {
			s = s[len(m):]
		}
		s = strings.TrimPrefix(s, "~")
		rest := strings.TrimLeft(s, " ")
		if m := zoneTokRe.FindStringSubmatch(rest); m != nil {
			if loc := lookupZone(m[1]); loc != nil {
				st.zone, st.loc = m[1], loc
				s = rest[len(m[0]):]
			}
		}
		// A date written after the time: "17:02 UTC, June 30 2021".
		if !st.hasDate {
			r := strings.TrimLeft(s, " ,")
			r = strings.TrimPrefix(r, "on ")
			var d stamp
			if r2 := readDate(&d, r); d.hasDate {
				st.hasDate, st.y, st.mo, st.d = true, d.y, d.mo, d.d
				st.dayFirst, st.ambiguous = d.dayFirst, d.ambiguous
				s = r2
			}
		}
	}
	s = strings.TrimLeft(s, "*_`] ")
	if m := sepRe.FindString(s); m != "" {
		s = s[len(m):]
	}
	s = strings.TrimLeft(s, "*_ ")
	return st, strings.TrimSpace(s), true
}

func readDate(st *stamp, s string) string {
	atoi := func(x string) int { n, _ := strconv.Atoi(x); return n }
	if m := isoDateRe.FindStringSubmatch(s); m != nil {
		y := m[1]
		if len(y) == 5 {
			y = y[:4]
			st.yearFixed = true
		}
		if setDate(st, atoi(y), atoi(m[2]), atoi(m[3])) {
			return strings.TrimPrefix(s[len(m[0]):], "T")
		}
		return s
	}
	if m := ymdSlashRe.FindStringSubmatch(s); m != nil {
		if setDate(st, atoi(m[1]), atoi(m[2]), atoi(m[3])) {
			return s[len(m[0]):]
		}
		return s
	}
	if m := dmySlashRe.FindStringSubmatch(s); m != nil {
		a, b := atoi(m[1]), atoi(m[2])
		d, mo := a, b
		if a <= 12 && b > 12 {
			d, mo = b, a
		} else if a <= 12 && b <= 12 && a != b {
			st.ambiguous = true
		}
		st.dayFirst = d == a
		if setDate(st, atoi(m[3]), mo, d) {
			return s[len(m[0]):]
		}
		return s
	}
	if m := mdyNameRe.FindStringSubmatch(s); m != nil {
		if setDate(st, atoi(m[3]), monthNum(m[1]), atoi(m[2])) {
			return s[len(m[0]):]
		}
		return s
	}
	if m := dmyNameRe.FindStringSubmatch(s); m != nil {
		if setDate(st, atoi(m[3]), monthNum(m[2]), atoi(m[1])) {
			return s[len(m[0]):]
		}
	}
	return s
}

// setDate records a date; a year of 0 means "not written" and is filled
// in later from the context.
func setDate(st *stamp, y, mo, d int) bool {
	if mo < 1 || mo > 12 || d < 1 || d > 31 || (y != 0 && (y < 1970 || y > 2200)) {
		return false
	}
	if y != 0 && time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC).Day() != d {
		return false
	}
	st.hasDate, st.y, st.mo, st.d = true, y, mo, d
	return true
}

func monthNum(s string) int {
	s = strings.ToLower(strings.TrimSuffix(s, "."))
	if len(s) > 3 && s != "sept" {
		s = s[:3]
	}
	return months[s]
}

func readClock(st *stamp, s string) string {
	atoi := func(x string) int { n, _ := strconv.Atoi(x); return n }
	if m := clockRe.FindStringSubmatch(s); m != nil {
		h, mi := atoi(m[1]), atoi(m[2])
		sec := 0
		if m[3] != "" {
			sec = atoi(m[3])
		}
		if m[4] != "" {
			if h < 1 || h > 12 {
				return s
			}
			h = ampm(h, m[4])
		}
		if h > 23 || mi > 59 || sec > 60 {
			if h == 24 && mi == 0 && sec == 0 {
				h = 0 // 24:00 is written for midnight; read as 00:00 of that date
			} else {
				return s
			}
		}
		// "10.32" alone is too like a version number; accept dots only after a date.
		if strings.Contains(m[0][:len(m[1])+1], ".") && !st.hasDate {
			return s
		}
		st.hasTime, st.h, st.mi, st.s = true, h, mi, sec
		return s[len(m[0]):]
	}
	if m := hourAmPmRe.FindStringSubmatch(s); m != nil {
		h := atoi(m[1])
		if h >= 1 && h <= 12 {
			st.hasTime, st.h = true, ampm(h, m[2])
			return s[len(m[0]):]
		}
	}
	if !st.hasDate {
		return s
	}
	if m := hourOnlyRe.FindStringSubmatch(s); m != nil {
		if h := atoi(m[1]); h < 24 {
			st.hasTime, st.h, st.hourOnly = true, h, true
			return s[len(m[0]):]
		}
	}
	if m := noTimeRe.FindString(s); m != "" {
		st.noTime = true
		return s[len(m):]
	}
	return s
}

func ampm(h int, p string) int {
	h %= 12
	if p == "p" || p == "P" {
		h += 12
	}
	return h
}

// looksLikeStamp reports whether s starts like a time someone tried to
// write but that parseStamp could not read ("2022-05-?? HH:mm").
var looksLikeStampRe = regexp.MustCompile(`(?i)^[~*_\s]*(?:\d{2,5}[-/.]\S*[-/.]|\d{1,2}:|\?\?|20xx|yyyy|hh:mm)`)

func looksLikeStamp(s string) bool { return looksLikeStampRe.MatchString(s) }
