// Package diagram draws an analysis (debrief.Analysis) as SVG: the control
// structure of a CAST analysis and the fishbone of contributing factors.
// It uses the standard library only; every piece of user text is
// XML-escaped, and long text is cut with an ellipsis in the picture while
// the whole of it stays in a <title> that a browser shows on hover.
//
// The output is deterministic (same analysis, same bytes), so tests compare
// it with golden files.
package diagram

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Colours, chosen to read on white and in print: dark blue for what works,
// red for what failed, grey for the environment and for missing controls.
const (
	colInk      = "#1f2937"
	colControl  = "#1d4ed8"
	colFeedback = "#0f766e"
	colFailed   = "#c62828"
	colMissing  = "#6b7280"
	colEnvFill  = "#f3f4f6"
	colSysFill  = "#eff6ff"
	fontFamily  = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
)

// esc returns s escaped for XML text and attribute values.
func esc(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s)) // writing to a bytes.Buffer cannot fail
	return b.String()
}

// cut shortens s to at most n characters, ending in an ellipsis when cut.
func cut(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// wrap breaks s into at most lines lines of at most width characters; the
// last line is cut when the text does not fit.
func wrap(s string, width, lines int) []string {
	words := strings.Fields(s)
	var out []string
	cur := ""
	for i, w := range words {
		switch {
		case cur == "":
			cur = w
		case utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(w) <= width:
			cur += " " + w
		default:
			out = append(out, cur)
			cur = w
		}
		if len(out) == lines-1 && i < len(words)-1 {
			// Last line: everything that is left, cut to fit.
			cur = cut(cur+" "+strings.Join(words[i+1:], " "), width)
			break
		}
	}
	if cur != "" {
		out = append(out, cut(cur, width))
	}
	if len(out) > lines {
		out = out[:lines]
	}
	return out
}

// canvas collects SVG elements.
type canvas struct {
	b bytes.Buffer
}

func (c *canvas) f(format string, args ...any) { fmt.Fprintf(&c.b, format, args...) }

// open starts the document with its size, a title for screen readers and
// the arrow heads the edges use.
func (c *canvas) open(w, h int, title string) {
	c.f(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" font-family="%s" font-size="13">`+"\n", w, h, w, h, esc(fontFamily))
	c.f("<title>%s</title>\n", esc(title))
	c.f("<defs>\n")
	for _, m := range []struct{ id, col string }{{"a-control", colControl}, {"a-feedback", colFeedback}, {"a-failed", colFailed}, {"a-missing", colMissing}, {"a-ink", colInk}} {
		c.f(`<marker id="%s" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="11" markerHeight="11" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="%s"/></marker>`+"\n", m.id, m.col)
	}
	c.f("</defs>\n")
	c.f(`<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", w, h)
}

func (c *canvas) close() []byte {
	c.f("</svg>\n")
	return c.b.Bytes()
}

// text writes one line of text; extra holds further attributes.
func (c *canvas) text(x, y int, anchor, extra, s string) {
	c.f(`<text x="%d" y="%d" text-anchor="%s"%s>%s</text>`+"\n", x, y, anchor, extra, esc(s))
}
