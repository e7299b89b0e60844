package storetest

import (
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

func newToken(t *testing.T, s store.Store, userID int64, name string, opts ...func(*debrief.APIToken)) *debrief.APIToken {
	t.Helper()
	tok := &debrief.APIToken{UserID: userID, Name: name, Scope: debrief.ScopeRead, Prefix: "dbrf_" + name[:1], Hash: hashOf("token " + name)}
	for _, o := range opts {
		o(tok)
	}
	noErr(t, s.CreateToken(t.Context(), tok), "CreateToken "+name)
	return tok
}

func tokenNames(ts []*debrief.APIToken) []string {
	names := []string{}
	for _, t := range ts {
		names = append(names, t.Name)
	}
	return names
}

func testTokenCreateFind(t *testing.T, s store.Store) {
	ctx := t.Context()
	u := newUser(t, s, "Ada", "ada@example.com")
	expires := base.Add(90 * 24 * time.Hour)
	tok := &debrief.APIToken{UserID: u.ID, Name: "CI", Scope: debrief.ScopeWrite, Prefix: "dbrf_abcd",
		Hash: append([]byte{0, 0xff}, hashOf("secret")...), ExpiresAt: &expires}
	before := time.Now()
	noErr(t, s.CreateToken(ctx, tok), "CreateToken")
	after := time.Now()
	if tok.ID <= 0 {
		t.Fatalf("created token: ID %d", tok.ID)
	}
	stamp(t, tok.CreatedAt, before, after, "CreatedAt")
	same(t, *tok.ExpiresAt, micro(expires), "ExpiresAt")
	if tok.RevokedAt != nil || tok.LastUsedAt != nil {
		t.Fatalf("new token: %s", dump(tok))
	}
	got, err := s.FindTokenByHash(ctx, tok.Hash)
	noErr(t, err, "FindTokenByHash")
	same(t, got, tok, "found token")

	_, err = s.FindTokenByHash(ctx, hashOf("unknown"))
	wantCode(t, err, debrief.ENOTFOUND, "FindTokenByHash of an unknown secret")

	err = s.CreateToken(ctx, &debrief.APIToken{UserID: u.ID, Name: "again", Scope: debrief.ScopeRead, Hash: tok.Hash})
	wantCode(t, err, debrief.ECONFLICT, "CreateToken with a stored hash")
	err = s.CreateToken(ctx, &debrief.APIToken{UserID: 999, Name: "ghost", Scope: debrief.ScopeRead, Hash: hashOf("ghost")})
	wantCode(t, err, debrief.ENOTFOUND, "CreateToken of a missing user")
	if f := debrief.ErrorField(err); f != "user_id" {
		t.Fatalf("field %q, want user_id", f)
	}
	ts, err := s.FindTokens(ctx, u.ID)
	noErr(t, err, "FindTokens")
	same(t, ts, []*debrief.APIToken{tok}, "tokens after failed creates")
}

func testTokenList(t *testing.T, s store.Store) {
	ctx := t.Context()
	ada := newUser(t, s, "Ada", "ada@example.com")
	bob := newUser(t, s, "Bob", "bob@example.com")
	ts, err := s.FindTokens(ctx, ada.ID)
	noErr(t, err, "FindTokens")
	if ts == nil || len(ts) != 0 {
		t.Fatalf("FindTokens of none: %v, want an empty list", ts)
	}
	first := newToken(t, s, ada.ID, "first")
	newToken(t, s, bob.ID, "bob's")
	second := newToken(t, s, ada.ID, "second")
	third := newToken(t, s, ada.ID, "third")
	noErr(t, s.RevokeToken(ctx, ada.ID, second.ID), "RevokeToken")
	second, err = s.FindTokenByHash(ctx, second.Hash)
	noErr(t, err, "FindTokenByHash")

	ts, err = s.FindTokens(ctx, ada.ID)
	noErr(t, err, "FindTokens")
	same(t, ts, []*debrief.APIToken{third, second, first}, "Ada's tokens, newest first, revoked included")
	ts, err = s.FindTokens(ctx, bob.ID)
	noErr(t, err, "FindTokens")
	same(t, tokenNames(ts), []string{"bob's"}, "Bob's tokens")
	ts, err = s.FindTokens(ctx, 999)
	noErr(t, err, "FindTokens of a missing user")
	if len(ts) != 0 {
		t.Fatalf("tokens of a missing user: %v", tokenNames(ts))
	}
}

func testTokenRevoke(t *testing.T, s store.Store) {
	ctx := t.Context()
	ada := newUser(t, s, "Ada", "ada@example.com")
	bob := newUser(t, s, "Bob", "bob@example.com")
	tok := newToken(t, s, ada.ID, "CI")

	// Another user's token is not theirs to revoke, nor to know of.
	wantCode(t, s.RevokeToken(ctx, bob.ID, tok.ID), debrief.ENOTFOUND, "RevokeToken of another user's token")
	got, err := s.FindTokenByHash(ctx, tok.Hash)
	noErr(t, err, "FindTokenByHash")
	if got.RevokedAt != nil {
		t.Fatalf("revoked by another user: %s", dump(got))
	}
	wantCode(t, s.RevokeToken(ctx, ada.ID, 999), debrief.ENOTFOUND, "RevokeToken of a missing token")

	before := time.Now()
	noErr(t, s.RevokeToken(ctx, ada.ID, tok.ID), "RevokeToken")
	after := time.Now()
	got, err = s.FindTokenByHash(ctx, tok.Hash)
	noErr(t, err, "FindTokenByHash of a revoked token")
	if got.RevokedAt == nil {
		t.Fatalf("not revoked: %s", dump(got))
	}
	stamp(t, *got.RevokedAt, before, after, "RevokedAt")
	first := *got.RevokedAt
	if got.Active(time.Now()) {
		t.Fatal("a revoked token is active")
	}
	// Revoking twice keeps the first time.
	time.Sleep(2 * time.Millisecond)
	noErr(t, s.RevokeToken(ctx, ada.ID, tok.ID), "RevokeToken twice")
	got, err = s.FindTokenByHash(ctx, tok.Hash)
	noErr(t, err, "FindTokenByHash")
	same(t, *got.RevokedAt, first, "RevokedAt after revoking twice")
	wantCode(t, s.RevokeToken(ctx, bob.ID, tok.ID), debrief.ENOTFOUND, "RevokeToken of another user's revoked token")
	// Nothing else changed.
	want := *tok
	want.RevokedAt = &first
	same(t, got, &want, "revoked token")
}

func testTokenExpiredFound(t *testing.T, s store.Store) {
	ctx := t.Context()
	u := newUser(t, s, "Ada", "ada@example.com")
	past := time.Now().Add(-time.Hour)
	tok := newToken(t, s, u.ID, "old", func(k *debrief.APIToken) { k.ExpiresAt = &past })
	got, err := s.FindTokenByHash(ctx, tok.Hash)
	noErr(t, err, "FindTokenByHash of an expired token")
	same(t, got, tok, "expired token")
	if got.Active(time.Now()) {
		t.Fatal("an expired token is active")
	}
	// Created revoked (an import, say): found too, with its time.
	revoked := base
	rev := newToken(t, s, u.ID, "revoked", func(k *debrief.APIToken) { k.RevokedAt = &revoked })
	got, err = s.FindTokenByHash(ctx, rev.Hash)
	noErr(t, err, "FindTokenByHash of a revoked token")
	same(t, *got.RevokedAt, micro(revoked), "RevokedAt as created")
}

func testTokenTouch(t *testing.T, s store.Store) {
	ctx := t.Context()
	u := newUser(t, s, "Ada", "ada@example.com")
	tok := newToken(t, s, u.ID, "CI")
	at := base.Add(time.Hour)
	noErr(t, s.TouchToken(ctx, tok.ID, at), "TouchToken")
	got, err := s.FindTokenByHash(ctx, tok.Hash)
	noErr(t, err, "FindTokenByHash")
	want := *tok
	want.LastUsedAt = ptr(micro(at))
	same(t, got, &want, "token after a touch")
	noErr(t, s.TouchToken(ctx, tok.ID, at.Add(-time.Minute)), "TouchToken earlier")
	got, err = s.FindTokenByHash(ctx, tok.Hash)
	noErr(t, err, "FindTokenByHash")
	same(t, got, &want, "token after an earlier touch")
	noErr(t, s.TouchToken(ctx, tok.ID, at.Add(time.Minute)), "TouchToken later")
	got, err = s.FindTokenByHash(ctx, tok.Hash)
	noErr(t, err, "FindTokenByHash")
	same(t, *got.LastUsedAt, micro(at.Add(time.Minute)), "LastUsedAt after a later touch")
	wantCode(t, s.TouchToken(ctx, 999, at), debrief.ENOTFOUND, "TouchToken of a missing token")
}
