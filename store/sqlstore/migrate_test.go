package sqlstore

import (
	"testing"
	"testing/fstest"
)

func TestLoadMigrations(t *testing.T) {
	fsys := fstest.MapFS{
		"0010_later.sql": {Data: []byte("B")},
		"0002_next.sql":  {Data: []byte("A2")},
		"0001_init.sql":  {Data: []byte("A1")},
	}
	migs, err := loadMigrations(fsys)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, m := range migs {
		got = append(got, m.version)
	}
	if len(got) != 3 || got[0] != 1 || got[1] != 2 || got[2] != 10 || migs[0].sql != "A1" {
		t.Fatalf("migrations in order %v", got)
	}

	for name, bad := range map[string]fstest.MapFS{
		"bad name":      {"init.sql": {}},
		"not sql":       {"0001_init.txt": {}},
		"same version":  {"0001_a.sql": {}, "1_b.sql": {}},
		"space in name": {"0001_an init.sql": {}},
	} {
		if _, err := loadMigrations(bad); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
}
