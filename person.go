package debrief

import (
	"context"
	"time"
)

// Person is someone who takes part in incidents and their retrospectives.
type Person struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Handle string `json:"handle"`
	Email  string `json:"email"`

	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// PersonFilter selects people. Nil fields do not filter.
type PersonFilter struct {
	Handle *string
	Query  *string // matches name, handle or email
	Offset int
	Limit  int
}

// PersonUpdate changes a person. Nil fields are left as they are.
type PersonUpdate struct {
	Name    *string `json:"name"`
	Handle  *string `json:"handle"`
	Email   *string `json:"email"`
	Version int64   `json:"version"`
}

// PersonService manages people.
type PersonService interface {
	FindPersonByID(ctx context.Context, id int64) (*Person, error)
	FindPeople(ctx context.Context, filter PersonFilter) ([]*Person, int, error)
	CreatePerson(ctx context.Context, p *Person) error
	UpdatePerson(ctx context.Context, id int64, upd PersonUpdate) (*Person, error)
	DeletePerson(ctx context.Context, id int64) error
}
