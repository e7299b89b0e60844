package debrief

// The other built-in templates. Teams write retrospectives in different
// shapes; these are the common ones, so that a team can start from the one
// it knows.

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
