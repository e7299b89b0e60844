package debrief

import (
	"context"
	"strings"
	"time"
)

// The analysis of a retrospective as data: a CAST analysis (the system
// boundary, the safety controls, how they failed, systemic problems and
// missing controls) and, for teams that use them, contributing factors in
// fishbone categories and five-whys trees. Every item has a short ref such
// as "F2" (the kind's prefix and a number counted per incident and kind),
// shown wherever the item is; a ref is never given to another item, even
// after its item is deleted, so a ref written in a document or a ticket
// keeps meaning one thing. See docs/analysis.md.

// AnalysisKind is what an analysis item is.
type AnalysisKind string

const (
	// KindComponent is a part of the system (ours) or of the environment.
	KindComponent AnalysisKind = "component"
	// KindControl is a safety control: a controller acting on a process.
	KindControl AnalysisKind = "control"
	// KindFailure is how one safety control failed in this incident.
	KindFailure AnalysisKind = "failure"
	// KindSystemic is a problem beyond any one control.
	KindSystemic AnalysisKind = "systemic"
	// KindMissing is a safety control that did not exist and could have
	// stopped or limited the incident.
	KindMissing AnalysisKind = "missing"
	// KindFactor is a contributing factor in a fishbone category.
	KindFactor AnalysisKind = "factor"
	// KindWhy is one answer in a five-whys tree; its parent is the why it
	// answers (none for the question at the top).
	KindWhy AnalysisKind = "why"
)

// AnalysisKinds lists the kinds in the order a write-up shows them.
var AnalysisKinds = []AnalysisKind{KindComponent, KindControl, KindFailure, KindSystemic, KindMissing, KindFactor, KindWhy}

// analysisPrefixes gives each kind its ref prefix.
var analysisPrefixes = map[AnalysisKind]string{
	KindComponent: "B", KindControl: "C", KindFailure: "F", KindSystemic: "S",
	KindMissing: "M", KindFactor: "CF", KindWhy: "W",
}

// Prefix returns the kind's ref prefix ("F" for failures), or "" for an
// unknown kind.
func (k AnalysisKind) Prefix() string { return analysisPrefixes[k] }

// KindOfRef returns the kind a ref such as "CF3" names, and false when it
// is not a well-formed ref.
func KindOfRef(ref string) (AnalysisKind, bool) {
	i := strings.IndexAny(ref, "0123456789")
	if i <= 0 || ref[i] == '0' {
		return "", false
	}
	for _, c := range ref[i:] {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	for k, p := range analysisPrefixes {
		if p == ref[:i] {
			return k, true
		}
	}
	return "", false
}

// Scopes of a component: ours, or the environment's.
const (
	ScopeSystem      = "system"
	ScopeEnvironment = "environment"
)

// Flaws name why a safety control did not act: its model of the process
// was wrong, information was missing or late, or the context it worked in
// (training, procedures, pressure, workload, interface).
var Flaws = []string{"process_model", "information", "training", "procedures", "pressure", "workload", "interface"}

// DefaultFishboneCategories are the categories of a team that has not
// chosen its own. They name where a factor lies, never who.
var DefaultFishboneCategories = []string{"Process", "Tooling", "Monitoring", "Communication", "Infrastructure", "Environment"}

// AnalysisItem is one item of an analysis. Which fields mean something
// depends on Kind (see docs/analysis.md); the others stay empty. Links to
// other items are by ref.
type AnalysisItem struct {
	IncidentID int64        `json:"incident_id"`
	Kind       AnalysisKind `json:"kind"`
	// Ref is the item's id in the incident ("F2"), set by the store.
	Ref string `json:"ref"`
	// Title names the item: a component or a control, a failure, a
	// problem, a factor; for a why, the answer.
	Title       string `json:"title"`
	Description string `json:"description"`

	// Component: ScopeSystem or ScopeEnvironment.
	Scope string `json:"scope,omitempty"`

	// Control and missing control: who acts on what, how, and what it
	// learns back. Controller and Process are component refs.
	Controller string `json:"controller,omitempty"`
	Process    string `json:"process,omitempty"`
	Action     string `json:"action,omitempty"`
	Feedback   string `json:"feedback,omitempty"`
	// How says how a control is meant to work.
	How string `json:"how,omitempty"`
	// CatalogID links a control to the team's catalogue entry.
	CatalogID *int64 `json:"catalog_id,omitempty"`

	// Failure: which control (ref), what it saw, why it did not act, the
	// flaws (from Flaws) and the timeline events that show it.
	Control  string   `json:"control,omitempty"`
	Saw      string   `json:"saw,omitempty"`
	Reason   string   `json:"reason,omitempty"`
	Flaws    []string `json:"flaws,omitempty"`
	Evidence []int64  `json:"evidence,omitempty"`

	// Factor: its fishbone category.
	Category string `json:"category,omitempty"`

	// Why: the ref of the why it answers; empty at the top of a tree.
	Parent string `json:"parent,omitempty"`

	// NoAction records the decision that the item needs no action item,
	// and why. An item with neither an action nor this is untraced.
	NoAction string `json:"no_action,omitempty"`
	// ActionIDs are the action items that address this item (filled on
	// read).
	ActionIDs []int64 `json:"action_ids"`

	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Analysis is the whole analysis of one incident, items in kind order then
// number.
type Analysis struct {
	IncidentID int64           `json:"incident_id"`
	Items      []*AnalysisItem `json:"items"`
	// Categories are the fishbone categories of the incident's team.
	Categories []string `json:"categories"`
}

// Item returns the item with the given ref, or nil.
func (a *Analysis) Item(ref string) *AnalysisItem {
	for _, it := range a.Items {
		if it.Ref == ref {
			return it
		}
	}
	return nil
}

// OfKind returns the items of one kind, in number order.
func (a *Analysis) OfKind(k AnalysisKind) []*AnalysisItem {
	var out []*AnalysisItem
	for _, it := range a.Items {
		if it.Kind == k {
			out = append(out, it)
		}
	}
	return out
}

// AnalysisItemUpdate changes an item. Nil fields are left as they are; the
// kind and ref never change.
type AnalysisItemUpdate struct {
	Title       *string   `json:"title"`
	Description *string   `json:"description"`
	Scope       *string   `json:"scope"`
	Controller  *string   `json:"controller"`
	Process     *string   `json:"process"`
	Action      *string   `json:"action"`
	Feedback    *string   `json:"feedback"`
	How         *string   `json:"how"`
	CatalogID   *int64    `json:"catalog_id"` // a pointer to 0 clears it
	Control     *string   `json:"control"`
	Saw         *string   `json:"saw"`
	Reason      *string   `json:"reason"`
	Flaws       *[]string `json:"flaws"`
	Evidence    *[]int64  `json:"evidence"`
	Category    *string   `json:"category"`
	Parent      *string   `json:"parent"`
	NoAction    *string   `json:"no_action"`
	Version     int64     `json:"version"`
}

// Trace is what traceability finds missing in one incident: items with
// neither an action item nor a "no action" decision, and action items that
// address no item.
type Trace struct {
	Untraced        []string `json:"untraced"`         // item refs
	UnlinkedActions []int64  `json:"unlinked_actions"` // action ids
}

// CatalogControl is an entry of a team's catalogue of safety controls: the
// control as the team knows it across incidents. Controls in analyses point
// to it by CatalogID.
type CatalogControl struct {
	ID        int64     `json:"id"`
	TeamID    int64     `json:"team_id"`
	Name      string    `json:"name"`
	Purpose   string    `json:"purpose"`
	How       string    `json:"how"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// CatalogControlUse is one incident whose analysis names a catalogue
// control, with the failures of it there (none when it held).
type CatalogControlUse struct {
	IncidentID int64      `json:"incident_id"`
	Title      string     `json:"title"`
	Severity   string     `json:"severity"`
	StartedAt  *time.Time `json:"started_at"`
	Control    string     `json:"control"`  // the control's ref in that incident
	Failures   []string   `json:"failures"` // refs of its failures there
}

// AnalysisService manages analyses.
type AnalysisService interface {
	FindAnalysis(ctx context.Context, incidentID int64) (*Analysis, error)
	CreateAnalysisItem(ctx context.Context, it *AnalysisItem) error
	UpdateAnalysisItem(ctx context.Context, incidentID int64, ref string, upd AnalysisItemUpdate) (*AnalysisItem, error)
	// DeleteAnalysisItem refuses (ECONFLICT, listing them) while action
	// items address the item, unless unlink says to remove those links.
	DeleteAnalysisItem(ctx context.Context, incidentID int64, ref string, unlink bool) error
	SetActionAddresses(ctx context.Context, incidentID, actionID int64, refs []string) (*Action, error)
	FindTrace(ctx context.Context, incidentID int64) (*Trace, error)
}
