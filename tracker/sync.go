package tracker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/jobs"
	"github.com/debrief-oss/debrief/store"
)

// Job kinds.
const (
	JobCreate = "ticket.create"
	JobPull   = "ticket.pull"
	JobPoll   = "ticket.poll"
)

// Syncer runs the sync as jobs: creating tickets, pulling their state by
// polling, and applying webhooks.
type Syncer struct {
	svc     *app.Service
	clients []Client
	states  StateMap
	// PublicURL is Debrief's address, for the link back in each ticket.
	PublicURL string
	// Labels are added to every ticket (besides the clients' own).
	Labels []string
	log    *slog.Logger
	runner *jobs.Runner
	now    func() time.Time
}

// NewSyncer returns a syncer over the configured clients.
func NewSyncer(svc *app.Service, runner *jobs.Runner, states StateMap, publicURL string, log *slog.Logger, clients ...Client) *Syncer {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Syncer{svc: svc, clients: clients, states: states, PublicURL: strings.TrimSuffix(publicURL, "/"),
		Labels: []string{"debrief", "follow-up"}, log: log, runner: runner, now: time.Now}
}

// Register adds the sync's jobs to the runner, polling every poll.
func (s *Syncer) Register(poll time.Duration) {
	s.runner.Handle(JobCreate, s.create)
	s.runner.Handle(JobPull, s.pull)
	s.runner.Every(JobPoll, poll, func(ctx context.Context, r *jobs.Runner, now time.Time) error {
		return s.schedulePolls(ctx, now, poll)
	})
	// A pull's key holds its period: once the period is over it cannot be
	// scheduled again, so a day is plenty. Creations are kept longer, as
	// the record that the ticket was asked for.
	s.runner.Prune(JobPull, 24*time.Hour)
	s.runner.Prune(JobCreate, 90*24*time.Hour)
}

func (s *Syncer) client(name string) Client {
	for _, c := range s.clients {
		if c.Name() == name {
			return c
		}
	}
	return nil
}

func (s *Syncer) clientFor(key string) Client {
	for _, c := range s.clients {
		if c.Owns(key) {
			return c
		}
	}
	return nil
}

// sys is the sync's actor: the system.
func sys(ctx context.Context) context.Context { return debrief.WithActor(ctx, debrief.SystemActor) }

type itemRef struct {
	IncidentID int64  `json:"incident_id"`
	ActionID   int64  `json:"action_id"`
	Tracker    string `json:"tracker,omitempty"`
}

// Queue is app.TicketQueue: one creation job per item, whoever asks twice.
func (s *Syncer) Queue(ctx context.Context, incidentID, id int64, tracker string) error {
	if tracker == "" && len(s.clients) == 1 {
		tracker = s.clients[0].Name()
	}
	if s.client(tracker) == nil {
		return debrief.FieldError("tracker", "%q is not a tracker configured here.", tracker)
	}
	_, err := s.runner.Enqueue(ctx, JobCreate, fmt.Sprintf("%s:%d", JobCreate, id), itemRef{incidentID, id, tracker}, s.now())
	return err
}

// create files the ticket for an item, with a link back, its labels and
// its definition of done.
func (s *Syncer) create(ctx context.Context, j *store.Job) error {
	var ref itemRef
	if err := json.Unmarshal(j.Payload, &ref); err != nil {
		return jobs.Permanent(err)
	}
	ctx = sys(ctx)
	a, err := s.svc.FindActionByID(ctx, ref.IncidentID, ref.ActionID)
	if debrief.ErrorCode(err) == debrief.ENOTFOUND {
		return nil // deleted meanwhile: nothing to file
	} else if err != nil {
		return err
	}
	if a.TicketURL != "" {
		return nil // made already
	}
	c := s.client(ref.Tracker)
	if c == nil {
		return jobs.Permanent(fmt.Errorf("tracker %q is not configured", ref.Tracker))
	}
	inc, err := s.svc.FindIncidentByID(ctx, a.IncidentID)
	if err != nil {
		return err
	}
	nt := s.newTicket(inc, a)
	var t Ticket
	found := false
	if j.Attempts > 1 {
		// An earlier attempt may have made the ticket and lost the answer
		// (a time-out after the request reached the tracker): take that
		// one rather than file a second.
		within := max(s.now().Sub(j.CreatedAt), 0) + findMargin
		if t, found, err = c.Find(ctx, nt.Marker, within); err != nil {
			return s.failed(ctx, a, err)
		}
		if found {
			s.log.Info("tracker: the ticket an earlier attempt made is taken, not filed again", "action", a.ID, "ticket", t.Key)
		}
	}
	note := ""
	if found {
		note = fmt.Sprintf("Ticket %s found in %s: an earlier attempt made it but its answer was lost; not filed again", t.Key, c.Name())
	} else if t, err = c.Create(ctx, nt); err != nil {
		return s.failed(ctx, a, err)
	}
	_, err = s.svc.ApplyTicketSync(ctx, a.IncidentID, a.ID, app.TicketSync{Tracker: c.Name(), URL: t.URL, Key: t.Key,
		State: t.State, Status: s.states.Map(c.Name(), t), UpdatedAt: t.UpdatedAt, Note: note})
	return err
}

// findMargin widens the window a retry searches, for clocks that disagree
// between Debrief and the tracker.
const findMargin = time.Hour

func (s *Syncer) newTicket(inc *debrief.Incident, a *debrief.Action) NewTicket {
	var b strings.Builder
	if a.Description != "" {
		b.WriteString(a.Description + "\n\n")
	}
	if a.DefinitionOfDone != "" {
		b.WriteString("Definition of done: " + a.DefinitionOfDone + "\n\n")
	}
	back := fmt.Sprintf("%s/incidents/%d#action-%d", s.PublicURL, inc.ID, a.ID)
	fmt.Fprintf(&b, "A recommendation from the retrospective of incident #%d, %q: %s\n\n", inc.ID, inc.Title, back)
	b.WriteString("Filed by Debrief; its status is kept in step with this ticket.")
	labels := append([]string{}, s.Labels...)
	if a.Priority != "" {
		labels = append(labels, "priority:"+a.Priority)
	}
	return NewTicket{Title: a.Title, Body: b.String(), Labels: labels, Marker: back}
}

// failed marks the item "sync pending" with why, and tells the runner
// whether and when to try again.
func (s *Syncer) failed(ctx context.Context, a *debrief.Action, err error) error {
	var te *Error
	reason := err.Error()
	switch {
	case errors.As(err, &te) && te.Temporary:
		if te.RetryAfter > 0 {
			reason += fmt.Sprintf("; retrying in %s", te.RetryAfter.Round(time.Second))
		} else {
			reason += "; retrying with backoff"
		}
	default:
		reason += "; not retried: fix it and ask again"
	}
	if perr := s.svc.MarkSyncPending(ctx, a.IncidentID, a.ID, reason); perr != nil {
		s.log.Error("tracker: could not mark the item sync pending", "action", a.ID, "error", perr)
	}
	s.log.Warn("tracker: sync failed", "action", a.ID, "error", err)
	switch {
	case te != nil && te.Temporary && te.RetryAfter > 0:
		return jobs.RetryAfter(err, te.RetryAfter)
	case te != nil && te.Temporary:
		return err
	}
	return jobs.Permanent(err)
}

// pull reads one item's ticket and applies it.
func (s *Syncer) pull(ctx context.Context, j *store.Job) error {
	var ref itemRef
	if err := json.Unmarshal(j.Payload, &ref); err != nil {
		return jobs.Permanent(err)
	}
	ctx = sys(ctx)
	a, err := s.svc.FindActionByID(ctx, ref.IncidentID, ref.ActionID)
	if debrief.ErrorCode(err) == debrief.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	c := s.clientFor(a.TicketKey)
	if c == nil {
		return nil // a ticket in a tracker not configured here
	}
	t, err := c.Get(ctx, a.TicketKey)
	if err != nil {
		return s.failed(ctx, a, err)
	}
	return s.apply(ctx, c, a, t)
}

// apply records ticket t for item a, and moves the ticket when Debrief is
// ahead.
func (s *Syncer) apply(ctx context.Context, c Client, a *debrief.Action, t Ticket) error {
	res, err := s.svc.ApplyTicketSync(ctx, a.IncidentID, a.ID, app.TicketSync{Tracker: c.Name(), State: t.State,
		Status: s.states.Map(c.Name(), t), UpdatedAt: t.UpdatedAt})
	if err != nil {
		return err
	}
	if !res.Push {
		return nil
	}
	moved, err := c.Move(ctx, a.TicketKey, res.Action.Status)
	if err != nil {
		return s.failed(ctx, res.Action, err)
	}
	_, err = s.svc.ApplyTicketSync(ctx, a.IncidentID, a.ID, app.TicketSync{Tracker: c.Name(), State: moved.State,
		Status: res.Action.Status, UpdatedAt: moved.UpdatedAt})
	return err
}

// schedulePolls queues one pull per item with a ticket per poll period;
// the period in the key keeps it once per period across instances.
func (s *Syncer) schedulePolls(ctx context.Context, now time.Time, poll time.Duration) error {
	ctx = sys(ctx)
	period := now.Truncate(poll).UTC().Format(time.RFC3339)
	f := debrief.ActionFilter{Limit: store.MaxLimit}
	for {
		items, total, err := s.svc.FindActions(ctx, f)
		if err != nil {
			return err
		}
		for _, a := range items {
			if a.TicketKey == "" || s.clientFor(a.TicketKey) == nil {
				continue
			}
			if _, err := s.runner.Enqueue(ctx, JobPull, fmt.Sprintf("%s:%d:%s", JobPull, a.ID, period),
				itemRef{IncidentID: a.IncidentID, ActionID: a.ID}, now); err != nil {
				return err
			}
		}
		f.Offset += len(items)
		if len(items) == 0 || f.Offset >= total {
			return nil
		}
	}
}
