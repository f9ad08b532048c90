package gateway

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdnet "github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/portcullis/portcullis/challenge"
	"github.com/portcullis/portcullis/internal/browsertest"
	"github.com/portcullis/portcullis/internal/testwait"
)

// TestChallengeInChromium has a real headless Chromium meet the challenge
// on a page of the gateway: it solves the proof of work with Web Crypto
// under the page's CSP, gets the pass and lands on the upstream's page.
// The pass it got, replayed from another address, is refused; an API
// route answers it 429, never the page.
func TestChallengeInChromium(t *testing.T) {
	up := newUpstream(t, "app", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!doctype html><title>app</title><p id="app">app `+strings.ReplaceAll(r.URL.RequestURI(), "<", "")+`</p>`)
	})
	// Challenge decisions in a real Redis for the browser (127.0.0.1) and
	// a client that replays its pass from 127.0.0.2, at a severity of
	// 0.5. The peer address is the client, as no proxy is trusted.
	checker := challengeDecisions(t, "127.0.0.1", "127.0.0.2")
	cfg := Config{
		Routes: []Route{
			{Name: "shop", PathPrefix: "/shop", Upstreams: []string{up.URL}},
			{Name: "api", PathPrefix: "/api", Upstreams: []string{up.URL}, Class: ClassAPI},
		},
		// 16 bits at severity 0.5: 65,536 tries expected, a few seconds
		// of Web Crypto.
		Challenge: challenge.Config{MinBits: 12, MaxBits: 20},
	}
	tg := startGateway(t, cfg, func(cfg Config, reg prometheus.Registerer) (*Gateway, error) {
		return New(cfg, checker, nil, nil, reg, nil)
	})
	tab := browsertest.Start(t)
	target := "/shop/cart?item=42"

	t.Run("the browser solves the challenge and reaches the upstream", func(t *testing.T) {
		resp := browsertest.Navigate(t, tab, time.Minute, tg.srv.URL+target)
		if resp.Status != http.StatusForbidden {
			t.Errorf("the first answer is %d; want 403 and the challenge page", resp.Status)
		}
		// The page solves, posts its answer and follows the redirect: wait
		// for the upstream's page, however many navigations that takes.
		want := "app " + target
		var last string
		testwait.Eventually(t, 2*time.Minute, "the upstream's page after the challenge", func() (bool, string) {
			ctx, cancel := context.WithTimeout(tab, 5*time.Second)
			defer cancel()
			text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.getElementById("app") || document.body || {}).textContent || ""`))
			if err != nil {
				return false, err.Error()
			}
			last = text
			return strings.TrimSpace(text) == want, "page text " + last
		})
		if got := tg.metric(t, "portcullis_challenge_passed_total"); got != 1 {
			t.Errorf("challenges passed %v; want 1", got)
		}
		if got := tg.metric(t, "portcullis_challenge_pages_served_total"); got != 1 {
			t.Errorf("pages served %v; want 1", got)
		}
	})

	cookies := browsertest.Read(t, tab, time.Minute, "read the browser's cookies",
		func(ctx context.Context, tg *chromedp.Target) ([]*cdnet.Cookie, error) {
			res, err := cdp.Call(ctx, tg, cdnet.GetCookies, cdnet.GetCookiesParams{})
			return res.Cookies, err
		})
	var pass *http.Cookie
	for _, c := range cookies {
		if c.Name == challenge.CookieName("shop", false) {
			if !c.HTTPOnly || c.SameSite != cdnet.CookieSameSiteLax {
				t.Errorf("the pass cookie is %+v; want HttpOnly and SameSite=Lax", c)
			}
			pass = &http.Cookie{Name: c.Name, Value: c.Value}
		}
	}
	if pass == nil {
		t.Fatalf("the browser holds no pass cookie: %+v", cookies)
	}

	t.Run("the pass replayed from another address is refused", func(t *testing.T) {
		if st, body := getFrom(t, "127.0.0.1", tg.srv.URL+target, pass); st != 200 || !strings.Contains(body, "app "+target) {
			t.Fatalf("from the browser's own address the pass gets %d, %q; want the upstream's page", st, body)
		}
		st, body := getFrom(t, "127.0.0.2", tg.srv.URL+target, pass)
		if st != http.StatusForbidden || !strings.Contains(body, "Checking your browser") {
			t.Fatalf("from 127.0.0.2 the pass gets %d, %q; want the challenge page", st, body)
		}
	})

	t.Run("an API route throttles the browser, 429 past its rate, never the page", func(t *testing.T) {
		served := tg.metric(t, "portcullis_challenge_pages_served_total")
		statuses := map[int64]int{}
		for range 3 {
			resp := browsertest.Navigate(t, tab, time.Minute, tg.srv.URL+"/api/items")
			statuses[resp.Status]++
			text := browsertest.Read(t, tab, time.Minute, "read the page", chromedp.Evaluate[string](`document.body.textContent`))
			if strings.Contains(text, "Checking your browser") {
				t.Fatalf("the API route served the challenge page")
			}
		}
		if statuses[http.StatusTooManyRequests] == 0 {
			t.Errorf("statuses %v; want 429 past the throttle's 1 request a second", statuses)
		}
		if got := tg.metric(t, "portcullis_challenge_pages_served_total"); got != served {
			t.Errorf("pages served %v; want still %v", got, served)
		}
	})
}

// getFrom GETs url from the local address src, with cookie.
func getFrom(t *testing.T, src, url string, cookie *http.Cookie) (int, string) {
	t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 10 * time.Second}
	c := &http.Client{Transport: &http.Transport{DialContext: d.DialContext}, Timeout: 30 * time.Second}
	defer c.CloseIdleConnections()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Accept", browserAccept)
	req.AddCookie(cookie)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}
