package sqlstore

import (
	"context"

	"github.com/debrief-oss/debrief"
)

// movesChunk bounds the ids of one query (SQLite and PostgreSQL both take
// far more parameters; this keeps statements small).
const movesChunk = 500

// FindActionStatusMoves returns the history entries of the action items ids
// that moved their status (the creation included, whose from_status is
// empty), by item and then oldest first: what the follow-through metrics
// need to tell when an item was open, reopened and closed again.
func (db *DB) FindActionStatusMoves(ctx context.Context, ids []int64) ([]*debrief.ActionChange, error) {
	out := []*debrief.ActionChange{}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), movesChunk)]
		ids = ids[len(chunk):]
		got, err := queryAll(ctx, db.read(), scanChange, `SELECT id, action_id, incident_id, at, actor_id, actor,
			from_status, to_status, changes, note FROM action_history
			WHERE action_id IN (`+placeholders(len(chunk))+`) AND from_status <> to_status ORDER BY action_id, id`,
			int64Args(chunk)...)
		if err != nil {
			return nil, wrap("find action status moves", err)
		}
		out = append(out, got...)
	}
	return out, nil
}
