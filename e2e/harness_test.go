// Package e2e drives the real debrief binary: built once per test run,
// started on port 0 with a fresh database, and used through HTTP and a real
// Chromium, as a user would.
package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var binary string // path of the debrief binary built by TestMain

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "debrief-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "debrief")
	build := exec.Command("go", "build", "-o", binary, "../cmd/debrief")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build debrief:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// instance is one running debrief process.
type instance struct {
	URL string
	// client keeps cookies, as a browser would: the demo signs a visitor
	// from this machine in with a session cookie on the first page.
	client *http.Client
	// stdout holds what the process printed for its operator (the
	// first-admin setup link).
	stdout *syncBuffer
	cmd    *exec.Cmd
	logs   *strings.Builder
	exited chan error
}

// start runs `debrief serve` on port 0 with the given extra flags and waits
// until it logs that it is ready. The process is stopped at cleanup.
func start(tb testing.TB, database string, flags ...string) *instance {
	tb.Helper()
	inst, err := launch(database, flags...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { inst.stop(tb) })
	return inst
}

func launch(database string, flags ...string) (*instance, error) {
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--database", database, "--log-format", "json"}, flags...)
	return launchWith(args, nil)
}

// launchWith runs the binary with the given arguments and extra environment
// and waits for its ready line (it must log JSON).
func launchWith(args, env []string) (*instance, error) {
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	out := &syncBuffer{}
	cmd.Stdout = out
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	jar, _ := cookiejar.New(nil)
	inst := &instance{cmd: cmd, logs: &strings.Builder{}, exited: make(chan error, 1),
		client: &http.Client{Jar: jar, Timeout: 10 * time.Second}, stdout: out}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			inst.logs.WriteString(line + "\n")
			var rec struct {
				Msg string `json:"msg"`
				URL string `json:"url"`
			}
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "debrief is ready" {
				ready <- rec.URL
			}
		}
		inst.exited <- cmd.Wait()
	}()
	select {
	case inst.URL = <-ready:
		return inst, nil
	case err := <-inst.exited:
		return nil, fmt.Errorf("debrief exited before it was ready: %v\n%s", err, inst.logs)
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		return nil, fmt.Errorf("debrief not ready after 30s:\n%s", inst.logs)
	}
}

// stop sends SIGTERM, as an orchestrator would, and expects a clean exit.
func (in *instance) stop(tb testing.TB) {
	if in.cmd.ProcessState != nil {
		return
	}
	in.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-in.exited:
		if err != nil {
			tb.Errorf("debrief did not exit cleanly on SIGTERM: %v\n%s", err, in.logs)
		}
	case <-time.After(20 * time.Second):
		in.cmd.Process.Kill()
		tb.Errorf("debrief did not stop within 20s of SIGTERM")
	}
}

// get fetches path (or a full URL) with the instance's cookie-keeping client.
func (in *instance) get(tb testing.TB, path string) (int, string) {
	tb.Helper()
	url := path
	if strings.HasPrefix(path, "/") {
		url = in.URL + path
	}
	resp, err := in.client.Get(url)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// syncBuffer is a bytes.Buffer safe to write from the process's copier and
// read from the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
