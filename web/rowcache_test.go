package web

import (
	"strconv"
	"testing"
)

func TestRowCacheKeysOnWhatTheRowShows(t *testing.T) {
	c := newRowCache[eventView](1 << 20)
	a := eventView{ID: 1, Text: "Alert fired", Class: "tl-event k-alert"}
	rows := make([]string, 1)
	if missing := c.lookup([]eventView{a}, rows); len(missing) != 1 {
		t.Fatalf("empty cache found %v", rows)
	}
	rows[0] = "<li>Alert fired</li>"
	c.store([]eventView{a}, rows, []int{0})

	got := make([]string, 2)
	edited := a
	edited.Text = "Alert fired (edited)"
	missing := c.lookup([]eventView{a, edited}, got)
	if got[0] != "<li>Alert fired</li>" {
		t.Errorf("cached row = %q", got[0])
	}
	if len(missing) != 1 || missing[0] != 1 || got[1] != "" {
		t.Errorf("an edited row was served from the cache: missing %v, row %q", missing, got[1])
	}
}

func TestRowCacheStaysBounded(t *testing.T) {
	c := newRowCache[eventView](64 << 10)
	row := string(make([]byte, 1000))
	for i := range 1000 {
		ev := eventView{ID: int64(i), Text: strconv.Itoa(i)}
		c.store([]eventView{ev}, []string{row}, []int{0})
	}
	if n := len(c.cur) + len(c.prev); n*1000 > 2*c.max {
		t.Errorf("%d rows kept, more than the limit allows", n)
	}
	// The most recent rows survive a rotation.
	got := make([]string, 1)
	if missing := c.lookup([]eventView{{ID: 999, Text: "999"}}, got); len(missing) != 0 {
		t.Error("the newest row was dropped")
	}
}
