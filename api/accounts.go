package api

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/store"
)

// Accounts: the caller's own account and API tokens, and the users of the
// organisation. As everywhere in this package, no handler decides who may
// do what: each passes the request's context, which carries the actor the
// authentication middleware found, to the service, and answers what it
// says.

// me is the answer of GET /me: who the caller is and what they belong to.
type me struct {
	User *debrief.User `json:"user"`
	// Scope is what the credential of this request allows: "read" for a
	// read-only API token, "read-write" otherwise.
	Scope       debrief.Scope         `json:"scope"`
	Memberships []*debrief.Membership `json:"memberships"`
}

func (h *Handler) getMe(w http.ResponseWriter, r *http.Request) error {
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	// The service has no call of its own for "who am I"; listing the teams
	// is one any signed-in user may make, so it is the service, not this
	// handler, that refuses a request without a (valid, enabled) actor. The
	// list also names the teams the actor's roles are keyed by.
	teams, err := h.svc.FindTeams(r.Context())
	if err != nil {
		return err
	}
	a := debrief.ActorFrom(r.Context())
	if a == nil || a.User == nil {
		// Only the system acts without a user, and never through HTTP.
		return debrief.Errorf(debrief.EUNAUTHORIZED, "Sign in as a user first.")
	}
	out := me{User: a.User, Scope: a.Scope, Memberships: []*debrief.Membership{}}
	if out.Scope == "" {
		out.Scope = debrief.ScopeWrite
	}
	for _, t := range teams {
		if role, ok := a.Teams[t.Slug]; ok {
			out.Memberships = append(out.Memberships, &debrief.Membership{
				TeamID: t.ID, UserID: a.User.ID, Role: role, TeamSlug: t.Slug, UserName: a.User.Name,
			})
		}
	}
	slices.SortFunc(out.Memberships, func(x, y *debrief.Membership) int { return strings.Compare(x.TeamSlug, y.TeamSlug) })
	w.Header().Set("Cache-Control", "no-store")
	h.writeJSON(w, r, http.StatusOK, out)
	return nil
}

// tokenCreate is the body of POST /me/tokens.
type tokenCreate struct {
	Name      string        `json:"name"`
	Scope     debrief.Scope `json:"scope"`
	ExpiresAt *time.Time    `json:"expires_at"`
}

// tokenCreated is a new token with its secret, which is answered this once
// and never again: only its hash is stored.
type tokenCreated struct {
	*debrief.APIToken
	Token string `json:"token"`
}

func (h *Handler) listTokens(w http.ResponseWriter, r *http.Request) error {
	q := parseQuery(r, pageParams...)
	offset, limit := q.page()
	if q.err != nil {
		return q.err
	}
	all, err := h.svc.FindTokens(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	h.writeJSON(w, r, http.StatusOK, pageOf(all, offset, limit))
	return nil
}

func (h *Handler) createToken(w http.ResponseWriter, r *http.Request) error {
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	var in tokenCreate
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	secret, tok, err := h.svc.CreateToken(r.Context(), in.Name, in.Scope, in.ExpiresAt)
	if err != nil {
		return err
	}
	// The secret must not stay in any cache between here and the client.
	w.Header().Set("Cache-Control", "no-store")
	h.writeJSON(w, r, http.StatusCreated, tokenCreated{APIToken: tok, Token: secret})
	return nil
}

func (h *Handler) revokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "tokenID")
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	if err := h.svc.RevokeToken(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// userCreate is the body of POST /users. An empty password makes a user who
// signs in through single sign-on only.
type userCreate struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	OrgAdmin bool   `json:"org_admin"`
	Password string `json:"password"`
}

func (h *Handler) listUsers(w http.ResponseWriter, r *http.Request) error {
	q := parseQuery(r, params("q")...)
	var f store.UserFilter
	if s := q.text("q"); s != nil && *s != "" { // an empty search is no search
		f.Query = s
	}
	f.Offset, f.Limit = q.page()
	if q.err != nil {
		return q.err
	}
	items, total, err := h.svc.FindUsers(r.Context(), f)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, newList(items, total, f.Offset, store.PageLimit(f.Limit)))
	return nil
}

func (h *Handler) createUser(w http.ResponseWriter, r *http.Request) error {
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	var in userCreate
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	u := &debrief.User{Email: in.Email, Name: in.Name, OrgAdmin: in.OrgAdmin}
	if err := h.svc.CreateUser(r.Context(), u, in.Password); err != nil {
		return err
	}
	w.Header().Set("Location", location("/users/%d", u.ID))
	h.writeJSON(w, r, http.StatusCreated, u)
	return nil
}

func (h *Handler) getUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "userID")
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	u, err := h.findUser(r.Context(), id)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, u)
	return nil
}

func (h *Handler) updateUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "userID")
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	var in app.UserUpdate
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	u, err := h.svc.UpdateUser(r.Context(), id, in)
	if err != nil {
		return withCurrent(err, func() (*debrief.User, error) { return h.findUser(r.Context(), id) })
	}
	h.writeJSON(w, r, http.StatusOK, u)
	return nil
}

// findUser returns the user with id, among those the service lets the
// actor list: everyone for an organisation admin, themselves for anyone
// else, so that another user's id is not found for them. The service has
// no lookup of one user by id, so this pages through the list; an
// organisation's users are few enough for that to be cheap.
func (h *Handler) findUser(ctx context.Context, id int64) (*debrief.User, error) {
	f := store.UserFilter{Limit: store.MaxLimit}
	for {
		users, total, err := h.svc.FindUsers(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			if u.ID == id {
				return u, nil
			}
		}
		f.Offset += len(users)
		if len(users) == 0 || f.Offset >= total {
			return nil, debrief.Errorf(debrief.ENOTFOUND, "User %d not found.", id)
		}
	}
}

// pageOf cuts one page out of a list the service answers whole, so that it
// is answered in the same envelope, and paged the same way, as every other
// list.
func pageOf[T any](all []T, offset, limit int) list[T] {
	page := all[min(offset, len(all)):min(offset+limit, len(all))]
	return newList(page, len(all), offset, limit)
}
