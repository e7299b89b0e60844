package app

import (
	"regexp"
	"strings"
)

// Declared is the moment someone decided "this is an incident" and said
// so: a person's decision, not a machine's. The evidence shows it only
// when a message says it, so the rule reads the words:
//
//   - "declare" (declared, declaring) with what was declared: an
//     incident, a SEV or P level, a major incident, an outage
//     ("Declaring a SEV2", "Incident declared through statuspage.io",
//     "@ellen declared an incident");
//   - an incident said to be opened, created or raised ("Incident opened
//     by FireHydrant", "Major incident raised");
//   - an incident tool's command ("/incident declare", "/incident new").
//
// Not a declaration: an alert or a page (PagerDuty calls the page an
// incident, but it is detection: the first alert is already proposed as
// detected), a status page's "Investigating" (communication), and an end
// said with the same word ("declared resolved", "incident closed"), or a
// denial ("not declared", "no need to declare").
var (
	declaredRE = regexp.MustCompile(`\bdeclar(?:e|ed|es|ing)\b[^.!?\n]{0,40}?\b(?:incidents?|sev ?[0-5]|p[0-4]|major|outage)\b` +
		`|\b(?:incident|sev ?[0-5]|p[0-4]|outage)\b[^.!?\n]{0,30}?\b(?:declared|opened|created|raised)\b` +
		`|/incident\s+(?:declare|new|open|create|start)\b`)
	notDeclaredRE = regexp.MustCompile(`\bdeclared?\s+(?:as\s+|it\s+|the\s+incident\s+)?(?:resolved|over|closed|mitigated|ended|fixed|finished|done|cleared)\b` +
		`|\b(?:not|no|never|without|don't|didn't|won't|isn't|wasn't)\b[^.!?\n]{0,20}\bdeclar`)
)

// declaresIncident reports whether a message (lower case) says an
// incident was declared.
func declaresIncident(low string) bool {
	low = strings.ReplaceAll(low, "’", "'")
	return declaredRE.MatchString(low) && !notDeclaredRE.MatchString(low)
}
