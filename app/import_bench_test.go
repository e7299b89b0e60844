package app_test

import (
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/importers/bundle"
	"github.com/debrief-oss/debrief/store"
)

// dfdsFiles reads the DFDS postmortems (importers/postmortem/testdata/dfds,
// 39 files; the template is left out, as in docs/PERFORMANCE.md).
func dfdsFiles(b *testing.B) []bundle.File {
	dir := filepath.Join("..", "importers", "postmortem", "testdata", "dfds")
	names, err := filepath.Glob(filepath.Join(dir, "PM20*.md"))
	if err != nil || len(names) == 0 {
		b.Fatalf("no DFDS files in %s: %v", dir, err)
	}
	var files []bundle.File
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, bundle.File{Name: filepath.Base(n), Data: data})
	}
	return files
}

// countingStore counts the store calls an import makes: every write
// outside a transaction is a commit of its own (on PostgreSQL a round trip
// and a WAL flush), so commits per file is what the import costs there.
type countingStore struct {
	store.Store
	calls, writes, txs *atomic.Int64
	inTx               bool
}

func newCountingStore(st store.Store) *countingStore {
	return &countingStore{Store: st, calls: new(atomic.Int64), writes: new(atomic.Int64), txs: new(atomic.Int64)}
}

// commits is the number of transactions committed: each write outside a
// transaction, and each transaction.
func (c *countingStore) commits() int64 { return c.writes.Load() + c.txs.Load() }

func (c *countingStore) read() { c.calls.Add(1) }
func (c *countingStore) write() {
	c.calls.Add(1)
	if !c.inTx {
		c.writes.Add(1)
	}
}

func (c *countingStore) InTx(ctx context.Context, fn func(store.Store) error) error {
	c.txs.Add(1)
	return c.Store.InTx(ctx, func(tx store.Store) error {
		return fn(&countingStore{Store: tx, calls: c.calls, writes: c.writes, txs: c.txs, inTx: true})
	})
}

func (c *countingStore) AppendAudit(ctx context.Context, e *debrief.AuditEntry) error {
	c.write()
	return c.Store.AppendAudit(ctx, e)
}
func (c *countingStore) CreateIncident(ctx context.Context, inc *debrief.Incident, r *debrief.Retrospective) error {
	c.write()
	return c.Store.CreateIncident(ctx, inc, r)
}
func (c *countingStore) DeleteIncident(ctx context.Context, id int64) error {
	c.write()
	return c.Store.DeleteIncident(ctx, id)
}
func (c *countingStore) CreateSection(ctx context.Context, id int64, s *debrief.Section) error {
	c.write()
	return c.Store.CreateSection(ctx, id, s)
}
func (c *countingStore) UpdateSection(ctx context.Context, id int64, s *debrief.Section) error {
	c.write()
	return c.Store.UpdateSection(ctx, id, s)
}
func (c *countingStore) UpdateRetrospective(ctx context.Context, r *debrief.Retrospective) error {
	c.write()
	return c.Store.UpdateRetrospective(ctx, r)
}
func (c *countingStore) CreateEvents(ctx context.Context, evs []*debrief.Event) error {
	c.write()
	return c.Store.CreateEvents(ctx, evs)
}
func (c *countingStore) CreateAnalysisItem(ctx context.Context, it *debrief.AnalysisItem) error {
	c.write()
	return c.Store.CreateAnalysisItem(ctx, it)
}
func (c *countingStore) CreateActionLogged(ctx context.Context, a *debrief.Action, ch *debrief.ActionChange) error {
	c.write()
	return c.Store.CreateActionLogged(ctx, a, ch)
}
func (c *countingStore) SetActionLinks(ctx context.Context, incidentID, actionID int64, refs []string) error {
	c.write()
	return c.Store.SetActionLinks(ctx, incidentID, actionID, refs)
}
func (c *countingStore) CreatePerson(ctx context.Context, p *debrief.Person) error {
	c.write()
	return c.Store.CreatePerson(ctx, p)
}
func (c *countingStore) DeletePerson(ctx context.Context, id int64) error {
	c.write()
	return c.Store.DeletePerson(ctx, id)
}
func (c *countingStore) FindPeople(ctx context.Context, f debrief.PersonFilter) ([]*debrief.Person, int, error) {
	c.read()
	return c.Store.FindPeople(ctx, f)
}
func (c *countingStore) FindIncidentByID(ctx context.Context, id int64) (*debrief.Incident, error) {
	c.read()
	return c.Store.FindIncidentByID(ctx, id)
}
func (c *countingStore) FindRetrospective(ctx context.Context, id int64) (*debrief.Retrospective, error) {
	c.read()
	return c.Store.FindRetrospective(ctx, id)
}
func (c *countingStore) FindTeamBySlug(ctx context.Context, slug string) (*debrief.Team, error) {
	c.read()
	return c.Store.FindTeamBySlug(ctx, slug)
}
func (c *countingStore) FindAnalysisItems(ctx context.Context, id int64) ([]*debrief.AnalysisItem, error) {
	c.read()
	return c.Store.FindAnalysisItems(ctx, id)
}
func (c *countingStore) FindActionLinks(ctx context.Context, id int64) (map[int64][]string, error) {
	c.read()
	return c.Store.FindActionLinks(ctx, id)
}

// BenchmarkImportDFDS imports the 39 DFDS postmortems through
// ImportReport, as `debrief import` does, on each engine. The baseline in
// the same run is reading the files only (what `--dry-run` does). Each
// import reports the store calls and commits it made per file.
func BenchmarkImportDFDS(b *testing.B) {
	files := dfdsFiles(b)
	opts := bundle.Options{Team: "k"}
	b.Run("baseline-parse", func(b *testing.B) {
		for b.Loop() {
			for _, f := range files {
				if _, err := bundle.Read(f, opts); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(files))/1e6, "ms/file")
	})
	for _, engine := range engines {
		b.Run(engine, func(b *testing.B) {
			st := newCountingStore(openStoreB(b, engine))
			svc := app.New(st)
			sys := debrief.WithActor(context.Background(), debrief.SystemActor)
			if err := svc.CreateTeam(sys, &debrief.Team{Slug: "k", Name: "K", DefaultVisibility: debrief.VisibleToTeam}); err != nil {
				b.Fatal(err)
			}
			st.calls.Store(0)
			st.writes.Store(0)
			st.txs.Store(0)
			n := 0
			for b.Loop() {
				for _, f := range files {
					p, err := bundle.Read(f, opts)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := svc.ImportReport(sys, p.Report()); err != nil {
						b.Fatalf("%s: %v", f.Name, err)
					}
					n++
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n)/1e6, "ms/file")
			b.ReportMetric(float64(st.calls.Load())/float64(n), "storecalls/file")
			b.ReportMetric(float64(st.commits())/float64(n), "commits/file")
		})
	}
}
