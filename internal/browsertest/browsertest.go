// Package browsertest starts a headless Chromium for tests of the pages
// the project serves. A test that needs it fails, rather than skips, when
// Chromium is not installed.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/remote"

	"github.com/portcullis/portcullis/internal/testwait"
)

// Start starts a headless Chromium for t and returns a tab; the browser
// stops when t ends. It fails t when Chromium is not installed.
func Start(t testing.TB) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("chromium is not installed (%v); install it with: apt-get install -y chromium (make deps does)", err)
	}
	dir := TempDir(t)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(dir),
		// Its singleton socket goes to TMPDIR; keep it in dir too.
		chromedp.Env("TMPDIR="+dir),
		chromedp.WindowSize(1200, 760),
		// DevTools over a websocket on --remote-debugging-port=0.
		remote.WebSocket,
	)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	// The first action starts the browser, with ctx as its lifetime.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// TempDir returns a directory for Chromium's profile and temporary files,
// removed when t ends. Chromium's helpers can still write there for a
// moment after it exits, so it is removed with retries rather than by
// t.TempDir.
func TempDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "portcullis-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for range 50 {
			if os.RemoveAll(dir) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	return dir
}

// Do runs actions in the tab, failing t with what after the deadline
// (scaled by testwait).
func Do(t testing.TB, tab context.Context, deadline time.Duration, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithDeadline(tab, testwait.Deadline(t, deadline))
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// Read runs action in the tab and returns its value, failing t with what
// after the deadline (scaled by testwait).
func Read[T any](t testing.TB, tab context.Context, deadline time.Duration, what string, action chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithDeadline(tab, testwait.Deadline(t, deadline))
	defer cancel()
	v, err := chromedp.Run(ctx, action)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// Navigate opens url in the tab, waits for the page to load and returns
// the response of its document, failing t after the deadline (scaled by
// testwait).
func Navigate(t testing.TB, tab context.Context, deadline time.Duration, url string) *network.Response {
	t.Helper()
	ctx, cancel := context.WithDeadline(tab, testwait.Deadline(t, deadline))
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(url))
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	return resp
}
