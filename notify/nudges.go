package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/jobs"
	"github.com/debrief-oss/debrief/store"
)

// Job kinds.
const (
	JobSchedule = "nudge.schedule"
	JobReminder = "nudge.reminder"
	JobDigest   = "nudge.digest"
)

// Nudger schedules and sends reminders and digests.
type Nudger struct {
	svc    *app.Service
	runner *jobs.Runner
	// Mail and Hook are the channels; either may be nil.
	Mail *Mailer
	Hook *Webhook
	// PublicURL is Debrief's address, for links.
	PublicURL string
	// ReminderDays: a reminder goes this many days before the due date.
	ReminderDays int
	// DueSoonDays: a digest lists items due within this many days.
	DueSoonDays int
	// The weekly digests go on DigestDay, from DigestHour (UTC).
	DigestDay  time.Weekday
	DigestHour int
	log        *slog.Logger
}

// NewNudger returns a nudger with the usual settings: reminders three days
// ahead, digests on Monday from 08:00 UTC listing what is due within a week.
func NewNudger(svc *app.Service, runner *jobs.Runner, mail *Mailer, hook *Webhook, publicURL string, log *slog.Logger) *Nudger {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Nudger{svc: svc, runner: runner, Mail: mail, Hook: hook, PublicURL: strings.TrimSuffix(publicURL, "/"),
		ReminderDays: 3, DueSoonDays: 7, DigestDay: time.Monday, DigestHour: 8, log: log}
}

// Register adds the nudges' jobs; every is how often each instance looks
// for what is due (their keys keep each nudge single).
func (n *Nudger) Register(every time.Duration) {
	n.runner.Handle(JobReminder, n.sendReminder)
	n.runner.Handle(JobDigest, n.sendDigest)
	n.runner.Every(JobSchedule, every, func(ctx context.Context, r *jobs.Runner, now time.Time) error {
		return n.Schedule(ctx, now)
	})
	// A reminder's key can come back only while its due date is within
	// ReminderDays; a digest's only in its week. Keep them well beyond.
	n.runner.Prune(JobReminder, time.Duration(n.ReminderDays+30)*24*time.Hour)
	n.runner.Prune(JobDigest, 30*24*time.Hour)
}

func (n *Nudger) channels() []string {
	var out []string
	if n.Mail != nil {
		out = append(out, "email")
	}
	if n.Hook != nil {
		out = append(out, "webhook")
	}
	return out
}

type nudgeRef struct {
	Channel    string `json:"channel"`
	IncidentID int64  `json:"incident_id,omitempty"`
	ActionID   int64  `json:"action_id,omitempty"`
	DueDate    string `json:"due_date,omitempty"`
	OwnerID    int64  `json:"owner_id,omitempty"`
	Team       string `json:"team,omitempty"`
	Week       string `json:"week,omitempty"`
}

func sysCtx(ctx context.Context) context.Context { return debrief.WithActor(ctx, debrief.SystemActor) }

// openItems lists open items matching f, all pages.
func (n *Nudger) openItems(ctx context.Context, f debrief.ActionFilter) ([]*debrief.Action, error) {
	f.Limit, f.ByDue = store.MaxLimit, true
	var all []*debrief.Action
	for {
		items, total, err := n.svc.FindActions(ctx, f)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		f.Offset += len(items)
		if len(items) == 0 || f.Offset >= total {
			return all, nil
		}
	}
}

// Schedule enqueues the reminders and digests due at now, once each per
// channel: a reminder per item and due date, a digest per owner and team
// and ISO week.
func (n *Nudger) Schedule(ctx context.Context, now time.Time) error {
	ctx = sysCtx(ctx)
	now = now.UTC()
	today := now.Format(time.DateOnly)
	horizon := now.AddDate(0, 0, n.ReminderDays).Format(time.DateOnly)
	items, err := n.openItems(ctx, debrief.ActionFilter{FollowupFilter: debrief.FollowupFilter{DueBefore: &horizon}})
	if err != nil {
		return err
	}
	for _, a := range items {
		if a.DueDate < today || a.OwnerID == nil {
			continue // overdue items are in the digests; unowned ones have no one to remind
		}
		for _, ch := range n.channels() {
			key := fmt.Sprintf("%s:%s:%d:%s", JobReminder, ch, a.ID, a.DueDate)
			ref := nudgeRef{Channel: ch, IncidentID: a.IncidentID, ActionID: a.ID, DueDate: a.DueDate}
			if _, err := n.runner.Enqueue(ctx, JobReminder, key, ref, now); err != nil {
				return err
			}
		}
	}
	if now.Weekday() != n.DigestDay || now.Hour() < n.DigestHour {
		return nil
	}
	y, w := now.ISOWeek()
	week := fmt.Sprintf("%d-W%02d", y, w)
	soon := now.AddDate(0, 0, n.DueSoonDays).Format(time.DateOnly)
	items, err = n.openItems(ctx, debrief.ActionFilter{FollowupFilter: debrief.FollowupFilter{DueBefore: &soon}})
	if err != nil {
		return err
	}
	owners, teams := map[int64]bool{}, map[string]bool{}
	incTeam := map[int64]string{}
	for _, a := range items {
		if a.OwnerID != nil {
			owners[*a.OwnerID] = true
		}
		team, ok := incTeam[a.IncidentID]
		if !ok {
			inc, err := n.svc.FindIncidentByID(ctx, a.IncidentID)
			if err != nil {
				return err
			}
			team, incTeam[a.IncidentID] = inc.Team, inc.Team
		}
		teams[team] = true
	}
	for _, ch := range n.channels() {
		for id := range owners {
			key := fmt.Sprintf("%s:%s:%s:owner:%d", JobDigest, ch, week, id)
			if _, err := n.runner.Enqueue(ctx, JobDigest, key, nudgeRef{Channel: ch, OwnerID: id, Week: week}, now); err != nil {
				return err
			}
		}
		for team := range teams {
			key := fmt.Sprintf("%s:%s:%s:team:%s", JobDigest, ch, week, team)
			if _, err := n.runner.Enqueue(ctx, JobDigest, key, nudgeRef{Channel: ch, Team: team, Week: week}, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// Item is an action item as the nudges show it.
type Item struct {
	ID         int64  `json:"id"`
	IncidentID int64  `json:"incident_id"`
	Incident   string `json:"incident"`
	Title      string `json:"title"`
	Owner      string `json:"owner"`
	Status     string `json:"status"`
	Priority   string `json:"priority"`
	DueDate    string `json:"due_date"`
	Overdue    bool   `json:"overdue"`
	URL        string `json:"url"`
	Ticket     string `json:"ticket,omitempty"`
}

func (n *Nudger) item(ctx context.Context, a *debrief.Action) Item {
	it := Item{ID: a.ID, IncidentID: a.IncidentID, Title: a.Title, Status: string(a.Status), Priority: a.Priority,
		DueDate: a.DueDate, Overdue: a.Overdue, Ticket: a.TicketURL,
		URL: fmt.Sprintf("%s/incidents/%d#action-%d", n.PublicURL, a.IncidentID, a.ID)}
	if a.Owner != nil {
		it.Owner = a.Owner.Name
	}
	if inc, err := n.svc.FindIncidentByID(ctx, a.IncidentID); err == nil {
		it.Incident = inc.Title
	}
	return it
}

func (n *Nudger) sendReminder(ctx context.Context, j *store.Job) error {
	var ref nudgeRef
	if err := json.Unmarshal(j.Payload, &ref); err != nil {
		return jobs.Permanent(err)
	}
	ctx = sysCtx(ctx)
	a, err := n.svc.FindActionByID(ctx, ref.IncidentID, ref.ActionID)
	if debrief.ErrorCode(err) == debrief.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if !a.Status.IsOpen() || a.DueDate != ref.DueDate || a.Owner == nil {
		return nil // done, re-dated or unowned since: no reminder is due
	}
	it := n.item(ctx, a)
	subject := fmt.Sprintf("Reminder: %q is due on %s", a.Title, a.DueDate)
	switch ref.Channel {
	case "email":
		if a.Owner.Email == "" {
			return nil
		}
		body := fmt.Sprintf("Hello %s,\n\nthe follow-up you own is due on %s:\n\n  %s\n  from the retrospective of %q\n  %s\n\n"+
			"If it cannot be done by then, change its date or drop it with the reason, so the team knows.\n\n-- Debrief\n",
			a.Owner.Name, a.DueDate, a.Title, it.Incident, it.URL)
		return n.Mail.Send(ctx, []string{a.Owner.Email}, subject, body)
	case "webhook":
		return n.Hook.Post(ctx, "reminder", j.Key, map[string]any{"event": "reminder", "sent_at": time.Now().UTC(), "item": it})
	}
	return jobs.Permanent(fmt.Errorf("unknown channel %q", ref.Channel))
}

// Digest is what a weekly digest holds.
type Digest struct {
	Event   string `json:"event"`
	Week    string `json:"week"`
	Owner   string `json:"owner,omitempty"`
	Team    string `json:"team,omitempty"`
	Overdue []Item `json:"overdue"`
	DueSoon []Item `json:"due_soon"`
}

func (n *Nudger) sendDigest(ctx context.Context, j *store.Job) error {
	var ref nudgeRef
	if err := json.Unmarshal(j.Payload, &ref); err != nil {
		return jobs.Permanent(err)
	}
	ctx = sysCtx(ctx)
	now := time.Now().UTC()
	soon := now.AddDate(0, 0, n.DueSoonDays).Format(time.DateOnly)
	f := debrief.ActionFilter{FollowupFilter: debrief.FollowupFilter{DueBefore: &soon}}
	d := Digest{Event: "digest", Week: ref.Week, Overdue: []Item{}, DueSoon: []Item{}}
	var to []string
	if ref.OwnerID != 0 {
		f.OwnerID = &ref.OwnerID
		p, err := n.svc.FindPersonByID(ctx, ref.OwnerID)
		if err != nil {
			return err
		}
		d.Owner = p.Name
		if p.Email != "" {
			to = []string{p.Email}
		}
	} else {
		f.Team, d.Team = &ref.Team, ref.Team
		emails, err := n.teamEmails(ctx, ref.Team)
		if err != nil {
			return err
		}
		to = emails
	}
	items, err := n.openItems(ctx, f)
	if err != nil {
		return err
	}
	for _, a := range items {
		if a.Overdue {
			d.Overdue = append(d.Overdue, n.item(ctx, a))
		} else {
			d.DueSoon = append(d.DueSoon, n.item(ctx, a))
		}
	}
	if len(d.Overdue)+len(d.DueSoon) == 0 {
		return nil
	}
	switch ref.Channel {
	case "email":
		who := d.Owner
		if who == "" {
			who = "team " + d.Team
		}
		return n.Mail.Send(ctx, to, fmt.Sprintf("Follow-ups for %s: %d overdue, %d due soon", who, len(d.Overdue), len(d.DueSoon)), digestText(who, &d))
	case "webhook":
		return n.Hook.Post(ctx, "digest", j.Key, d)
	}
	return jobs.Permanent(fmt.Errorf("unknown channel %q", ref.Channel))
}

// teamEmails are the addresses of a team's editors and admins.
func (n *Nudger) teamEmails(ctx context.Context, slug string) ([]string, error) {
	t, err := n.svc.FindTeamBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	ms, err := n.svc.FindMembers(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	users, _, err := n.svc.FindUsers(ctx, store.UserFilter{Limit: store.MaxLimit})
	if err != nil {
		return nil, err
	}
	email := map[int64]string{}
	for _, u := range users {
		if !u.Disabled {
			email[u.ID] = u.Email
		}
	}
	var out []string
	for _, m := range ms {
		if m.Role.Includes(debrief.RoleEditor) && email[m.UserID] != "" {
			out = append(out, email[m.UserID])
		}
	}
	sort.Strings(out)
	return out, nil
}

func digestText(who string, d *Digest) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Follow-ups for %s, week %s.\n", who, d.Week)
	section := func(title string, items []Item) {
		if len(items) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s (%d):\n", title, len(items))
		for _, it := range items {
			owner := it.Owner
			if owner == "" {
				owner = "no owner"
			}
			fmt.Fprintf(&b, "- %s (due %s, %s, %s)\n  %s\n", it.Title, it.DueDate, owner, it.Incident, it.URL)
		}
	}
	section("Overdue", d.Overdue)
	section("Due soon", d.DueSoon)
	b.WriteString("\nDone, re-dated or dropped with a reason: each keeps the retrospective honest.\n\n-- Debrief\n")
	return b.String()
}
