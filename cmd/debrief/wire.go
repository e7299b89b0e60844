package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/api"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/demo"
	"github.com/debrief-oss/debrief/server"
	"github.com/debrief-oss/debrief/server/auth"
	"github.com/debrief-oss/debrief/server/oidc"
	"github.com/debrief-oss/debrief/web"
)

// buildServer wires the transports to the service: the one place where the
// API, the web pages, single sign-on and authentication meet. The route
// matrix test builds the server through it too, so it tests what runs.
func buildServer(ctx context.Context, cfg *config, svc *app.Service, ready func(context.Context) error, log *slog.Logger) (*server.Server, error) {
	sso := cfg.oidcIssuer != ""
	pages := web.New(svc, log, web.Options{SSO: sso, Demo: cfg.demo})
	apiHandler := api.New(svc, log)
	apiHandler.SetAlertRule(cfg.alertRule())
	routes := []server.Registrar{apiHandler, pages}
	if sso {
		if cfg.publicURL == "" || cfg.oidcClientID == "" || cfg.oidcClientSecret == "" {
			return nil, usageError{"single sign-on needs --public-url, --oidc-client-id and --oidc-client-secret with --oidc-issuer"}
		}
		h, err := oidc.New(ctx, svc, log, oidc.Config{
			Issuer: cfg.oidcIssuer, ClientID: cfg.oidcClientID, ClientSecret: cfg.oidcClientSecret,
			RedirectURL:   strings.TrimSuffix(cfg.publicURL, "/") + oidc.CallbackPath,
			SecureCookies: cfg.secureCookies || strings.HasPrefix(cfg.publicURL, "https://"),
		})
		if err != nil {
			return nil, fmt.Errorf("single sign-on: %w", err)
		}
		routes = append(routes, h)
	}
	hooks, err := trackerWebhooks(cfg, svc, log)
	if err != nil {
		return nil, err
	}
	routes = append(routes, hooks)
	opts := auth.Options{SecureCookies: cfg.secureCookies, ErrorPage: pages.ServeError}
	if cfg.demo {
		opts.DemoUser = func(ctx context.Context) (int64, error) {
			u, err := demo.User(debrief.WithActor(ctx, debrief.SystemActor), svc)
			if err != nil {
				return 0, err
			}
			return u.ID, nil
		}
	}
	authn := auth.New(svc, log, opts)
	proxies, err := server.ParseTrustedProxies(cfg.trustedProxies)
	if err != nil {
		return nil, usageError{"--trusted-proxies: " + err.Error()}
	}
	return server.New(server.Config{
		TrustedProxies: proxies,
		Addr:           cfg.addr,
		Logger:         log,
		Ready:          ready,
		Routes:         routes,
		Wrap:           []func(http.Handler) http.Handler{authn.Middleware},
	}), nil
}
