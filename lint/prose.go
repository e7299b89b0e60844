package lint

import (
	"regexp"
	"strings"
)

// Prose is one piece of the writer's own text: the original, and a copy
// of the same length in which everything that is not the writer's prose
// (code spans and blocks, block quotes, quoted speech, log lines, link
// targets, HTML comments) is blanked with spaces, newlines kept, so that
// offsets found in the copy are offsets in the original.
type Prose struct {
	Text   string
	Masked string
}

var (
	fenceRe    = regexp.MustCompile("^\\s{0,3}(```+|~~~+)")
	listItemRe = regexp.MustCompile(`^\s*(?:[-*+]|\d+[.)])\s`)
	// A log line: a timestamp then a level or a logger-style key=value,
	// or a line that is mostly a level marker ("ERROR ...", "[warn] ...").
	logLineRe = regexp.MustCompile(`(?i)^\s*(?:\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?\S*\]?\s+\[?(?:TRACE|DEBUG|INFO|WARN|WARNING|ERROR|ERR|FATAL|CRIT|E\d{4})\b|\[?(?:TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|CRITICAL)\]?[:\s]|level=|\w+\[\d+\]:)`)
	urlRe     = regexp.MustCompile(`(?i)\b(?:https?|ftp)://[^\s)>\]]+|\]\([^)\s]*\)|<[a-z][^<>\s]*>|\]\[[^\]]*\]`)
)

// logLevels start a log line written without a timestamp.
var logLevels = map[string]bool{"TRACE": true, "DEBUG": true, "INFO": true, "WARN": true, "WARNING": true, "ERROR": true, "FATAL": true, "CRITICAL": true}

// maybeLogLine is a cheap test before logLineRe: a log line starts with a
// digit or a bracket, has "level=" or "]:", or starts with a level.
func maybeLogLine(trim string) bool {
	if trim == "" {
		return false
	}
	if c := trim[0]; c == '[' || c >= '0' && c <= '9' || strings.Contains(trim, "level=") || strings.Contains(trim, "]:") {
		return true
	}
	w := trim
	if i := strings.IndexAny(w, " :\t"); i >= 0 {
		w = w[:i]
	}
	return logLevels[strings.ToUpper(w)]
}

// NewProse masks text.
func NewProse(text string) Prose {
	b := []byte(text)
	blank := func(i, j int) {
		for k := i; k < j && k < len(b); k++ {
			if b[k] != '\n' {
				b[k] = ' '
			}
		}
	}
	// Line by line: fences, indented code, block quotes, log lines.
	inFence, fence := false, ""
	prevBlank, prevCode, prevList := true, false, false
	for start := 0; start < len(text); {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		line := text[start:end]
		trim := strings.TrimSpace(line)
		code := false
		switch {
		case inFence:
			blank(start, end)
			if m := fenceRe.FindStringSubmatch(line); m != nil && strings.HasPrefix(m[1], fence[:1]) && len(m[1]) >= len(fence) && strings.TrimSpace(line[len(m[0]):]) == "" {
				inFence = false
			}
		case fenceRe.MatchString(line):
			m := fenceRe.FindStringSubmatch(line)
			inFence, fence = true, m[1]
			blank(start, end)
		case trim != "" && (strings.HasPrefix(line, "    ") || strings.HasPrefix(line, "\t")) && (prevCode || (prevBlank && !prevList)):
			// Indented code: only after a blank line and not as the
			// continuation of a list item.
			code = true
			blank(start, end)
		case strings.HasPrefix(trim, ">"):
			blank(start, end)
		case maybeLogLine(trim) && logLineRe.MatchString(trim):
			blank(start, end)
		}
		if trim != "" {
			if !code {
				prevList = listItemRe.MatchString(line) || (prevList && (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")))
			}
			prevCode = code
		}
		prevBlank = trim == ""
		start = end + 1
	}
	masked := string(b)
	// Inline: HTML comments, code spans, link targets and URLs, quoted speech.
	if strings.Contains(masked, "<!--") {
		maskPairs(b, masked, "<!--", "-->", -1)
	}
	maskCodeSpans(b)
	if strings.Contains(masked, "://") || strings.Contains(masked, "](") || strings.Contains(masked, "][") || strings.IndexByte(masked, '<') >= 0 {
		for _, m := range urlRe.FindAllStringIndex(string(b), -1) {
			blank(m[0], m[1])
		}
	}
	maskQuotes(b, '"', '"')
	maskQuotesRune(b, "\u201c", "\u201d")
	return Prose{Text: text, Masked: string(b)}
}

// maskPairs blanks from each open to the next close (or max bytes).
func maskPairs(b []byte, s, open, close string, max int) {
	for i := 0; ; {
		j := strings.Index(s[i:], open)
		if j < 0 {
			return
		}
		j += i
		k := strings.Index(s[j+len(open):], close)
		end := len(s)
		if k >= 0 {
			end = j + len(open) + k + len(close)
		}
		for x := j; x < end; x++ {
			if b[x] != '\n' {
				b[x] = ' '
			}
		}
		i = end
		if i >= len(s) {
			return
		}
	}
}

// maskCodeSpans blanks `code` spans: a run of backticks up to the next run
// of the same length, within one paragraph.
func maskCodeSpans(b []byte) {
	for i := 0; i < len(b); {
		if b[i] != '`' {
			i++
			continue
		}
		n := 0
		for i+n < len(b) && b[i+n] == '`' {
			n++
		}
		end := -1
		// Code spans are short: looking further than 4 KiB for the closing
		// run would make a text full of lone backticks quadratic.
		for j := i + n; j < len(b) && j < i+4096; j++ {
			if b[j] == '\n' && j+1 < len(b) && b[j+1] == '\n' {
				break
			}
			if b[j] == '`' {
				m := 0
				for j+m < len(b) && b[j+m] == '`' {
					m++
				}
				if m == n {
					end = j + m
					break
				}
				j += m - 1
			}
		}
		if end < 0 {
			i += n
			continue
		}
		for x := i; x < end; x++ {
			if b[x] != '\n' {
				b[x] = ' '
			}
		}
		i = end
	}
}

// maskQuotes blanks straight double-quoted speech within one line, up to
// 400 bytes: longer or unbalanced quotes are left as prose.
func maskQuotes(b []byte, open, close byte) {
	for i := 0; i < len(b); i++ {
		if b[i] != open {
			continue
		}
		for j := i + 1; j < len(b) && j-i < 400; j++ {
			if b[j] == '\n' {
				break
			}
			if b[j] == close {
				for x := i; x <= j; x++ {
					b[x] = ' '
				}
				i = j
				break
			}
		}
	}
}

// maskQuotesRune is maskQuotes for typographic quotes (several bytes each).
func maskQuotesRune(b []byte, open, close string) {
	s := string(b)
	for i := 0; ; {
		j := strings.Index(s[i:], open)
		if j < 0 {
			return
		}
		j += i
		win := s[j:min(len(s), j+600+len(close))]
		k := strings.Index(win, close)
		nl := strings.IndexByte(win, '\n')
		if k < 0 || k > 600 || (nl >= 0 && nl < k) {
			i = j + len(open)
			continue
		}
		end := j + k + len(close)
		for x := j; x < end; x++ {
			b[x] = ' '
		}
		i = end
	}
}

// LineOf is the 1-based line of a byte offset.
func LineOf(s string, off int) int {
	return 1 + strings.Count(s[:off], "\n")
}

// snippet is the text around [i, j) on its line, trimmed, for messages.
func snippet(s string, i, j int) string {
	ls := strings.LastIndexByte(s[:i], '\n') + 1
	le := strings.IndexByte(s[j:], '\n')
	if le < 0 {
		le = len(s)
	} else {
		le += j
	}
	a, z := i-40, j+40
	if a < ls {
		a = ls
	}
	if z > le {
		z = le
	}
	for a > ls && !startOfRune(s, a) {
		a--
	}
	for z < le && !startOfRune(s, z) {
		z++
	}
	out := strings.TrimSpace(s[a:z])
	if a > ls {
		out = "…" + out
	}
	if z < le {
		out += "…"
	}
	return out
}

func startOfRune(s string, i int) bool { return i >= len(s) || s[i]&0xC0 != 0x80 }
