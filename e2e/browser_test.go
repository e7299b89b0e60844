package e2e

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// chromiumPath finds the browser: $DEBRIEF_CHROMIUM, else a Chromium on the
// PATH. With DEBRIEF_TEST_BROWSER=required (as in CI) a missing browser fails
// the test; otherwise it skips, as on a laptop without one.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("DEBRIEF_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("DEBRIEF_TEST_BROWSER") == "required" {
		t.Fatal("DEBRIEF_TEST_BROWSER=required but no Chromium found (apt-get install chromium, or set DEBRIEF_CHROMIUM)")
	}
	t.Skip("no Chromium found; set DEBRIEF_TEST_BROWSER=required to make this a failure")
	return ""
}

// newBrowser starts a headless Chromium with a fresh profile and returns a
// tab context. The flags keep it off the network: this machine has none, and
// Chromium's background services would only time out.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 1000),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	// The first call starts the browser; it must not carry a timeout, which
	// would stop the browser with it. Later steps get one.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	// Smooth scrolling to a #fragment after each post moves the page under
	// the mouse; a user who asked for reduced motion, as here, gets none.
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}},
	}); err != nil {
		t.Fatalf("emulate reduced motion: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(cancelTimeout)
	return ctx
}
