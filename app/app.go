// Package app holds Debrief's rules, written once above every database
// engine and every transport: validation, state machines, defaults and the
// clock. Its Service implements the domain's service interfaces on top of a
// store.Store.
package app

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/lint"
	"github.com/debrief-oss/debrief/store"
)

// Service implements debrief.IncidentService, TimelineService,
// RetrospectiveService, ActionService and PersonService, and the accounts,
// teams and audit log (accounts.go).
type Service struct {
	store      store.Store
	severities []string
	log        *slog.Logger
	now        func() time.Time
	// lintConfigs are the teams' lint configurations (app/lint.go).
	lintConfigs *lint.Configs

	setupMu    sync.Mutex
	setupToken string // "" once a user exists

	// tickets queues ticket creation (sync.go); nil without a tracker.
	tickets TicketQueue

	// denials, set on the Service of a transaction (tx.go), collects the
	// refusals to append once the transaction is over: a rollback must
	// not take their record with it.
	denials *[]*debrief.AuditEntry
	// catCache, set on the Service of one import (import.go), keeps the
	// teams' fishbone categories read once for every factor of the file.
	catCache map[string][]string
}

// Option configures a Service.
type Option func(*Service)

// WithSeverities sets the severity scale, most severe first.
func WithSeverities(scale []string) Option {
	return func(s *Service) {
		if len(scale) > 0 {
			s.severities = append([]string(nil), scale...)
		}
	}
}

// WithLogger sets where the service reports what it cannot return to a
// caller, such as an audit entry that could not be written after its change
// was made. The default discards.
func WithLogger(l *slog.Logger) Option {
	return func(s *Service) {
		if l != nil {
			s.log = l
		}
	}
}

// WithClock sets the clock the rules use (session and token expiry, rate
// limits); tests move it forward. The store keeps its own clock for
// CreatedAt and UpdatedAt.
func WithClock(now func() time.Time) Option {
	return func(s *Service) {
		if now != nil {
			s.now = now
		}
	}
}

// New returns a Service over st. When st is already migrated and holds no
// users, New makes the one-time setup token for the first admin (see
// SetupToken); otherwise NeedsSetup makes it when it finds no users.
func New(st store.Store, opts ...Option) *Service {
	s := &Service{
		store:      st,
		severities: debrief.DefaultSeverities,
		log:        slog.New(slog.NewTextHandler(io.Discard, nil)),
		now:        time.Now,
	}
	for _, o := range opts {
		o(s)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// An error here (a store not migrated yet) is not fatal: NeedsSetup
	// looks again.
	_, _ = s.NeedsSetup(ctx)
	return s
}

// Severities returns the configured severity scale, most severe first.
func (s *Service) Severities() []string { return append([]string(nil), s.severities...) }

// Templates returns the built-in templates, sorted by name: the ones
// every Debrief has, whoever asks. ListTemplates gives a team's.
func (s *Service) Templates() []debrief.Template {
	out := make([]debrief.Template, 0, len(debrief.BuiltinTemplates))
	for _, b := range debrief.BuiltinTemplates {
		t, _ := builtinTemplate(b.Name)
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b debrief.Template) int { return strings.Compare(a.Name, b.Name) })
	return out
}

var (
	_ debrief.IncidentService      = (*Service)(nil)
	_ debrief.TimelineService      = (*Service)(nil)
	_ debrief.RetrospectiveService = (*Service)(nil)
	_ debrief.ActionService        = (*Service)(nil)
	_ debrief.PersonService        = (*Service)(nil)
)
