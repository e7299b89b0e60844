package storetest

import (
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

func testUserCreateFind(t *testing.T, s store.Store) {
	ctx := t.Context()
	u := &debrief.User{Email: "Grace.Hopper@Example.com", Name: "Grace Hopper", OrgAdmin: true,
		PasswordHash: "$2a$10$abcdefghijklmnopqrstuv", OIDCSubject: "https://idp.example sub-1"}
	before := time.Now()
	noErr(t, s.CreateUser(ctx, u), "CreateUser")
	after := time.Now()
	if u.ID <= 0 || u.Version != 1 {
		t.Fatalf("created user: ID %d Version %d", u.ID, u.Version)
	}
	stamp(t, u.CreatedAt, before, after, "CreatedAt")
	same(t, u.UpdatedAt, u.CreatedAt, "UpdatedAt")

	got, err := s.FindUserByID(ctx, u.ID)
	noErr(t, err, "FindUserByID")
	same(t, got, u, "found by id")
	// The email is kept as written and found whatever its case.
	for _, email := range []string{"Grace.Hopper@Example.com", "grace.hopper@example.com", "GRACE.HOPPER@EXAMPLE.COM"} {
		got, err = s.FindUserByEmail(ctx, email)
		noErr(t, err, "FindUserByEmail "+email)
		same(t, got, u, "found by email "+email)
	}
	got, err = s.FindUserByOIDCSubject(ctx, "https://idp.example sub-1")
	noErr(t, err, "FindUserByOIDCSubject")
	same(t, got, u, "found by subject")

	// Beyond ASCII too.
	emile := newUser(t, s, "Émile", "émile@exemple.fr")
	got, err = s.FindUserByEmail(ctx, "ÉMILE@EXEMPLE.FR")
	noErr(t, err, "FindUserByEmail ÉMILE")
	same(t, got, emile, "found by unicode email")
	if emile.OIDCSubject != "" || emile.PasswordHash != "" || emile.OrgAdmin || emile.Disabled {
		t.Fatalf("defaults: %s", dump(emile))
	}
}

func testUserNotFound(t *testing.T, s store.Store) {
	ctx := t.Context()
	newUser(t, s, "No subject", "nosub@example.com")
	_, err := s.FindUserByID(ctx, 777)
	wantCode(t, err, debrief.ENOTFOUND, "FindUserByID of a missing user")
	if msg := debrief.ErrorMessage(err); msg != "User 777 not found." {
		t.Fatalf("message %q", msg)
	}
	_, err = s.FindUserByEmail(ctx, "nobody@example.com")
	wantCode(t, err, debrief.ENOTFOUND, "FindUserByEmail of a missing user")
	_, err = s.FindUserByEmail(ctx, "nosub@example")
	wantCode(t, err, debrief.ENOTFOUND, "FindUserByEmail matches the whole address")
	_, err = s.FindUserByOIDCSubject(ctx, "iss nobody")
	wantCode(t, err, debrief.ENOTFOUND, "FindUserByOIDCSubject of a missing subject")
	// The empty subject is nobody's, though users without one exist.
	_, err = s.FindUserByOIDCSubject(ctx, "")
	wantCode(t, err, debrief.ENOTFOUND, "FindUserByOIDCSubject of the empty subject")
	wantCode(t, s.UpdateUser(ctx, &debrief.User{ID: 777, Email: "x@example.com", Version: 1}), debrief.ENOTFOUND,
		"UpdateUser of a missing user")
}

func testUserUnique(t *testing.T, s store.Store) {
	ctx := t.Context()
	ada := newUser(t, s, "Ada", "ada@example.com", func(u *debrief.User) { u.OIDCSubject = "iss ada" })
	for _, email := range []string{"ada@example.com", "ADA@example.com", "Ada@Example.Com"} {
		err := s.CreateUser(ctx, &debrief.User{Name: "Another Ada", Email: email})
		wantCode(t, err, debrief.ECONFLICT, "CreateUser with email "+email)
		if f := debrief.ErrorField(err); f != "email" {
			t.Fatalf("field %q, want email", f)
		}
	}
	newUser(t, s, "Zoë", "zoë@example.com")
	wantCode(t, s.CreateUser(ctx, &debrief.User{Name: "Zoë 2", Email: "ZOË@EXAMPLE.COM"}), debrief.ECONFLICT,
		"CreateUser with email ZOË@EXAMPLE.COM")

	err := s.CreateUser(ctx, &debrief.User{Name: "Impostor", Email: "impostor@example.com", OIDCSubject: "iss ada"})
	wantCode(t, err, debrief.ECONFLICT, "CreateUser with a taken subject")
	if f := debrief.ErrorField(err); f != "oidc_subject" {
		t.Fatalf("field %q, want oidc_subject", f)
	}
	// Subjects are the provider's exact strings: another case is another
	// subject.
	newUser(t, s, "Other", "other@example.com", func(u *debrief.User) { u.OIDCSubject = "iss ADA" })
	// Any number of users may have no subject.
	newUser(t, s, "Local 1", "local1@example.com")
	newUser(t, s, "Local 2", "local2@example.com")

	// Taking an email or a subject by update is a conflict, and writes
	// nothing.
	bob := newUser(t, s, "Bob", "bob@example.com")
	upd := *bob
	upd.Name, upd.Email = "Bob renamed", "ADA@EXAMPLE.COM"
	err = s.UpdateUser(ctx, &upd)
	wantCode(t, err, debrief.ECONFLICT, "UpdateUser to a taken email")
	if f := debrief.ErrorField(err); f != "email" {
		t.Fatalf("field %q, want email", f)
	}
	upd = *bob
	upd.Name, upd.OIDCSubject = "Bob renamed", "iss ada"
	err = s.UpdateUser(ctx, &upd)
	wantCode(t, err, debrief.ECONFLICT, "UpdateUser to a taken subject")
	if f := debrief.ErrorField(err); f != "oidc_subject" {
		t.Fatalf("field %q, want oidc_subject", f)
	}
	if upd.Version != 1 {
		t.Fatalf("failed update changed the object's version to %d", upd.Version)
	}
	got, err := s.FindUserByID(ctx, bob.ID)
	noErr(t, err, "FindUserByID")
	same(t, got, bob, "user after failed updates")

	// Changing the case of one's own email is fine, and frees nothing.
	upd = *ada
	upd.Email = "ADA@example.com"
	noErr(t, s.UpdateUser(ctx, &upd), "UpdateUser changing own email's case")
	got, err = s.FindUserByEmail(ctx, "ada@EXAMPLE.com")
	noErr(t, err, "FindUserByEmail")
	if got.ID != ada.ID || got.Email != "ADA@example.com" {
		t.Fatalf("found %s", dump(got))
	}
	// Freed keys can be taken.
	upd.Email, upd.OIDCSubject = "lovelace@example.com", ""
	noErr(t, s.UpdateUser(ctx, &upd), "UpdateUser")
	newUser(t, s, "New Ada", "ada@example.com", func(u *debrief.User) { u.OIDCSubject = "iss ada" })
	_, err = s.FindUserByEmail(ctx, "lovelace@example.com")
	noErr(t, err, "FindUserByEmail of the new address")

	_, n, err := s.FindUsers(ctx, store.UserFilter{})
	noErr(t, err, "FindUsers")
	if n != 7 {
		t.Fatalf("%d users, want 7", n)
	}
}

func testUserUpdate(t *testing.T, s store.Store) {
	ctx := t.Context()
	u := newUser(t, s, "Ada", "ada@example.com", func(u *debrief.User) { u.PasswordHash = "old-hash" })
	created := u.CreatedAt
	stale := *u
	u.Name, u.Email, u.OrgAdmin, u.Disabled = "Ada King", "countess@example.com", true, true
	u.PasswordHash, u.OIDCSubject = "new-hash", "iss ada"
	before := time.Now()
	noErr(t, s.UpdateUser(ctx, u), "UpdateUser")
	after := time.Now()
	if u.Version != 2 {
		t.Fatalf("Version %d, want 2", u.Version)
	}
	same(t, u.CreatedAt, created, "CreatedAt")
	stamp(t, u.UpdatedAt, before, after, "UpdatedAt")
	got, err := s.FindUserByID(ctx, u.ID)
	noErr(t, err, "FindUserByID")
	same(t, got, u, "found after update")
	if got.Name != "Ada King" || got.Email != "countess@example.com" || !got.OrgAdmin || !got.Disabled ||
		got.PasswordHash != "new-hash" || got.OIDCSubject != "iss ada" {
		t.Fatalf("fields not written: %s", dump(got))
	}
	_, err = s.FindUserByEmail(ctx, "ada@example.com")
	wantCode(t, err, debrief.ENOTFOUND, "FindUserByEmail of the old address")

	// A stale version writes nothing.
	stale.Name, stale.PasswordHash = "lost", "lost"
	wantCode(t, s.UpdateUser(ctx, &stale), debrief.ECONFLICT, "UpdateUser from a stale version")
	if stale.Version != 1 {
		t.Fatalf("failed update changed the object's version to %d", stale.Version)
	}
	stale.Version = 9
	wantCode(t, s.UpdateUser(ctx, &stale), debrief.ECONFLICT, "UpdateUser from a future version")
	got, err = s.FindUserByID(ctx, u.ID)
	noErr(t, err, "FindUserByID")
	same(t, got, u, "user after stale updates")

	// Clearing the subject and the password.
	got.OIDCSubject, got.PasswordHash, got.OrgAdmin, got.Disabled = "", "", false, false
	noErr(t, s.UpdateUser(ctx, got), "UpdateUser clearing")
	again, err := s.FindUserByID(ctx, u.ID)
	noErr(t, err, "FindUserByID")
	same(t, again, got, "user after clearing")
	if again.Version != 3 || again.OIDCSubject != "" || again.PasswordHash != "" {
		t.Fatalf("after clearing: %s", dump(again))
	}
	_, err = s.FindUserByOIDCSubject(ctx, "iss ada")
	wantCode(t, err, debrief.ENOTFOUND, "FindUserByOIDCSubject of a cleared subject")
}

func testUserConcurrentUpdates(t *testing.T, s store.Store) {
	ctx := t.Context()
	u := newUser(t, s, "Contested", "contested@example.com")
	errs := race(8, func(i int) error {
		mine := *u
		mine.Name = "writer " + string(rune('A'+i))
		return s.UpdateUser(ctx, &mine)
	})
	w := oneWinner(t, errs)
	got, err := s.FindUserByID(ctx, u.ID)
	noErr(t, err, "FindUserByID")
	if got.Version != 2 || got.Name != "writer "+string(rune('A'+w)) {
		t.Fatalf("after the race: %s", dump(got))
	}
}

func testUserFilters(t *testing.T, s store.Store) {
	ctx := t.Context()
	newUser(t, s, "Ada Lovelace", "ada@example.com")
	newUser(t, s, "Bob Builder", "bob@corp.example.org")
	newUser(t, s, "Zoë Ångström", "zoe@example.com")
	newUser(t, s, "100% Ready", "ready@example.com")

	cases := []struct {
		name  string
		f     store.UserFilter
		want  []string
		total int
	}{
		{"all, in creation order", store.UserFilter{}, []string{"Ada Lovelace", "Bob Builder", "Zoë Ångström", "100% Ready"}, 4},
		{"empty query", store.UserFilter{Query: ptr("")}, []string{"Ada Lovelace", "Bob Builder", "Zoë Ångström", "100% Ready"}, 4},
		{"name part", store.UserFilter{Query: ptr("love")}, []string{"Ada Lovelace"}, 1},
		{"ignores case", store.UserFilter{Query: ptr("BUILD")}, []string{"Bob Builder"}, 1},
		{"unicode", store.UserFilter{Query: ptr("ÅNGSTRÖM")}, []string{"Zoë Ångström"}, 1},
		{"email", store.UserFilter{Query: ptr("CORP.example")}, []string{"Bob Builder"}, 1},
		{"many", store.UserFilter{Query: ptr("@example.com")}, []string{"Ada Lovelace", "Zoë Ångström", "100% Ready"}, 3},
		{"percent is literal", store.UserFilter{Query: ptr("0% r")}, []string{"100% Ready"}, 1},
		{"underscore is literal", store.UserFilter{Query: ptr("a_a")}, []string{}, 0},
		{"not across name and email", store.UserFilter{Query: ptr("lovelace ada@")}, []string{}, 0},
		{"page", store.UserFilter{Offset: 1, Limit: 2}, []string{"Bob Builder", "Zoë Ångström"}, 4},
		{"filtered page", store.UserFilter{Query: ptr("example.com"), Offset: 2, Limit: 5}, []string{"100% Ready"}, 3},
	}
	for _, c := range cases {
		us, n, err := s.FindUsers(ctx, c.f)
		noErr(t, err, "FindUsers "+c.name)
		same(t, userNames(us), c.want, c.name)
		if n != c.total {
			t.Fatalf("%s: total %d, want %d", c.name, n, c.total)
		}
	}
	// Listed users are whole, password hash included (the store holds no
	// opinion on who may see what).
	us, _, err := s.FindUsers(ctx, store.UserFilter{Query: ptr("ada@")})
	noErr(t, err, "FindUsers")
	got, err := s.FindUserByEmail(ctx, "ada@example.com")
	noErr(t, err, "FindUserByEmail")
	same(t, us, []*debrief.User{got}, "listed user")
}
