package app

// API tokens: made from a browser session (or by the operator at the
// server), shown once, stored as their SHA-256, scoped, expiring, revocable.

import (
	"context"
	"crypto/subtle"
	"fmt"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

// TokenActor returns the actor of an API token's secret: EUNAUTHORIZED when
// unknown, expired or revoked (each with its own message), and records the
// refusal in the audit log. The token's last use is written at most once a
// minute.
func (s *Service) TokenActor(ctx context.Context, secret, address string) (*debrief.Actor, error) {
	const action = "token.authenticate"
	anon := &debrief.Actor{Address: address}
	hash := hashSecret(secret)
	var tok *debrief.APIToken
	var err error
	if strings.HasPrefix(secret, TokenPrefix) {
		tok, err = s.store.FindTokenByHash(ctx, hash)
	}
	if tok == nil || debrief.ErrorCode(err) == debrief.ENOTFOUND || subtle.ConstantTimeCompare(tok.Hash, hash) != 1 {
		if err != nil && debrief.ErrorCode(err) != debrief.ENOTFOUND {
			return nil, err
		}
		// Each unknown token from an address is audited up to a limit;
		// past it the address is told to wait and nothing more is
		// written, so a client retrying a bad token in a loop (or someone
		// guessing) cannot fill the audit log.
		_, retry, ok, err := s.takeAttempts(ctx, []store.AttemptLimit{{Key: "token-addr:" + address, Limit: BadTokenAddressLimit}})
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, debrief.Errorf(debrief.ETOOMANY,
				"Too many unknown API tokens from this address. Try again after %s UTC.", retry.UTC().Format("15:04"))
		}
		s.denied(ctx, anon, action, object{typ: "token"}, "unknown API token")
		return nil, debrief.Errorf(debrief.EUNAUTHORIZED, "Unknown API token: check that it was copied whole, or create a new one.")
	}
	obj := object{typ: "token", id: idString(tok.ID)}
	now := s.now()
	switch {
	case tok.RevokedAt != nil:
		s.denied(ctx, anon, action, obj, fmt.Sprintf("revoked API token %q (%s…)", tok.Name, tok.Prefix))
		return nil, debrief.Errorf(debrief.EUNAUTHORIZED, "This API token was revoked on %s; create a new one.", tok.RevokedAt.UTC().Format(time.RFC3339))
	case tok.ExpiresAt != nil && !now.Before(*tok.ExpiresAt):
		s.denied(ctx, anon, action, obj, fmt.Sprintf("expired API token %q (%s…)", tok.Name, tok.Prefix))
		return nil, debrief.Errorf(debrief.EUNAUTHORIZED, "This API token expired on %s; create a new one.", tok.ExpiresAt.UTC().Format(time.RFC3339))
	}
	u, err := s.store.FindUserByID(ctx, tok.UserID)
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		s.denied(ctx, anon, action, obj, fmt.Sprintf("API token %q (%s…) of a disabled account", tok.Name, tok.Prefix))
		return nil, debrief.Errorf(debrief.EUNAUTHORIZED, "The account this API token belongs to is disabled.")
	}
	scope := debrief.ScopeRead
	if tok.Scope == debrief.ScopeWrite {
		scope = debrief.ScopeWrite
	}
	a, err := s.actorOf(ctx, u, scope, address)
	if err != nil {
		return nil, err
	}
	a.ViaToken = true
	if tok.LastUsedAt == nil || now.Sub(*tok.LastUsedAt) >= touchEvery {
		if err := s.store.TouchToken(ctx, tok.ID, now.UTC()); err != nil {
			s.log.ErrorContext(ctx, "could not record an API token's use", "token_id", tok.ID, "error", err)
		}
	}
	return a, nil
}

// CreateToken creates an API token for the actor's own user; the secret is
// returned once and never stored. The scope is read or read-write; an
// expiry, when given, must be in the future.
func (s *Service) CreateToken(ctx context.Context, name string, scope debrief.Scope, expiresAt *time.Time) (secret string, tok *debrief.APIToken, err error) {
	a, err := actor(ctx)
	if err != nil {
		return "", nil, err
	}
	if err := s.refuse(ctx, a, "token.create", object{typ: "token"}, manageTokens(a, true)); err != nil {
		return "", nil, err
	}
	return s.issueToken(ctx, a, a.User.ID, name, scope, expiresAt)
}

// IssueToken creates an API token for any user. Only the system may: it is
// how an operator at the server bootstraps automation (debrief token
// create), before anyone has a browser session.
func (s *Service) IssueToken(ctx context.Context, userID int64, name string, scope debrief.Scope, expiresAt *time.Time) (secret string, tok *debrief.APIToken, err error) {
	a, err := actor(ctx)
	if err != nil {
		return "", nil, err
	}
	if err := s.refuse(ctx, a, "token.create", object{typ: "token"}, issueTokens(a)); err != nil {
		return "", nil, err
	}
	u, err := s.store.FindUserByID(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	if u.Disabled {
		return "", nil, debrief.FieldError("user_id", "%s is disabled.", u.Email)
	}
	return s.issueToken(ctx, a, u.ID, name, scope, expiresAt)
}

func (s *Service) issueToken(ctx context.Context, a *debrief.Actor, userID int64, name string, scope debrief.Scope, expiresAt *time.Time) (string, *debrief.APIToken, error) {
	var c checker
	name = strings.TrimSpace(name)
	c.text("name", name, true, MaxShortText)
	c.oneOf("scope", string(scope), []string{string(debrief.ScopeRead), string(debrief.ScopeWrite)})
	if c.err == nil && expiresAt != nil && !expiresAt.After(s.now()) {
		c.fail("expires_at", "must be in the future.")
	}
	if c.err != nil {
		return "", nil, c.err
	}
	secret := TokenPrefix + newSecret()
	tok := &debrief.APIToken{
		UserID: userID, Name: name, Scope: scope,
		Prefix: secret[len(TokenPrefix) : len(TokenPrefix)+8],
		Hash:   hashSecret(secret),
	}
	if expiresAt != nil {
		t := expiresAt.UTC()
		tok.ExpiresAt = &t
	}
	if err := s.store.CreateToken(ctx, tok); err != nil {
		return "", nil, err
	}
	s.changed(ctx, a, "token.create", object{typ: "token", id: idString(tok.ID)}, nil, tok)
	return secret, tok, nil
}

// FindTokens lists the actor's own tokens, newest first.
func (s *Service) FindTokens(ctx context.Context) ([]*debrief.APIToken, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := manageTokens(a, false); err != nil {
		return nil, err
	}
	return s.store.FindTokens(ctx, a.User.ID)
}

// RevokeToken revokes one of the actor's own tokens.
func (s *Service) RevokeToken(ctx context.Context, id int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	obj := object{typ: "token", id: idString(id)}
	if err := s.refuse(ctx, a, "token.revoke", obj, manageTokens(a, true)); err != nil {
		return err
	}
	before, err := s.findToken(ctx, a.User.ID, id)
	if err != nil {
		return err
	}
	if err := s.store.RevokeToken(ctx, a.User.ID, id); err != nil {
		return err
	}
	after, err := s.findToken(ctx, a.User.ID, id)
	if err != nil {
		return err
	}
	s.changed(ctx, a, "token.revoke", obj, snapshot(before), after)
	return nil
}

func (s *Service) findToken(ctx context.Context, userID, id int64) (*debrief.APIToken, error) {
	toks, err := s.store.FindTokens(ctx, userID)
	if err != nil {
		return nil, err
	}
	for _, t := range toks {
		if t.ID == id {
			return t, nil
		}
	}
	return nil, debrief.Errorf(debrief.ENOTFOUND, "API token %d not found.", id)
}
