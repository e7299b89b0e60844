package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/debrief-oss/debrief"
)

// Markdown writes the retrospective as one Markdown document a person would
// send: title, a metadata table, every section in the template's order (empty
// optional ones left out), the timeline as a list in the incident's zone, and
// the action items as a table. Hidden events are never written.
func Markdown(w io.Writer, rep *debrief.Report) error {
	return writeMarkdown(w, rep, MarkdownOptions{})
}

func writeMarkdown(w io.Writer, rep *debrief.Report, opts MarkdownOptions) error {
	bw := bufio.NewWriter(w)
	inc, retro := rep.Incident, rep.Retrospective
	loc := inc.Location()

	fmt.Fprintf(bw, "# %s\n\n", oneLine(inc.Title))
	fmt.Fprint(bw, "| | |\n|---|---|\n")
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(bw, "| %s | %s |\n", k, cell(v))
		}
	}
	row("Incident", fmt.Sprintf("#%d", inc.ID))
	row("Severity", inc.Severity)
	row("Status", Label(string(inc.Status)))
	row("Services", strings.Join(inc.Services, ", "))
	row("Team", inc.Team)
	row("Incident commander", PersonName(inc.Commander))
	var responders []string
	for _, r := range inc.Responders {
		responders = append(responders, fmt.Sprintf("%s, %s", PersonName(r.Person), r.Role))
	}
	row("Responders", strings.Join(responders, "; "))
	if retro != nil {
		row("Retrospective writer", PersonName(retro.Writer))
		row("Retrospective status", Label(string(retro.Status)))
	}
	for _, name := range debrief.MilestoneNames {
		if t := inc.Milestones.Get(name); t != nil {
			row(Label(name), Time(*t, loc))
		}
	}
	for _, d := range inc.Milestones.Durations() {
		if d.Known {
			row(d.Name, Duration(d.Value))
		}
	}
	bw.WriteString("\n")

	var sections []*debrief.Section
	if retro != nil {
		sections = retro.Sections
	}
	var wroteTimeline, wroteActions, wroteAnalysis bool
	for _, s := range sections {
		body := strings.TrimSpace(s.Body)
		switch s.Kind {
		case debrief.SectionTimeline:
			wroteTimeline = true
			fmt.Fprintf(bw, "## %s\n\n", oneLine(s.Title))
			if body != "" {
				fmt.Fprintf(bw, "%s\n\n", body)
			}
			writeTimeline(bw, rep, opts)
		case debrief.SectionActions:
			wroteActions = true
			fmt.Fprintf(bw, "## %s\n\n", oneLine(s.Title))
			if body != "" {
				fmt.Fprintf(bw, "%s\n\n", body)
			}
			writeActions(bw, rep)
		default:
			if body == "" && s.Optional {
				continue
			}
			fmt.Fprintf(bw, "## %s\n\n", oneLine(s.Title))
			if body == "" {
				body = "_Not written yet._"
			}
			fmt.Fprintf(bw, "%s\n\n", body)
		}
		if s.Key == "analysis" && !wroteAnalysis && hasAnalysis(rep) {
			wroteAnalysis = true
			writeAnalysisMD(bw, rep, opts)
		}
	}
	// A template without a timeline or actions section still exports them:
	// the evidence and the follow-ups are never dropped.
	if !wroteTimeline && len(rep.Events) > 0 {
		bw.WriteString("## Timeline\n\n")
		writeTimeline(bw, rep, opts)
	}
	if !wroteActions && (len(rep.Actions) > 0 || len(rep.Linked) > 0) {
		bw.WriteString("## Action items\n\n")
		writeActions(bw, rep)
	}
	if !wroteAnalysis && hasAnalysis(rep) {
		bw.WriteString("## Analysis\n\n")
		writeAnalysisMD(bw, rep, opts)
	}
	return bw.Flush()
}

func writeTimeline(bw *bufio.Writer, rep *debrief.Report, opts MarkdownOptions) {
	loc := rep.Incident.Location()
	if opts.TimelineSVG != "" {
		for _, ev := range rep.Events {
			if !ev.Hidden {
				fmt.Fprintf(bw, "![Timeline](<%s>)\n\n", opts.TimelineSVG)
				break
			}
		}
	}
	var shown int
	for _, ev := range rep.Events {
		if ev.Hidden {
			continue
		}
		shown++
		star := ""
		if ev.Starred {
			star = " ★"
		}
		fmt.Fprintf(bw, "- **%s**%s %s", Time(ev.At, loc), star, indentMore(ev.Text))
		var src []string
		if ev.Author != "" {
			src = append(src, ev.Author)
		}
		if ev.Source != "" && ev.Source != "manual" {
			src = append(src, ev.Source)
		}
		if len(src) > 0 || ev.URL != "" {
			label := strings.Join(src, ", ")
			if ev.URL != "" {
				if label == "" {
					label = "link"
				}
				label = fmt.Sprintf("[%s](<%s>)", label, ev.URL)
			}
			fmt.Fprintf(bw, " (%s)", label)
		}
		bw.WriteString("\n")
	}
	if shown == 0 {
		bw.WriteString("_No events yet._\n")
	}
	bw.WriteString("\n")
}

func writeActions(bw *bufio.Writer, rep *debrief.Report) {
	if len(rep.Actions) == 0 {
		bw.WriteString("_No action items yet._\n\n")
		writeLinked(bw, rep)
		return
	}
	bw.WriteString("| # | Action | Owner | Priority | Due | Status | Ticket |\n|---|---|---|---|---|---|---|\n")
	for i, a := range rep.Actions {
		title := a.Title
		if a.DefinitionOfDone != "" {
			title += " (done when: " + a.DefinitionOfDone + ")"
		}
		fmt.Fprintf(bw, "| %d | %s | %s | %s | %s | %s | %s |\n", i+1, cell(title),
			cell(PersonName(a.Owner)), Label(a.Priority), a.DueDate, cell(actionStatus(a, rep.Incident.Location())), ticketLink(a))
	}
	bw.WriteString("\n")
	writeLinked(bw, rep)
}

// cell makes text safe inside a Markdown table cell: one line, pipes escaped.
func cell(s string) string {
	return strings.ReplaceAll(oneLine(s), "|", `\|`)
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// indentMore keeps a multi-line event text inside its list item.
func indentMore(s string) string {
	return strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n  ")
}
