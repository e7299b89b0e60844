package app

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/debrief-oss/debrief"
)

// The audit log. Every successful change appends one entry through
// s.changed; every refusal one through s.denied. The objects are recorded
// as their JSON, so what the log shows is what the API shows: the domain
// types keep password hashes, token hashes and session secrets out of their
// JSON (json:"-"), and nothing here adds them back.
//
// The entry is appended after the change, not in its transaction (the store
// offers none across calls): when appending fails, the change stands and the
// failure is logged at error level, so an operator sees the gap. Inside
// Service.inTx (tx.go; an import) the entries of changes are written in
// the transaction, kept or rolled back with the changes, and refusals
// after it.

type addressKey struct{}

// WithAddress returns a context carrying the client's address, for audit
// entries written when there is no actor yet to carry it (a refused CSRF
// token or a tampered cookie passed to Deny, the first-admin setup, a
// logout).
func WithAddress(ctx context.Context, address string) context.Context {
	return context.WithValue(ctx, addressKey{}, address)
}

// address returns the address of a, or else the one in ctx.
func address(ctx context.Context, a *debrief.Actor) string {
	if a != nil && a.Address != "" {
		return a.Address
	}
	addr, _ := ctx.Value(addressKey{}).(string)
	return addr
}

// object names what an audit entry is about.
type object struct {
	typ        string // "incident", "event", "section", ...
	id         string
	incidentID *int64
}

func incidentObject(id int64) object {
	return object{typ: "incident", id: idString(id), incidentID: &id}
}

// inIncident names an object that belongs to an incident.
func inIncident(typ, id string, incidentID int64) object {
	return object{typ: typ, id: id, incidentID: &incidentID}
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }

// snapshot returns v as JSON for Before or After; nil for nothing.
func snapshot(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" {
		return nil
	}
	return b
}

// changed records a successful change made by a: before is the object's
// snapshot before it (nil for a creation), after the object as it is now
// (nil for a deletion).
func (s *Service) changed(ctx context.Context, a *debrief.Actor, action string, obj object, before json.RawMessage, after any) {
	s.append(ctx, a, &debrief.AuditEntry{
		Action: action, Outcome: debrief.AuditOK,
		ObjectType: obj.typ, ObjectID: obj.id, IncidentID: obj.incidentID,
		Before: before, After: snapshot(after),
	})
}

// denied records a refused attempt, saying why in detail.
func (s *Service) denied(ctx context.Context, a *debrief.Actor, action string, obj object, detail string) {
	s.append(ctx, a, &debrief.AuditEntry{
		Action: action, Outcome: debrief.AuditDenied,
		ObjectType: obj.typ, ObjectID: obj.id, IncidentID: obj.incidentID,
		Detail: detail,
	})
}

// refuse records that the policy refused a change and returns its error
// unchanged; nil passes through.
func (s *Service) refuse(ctx context.Context, a *debrief.Actor, action string, obj object, err error) error {
	if err != nil {
		s.denied(ctx, a, action, obj, debrief.ErrorMessage(err))
	}
	return err
}

func (s *Service) append(ctx context.Context, a *debrief.Actor, e *debrief.AuditEntry) {
	e.At = s.now().UTC()
	e.ActorID = a.UserID()
	e.Actor = a.Name()
	e.Address = address(ctx, a)
	if s.denials != nil && e.Outcome == debrief.AuditDenied {
		*s.denials = append(*s.denials, e)
		return
	}
	s.appendEntry(ctx, e)
}

// appendEntry writes a filled entry, logging a failure.
func (s *Service) appendEntry(ctx context.Context, e *debrief.AuditEntry) {
	// The change is made: a caller that has gone away since must not cost
	// its record.
	if err := s.store.AppendAudit(context.WithoutCancel(ctx), e); err != nil {
		s.log.ErrorContext(ctx, "audit: could not append an entry; the change it records was made",
			"action", e.Action, "outcome", e.Outcome, "object_type", e.ObjectType, "object_id", e.ObjectID,
			"actor", e.Actor, "error", err)
	}
}

// Deny records a refused attempt (bad CSRF token, tampered cookie) made in
// a transport, so that every refusal is visible in the audit log. The
// actor, if any, comes from ctx, and so does the address (the actor's, or
// one set with WithAddress). detail says what was wrong, in words; it must
// not hold the secret that was refused.
func (s *Service) Deny(ctx context.Context, action, detail string) {
	s.denied(ctx, debrief.ActorFrom(ctx), action, object{}, detail)
}

// FindAudit returns audit entries: an incident's to those who may see the
// incident, everything to organisation admins (and the system). Someone
// who may see the incident but not its restricted write-up gets the
// write-up's entries (events, sections, actions, analysis items, the
// retrospective)
// without their before and after, which would show the text.
func (s *Service) FindAudit(ctx context.Context, f debrief.AuditFilter) ([]*debrief.AuditEntry, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkPage(0, f.Limit); err != nil {
		return nil, err
	}
	if isAdmin(a) {
		return s.store.FindAudit(ctx, f)
	}
	if f.IncidentID == nil {
		return nil, debrief.Errorf(debrief.EFORBIDDEN, "Only organisation admins can read the whole audit log; an incident's is on the incident.")
	}
	inc, err := s.incident(ctx, a, *f.IncidentID)
	if err != nil {
		return nil, err
	}
	r, err := s.store.FindRetrospective(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	entries, err := s.store.FindAudit(ctx, f)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		// Where people connect from is for organisation admins only.
		e.Address = ""
	}
	if !canSeeRetrospective(a, inc, r) {
		for _, e := range entries {
			switch e.ObjectType {
			case "event", "section", "action", "retrospective", "analysis_item":
				e.Before, e.After = nil, nil
			}
		}
	}
	return entries, nil
}
