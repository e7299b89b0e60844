// Package oidc signs people in to Debrief through an OpenID Connect identity
// provider (Okta, Entra ID, Google Workspace, Keycloak, Dex…): the
// authorisation code flow with PKCE (S256), a state and a nonce.
//
// GET /auth/oidc/login?next=/incidents/7 sends the browser to the provider;
// GET /auth/oidc/callback receives it back, checks the answer, starts a
// Debrief session through the account service (app.Service.OIDCLogin) and
// sets the session cookie. Whatever goes wrong, the browser gets a short,
// plain page that says so without details, and the log gets a warning
// without codes or tokens.
package oidc

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/debrief-oss/debrief/app"
)

// The paths this package serves.
const (
	LoginPath    = "/auth/oidc/login"
	CallbackPath = "/auth/oidc/callback"
)

// SessionCookie is the name of Debrief's session cookie.
const SessionCookie = "debrief_session"

// discoveryTimeout bounds the provider discovery at start when the caller's
// context has no deadline; httpTimeout bounds every later request to the
// provider (token exchange, signing keys).
const (
	discoveryTimeout = 15 * time.Second
	httpTimeout      = 15 * time.Second
)

// Config configures single sign-on.
type Config struct {
	// Issuer is the provider's issuer URL, exactly as its discovery
	// document spells it ("https://login.example.com/realms/acme"). It must
	// be https, or http on a loopback address (for tests and development).
	Issuer string
	// ClientID and ClientSecret are Debrief's credentials at the provider.
	ClientID     string
	ClientSecret string
	// RedirectURL is the absolute URL of the callback as registered at the
	// provider: Debrief's public address followed by /auth/oidc/callback.
	RedirectURL string
	// SecureCookies marks the cookies Secure even when the request did not
	// arrive over TLS (Debrief behind a proxy that terminates TLS).
	SecureCookies bool
}

// Handler serves the sign-in routes. Create it with New.
type Handler struct {
	svc      *app.Service
	logger   *slog.Logger
	cfg      Config
	client   *http.Client
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
	flowKey  []byte
}

// New checks cfg and discovers the provider. It fails when the issuer cannot
// be reached or its discovery document does not fit (another issuer, no
// authorisation or token endpoint, no signing keys, no PKCE S256), so that a
// misconfiguration stops the server at start instead of the first sign-in.
//
// Requests to the provider use the *http.Client that ctx carries under
// oauth2.HTTPClient (see oidc.ClientContext), or else one with a timeout.
func New(ctx context.Context, svc *app.Service, logger *slog.Logger, cfg Config) (*Handler, error) {
	if svc == nil {
		return nil, errors.New("oidc: no account service")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cfg.Issuer = strings.TrimSpace(cfg.Issuer)
	cfg.ClientID = strings.TrimSpace(cfg.ClientID)
	cfg.RedirectURL = strings.TrimSpace(cfg.RedirectURL)
	if err := cfg.validate(); err != nil {
		return nil, err
	}

	client, ok := ctx.Value(oauth2.HTTPClient).(*http.Client)
	if !ok || client == nil {
		client = &http.Client{Timeout: httpTimeout}
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, discoveryTimeout)
		defer cancel()
	}
	provider, err := oidc.NewProvider(oidc.ClientContext(ctx, client), cfg.Issuer)
	if err != nil {
		var mismatch *oidc.IssuerMismatchError
		if errors.As(err, &mismatch) {
			return nil, fmt.Errorf("oidc: issuer %q: its discovery document names the issuer %q; set the issuer to exactly that", cfg.Issuer, mismatch.Discovered)
		}
		return nil, fmt.Errorf("oidc: issuer %q: discovery at %s failed: %w", cfg.Issuer, discoveryURL(cfg.Issuer), err)
	}
	var meta struct {
		JWKSURI           string   `json:"jwks_uri"`
		ResponseTypes     []string `json:"response_types_supported"`
		CodeChallenge     []string `json:"code_challenge_methods_supported"`
		TokenEndpointAuth []string `json:"token_endpoint_auth_methods_supported"`
	}
	if err := provider.Claims(&meta); err != nil {
		return nil, fmt.Errorf("oidc: issuer %q: reading the discovery document: %w", cfg.Issuer, err)
	}
	endpoint := provider.Endpoint()
	switch {
	case endpoint.AuthURL == "":
		return nil, fmt.Errorf("oidc: issuer %q: the discovery document has no authorization_endpoint", cfg.Issuer)
	case endpoint.TokenURL == "":
		return nil, fmt.Errorf("oidc: issuer %q: the discovery document has no token_endpoint", cfg.Issuer)
	case meta.JWKSURI == "":
		return nil, fmt.Errorf("oidc: issuer %q: the discovery document has no jwks_uri", cfg.Issuer)
	case len(meta.ResponseTypes) > 0 && !slices.Contains(meta.ResponseTypes, "code"):
		return nil, fmt.Errorf("oidc: issuer %q: the provider does not offer the authorization code flow (response_types_supported %q)", cfg.Issuer, meta.ResponseTypes)
	case len(meta.CodeChallenge) > 0 && !slices.Contains(meta.CodeChallenge, "S256"):
		return nil, fmt.Errorf("oidc: issuer %q: the provider does not offer PKCE with S256 (code_challenge_methods_supported %q)", cfg.Issuer, meta.CodeChallenge)
	}
	// The spec's default is client_secret_basic; use the form body only for
	// a provider that does not take the header.
	switch {
	case len(meta.TokenEndpointAuth) == 0 || slices.Contains(meta.TokenEndpointAuth, "client_secret_basic"):
		endpoint.AuthStyle = oauth2.AuthStyleInHeader
	case slices.Contains(meta.TokenEndpointAuth, "client_secret_post"):
		endpoint.AuthStyle = oauth2.AuthStyleInParams
	default:
		return nil, fmt.Errorf("oidc: issuer %q: the provider takes neither client_secret_basic nor client_secret_post (token_endpoint_auth_methods_supported %q)", cfg.Issuer, meta.TokenEndpointAuth)
	}

	h := &Handler{
		svc:    svc,
		logger: logger,
		cfg:    cfg,
		client: client,
		oauth: oauth2.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			Endpoint:     endpoint,
			RedirectURL:  cfg.RedirectURL,
			Scopes:       []string{oidc.ScopeOpenID, "email", "profile"},
		},
		verifier: provider.Verifier(&oidc.Config{ClientID: cfg.ClientID}),
		flowKey:  flowKey(cfg.ClientSecret),
	}
	return h, nil
}

func (c Config) validate() error {
	var missing []string
	if c.Issuer == "" {
		missing = append(missing, "issuer")
	}
	if c.ClientID == "" {
		missing = append(missing, "client id")
	}
	if c.ClientSecret == "" {
		missing = append(missing, "client secret")
	}
	if c.RedirectURL == "" {
		missing = append(missing, "redirect URL")
	}
	if len(missing) > 0 {
		return fmt.Errorf("oidc: single sign-on needs %s", strings.Join(missing, ", "))
	}

	iss, err := url.Parse(c.Issuer)
	switch {
	case err != nil || iss.Host == "" || iss.Opaque != "" || iss.User != nil:
		return fmt.Errorf("oidc: issuer %q is not an absolute URL", c.Issuer)
	case iss.RawQuery != "" || iss.Fragment != "":
		return fmt.Errorf("oidc: issuer %q must have no query or fragment", c.Issuer)
	case iss.Scheme == "https":
	case iss.Scheme == "http" && isLoopback(iss.Hostname()):
	default:
		return fmt.Errorf("oidc: issuer %q must use https (plain http only on a loopback address)", c.Issuer)
	}

	red, err := url.Parse(c.RedirectURL)
	switch {
	case err != nil || red.Host == "" || (red.Scheme != "https" && red.Scheme != "http"):
		return fmt.Errorf("oidc: redirect URL %q is not an absolute http(s) URL", c.RedirectURL)
	case red.RawQuery != "" || red.Fragment != "" || red.User != nil:
		return fmt.Errorf("oidc: redirect URL %q must have no query, fragment or user", c.RedirectURL)
	case !strings.HasSuffix(red.Path, CallbackPath):
		return fmt.Errorf("oidc: redirect URL %q must end with %s, the path Debrief serves the callback on", c.RedirectURL, CallbackPath)
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func discoveryURL(issuer string) string {
	return strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
}

// flowKey derives the key that authenticates the flow cookie from the client
// secret, so that every instance behind a load balancer shares it and a
// restart does not break a sign-in in progress.
func flowKey(clientSecret string) []byte {
	k := sha256.Sum256([]byte("debrief oidc flow cookie v1\x00" + clientSecret))
	return k[:]
}

// Register adds the sign-in routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET "+LoginPath, h.login)
	mux.HandleFunc("GET "+CallbackPath, h.callback)
}

// Routes lists the method and path patterns Register mounts.
func (h *Handler) Routes() []string {
	return []string{"GET " + LoginPath, "GET " + CallbackPath}
}
