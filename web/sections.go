package web

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/render"
	"github.com/debrief-oss/debrief/server/httperr"
)

// sectionPage is the editor of one write-up section.
type sectionPage struct {
	layout
	Inc     *debrief.Incident
	IncPath string
	Section *debrief.Section
	// Body is the text in the textarea: the stored text, or what the user
	// sent when it could not be saved.
	Body    string
	Version int64
	Errors  formErrors
	Action  string
	// Intro explains the text of a timeline or actions section, which
	// introduces the events or items listed after it.
	Intro string
	// Preview is the user's text rendered, when they asked to see it.
	Preview    template.HTML
	Previewing bool
	// Theirs is the text someone else saved while this user was editing.
	Theirs      template.HTML
	TheirsRaw   string
	TheirsEmpty bool
	TheirsWhen  string
}

var sectionLabels = map[string]string{"body": "The text", "title": "The title"}

func (h *Handler) newSectionPage(r *http.Request, inc *debrief.Incident, sec *debrief.Section) *sectionPage {
	p := &sectionPage{
		layout:  layout{Title: sec.Title + " · " + inc.Title, Nav: "incidents", ReadOnly: readOnlyNote(r, inc)},
		Inc:     inc,
		IncPath: incidentPath(inc.ID),
		Section: sec,
		Body:    sec.Body,
		Version: sec.Version,
		Action:  incidentPath(inc.ID) + "/sections/" + sec.Key + "/edit",
	}
	switch sec.Kind {
	case debrief.SectionTimeline:
		p.Intro = "This text introduces the timeline. The events themselves are added and edited on the incident page, below this text."
	case debrief.SectionActions:
		p.Intro = "This text introduces the action items. The items themselves are added and tracked on the incident page, below this text."
	}
	return p
}

func (h *Handler) section(r *http.Request) (*debrief.Incident, *debrief.Section, error) {
	inc, err := h.incident(r)
	if err != nil {
		return nil, nil, err
	}
	sec, err := h.svc.FindSection(r.Context(), inc.ID, r.PathValue("key"))
	if err != nil {
		return nil, nil, err
	}
	return inc, sec, nil
}

func (h *Handler) editSection(w http.ResponseWriter, r *http.Request) error {
	inc, sec, err := h.section(r)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "section", h.newSectionPage(r, inc, sec))
	return nil
}

// updateSection saves the text, or shows a preview of it. When someone else
// saved the section since the editor was opened, nothing is lost: the page
// comes back with their text rendered above, the user's own text still in
// the textarea, and the current version, so that saving again (after
// merging by hand) succeeds.
func (h *Handler) updateSection(w http.ResponseWriter, r *http.Request) error {
	inc, sec, err := h.section(r)
	if err != nil {
		return err
	}
	// Browsers send textarea lines ending in CRLF; store what was typed.
	body := strings.ReplaceAll(r.PostFormValue("body"), "\r\n", "\n")
	version := formVersion(r.PostFormValue("version"))

	p := h.newSectionPage(r, inc, sec)
	p.Body, p.Version = body, version
	if r.PostFormValue("preview") != "" {
		p.Previewing, p.Preview = true, render.HTML(body)
		h.render(w, r, http.StatusOK, "section", p)
		return nil
	}
	_, err = h.svc.UpdateSection(r.Context(), inc.ID, sec.Key, debrief.SectionUpdate{Body: &body, Version: version})
	if err == nil {
		http.Redirect(w, r, incidentPath(inc.ID)+"#section-"+sec.Key, http.StatusSeeOther)
		return nil
	}
	if !p.Errors.fromApp(err, sectionLabels) {
		return err
	}
	if p.Errors.Conflict {
		// Reread: the section loaded above may predate the save that won.
		cur, ferr := h.svc.FindSection(r.Context(), inc.ID, sec.Key)
		if ferr != nil {
			return ferr
		}
		p.Section = cur
		p.Version = cur.Version
		p.Theirs, p.TheirsRaw, p.TheirsEmpty = render.HTML(cur.Body), cur.Body, cur.Body == ""
		p.TheirsWhen = render.Time(cur.UpdatedAt, zone(inc.TimeZone))
	}
	h.render(w, r, httperr.Status(err), "section", p)
	return nil
}
