package debrief_test

import (
	"testing"

	"github.com/debrief-oss/debrief"
)

func TestSlug(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string
	}{
		{"Lessons learned!", 60, "lessons-learned"},
		{"  What went -- well? ", 60, "what-went-well"},
		{"Ünïcode & <script>", 60, "n-code-script"},
		{"!!!", 60, ""},
		{"a very long title that is cut", 10, "a-very-lon"},
		{"cut at a dash here", 4, "cut"},
	} {
		if got := debrief.Slug(c.in, c.max); got != c.want {
			t.Errorf("Slug(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
	}
}
