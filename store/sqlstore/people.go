package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/debrief-oss/debrief"
)

const personSelect = "SELECT p.id, p.name, p.handle, p.email, p.version, p.created_at, p.updated_at FROM people p"

func scanPerson(row rowScanner) (*debrief.Person, error) {
	var p debrief.Person
	var created, updated int64
	if err := row.Scan(&p.ID, &p.Name, &p.Handle, &p.Email, &p.Version, &created, &updated); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &p, nil
}

func handleTaken(handle string) error {
	return &debrief.Error{Code: debrief.ECONFLICT, Field: "handle",
		Message: fmt.Sprintf("The handle %q is taken.", handle)}
}

// CreatePerson stores p and sets its ID, Version, CreatedAt and UpdatedAt.
func (db *DB) CreatePerson(ctx context.Context, p *debrief.Person) error {
	now := db.now()
	var id int64
	err := db.write().queryRow(ctx, `INSERT INTO people
		(name, handle, handle_key, email, search, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`,
		p.Name, p.Handle, handleKey(p.Handle), p.Email, personSearch(p), toMicros(now), toMicros(now),
	).Scan(&id)
	if db.dialect.isUnique(err) {
		return handleTaken(p.Handle)
	} else if err != nil {
		return wrap("create person", err)
	}
	p.ID, p.Version, p.CreatedAt, p.UpdatedAt = id, 1, now, now
	return nil
}

// FindPersonByID returns the person with the given id.
func (db *DB) FindPersonByID(ctx context.Context, id int64) (*debrief.Person, error) {
	p, err := findPerson(ctx, db.read(), id)
	return p, wrap("find person", err)
}

func findPerson(ctx context.Context, r runner, id int64) (*debrief.Person, error) {
	p, err := scanPerson(r.queryRow(ctx, personSelect+" WHERE p.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(fmt.Sprintf("Person %d", id))
	}
	return p, err
}

// FindPeople returns a page of people in id (creation) order. Handle
// matches the whole handle, ignoring case; Query matches any part of the
// name, handle or email, ignoring case.
func (db *DB) FindPeople(ctx context.Context, f debrief.PersonFilter) ([]*debrief.Person, int, error) {
	var w where
	if f.Handle != nil && *f.Handle == "" {
		w.add("p.handle_key IS NULL")
	} else if f.Handle != nil {
		w.add("p.handle_key = ?", fold(*f.Handle))
	}
	if f.Query != nil && *f.Query != "" {
		w.add(`p.search LIKE ? ESCAPE '\'`, likeContains(fold(*f.Query)))
	}
	people, total, err := findPage(ctx, db.read(), scanPerson, personSelect, "people p", &w, "p.id", f.Offset, f.Limit)
	return people, total, wrap("find people", err)
}

// UpdatePerson writes p if the stored version is p.Version.
func (db *DB) UpdatePerson(ctx context.Context, p *debrief.Person) error {
	now := db.now()
	var stored *debrief.Person
	err := db.inTx(ctx, func(tx runner) error {
		t := target{name: fmt.Sprintf("Person %d", p.ID), table: "people", where: "id = ?", args: []any{p.ID}}
		err := updateVersioned(ctx, tx, t, p.Version,
			"name = ?, handle = ?, handle_key = ?, email = ?, search = ?, updated_at = ?",
			p.Name, p.Handle, handleKey(p.Handle), p.Email, personSearch(p), toMicros(now))
		if err != nil {
			return err
		}
		stored, err = findPerson(ctx, tx, p.ID)
		return err
	})
	if db.dialect.isUnique(err) {
		return handleTaken(p.Handle)
	} else if err != nil {
		return wrap("update person", err)
	}
	*p = *stored
	return nil
}

// DeletePerson deletes the person. The schema clears the references to
// them: commander, writer and owner become NULL, responder rows go.
func (db *DB) DeletePerson(ctx context.Context, id int64) error {
	err := deleteRow(ctx, db.write(), target{name: fmt.Sprintf("Person %d", id), table: "people", where: "id = ?", args: []any{id}})
	return wrap("delete person", err)
}
