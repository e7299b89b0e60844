package sqlstore

import "testing"

func TestRebind(t *testing.T) {
	numbered := &Dialect{NumberedPlaceholders: true}
	plain := &Dialect{}
	cases := []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"a = ? AND b IN (?, ?)", "a = $1 AND b IN ($2, $3)"},
		{"LIMIT ? OFFSET ?", "LIMIT $1 OFFSET $2"},
		{"? ? ? ? ? ? ? ? ? ? ?", "$1 $2 $3 $4 $5 $6 $7 $8 $9 $10 $11"},
	}
	for _, c := range cases {
		if got := numbered.rebind(c.in); got != c.want {
			t.Errorf("rebind(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := plain.rebind(c.in); got != c.in {
			t.Errorf("plain rebind(%q) = %q", c.in, got)
		}
	}
}

func TestTitleWords(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", " "},
		{"Database outage", " database outage "},
		{"  API: 5xx (EU-west)!  ", " api 5xx eu west "},
		{"Ünïcode Straße", " ünïcode straße "},
		{"cafe\u0301 noir", " cafe\u0301 noir "}, // a combining accent stays in its word
	}
	for _, c := range cases {
		if got := titleWords(c.in); got != c.want {
			t.Errorf("titleWords(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestLikeContains(t *testing.T) {
	if got, want := likeContains(`50%_a\b`), `%50\%\_a\\b%`; got != want {
		t.Errorf("likeContains = %q, want %q", got, want)
	}
}
