package oidc_test

// A small OpenID Connect provider for tests, on loopback: discovery, signing
// keys, an authorisation endpoint that consents at once for the current
// user, and a token endpoint that checks the code, the client's credentials
// and the PKCE verifier before it answers with a signed ID token. Knobs let
// a test make it misbehave (another signing key, other claims, an error).
//
// It depends only on the standard library and go-jose, so another package's
// tests can copy this file as it is.

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// testUser is who signs in at the provider.
type testUser struct {
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
}

// testProvider is an OpenID Connect provider on loopback.
type testProvider struct {
	*httptest.Server
	t            testing.TB
	ClientID     string
	ClientSecret string

	key *rsa.PrivateKey // its signing key, published in the JWKS
	kid string

	mu sync.Mutex
	// User is who the authorisation endpoint signs in.
	User testUser
	// SigningKey, when set, signs ID tokens instead of the published key
	// (with the same key id, so only the signature gives it away).
	SigningKey *rsa.PrivateKey
	// Tamper, when set, changes the claims of the ID tokens issued.
	Tamper func(claims map[string]any)
	// AuthorizeError, when set, makes the authorisation endpoint send the
	// browser back with this error instead of a code (the user declined).
	AuthorizeError string
	// Issued records every code, access token and ID token handed out, so a
	// test can check that none reached a log.
	Issued []string

	codes map[string]grant
}

// grant is what the authorisation endpoint remembers of a code.
type grant struct {
	clientID, redirectURI, nonce, challenge string
	user                                    testUser
	expires                                 time.Time
}

func newTestProvider(t testing.TB) *testProvider {
	t.Helper()
	p := &testProvider{
		t:            t,
		ClientID:     "debrief-test",
		ClientSecret: "s3cret-" + rand.Text(),
		key:          rsaKey(t, 0),
		kid:          "test-key-1",
		User:         testUser{Subject: "user-1", Email: "ada@example.com", EmailVerified: true, Name: "Ada Lovelace"},
		codes:        map[string]grant{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /jwks", p.jwks)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	p.Server = httptest.NewServer(mux)
	t.Cleanup(p.Close)
	return p
}

// Issuer is the provider's issuer URL.
func (p *testProvider) Issuer() string { return p.URL }

func (p *testProvider) discovery(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                p.URL,
		"authorization_endpoint":                p.URL + "/authorize",
		"token_endpoint":                        p.URL + "/token",
		"jwks_uri":                              p.URL + "/jwks",
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported":      []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"scopes_supported":                      []string{"openid", "email", "profile"},
	})
}

func (p *testProvider) jwks(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{
		Key: &p.key.PublicKey, KeyID: p.kid, Algorithm: string(jose.RS256), Use: "sig",
	}}})
}

// authorize checks the request as a real provider would, then consents for
// the current user at once.
func (p *testProvider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	switch {
	case q.Get("client_id") != p.ClientID:
		http.Error(w, "unknown client", http.StatusBadRequest)
		return
	case err != nil || redirect.Scheme == "" || q.Get("redirect_uri") == "":
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	}
	back := redirect.Query()
	back.Set("state", q.Get("state"))
	switch {
	case q.Get("response_type") != "code":
		back.Set("error", "unsupported_response_type")
	case !slices.Contains(strings.Fields(q.Get("scope")), "openid"):
		back.Set("error", "invalid_scope")
	case q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "":
		back.Set("error", "invalid_request")
	case q.Get("state") == "" || q.Get("nonce") == "":
		back.Set("error", "invalid_request")
	}
	p.mu.Lock()
	if back.Get("error") == "" && p.AuthorizeError != "" {
		back.Set("error", p.AuthorizeError)
	}
	if back.Get("error") == "" {
		code := rand.Text()
		p.codes[code] = grant{
			clientID: p.ClientID, redirectURI: q.Get("redirect_uri"), nonce: q.Get("nonce"),
			challenge: q.Get("code_challenge"), user: p.User, expires: time.Now().Add(time.Minute),
		}
		p.Issued = append(p.Issued, code)
		back.Set("code", code)
	}
	p.mu.Unlock()
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// token exchanges a code: once, for the client it was issued to, with the
// redirect URI it was issued for and the PKCE verifier of its challenge.
func (p *testProvider) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	id, secret, basic := r.BasicAuth()
	if basic {
		// RFC 6749 2.3.1: the credentials are form-encoded in the header.
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != p.ClientID || subtle.ConstantTimeCompare([]byte(secret), []byte(p.ClientSecret)) != 1 {
		tokenError(w, http.StatusUnauthorized, "invalid_client")
		return
	}
	if r.PostForm.Get("grant_type") != "authorization_code" {
		tokenError(w, http.StatusBadRequest, "unsupported_grant_type")
		return
	}
	p.mu.Lock()
	code := r.PostForm.Get("code")
	g, ok := p.codes[code]
	delete(p.codes, code) // used once, whatever happens next
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	switch {
	case !ok || time.Now().After(g.expires) || g.clientID != id:
		tokenError(w, http.StatusBadRequest, "invalid_grant")
		return
	case r.PostForm.Get("redirect_uri") != g.redirectURI:
		tokenError(w, http.StatusBadRequest, "invalid_grant")
		return
	case base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
		tokenError(w, http.StatusBadRequest, "invalid_grant")
		return
	}

	now := time.Now()
	claims := map[string]any{
		"iss":            p.URL,
		"sub":            g.user.Subject,
		"aud":            p.ClientID,
		"exp":            now.Add(5 * time.Minute).Unix(),
		"iat":            now.Unix(),
		"nonce":          g.nonce,
		"email":          g.user.Email,
		"email_verified": g.user.EmailVerified,
		"name":           g.user.Name,
	}
	p.mu.Lock()
	tamper, key := p.Tamper, p.SigningKey
	p.mu.Unlock()
	if key == nil {
		key = p.key
	}
	if tamper != nil {
		tamper(claims)
	}
	idToken := p.sign(key, claims)
	access := rand.Text()
	p.mu.Lock()
	p.Issued = append(p.Issued, access, idToken)
	p.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": access,
		"token_type":   "Bearer",
		"expires_in":   300,
		"id_token":     idToken,
	})
}

// sign returns claims as a compact JWS signed with key under the published
// key id.
func (p *testProvider) sign(key *rsa.PrivateKey, claims map[string]any) string {
	signer, err := jose.NewSigner(
		jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: p.kid}},
		(&jose.SignerOptions{}).WithType("JWT"),
	)
	if err != nil {
		p.t.Errorf("provider: signer: %v", err)
		return ""
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		p.t.Errorf("provider: claims: %v", err)
		return ""
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		p.t.Errorf("provider: sign: %v", err)
		return ""
	}
	s, err := jws.CompactSerialize()
	if err != nil {
		p.t.Errorf("provider: serialize: %v", err)
	}
	return s
}

// rsaKeys are made once per test binary: 2048-bit keys take a while,
// longer still under the race detector.
var rsaKeys = sync.OnceValues(func() ([]*rsa.PrivateKey, error) {
	keys := make([]*rsa.PrivateKey, 2)
	for i := range keys {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, err
		}
		keys[i] = k
	}
	return keys, nil
})

// rsaKey returns test key i (0: the provider's own, 1: another).
func rsaKey(t testing.TB, i int) *rsa.PrivateKey {
	t.Helper()
	keys, err := rsaKeys()
	if err != nil {
		t.Fatal(err)
	}
	return keys[i]
}

// set changes the provider's knobs under its lock.
func (p *testProvider) set(fn func(p *testProvider)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fn(p)
}

// issued returns a copy of every code and token handed out so far.
func (p *testProvider) issued() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.Issued)
}

func tokenError(w http.ResponseWriter, status int, code string) {
	writeJSON(w, status, map[string]string{"error": code})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
