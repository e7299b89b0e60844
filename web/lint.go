package web

import (
	"net/http"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/lint"
)

// findingView is one lint finding as the incident page shows it.
type findingView struct {
	Rule, Severity, Message, Fix, Where string
}

// lintView is the checklist in the retrospective panel: what lint found,
// and whether sending for review needs the writer to confirm.
type lintView struct {
	Errors, Warnings, Infos int
	// Other holds findings about sections the write-up does not have (a
	// missing summary, a missing required section).
	Other []findingView
	// Items is every finding, for the checklist.
	Items []findingView
}

// Total is how many findings there are.
func (v lintView) Total() int { return v.Errors + v.Warnings + v.Infos }

// lintFindings runs the lint rules over the report the page shows, without
// the hidden events (they are not part of the write-up), with the team's
// configuration. Reading the report was already allowed by the service.
func (h *Handler) lintFindings(rep *debrief.Report) []lint.Finding {
	cp := *rep
	cp.Events = nil
	for _, e := range rep.Events {
		if !e.Hidden {
			cp.Events = append(cp.Events, e)
		}
	}
	return h.svc.LintReport(&cp)
}

// fillLint puts each finding next to the section it concerns, and the
// whole list in the checklist.
func (p *incidentPage) fillLint(fs []lint.Finding) {
	bySection := map[string]*sectionView{}
	for _, s := range p.Sections {
		bySection[s.Key] = s
	}
	for _, f := range fs {
		v := findingView{Rule: f.Rule, Severity: string(f.Severity), Message: f.Message, Fix: f.Fix, Where: f.Location.String()}
		switch f.Severity {
		case lint.Error:
			p.Lint.Errors++
		case lint.Warning:
			p.Lint.Warnings++
		default:
			p.Lint.Infos++
		}
		p.Lint.Items = append(p.Lint.Items, v)
		if s, ok := bySection[f.Location.Section]; ok {
			// An empty section already says it is not written yet; its
			// "empty" finding is in the checklist only.
			if !(s.Empty && (f.Rule == "completeness/required-section" || f.Rule == "summary/missing")) {
				s.Findings = append(s.Findings, v)
			}
		} else {
			p.Lint.Other = append(p.Lint.Other, v)
		}
	}
}

// confirmLint: sending a draft for review while lint finds errors needs
// the writer to tick the box saying they read them; warnings never block.
// The service decides (app.CheckBeforeReview); the page only asks.
func (h *Handler) confirmLint(r *http.Request, id int64) error {
	if r.PostFormValue("status") != string(debrief.RetroInReview) || r.PostFormValue("confirm_lint") != "" {
		return nil
	}
	return h.svc.CheckBeforeReview(r.Context(), id)
}
