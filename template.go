package debrief

import (
	"context"
	"strings"
	"time"
)

// TemplateSection is one section a template asks for.
type TemplateSection struct {
	Key      string `json:"key" yaml:"key"`
	Title    string `json:"title" yaml:"title"`
	Kind     string `json:"kind" yaml:"kind,omitempty"`
	Optional bool   `json:"optional" yaml:"optional,omitempty"`
	Guidance string `json:"guidance" yaml:"guidance,omitempty"`
}

// Template shapes a write-up: which sections, in which order, and the
// guidance the editor shows for each.
//
// A template belongs to a team (Team is its slug) or to the organisation
// (Team is empty), and has versions: each change is a new version with a
// note for the people who use it. A retrospective keeps the version it
// began with. The built-in templates are version 1 of the organisation's
// templates of their names.
type Template struct {
	Name     string            `json:"name"`
	Title    string            `json:"title"`
	Team     string            `json:"team"`
	Version  int64             `json:"version"`
	Note     string            `json:"note"`
	Builtin  bool              `json:"builtin"`
	Sections []TemplateSection `json:"sections"`

	CreatedBy *int64    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// DefaultTemplateName names the template used when none is chosen.
const DefaultTemplateName = "default"

// TemplateFilter selects stored template versions. Team nil means every
// scope, a pointer to "" the organisation's. Name empty means every name.
// Latest keeps only each template's newest version.
type TemplateFilter struct {
	Team   *string
	Name   string
	Latest bool
}

// Whether a retrospective is required for the incidents a rule matches.
const (
	RetroRequired = "required"
	RetroOptional = "optional" // when the commander asks for one
)

// TemplateRule chooses the template of new incidents and says whether they
// need a retrospective. Rules are tried in order, a team's before the
// organisation's; the first whose Types and Severities both match (an empty
// list matches any) decides.
type TemplateRule struct {
	ID            int64    `json:"id"`
	Team          string   `json:"team"`
	Position      int      `json:"position"`
	Name          string   `json:"name"`
	Types         []string `json:"types"`
	Severities    []string `json:"severities"`
	Template      string   `json:"template"`
	Retrospective string   `json:"retrospective"`
}

// Matches reports whether the rule applies to an incident of that type and
// severity. Types compare without regard to case.
func (r *TemplateRule) Matches(typ, severity string) bool {
	return matchAny(r.Types, typ) && matchAny(r.Severities, severity)
}

func matchAny(list []string, v string) bool {
	if len(list) == 0 {
		return true
	}
	for _, s := range list {
		if strings.EqualFold(s, v) {
			return true
		}
	}
	return false
}

// TemplateService stores custom templates, their versions, and the rules.
type TemplateService interface {
	// CreateTemplateVersion stores t as the next version of its name in
	// its scope (t.Version is set; the built-in templates count as
	// version 1 of theirs).
	CreateTemplateVersion(ctx context.Context, t *Template) error
	FindTemplates(ctx context.Context, f TemplateFilter) ([]*Template, error)
	// FindTemplateVersion returns one version; version 0 means the newest.
	FindTemplateVersion(ctx context.Context, team, name string, version int64) (*Template, error)
	FindTemplateRules(ctx context.Context, team *string) ([]*TemplateRule, error)
	// ReplaceTemplateRules replaces the scope's rules with rules, in order.
	ReplaceTemplateRules(ctx context.Context, team string, rules []*TemplateRule) error
}
