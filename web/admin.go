package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/server/auth"
	"github.com/debrief-oss/debrief/server/httperr"
	"github.com/debrief-oss/debrief/store"
)

// usersPage is the organisation's accounts, for organisation admins.
type usersPage struct {
	layout
	Users  []userRow
	Total  int
	Query  string
	Can    perms
	Form   userForm
	Errors formErrors
	// RowError is a refused change to one account, shown above the list.
	RowError string
}

type userRow struct {
	ID                 int64
	Name, Email        string
	Initial            string
	OrgAdmin, Disabled bool
	SSOOnly            bool
	Version            int64
	Action, Anchor     string
	Me                 bool
	Created            string
}

type userForm struct {
	Name, Email string
	OrgAdmin    bool
}

var userLabels = map[string]string{"name": "Name", "email": "Email", "password": "Password", "org_admin": "Organisation admin"}

func (h *Handler) usersPage(r *http.Request, q string, f userForm) (*usersPage, error) {
	filter := store.UserFilter{Limit: store.MaxLimit}
	if q != "" {
		filter.Query = &q
	}
	users, total, err := h.svc.FindUsers(r.Context(), filter)
	if err != nil {
		return nil, err
	}
	me := auth.Actor(r.Context()).UserID()
	p := &usersPage{layout: layout{Title: "Users", Nav: "admin"}, Total: total, Query: q, Can: permsOn(r, ""), Form: f}
	for _, u := range users {
		p.Users = append(p.Users, userRow{
			ID: u.ID, Name: u.Name, Email: u.Email, Initial: initial(u.Name, u.Email),
			OrgAdmin: u.OrgAdmin, Disabled: u.Disabled, Version: u.Version,
			Action: "/admin/users/" + itoa(u.ID), Anchor: "user-" + itoa(u.ID), Me: u.ID == me,
			Created: dayLabel(u.CreatedAt),
		})
	}
	return p, nil
}

func (h *Handler) listUsers(w http.ResponseWriter, r *http.Request) error {
	p, err := h.usersPage(r, strings.TrimSpace(r.URL.Query().Get("q")), userForm{})
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "users", p)
	return nil
}

func (h *Handler) createUser(w http.ResponseWriter, r *http.Request) error {
	f := userForm{
		Name: strings.TrimSpace(r.PostFormValue("name")), Email: strings.TrimSpace(r.PostFormValue("email")),
		OrgAdmin: r.PostFormValue("org_admin") == "1",
	}
	u := &debrief.User{Name: f.Name, Email: f.Email, OrgAdmin: f.OrgAdmin}
	err := h.svc.CreateUser(r.Context(), u, r.PostFormValue("password"))
	if err == nil {
		http.Redirect(w, r, "/admin/users#user-"+itoa(u.ID), http.StatusSeeOther)
		return nil
	}
	var errs formErrors
	if !errs.fromApp(err, userLabels) {
		return err
	}
	if errs.Conflict {
		errs.Conflict = false
		errs.add("email", "Email "+f.Email+" already has an account.")
	}
	p, perr := h.usersPage(r, "", f)
	if perr != nil {
		return perr
	}
	p.Errors = errs
	h.render(w, r, httperr.Status(err), "users", p)
	return nil
}

// updateUser is each row's buttons: make or stop being an organisation
// admin, disable or enable the account.
func (h *Handler) updateUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "uid")
	if err != nil {
		return err
	}
	upd := app.UserUpdate{Version: formVersion(r.PostFormValue("version"))}
	if v := r.PostFormValue("org_admin"); v != "" {
		b, _ := strconv.ParseBool(v)
		upd.OrgAdmin = &b
	}
	if v := r.PostFormValue("disabled"); v != "" {
		b, _ := strconv.ParseBool(v)
		upd.Disabled = &b
	}
	if _, err := h.svc.UpdateUser(r.Context(), id, upd); err != nil {
		if c := debrief.ErrorCode(err); c != debrief.EINVALID && c != debrief.ECONFLICT {
			return err
		}
		p, perr := h.usersPage(r, "", userForm{})
		if perr != nil {
			return perr
		}
		p.RowError = debrief.ErrorMessage(err)
		if debrief.ErrorCode(err) == debrief.ECONFLICT {
			p.RowError = "Someone changed this account after you opened the page, so nothing was changed. The list below is up to date: try again."
		}
		h.render(w, r, httperr.Status(err), "users", p)
		return nil
	}
	http.Redirect(w, r, "/admin/users#user-"+itoa(id), http.StatusSeeOther)
	return nil
}
