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
}
