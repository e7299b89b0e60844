package oidc

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// flowLifetime is how long a sign-in may take at the provider.
const flowLifetime = 10 * time.Minute

// The flow cookie keeps what the callback must check between the redirect to
// the provider and the way back. Over TLS it carries the __Host- prefix, so
// that a neighbouring subdomain cannot plant one of its own (login CSRF).
const (
	flowCookie       = "debrief_oidc"
	secureFlowCookie = "__Host-" + flowCookie
)

// flow is one sign-in in progress: the state the provider must send back,
// the nonce the ID token must carry, the PKCE verifier the token request
// must prove, and where to go afterwards. It travels in an HttpOnly cookie
// authenticated with an HMAC, so only this server can have made it.
type flow struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Next     string `json:"r"`
	Issued   int64  `json:"t"` // Unix seconds
}

var errBadFlow = errors.New("no valid sign-in flow cookie")

// randomToken returns 32 random bytes, base64url encoded.
func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand panics rather)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (h *Handler) secure(r *http.Request) bool { return r.TLS != nil || h.cfg.SecureCookies }

func (h *Handler) flowCookieName(r *http.Request) string {
	if h.secure(r) {
		return secureFlowCookie
	}
	return flowCookie
}

func (h *Handler) mac(payload string) []byte {
	m := hmac.New(sha256.New, h.flowKey)
	m.Write([]byte("flow\x00" + payload))
	return m.Sum(nil)
}

// setFlow stores f in the flow cookie, replacing any sign-in in progress.
func (h *Handler) setFlow(w http.ResponseWriter, r *http.Request, f *flow) {
	b, _ := json.Marshal(f) // strings and an int: cannot fail
	payload := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{
		Name:     h.flowCookieName(r),
		Value:    payload + "." + base64.RawURLEncoding.EncodeToString(h.mac(payload)),
		Path:     "/",
		MaxAge:   int(flowLifetime / time.Second),
		HttpOnly: true,
		Secure:   h.secure(r),
		SameSite: http.SameSiteLaxMode,
	})
}

// takeFlow reads the flow cookie and deletes it: a flow is used once,
// whatever the outcome.
func (h *Handler) takeFlow(w http.ResponseWriter, r *http.Request) (*flow, error) {
	name := h.flowCookieName(r)
	c, err := r.Cookie(name)
	if err != nil {
		return nil, errBadFlow
	}
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: h.secure(r), SameSite: http.SameSiteLaxMode,
	})
	payload, sig, ok := strings.Cut(c.Value, ".")
	if !ok {
		return nil, errBadFlow
	}
	mac, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(mac, h.mac(payload)) {
		return nil, errBadFlow
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return nil, errBadFlow
	}
	var f flow
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, errBadFlow
	}
	issued := time.Unix(f.Issued, 0)
	if now := time.Now(); now.Sub(issued) > flowLifetime || issued.After(now.Add(time.Minute)) {
		return nil, errBadFlow
	}
	if f.State == "" || f.Nonce == "" || f.Verifier == "" {
		return nil, errBadFlow
	}
	return &f, nil
}

// maxNextLen bounds the next parameter: it travels in a cookie.
const maxNextLen = 1024

// localPath returns next when it is a path on this site that is safe to
// redirect to after signing in, and "/" otherwise. It refuses anything a
// browser could read as another origin: a scheme, a host, "//" or "/\" at
// the start (browsers treat "\" as "/"), and control characters or spaces
// (browsers strip tabs and newlines, so "/\t/evil" would become "//evil").
// It also refuses the sign-in routes themselves, which would loop.
func localPath(next string) string {
	if next == "" || len(next) > maxNextLen || next[0] != '/' {
		return "/"
	}
	if len(next) > 1 && (next[1] == '/' || next[1] == '\\') {
		return "/"
	}
	for i := 0; i < len(next); i++ {
		if c := next[i]; c <= ' ' || c == 0x7f || c == '\\' {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return "/"
	}
	if strings.HasPrefix(u.Path, "/auth/oidc/") {
		return "/"
	}
	return next
}
