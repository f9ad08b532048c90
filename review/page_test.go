package review_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/internal/browsertest"
	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/internal/testwait"
)

var update = flag.Bool("update", false, "rewrite "+screenshot+" from the review page with real data")

// screenshot is the picture of the review page in the README.
const screenshot = "../docs/review-page.png"

// browser starts a headless Chromium for t and returns a tab. It fails the
// test when Chromium is not installed.
func browser(t *testing.T) context.Context { return browsertest.Start(t) }

// in runs actions in the tab, failing the test after a minute (scaled for
// the race detector and slow machines).
func in(t *testing.T, tab context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	browsertest.Do(t, tab, time.Minute, what, actions...)
}

func read[T any](t *testing.T, tab context.Context, what string, action chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithDeadline(tab, testwait.Deadline(t, time.Minute))
	defer cancel()
	v, err := chromedp.Run(ctx, action)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

func rowOf(client string) string { return fmt.Sprintf(`#decisions tr[data-client=%q]`, client) }

// TestReviewPageInChromium signs in to the review page in a headless
// Chromium, finds the clients the detector blocked in a real Redis, with
// their reasons, and unblocks and allowlists them with a click and a
// confirmation.
func TestReviewPageInChromium(t *testing.T) {
	tr := realData(t)
	addr := redistest.Start(t)
	r := newRig(t, addr, tr.history, nil)
	r.block(t, tr.decisions...)
	manual := testDecision("key_7f3a", 3*time.Minute, 0, "manual: ticket 4711")
	manual.Scope, manual.Model = "api_key", "manual"
	manual.Action, manual.Limit = decision.ActionThrottle, 2
	r.block(t, manual)
	if err := r.store.Allow(context.Background(), "10.0.0.0/8"); err != nil {
		t.Fatal(err)
	}
	tab := browser(t)
	page := r.srv.URL + "/review/"

	t.Run("a wrong token leads back to the sign-in form with the error", func(t *testing.T) {
		in(t, tab, "sign in with a wrong token",
			chromedp.Navigate(page),
			chromedp.WaitVisible(chromedp.CSS("#token")),
			chromedp.SendKeys(chromedp.CSS("#token"), "wrong-token-0123456789"),
			chromedp.Click(chromedp.CSS(`#login-form button[type="submit"]`)))
		msg := read(t, tab, "the sign-in error", chromedp.Poll[string](`document.querySelector("#login-error").textContent`))
		if !strings.Contains(msg, "wrong token") {
			t.Errorf("sign-in error %q", msg)
		}
	})

	target, other := tr.decisions[0], tr.decisions[1]
	in(t, tab, "sign in",
		chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.CSS("#token")),
		chromedp.SendKeys(chromedp.CSS("#token"), testToken),
		chromedp.Click(chromedp.CSS(`#login-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(rowOf(target.Client))))

	t.Run("every blocked client is listed with its score, reasons and TTL", func(t *testing.T) {
		rows := read(t, tab, "count rows", chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll("#decisions tbody tr[data-client]"), (tr) => tr.dataset.client)`))
		want := []string{manual.Client}
		for _, d := range tr.decisions {
			want = append(want, d.Client)
		}
		slices.Sort(rows)
		slices.Sort(want)
		if !slices.Equal(rows, want) {
			t.Errorf("the page lists %v; want %v", rows, want)
		}
		for _, d := range tr.decisions {
			text := read(t, tab, "a row", chromedp.Text(chromedp.CSS(rowOf(d.Client))))
			for _, reason := range d.Reasons {
				if !strings.Contains(text, reason.Feature) {
					t.Errorf("row of %s lacks the reason %s: %q", d.Client, reason.Feature, text)
				}
			}
			if !strings.Contains(text, fmt.Sprintf("%.3f", d.Score)) || !strings.Contains(text, "ago") || !strings.Contains(text, "m ") {
				t.Errorf("row of %s lacks its score %.3f, onset or TTL: %q", d.Client, d.Score, text)
			}
			if act := read(t, tab, "an action", chromedp.Text(chromedp.CSS(rowOf(d.Client)+" small.action"))); act != "block" {
				t.Errorf("row of %s shows the action %q, want block", d.Client, act)
			}
		}
		if act := read(t, tab, "the manual action", chromedp.Text(chromedp.CSS(rowOf(manual.Client)+" small.action"))); act != "throttle at 2 req/s" {
			t.Errorf("row of the manual throttle shows %q, want its action and rate", act)
		}
	})

	t.Run("a client's recent judgements open under its row, the decided one marked", func(t *testing.T) {
		in(t, tab, "open the history",
			chromedp.Click(chromedp.CSS(rowOf(target.Client)+" td.client button")),
			chromedp.WaitVisible(chromedp.CSS("tr.detail table.history tr.decided")))
		if *update {
			png := read(t, tab, "screenshot", chromedp.FullScreenshot(100))
			if err := os.WriteFile(screenshot, png, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("wrote %s (%d KB)", screenshot, len(png)>>10)
		}
		in(t, tab, "close the history",
			chromedp.Click(chromedp.CSS(rowOf(target.Client)+" td.client button")),
			chromedp.WaitNotPresent(chromedp.CSS("tr.detail")))
	})

	t.Run("cancelling an unblock leaves the client blocked", func(t *testing.T) {
		row := rowOf(target.Client)
		in(t, tab, "unblock, then cancel",
			chromedp.Click(chromedp.CSS(row+" button.unblock")),
			chromedp.WaitVisible(chromedp.CSS(row+" button.confirm")),
			chromedp.Click(chromedp.CSS(row+" td.actions button.quiet")),
			chromedp.WaitVisible(chromedp.CSS(row+" button.unblock")))
		if !r.blocked(t, target.Client) {
			t.Error("a cancelled unblock unblocked the client")
		}
	})

	t.Run("unblocking and confirming removes the client from the page and from Redis", func(t *testing.T) {
		row := rowOf(target.Client)
		in(t, tab, "unblock and confirm",
			chromedp.Click(chromedp.CSS(row+" button.unblock")),
			chromedp.WaitVisible(chromedp.CSS(row+" button.confirm")))
		if !r.blocked(t, target.Client) {
			t.Fatal("the first click unblocked the client before the confirmation")
		}
		in(t, tab, "confirm", chromedp.Click(chromedp.CSS(row+" button.confirm")), chromedp.WaitNotPresent(chromedp.CSS(row)))
		if r.blocked(t, target.Client) {
			t.Errorf("%s is still blocked in Redis", target.Client)
		}
		if s := read(t, tab, "status", chromedp.Text(chromedp.CSS("#status"))); !strings.Contains(s, "unblocked") {
			t.Errorf("status %q", s)
		}
	})

	t.Run("allowlisting and confirming lifts the block and lists the entry", func(t *testing.T) {
		row := rowOf(other.Client)
		entry := fmt.Sprintf(`#allowlist li[data-entry=%q]`, other.Client)
		in(t, tab, "allowlist and confirm",
			chromedp.Click(chromedp.CSS(row+" button.allow")),
			chromedp.WaitVisible(chromedp.CSS(row+" button.confirm")),
			chromedp.Click(chromedp.CSS(row+" button.confirm")),
			chromedp.WaitNotPresent(chromedp.CSS(row)),
			chromedp.WaitVisible(chromedp.CSS(entry)))
		es, err := r.store.Allowlist(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(es, other.Client) || r.blocked(t, other.Client) {
			t.Errorf("allowlist %v, %s blocked: %v", es, other.Client, r.blocked(t, other.Client))
		}
		in(t, tab, "remove the entry and confirm",
			chromedp.Click(chromedp.CSS(entry+" button.unallow")),
			chromedp.WaitVisible(chromedp.CSS(entry+" button.confirm")),
			chromedp.Click(chromedp.CSS(entry+" button.confirm")),
			chromedp.WaitNotPresent(chromedp.CSS(entry)))
		if es, _ := r.store.Allowlist(context.Background()); !slices.Equal(es, []string{"10.0.0.0/8"}) {
			t.Errorf("allowlist after removal: %v", es)
		}
	})
}
