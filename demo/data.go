package demo

import "github.com/debrief-oss/debrief"

var demoPeople = []debrief.Person{
	{Name: "Ellen Carter", Handle: "ellen", Email: "ellen.carter@example.com"},
	{Name: "Marco Moretti", Handle: "marco", Email: "marco.moretti@example.com"},
	{Name: "Wei Chen", Handle: "wei", Email: "wei.chen@example.com"},
	{Name: "Amira Nasser", Handle: "amira", Email: "amira.nasser@example.com"},
}

func event(hhmm, kind, source, author, text string) debrief.Event {
	return debrief.Event{At: *at(hhmm), Kind: kind, Source: source, Author: author, Text: text}
}

var demoEvents = []debrief.Event{
	func() debrief.Event {
		e := event("07:55", debrief.EventNote, "change calendar", "marco",
			"Change CHG-2114 starts: move the main ingress from Traefik v1 to Traefik v2, announced in #announcements the day before.")
		e.URL = "https://changes.example.com/CHG-2114"
		return e
	}(),
	func() debrief.Event {
		e := event("08:22", debrief.EventDeploy, "terraform", "marco",
			"AWS load balancers updated to route requests to the new Traefik v2 reverse proxy.")
		e.Starred = true
		return e
	}(),
	event("08:23", debrief.EventAlert, "alb access logs", "",
		"HTTP 307 responses from the Okta callback path rise from about 2 a minute to about 380 a minute. Nothing alerts on it; found afterwards in the logs."),
	event("08:31", debrief.EventMessage, "slack #cloud-engineering", "marco",
		"Traefik v2 serves all ingress traffic; the 5xx rate is flat."),
	func() debrief.Event {
		e := event("08:44", debrief.EventMessage, "slack #announcements", "marco",
			"Functional tests pass; migration reported done on Slack.")
		e.Starred = true
		return e
	}(),
	func() debrief.Event {
		e := event("09:05", debrief.EventMessage, "slack #random", "bot",
			"Reminder: stand-up in 10 minutes.")
		e.Hidden = true
		return e
	}(),
	func() debrief.Event {
		e := event("09:26", debrief.EventMessage, "slack #dev-help", "wei",
			"A developer reports a high count of HTTP 307 redirects, in particular on the Okta service.")
		e.Starred = true
		return e
	}(),
	event("09:26", debrief.EventNote, "slack #dev-help", "marco",
		"Cloud Engineering and the developer start investigating together."),
	func() debrief.Event {
		e := event("09:32", debrief.EventPage, "pagerduty", "customer service",
			"Customer service pages: the online booking system is down.")
		e.URL = "https://example.pagerduty.com/incidents/Q2X8ZT1"
		e.Starred = true
		return e
	}(),
	event("09:35", debrief.EventMilestone, "slack #inc-2021-08-26-booking", "ellen",
		"Incident declared, SEV2; Ellen takes command, Amira takes communications."),
	event("09:41", debrief.EventNote, "slack #inc-2021-08-26-booking", "marco",
		"Requests reaching the Okta callback carry `X-Forwarded-Proto: http` instead of `https`: the login redirects back to itself."),
	func() debrief.Event {
		e := event("09:48", debrief.EventAction, "slack #inc-2021-08-26-booking", "ellen",
			"Decision: rollback takes priority over investigation. Load balancers pointed back at Traefik v1.")
		e.Starred = true
		return e
	}(),
	event("09:49", debrief.EventMilestone, "grafana", "wei",
		"Service operational: bookings succeed again and the 307 rate is back to normal."),
	event("09:55", debrief.EventMessage, "status page", "amira",
		"Status page updated: online booking restored; a review will follow."),
	event("10:00", debrief.EventNote, "zoom", "marco",
		"Deep dive with the Okta team starts."),
	event("11:40", debrief.EventNote, "zoom", "marco",
		"Found: Traefik v2 did not trust the load balancers' `X-Forwarded-*` headers (no `forwardedHeaders.trustedIPs` on the entry point), so it replaced `X-Forwarded-Proto: https` with `http`."),
}

var demoSections = map[string]string{
	"summary": "On 26 August 2021 the main Kubernetes ingress was moved from Traefik v1 to Traefik v2. " +
		"Traefik v2 was not configured to trust the `X-Forwarded-*` headers set by the AWS load balancers, " +
		"so requests reached Okta as plain HTTP and the sign-in flow redirected in a loop. Every service " +
		"that signs users in through Okta was affected, and online booking was down for customers for " +
		"87 minutes, from 10:22 to 11:49 Copenhagen time. Rolling back to Traefik v1 restored service; " +
		"the configuration was fixed before the migration was tried again.",
	"impact": "| Who | What they saw | For how long |\n|---|---|---|\n" +
		"| Customers booking online | Sign-in looped; no booking could be completed | 87 minutes |\n" +
		"| Staff using Okta-protected tools | Could not sign in; existing sessions kept working | 87 minutes |\n" +
		"| Other services behind the ingress | No impact: they do not use the Okta flow | — |\n",
	"timeline": "Times are shown in Copenhagen time (CEST, UTC+02:00); the original postmortem gives them in UTC. " +
		"Starred events are the ones the story turns on.",
	"went_well": "- Once the developer and Cloud Engineering compared notes, the cause was narrowed to the ingress within minutes.\n" +
		"- The incident commander chose to roll back before the investigation was finished; service came back one minute later.\n" +
		"- The rollback path (pointing the load balancers back at Traefik v1) had been kept ready for exactly this.",
	"could_be_better": "- The redirect storm started the moment traffic moved, but nothing watched for it: detection took 64 minutes and came from a developer, not from monitoring.\n" +
		"- The functional tests after the migration did not sign in through Okta, so they passed while sign-in was broken.\n" +
		"- The migration announcement was one message among many in a busy channel; teams owning Okta-protected services did not know to watch.",
	"did_not_happen": "- No data was lost and no booking was charged twice: the loop stopped before payment.\n" +
		"- No credentials or tokens were exposed; the redirect loop stayed within Okta's own flow.",
	"analysis": "**Safety controls involved**\n\n" +
		"1. *Pre-migration header comparison* (C1): meant to catch differences in what the new proxy forwards. " +
		"Headers were compared, but `X-Forwarded-Proto` was checked on a request that did not pass through the " +
		"load balancer, so the change from `https` to `http` was not visible.\n" +
		"2. *Post-migration functional tests* (C2): meant to show the platform works after a change. They " +
		"exercised anonymous paths only; the model of \"working\" did not include signing in.\n" +
		"3. *Application monitoring by each team* (C3): every team is responsible for watching its service " +
		"after critical changes. The booking team did not know the change was happening: the information " +
		"arrived late and in a noisy channel.\n\n" +
		"**Systemic problems**\n\n" +
		"- Critical platform changes are announced the same way as routine ones, so the teams who must watch " +
		"are not reliably told.\n" +
		"- Nothing measures redirect rates, a signal that is normal in small numbers and alarming in large ones.\n\n" +
		"**Missing safety controls**\n\n" +
		"- A synthetic sign-in check through the real load balancer, paging on failure or on a redirect loop.",
	"recommendations": "Each recommendation names the control it strengthens (C1–C3) or the missing one it adds.",
}

func demoActions(person func(string) *int64) []*debrief.Action {
	return []*debrief.Action{
		{
			Title:            "Trust the load balancers' forwarded headers in Traefik v2",
			Description:      "Set `forwardedHeaders.trustedIPs` on the web and websecure entry points to the ALB subnets (C1).",
			DefinitionOfDone: "Requests through the ALB reach services with `X-Forwarded-Proto: https`; covered by a test in the ingress repository.",
			OwnerID:          person("marco"), Priority: "high", DueDate: "2021-08-30",
			Status: debrief.ActionDone, TicketURL: "https://tracker.example.com/browse/CE-1412",
		},
		{
			Title:            "Page on a failing synthetic sign-in through Okta",
			Description:      "A synthetic check signs in through the public load balancer every minute and pages the ingress owner on failure or more than 3 redirects (missing control).",
			DefinitionOfDone: "The check runs in production and a test page reached the on-call engineer.",
			OwnerID:          person("wei"), Priority: "high", DueDate: "2021-09-15",
			Status: debrief.ActionInProgress, TicketURL: "https://tracker.example.com/browse/CE-1413",
		},
		{
			Title:            "Add a through-the-load-balancer header diff to the ingress migration runbook",
			Description:      "Capture request headers as seen by a test service behind the ALB before and after, and diff them (C1).",
			DefinitionOfDone: "The runbook has the step with the commands; the next ingress change uses it.",
			OwnerID:          person("marco"), Priority: "medium", DueDate: "2021-09-30",
			Status: debrief.ActionPlanned,
		},
		{
			Title:            "Announce critical platform changes in #platform-changes with owner acknowledgement",
			Description:      "Critical changes get their own channel; owners of affected services acknowledge before the change window (C3).",
			DefinitionOfDone: "Channel exists, the change process links to it, and the last three critical changes were acknowledged there.",
			OwnerID:          person("ellen"), Priority: "medium", DueDate: "2021-10-15",
			Status: debrief.ActionProposed,
		},
		{
			Title:      "Tell teams which new load balancers to test against before a migration",
			OwnerID:    person("ellen"),
			Priority:   "low",
			Status:     debrief.ActionDropped,
			DroppedBy:  "the review meeting", // not "system", the demo's loader
			DropReason: "Would not have helped here: online booking sits behind CloudFront, so testing the new load balancer directly would have bypassed the broken path. The announcement change covers the rest.",
		},
	}
}

const creditsBody = "This example is adapted from DFDS's public postmortem PM2021-008, " +
	"\"Kubernetes ingress controller Traefik v2 configuration caused outage\" " +
	"([github.com/dfds/postmortems](https://github.com/dfds/postmortems), MIT licence, Copyright (c) 2019 DFDS). " +
	"Its timeline and durations are theirs; the people are fictional, and the analysis and follow-ups were written for this example."
