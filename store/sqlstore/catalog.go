package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/debrief-oss/debrief"
)

// A team's catalogue of safety controls and its fishbone categories.

const catalogSelect = "SELECT id, team_id, name, purpose, how, version, created_at, updated_at FROM team_controls"

func scanCatalog(row rowScanner) (*debrief.CatalogControl, error) {
	var c debrief.CatalogControl
	var created, updated int64
	if err := row.Scan(&c.ID, &c.TeamID, &c.Name, &c.Purpose, &c.How, &c.Version, &created, &updated); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &c, nil
}

func catalogName(id int64) string { return fmt.Sprintf("Catalogue control %d", id) }

func (db *DB) catalogErr(ctx context.Context, op string, teamID int64, err error) error {
	switch {
	case db.dialect.isUnique(err):
		return &debrief.Error{Code: debrief.ECONFLICT, Field: "name", Message: "The team's catalogue already has a control of that name."}
	case db.dialect.isForeignKey(err):
		return wrap(op, db.missingRef(ctx, err, ref{name: fmt.Sprintf("Team %d", teamID), table: "teams", id: teamID, field: "team_id"}))
	}
	return wrap(op, err)
}

// CreateCatalogControl stores c and sets ID, Version and times.
func (db *DB) CreateCatalogControl(ctx context.Context, c *debrief.CatalogControl) error {
	now := db.now()
	var stored *debrief.CatalogControl
	err := db.inTx(ctx, func(tx runner) error {
		var id int64
		err := tx.queryRow(ctx, `INSERT INTO team_controls (team_id, name, name_key, purpose, how, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`,
			c.TeamID, c.Name, fold(c.Name), c.Purpose, c.How, toMicros(now), toMicros(now)).Scan(&id)
		if err != nil {
			return err
		}
		stored, err = scanCatalog(tx.queryRow(ctx, catalogSelect+" WHERE id = ?", id))
		return err
	})
	if err != nil {
		return db.catalogErr(ctx, "create catalogue control", c.TeamID, err)
	}
	*c = *stored
	return nil
}

// FindCatalogControlByID returns one entry.
func (db *DB) FindCatalogControlByID(ctx context.Context, id int64) (*debrief.CatalogControl, error) {
	c, err := scanCatalog(db.read().queryRow(ctx, catalogSelect+" WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(catalogName(id))
	}
	return c, wrap("find catalogue control", err)
}

// FindCatalogControls lists a team's entries by name.
func (db *DB) FindCatalogControls(ctx context.Context, teamID int64) ([]*debrief.CatalogControl, error) {
	cs, err := queryAll(ctx, db.read(), scanCatalog, catalogSelect+" WHERE team_id = ? ORDER BY name_key, id", teamID)
	return cs, wrap("find catalogue controls", err)
}

// UpdateCatalogControl writes c if the stored version is c.Version.
func (db *DB) UpdateCatalogControl(ctx context.Context, c *debrief.CatalogControl) error {
	now := db.now()
	var stored *debrief.CatalogControl
	err := db.inTx(ctx, func(tx runner) error {
		t := target{name: catalogName(c.ID), table: "team_controls", where: "id = ?", args: []any{c.ID}}
		err := updateVersioned(ctx, tx, t, c.Version, "name = ?, name_key = ?, purpose = ?, how = ?, updated_at = ?",
			c.Name, fold(c.Name), c.Purpose, c.How, toMicros(now))
		if err != nil {
			return err
		}
		stored, err = scanCatalog(tx.queryRow(ctx, catalogSelect+" WHERE id = ?", c.ID))
		return err
	})
	if err != nil {
		return db.catalogErr(ctx, "update catalogue control", c.TeamID, err)
	}
	*c = *stored
	return nil
}

// DeleteCatalogControl deletes an entry; controls that named it keep their
// own text and lose the link.
func (db *DB) DeleteCatalogControl(ctx context.Context, id int64) error {
	t := target{name: catalogName(id), table: "team_controls", where: "id = ?", args: []any{id}}
	return wrap("delete catalogue control", deleteRow(ctx, db.write(), t))
}

// FindCatalogControlUses lists the incidents whose controls name the entry,
// newest first, each with the failures of its control.
func (db *DB) FindCatalogControlUses(ctx context.Context, id int64) ([]*debrief.CatalogControlUse, error) {
	type row struct {
		incident   int64
		title, sev string
		started    sql.NullInt64
		control    string
		failure    sql.NullString
	}
	scan := func(r rowScanner) (v row, err error) {
		return v, r.Scan(&v.incident, &v.title, &v.sev, &v.started, &v.control, &v.failure)
	}
	rows, err := queryAll(ctx, db.read(), scan, `SELECT inc.id, inc.title, inc.severity, inc.started_at, c.ref, f.ref
		FROM analysis_items c
		JOIN incidents inc ON inc.id = c.incident_id
		LEFT JOIN analysis_items f ON f.incident_id = c.incident_id AND f.kind = ? AND f.control = c.ref
		WHERE c.catalog_id = ?
		ORDER BY COALESCE(inc.started_at, inc.created_at) DESC, inc.id DESC, c.number, f.number`,
		string(debrief.KindFailure), id)
	if err != nil {
		return nil, wrap("find catalogue control uses", err)
	}
	out := []*debrief.CatalogControlUse{}
	var last *debrief.CatalogControlUse
	for _, r := range rows {
		if last == nil || last.IncidentID != r.incident || last.Control != r.control {
			last = &debrief.CatalogControlUse{IncidentID: r.incident, Title: r.title, Severity: r.sev,
				StartedAt: timePtr(r.started), Control: r.control, Failures: []string{}}
			out = append(out, last)
		}
		if r.failure.Valid {
			last.Failures = append(last.Failures, r.failure.String)
		}
	}
	return out, nil
}

// FindFishboneCategories returns the team's categories in order, nil when
// it has set none.
func (db *DB) FindFishboneCategories(ctx context.Context, teamID int64) ([]string, error) {
	scan := func(r rowScanner) (s string, err error) { return s, r.Scan(&s) }
	names, err := queryAll(ctx, db.read(), scan, "SELECT name FROM team_fishbone_categories WHERE team_id = ? ORDER BY position", teamID)
	if err != nil {
		return nil, wrap("find fishbone categories", err)
	}
	if len(names) == 0 {
		return nil, nil
	}
	return names, nil
}

// SetFishboneCategories replaces the team's categories; none goes back to
// the defaults.
func (db *DB) SetFishboneCategories(ctx context.Context, teamID int64, names []string) error {
	err := db.inTx(ctx, func(tx runner) error {
		var one int
		err := tx.queryRow(ctx, "SELECT 1 FROM teams WHERE id = ?", teamID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(fmt.Sprintf("Team %d", teamID))
		} else if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM team_fishbone_categories WHERE team_id = ?", teamID); err != nil {
			return err
		}
		for i, n := range names {
			if _, err := tx.exec(ctx, "INSERT INTO team_fishbone_categories (team_id, position, name) VALUES (?, ?, ?)", teamID, i, n); err != nil {
				return err
			}
		}
		return nil
	})
	return wrap("set fishbone categories", err)
}
