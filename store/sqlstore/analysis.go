package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/debrief-oss/debrief"
)

// The analysis of an incident: items named by ref, the events that are a
// failure's evidence, and the links from action items (analysis_links). See
// migrations/0004_analysis.sql.

const itemCols = "i.id, i.incident_id, i.kind, i.number, i.ref, i.title, i.description, i.scope, i.controller, " +
	"i.process, i.action, i.feedback, i.how, i.catalog_id, i.control, i.saw, i.reason, i.flaws, i.category, " +
	"i.parent, i.no_action, i.version, i.created_at, i.updated_at"

// itemRow is a scanned item with what the domain type does not show: its
// row id and number, for attaching evidence and links and for sorting.
type itemRow struct {
	id     int64
	number int
	it     *debrief.AnalysisItem
}

func scanItem(row rowScanner) (itemRow, error) {
	var (
		r                itemRow
		it               debrief.AnalysisItem
		catalog          sql.NullInt64
		flaws            string
		created, updated int64
	)
	err := row.Scan(&r.id, &it.IncidentID, &it.Kind, &r.number, &it.Ref, &it.Title, &it.Description, &it.Scope,
		&it.Controller, &it.Process, &it.Action, &it.Feedback, &it.How, &catalog, &it.Control, &it.Saw, &it.Reason,
		&flaws, &it.Category, &it.Parent, &it.NoAction, &it.Version, &created, &updated)
	if err != nil {
		return r, err
	}
	it.CatalogID = idPtr(catalog)
	it.Flaws = strings.Fields(flaws)
	it.ActionIDs = []int64{}
	it.CreatedAt, it.UpdatedAt = fromMicros(created), fromMicros(updated)
	r.it = &it
	return r, nil
}

func kindIndex(k debrief.AnalysisKind) int { return slices.Index(debrief.AnalysisKinds, k) }

// sortItems puts rows in AnalysisKinds order, then number.
func sortItems(rows []itemRow) {
	slices.SortFunc(rows, func(a, b itemRow) int {
		if d := kindIndex(a.it.Kind) - kindIndex(b.it.Kind); d != 0 {
			return d
		}
		return a.number - b.number
	})
}

// findItems reads the incident's items (only the one with ref when ref is
// not empty) with their evidence and links.
func findItems(ctx context.Context, r runner, incidentID int64, ref string) ([]itemRow, error) {
	q, args := "SELECT "+itemCols+" FROM analysis_items i WHERE i.incident_id = ?", []any{incidentID}
	if ref != "" {
		q += " AND i.ref = ?"
		args = append(args, ref)
	}
	rows, err := queryAll(ctx, r, scanItem, q, args...)
	if err != nil || len(rows) == 0 {
		return rows, err
	}
	byID := map[int64]*debrief.AnalysisItem{}
	for _, row := range rows {
		byID[row.id] = row.it
	}
	type pair struct{ item, other int64 }
	scanPair := func(row rowScanner) (pair, error) {
		var p pair
		return p, row.Scan(&p.item, &p.other)
	}
	sub := "SELECT i.id FROM analysis_items i WHERE i.incident_id = ?"
	ev, err := queryAll(ctx, r, scanPair, "SELECT item_id, event_id FROM analysis_evidence WHERE item_id IN ("+sub+") ORDER BY event_id", incidentID)
	if err != nil {
		return nil, err
	}
	for _, p := range ev {
		if it := byID[p.item]; it != nil {
			it.Evidence = append(it.Evidence, p.other)
		}
	}
	links, err := queryAll(ctx, r, scanPair, "SELECT item_id, action_id FROM analysis_links WHERE item_id IN ("+sub+") ORDER BY action_id", incidentID)
	if err != nil {
		return nil, err
	}
	for _, p := range links {
		if it := byID[p.item]; it != nil {
			it.ActionIDs = append(it.ActionIDs, p.other)
		}
	}
	sortItems(rows)
	return rows, nil
}

// FindAnalysisItems returns the incident's items in kind order, then number.
func (db *DB) FindAnalysisItems(ctx context.Context, incidentID int64) ([]*debrief.AnalysisItem, error) {
	rows, err := findItems(ctx, db.read(), incidentID, "")
	if err != nil {
		return nil, wrap("find analysis items", err)
	}
	out := make([]*debrief.AnalysisItem, len(rows))
	for i, r := range rows {
		out[i] = r.it
	}
	return out, nil
}

// FindAnalysisItem returns one item by ref.
func (db *DB) FindAnalysisItem(ctx context.Context, incidentID int64, ref string) (*debrief.AnalysisItem, error) {
	it, err := findItem(ctx, db.read(), incidentID, ref)
	return it, wrap("find analysis item", err)
}

func findItem(ctx context.Context, r runner, incidentID int64, ref string) (*debrief.AnalysisItem, error) {
	rows, err := findItems(ctx, r, incidentID, ref)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, notFound("Analysis item " + ref)
	}
	return rows[0].it, nil
}

// refKinds says which kind each ref field of an item must name.
func refKinds(it *debrief.AnalysisItem) []struct {
	field, ref string
	kind       debrief.AnalysisKind
} {
	type want = struct {
		field, ref string
		kind       debrief.AnalysisKind
	}
	var ws []want
	add := func(field, ref string, k debrief.AnalysisKind) {
		if ref != "" {
			ws = append(ws, want{field, ref, k})
		}
	}
	add("controller", it.Controller, debrief.KindComponent)
	add("process", it.Process, debrief.KindComponent)
	add("control", it.Control, debrief.KindControl)
	add("parent", it.Parent, debrief.KindWhy)
	return ws
}

// checkItemRefs checks, inside the writing transaction, everything an item
// points at: the refs it names, its evidence, its catalogue entry, and that
// a why's parents do not lead back to it.
// The caller holds the incident's analysis lock (lockAnalysis), so what it
// reads cannot change before the write commits.
func checkItemRefs(ctx context.Context, tx runner, it *debrief.AnalysisItem) error {
	for _, w := range refKinds(it) {
		var kind debrief.AnalysisKind
		err := tx.queryRow(ctx, "SELECT kind FROM analysis_items WHERE incident_id = ? AND ref = ?", it.IncidentID, w.ref).Scan(&kind)
		if errors.Is(err, sql.ErrNoRows) {
			return debrief.FieldError(w.field, "there is no analysis item %s in incident %d.", w.ref, it.IncidentID)
		} else if err != nil {
			return err
		}
		if kind != w.kind {
			return debrief.FieldError(w.field, "%s is a %s; it must be a %s.", w.ref, kind, w.kind)
		}
	}
	for _, ev := range it.Evidence {
		var one int
		err := tx.queryRow(ctx, "SELECT 1 FROM events WHERE incident_id = ? AND id = ?", it.IncidentID, ev).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return debrief.FieldError("evidence", "there is no event %d on the timeline of incident %d.", ev, it.IncidentID)
		} else if err != nil {
			return err
		}
	}
	if it.CatalogID != nil && *it.CatalogID != 0 {
		var one int
		err := tx.queryRow(ctx, "SELECT 1 FROM team_controls WHERE id = ?", *it.CatalogID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return debrief.FieldError("catalog_id", "there is no catalogue control %d.", *it.CatalogID)
		} else if err != nil {
			return err
		}
	}
	if it.Kind == debrief.KindWhy && it.Ref != "" {
		// Walk up from the new parent; meeting the item itself means the
		// tree would become a loop. The walk is bounded by the number of
		// whys, and a stored loop (which this check prevents) stops it too.
		seen := map[string]bool{}
		for cur := it.Parent; cur != ""; {
			if cur == it.Ref {
				return debrief.FieldError("parent", "%s cannot answer %s: %s is already below %s, and a why cannot be its own cause.",
					it.Ref, it.Parent, it.Parent, it.Ref)
			}
			if seen[cur] {
				break
			}
			seen[cur] = true
			err := tx.queryRow(ctx, "SELECT parent FROM analysis_items WHERE incident_id = ? AND ref = ?", it.IncidentID, cur).Scan(&cur)
			if errors.Is(err, sql.ErrNoRows) {
				break
			} else if err != nil {
				return err
			}
		}
	}
	return nil
}

func writeEvidence(ctx context.Context, tx runner, itemID int64, evidence []int64) error {
	if _, err := tx.exec(ctx, "DELETE FROM analysis_evidence WHERE item_id = ?", itemID); err != nil {
		return err
	}
	for _, ev := range dedupe(evidence) {
		if _, err := tx.exec(ctx, "INSERT INTO analysis_evidence (item_id, event_id) VALUES (?, ?)", itemID, ev); err != nil {
			return err
		}
	}
	return nil
}

func dedupe[T comparable](vs []T) []T {
	seen := map[T]bool{}
	var out []T
	for _, v := range vs {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// lockAnalysis takes the incident's analysis lock for the rest of the
// transaction, or returns ENOTFOUND for a missing incident. Every write of
// the analysis takes it first, so the checks that keep links whole (a ref
// names an item, no why is below itself, a deleted item has no links left)
// read what cannot change before the write commits: a delete cannot slip
// between another writer's check of a ref and its commit, and two moves of
// whys cannot each pass the loop check against the other's old parent.
// The lock is a row of analysis_counters (kind "lock"), upserted: one lock,
// always taken first, so the writers cannot deadlock among themselves. On
// SQLite the transaction already holds the only writer.
func lockAnalysis(ctx context.Context, tx runner, incidentID int64) error {
	var one int
	err := tx.queryRow(ctx, "SELECT 1 FROM incidents WHERE id = ?", incidentID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound(fmt.Sprintf("Incident %d", incidentID))
	} else if err != nil {
		return err
	}
	_, err = tx.exec(ctx, `INSERT INTO analysis_counters (incident_id, kind, last) VALUES (?, ?, 0)
		ON CONFLICT (incident_id, kind) DO UPDATE SET last = analysis_counters.last`, incidentID, "lock")
	return err
}

// CreateAnalysisItem stores it under the next ref of its kind and leaves it
// as a read returns it.
func (db *DB) CreateAnalysisItem(ctx context.Context, it *debrief.AnalysisItem) error {
	prefix := it.Kind.Prefix()
	if prefix == "" {
		return debrief.FieldError("kind", "unknown kind %q.", it.Kind)
	}
	now := db.now()
	var stored *debrief.AnalysisItem
	err := db.inTx(ctx, func(tx runner) error {
		if err := lockAnalysis(ctx, tx, it.IncidentID); err != nil {
			return err
		}
		// A new item has no children yet, so there is no loop to look for.
		asked := it.Ref
		it.Ref = ""
		if err := checkItemRefs(ctx, tx, it); err != nil {
			return err
		}
		var n int
		var err error
		if asked == "" {
			// The counter only grows, so a deleted item's number is never
			// handed out again.
			err = tx.queryRow(ctx, `INSERT INTO analysis_counters (incident_id, kind, last) VALUES (?, ?, 1)
				ON CONFLICT (incident_id, kind) DO UPDATE SET last = analysis_counters.last + 1 RETURNING last`,
				it.IncidentID, string(it.Kind)).Scan(&n)
		} else {
			// An import keeps the refs of its file; the counter moves past
			// them.
			k, ok := debrief.KindOfRef(asked)
			if !ok || k != it.Kind {
				return debrief.FieldError("ref", "%q is not the ref of a %s.", asked, it.Kind)
			}
			n, _ = strconv.Atoi(strings.TrimPrefix(asked, prefix))
			var one int
			err := tx.queryRow(ctx, "SELECT 1 FROM analysis_items WHERE incident_id = ? AND ref = ?", it.IncidentID, asked).Scan(&one)
			if err == nil {
				return &debrief.Error{Code: debrief.ECONFLICT, Field: "ref", Message: "Analysis item " + asked + " already exists."}
			} else if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			_, err = tx.exec(ctx, `INSERT INTO analysis_counters (incident_id, kind, last) VALUES (?, ?, ?)
				ON CONFLICT (incident_id, kind) DO UPDATE SET last = CASE WHEN analysis_counters.last < ? THEN ? ELSE analysis_counters.last END`,
				it.IncidentID, string(it.Kind), n, n, n)
		}
		if err != nil {
			return err
		}
		ref := prefix + strconv.Itoa(n)
		var id int64
		err = tx.queryRow(ctx, `INSERT INTO analysis_items
			(incident_id, kind, number, ref, title, description, scope, controller, process, action, feedback, how,
			 catalog_id, control, saw, reason, flaws, category, parent, no_action, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`,
			it.IncidentID, string(it.Kind), n, ref, it.Title, it.Description, it.Scope, it.Controller, it.Process,
			it.Action, it.Feedback, it.How, nullID(it.CatalogID), it.Control, it.Saw, it.Reason,
			strings.Join(it.Flaws, " "), it.Category, it.Parent, it.NoAction, toMicros(now), toMicros(now)).Scan(&id)
		if err != nil {
			return err
		}
		if err := writeEvidence(ctx, tx, id, it.Evidence); err != nil {
			return err
		}
		stored, err = findItem(ctx, tx, it.IncidentID, ref)
		return err
	})
	if err != nil {
		return wrap("create analysis item", err)
	}
	*it = *stored
	return nil
}

// UpdateAnalysisItem writes it (found by IncidentID and Ref) if the stored
// version is it.Version; kind and ref never change.
func (db *DB) UpdateAnalysisItem(ctx context.Context, it *debrief.AnalysisItem) error {
	now := db.now()
	var stored *debrief.AnalysisItem
	err := db.inTx(ctx, func(tx runner) error {
		if err := lockAnalysis(ctx, tx, it.IncidentID); err != nil {
			return err
		}
		var id int64
		var kind debrief.AnalysisKind
		err := tx.queryRow(ctx, "SELECT id, kind FROM analysis_items WHERE incident_id = ? AND ref = ?",
			it.IncidentID, it.Ref).Scan(&id, &kind)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Analysis item " + it.Ref)
		} else if err != nil {
			return err
		}
		it.Kind = kind
		if err := checkItemRefs(ctx, tx, it); err != nil {
			return err
		}
		t := target{name: "Analysis item " + it.Ref, table: "analysis_items", where: "incident_id = ? AND ref = ?", args: []any{it.IncidentID, it.Ref}}
		err = updateVersioned(ctx, tx, t, it.Version,
			"title = ?, description = ?, scope = ?, controller = ?, process = ?, action = ?, feedback = ?, how = ?, "+
				"catalog_id = ?, control = ?, saw = ?, reason = ?, flaws = ?, category = ?, parent = ?, no_action = ?, updated_at = ?",
			it.Title, it.Description, it.Scope, it.Controller, it.Process, it.Action, it.Feedback, it.How,
			nullID(it.CatalogID), it.Control, it.Saw, it.Reason, strings.Join(it.Flaws, " "), it.Category, it.Parent,
			it.NoAction, toMicros(now))
		if err != nil {
			return err
		}
		if err := writeEvidence(ctx, tx, id, it.Evidence); err != nil {
			return err
		}
		stored, err = findItem(ctx, tx, it.IncidentID, it.Ref)
		return err
	})
	if err != nil {
		return wrap("update analysis item", err)
	}
	*it = *stored
	return nil
}

// DeleteAnalysisItem deletes an item nothing else names; its links to
// action items go with it only when unlink says so.
func (db *DB) DeleteAnalysisItem(ctx context.Context, incidentID int64, ref string, unlink bool) error {
	err := db.inTx(ctx, func(tx runner) error {
		if err := lockAnalysis(ctx, tx, incidentID); err != nil {
			return err
		}
		var id int64
		err := tx.queryRow(ctx, "SELECT id FROM analysis_items WHERE incident_id = ? AND ref = ?", incidentID, ref).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Analysis item " + ref)
		} else if err != nil {
			return err
		}
		scanString := func(r rowScanner) (s string, err error) { return s, r.Scan(&s) }
		users, err := queryAll(ctx, tx, scanString, `SELECT ref FROM analysis_items WHERE incident_id = ?
			AND (controller = ? OR process = ? OR control = ? OR parent = ?) ORDER BY id`, incidentID, ref, ref, ref, ref)
		if err != nil {
			return err
		}
		if len(users) > 0 {
			return debrief.Errorf(debrief.ECONFLICT, "%s is named by %s: change or delete %s first.",
				ref, strings.Join(users, ", "), plural(len(users), "it", "them"))
		}
		scanID := func(r rowScanner) (v int64, err error) { return v, r.Scan(&v) }
		actions, err := queryAll(ctx, tx, scanID, "SELECT action_id FROM analysis_links WHERE item_id = ? ORDER BY action_id", id)
		if err != nil {
			return err
		}
		if len(actions) > 0 && !unlink {
			ids := make([]string, len(actions))
			for i, a := range actions {
				ids[i] = strconv.FormatInt(a, 10)
			}
			return &debrief.Error{Code: debrief.ECONFLICT, Field: "unlink", Message: fmt.Sprintf(
				"%s is addressed by action %s %s: link %s elsewhere first, or delete with unlink to remove the links.",
				ref, plural(len(ids), "item", "items"), strings.Join(ids, ", "), plural(len(ids), "it", "them"))}
		}
		_, err = tx.exec(ctx, "DELETE FROM analysis_items WHERE id = ?", id)
		return err
	})
	return wrap("delete analysis item", err)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// SetActionLinks replaces the items the action addresses.
func (db *DB) SetActionLinks(ctx context.Context, incidentID, actionID int64, refs []string) error {
	err := db.inTx(ctx, func(tx runner) error {
		if err := lockAnalysis(ctx, tx, incidentID); err != nil {
			return err
		}
		var one int
		err := tx.queryRow(ctx, "SELECT 1 FROM actions WHERE incident_id = ? AND id = ?", incidentID, actionID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(fmt.Sprintf("Action %d", actionID))
		} else if err != nil {
			return err
		}
		var ids []int64
		for _, ref := range dedupe(refs) {
			var id int64
			err := tx.queryRow(ctx, "SELECT id FROM analysis_items WHERE incident_id = ? AND ref = ?", incidentID, ref).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				return debrief.FieldError("addresses", "there is no analysis item %s in incident %d.", ref, incidentID)
			} else if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		if _, err := tx.exec(ctx, "DELETE FROM analysis_links WHERE action_id = ?", actionID); err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := tx.exec(ctx, "INSERT INTO analysis_links (action_id, item_id) VALUES (?, ?)", actionID, id); err != nil {
				return err
			}
		}
		return nil
	})
	return wrap("set action links", err)
}

// FindActionLinks returns the refs each action of the incident addresses.
func (db *DB) FindActionLinks(ctx context.Context, incidentID int64) (map[int64][]string, error) {
	out, err := db.actionLinks(ctx, "i.incident_id = ?", incidentID)
	return out, wrap("find action links", err)
}

// FindActionAddresses returns the refs each of the given actions
// addresses, whatever their incidents: one query for a page of the board.
func (db *DB) FindActionAddresses(ctx context.Context, actionIDs []int64) (map[int64][]string, error) {
	if len(actionIDs) == 0 {
		return map[int64][]string{}, nil
	}
	out, err := db.actionLinks(ctx, "l.action_id IN ("+placeholders(len(actionIDs))+")", int64Args(actionIDs)...)
	return out, wrap("find action addresses", err)
}

// actionLinks reads the links that match cond, each action's refs in kind
// order then number.
func (db *DB) actionLinks(ctx context.Context, cond string, args ...any) (map[int64][]string, error) {
	type link struct {
		action int64
		kind   debrief.AnalysisKind
		number int
		ref    string
	}
	scan := func(r rowScanner) (l link, err error) { return l, r.Scan(&l.action, &l.kind, &l.number, &l.ref) }
	links, err := queryAll(ctx, db.read(), scan, `SELECT l.action_id, i.kind, i.number, i.ref
		FROM analysis_links l JOIN analysis_items i ON i.id = l.item_id WHERE `+cond, args...)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(links, func(a, b link) int {
		if d := kindIndex(a.kind) - kindIndex(b.kind); d != 0 {
			return d
		}
		return a.number - b.number
	})
	out := map[int64][]string{}
	for _, l := range links {
		out[l.action] = append(out[l.action], l.ref)
	}
	return out, nil
}

// tracedKinds are the kinds that name a problem, so that an action item or
// a decision must answer them. Components and controls describe the
// system; a why needs an answer only at the bottom of its chain (a why
// nothing else answers).
var tracedKinds = []debrief.AnalysisKind{debrief.KindFailure, debrief.KindSystemic, debrief.KindMissing, debrief.KindFactor, debrief.KindWhy}

// FindTrace returns the untraced items and the actions addressing nothing.
func (db *DB) FindTrace(ctx context.Context, incidentID int64) (*debrief.Trace, error) {
	r := db.read()
	type row struct {
		kind   debrief.AnalysisKind
		number int
		ref    string
	}
	scan := func(s rowScanner) (v row, err error) { return v, s.Scan(&v.kind, &v.number, &v.ref) }
	args := []any{incidentID}
	marks := make([]string, len(tracedKinds))
	for i, k := range tracedKinds {
		marks[i] = "?"
		args = append(args, string(k))
	}
	args = append(args, string(debrief.KindWhy))
	rows, err := queryAll(ctx, r, scan, `SELECT i.kind, i.number, i.ref FROM analysis_items i
		WHERE i.incident_id = ? AND i.kind IN (`+strings.Join(marks, ", ")+`) AND i.no_action = ''
		AND NOT EXISTS (SELECT 1 FROM analysis_links l WHERE l.item_id = i.id)
		AND NOT (i.kind = ? AND EXISTS (SELECT 1 FROM analysis_items c WHERE c.incident_id = i.incident_id AND c.parent = i.ref))`,
		args...)
	if err != nil {
		return nil, wrap("find trace", err)
	}
	slices.SortFunc(rows, func(a, b row) int {
		if d := kindIndex(a.kind) - kindIndex(b.kind); d != 0 {
			return d
		}
		return a.number - b.number
	})
	t := &debrief.Trace{Untraced: []string{}}
	for _, v := range rows {
		t.Untraced = append(t.Untraced, v.ref)
	}
	scanID := func(s rowScanner) (v int64, err error) { return v, s.Scan(&v) }
	// A dropped action is a recommendation the review revisited: it need
	// not address anything any more (lint's recommendations/trace agrees).
	t.UnlinkedActions, err = queryAll(ctx, r, scanID, `SELECT a.id FROM actions a WHERE a.incident_id = ? AND a.status <> ?
		AND NOT EXISTS (SELECT 1 FROM analysis_links l WHERE l.action_id = a.id) ORDER BY a.id`, incidentID, string(debrief.ActionDropped))
	if err != nil {
		return nil, wrap("find trace", err)
	}
	return t, nil
}
