package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/debrief-oss/debrief"
)

// The incident row with its commander, who comes by join: one query fills
// Commander for a whole page.
var incidentSelect = "SELECT i.id, i.title, i.severity, i.status, i.team, i.visibility, i.time_zone, " +
	"i.started_at, i.detected_at, i.acknowledged_at, i.declared_at, i.mitigated_at, i.resolved_at, " +
	"i.commander_id, i.type, i.retro_requested, i.version, i.created_at, i.updated_at, " + personCols("c") +
	" FROM incidents i LEFT JOIN people c ON c.id = i.commander_id"

// incidentSet is the SET list of an update; incidentArgs gives its values
// (and, in the same order, those of the INSERT).
const incidentSet = "title = ?, title_words = ?, severity = ?, status = ?, team = ?, visibility = ?, time_zone = ?, " +
	"started_at = ?, detected_at = ?, acknowledged_at = ?, declared_at = ?, mitigated_at = ?, resolved_at = ?, " +
	"commander_id = ?, type = ?, retro_requested = ?"

func incidentArgs(inc *debrief.Incident) []any {
	m := &inc.Milestones
	return []any{
		inc.Title, titleWords(inc.Title), inc.Severity, string(inc.Status), inc.Team, string(inc.Visibility), inc.TimeZone,
		nullMicros(m.Started), nullMicros(m.Detected), nullMicros(m.Acknowledged),
		nullMicros(m.Declared), nullMicros(m.Mitigated), nullMicros(m.Resolved),
		nullID(inc.CommanderID), inc.Type, inc.RetroRequested,
	}
}

func scanIncident(row rowScanner) (*debrief.Incident, error) {
	var (
		inc              debrief.Incident
		m                [6]sql.NullInt64
		commanderID      sql.NullInt64
		created, updated int64
		c                personScan
	)
	dest := []any{&inc.ID, &inc.Title, &inc.Severity, &inc.Status, &inc.Team, &inc.Visibility, &inc.TimeZone,
		&m[0], &m[1], &m[2], &m[3], &m[4], &m[5], &commanderID, &inc.Type, &inc.RetroRequested, &inc.Version, &created, &updated}
	if err := row.Scan(append(dest, c.dest()...)...); err != nil {
		return nil, err
	}
	inc.Milestones = debrief.Milestones{
		Started: timePtr(m[0]), Detected: timePtr(m[1]), Acknowledged: timePtr(m[2]),
		Declared: timePtr(m[3]), Mitigated: timePtr(m[4]), Resolved: timePtr(m[5]),
	}
	inc.CommanderID, inc.Commander = idPtr(commanderID), c.person()
	inc.CreatedAt, inc.UpdatedAt = fromMicros(created), fromMicros(updated)
	inc.Services, inc.Responders = []string{}, []debrief.Responder{}
	return &inc, nil
}

// CreateIncident stores inc and its retrospective, with its sections, in one
// transaction, and leaves both as a read would return them (IDs, versions,
// times, Commander and Responders[].Person). A nil retro stores an empty
// draft, so that every incident has its retrospective.
func (db *DB) CreateIncident(ctx context.Context, inc *debrief.Incident, retro *debrief.Retrospective) error {
	if retro == nil {
		retro = &debrief.Retrospective{Status: debrief.RetroDraft}
	}
	now := db.now()
	var (
		storedInc   *debrief.Incident
		storedRetro *debrief.Retrospective
	)
	err := db.inTx(ctx, func(tx runner) error {
		var id int64
		args := append(incidentArgs(inc), toMicros(now), toMicros(now))
		err := tx.queryRow(ctx, `INSERT INTO incidents (title, title_words, severity, status, team, visibility, time_zone,
			started_at, detected_at, acknowledged_at, declared_at, mitigated_at, resolved_at,
			commander_id, type, retro_requested, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`, args...).Scan(&id)
		if err != nil {
			return err
		}
		if err := writeIncidentLists(ctx, tx, id, inc); err != nil {
			return err
		}
		if err := insertRetrospective(ctx, tx, id, retro, now); err != nil {
			return err
		}
		if storedInc, err = findIncident(ctx, tx, id); err != nil {
			return err
		}
		storedRetro, err = findRetrospective(ctx, tx, id)
		return err
	})
	switch {
	case db.dialect.isForeignKey(err):
		refs := append(incidentPersonRefs(inc), retrospectiveRefs(retro)...)
		return wrap("create incident", db.missingRef(ctx, err, refs...))
	case db.dialect.isUnique(err):
		// The only unique key an insert of a new incident can hit.
		return duplicateSection(retro.Sections)
	case err != nil:
		return wrap("create incident", err)
	}
	*inc, *retro = *storedInc, *storedRetro
	return nil
}

func incidentPersonRefs(inc *debrief.Incident) []ref {
	refs := personRef(inc.CommanderID, "commander_id")
	for i, r := range inc.Responders {
		// Unlike an optional reference, a responder's 0 is no "none": it
		// names a person who does not exist.
		refs = append(refs, ref{name: fmt.Sprintf("Person %d", r.PersonID), table: "people", id: r.PersonID,
			field: fmt.Sprintf("responders[%d].person_id", i)})
	}
	return refs
}

func duplicateSection(sections []*debrief.Section) error {
	seen := map[string]bool{}
	for _, s := range sections {
		if seen[s.Key] {
			return sectionExists(s.Key)
		}
		seen[s.Key] = true
	}
	return sectionExists("")
}

// writeIncidentLists replaces the incident's services and responders with
// inc's, keeping their order. Each list is one multi-row INSERT.
func writeIncidentLists(ctx context.Context, tx runner, id int64, inc *debrief.Incident) error {
	if _, err := tx.exec(ctx, "DELETE FROM incident_services WHERE incident_id = ?", id); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, "DELETE FROM incident_responders WHERE incident_id = ?", id); err != nil {
		return err
	}
	if n := len(inc.Services); n > 0 {
		args := make([]any, 0, 3*n)
		for i, s := range inc.Services {
			args = append(args, id, i+1, s)
		}
		query := "INSERT INTO incident_services (incident_id, position, service) VALUES " + rowsOf(3, n)
		if _, err := tx.exec(ctx, query, args...); err != nil {
			return err
		}
	}
	if n := len(inc.Responders); n > 0 {
		args := make([]any, 0, 4*n)
		for i, r := range inc.Responders {
			args = append(args, id, i+1, r.PersonID, r.Role)
		}
		query := "INSERT INTO incident_responders (incident_id, position, person_id, role) VALUES " + rowsOf(4, n)
		if _, err := tx.exec(ctx, query, args...); err != nil {
			return err
		}
	}
	return nil
}

// rowsOf returns n rows of cols placeholders for a multi-row VALUES.
func rowsOf(cols, n int) string {
	row := "(" + placeholders(cols) + ")"
	return strings.Repeat(row+", ", n-1) + row
}

// FindIncidentByID returns the incident with its commander, services and
// responders.
func (db *DB) FindIncidentByID(ctx context.Context, id int64) (*debrief.Incident, error) {
	inc, err := findIncident(ctx, db.read(), id)
	return inc, wrap("find incident", err)
}

func findIncident(ctx context.Context, r runner, id int64) (*debrief.Incident, error) {
	inc, err := scanIncident(r.queryRow(ctx, incidentSelect+" WHERE i.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(fmt.Sprintf("Incident %d", id))
	} else if err != nil {
		return nil, err
	}
	if err := fillIncidentLists(ctx, r, []*debrief.Incident{inc}); err != nil {
		return nil, err
	}
	return inc, nil
}

// FindIncidents returns a page of incidents, newest (highest id) first.
// Service matches one element of Services exactly. Query matches titles
// that, for every word of the query, have a word starting with it,
// ignoring case: "data out" finds "Database outage". Visible keeps the
// incidents of its teams (slugs, matched exactly) and those visible to the
// whole organisation; with no teams, only the latter.
func (db *DB) FindIncidents(ctx context.Context, f debrief.IncidentFilter) ([]*debrief.Incident, int, error) {
	var w where
	if v := f.Visible; v != nil && len(v.Teams) == 0 {
		w.add("i.visibility = ?", string(debrief.VisibleToOrganization))
	} else if v != nil {
		args := append(stringArgs(v.Teams), string(debrief.VisibleToOrganization))
		w.add("(i.team IN ("+placeholders(len(v.Teams))+") OR i.visibility = ?)", args...)
	}
	if f.Status != nil {
		w.add("i.status = ?", string(*f.Status))
	}
	if f.Severity != nil {
		w.add("i.severity = ?", *f.Severity)
	}
	if f.Team != nil {
		w.add("i.team = ?", *f.Team)
	}
	if f.Service != nil {
		w.add("EXISTS (SELECT 1 FROM incident_services s WHERE s.incident_id = i.id AND s.service = ?)", *f.Service)
	}
	if f.Query != nil {
		// Words hold letters, digits and marks only, so they need no LIKE
		// escaping; both sides are folded by fold, so LIKE's own case rules
		// (which differ between engines) never come into play.
		for _, word := range splitWords(*f.Query) {
			w.add("i.title_words LIKE ?", "% "+word+"%")
		}
	}

	r := db.read()
	incs, total, err := findPage(ctx, r, scanIncident, incidentSelect, "incidents i", &w, "i.id DESC", f.Offset, f.Limit)
	if err != nil {
		return nil, 0, wrap("find incidents", err)
	}
	if err := fillIncidentLists(ctx, r, incs); err != nil {
		return nil, 0, wrap("find incidents", err)
	}
	return incs, total, nil
}

// fillIncidentLists loads the services and responders (with their people)
// of a page of incidents: two queries for the whole page, not two per
// incident.
func fillIncidentLists(ctx context.Context, r runner, incs []*debrief.Incident) error {
	if len(incs) == 0 {
		return nil
	}
	byID := make(map[int64]*debrief.Incident, len(incs))
	ids := make([]int64, len(incs))
	for i, inc := range incs {
		byID[inc.ID], ids[i] = inc, inc.ID
	}
	in := "(" + placeholders(len(ids)) + ")"

	rows, err := r.query(ctx, "SELECT incident_id, service FROM incident_services WHERE incident_id IN "+in+
		" ORDER BY incident_id, position", int64Args(ids)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var s string
		if err := rows.Scan(&id, &s); err != nil {
			return err
		}
		byID[id].Services = append(byID[id].Services, s)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := rows.Close(); err != nil {
		return err
	}

	rows, err = r.query(ctx, "SELECT r.incident_id, r.person_id, r.role, "+personCols("p")+
		" FROM incident_responders r JOIN people p ON p.id = r.person_id WHERE r.incident_id IN "+in+
		" ORDER BY r.incident_id, r.position", int64Args(ids)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var resp debrief.Responder
		var p personScan
		if err := rows.Scan(append([]any{&id, &resp.PersonID, &resp.Role}, p.dest()...)...); err != nil {
			return err
		}
		resp.Person = p.person()
		byID[id].Responders = append(byID[id].Responders, resp)
	}
	return rows.Err()
}

// UpdateIncident writes inc, with its services and responders, if the
// stored version is inc.Version, and leaves inc as a read would return it.
func (db *DB) UpdateIncident(ctx context.Context, inc *debrief.Incident) error {
	now := db.now()
	var stored *debrief.Incident
	err := db.inTx(ctx, func(tx runner) error {
		// The versioned UPDATE comes first: it takes the row's lock, so
		// the lists below are only ever replaced by the one winner.
		t := target{name: fmt.Sprintf("Incident %d", inc.ID), table: "incidents", where: "id = ?", args: []any{inc.ID}}
		args := append(incidentArgs(inc), toMicros(now))
		if err := updateVersioned(ctx, tx, t, inc.Version, incidentSet+", updated_at = ?", args...); err != nil {
			return err
		}
		if err := writeIncidentLists(ctx, tx, inc.ID, inc); err != nil {
			return err
		}
		var err error
		stored, err = findIncident(ctx, tx, inc.ID)
		return err
	})
	if db.dialect.isForeignKey(err) {
		return wrap("update incident", db.missingRef(ctx, err, incidentPersonRefs(inc)...))
	} else if err != nil {
		return wrap("update incident", err)
	}
	*inc = *stored
	return nil
}

// DeleteIncident deletes the incident; the schema's cascades take its
// services, responders, events, retrospective, sections and actions with it
// in the same statement.
func (db *DB) DeleteIncident(ctx context.Context, id int64) error {
	err := deleteRow(ctx, db.write(), target{name: fmt.Sprintf("Incident %d", id), table: "incidents", where: "id = ?", args: []any{id}})
	return wrap("delete incident", err)
}
