package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/store"
)

// runToken makes an API token for a user from the server's command line:
// how automation (a CI job, a bot, a benchmark) gets its first credential
// without a browser.
func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return usageError{"usage: debrief token create --email EMAIL --name NAME [--scope read|read-write] [--expires 720h]"}
	}
	var cfg config
	fs := newFlagSet("token create", &cfg, stderr)
	email := fs.String("email", "", "the user the token acts as (required)")
	name := fs.String("name", "", "what the token is for, such as \"ci\" (required)")
	scope := fs.String("scope", "read", "read or read-write")
	expires := fs.Duration("expires", 0, "lifetime, such as 720h; 0 never expires")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *email == "" || *name == "" {
		return usageError{"token create needs --email and --name"}
	}
	st, err := openMigrated(ctx, cfg.database)
	if err != nil {
		return err
	}
	defer st.Close()
	sys := debrief.WithActor(ctx, debrief.SystemActor)
	svc := app.New(st)
	users, _, err := svc.FindUsers(sys, store.UserFilter{Query: email})
	if err != nil {
		return err
	}
	var user *debrief.User
	for _, u := range users {
		if strings.EqualFold(u.Email, *email) {
			user = u
		}
	}
	if user == nil {
		return fmt.Errorf("--email: no user %q (create one with debrief user create)", *email)
	}
	var until *time.Time
	if *expires > 0 {
		t := time.Now().Add(*expires)
		until = &t
	}
	secret, tok, err := svc.IssueToken(sys, user.ID, *name, debrief.Scope(*scope), until)
	if err != nil {
		if f := debrief.ErrorField(err); f != "" {
			return fmt.Errorf("--%s: %s", f, debrief.ErrorMessage(err))
		}
		return err
	}
	fmt.Fprintf(stderr, "created %s token %q for %s (id %d); it is shown once:\n", tok.Scope, tok.Name, user.Email, tok.ID)
	fmt.Fprintln(stdout, secret)
	return nil
}
