package gateway

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/blocklist/httpcheck"
	"github.com/portcullis/portcullis/challenge"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/internal/redistest"
)

// challengeDecisions stores challenge decisions for clients in a real
// Redis, each with its score and threshold (a severity of 0.5 at 0.8 over
// 0.6), and returns a Checker that sees them all.
func challengeDecisions(t *testing.T, clients ...string) *blocklist.Checker {
	t.Helper()
	addr := redistest.Start(t)
	store, checker := actionStore(t, addr)
	var ds []*decision.Decision
	for _, c := range clients {
		scope := decision.ScopeIP
		if strings.Contains(c, "/") {
			scope = decision.ScopeIPv6Prefix64
		}
		ds = append(ds, &decision.Decision{Client: c, Scope: scope, TS: time.Now(), Action: decision.ActionChallenge,
			Score: 0.8, Threshold: 0.6, TTLSec: 600})
	}
	if _, err := store.Apply(t.Context(), ds); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the checker sees the challenges", func() bool { return checker.Stats().Decisions == len(ds) })
	return checker
}

// challengeGateway starts a gateway with a browser route /shop, a second
// one /blog, and an API route /api, over checker; its trusted proxy is
// 127.0.0.1, so tests name clients with X-Forwarded-For.
func challengeGateway(t *testing.T, checker *blocklist.Checker, cc challenge.Config) (*testGateway, *upstream) {
	t.Helper()
	up := newUpstream(t, "app", nil)
	cfg := Config{
		Routes: []Route{
			{Name: "shop", PathPrefix: "/shop", Upstreams: []string{up.URL}},
			{Name: "blog", PathPrefix: "/blog", Upstreams: []string{up.URL}},
			{Name: "api", PathPrefix: "/api", Upstreams: []string{up.URL}, Class: ClassAPI},
		},
		RequestIdentity: httpcheck.RequestIdentity{TrustedProxies: []string{"127.0.0.1"}},
		Challenge:       cc,
	}
	tg := startGateway(t, cfg, func(cfg Config, reg prometheus.Registerer) (*Gateway, error) {
		return New(cfg, checker, nil, nil, reg, nil)
	})
	return tg, up
}

var (
	seedRE = regexp.MustCompile(`name="seed" value="([^"]+)"`)
	bitsRE = regexp.MustCompile(`data-bits="(\d+)"`)
)

// solvePage solves the challenge in page as the browser would, and returns
// the answer's form.
func solvePage(t *testing.T, page, ret string) url.Values {
	t.Helper()
	seed, bits := seedRE.FindStringSubmatch(page), bitsRE.FindStringSubmatch(page)
	if seed == nil || bits == nil {
		t.Fatalf("no seed or bits in the page:\n%s", page)
	}
	n, _ := strconv.Atoi(bits[1])
	for i := 0; ; i++ {
		if nonce := strconv.Itoa(i); challenge.LeadingZeros(seed[1], nonce) >= n {
			return url.Values{"seed": {seed[1]}, "nonce": {nonce}, "return": {ret}}
		}
	}
}

// post posts an answer without following the redirect.
func (tg *testGateway) post(t *testing.T, form url.Values, set func(*http.Request)) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", tg.srv.URL+challenge.VerifyPath, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if set != nil {
		set(req)
	}
	c := *tg.srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

func both(sets ...func(*http.Request)) func(*http.Request) {
	return func(r *http.Request) {
		for _, s := range sets {
			s(r)
		}
	}
}

func withCookie(ck *http.Cookie) func(*http.Request) {
	return func(r *http.Request) { r.AddCookie(ck) }
}

func accept(v string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Accept", v) }
}

const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

func TestChallengeStage(t *testing.T) {
	checker := challengeDecisions(t, "198.51.100.7", "198.51.100.8", "2001:db8:7:7::/64", "2001:db8:7:8::/64")
	tg, up := challengeGateway(t, checker, challenge.Config{MinBits: 10, MaxBits: 14})

	t.Run("a client not to be challenged reaches the upstream", func(t *testing.T) {
		if r := tg.do(t, "GET", "/shop/x", nil, both(from("198.51.100.99"), accept(browserAccept))); r.status != 200 || r.body != "app /shop/x" {
			t.Fatalf("status %d, body %q", r.status, r.body)
		}
	})

	var page response
	t.Run("a challenged browser gets the page, under a strict CSP, and the upstream sees nothing", func(t *testing.T) {
		before := up.count()
		page = tg.do(t, "GET", "/shop/cart?item=42", nil, both(from("198.51.100.7"), accept(browserAccept)))
		if page.status != http.StatusForbidden || !strings.Contains(page.body, "Checking your browser") {
			t.Fatalf("status %d, body %q", page.status, page.body)
		}
		if csp := page.header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "default-src 'none'; script-src 'sha256-") {
			t.Errorf("CSP %q", csp)
		}
		if b := bitsRE.FindStringSubmatch(page.body); b == nil || b[1] != "12" {
			t.Errorf("bits %v; want 12, halfway from 10 to 14 at severity 0.5", b)
		}
		if up.count() != before {
			t.Error("the upstream saw the request")
		}
		if got := tg.metric(t, "portcullis_challenge_pages_served_total"); got < 1 {
			t.Errorf("pages served %v", got)
		}
	})

	for _, tt := range []struct {
		name, path string
		set        func(*http.Request)
	}{
		{"an API route never gets the page, even asked for HTML: it is throttled", "/api/items", both(from("198.51.100.7"), accept(browserAccept))},
		{"a JSON request on a browser route never gets the page: it is throttled", "/shop/cart", both(from("198.51.100.7"), accept("application/json"))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// A challenge decision without a limit throttles to 1 request
			// a second: of three at once, at least two are refused.
			refused := 0
			for range 3 {
				r := tg.do(t, "GET", tt.path, nil, tt.set)
				if strings.Contains(r.body, "Checking your browser") {
					t.Fatalf("status %d: the challenge page", r.status)
				}
				if r.status == http.StatusTooManyRequests && r.header.Get("Retry-After") != "" {
					refused++
				}
			}
			if refused < 2 {
				t.Errorf("%d of 3 requests refused with 429 and Retry-After; want at least 2", refused)
			}
		})
	}

	var pass *http.Cookie
	t.Run("a right answer gets a pass and a redirect back; the pass lets the client through", func(t *testing.T) {
		res := tg.post(t, solvePage(t, page.body, "/shop/cart?item=42"), from("198.51.100.7"))
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/shop/cart?item=42" || len(res.Cookies()) != 1 {
			t.Fatalf("status %d, location %q, cookies %v", res.StatusCode, res.Header.Get("Location"), res.Cookies())
		}
		pass = res.Cookies()[0]
		if !pass.HttpOnly || pass.SameSite != http.SameSiteLaxMode || pass.Secure {
			t.Errorf("cookie %+v: want HttpOnly, SameSite=Lax, not Secure on plain HTTP", pass)
		}
		r := tg.do(t, "GET", "/shop/cart?item=42", nil, both(from("198.51.100.7"), withCookie(pass)))
		if r.status != 200 || r.body != "app /shop/cart?item=42" {
			t.Fatalf("with the pass: status %d, body %q", r.status, r.body)
		}
	})
	if pass == nil {
		t.FailNow()
	}

	for _, tt := range []struct {
		name, path string
		set        func(*http.Request)
	}{
		{"the pass replayed from the next address gets the page", "/shop/cart", from("198.51.100.8")},
		{"the pass on another route gets the page", "/blog/post", from("198.51.100.7")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := tg.do(t, "GET", tt.path, nil, both(tt.set, withCookie(pass)))
			if r.status != http.StatusForbidden || !strings.Contains(r.body, "Checking your browser") {
				t.Fatalf("status %d, body %q", r.status, r.body)
			}
		})
	}

	t.Run("an IPv6 pass serves its /64 and no other", func(t *testing.T) {
		p := tg.do(t, "GET", "/shop/", nil, from("2001:db8:7:7::1"))
		res := tg.post(t, solvePage(t, p.body, "/shop/"), from("2001:db8:7:7::1"))
		if len(res.Cookies()) != 1 {
			t.Fatalf("status %d, no pass", res.StatusCode)
		}
		ck := res.Cookies()[0]
		if r := tg.do(t, "GET", "/shop/", nil, both(from("2001:db8:7:7::2"), withCookie(ck))); r.status != 200 {
			t.Errorf("same /64: status %d", r.status)
		}
		if r := tg.do(t, "GET", "/shop/", nil, both(from("2001:db8:7:8::1"), withCookie(ck))); r.status != http.StatusForbidden {
			t.Errorf("another /64: status %d", r.status)
		}
	})

	t.Run("a proxy's redirect to the answer path with ?return= gets the page, at the client's difficulty", func(t *testing.T) {
		r := tg.do(t, "GET", challenge.VerifyPath+"?return="+url.QueryEscape("/shop/cart?item=7"), nil, from("198.51.100.7"))
		if r.status != http.StatusForbidden || !strings.Contains(r.body, `name="return" value="/shop/cart?item=7"`) {
			t.Fatalf("status %d, body %q", r.status, r.body)
		}
		if b := bitsRE.FindStringSubmatch(r.body); b == nil || b[1] != "12" {
			t.Errorf("bits %v; want 12, the decision's", b)
		}
		if r := tg.do(t, "GET", challenge.VerifyPath+"?return="+url.QueryEscape("/api/items"), nil, from("198.51.100.7")); r.status != http.StatusBadRequest {
			t.Errorf("for an API route: status %d; want 400, no page", r.status)
		}
	})

	t.Run("answers are refused, and counted by reason", func(t *testing.T) {
		form := solvePage(t, page.body, "/shop/cart")
		wrong := "0"
		for i := 0; challenge.LeadingZeros(form.Get("seed"), wrong) >= 12; i++ {
			wrong = strconv.Itoa(i)
		}
		for _, tt := range []struct {
			reason string
			form   url.Values
			set    func(*http.Request)
		}{
			{"wrong_address", form, from("198.51.100.8")},
			{"wrong_route", url.Values{"seed": form["seed"], "nonce": form["nonce"], "return": {"/blog/post"}}, from("198.51.100.7")},
			{"bad_pow", url.Values{"seed": form["seed"], "nonce": {wrong}, "return": {"/shop/cart"}}, from("198.51.100.7")},
			{"bad_signature", url.Values{"seed": {strings.Repeat("A", 106)}, "nonce": form["nonce"], "return": {"/shop/cart"}}, from("198.51.100.7")},
			{"malformed", url.Values{"seed": form["seed"], "nonce": form["nonce"], "return": {"//evil.example/shop"}}, from("198.51.100.7")},
			{"malformed", url.Values{"seed": form["seed"], "nonce": form["nonce"], "return": {"/api/items"}}, from("198.51.100.7")},
		} {
			before := tg.metric(t, "portcullis_challenge_failed_total", "reason", tt.reason)
			res := tg.post(t, tt.form, tt.set)
			if res.StatusCode != http.StatusForbidden || res.Header.Get("Location") != "" || len(res.Cookies()) != 0 {
				t.Errorf("%s: status %d, location %q, cookies %v", tt.reason, res.StatusCode, res.Header.Get("Location"), res.Cookies())
			}
			if got := tg.metric(t, "portcullis_challenge_failed_total", "reason", tt.reason) - before; got != 1 {
				t.Errorf("%s: failed rose by %v; want 1", tt.reason, got)
			}
		}
	})

}

func TestChallengeConfig(t *testing.T) {
	base := Config{Routes: []Route{{Name: "a", PathPrefix: "/", Upstreams: []string{"http://127.0.0.1:1"}}}}
	for _, tt := range []struct {
		name string
		cc   challenge.Config
		want string
	}{
		{"bits out of bounds are named", challenge.Config{MinBits: 2}, "gateway: challenge: min_bits 2: set it between 8 and 22"},
		{"bits the wrong way round are named", challenge.Config{MinBits: 20, MaxBits: 12}, "min_bits 20 is above max_bits 12"},
		{"a short cookie TTL is named", challenge.Config{CookieTTL: 1}, "cookie_ttl 1ns"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := base
			cfg.Challenge = tt.cc
			_, err := New(cfg, nil, nil, nil, nil, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New: %v; want %q", err, tt.want)
			}
		})
	}
	t.Run("a missing secret file fails New of a gateway with a Checker", func(t *testing.T) {
		cfg := base
		cfg.Challenge.SecretFile = t.TempDir() + "/none"
		_, err := New(cfg, blocklist.NewChecker(nil, blocklist.CheckerConfig{}, nil), nil, nil, nil, nil)
		if err == nil || !strings.Contains(err.Error(), "challenge: secret_file") {
			t.Fatalf("New: %v", err)
		}
	})
	t.Run("without a Checker no challenge is served and nothing is served at the answer path", func(t *testing.T) {
		up := newUpstream(t, "app", nil)
		cfg := base
		cfg.Routes = []Route{{Name: "a", PathPrefix: "/", Upstreams: []string{up.URL}}}
		tg := startGateway(t, cfg, nil)
		if r := tg.do(t, "POST", challenge.VerifyPath, strings.NewReader("x=1"), nil); r.status != 200 || r.body != "app "+challenge.VerifyPath {
			t.Fatalf("status %d, body %q", r.status, r.body)
		}
	})
}

// count returns how many requests u saw.
func (u *upstream) count() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.seen)
}
