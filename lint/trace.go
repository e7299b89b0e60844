package lint

import (
	"slices"

	"github.com/debrief-oss/debrief"
)

// tracedKinds name a problem, so a recommendation or a decision must
// answer each of them. Components and controls describe the system; a why
// needs an answer only at the bottom of its chain.
var tracedKinds = []debrief.AnalysisKind{debrief.KindFailure, debrief.KindSystemic, debrief.KindMissing, debrief.KindFactor, debrief.KindWhy}

// checkTrace holds the recommendations and the analysis to each other:
// every action item addresses at least one analysis item, and every
// problem the analysis names has an action item or a recorded decision not
// to act. A retrospective without a structured analysis (an analysis in
// prose only) is not judged here: there is nothing to trace to.
func checkTrace(c *checker) {
	an := c.rep.Analysis
	if an == nil || len(an.Items) == 0 {
		return
	}
	// Which actions address something: by the refs an action lists (a
	// file) or by the ids an item lists (a stored incident).
	addressedIDs := map[int64]bool{}
	answered := map[string]bool{}
	for _, it := range an.Items {
		for _, id := range it.ActionIDs {
			addressedIDs[id] = true
			answered[it.Ref] = true
		}
	}
	for i, a := range c.rep.Actions {
		for _, ref := range a.Addresses {
			answered[ref] = true
		}
		if len(a.Addresses) > 0 || (a.ID != 0 && addressedIDs[a.ID]) || a.Status == debrief.ActionDropped {
			continue
		}
		l := c.actionLoc(i)
		l.Field = "addresses"
		c.add(l, "%q addresses no item of the analysis", short(a.Title))
	}
	parents := map[string]bool{}
	for _, it := range an.Items {
		if it.Kind == debrief.KindWhy && it.Parent != "" {
			parents[it.Parent] = true
		}
	}
	for _, it := range an.Items {
		if !slices.Contains(tracedKinds, it.Kind) || answered[it.Ref] || it.NoAction != "" {
			continue
		}
		if it.Kind == debrief.KindWhy && parents[it.Ref] {
			continue // answered further down its chain
		}
		c.add(Location{Section: "analysis", Field: it.Ref}, "%s %q has no action item and no recorded decision not to act", it.Ref, short(it.Title))
	}
}
