package postmortem

import (
	"regexp"
	"strings"

	"github.com/debrief-oss/debrief"
)

var (
	ownerRe     = regexp.MustCompile(`(?i)[(\[,;–—-]?\s*\b(?:owner|owners|assignee|assigned to|responsible|who)\s*[:=]\s*([^,;)\]]+?)\s*(?:[)\]]|[,;]|$)`)
	handleRe    = regexp.MustCompile(`(?:^|\s|\()@([A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])`)
	statusTagRe = regexp.MustCompile(`(?i)[(\[]\s*(done|completed|complete|fixed|closed|resolved|in progress|in-progress|wip|ongoing|started|planned|scheduled|todo|to do|open|not started|won't do|wont fix|won't fix|dropped|cancelled|canceled)\s*[)\]]|\s[-–—:]\s*(done|completed|in progress|wip|planned|todo|open|dropped)\.?\s*$`)
	ticketKeyRe = regexp.MustCompile(`\b[A-Z][A-Z0-9]{1,9}-\d+\b`)
	strikeRe    = regexp.MustCompile(`^~~(.+)~~$`)
	taskRe      = regexp.MustCompile(`^\[([ xX])\]\s*(.*)$`)
)

func statusOf(s string) debrief.ActionStatus {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "done", "completed", "complete", "fixed", "closed", "resolved", "x":
		return debrief.ActionDone
	case "in progress", "in-progress", "wip", "ongoing", "started", "doing":
		return debrief.ActionInProgress
	case "planned", "scheduled", "todo", "to do", "open", "not started", "backlog":
		return debrief.ActionPlanned
	case "won't do", "wont fix", "won't fix", "dropped", "cancelled", "canceled", "rejected":
		return debrief.ActionDropped
	}
	return ""
}

// actions reads action items from the recommendations sections: list
// items (task lists too) and tables.
func (p *parser) actions() {
	for _, r := range p.ranges["recommendations"] {
		for i := r[0]; i < r[1]; i++ {
			l := p.lines[i]
			if isTableRow(l) && i+1 < r[1] && tableSepRe.MatchString(p.lines[i+1]) {
				i = p.actionTable(i, r[1])
				continue
			}
			m := listItemRe.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			indent := len(strings.ReplaceAll(m[1], "\t", "    "))
			if indent >= 2 && len(p.d.Actions) > 0 {
				a := &p.d.Actions[len(p.d.Actions)-1]
				a.Description = strings.TrimSpace(a.Description + "\n" + strings.TrimSpace(m[2]))
				continue
			}
			if a, ok := actionFromText(m[2]); ok {
				p.d.Actions = append(p.d.Actions, a)
			}
		}
	}
}

// actionFromText reads one action item written as a line of text.
func actionFromText(s string) (debrief.Action, bool) {
	a := debrief.Action{Status: debrief.ActionProposed, Priority: "medium"}
	s = strings.TrimSpace(s)
	if m := taskRe.FindStringSubmatch(s); m != nil {
		if m[1] != " " {
			a.Status = debrief.ActionDone
		} else {
			a.Status = debrief.ActionPlanned
		}
		s = m[2]
	}
	if m := strikeRe.FindStringSubmatch(s); m != nil {
		s = m[1]
		a.Status = debrief.ActionDone
	}
	if m := statusTagRe.FindStringSubmatch(s); m != nil {
		tag := m[1] + m[2]
		if st := statusOf(tag); st != "" {
			a.Status = st
			s = strings.TrimSpace(strings.Replace(s, m[0], " ", 1))
		}
	}
	if m := mdLinkRe.FindStringSubmatch(s); m != nil && strings.HasPrefix(m[2], "http") {
		a.TicketURL = m[2]
	} else if u := urlRe.FindString(s); u != "" {
		a.TicketURL = strings.TrimRight(u, ".,;")
	}
	owner := ""
	if m := ownerRe.FindStringSubmatch(s); m != nil {
		owner = strings.TrimSpace(cleanInline(m[1]))
		s = strings.Replace(s, m[0], " ", 1)
	} else if m := handleRe.FindStringSubmatch(s); m != nil {
		owner = "@" + m[1]
	}
	if owner != "" {
		a.Owner = &debrief.Person{Name: owner}
	}
	title := cleanInline(s)
	if a.TicketURL != "" {
		title = strings.TrimSpace(strings.Replace(title, a.TicketURL, "", 1))
	}
	title = strings.TrimSpace(strings.Trim(strings.Join(strings.Fields(title), " "), "-–—:;, "))
	if title == "" || strings.EqualFold(title, "n/a") || strings.EqualFold(title, "none") {
		return a, false
	}
	if i := strings.Index(title, ": "); i > 0 && i < 100 && len(title) > i+2 {
		a.Description = strings.TrimSpace(title[i+2:])
		title = strings.TrimSpace(title[:i])
	}
	if len(title) > 200 {
		a.Description = title
		cut := strings.LastIndex(title[:200], " ")
		if cut < 50 {
			cut = 200
		}
		title = title[:cut] + "…"
	}
	a.Title = title
	return a, true
}

// actionTable reads a table of action items and returns the index of its
// last line.
func (p *parser) actionTable(h, b int) int {
	head := splitRow(p.lines[h])
	col := map[string]int{}
	for c, cell := range head {
		n := strings.ToLower(cleanInline(cell))
		set := func(k string) {
			if _, ok := col[k]; !ok {
				col[k] = c
			}
		}
		switch {
		case strings.Contains(n, "owner") || strings.Contains(n, "assignee") || strings.Contains(n, "who") || strings.Contains(n, "responsible"):
			set("owner")
		case strings.Contains(n, "ticket") || strings.Contains(n, "issue") || strings.Contains(n, "link") || strings.Contains(n, "jira") || strings.Contains(n, "bug"):
			set("ticket")
		case strings.Contains(n, "status") || strings.Contains(n, "state") || n == "done":
			set("status")
		case strings.Contains(n, "priority") || n == "prio":
			set("priority")
		case strings.Contains(n, "due"):
			set("due")
		case strings.Contains(n, "type") || strings.Contains(n, "kind") || n == "#" || n == "id":
			set("type")
		default:
			set("title")
		}
	}
	if _, ok := col["title"]; !ok {
		col["title"] = 0
	}
	i := h + 2
	for ; i < b && isTableRow(p.lines[i]); i++ {
		cells := splitRow(p.lines[i])
		get := func(k string) string {
			if c, ok := col[k]; ok && c < len(cells) {
				return cells[c]
			}
			return ""
		}
		a, ok := actionFromText(get("title"))
		if !ok {
			continue
		}
		if o := cleanInline(get("owner")); o != "" && a.Owner == nil {
			a.Owner = &debrief.Person{Name: o}
		}
		if t := get("ticket"); t != "" {
			if m := mdLinkRe.FindStringSubmatch(t); m != nil {
				a.TicketURL = m[2]
			} else if u := urlRe.FindString(t); u != "" {
				a.TicketURL = u
			} else if k := ticketKeyRe.FindString(t); k != "" && a.Description == "" {
				a.Description = "Ticket " + k
			}
		}
		if s := statusOf(cleanInline(get("status"))); s != "" {
			a.Status = s
		} else if strings.Contains(get("status"), "✅") {
			a.Status = debrief.ActionDone
		}
		switch strings.ToLower(cleanInline(get("priority"))) {
		case "high", "p0", "p1", "critical", "urgent":
			a.Priority = "high"
		case "low", "p3", "p4":
			a.Priority = "low"
		}
		p.d.Actions = append(p.d.Actions, a)
	}
	return i - 1
}
