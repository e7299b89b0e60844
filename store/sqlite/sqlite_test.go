package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
	"github.com/debrief-oss/debrief/store/sqlite"
	"github.com/debrief-oss/debrief/store/storetest"
)

func open(t testing.TB) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "debrief.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return open(t) })
}

// The audit log refuses UPDATE and DELETE in the database itself, to a
// connection of its own that goes around the store.
func TestAuditAppendOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "debrief.db")
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	raw, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(ON)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	storetest.AuditAppendOnly(t, s, func(ctx context.Context, query string) error {
		_, err := raw.ExecContext(ctx, query)
		return err
	})
}

// A database made before accounts existed (0001 only) keeps its data
// through the later migrations.
func TestUpgradeFromInit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "debrief.db")
	raw, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(ON)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	init, err := os.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	storetest.UpgradeFromInit(t, raw, string(init), func() store.Store {
		s, err := sqlite.Open(t.Context(), path)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		if err := s.Migrate(t.Context()); err != nil {
			t.Fatalf("Migrate: %v", err)
		}
		return s
	})
}

func TestOpenRejectsMemory(t *testing.T) {
	for _, path := range []string{"", ":memory:", "file::memory:?cache=shared", "x.db?mode=ro"} {
		if s, err := sqlite.Open(t.Context(), path); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", path)
		}
	}
}

// Several instances starting on one fresh file migrate it once between them.
func TestMigrateConcurrentInstances(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.db")
	const n = 4
	stores := make([]*sqlite.Store, n)
	for i := range stores {
		s, err := sqlite.Open(t.Context(), path)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		stores[i] = s
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i, s := range stores {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = s.Migrate(t.Context()) }()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Migrate %d: %v", i, err)
		}
	}
	// All of them see one schema: what one writes, another reads.
	p := &debrief.Person{Name: "Shared", Handle: "shared"}
	if err := stores[0].CreatePerson(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	got, err := stores[n-1].FindPersonByID(t.Context(), p.ID)
	if err != nil || got.Name != "Shared" {
		t.Fatalf("FindPersonByID from another instance: %v, %v", got, err)
	}
	// And a second instance writing at once does not fail with SQLITE_BUSY:
	// busy_timeout and BEGIN IMMEDIATE make it wait its turn.
	var wg2 sync.WaitGroup
	errs = make([]error, 2*n)
	for i := range 2 * n {
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			inc := &debrief.Incident{Title: "concurrent", Status: debrief.IncidentActive}
			errs[i] = stores[i%n].CreateIncident(t.Context(), inc, nil)
		}()
	}
	wg2.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("CreateIncident %d: %v", i, err)
		}
	}
}

// The Now hook sets the store's timestamps.
func TestNowHook(t *testing.T) {
	s := open(t)
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	fixed := time.Date(2030, 1, 2, 3, 4, 5, 678_901_234, time.FixedZone("", 3600))
	s.Now = func() time.Time { return fixed }
	p := &debrief.Person{Name: "Clocked"}
	if err := s.CreatePerson(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	want := time.Date(2030, 1, 2, 2, 4, 5, 678_901_000, time.UTC)
	if !p.CreatedAt.Equal(want) || p.CreatedAt.Location() != time.UTC {
		t.Fatalf("CreatedAt %v, want %v", p.CreatedAt, want)
	}
	got, err := s.FindPersonByID(t.Context(), p.ID)
	if err != nil || !got.UpdatedAt.Equal(want) {
		t.Fatalf("UpdatedAt %v (%v), want %v", got.UpdatedAt, err, want)
	}
}

// BenchmarkFindEvents loads an incident page's timeline: 2,000 events,
// which at store.MaxLimit (1,000) per call is two pages.
func BenchmarkFindEvents(b *testing.B) {
	s := open(b)
	ctx := context.Background()
	if err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	inc := &debrief.Incident{Title: "Benchmark", Status: debrief.IncidentActive}
	if err := s.CreateIncident(ctx, inc, nil); err != nil {
		b.Fatal(err)
	}
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 2000 {
		ev := &debrief.Event{IncidentID: inc.ID, At: start.Add(time.Duration(i) * time.Second),
			Text: "Something happened that someone wrote down in a sentence or two.", Source: "slack",
			Author: "someone", Kind: debrief.EventMessage, Starred: i%10 == 0}
		if err := s.CreateEvent(ctx, ev); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		n := 0
		for offset := 0; ; offset += store.MaxLimit {
			evs, total, err := s.FindEvents(ctx, debrief.EventFilter{IncidentID: inc.ID, Offset: offset, Limit: store.MaxLimit})
			if err != nil {
				b.Fatal(err)
			}
			n += len(evs)
			if n >= total {
				break
			}
		}
		if n != 2000 {
			b.Fatalf("loaded %d events", n)
		}
	}
}

// BenchmarkFindActions loads an incident page's 200 action items with
// their owners.
func BenchmarkFindActions(b *testing.B) {
	s := open(b)
	ctx := context.Background()
	if err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	inc := &debrief.Incident{Title: "Benchmark", Status: debrief.IncidentActive}
	if err := s.CreateIncident(ctx, inc, nil); err != nil {
		b.Fatal(err)
	}
	var owners []int64
	for i := range 10 {
		p := &debrief.Person{Name: "Owner", Handle: string(rune('a' + i))}
		if err := s.CreatePerson(ctx, p); err != nil {
			b.Fatal(err)
		}
		owners = append(owners, p.ID)
	}
	for i := range 200 {
		a := &debrief.Action{IncidentID: inc.ID, Title: "Do the thing", OwnerID: &owners[i%len(owners)],
			Priority: "medium", Status: debrief.ActionPlanned}
		if err := s.CreateAction(ctx, a); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		as, _, err := s.FindActions(ctx, debrief.ActionFilter{IncidentID: &inc.ID, Limit: store.MaxLimit})
		if err != nil || len(as) != 200 || as[0].Owner == nil {
			b.Fatalf("FindActions: %d, %v", len(as), err)
		}
	}
}
