package enforce

import (
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/challenge"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/internal/testwait"
)

// challengeKey writes a challenge key to a file and returns its path.
func challengeKey(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "challenge.key")
	writeFile(t, path, strings.Repeat("k", challenge.MinSecretBytes)+"\n")
	return path
}

// challengeAttrs are the seed and the difficulty of a challenge page.
var challengeAttrs = regexp.MustCompile(`data-seed="([^"]+)" data-bits="(\d+)"`)

// solvePage finds the seed and difficulty in a challenge page and solves
// it by brute force, as the page's script does.
func solvePage(t *testing.T, page string) (seed, nonce string) {
	t.Helper()
	m := challengeAttrs.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no seed in the page:\n%s", page)
	}
	bits, _ := strconv.Atoi(m[2])
	for n := 0; n < 1<<30; n++ {
		if s := strconv.Itoa(n); challenge.LeadingZeros(m[1], s) >= bits {
			return m[1], s
		}
	}
	t.Fatal("no nonce found")
	return "", ""
}

// noRedirects makes c return redirects rather than follow them.
func noRedirects(c *http.Client) *http.Client {
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// TestNginxChallenge is a browser's way through a challenge decision at
// nginx with examples/nginx: redirected to the challenge page, which
// enforce serves through nginx; the answer earns a pass cookie; with it the
// page it asked for is served, and from another address the same cookie
// is no pass. A request for JSON or to an API route is throttled, never
// sent to a page.
func TestNginxChallenge(t *testing.T) {
	srv := redistest.StartServer(t)
	cfg := exampleConfig(t, "nginx", srv.Addr())
	cfg.Challenge.SecretFile = challengeKey(t)
	cfg.Challenge.MinBits, cfg.Challenge.MaxBits = 10, 12
	cfg.Routes = append(cfg.Routes, Route{PathPrefix: "/api/", FailMode: "open", Class: classAPI})
	s := startService(t, cfg)
	p := startNginx(t, s)
	store := storeFor(t, cfg)
	applyOne(t, store, actionDecision("127.0.0.7", decision.ActionChallenge, 0.5))
	applyOne(t, store, actionDecision("127.0.0.8", decision.ActionChallenge, 0.5))
	testwait.Until(t, 5*time.Second, "the decisions in the service's view", func() bool { return s.checker.Stats().Decisions == 2 })

	browser, other := noRedirects(clientFrom(t, "127.0.0.7")), noRedirects(clientFrom(t, "127.0.0.8"))
	page := map[string]string{"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
	var cookie *http.Cookie

	t.Run("a request for a page is redirected to the challenge, naming the page", func(t *testing.T) {
		resp, _ := get(t, browser, p.URL()+"/shop?item=1", page)
		loc, err := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusFound || err != nil || loc.Path != challenge.VerifyPath || loc.Query().Get("return") != "/shop?item=1" {
			t.Fatalf("%d, Location %q; want 302 to %s?return=/shop?item=1\nproxy log: %s", resp.StatusCode, resp.Header.Get("Location"), challenge.VerifyPath, p.Log())
		}
	})

	t.Run("the challenge page is served through nginx, solved, and the answer earns a pass", func(t *testing.T) {
		resp, body := get(t, browser, p.URL()+challenge.VerifyPath+"?return="+url.QueryEscape("/shop?item=1"), page)
		if resp.StatusCode != http.StatusForbidden || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") {
			t.Fatalf("challenge page: %d %q, CSP %q\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Security-Policy"), body)
		}
		seed, nonce := solvePage(t, body)
		form := url.Values{"seed": {seed}, "nonce": {nonce}, "return": {"/shop?item=1"}}
		ans, err := browser.PostForm(p.URL()+challenge.VerifyPath, form)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, ans.Body)
		ans.Body.Close()
		if ans.StatusCode != http.StatusSeeOther || ans.Header.Get("Location") != "/shop?item=1" {
			t.Fatalf("answer: %d, Location %q; want 303 to /shop?item=1", ans.StatusCode, ans.Header.Get("Location"))
		}
		for _, c := range ans.Cookies() {
			if c.Name == challenge.CookieName("", false) {
				cookie = c
			}
		}
		if cookie == nil || !cookie.HttpOnly {
			t.Fatalf("answer set cookies %v; want an HttpOnly %s", ans.Cookies(), challenge.CookieName("", false))
		}
	})
	if cookie == nil {
		t.FailNow()
	}
	withPass := map[string]string{"Accept": page["Accept"], "Cookie": cookie.Name + "=" + cookie.Value}

	t.Run("with the pass, the page is served", func(t *testing.T) {
		resp, body := get(t, browser, p.URL()+"/shop?item=1", withPass)
		if resp.StatusCode != 200 || body != "app" {
			t.Fatalf("%d %q; want the backend's 200", resp.StatusCode, body)
		}
		if resp, body := get(t, browser, p.URL()+"/cart", withPass); resp.StatusCode != 200 || body != "app" {
			t.Fatalf("another page of the same route class: %d %q; want 200", resp.StatusCode, body)
		}
	})

	t.Run("the same cookie from another address is challenged again", func(t *testing.T) {
		resp, _ := get(t, other, p.URL()+"/shop?item=1", withPass)
		if resp.StatusCode != http.StatusFound {
			t.Fatalf("%d; want 302 to the challenge", resp.StatusCode)
		}
	})

	t.Run("a forged or altered cookie is no pass", func(t *testing.T) {
		v := []byte(cookie.Value)
		v[len(v)/2] ^= 'A' ^ 'B' // an A becomes a B and any other letter another one
		forged := map[string]string{"Accept": page["Accept"], "Cookie": cookie.Name + "=" + string(v)}
		if resp, _ := get(t, browser, p.URL()+"/shop", forged); resp.StatusCode != http.StatusFound {
			t.Fatalf("%d; want 302 to the challenge", resp.StatusCode)
		}
	})

	t.Run("a request for JSON or to an API route is throttled, never challenged", func(t *testing.T) {
		var throttled bool
		for _, q := range []struct{ path, accept string }{
			{"/shop", "application/json"}, {"/shop", "application/json"}, {"/api/items", "text/html"}, {"/api/items", "text/html"},
		} {
			resp, body := get(t, other, p.URL()+q.path, map[string]string{"Accept": q.accept})
			switch resp.StatusCode {
			case 200:
			case http.StatusTooManyRequests:
				throttled = true
				if ra, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || ra < 1 || !strings.Contains(body, `"throttled"`) {
					t.Errorf("429 with Retry-After %q and body %q; want seconds and a throttled body", resp.Header.Get("Retry-After"), body)
				}
			default:
				t.Fatalf("%s (Accept %s): %d, Location %q; want 200 or 429\nproxy log: %s", q.path, q.accept, resp.StatusCode, resp.Header.Get("Location"), p.Log())
			}
		}
		if !throttled {
			t.Error("four requests at a 0.5/s rate were all let through; want 429 past the rate")
		}
	})

	t.Run("checks let through by a pass are counted apart", func(t *testing.T) {
		_, body := get(t, clientFrom(t, "127.0.0.1"), "http://"+s.AdminAddr().String()+"/metrics", nil)
		for _, want := range []string{
			`portcullis_enforce_checks_total{interface="forward_auth",result="passed"} 2`,
			`portcullis_challenge_passed_total 1`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
	})
}

// TestCaddyChallenge is the browser's way through a challenge decision at
// Caddy with examples/caddy: Caddy passes enforce's 302 on, and routes the
// challenge to it.
func TestCaddyChallenge(t *testing.T) {
	srv := redistest.StartServer(t)
	cfg := exampleConfig(t, "caddy", srv.Addr())
	cfg.Challenge.MinBits, cfg.Challenge.MaxBits = 10, 10
	s := startService(t, cfg)
	p := startCaddy(t, s)
	store := storeFor(t, cfg)
	applyOne(t, store, actionDecision("127.0.0.7", decision.ActionChallenge, 0.5))
	testwait.Until(t, 5*time.Second, "the decision in the service's view", func() bool { return s.checker.Stats().Decisions == 1 })
	browser := noRedirects(clientFrom(t, "127.0.0.7"))
	page := map[string]string{"Accept": "text/html"}
	resp, _ := get(t, browser, p.URL()+"/shop", page)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("%d; want 302 to the challenge\nproxy log: %s", resp.StatusCode, p.Log())
	}
	resp, body := get(t, browser, p.URL()+resp.Header.Get("Location"), page)
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("challenge page: %d\n%s", resp.StatusCode, body)
	}
	seed, nonce := solvePage(t, body)
	ans, err := browser.PostForm(p.URL()+challenge.VerifyPath, url.Values{"seed": {seed}, "nonce": {nonce}, "return": {"/shop"}})
	if err != nil {
		t.Fatal(err)
	}
	ans.Body.Close()
	if ans.StatusCode != http.StatusSeeOther || len(ans.Cookies()) != 1 {
		t.Fatalf("answer: %d, cookies %v; want 303 and the pass", ans.StatusCode, ans.Cookies())
	}
	c := ans.Cookies()[0]
	if resp, body := get(t, browser, p.URL()+"/shop", map[string]string{"Cookie": c.Name + "=" + c.Value}); resp.StatusCode != 200 || body != "app" {
		t.Fatalf("with the pass: %d %q; want the backend's 200", resp.StatusCode, body)
	}
}

// TestExtAuthzChallenge checks a challenge decision over ext_authz: the
// pass is read from the cookie header of the CheckRequest, bound to the
// client's address and route class, and a JSON request is throttled.
func TestExtAuthzChallenge(t *testing.T) {
	cfg := testConfig(redistest.Start(t))
	cfg.Challenge.URL = challenge.VerifyPath
	cfg.Challenge.SecretEnv = "PORTCULLIS_TEST_ENFORCE_CHALLENGE"
	t.Setenv(cfg.Challenge.SecretEnv, strings.Repeat("e", challenge.MinSecretBytes))
	cfg.Challenge.MinBits, cfg.Challenge.MaxBits = 10, 10
	cfg.Routes = []Route{{PathPrefix: "/account/", FailMode: "open"}, {PathPrefix: "/api/", FailMode: "open", Class: classAPI}}
	s := startService(t, cfg)
	store := storeFor(t, cfg)
	applyOne(t, store, actionDecision("203.0.113.3", decision.ActionChallenge, 0.5))
	applyOne(t, store, actionDecision("203.0.113.4", decision.ActionChallenge, 0.5))
	testwait.Until(t, 5*time.Second, "the decisions in the service's view", func() bool { return s.checker.Stats().Decisions == 2 })

	// The pass is earned as Envoy would route the challenge to the HTTP
	// listener: from the trusted proxy, naming the client.
	proxy := noRedirects(clientFrom(t, "127.0.0.1"))
	fwd := map[string]string{"X-Forwarded-For": "203.0.113.3"}
	_, body := get(t, proxy, "http://"+s.Addr().String()+challenge.VerifyPath+"?return=%2Fshop", fwd)
	seed, nonce := solvePage(t, body)
	req, _ := http.NewRequest(http.MethodPost, "http://"+s.Addr().String()+challenge.VerifyPath,
		strings.NewReader(url.Values{"seed": {seed}, "nonce": {nonce}, "return": {"/shop"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", "203.0.113.3")
	ans, err := proxy.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	ans.Body.Close()
	if ans.StatusCode != http.StatusSeeOther || len(ans.Cookies()) != 1 {
		t.Fatalf("answer: %d, cookies %v; want 303 and the pass", ans.StatusCode, ans.Cookies())
	}
	pass := ans.Cookies()[0].Name + "=" + ans.Cookies()[0].Value

	check := extAuthzCheck(t, s)
	html := map[string]string{"accept": "text/html"}
	withPass := map[string]string{"accept": "text/html", "cookie": "theme=dark; " + pass}
	tests := []struct {
		name         string
		source, path string
		headers      map[string]string
		want         int
	}{
		{"without a pass, a page is redirected to the challenge", "203.0.113.3", "/shop", html, 302},
		{"with the pass in the cookie header, the page is allowed", "203.0.113.3", "/shop", withPass, 200},
		{"the pass from another address is no pass", "203.0.113.4", "/shop", withPass, 302},
		{"the pass on another route class is no pass", "203.0.113.3", "/account/settings", withPass, 302},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, hs := check(tt.source, tt.path, tt.headers)
			if code != tt.want {
				t.Fatalf("%d %v; want %d", code, hs, tt.want)
			}
			if code == 302 && !strings.HasPrefix(hs["location"], challenge.VerifyPath+"?return=") {
				t.Errorf("location %q; want the challenge", hs["location"])
			}
		})
	}
	t.Run("a request for JSON or to an API route is throttled, never challenged", func(t *testing.T) {
		var codes []int
		for _, q := range []struct{ path, accept string }{{"/shop", "application/json"}, {"/api/items", "text/html"}, {"/api/items", "text/html"}} {
			code, _ := check("203.0.113.4", q.path, map[string]string{"accept": q.accept})
			codes = append(codes, code)
		}
		if codes[0] != 200 || codes[1] != 429 || codes[2] != 429 {
			t.Errorf("statuses %v; want 200 then 429, 429", codes)
		}
	})
}
