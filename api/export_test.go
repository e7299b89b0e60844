package api

import (
	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
)

// DecodeTargets names the request bodies Decode can fill, for the fuzz test.
var DecodeTargets = []string{
	"incident", "incident-patch", "event", "event-patch", "retrospective-patch",
	"section", "section-patch", "action", "action-patch", "person", "person-patch",
	"token", "user", "user-patch", "team", "team-patch", "member",
}

// Decode runs the body decoder on body for the named request, as a handler
// would, so the fuzz test can drive it without a server.
func Decode(body []byte, target string) error {
	var dst any
	switch target {
	case "incident":
		dst = new(incidentCreate)
	case "incident-patch":
		dst = new(incidentPatch)
	case "event":
		dst = new(eventCreate)
	case "event-patch":
		dst = new(debrief.EventUpdate)
	case "retrospective-patch":
		dst = new(debrief.RetrospectiveUpdate)
	case "section":
		dst = new(sectionCreate)
	case "section-patch":
		dst = new(debrief.SectionUpdate)
	case "action":
		dst = new(actionCreate)
	case "action-patch":
		dst = new(debrief.ActionUpdate)
	case "person":
		dst = new(personCreate)
	case "person-patch":
		dst = new(debrief.PersonUpdate)
	case "token":
		dst = new(tokenCreate)
	case "user":
		dst = new(userCreate)
	case "user-patch":
		dst = new(app.UserUpdate)
	case "team":
		dst = new(teamCreate)
	case "team-patch":
		dst = new(app.TeamUpdate)
	case "member":
		dst = new(memberPut)
	default:
		panic("api: no decode target " + target)
	}
	return decode(body, dst)
}
