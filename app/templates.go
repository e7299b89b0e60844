package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/debrief-oss/debrief"
)

// Template limits: enough for any write-up a person would fill in, small
// enough that a template cannot be used to store something else.
const (
	maxTemplateSections = 40
	maxGuidanceBytes    = 4 << 10
	maxRules            = 100
)

func templateObject(team, name string) object {
	if team == "" {
		return object{typ: "template", id: name}
	}
	return object{typ: "template", id: team + "/" + name}
}

// builtinTemplate is a built-in template as version 1 of its name.
func builtinTemplate(name string) (debrief.Template, bool) {
	t, ok := debrief.BuiltinTemplate(name)
	if ok {
		t.Version, t.Builtin, t.Note = 1, true, "Built into Debrief."
	}
	return t, ok
}

// scope returns the team of a template scope, nil for the organisation's.
func (s *Service) scope(ctx context.Context, team string) (*debrief.Team, error) {
	if team == "" {
		return nil, nil
	}
	return s.team(ctx, team)
}

// ListTemplates returns the newest version of every template the team may
// use: the team's own, then the organisation's (its editions of the
// built-in templates replacing them), then the built-ins. A team's
// template hides the organisation's of the same name. With team "" it
// lists the organisation's and the built-ins.
func (s *Service) ListTemplates(ctx context.Context, team string) ([]*debrief.Template, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	org := ""
	stored, err := s.store.FindTemplates(ctx, debrief.TemplateFilter{Team: &org, Latest: true})
	if err != nil {
		return nil, err
	}
	if team != "" {
		own, err := s.store.FindTemplates(ctx, debrief.TemplateFilter{Team: &team, Latest: true})
		if err != nil {
			return nil, err
		}
		stored = append(own, stored...)
	}
	seen := map[string]bool{}
	var out []*debrief.Template
	for _, t := range stored {
		if !seen[t.Name] {
			seen[t.Name] = true
			out = append(out, t)
		}
	}
	for _, b := range debrief.BuiltinTemplates {
		if !seen[b.Name] {
			t, _ := builtinTemplate(b.Name)
			out = append(out, &t)
		}
	}
	slices.SortStableFunc(out, func(a, b *debrief.Template) int {
		// The team's own first, then by title.
		if (a.Team == "") != (b.Team == "") {
			if a.Team != "" {
				return -1
			}
			return 1
		}
		return strings.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title))
	})
	return out, nil
}

// AllTemplates returns the newest version of every template of every
// scope, for the template management page: the organisation's (with the
// built-ins) first, then each team's.
func (s *Service) AllTemplates(ctx context.Context) ([]*debrief.Template, error) {
	out, err := s.ListTemplates(ctx, "")
	if err != nil {
		return nil, err
	}
	all, err := s.store.FindTemplates(ctx, debrief.TemplateFilter{Latest: true})
	if err != nil {
		return nil, err
	}
	for _, t := range all {
		if t.Team != "" {
			out = append(out, t)
		}
	}
	return out, nil
}

// TemplateHistory returns every version of a template, oldest first; a
// built-in's name in the organisation starts with the built-in itself.
func (s *Service) TemplateHistory(ctx context.Context, team, name string) ([]*debrief.Template, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	stored, err := s.store.FindTemplates(ctx, debrief.TemplateFilter{Team: &team, Name: name})
	if err != nil {
		return nil, err
	}
	var out []*debrief.Template
	if b, ok := builtinTemplate(name); ok && team == "" {
		out = append(out, &b)
	}
	out = append(out, stored...)
	if len(out) == 0 {
		return nil, debrief.Errorf(debrief.ENOTFOUND, "No template %q%s.", name, inTeam(team))
	}
	return out, nil
}

func inTeam(team string) string {
	if team == "" {
		return ""
	}
	return " in team " + team
}

// TemplateVersion returns one version of a template of a scope; version 0
// means its newest.
func (s *Service) TemplateVersion(ctx context.Context, team, name string, version int64) (*debrief.Template, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	return s.templateVersion(ctx, team, name, version)
}

func (s *Service) templateVersion(ctx context.Context, team, name string, version int64) (*debrief.Template, error) {
	b, isBuiltin := builtinTemplate(name)
	if team == "" && isBuiltin && version == 1 {
		return &b, nil
	}
	t, err := s.store.FindTemplateVersion(ctx, team, name, version)
	if debrief.ErrorCode(err) == debrief.ENOTFOUND && team == "" && isBuiltin && version == 0 {
		return &b, nil
	}
	return t, err
}

// resolveTemplate finds the newest version of the named template as the
// team sees it: the team's own, else the organisation's, else the
// built-in.
func (s *Service) resolveTemplate(ctx context.Context, team, name string) (*debrief.Template, error) {
	if team != "" {
		t, err := s.store.FindTemplateVersion(ctx, team, name, 0)
		if err == nil || debrief.ErrorCode(err) != debrief.ENOTFOUND {
			return t, err
		}
	}
	t, err := s.templateVersion(ctx, "", name, 0)
	if debrief.ErrorCode(err) == debrief.ENOTFOUND {
		return nil, debrief.FieldError("template", "unknown template %q%s.", name, inTeam(team))
	}
	return t, err
}

// SaveTemplate validates t and stores it as the next version of its name
// in its scope (t.Team, "" for the organisation). Every version after the
// first needs a note saying what changed: the template's users see it on
// the retrospectives that began with an older version.
func (s *Service) SaveTemplate(ctx context.Context, t *debrief.Template) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	t.Team = strings.TrimSpace(t.Team)
	team, err := s.scope(ctx, t.Team)
	if err != nil {
		return err
	}
	const action = "template.save"
	if err := s.refuse(ctx, a, action, templateObject(t.Team, t.Name), manageTemplates(a, team)); err != nil {
		return err
	}
	if err := validateTemplate(t); err != nil {
		return err
	}
	prev, err := s.templateVersion(ctx, t.Team, t.Name, 0)
	switch {
	case err == nil && strings.TrimSpace(t.Note) == "":
		return debrief.FieldError("note", "is required for a new version of %q: say what changed, for the people who use it.", t.Name)
	case err != nil && debrief.ErrorCode(err) != debrief.ENOTFOUND:
		return err
	}
	if t.Note == "" {
		t.Note = "First version."
	}
	t.Builtin = false
	if a.User != nil {
		t.CreatedBy = &a.User.ID
	}
	if err := s.store.CreateTemplateVersion(ctx, t); err != nil {
		return err
	}
	s.changed(ctx, a, action, templateObject(t.Team, t.Name), snapshot(prev), t)
	return nil
}

var sectionKinds = []string{debrief.SectionText, debrief.SectionTimeline, debrief.SectionActions}

func validateTemplate(t *debrief.Template) error {
	t.Name = strings.TrimSpace(t.Name)
	t.Title = strings.TrimSpace(t.Title)
	t.Note = strings.TrimSpace(t.Note)
	switch {
	case t.Name == "":
		return debrief.FieldError("name", "is required.")
	case debrief.Slug(t.Name, 60) != t.Name:
		return debrief.FieldError("name", "%q is not a name Debrief can use in a link; try %q.", t.Name, debrief.Slug(t.Name, 60))
	case t.Title == "":
		return debrief.FieldError("title", "is required.")
	case len(t.Title) > 200:
		return debrief.FieldError("title", "is longer than 200 bytes.")
	case len(t.Note) > 2000:
		return debrief.FieldError("note", "is longer than 2,000 bytes.")
	case len(t.Sections) == 0:
		return debrief.FieldError("sections", "a template needs at least one section.")
	case len(t.Sections) > maxTemplateSections:
		return debrief.FieldError("sections", "has %d sections; at most %d.", len(t.Sections), maxTemplateSections)
	}
	seen := map[string]bool{}
	for i := range t.Sections {
		sec := &t.Sections[i]
		field := fmt.Sprintf("sections[%d]", i)
		sec.Key, sec.Title, sec.Guidance = strings.TrimSpace(sec.Key), strings.TrimSpace(sec.Title), strings.TrimSpace(sec.Guidance)
		if sec.Kind == "" {
			sec.Kind = debrief.SectionText
		}
		if sec.Key == "" && sec.Title != "" {
			sec.Key = debrief.Slug(strings.ReplaceAll(sec.Title, "-", "_"), 60)
			sec.Key = strings.ReplaceAll(sec.Key, "-", "_")
		}
		switch {
		case sec.Key == "":
			return debrief.FieldError(field+".key", "is required.")
		case strings.ReplaceAll(debrief.Slug(strings.ReplaceAll(sec.Key, "_", "-"), 60), "-", "_") != sec.Key:
			return debrief.FieldError(field+".key", "%q: use lower-case letters, digits and underscores.", sec.Key)
		case seen[sec.Key]:
			return debrief.FieldError(field+".key", "%q is used by another section.", sec.Key)
		case sec.Title == "":
			return debrief.FieldError(field+".title", "is required.")
		case !slices.Contains(sectionKinds, sec.Kind):
			return debrief.FieldError(field+".kind", "%q is not one of %s.", sec.Kind, strings.Join(sectionKinds, ", "))
		case len(sec.Guidance) > maxGuidanceBytes:
			return debrief.FieldError(field+".guidance", "is longer than %d bytes.", maxGuidanceBytes)
		}
		seen[sec.Key] = true
	}
	return nil
}

// TemplateRules returns the rules of a scope (nil: every scope) in the
// order they are tried.
func (s *Service) TemplateRules(ctx context.Context, team *string) ([]*debrief.TemplateRule, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	return s.store.FindTemplateRules(ctx, team)
}

// SetTemplateRules replaces a scope's rules. Each names a template the
// scope can use and says whether the incidents it matches need a
// retrospective; severities must be on the configured scale.
func (s *Service) SetTemplateRules(ctx context.Context, team string, rules []*debrief.TemplateRule) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	sc, err := s.scope(ctx, team)
	if err != nil {
		return err
	}
	const action = "template.rules"
	obj := object{typ: "template_rules", id: team}
	if err := s.refuse(ctx, a, action, obj, manageTemplates(a, sc)); err != nil {
		return err
	}
	if len(rules) > maxRules {
		return debrief.FieldError("rules", "has %d rules; at most %d.", len(rules), maxRules)
	}
	for i, r := range rules {
		if err := s.validateRule(ctx, team, r); err != nil {
			return prefixField(fmt.Sprintf("rules[%d]", i), err)
		}
	}
	before, err := s.store.FindTemplateRules(ctx, &team)
	if err != nil {
		return err
	}
	if err := s.store.ReplaceTemplateRules(ctx, team, rules); err != nil {
		return err
	}
	s.changed(ctx, a, action, obj, snapshot(before), rules)
	return nil
}

func (s *Service) validateRule(ctx context.Context, team string, r *debrief.TemplateRule) error {
	if r == nil {
		return debrief.FieldError("", "is empty.")
	}
	r.Name, r.Template = strings.TrimSpace(r.Name), strings.TrimSpace(r.Template)
	if r.Name == "" {
		r.Name = "Rule"
	}
	if r.Retrospective == "" {
		r.Retrospective = debrief.RetroRequired
	}
	if r.Retrospective != debrief.RetroRequired && r.Retrospective != debrief.RetroOptional {
		return debrief.FieldError("retrospective", "%q: use %q or %q.", r.Retrospective, debrief.RetroRequired, debrief.RetroOptional)
	}
	for i, sev := range r.Severities {
		if !slices.Contains(s.severities, sev) {
			return debrief.FieldError(fmt.Sprintf("severities[%d]", i), "%q is not on the scale %s.", sev, strings.Join(s.severities, ", "))
		}
	}
	for i, typ := range r.Types {
		r.Types[i] = strings.TrimSpace(typ)
		if r.Types[i] == "" {
			return debrief.FieldError(fmt.Sprintf("types[%d]", i), "is empty.")
		}
	}
	if r.Template == "" {
		return debrief.FieldError("template", "is required.")
	}
	if _, err := s.resolveTemplate(ctx, team, r.Template); err != nil {
		return err
	}
	return nil
}

// Requirement says whether an incident needs a retrospective, and why.
type Requirement struct {
	Required bool
	// Rule is the rule that decided, nil when no rule matched (then a
	// retrospective is required: without rules, every incident has one).
	Rule *debrief.TemplateRule
	// Requested is true when the rules leave it optional and someone
	// asked for one.
	Requested bool
}

// matchRule returns the first rule of the team's, then the
// organisation's, that matches an incident of that type and severity.
func (s *Service) matchRule(ctx context.Context, team, typ, severity string) (*debrief.TemplateRule, error) {
	for _, scope := range []string{team, ""} {
		rules, err := s.store.FindTemplateRules(ctx, &scope)
		if err != nil {
			return nil, err
		}
		for _, r := range rules {
			if r.Matches(typ, severity) {
				return r, nil
			}
		}
		if scope == "" {
			break
		}
	}
	return nil, nil
}

// RetrospectiveRequirement says whether the incident needs a retrospective
// under the current rules, and which rule says so.
func (s *Service) RetrospectiveRequirement(ctx context.Context, inc *debrief.Incident) (Requirement, error) {
	r, err := s.matchRule(ctx, inc.Team, inc.Type, inc.Severity)
	if err != nil {
		return Requirement{}, err
	}
	if r == nil {
		return Requirement{Required: true}, nil
	}
	req := r.Retrospective == debrief.RetroRequired
	return Requirement{Required: req || inc.RetroRequested, Rule: r, Requested: !req && inc.RetroRequested}, nil
}

// chooseTemplate picks the template of a new incident: the named one, or
// the one the first matching rule names, or the default.
func (s *Service) chooseTemplate(ctx context.Context, inc *debrief.Incident, name string) (*debrief.Template, error) {
	if name == "" {
		r, err := s.matchRule(ctx, inc.Team, inc.Type, inc.Severity)
		if err != nil {
			return nil, err
		}
		name = debrief.DefaultTemplateName
		if r != nil {
			name = r.Template
		}
	}
	return s.resolveTemplate(ctx, inc.Team, name)
}

// TemplateChanges returns the versions of the retrospective's template
// written after the one it began with, oldest first, so that its writers
// see the notes of what changed since.
func (s *Service) TemplateChanges(ctx context.Context, retro *debrief.Retrospective) ([]*debrief.Template, error) {
	stored, err := s.store.FindTemplates(ctx, debrief.TemplateFilter{Team: &retro.TemplateTeam, Name: retro.Template})
	if err != nil {
		return nil, err
	}
	var out []*debrief.Template
	for _, t := range stored {
		if t.Version > retro.TemplateVersion {
			out = append(out, t)
		}
	}
	return out, nil
}
