package debrief

import "time"

// APIToken lets a program use the API as a user. The secret is shown once
// at creation and only its hash is stored.
type APIToken struct {
	ID     int64  `json:"id"`
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
	Scope  Scope  `json:"scope"`
	// Prefix is the secret's first characters, shown so people can tell
	// their tokens apart; it does not authenticate anything.
	Prefix     string     `json:"prefix"`
	Hash       []byte     `json:"-"` // SHA-256 of the secret
	ExpiresAt  *time.Time `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	CreatedAt  time.Time  `json:"created_at"`
}

// Active reports whether the token may be used at now.
func (t *APIToken) Active(now time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || now.Before(*t.ExpiresAt))
}

// Session is a signed-in browser. Its id travels in a cookie; only its hash
// is stored, so a copy of the database signs nobody in.
type Session struct {
	Hash      []byte    `json:"-"`
	UserID    int64     `json:"user_id"`
	CSRFToken string    `json:"-"` // per session, compared in constant time
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	LastSeen  time.Time `json:"last_seen"`
	Address   string    `json:"address"`
}
