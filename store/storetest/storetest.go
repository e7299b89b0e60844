// Package storetest is the conformance suite of store.Store: every engine
// runs it and must pass all of it, so that the rules layer can rely on the
// contract in store.go whichever database is underneath.
//
// Each case gets a fresh, empty store from open and migrates it itself.
// Cases run in parallel, so open must hand out independent databases.
package storetest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

// Run runs the suite. open returns a new empty store (not yet migrated)
// and arranges, with t.Cleanup, to close it and remove its data.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	cases := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"Migrate", testMigrate},
		{"Ping", testPing},

		{"IncidentCreateFind", testIncidentCreateFind},
		{"IncidentCreateNilRetrospective", testIncidentCreateNilRetrospective},
		{"IncidentNotFound", testIncidentNotFound},
		{"IncidentCreateIsAtomic", testIncidentCreateIsAtomic},
		{"IncidentUpdate", testIncidentUpdate},
		{"IncidentUpdateStale", testIncidentUpdateStale},
		{"IncidentUpdateIsAtomic", testIncidentUpdateIsAtomic},
		{"IncidentFilters", testIncidentFilters},
		{"IncidentPagination", testIncidentPagination},
		{"IncidentDeleteCascades", testIncidentDeleteCascades},
		{"IncidentConcurrentUpdates", testIncidentConcurrentUpdates},

		{"EventCreateFind", testEventCreateFind},
		{"EventMissingIncident", testEventMissingIncident},
		{"EventCreateBatch", testEventCreateBatch},
		{"EventTimeOrder", testEventTimeOrder},
		{"EventFilters", testEventFilters},
		{"EventPagination", testEventPagination},
		{"EventPageLimits", testEventPageLimits},
		{"EventUpdate", testEventUpdate},
		{"EventDelete", testEventDelete},
		{"EventConcurrentUpdates", testEventConcurrentUpdates},

		{"RetrospectiveFind", testRetrospectiveFind},
		{"RetrospectiveUpdate", testRetrospectiveUpdate},
		{"SectionCreateAppends", testSectionCreateAppends},
		{"SectionCreateDuplicateKey", testSectionCreateDuplicateKey},
		{"SectionUpdate", testSectionUpdate},
		{"SectionDelete", testSectionDelete},
		{"SectionConcurrentUpdates", testSectionConcurrentUpdates},
		{"SectionConcurrentCreates", testSectionConcurrentCreates},

		{"ActionCreateFind", testActionCreateFind},
		{"ActionMissingReferences", testActionMissingReferences},
		{"ActionFilters", testActionFilters},
		{"ActionUpdate", testActionUpdate},
		{"ActionDelete", testActionDelete},
		{"ActionFollowupColumns", testActionFollowupColumns},
		{"ActionLinks", testActionLinks},
		{"ActionStatusMoves", testActionStatusMoves},
		{"ActionSyncPendingFilter", testActionSyncPendingFilter},
		{"ActionBoardFilters", testActionBoardFilters},
		{"JobsEnqueueClaimFinish", testJobsEnqueueClaimFinish},
		{"JobsConcurrentClaims", testJobsConcurrentClaims},

		{"PersonCreateFind", testPersonCreateFind},
		{"PersonNotFound", testPersonNotFound},
		{"PersonHandleUnique", testPersonHandleUnique},
		{"PersonUpdate", testPersonUpdate},
		{"PersonFilters", testPersonFilters},
		{"PersonDeleteClearsReferences", testPersonDeleteClearsReferences},

		{"TxCommits", testTxCommits},
		{"TxRollsBack", testTxRollsBack},
		{"TxFailedCall", testTxFailedCall},
		{"TxNested", testTxNested},
		{"TxRefusesStoreCalls", testTxRefusesStoreCalls},

		{"IncidentVisibility", testIncidentVisibility},
		{"IncidentVisibleFilter", testIncidentVisibleFilter},
		{"RetrospectiveRestricted", testRetrospectiveRestricted},

		{"UserCreateFind", testUserCreateFind},
		{"UserNotFound", testUserNotFound},
		{"UserUnique", testUserUnique},
		{"UserUpdate", testUserUpdate},
		{"UserConcurrentUpdates", testUserConcurrentUpdates},
		{"UserFilters", testUserFilters},

		{"TeamCreateFind", testTeamCreateFind},
		{"TeamList", testTeamList},
		{"TeamSlugUnique", testTeamSlugUnique},
		{"TeamUpdate", testTeamUpdate},
		{"TeamConcurrentUpdates", testTeamConcurrentUpdates},
		{"TeamDelete", testTeamDelete},
		{"Memberships", testMemberships},

		{"SessionCreateFind", testSessionCreateFind},
		{"SessionExpiry", testSessionExpiry},
		{"SessionTouch", testSessionTouch},
		{"SessionDelete", testSessionDelete},

		{"TokenCreateFind", testTokenCreateFind},
		{"TokenList", testTokenList},
		{"TokenRevoke", testTokenRevoke},
		{"TokenExpiredFound", testTokenExpiredFound},
		{"TokenTouch", testTokenTouch},

		{"AuditAppend", testAuditAppend},
		{"AuditFind", testAuditFind},
		{"AuditLimits", testAuditLimits},
		{"AuditOutlivesIncident", testAuditOutlivesIncident},

		{"TemplateVersions", testTemplateVersions},
		{"TemplateConcurrentVersions", testTemplateConcurrentVersions},
		{"TemplateRules", testTemplateRules},
		{"TemplateFieldsRoundTrip", testTemplateFieldsRoundTrip},

		{"Attempts", testAttempts},
		{"AttemptsConcurrent", testAttemptsConcurrent},

		{"EvidenceImport", testEvidenceImport},
		{"EvidenceImportIsAtomic", testEvidenceImportIsAtomic},
		{"EvidenceFilters", testEvidenceFilters},
		{"TimelineState", testTimelineState},

		{"CountActionsByIncident", testCountActionsByIncident},
		{"TimesRoundTrip", testTimesRoundTrip},
		{"TextRoundTrip", testTextRoundTrip},
	}
	cases = append(cases, analysisCases...)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			if err := s.Migrate(t.Context()); err != nil {
				t.Fatalf("Migrate: %v", err)
			}
			c.fn(t, s)
		})
	}
}

func testMigrate(t *testing.T, s store.Store) {
	ctx := t.Context()
	// Already current: a no-op, however many instances try at once.
	errs := make(chan error, 4)
	for range 4 {
		go func() { errs <- s.Migrate(ctx) }()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatalf("Migrate again: %v", err)
		}
	}
	// And the schema still works.
	p := &debrief.Person{Name: "After migrate"}
	if err := s.CreatePerson(ctx, p); err != nil {
		t.Fatalf("CreatePerson after Migrate: %v", err)
	}
}

func testPing(t *testing.T, s store.Store) {
	if err := s.Ping(t.Context()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

// wantCode fails unless err carries the code.
func wantCode(t *testing.T, err error, code, what string) {
	t.Helper()
	if got := debrief.ErrorCode(err); got != code {
		t.Fatalf("%s: error code %q (%v), want %q", what, got, err, code)
	}
}

func noErr(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// same fails unless got and want are deeply equal, showing both as JSON
// (with the fields JSON leaves out) so the difference can be read.
func same(t *testing.T, got, want any, what string) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\n got: %s\nwant: %s", what, dump(got), dump(want))
	}
}

func dump(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%#v", v)
	}
	return string(b)
}

func ptr[T any](v T) *T { return &v }

// stamp checks a time the store set from its clock: in UTC, whole
// microseconds, and between from and to (to the microsecond).
func stamp(t *testing.T, got, from, to time.Time, what string) {
	t.Helper()
	if got.Location() != time.UTC {
		t.Fatalf("%s: location %v, want UTC", what, got.Location())
	}
	if got.Nanosecond()%1000 != 0 {
		t.Fatalf("%s: %v has sub-microsecond digits", what, got)
	}
	if got.Before(from.Truncate(time.Microsecond)) || got.After(to) {
		t.Fatalf("%s: %v not within [%v, %v]", what, got, from, to)
	}
}

// micro is what the store should give back for t.
func micro(t time.Time) time.Time {
	return t.UTC().Truncate(time.Microsecond)
}
