package debrief

// Report is everything one incident's retrospective shows: the incident,
// its write-up, its timeline in time order and its action items. Exports and
// pages are rendered from one Report, so every version says the same thing.
type Report struct {
	Incident      *Incident      `json:"incident"`
	Retrospective *Retrospective `json:"retrospective"`
	Events        []*Event       `json:"events"`
	Actions       []*Action      `json:"actions"`
	// Analysis is the structured analysis (analysis.go); nil or empty when
	// there is none.
	Analysis *Analysis `json:"analysis,omitempty"`
	// Linked are the action items of other incidents this retrospective
	// links as recurring (followup.go), those the reader may see; shown,
	// not owned: exports list them, imports leave them.
	Linked []*Action `json:"linked_actions,omitempty"`
}
