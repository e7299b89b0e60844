package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/debrief-oss/debrief"
)

const templateSelect = "SELECT t.team, t.name, t.version, t.title, t.sections, t.note, t.created_by, t.created_at FROM templates t"

func scanTemplate(row rowScanner) (*debrief.Template, error) {
	var (
		t         debrief.Template
		sections  string
		createdBy sql.NullInt64
		created   int64
	)
	if err := row.Scan(&t.Team, &t.Name, &t.Version, &t.Title, &sections, &t.Note, &createdBy, &created); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(sections), &t.Sections); err != nil {
		return nil, fmt.Errorf("template %q version %d: sections: %w", t.Name, t.Version, err)
	}
	t.CreatedBy, t.CreatedAt = idPtr(createdBy), fromMicros(created)
	return &t, nil
}

func templateName(team, name string) string {
	if team == "" {
		return fmt.Sprintf("Template %q", name)
	}
	return fmt.Sprintf("Template %q of team %s", name, team)
}

// CreateTemplateVersion stores t as the next version of its name in its
// scope and sets t.Version and t.CreatedAt. The built-in templates are
// version 1 of the organisation's templates of their names, so the first
// stored edition of one is version 2. Two writers racing for the same
// version meet the unique index, and the loser gets ECONFLICT.
func (db *DB) CreateTemplateVersion(ctx context.Context, t *debrief.Template) error {
	body, err := json.Marshal(t.Sections)
	if err != nil {
		return wrap("create template", err)
	}
	now := db.now()
	var version int64
	err = db.inTx(ctx, func(tx runner) error {
		var last sql.NullInt64
		if err := tx.queryRow(ctx, "SELECT MAX(version) FROM templates WHERE team = ? AND name = ?", t.Team, t.Name).Scan(&last); err != nil {
			return err
		}
		version = last.Int64 + 1
		if !last.Valid && t.Team == "" && builtin(t.Name) {
			version = 2
		}
		_, err := tx.exec(ctx, `INSERT INTO templates (team, name, version, title, sections, note, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			t.Team, t.Name, version, t.Title, string(body), t.Note, nullID(t.CreatedBy), toMicros(now))
		return err
	})
	switch {
	case db.dialect.isUnique(err):
		return &debrief.Error{Code: debrief.ECONFLICT, Field: "name",
			Message: fmt.Sprintf("%s changed while this version was written; load it again.", templateName(t.Team, t.Name))}
	case db.dialect.isForeignKey(err):
		return wrap("create template", db.missingRef(ctx, err, ref{name: userName(idOr0(t.CreatedBy)), table: "users", id: idOr0(t.CreatedBy), field: "created_by"}))
	case err != nil:
		return wrap("create template", err)
	}
	t.Version, t.CreatedAt = version, now
	return nil
}

func idOr0(id *int64) int64 {
	if id == nil {
		return 0
	}
	return *id
}

func builtin(name string) bool {
	_, ok := debrief.BuiltinTemplate(name)
	return ok
}

// FindTemplates returns stored template versions by scope (the
// organisation's first), name, and version, newest last.
func (db *DB) FindTemplates(ctx context.Context, f debrief.TemplateFilter) ([]*debrief.Template, error) {
	var w where
	if f.Team != nil {
		w.add("t.team = ?", *f.Team)
	}
	if f.Name != "" {
		w.add("t.name = ?", f.Name)
	}
	if f.Latest {
		w.add("t.version = (SELECT MAX(l.version) FROM templates l WHERE l.team = t.team AND l.name = t.name)")
	}
	out, err := queryAll(ctx, db.read(), scanTemplate, templateSelect+w.String()+" ORDER BY t.team, t.name, t.version", w.args...)
	return out, wrap("find templates", err)
}

// FindTemplateVersion returns one stored version of a template; version 0
// means its newest.
func (db *DB) FindTemplateVersion(ctx context.Context, team, name string, version int64) (*debrief.Template, error) {
	q, args := templateSelect+" WHERE t.team = ? AND t.name = ? AND t.version = ?", []any{team, name, version}
	if version == 0 {
		q, args = templateSelect+" WHERE t.team = ? AND t.name = ? ORDER BY t.version DESC LIMIT 1", []any{team, name}
	}
	t, err := scanTemplate(db.read().queryRow(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		if version != 0 {
			return nil, wrap("find template", notFound(fmt.Sprintf("%s version %d", templateName(team, name), version)))
		}
		return nil, wrap("find template", notFound(templateName(team, name)))
	}
	return t, wrap("find template", err)
}

const ruleSelect = "SELECT id, team, position, name, types, severities, template, retrospective FROM template_rules"

func scanRule(row rowScanner) (*debrief.TemplateRule, error) {
	var (
		r                 debrief.TemplateRule
		types, severities string
	)
	if err := row.Scan(&r.ID, &r.Team, &r.Position, &r.Name, &types, &severities, &r.Template, &r.Retrospective); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(types), &r.Types); err != nil {
		return nil, fmt.Errorf("rule %d: types: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(severities), &r.Severities); err != nil {
		return nil, fmt.Errorf("rule %d: severities: %w", r.ID, err)
	}
	return &r, nil
}

// FindTemplateRules returns the rules of one scope (nil: every scope), in
// the order they are tried: by scope, the organisation's first, then by
// position.
func (db *DB) FindTemplateRules(ctx context.Context, team *string) ([]*debrief.TemplateRule, error) {
	var w where
	if team != nil {
		w.add("team = ?", *team)
	}
	out, err := queryAll(ctx, db.read(), scanRule, ruleSelect+w.String()+" ORDER BY team, position", w.args...)
	return out, wrap("find template rules", err)
}

// ReplaceTemplateRules replaces the scope's rules with rules, numbered 1,
// 2, ... in slice order, in one transaction: a reader sees the old set or
// the new one, never half of each. It sets each rule's ID, Team and
// Position.
func (db *DB) ReplaceTemplateRules(ctx context.Context, team string, rules []*debrief.TemplateRule) error {
	now := db.now()
	err := db.inTx(ctx, func(tx runner) error {
		if _, err := tx.exec(ctx, "DELETE FROM template_rules WHERE team = ?", team); err != nil {
			return err
		}
		for i, r := range rules {
			types, _ := json.Marshal(nonNil(r.Types))
			sevs, _ := json.Marshal(nonNil(r.Severities))
			err := tx.queryRow(ctx, `INSERT INTO template_rules
				(team, position, name, types, severities, template, retrospective, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				team, i+1, r.Name, string(types), string(sevs), r.Template, r.Retrospective, toMicros(now)).Scan(&r.ID)
			if err != nil {
				return err
			}
			r.Team, r.Position = team, i+1
			r.Types, r.Severities = nonNil(r.Types), nonNil(r.Severities)
		}
		return nil
	})
	return wrap("replace template rules", err)
}

func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}
