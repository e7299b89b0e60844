package debrief

import "strings"

// Slug makes a key from free text, keeping at most max bytes:
// "Lessons learned!" -> "lessons-learned". Only a-z, 0-9 and single '-'
// survive, so a slug is safe in a URL, a file name and an HTTP header
// without quoting.
func Slug(s string, max int) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if b.Len() >= max {
			break
		}
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case b.Len() > 0 && !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
