package storetest

import (
	"crypto/sha256"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

func hashOf(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

func newSession(t *testing.T, s store.Store, userID int64, secret string, expires time.Time) *debrief.Session {
	t.Helper()
	sess := &debrief.Session{Hash: hashOf(secret), UserID: userID, CSRFToken: "csrf-" + secret, ExpiresAt: expires, Address: "192.0.2.1"}
	noErr(t, s.CreateSession(t.Context(), sess), "CreateSession "+secret)
	return sess
}

func testSessionCreateFind(t *testing.T, s store.Store) {
	ctx := t.Context()
	u := newUser(t, s, "Ada", "ada@example.com")
	expires := time.Now().Add(12*time.Hour + 123*time.Nanosecond).In(paris)
	// Any bytes, NUL and high ones included.
	hash := append([]byte{0, 0xff, 0x80, 0}, hashOf("one")...)
	sess := &debrief.Session{Hash: hash, UserID: u.ID, CSRFToken: "csrf", ExpiresAt: expires, Address: "2001:db8::1"}
	before := time.Now()
	noErr(t, s.CreateSession(ctx, sess), "CreateSession")
	after := time.Now()
	stamp(t, sess.CreatedAt, before, after, "CreatedAt")
	same(t, sess.LastSeen, sess.CreatedAt, "LastSeen of a new session")
	same(t, sess.ExpiresAt, micro(expires), "ExpiresAt")
	got, err := s.FindSession(ctx, hash)
	noErr(t, err, "FindSession")
	same(t, got, sess, "found session")

	_, err = s.FindSession(ctx, hashOf("unknown"))
	wantCode(t, err, debrief.ENOTFOUND, "FindSession of an unknown hash")
	_, err = s.FindSession(ctx, hash[:len(hash)-1])
	wantCode(t, err, debrief.ENOTFOUND, "FindSession of a prefix of the hash")

	// LastSeen given is kept.
	seen := base
	other := &debrief.Session{Hash: hashOf("two"), UserID: u.ID, ExpiresAt: expires, LastSeen: seen}
	noErr(t, s.CreateSession(ctx, other), "CreateSession with LastSeen")
	got, err = s.FindSession(ctx, hashOf("two"))
	noErr(t, err, "FindSession")
	same(t, got.LastSeen, micro(seen), "LastSeen as given")
	same(t, got, other, "found session with LastSeen")

	err = s.CreateSession(ctx, &debrief.Session{Hash: hash, UserID: u.ID, ExpiresAt: expires})
	wantCode(t, err, debrief.ECONFLICT, "CreateSession with a stored hash")
	err = s.CreateSession(ctx, &debrief.Session{Hash: hashOf("three"), UserID: 999, ExpiresAt: expires})
	wantCode(t, err, debrief.ENOTFOUND, "CreateSession of a missing user")
	if f := debrief.ErrorField(err); f != "user_id" {
		t.Fatalf("field %q, want user_id", f)
	}
	_, err = s.FindSession(ctx, hashOf("three"))
	wantCode(t, err, debrief.ENOTFOUND, "FindSession of a failed create")
}

func testSessionExpiry(t *testing.T, s store.Store) {
	ctx := t.Context()
	u := newUser(t, s, "Ada", "ada@example.com")
	now := time.Now()
	live := newSession(t, s, u.ID, "live", now.Add(time.Hour))
	newSession(t, s, u.ID, "expired", now.Add(-time.Second))
	newSession(t, s, u.ID, "long expired", now.Add(-30*24*time.Hour))

	_, err := s.FindSession(ctx, hashOf("expired"))
	wantCode(t, err, debrief.ENOTFOUND, "FindSession of an expired session")
	_, err = s.FindSession(ctx, hashOf("long expired"))
	wantCode(t, err, debrief.ENOTFOUND, "FindSession of a long expired session")
	got, err := s.FindSession(ctx, hashOf("live"))
	noErr(t, err, "FindSession of a live session")
	same(t, got, live, "live session")

	n, err := s.DeleteExpiredSessions(ctx)
	noErr(t, err, "DeleteExpiredSessions")
	if n != 2 {
		t.Fatalf("DeleteExpiredSessions deleted %d, want 2", n)
	}
	n, err = s.DeleteExpiredSessions(ctx)
	noErr(t, err, "DeleteExpiredSessions again")
	if n != 0 {
		t.Fatalf("DeleteExpiredSessions again deleted %d, want 0", n)
	}
	_, err = s.FindSession(ctx, hashOf("live"))
	noErr(t, err, "FindSession of a live session after the sweep")
	// Gone, not just hidden: deleting it finds nothing.
	wantCode(t, s.DeleteSession(ctx, hashOf("expired")), debrief.ENOTFOUND, "DeleteSession of a swept session")
}

func testSessionTouch(t *testing.T, s store.Store) {
	ctx := t.Context()
	u := newUser(t, s, "Ada", "ada@example.com")
	sess := newSession(t, s, u.ID, "one", time.Now().Add(time.Hour))
	later := time.Now().Add(time.Minute + 999*time.Nanosecond).In(paris)
	noErr(t, s.TouchSession(ctx, sess.Hash, later), "TouchSession")
	got, err := s.FindSession(ctx, sess.Hash)
	noErr(t, err, "FindSession")
	same(t, got.LastSeen, micro(later), "LastSeen after a touch")
	// Only LastSeen changes.
	want := *sess
	want.LastSeen = micro(later)
	same(t, got, &want, "session after a touch")

	// A late request touching with an earlier time does not move it back.
	noErr(t, s.TouchSession(ctx, sess.Hash, later.Add(-time.Second)), "TouchSession earlier")
	got, err = s.FindSession(ctx, sess.Hash)
	noErr(t, err, "FindSession")
	same(t, got.LastSeen, micro(later), "LastSeen after an earlier touch")

	wantCode(t, s.TouchSession(ctx, hashOf("unknown"), later), debrief.ENOTFOUND, "TouchSession of an unknown session")
}

func testSessionDelete(t *testing.T, s store.Store) {
	ctx := t.Context()
	ada := newUser(t, s, "Ada", "ada@example.com")
	bob := newUser(t, s, "Bob", "bob@example.com")
	expires := time.Now().Add(time.Hour)
	newSession(t, s, ada.ID, "ada 1", expires)
	newSession(t, s, ada.ID, "ada 2", expires)
	newSession(t, s, ada.ID, "ada 3", expires)
	bobs := newSession(t, s, bob.ID, "bob 1", expires)

	noErr(t, s.DeleteSession(ctx, hashOf("ada 1")), "DeleteSession")
	_, err := s.FindSession(ctx, hashOf("ada 1"))
	wantCode(t, err, debrief.ENOTFOUND, "FindSession after delete")
	wantCode(t, s.DeleteSession(ctx, hashOf("ada 1")), debrief.ENOTFOUND, "DeleteSession twice")
	_, err = s.FindSession(ctx, hashOf("ada 2"))
	noErr(t, err, "FindSession of another session")

	noErr(t, s.DeleteUserSessions(ctx, ada.ID), "DeleteUserSessions")
	for _, secret := range []string{"ada 2", "ada 3"} {
		_, err = s.FindSession(ctx, hashOf(secret))
		wantCode(t, err, debrief.ENOTFOUND, "FindSession after DeleteUserSessions")
	}
	got, err := s.FindSession(ctx, hashOf("bob 1"))
	noErr(t, err, "FindSession of another user's session")
	same(t, got, bobs, "other user's session")
	noErr(t, s.DeleteUserSessions(ctx, ada.ID), "DeleteUserSessions with none left")
	noErr(t, s.DeleteUserSessions(ctx, 999), "DeleteUserSessions of a missing user")
}
