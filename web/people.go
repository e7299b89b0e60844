package web

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/server/httperr"
	"github.com/debrief-oss/debrief/store"
)

// peoplePage lists the people who can be chosen as commanders, writers,
// responders and owners, with a form to add one.
type peoplePage struct {
	layout
	People []personRow
	Total  int
	Query  string
	Form   personForm
	Errors formErrors
}

type personForm struct{ Name, Handle, Email string }

type personRow struct {
	ID                  int64
	Name, Handle, Email string
	// Initial is the first letter of the name, for the avatar.
	Initial string
}

var personLabels = map[string]string{"name": "Name", "handle": "Handle", "email": "E-mail"}

func (h *Handler) peoplePage(r *http.Request, q string) (*peoplePage, error) {
	f := debrief.PersonFilter{Limit: store.MaxLimit}
	if q != "" {
		f.Query = &q
	}
	people, total, err := h.svc.FindPeople(r.Context(), f)
	if err != nil {
		return nil, err
	}
	p := &peoplePage{layout: layout{Title: "People", Nav: "people"}, Total: total, Query: q}
	for _, person := range people {
		initial, _ := utf8.DecodeRuneInString(person.Name)
		p.People = append(p.People, personRow{
			ID: person.ID, Name: person.Name, Handle: person.Handle, Email: person.Email,
			Initial: strings.ToUpper(string(initial)),
		})
	}
	return p, nil
}

func (h *Handler) listPeople(w http.ResponseWriter, r *http.Request) error {
	p, err := h.peoplePage(r, strings.TrimSpace(r.URL.Query().Get("q")))
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "people", p)
	return nil
}

func (h *Handler) createPerson(w http.ResponseWriter, r *http.Request) error {
	f := personForm{
		Name:   r.PostFormValue("name"),
		Handle: r.PostFormValue("handle"),
		Email:  r.PostFormValue("email"),
	}
	person := &debrief.Person{Name: f.Name, Handle: f.Handle, Email: f.Email}
	err := h.svc.CreatePerson(r.Context(), person)
	if err == nil {
		http.Redirect(w, r, "/people#person-"+itoa(person.ID), http.StatusSeeOther)
		return nil
	}
	var errs formErrors
	if !errs.fromApp(err, personLabels) {
		return err
	}
	if errs.Conflict {
		// The only conflict creating a person can meet is a taken handle.
		errs.Conflict = false
		errs.add("handle", "Handle @"+strings.TrimPrefix(strings.TrimSpace(f.Handle), "@")+" is already someone else’s.")
	}
	p, perr := h.peoplePage(r, "")
	if perr != nil {
		return perr
	}
	p.Form, p.Errors = f, errs
	h.render(w, r, httperr.Status(err), "people", p)
	return nil
}
