package api

import (
	"net/http"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
)

// Teams own incidents; their members have roles in them. Teams are named in
// paths by their slug, as incidents name them in their "team" field.

// teamCreate is the body of POST /teams.
type teamCreate struct {
	Slug              string             `json:"slug"`
	Name              string             `json:"name"`
	DefaultVisibility debrief.Visibility `json:"default_visibility"`
}

// memberPut is the body of PUT /teams/{slug}/members/{userID}.
type memberPut struct {
	Role debrief.Role `json:"role"`
}

// maxSlug bounds a slug in a path: no team's slug is longer (app's limit on
// short text).
const maxSlug = app.MaxShortText

// pathSlug reads the team slug path parameter. Like an id that is not a
// number, a value that cannot be any team's slug (lower-case letters,
// digits and single '-') is refused as bad input rather than looked up;
// whether the team exists is the service's to say.
func pathSlug(r *http.Request) (string, error) {
	v := r.PathValue("slug")
	if len(v) > maxSlug {
		return "", debrief.FieldError("slug", "is too long to be a team's slug (at most %d characters).", maxSlug)
	}
	if v == "" || debrief.Slug(v, maxSlug) != v {
		return "", debrief.FieldError("slug", "must be a team's slug: lower-case letters, digits and single '-' (got %q).", clip(v))
	}
	return v, nil
}

func (h *Handler) listTeams(w http.ResponseWriter, r *http.Request) error {
	q := parseQuery(r, pageParams...)
	offset, limit := q.page()
	if q.err != nil {
		return q.err
	}
	all, err := h.svc.FindTeams(r.Context())
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, pageOf(all, offset, limit))
	return nil
}

func (h *Handler) createTeam(w http.ResponseWriter, r *http.Request) error {
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	var in teamCreate
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	t := &debrief.Team{Slug: in.Slug, Name: in.Name, DefaultVisibility: in.DefaultVisibility}
	if err := h.svc.CreateTeam(r.Context(), t); err != nil {
		// A slug already taken is a conflict with that team: send it, as
		// with any conflict, so the client sees what holds the slug.
		return withCurrent(err, func() (*debrief.Team, error) { return h.svc.FindTeamBySlug(r.Context(), t.Slug) })
	}
	w.Header().Set("Location", location("/teams/%s", t.Slug))
	h.writeJSON(w, r, http.StatusCreated, t)
	return nil
}

func (h *Handler) getTeam(w http.ResponseWriter, r *http.Request) error {
	slug, err := pathSlug(r)
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	t, err := h.svc.FindTeamBySlug(r.Context(), slug)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, t)
	return nil
}

func (h *Handler) updateTeam(w http.ResponseWriter, r *http.Request) error {
	slug, err := pathSlug(r)
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	var in app.TeamUpdate
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	t, err := h.svc.FindTeamBySlug(r.Context(), slug)
	if err != nil {
		return err
	}
	t, err = h.svc.UpdateTeam(r.Context(), t.ID, in)
	if err != nil {
		return withCurrent(err, func() (*debrief.Team, error) { return h.svc.FindTeamBySlug(r.Context(), slug) })
	}
	h.writeJSON(w, r, http.StatusOK, t)
	return nil
}

func (h *Handler) listMembers(w http.ResponseWriter, r *http.Request) error {
	slug, err := pathSlug(r)
	if err != nil {
		return err
	}
	q := parseQuery(r, pageParams...)
	offset, limit := q.page()
	if q.err != nil {
		return q.err
	}
	t, err := h.svc.FindTeamBySlug(r.Context(), slug)
	if err != nil {
		return err
	}
	all, err := h.svc.FindMembers(r.Context(), t.ID)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, pageOf(all, offset, limit))
	return nil
}

// putMember gives a user a role in the team, whether or not they were a
// member before: PUT names the membership, and sending it twice is the same
// as sending it once.
func (h *Handler) putMember(w http.ResponseWriter, r *http.Request) error {
	t, userID, err := h.memberTarget(r)
	if err != nil {
		return err
	}
	var in memberPut
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	// The store fills in the team's slug and the user's name, so the
	// answer is what the member list holds.
	m := &debrief.Membership{TeamID: t.ID, UserID: userID, Role: in.Role}
	if err := h.svc.SetMember(r.Context(), m); err != nil {
		// The service names the membership's field; here the user is
		// the path's.
		if debrief.ErrorField(err) == "user_id" {
			return &debrief.Error{Code: debrief.ErrorCode(err), Field: "userID", Message: debrief.ErrorMessage(err)}
		}
		return err
	}
	h.writeJSON(w, r, http.StatusOK, m)
	return nil
}

// memberTarget reads the team and the user a member route names.
func (h *Handler) memberTarget(r *http.Request) (*debrief.Team, int64, error) {
	slug, err := pathSlug(r)
	if err != nil {
		return nil, 0, err
	}
	userID, err := pathID(r, "userID")
	if err != nil {
		return nil, 0, err
	}
	if q := parseQuery(r); q.err != nil {
		return nil, 0, q.err
	}
	t, err := h.svc.FindTeamBySlug(r.Context(), slug)
	if err != nil {
		return nil, 0, err
	}
	return t, userID, nil
}

func (h *Handler) deleteMember(w http.ResponseWriter, r *http.Request) error {
	t, userID, err := h.memberTarget(r)
	if err != nil {
		return err
	}
	if err := h.svc.RemoveMember(r.Context(), t.ID, userID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
