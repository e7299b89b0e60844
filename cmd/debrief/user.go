package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
)

// runUser manages accounts from the command line, as the system: the way in
// for the first admin on a server nobody can reach with a browser yet.
func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return usageError{"usage: debrief user create --email EMAIL --name NAME [--admin] [--password-stdin]"}
	}
	var cfg config
	fs := newFlagSet("user create", &cfg, stderr)
	email := fs.String("email", "", "the user's email address (required)")
	name := fs.String("name", "", "the user's name (required)")
	admin := fs.Bool("admin", false, "make the user an organisation admin")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input instead of generating one")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *email == "" || *name == "" {
		return usageError{"user create needs --email and --name"}
	}
	password, generated, err := readPassword(*fromStdin, os.Stdin)
	if err != nil {
		return err
	}

	st, err := openMigrated(ctx, cfg.database)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := app.New(st)
	u := &debrief.User{Email: *email, Name: *name, OrgAdmin: *admin}
	if err := svc.CreateUser(debrief.WithActor(ctx, debrief.SystemActor), u, password); err != nil {
		if f := debrief.ErrorField(err); f != "" {
			return fmt.Errorf("--%s: %s", f, debrief.ErrorMessage(err))
		}
		return err
	}
	role := "user"
	if u.OrgAdmin {
		role = "organisation admin"
	}
	fmt.Fprintf(stdout, "created %s %s (id %d)\n", role, u.Email, u.ID)
	if generated {
		// Printed once, to the operator's terminal; never logged.
		fmt.Fprintf(stdout, "password: %s\n", password)
	}
	return nil
}

// readPassword reads one line from r, or makes a random password.
func readPassword(fromStdin bool, r io.Reader) (password string, generated bool, err error) {
	if !fromStdin {
		b := make([]byte, 18)
		if _, err := rand.Read(b); err != nil {
			return "", false, err
		}
		return base64.RawURLEncoding.EncodeToString(b), true, nil
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", false, fmt.Errorf("read password: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), false, nil
}
