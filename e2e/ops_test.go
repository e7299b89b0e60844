package e2e

import (
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeDemoAndOperations runs the README's first command the way a new
// user would (with a fresh database) and checks what they and an operator see.
func TestServeDemoAndOperations(t *testing.T) {
	db := filepath.Join(t.TempDir(), "debrief.db")
	inst := start(t, db, "--demo")

	if code, body := inst.get(t, "/healthz"); code != 200 || !strings.Contains(body, "ok") {
		t.Errorf("/healthz = %d %q", code, body)
	}
	if code, _ := inst.get(t, "/readyz"); code != 200 {
		t.Errorf("/readyz = %d, want 200", code)
	}
	code, page := inst.get(t, "/")
	if code != 200 || !strings.Contains(page, "Traefik v2") {
		t.Errorf("home page = %d, want the demo incident listed; got:\n%.500s", code, page)
	}
	// The demo happened in August: its zone is shown with the offset it had
	// then, whatever the month of reading.
	if code, inc := inst.get(t, "/incidents/1"); code != 200 || !strings.Contains(html.UnescapeString(inc), "Europe/Copenhagen (UTC+02:00)") {
		t.Errorf("incident page = %d, want the zone with its August offset", code)
	}
	code, md := inst.get(t, "/api/v1/incidents/1/retrospective.md")
	if code != 200 || !strings.Contains(md, "# Online booking down") || !strings.Contains(md, "## Recommendations") {
		t.Errorf("markdown export = %d:\n%.800s", code, md)
	}
	code, metrics := inst.get(t, "/metrics")
	if code != 200 || !strings.Contains(metrics, `debrief_http_requests_total{code="200",method="GET",route="GET /readyz"}`) {
		t.Errorf("/metrics = %d, want request counts by route; got:\n%.1500s", code, metrics)
	}

	// A second start on the same database must not load the demo twice.
	inst.stop(t)
	again := start(t, db, "--demo")
	again.get(t, "/") // the demo signs this machine's visitor in
	_, list := again.get(t, "/api/v1/incidents")
	if n := strings.Count(list, `"title":"Online booking down`); n != 1 {
		t.Errorf("demo incident listed %d times after a restart, want 1", n)
	}
}

// TestCLI checks the other subcommands on a real database file.
func TestCLI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "cli.db")
	out, err := exec.Command(binary, "migrate", "--database", db).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "up to date") {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	out, err = exec.Command(binary, "version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "debrief ") {
		t.Fatalf("version: %v\n%s", err, out)
	}
	// Load the demo, stop, then export from the file.
	inst := start(t, db, "--demo")
	inst.stop(t)
	mdPath := filepath.Join(dir, "out.md")
	if out, err := exec.Command(binary, "export", "--database", db, "--out", mdPath, "1").CombinedOutput(); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	md := readFile(t, mdPath)
	for _, want := range []string{"# Online booking down", "| Severity | SEV2 |", "## Timeline", "CEST (UTC+02:00)", "| # | Action |"} {
		if !strings.Contains(md, want) {
			t.Errorf("export lacks %q", want)
		}
	}
	out, _ = exec.Command(binary, "export", "--database", db, "--format", "json", "1").CombinedOutput()
	if !strings.Contains(string(out), `"incident"`) || !strings.Contains(string(out), `"actions"`) {
		t.Errorf("json export:\n%.500s", out)
	}
	// Mistakes get a clear message and a non-zero status.
	cmd := exec.Command(binary, "export", "--database", db, "999")
	out, err = cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "999") || !strings.Contains(strings.ToLower(string(out)), "not found") {
		t.Errorf("export of a missing incident: err=%v\n%s", err, out)
	}
	// The first admin from the command line, with a password on stdin.
	fresh := filepath.Join(dir, "users.db")
	first := start(t, fresh)
	if !setupLinkRE.MatchString(waitFor(t, first.stdout, "setup?token=")) {
		t.Errorf("a first start does not print the setup link:\n%s", first.stdout)
	}
	first.stop(t)
	create := exec.Command(binary, "user", "create", "--database", fresh, "--admin", "--email", "root@example.com", "--name", "Root", "--password-stdin")
	create.Stdin = strings.NewReader("a passphrase long enough\n")
	out, err = create.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "created organisation admin root@example.com") || strings.Contains(string(out), "passphrase") {
		t.Errorf("user create: %v\n%s", err, out)
	}
	out, err = exec.Command(binary, "user", "create", "--database", fresh, "--email", "root@example.com", "--name", "Again").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "--email") {
		t.Errorf("duplicate user: %v\n%s", err, out)
	}
	again := start(t, fresh)
	if strings.Contains(again.stdout.String(), "setup?token=") {
		t.Error("the setup link is printed although an admin exists")
	}
	out, err = exec.Command(binary, "nonsense").CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(string(out), "unknown command") {
		t.Errorf("unknown command: err=%v\n%s", err, out)
	}
}

// TestEnvironmentConfiguration checks DEBRIEF_* variables configure serve.
func TestEnvironmentConfiguration(t *testing.T) {
	db := filepath.Join(t.TempDir(), "env.db")
	inst, err := launchWith([]string{"serve"}, []string{"DEBRIEF_ADDR=127.0.0.1:0", "DEBRIEF_DATABASE=" + db,
		"DEBRIEF_LOG_FORMAT=json", "DEBRIEF_SEVERITIES=P1,P2,P3"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inst.stop(t) })
	if _, err := os.Stat(db); err != nil {
		t.Errorf("DEBRIEF_DATABASE not used: %v", err)
	}
	_, cfg := inst.get(t, "/api/v1/config")
	if !strings.Contains(cfg, `"P1"`) || strings.Contains(cfg, `"SEV1"`) {
		t.Errorf("DEBRIEF_SEVERITIES not applied: %s", cfg)
	}
}
