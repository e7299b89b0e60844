package debrief

// TemplateSection is one section a template asks for.
type TemplateSection struct {
	Key      string `json:"key"`
	Title    string `json:"title"`
	Kind     string `json:"kind"`
	Optional bool   `json:"optional"`
	Guidance string `json:"guidance"`
}

// Template shapes a write-up: which sections, in which order.
type Template struct {
	Name     string            `json:"name"`
	Title    string            `json:"title"`
	Sections []TemplateSection `json:"sections"`
}

// DefaultTemplateName names the template used when none is chosen.
const DefaultTemplateName = "default"

// DefaultTemplate is Debrief's own: the sections most teams converge on, in
// the order a reader wants them.
var DefaultTemplate = Template{
	Name:  DefaultTemplateName,
	Title: "Debrief default",
	Sections: []TemplateSection{
		{Key: "summary", Title: "Summary", Kind: SectionText,
			Guidance: "One paragraph: what happened, the impact, how it ended. Written last; say nothing the rest does not support."},
		{Key: "impact", Title: "Impact", Kind: SectionText, Optional: true,
			Guidance: "Who was affected and how, per user group: duration, requests failed, customers, money."},
		{Key: "timeline", Title: "Timeline", Kind: SectionTimeline,
			Guidance: "What happened, in order, with the evidence for each event. Add events below; this text introduces them."},
		{Key: "went_well", Title: "What went well", Kind: SectionText,
			Guidance: "What helped: tools, people, habits, luck. Worth keeping."},
		{Key: "could_be_better", Title: "What could have been done better", Kind: SectionText,
			Guidance: "How it could have gone, without hindsight or blame. Not yet actions."},
		{Key: "did_not_happen", Title: "What did not happen", Kind: SectionText, Optional: true,
			Guidance: "What readers may fear but did not happen: no data lost, no breach."},
		{Key: "analysis", Title: "Analysis", Kind: SectionText,
			Guidance: "The safety controls involved, how each was meant to work, what it saw, why it did not act; systemic problems; missing controls."},
		{Key: "recommendations", Title: "Recommendations", Kind: SectionActions,
			Guidance: "Concrete, actionable changes, each traced to the analysis. Add them as action items below."},
	},
}
