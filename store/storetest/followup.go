package storetest

import (
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

// The follow-through of action items: its columns, history, links and the
// board's filters, including visibility decided in SQL.

func testActionFollowupColumns(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Follow")
	verified := base.Add(48 * time.Hour)
	a := &debrief.Action{
		IncidentID: inc.ID, Title: "Add a canary", Priority: "high", Status: debrief.ActionDone,
		ClosedAt: &base, VerifiedAt: &verified, VerifiedBy: "Ada", VerifiedNote: "No repeat in a month.",
		TicketURL: "https://acme.atlassian.net/browse/OPS-123", TicketKey: "OPS-123",
		SyncState: debrief.SyncPending, SyncError: "tracker answered 503", SyncedAt: &base,
	}
	ch := &debrief.ActionChange{Actor: "Ada", ActorID: ptr(int64(7)), ToStatus: debrief.ActionDone, Note: "made"}
	noErr(t, s.CreateActionLogged(ctx, a, ch), "CreateActionLogged")
	if a.ClosedAt == nil || !a.ClosedAt.Equal(micro(base)) || a.ClosedAt.Location() != time.UTC {
		t.Fatalf("ClosedAt %v", a.ClosedAt)
	}
	if a.TicketKey != "OPS-123" || a.SyncState != debrief.SyncPending || a.VerifiedNote == "" || a.LinkedIncidentIDs == nil {
		t.Fatalf("created: %s", dump(a))
	}
	got, err := s.FindActionByID(ctx, inc.ID, a.ID)
	noErr(t, err, "FindActionByID")
	same(t, got, a, "found")

	// An update keeps the columns it is given and appends to the history.
	got.Status, got.DropReason, got.DroppedBy = debrief.ActionDropped, "Superseded by OPS-200.", "Review meeting"
	got.VerifiedAt, got.VerifiedBy, got.VerifiedNote, got.SyncState, got.SyncError = nil, "", "", debrief.SyncOK, ""
	ch2 := &debrief.ActionChange{Actor: "Bob", FromStatus: debrief.ActionDone, ToStatus: debrief.ActionDropped,
		Changes: []debrief.FieldChange{{Field: "status", From: "done", To: "dropped"}}, Note: "not needed"}
	noErr(t, s.UpdateActionLogged(ctx, got, ch2), "UpdateActionLogged")
	if got.DroppedBy != "Review meeting" || got.VerifiedAt != nil || got.SyncState != debrief.SyncOK || got.Version != 2 {
		t.Fatalf("updated: %s", dump(got))
	}
	// A stale update writes neither the row nor a history entry.
	stale := *got
	stale.Version = 1
	wantCode(t, s.UpdateActionLogged(ctx, &stale, &debrief.ActionChange{Actor: "Cy"}), debrief.ECONFLICT, "stale update")

	hist, err := s.FindActionHistory(ctx, inc.ID, a.ID)
	noErr(t, err, "FindActionHistory")
	if len(hist) != 2 {
		t.Fatalf("history: %s", dump(hist))
	}
	if hist[0].Actor != "Ada" || *hist[0].ActorID != 7 || hist[0].ToStatus != debrief.ActionDone || hist[0].Note != "made" ||
		hist[0].ActionID != a.ID || hist[0].IncidentID != inc.ID || len(hist[0].Changes) != 0 {
		t.Fatalf("first entry: %s", dump(hist[0]))
	}
	same(t, hist[1].Changes, ch2.Changes, "second entry's changes")
	if hist[1].ActorID != nil || hist[1].At.Location() != time.UTC || hist[1].FromStatus != debrief.ActionDone {
		t.Fatalf("second entry: %s", dump(hist[1]))
	}
	// Plain CreateAction and UpdateAction write no history.
	b := newAction(t, s, inc.ID, "No history")
	noErr(t, s.UpdateAction(ctx, b), "UpdateAction")
	hist, err = s.FindActionHistory(ctx, inc.ID, b.ID)
	noErr(t, err, "FindActionHistory")
	if len(hist) != 0 {
		t.Fatalf("history of a plain update: %s", dump(hist))
	}
	_, err = s.FindActionHistory(ctx, inc.ID, b.ID+100)
	wantCode(t, err, debrief.ENOTFOUND, "history of a missing action")
}

func testActionLinks(t *testing.T, s store.Store) {
	ctx := t.Context()
	first := newIncident(t, s, "First")
	second := newIncident(t, s, "Second")
	third := newIncident(t, s, "Third")
	a := newAction(t, s, first.ID, "Tracking: flaky DNS")
	other := newAction(t, s, first.ID, "Not recurring")

	noErr(t, s.LinkAction(ctx, third.ID, a.ID), "LinkAction third")
	noErr(t, s.LinkAction(ctx, second.ID, a.ID), "LinkAction second")
	noErr(t, s.LinkAction(ctx, second.ID, a.ID), "LinkAction twice")
	wantCode(t, s.LinkAction(ctx, 9999, a.ID), debrief.ENOTFOUND, "LinkAction from a missing incident")
	wantCode(t, s.LinkAction(ctx, second.ID, 9999), debrief.ENOTFOUND, "LinkAction of a missing action")

	got, err := s.FindActionByID(ctx, first.ID, a.ID)
	noErr(t, err, "FindActionByID")
	same(t, got.LinkedIncidentIDs, []int64{second.ID, third.ID}, "linked incidents")
	linked, n, err := s.FindActions(ctx, debrief.ActionFilter{FollowupFilter: debrief.FollowupFilter{LinkedTo: &second.ID}})
	noErr(t, err, "FindActions linked")
	if n != 1 || actionTitles(linked)[0] != a.Title {
		t.Fatalf("linked to second: %s", dump(linked))
	}
	all, _, err := s.FindActions(ctx, debrief.ActionFilter{IncidentID: &first.ID})
	noErr(t, err, "FindActions")
	same(t, all[0].LinkedIncidentIDs, []int64{second.ID, third.ID}, "links in a list")
	same(t, all[1].LinkedIncidentIDs, []int64{}, "no links in a list")
	_ = other

	noErr(t, s.UnlinkAction(ctx, third.ID, a.ID), "UnlinkAction")
	wantCode(t, s.UnlinkAction(ctx, third.ID, a.ID), debrief.ENOTFOUND, "UnlinkAction twice")
	// Deleting a linking incident removes its link, not the action.
	noErr(t, s.DeleteIncident(ctx, second.ID), "DeleteIncident")
	got, err = s.FindActionByID(ctx, first.ID, a.ID)
	noErr(t, err, "FindActionByID after delete")
	same(t, got.LinkedIncidentIDs, []int64{}, "links after the linking incident is gone")
}

func testActionBoardFilters(t *testing.T, s store.Store) {
	ctx := t.Context()
	pay := newIncident(t, s, "Payments down", func(i *debrief.Incident) {
		i.Team, i.Severity, i.Services, i.Visibility = "payments", "SEV1", []string{"checkout", "ledger"}, debrief.VisibleToTeam
	})
	payOpen := newIncident(t, s, "Payments slow", func(i *debrief.Incident) {
		i.Team, i.Severity, i.Services, i.Visibility = "payments", "SEV3", []string{"ledger"}, debrief.VisibleToOrganization
	})
	sec := newIncident(t, s, "Security", func(i *debrief.Incident) {
		i.Team, i.Severity, i.Services, i.Visibility = "security", "SEV2", []string{"auth"}, debrief.VisibleToOrganization
	})
	set := func(prio, due string, st debrief.ActionStatus, ticket string) func(*debrief.Action) {
		return func(a *debrief.Action) { a.Priority, a.DueDate, a.Status, a.TicketKey = prio, due, st, ticket }
	}
	newAction(t, s, pay.ID, "p-late", set("high", "2025-03-01", debrief.ActionPlanned, "OPS-1"))
	newAction(t, s, pay.ID, "p-done-late", set("high", "2025-03-01", debrief.ActionDone, ""))
	newAction(t, s, payOpen.ID, "po-soon", set("medium", "2025-03-20", debrief.ActionInProgress, ""))
	newAction(t, s, payOpen.ID, "po-undated", set("low", "", debrief.ActionProposed, ""))
	secA := newAction(t, s, sec.ID, "s-late", set("low", "2025-02-01", debrief.ActionProposed, ""),
		func(a *debrief.Action) { a.TicketURL = "https://github.com/acme/auth/issues/12" })

	ff := func(f debrief.FollowupFilter) debrief.ActionFilter { return debrief.ActionFilter{FollowupFilter: f} }
	today := "2025-03-14"
	ada := newUser(t, s, "Ada", "ada@example.com")
	cases := []struct {
		name string
		f    debrief.ActionFilter
		want []string
	}{
		{"team", ff(debrief.FollowupFilter{Team: ptr("payments")}), []string{"p-late", "p-done-late", "po-soon", "po-undated"}},
		{"priority", ff(debrief.FollowupFilter{Priority: ptr("high")}), []string{"p-late", "p-done-late"}},
		{"severity", ff(debrief.FollowupFilter{Severity: ptr("SEV3")}), []string{"po-soon", "po-undated"}},
		{"service", ff(debrief.FollowupFilter{Service: ptr("ledger")}), []string{"p-late", "p-done-late", "po-soon", "po-undated"}},
		{"service of one", ff(debrief.FollowupFilter{Service: ptr("checkout")}), []string{"p-late", "p-done-late"}},
		{"overdue", ff(debrief.FollowupFilter{Overdue: ptr(true), Today: today}), []string{"p-late", "s-late"}},
		{"not overdue", ff(debrief.FollowupFilter{Overdue: ptr(false), Today: today}), []string{"p-done-late", "po-soon", "po-undated"}},
		{"overdue in a team", ff(debrief.FollowupFilter{Overdue: ptr(true), Today: today, Team: ptr("payments")}), []string{"p-late"}},
		{"due before", ff(debrief.FollowupFilter{DueBefore: ptr("2025-03-20")}), []string{"p-late", "po-soon", "s-late"}},
		{"ticket key", ff(debrief.FollowupFilter{Ticket: ptr("OPS-1")}), []string{"p-late"}},
		{"ticket url", ff(debrief.FollowupFilter{Ticket: ptr(secA.TicketURL)}), []string{"s-late"}},
		{"ticket unknown", ff(debrief.FollowupFilter{Ticket: ptr("OPS-999")}), []string{}},
		{"by due", ff(debrief.FollowupFilter{ByDue: true}), []string{"s-late", "p-late", "p-done-late", "po-soon", "po-undated"}},
		// Visibility: a member of payments sees both payments incidents and
		// the security one, which is open to the organisation.
		{"visible to payments", ff(debrief.FollowupFilter{Visible: &debrief.ActionVisibility{Teams: []string{"payments"}, UserID: ada.ID}}),
			[]string{"p-late", "p-done-late", "po-soon", "po-undated", "s-late"}},
		{"visible to nobody's team", ff(debrief.FollowupFilter{Visible: &debrief.ActionVisibility{UserID: ada.ID}}),
			[]string{"po-soon", "po-undated", "s-late"}},
		{"visible with a page", debrief.ActionFilter{Limit: 1, Offset: 1, FollowupFilter: debrief.FollowupFilter{Visible: &debrief.ActionVisibility{UserID: ada.ID}}},
			[]string{"po-undated"}},
	}
	for _, c := range cases {
		as, n, err := s.FindActions(ctx, c.f)
		noErr(t, err, "FindActions "+c.name)
		same(t, actionTitles(as), c.want, c.name)
		if c.f.Limit == 0 && n != len(c.want) {
			t.Fatalf("%s: total %d, want %d", c.name, n, len(c.want))
		}
		if c.f.Limit == 1 && n != 3 {
			t.Fatalf("%s: total %d, want 3", c.name, n)
		}
	}

	// A restricted retrospective hides its items from members without a
	// say, and shows them to its team's admins and to its readers.
	r, err := s.FindRetrospective(ctx, sec.ID)
	noErr(t, err, "FindRetrospective")
	r.Restricted = true
	noErr(t, s.UpdateRetrospective(ctx, r), "UpdateRetrospective")
	vis := func(v debrief.ActionVisibility) []string {
		as, _, err := s.FindActions(ctx, ff(debrief.FollowupFilter{Visible: &v, Team: ptr("security")}))
		noErr(t, err, "FindActions restricted")
		return actionTitles(as)
	}
	same(t, vis(debrief.ActionVisibility{Teams: []string{"security"}, UserID: ada.ID}), []string{}, "member of a restricted one")
	same(t, vis(debrief.ActionVisibility{Teams: []string{"security"}, AdminTeams: []string{"security"}, UserID: ada.ID}), []string{"s-late"}, "team admin")
	same(t, vis(debrief.ActionVisibility{AdminTeams: []string{"payments"}, UserID: ada.ID}), []string{}, "admin of another team")
	r.Readers = []int64{ada.ID}
	noErr(t, s.UpdateRetrospective(ctx, r), "UpdateRetrospective readers")
	same(t, vis(debrief.ActionVisibility{UserID: ada.ID}), []string{"s-late"}, "listed reader")
	same(t, vis(debrief.ActionVisibility{UserID: ada.ID + 1}), []string{}, "someone else")
}
