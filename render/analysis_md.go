package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/debrief-oss/debrief"
)

// The analysis in the Markdown export: every item with its id, what it
// names, its decision or the action items that address it, and what
// traceability finds missing. The diagrams are SVG files; Markdown can
// only link them, so they are shown when the caller saves them next to the
// document and names them in MarkdownOptions.

// MarkdownOptions changes what Markdown writes.
type MarkdownOptions struct {
	// ControlStructureSVG and FishboneSVG are the names (relative links)
	// of the diagrams saved next to the document; empty leaves them out.
	ControlStructureSVG string
	FishboneSVG         string
	// TimelineSVG names the timeline's picture saved next to the
	// document, shown at the head of the timeline; empty leaves it out.
	TimelineSVG string
}

// MarkdownWith is Markdown with options.
func MarkdownWith(w io.Writer, rep *debrief.Report, opts MarkdownOptions) error {
	return writeMarkdown(w, rep, opts)
}

// hasAnalysis says whether rep carries analysis items.
func hasAnalysis(rep *debrief.Report) bool {
	return rep.Analysis != nil && len(rep.Analysis.Items) > 0
}

// kindHeadings are the sub-headings of the analysis, by kind.
var kindHeadings = map[debrief.AnalysisKind]string{
	debrief.KindComponent: "System boundary",
	debrief.KindControl:   "Safety controls",
	debrief.KindFailure:   "How safety controls failed",
	debrief.KindSystemic:  "Systemic problems",
	debrief.KindMissing:   "Missing safety controls",
	debrief.KindFactor:    "Contributing factors",
	debrief.KindWhy:       "Five whys",
}

// writeAnalysisMD writes the analysis items under level-3 headings.
func writeAnalysisMD(bw *bufio.Writer, rep *debrief.Report, opts MarkdownOptions) {
	an := rep.Analysis
	actionNo := map[int64]int{}
	for i, a := range rep.Actions {
		actionNo[a.ID] = i + 1
	}
	eventText := map[int64]string{}
	for _, ev := range rep.Events {
		eventText[ev.ID] = Time(ev.At, rep.Incident.Location()) + " " + oneLine(ev.Text)
	}
	title := func(ref string) string {
		if it := an.Item(ref); it != nil {
			return fmt.Sprintf("**%s** %s", ref, oneLine(it.Title))
		}
		return ref
	}
	answer := func(it *debrief.AnalysisItem) string {
		var nos []string
		for _, id := range it.ActionIDs {
			if n, ok := actionNo[id]; ok {
				nos = append(nos, fmt.Sprintf("#%d", n))
			}
		}
		switch {
		case len(nos) > 0:
			return " → addressed by action " + strings.Join(nos, ", ")
		case it.NoAction != "":
			return " → no action: " + oneLine(it.NoAction)
		}
		return ""
	}
	if opts.ControlStructureSVG != "" && len(an.OfKind(debrief.KindComponent)) > 0 {
		fmt.Fprintf(bw, "![Control structure](<%s>)\n\n", opts.ControlStructureSVG)
	}
	for _, k := range debrief.AnalysisKinds {
		items := an.OfKind(k)
		if len(items) == 0 {
			continue
		}
		fmt.Fprintf(bw, "### %s\n\n", kindHeadings[k])
		if k == debrief.KindFactor && opts.FishboneSVG != "" {
			fmt.Fprintf(bw, "![Fishbone](<%s>)\n\n", opts.FishboneSVG)
		}
		if k == debrief.KindWhy {
			writeWhys(bw, an, items, "", 0, answer)
			bw.WriteString("\n")
			continue
		}
		for _, it := range items {
			fmt.Fprintf(bw, "- **%s** %s", it.Ref, oneLine(it.Title))
			var parts []string
			add := func(label, v string) {
				if v = strings.TrimSpace(v); v != "" {
					parts = append(parts, label+oneLine(v))
				}
			}
			switch k {
			case debrief.KindComponent:
				parts = append(parts, it.Scope)
			case debrief.KindControl, debrief.KindMissing:
				if it.Controller != "" || it.Process != "" {
					parts = append(parts, title(it.Controller)+" → "+title(it.Process))
				}
				add("action: ", it.Action)
				add("feedback: ", it.Feedback)
				add("how it works: ", it.How)
			case debrief.KindFailure:
				add("control: ", title(it.Control))
				add("saw: ", it.Saw)
				add("why it did not act: ", it.Reason)
				if len(it.Flaws) > 0 {
					labels := make([]string, len(it.Flaws))
					for i, f := range it.Flaws {
						labels[i] = Label(f)
					}
					parts = append(parts, "flaws: "+strings.Join(labels, ", "))
				}
				for _, ev := range it.Evidence {
					if t, ok := eventText[ev]; ok {
						parts = append(parts, "evidence: "+t)
					}
				}
			case debrief.KindFactor:
				add("category: ", it.Category)
			}
			if len(parts) > 0 {
				fmt.Fprintf(bw, " (%s)", strings.Join(parts, "; "))
			}
			bw.WriteString(answer(it) + "\n")
			if d := strings.TrimSpace(it.Description); d != "" {
				fmt.Fprintf(bw, "  %s\n", indentMore(d))
			}
		}
		bw.WriteString("\n")
	}
	writeTrace(bw, rep, actionNo)
}

// writeWhys writes a five-whys tree as a nested list.
func writeWhys(bw *bufio.Writer, an *debrief.Analysis, all []*debrief.AnalysisItem, parent string, depth int, answer func(*debrief.AnalysisItem) string) {
	if depth > len(all) {
		return // a loop the store would have refused; never write forever
	}
	for _, w := range all {
		if w.Parent != parent {
			continue
		}
		fmt.Fprintf(bw, "%s- **%s** %s%s\n", strings.Repeat("  ", depth), w.Ref, oneLine(w.Title), answer(w))
		writeWhys(bw, an, all, w.Ref, depth+1, answer)
	}
}

// writeTrace lists what traceability finds missing.
func writeTrace(bw *bufio.Writer, rep *debrief.Report, actionNo map[int64]int) {
	var untraced []string
	hasChild := map[string]bool{}
	for _, it := range rep.Analysis.Items {
		if it.Parent != "" {
			hasChild[it.Parent] = true
		}
	}
	for _, it := range rep.Analysis.Items {
		switch it.Kind {
		case debrief.KindComponent, debrief.KindControl:
			continue
		case debrief.KindWhy:
			if hasChild[it.Ref] {
				continue
			}
		}
		if len(it.ActionIDs) == 0 && it.NoAction == "" {
			untraced = append(untraced, it.Ref)
		}
	}
	var unlinked []string
	for _, a := range rep.Actions {
		if len(a.Addresses) == 0 {
			unlinked = append(unlinked, fmt.Sprintf("#%d", actionNo[a.ID]))
		}
	}
	if len(untraced) == 0 && len(unlinked) == 0 {
		return
	}
	bw.WriteString("### Traceability\n\n")
	if len(untraced) > 0 {
		fmt.Fprintf(bw, "- Items with neither an action nor a decision: %s\n", strings.Join(untraced, ", "))
	}
	if len(unlinked) > 0 {
		fmt.Fprintf(bw, "- Action items that address no item of the analysis: %s\n", strings.Join(unlinked, ", "))
	}
	bw.WriteString("\n")
}
