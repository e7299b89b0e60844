package format

import (
	"bufio"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/debrief-oss/debrief"
)

// The analysis in the file: after the line <!-- analysis -->, one bullet
// per item, "- REF Title", and its fields indented by two spaces like an
// action item's. It goes in the section whose key is "analysis" (after the
// body), or at the end of the file under "## Analysis items" when there is
// no such section. Evidence names timeline events by their position in the
// file's timeline (1 is the first event). See docs/format.md.

const analysisMarker = "<!-- analysis -->"

// analysisSection is the key of the section the analysis is written in.
const analysisSection = "analysis"

// itemFields are the field names of an item in the file, in the order they
// are written, with the kinds each applies to (nil: every kind).
var itemFields = []struct {
	name  string
	kinds []debrief.AnalysisKind
	multi bool // may span lines
}{
	{"scope", []debrief.AnalysisKind{debrief.KindComponent}, false},
	{"controller", []debrief.AnalysisKind{debrief.KindControl, debrief.KindMissing}, false},
	{"process", []debrief.AnalysisKind{debrief.KindControl, debrief.KindMissing}, false},
	{"action", []debrief.AnalysisKind{debrief.KindControl, debrief.KindMissing}, true},
	{"feedback", []debrief.AnalysisKind{debrief.KindControl, debrief.KindMissing}, true},
	{"how", []debrief.AnalysisKind{debrief.KindControl, debrief.KindMissing}, true},
	{"control", []debrief.AnalysisKind{debrief.KindFailure}, false},
	{"saw", []debrief.AnalysisKind{debrief.KindFailure}, true},
	{"reason", []debrief.AnalysisKind{debrief.KindFailure}, true},
	{"flaws", []debrief.AnalysisKind{debrief.KindFailure}, false},
	{"evidence", []debrief.AnalysisKind{debrief.KindFailure}, false},
	{"category", []debrief.AnalysisKind{debrief.KindFactor}, false},
	{"parent", []debrief.AnalysisKind{debrief.KindWhy}, false},
	{"no action", nil, true},
	{"description", nil, true},
}

// itemValue returns the text of field name of it; evidence is written with
// pos, the position of each event id in the timeline.
func itemValue(it *debrief.AnalysisItem, name string, pos map[int64]int) string {
	switch name {
	case "scope":
		return it.Scope
	case "controller":
		return it.Controller
	case "process":
		return it.Process
	case "action":
		return it.Action
	case "feedback":
		return it.Feedback
	case "how":
		return it.How
	case "control":
		return it.Control
	case "saw":
		return it.Saw
	case "reason":
		return it.Reason
	case "flaws":
		return strings.Join(it.Flaws, ", ")
	case "evidence":
		var ps []string
		for _, id := range it.Evidence {
			// Evidence among events left out of the file (hidden ones in
			// an export without them) is left out with them.
			if p, ok := pos[id]; ok {
				ps = append(ps, strconv.Itoa(p))
			}
		}
		return strings.Join(ps, ", ")
	case "category":
		return it.Category
	case "parent":
		return it.Parent
	case "no action":
		return it.NoAction
	case "description":
		return it.Description
	}
	return ""
}

func setItemValue(it *debrief.AnalysisItem, name, v string) {
	switch name {
	case "scope":
		it.Scope = v
	case "controller":
		it.Controller = v
	case "process":
		it.Process = v
	case "action":
		it.Action = v
	case "feedback":
		it.Feedback = v
	case "how":
		it.How = v
	case "control":
		it.Control = v
	case "saw":
		it.Saw = v
	case "reason":
		it.Reason = v
	case "category":
		it.Category = v
	case "parent":
		it.Parent = v
	case "no action":
		it.NoAction = v
	case "description":
		it.Description = v
	}
}

// hasAnalysis says whether rep has analysis items to write.
func hasAnalysis(rep *debrief.Report) bool {
	return rep.Analysis != nil && len(rep.Analysis.Items) > 0
}

// writeAnalysis writes the marker, head (a heading, or nothing inside the
// analysis section) and the items.
func writeAnalysis(bw *bufio.Writer, rep *debrief.Report, head string) error {
	pos := map[int64]int{}
	for i, ev := range rep.Events {
		if ev.ID != 0 {
			pos[ev.ID] = i + 1
		}
	}
	bw.WriteString(analysisMarker + "\n")
	bw.WriteString(head)
	for _, it := range rep.Analysis.Items {
		if _, ok := debrief.KindOfRef(it.Ref); !ok {
			return fmt.Errorf("format: analysis item %q: not a ref such as F2", it.Ref)
		}
		title := canonField(it.Title)
		if strings.Contains(title, "\n") {
			return fmt.Errorf("format: analysis item %s: title has more than one line", it.Ref)
		}
		line := "- " + it.Ref
		if title != "" {
			line += " " + title
		}
		bw.WriteString(line + "\n")
		for _, f := range itemFields {
			v := canonField(itemValue(it, f.name, pos))
			if !f.multi && strings.Contains(v, "\n") {
				return fmt.Errorf("format: analysis item %s: %s has more than one line", it.Ref, f.name)
			}
			field(bw, f.name, v)
		}
	}
	bw.WriteString("\n")
	return nil
}

var itemLineRE = regexp.MustCompile(`^- ((?:CF|[BCFSMW])[1-9][0-9]*)(?: (.*))?$`)

// itemRead is an item being read, with the lines of its fields for errors.
type itemRead struct {
	it    *debrief.AnalysisItem
	ln    int
	vals  map[string][]string
	lines map[string]int
}

// analysis reads the items after an analysis marker.
func (p *parser) analysis() ([]*itemRead, error) {
	var items []*itemRead
	var cur *itemRead
	key := ""
	for ; p.i < len(p.lines) && !atBoundary(p.lines[p.i]); p.i++ {
		ln, line := p.i+1, p.lines[p.i]
		switch {
		case strings.HasPrefix(line, "- "):
			m := itemLineRE.FindStringSubmatch(line)
			if m == nil {
				return nil, p.errf(ln, "analysis: want an item as \"- REF Title\" with a ref such as B1, C2, F1, S1, M1, CF1 or W1")
			}
			kind, _ := debrief.KindOfRef(m[1])
			cur = &itemRead{it: &debrief.AnalysisItem{Kind: kind, Ref: m[1], Title: canonField(m[2])}, ln: ln,
				vals: map[string][]string{}, lines: map[string]int{}}
			items = append(items, cur)
			key = ""
		case strings.TrimSpace(line) == "":
			if cur != nil && key != "" {
				cur.vals[key] = append(cur.vals[key], "")
			}
		case cur != nil && key != "" && strings.HasPrefix(line, "    "):
			cur.vals[key] = append(cur.vals[key], line[4:])
		case cur != nil && strings.HasPrefix(line, "  ") && line[2] != ' ':
			k, v, ok := strings.Cut(line[2:], ":")
			i := slices.IndexFunc(itemFields, func(f struct {
				name  string
				kinds []debrief.AnalysisKind
				multi bool
			}) bool {
				return f.name == k
			})
			if !ok || i < 0 {
				names := make([]string, len(itemFields))
				for j, f := range itemFields {
					names[j] = f.name
				}
				return nil, p.errf(ln, "analysis: %s: want one of %s followed by a colon", cur.it.Ref, strings.Join(names, ", "))
			}
			if ks := itemFields[i].kinds; ks != nil && !slices.Contains(ks, cur.it.Kind) {
				return nil, p.errf(ln, "analysis: %s: %s does not apply to a %s", cur.it.Ref, k, cur.it.Kind)
			}
			if _, dup := cur.lines[k]; dup {
				return nil, p.errf(ln, "analysis: %s: %s given twice", cur.it.Ref, k)
			}
			cur.lines[k] = ln
			cur.vals[k] = []string{strings.TrimPrefix(v, " ")}
			key = k
		case cur == nil && len(items) == 0 && isHeading(line, "##"):
			// The heading of an analysis written without an analysis section.
		default:
			return nil, p.errf(ln, "want an analysis item (- REF Title) or a field line indented by two spaces")
		}
	}
	for _, r := range items {
		for _, f := range itemFields {
			v := canonField(strings.Join(r.vals[f.name], "\n"))
			if !f.multi && strings.Contains(v, "\n") {
				return nil, p.errf(r.lines[f.name], "analysis: %s: %s must be one line", r.it.Ref, f.name)
			}
			switch f.name {
			case "flaws":
				for _, fl := range splitList(v) {
					if !slices.Contains(debrief.Flaws, fl) {
						return nil, p.errf(r.lines[f.name], "analysis: %s: unknown flaw %q (want %s)", r.it.Ref, fl, strings.Join(debrief.Flaws, ", "))
					}
					r.it.Flaws = append(r.it.Flaws, fl)
				}
			case "evidence":
				for _, s := range splitList(v) {
					n, err := strconv.Atoi(s)
					if err != nil || n < 1 {
						return nil, p.errf(r.lines[f.name], "analysis: %s: evidence %q is not an event's position in the timeline (1 is the first)", r.it.Ref, s)
					}
					r.it.Evidence = append(r.it.Evidence, int64(n))
				}
			case "scope":
				if v != "" && v != debrief.ScopeSystem && v != debrief.ScopeEnvironment {
					return nil, p.errf(r.lines[f.name], "analysis: %s: scope is %q (want system or environment)", r.it.Ref, v)
				}
				setItemValue(r.it, f.name, v)
			default:
				setItemValue(r.it, f.name, v)
			}
		}
	}
	return items, nil
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// checkAnalysis checks, once the whole file is read, what the analysis
// names: refs of items of the right kind, events on the timeline, no why
// below itself, and the refs action items address.
func (p *parser) checkAnalysis(items []*itemRead, events int, actionLines map[*debrief.Action]int, actions []*debrief.Action) error {
	kinds := map[string]debrief.AnalysisKind{}
	for _, r := range items {
		if _, dup := kinds[r.it.Ref]; dup {
			return p.errf(r.ln, "analysis: %s appears twice", r.it.Ref)
		}
		kinds[r.it.Ref] = r.it.Kind
	}
	parent := map[string]string{}
	for _, r := range items {
		for _, w := range []struct {
			name, ref string
			kind      debrief.AnalysisKind
		}{
			{"controller", r.it.Controller, debrief.KindComponent},
			{"process", r.it.Process, debrief.KindComponent},
			{"control", r.it.Control, debrief.KindControl},
			{"parent", r.it.Parent, debrief.KindWhy},
		} {
			if w.ref == "" {
				continue
			}
			k, ok := kinds[w.ref]
			if !ok {
				return p.errf(r.lines[w.name], "analysis: %s: %s names %s, which is not in the analysis", r.it.Ref, w.name, w.ref)
			}
			if k != w.kind {
				return p.errf(r.lines[w.name], "analysis: %s: %s names %s, a %s; want a %s", r.it.Ref, w.name, w.ref, k, w.kind)
			}
		}
		for _, n := range r.it.Evidence {
			if int(n) > events {
				return p.errf(r.lines["evidence"], "analysis: %s: evidence %d, but the timeline has %d events", r.it.Ref, n, events)
			}
		}
		parent[r.it.Ref] = r.it.Parent
	}
	for _, r := range items {
		seen := map[string]bool{r.it.Ref: true}
		for cur := parent[r.it.Ref]; cur != ""; cur = parent[cur] {
			if seen[cur] {
				return p.errf(r.lines["parent"], "analysis: %s: its parents lead back to itself (a why cannot be its own cause)", r.it.Ref)
			}
			seen[cur] = true
		}
	}
	for _, a := range actions {
		for _, ref := range a.Addresses {
			if _, ok := kinds[ref]; !ok {
				return p.errf(actionLines[a], "action: addresses %s, which is not in the analysis", ref)
			}
		}
	}
	return nil
}
