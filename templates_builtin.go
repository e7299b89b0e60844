package debrief

// The other built-in templates. Teams write retrospectives in different
// shapes; these are the common ones, so that a team can start from the one
// it knows.

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

// GoogleSRETemplate follows the postmortem shape popularised by Google's SRE
// books: impact and root causes up front, then what helped and the luck.
var GoogleSRETemplate = Template{
	Name:  "google-sre",
	Title: "Google SRE style",
	Sections: []TemplateSection{
		{Key: "summary", Title: "Summary", Kind: SectionText,
			Guidance: "What happened, for how long, and who noticed, in a few sentences."},
		{Key: "impact", Title: "Impact", Kind: SectionText,
			Guidance: "Users, requests, revenue and SLOs affected; error budget spent."},
		{Key: "analysis", Title: "Root causes and trigger", Kind: SectionText,
			Guidance: "The conditions that made the incident possible, and what set it off. Usually several."},
		{Key: "detection", Title: "Detection", Kind: SectionText,
			Guidance: "How and when the problem was noticed; what would have noticed it sooner."},
		{Key: "resolution", Title: "Resolution", Kind: SectionText,
			Guidance: "What stopped the impact and what fixed it for good."},
		{Key: "recommendations", Title: "Action items", Kind: SectionActions,
			Guidance: "Each with an owner, a priority and a ticket; prevent, mitigate, or detect sooner."},
		{Key: "went_well", Title: "What went well", Kind: SectionText},
		{Key: "could_be_better", Title: "What went wrong", Kind: SectionText},
		{Key: "lucky", Title: "Where we got lucky", Kind: SectionText, Optional: true,
			Guidance: "What kept it from being worse by chance, not by design: these are risks."},
		{Key: "timeline", Title: "Timeline", Kind: SectionTimeline},
	},
}

// MinorTemplate is for small incidents, where a full write-up would cost
// more than it teaches.
var MinorTemplate = Template{
	Name:  "minor",
	Title: "Short, for minor incidents",
	Sections: []TemplateSection{
		{Key: "summary", Title: "Summary", Kind: SectionText,
			Guidance: "What happened and the impact, in one paragraph."},
		{Key: "timeline", Title: "Timeline", Kind: SectionTimeline, Optional: true},
		{Key: "analysis", Title: "Why it happened", Kind: SectionText,
			Guidance: "The conditions that allowed it; a few lines are enough."},
		{Key: "recommendations", Title: "Follow-ups", Kind: SectionActions},
	},
}

// LearningReviewTemplate is for a learning review in the style of Jeli and
// the Howie guide: the story of how we got here, as the people in it saw it.
var LearningReviewTemplate = Template{
	Name:  "learning-review",
	Title: "Learning review (how we got here)",
	Sections: []TemplateSection{
		{Key: "summary", Title: "Summary", Kind: SectionText,
			Guidance: "Written last: what the review found, for someone who reads nothing else."},
		{Key: "narrative", Title: "How we got here", Kind: SectionText,
			Guidance: "The story from the people involved: what they knew, saw and expected at each point, without hindsight."},
		{Key: "timeline", Title: "Timeline", Kind: SectionTimeline},
		{Key: "themes", Title: "Themes", Kind: SectionText,
			Guidance: "Patterns the interviews surfaced: pressures, gaps in knowledge, surprises, coordination."},
		{Key: "analysis", Title: "What made sense at the time", Kind: SectionText,
			Guidance: "Why the actions taken were reasonable given what people knew then."},
		{Key: "recommendations", Title: "Next steps", Kind: SectionActions},
		{Key: "meeting_notes", Title: "Review meeting notes", Kind: SectionText, Optional: true,
			Guidance: "Questions, parking lot, feedback on the review itself."},
	},
}

// BuiltinTemplates are the templates every Debrief has.
var BuiltinTemplates = []Template{DefaultTemplate, GoogleSRETemplate, MinorTemplate, LearningReviewTemplate}

// BuiltinTemplate returns the built-in template of that name.
func BuiltinTemplate(name string) (Template, bool) {
	for _, t := range BuiltinTemplates {
		if t.Name == name {
			return t, true
		}
	}
	return Template{}, false
}
