package evidence

import (
	"strings"
	"time"

	"golang.org/x/net/html"
)

// HTMLText returns the text of an HTML fragment (a Teams message body):
// tags dropped, entities decoded, paragraphs and breaks kept as newlines.
func HTMLText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.TrimSpace(b.String())
		case html.TextToken:
			b.Write(z.Text())
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "br", "p", "div", "li", "tr":
				if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
					b.WriteByte('\n')
				}
			}
		}
	}
}

// EpochTime reads a number of seconds, milliseconds, microseconds or
// nanoseconds since 1970, telling them apart by size (APIs use all four).
func EpochTime(n int64) time.Time {
	switch {
	case n > 1e17 || n < -1e17:
		return time.Unix(0, n).UTC()
	case n > 1e14 || n < -1e14:
		return time.UnixMicro(n).UTC()
	case n > 1e11 || n < -1e11:
		return time.UnixMilli(n).UTC()
	}
	return time.Unix(n, 0).UTC()
}
