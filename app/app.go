// Package app holds Debrief's rules, written once above every database
// engine and every transport: validation, state machines, defaults and the
// clock. Its Service implements the domain's service interfaces on top of a
// store.Store.
package app

import (
	"slices"
	"strings"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

// Service implements debrief.IncidentService, TimelineService,
// RetrospectiveService, ActionService and PersonService.
type Service struct {
	store      store.Store
	severities []string
	templates  map[string]debrief.Template
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

// New returns a Service over st.
func New(st store.Store, opts ...Option) *Service {
	s := &Service{
		store:      st,
		severities: debrief.DefaultSeverities,
		templates:  map[string]debrief.Template{debrief.DefaultTemplateName: debrief.DefaultTemplate},
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Severities returns the configured severity scale, most severe first.
func (s *Service) Severities() []string { return append([]string(nil), s.severities...) }

// Templates returns the known templates, sorted by name.
func (s *Service) Templates() []debrief.Template {
	out := make([]debrief.Template, 0, len(s.templates))
	for _, t := range s.templates {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b debrief.Template) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Template returns the template with the given name.
func (s *Service) Template(name string) (debrief.Template, bool) {
	t, ok := s.templates[name]
	return t, ok
}

var (
	_ debrief.IncidentService      = (*Service)(nil)
	_ debrief.TimelineService      = (*Service)(nil)
	_ debrief.RetrospectiveService = (*Service)(nil)
	_ debrief.ActionService        = (*Service)(nil)
	_ debrief.PersonService        = (*Service)(nil)
)
