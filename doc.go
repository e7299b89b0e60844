// Package debrief holds the domain of an incident retrospective: incidents
// with their milestones and people, timelines, the write-up in sections, and
// action items. It imports nothing of the project, so every other package can
// depend on it and it can depend on none of them.
package debrief
