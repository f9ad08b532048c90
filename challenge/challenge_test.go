package challenge

import (
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// testKey is a fixed key, so tests can make tokens of another key.
var testKey = []byte("0123456789abcdef0123456789abcdef")

// newTest returns a Challenger with testKey and a clock the test moves.
func newTest(t *testing.T, cfg Config) (*Challenger, *time.Time) {
	t.Helper()
	dir := t.TempDir()
	cfg.SecretFile = filepath.Join(dir, "secret")
	if err := os.WriteFile(cfg.SecretFile, append(testKey, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return now }
	return c, &now
}

// solve finds a nonce for seed by brute force, as the page does.
func solve(t *testing.T, seed string, bits int) string {
	t.Helper()
	for n := 0; n < 1<<30; n++ {
		s := strconv.Itoa(n)
		if LeadingZeros(seed, s) >= bits {
			return s
		}
	}
	t.Fatal("no nonce found")
	return ""
}

// unsolve finds a nonce that does not solve seed.
func unsolve(seed string, bits int) string {
	for n := 0; ; n++ {
		if s := strconv.Itoa(n); LeadingZeros(seed, s) < bits {
			return s
		}
	}
}

var (
	home      = netip.MustParseAddr("203.0.113.7")
	neighbour = netip.MustParseAddr("203.0.113.8")
	v6        = netip.MustParseAddr("2001:db8:1:2::10")
	v6Same64  = netip.MustParseAddr("2001:db8:1:2:ffff::99")
	v6Other64 = netip.MustParseAddr("2001:db8:1:3::10")
)

func TestSolutions(t *testing.T) {
	c, now := newTest(t, Config{MinBits: 10, MaxBits: 10})
	other, _ := newTest(t, Config{MinBits: 10, MaxBits: 10})
	other.key = []byte("another key, 32 bytes or more...")
	seed := c.Seed(home, "shop", 10)
	nonce := solve(t, seed, 10)
	seed6 := c.Seed(v6, "shop", 10)
	nonce6 := solve(t, seed6, 10)
	foreign := other.Seed(home, "shop", 10)

	tests := []struct {
		name              string
		seed, nonce       string
		client            netip.Addr
		class             string
		after             time.Duration
		want              error
		wantReasonOfError string
	}{
		{name: "a solved seed passes from the address it was issued to", seed: seed, nonce: nonce, client: home, class: "shop"},
		{name: "an IPv6 seed passes from another host of the same /64", seed: seed6, nonce: nonce6, client: v6Same64, class: "shop"},
		{name: "an IPv4 seed is refused from the next address", seed: seed, nonce: nonce, client: neighbour, class: "shop", want: ErrWrongAddress},
		{name: "an IPv6 seed is refused from another /64", seed: seed6, nonce: nonce6, client: v6Other64, class: "shop", want: ErrWrongAddress},
		{name: "a seed is refused on another route class", seed: seed, nonce: nonce, client: home, class: "admin", want: ErrWrongRoute},
		{name: "a seed is refused once it expired", seed: seed, nonce: nonce, client: home, class: "shop", after: SeedTTL, want: ErrExpired},
		{name: "a seed still passes just before it expires", seed: seed, nonce: nonce, client: home, class: "shop", after: SeedTTL - time.Second},
		{name: "a nonce that does not solve the seed is refused", seed: seed, nonce: unsolve(seed, 10), client: home, class: "shop", want: ErrBadPoW},
		{name: "a seed signed with another key is refused", seed: foreign, nonce: solve(t, foreign, 10), client: home, class: "shop", want: ErrBadSignature},
		{name: "a seed with one character changed is refused", seed: flip(seed, 20), nonce: nonce, client: home, class: "shop", want: ErrBadSignature},
		{name: "a seed with easier bits written in is refused", seed: withBits(seed, 1), nonce: "0", client: home, class: "shop", want: ErrBadSignature},
		{name: "a truncated seed is refused", seed: seed[:len(seed)-1], nonce: nonce, client: home, class: "shop", want: ErrBadSignature},
		{name: "an empty seed is refused", seed: "", nonce: nonce, client: home, class: "shop", want: ErrBadSignature},
		{name: "a pass is not a seed", seed: c.Pass(home, "shop"), nonce: nonce, client: home, class: "shop", want: ErrBadSignature},
		{name: "a nonce that is not a number is refused", seed: seed, nonce: nonce + "x", client: home, class: "shop", want: ErrMalformed},
		{name: "an empty nonce is refused", seed: seed, nonce: "", client: home, class: "shop", want: ErrMalformed},
	}
	start := *now
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			*now = start.Add(tt.after)
			err := c.CheckSolution(tt.seed, tt.nonce, tt.client, tt.class)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("CheckSolution = %v; want %v", err, tt.want)
			}
		})
	}
}

// flip changes the base64 character at i of token to another.
func flip(token string, i int) string {
	b := []byte(token)
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// withBits rewrites the difficulty of seed, keeping its old signature.
func withBits(seed string, bits byte) string {
	raw, _ := base64.RawURLEncoding.DecodeString(seed)
	raw[headerLen] = bits
	return base64.RawURLEncoding.EncodeToString(raw)
}

func TestPasses(t *testing.T) {
	c, now := newTest(t, Config{CookieTTL: 30 * time.Minute})
	pass := c.Pass(home, "shop")
	pass6 := c.Pass(v6, "shop")
	start := *now
	tests := []struct {
		name   string
		pass   string
		client netip.Addr
		class  string
		after  time.Duration
		want   error
	}{
		{name: "a pass lets its client through", pass: pass, client: home, class: "shop"},
		{name: "a pass lets another host of the same IPv6 /64 through", pass: pass6, client: v6Same64, class: "shop"},
		{name: "a pass replayed from another address is refused", pass: pass, client: neighbour, class: "shop", want: ErrWrongAddress},
		{name: "a pass replayed from another /64 is refused", pass: pass6, client: v6Other64, class: "shop", want: ErrWrongAddress},
		{name: "an IPv4 pass is refused from IPv6", pass: pass, client: v6, class: "shop", want: ErrWrongAddress},
		{name: "a pass is refused on another route class", pass: pass, client: home, class: "admin", want: ErrWrongRoute},
		{name: "a pass is refused after the cookie TTL", pass: pass, client: home, class: "shop", after: 30 * time.Minute, want: ErrExpired},
		{name: "a tampered pass is refused", pass: flip(pass, 3), client: home, class: "shop", want: ErrBadSignature},
		{name: "a seed is not a pass", pass: c.Seed(home, "shop", 10), client: home, class: "shop", want: ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			*now = start.Add(tt.after)
			err := c.CheckPass(tt.pass, tt.client, tt.class)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("CheckPass = %v; want %v", err, tt.want)
			}
		})
	}
}

func TestBits(t *testing.T) {
	c, _ := newTest(t, Config{MinBits: 12, MaxBits: 20})
	for _, tt := range []struct {
		severity float64
		want     int
	}{{0, 12}, {-1, 12}, {0.5, 16}, {1, 20}, {7, 20}, {nanF(), 12}} {
		if got := c.Bits(tt.severity); got != tt.want {
			t.Errorf("Bits(%v) = %d; want %d", tt.severity, got, tt.want)
		}
	}
}

func nanF() float64 { z := 0.0; return z / z }

func TestConfig(t *testing.T) {
	dir := t.TempDir()
	short := filepath.Join(dir, "short")
	os.WriteFile(short, []byte("too short\n"), 0o600)
	tests := []struct {
		name string
		cfg  Config
		want string // in the error; empty: no error
	}{
		{name: "the defaults are valid", cfg: Config{}},
		{name: "min_bits below the floor is refused", cfg: Config{MinBits: 4}, want: "min_bits 4: set it between 8 and 22"},
		{name: "max_bits above the ceiling is refused", cfg: Config{MaxBits: 30}, want: "max_bits 30: set it between 8 and 22"},
		{name: "min_bits above max_bits is refused", cfg: Config{MinBits: 20, MaxBits: 16}, want: "min_bits 20 is above max_bits 16"},
		{name: "a cookie TTL under a minute is refused", cfg: Config{CookieTTL: time.Second}, want: "cookie_ttl 1s"},
		{name: "a cookie TTL over a week is refused", cfg: Config{CookieTTL: 30 * 24 * time.Hour}, want: "cookie_ttl 720h0m0s"},
		{name: "a missing secret file is refused", cfg: Config{SecretFile: filepath.Join(dir, "nope")}, want: "secret_file"},
		{name: "a secret under 32 bytes is refused", cfg: Config{SecretFile: short}, want: "holds 9 bytes; it needs at least 32"},
		{name: "an empty secret variable is refused", cfg: Config{SecretEnv: "PORTCULLIS_TEST_NO_SUCH_SECRET"}, want: "$PORTCULLIS_TEST_NO_SUCH_SECRET holds 0 bytes"},
		{name: "a secret in a file and in a variable at once is refused", cfg: Config{SecretFile: short, SecretEnv: "X"}, want: "secret_file and secret_env are both set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg, nil)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("New: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("New: %v; want an error with %q", err, tt.want)
			}
		})
	}
	if _, err := New(Config{SecretFile: short}, nil); !errors.Is(err, ErrShortSecret) {
		t.Errorf("a short secret: %v; want ErrShortSecret", err)
	}
}

func TestSecretFromTheEnvironmentMatchesTheFile(t *testing.T) {
	t.Setenv("PORTCULLIS_TEST_CHALLENGE_SECRET", string(testKey)+"\n")
	fromEnv, err := New(Config{SecretEnv: "PORTCULLIS_TEST_CHALLENGE_SECRET"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	fromFile, err := newTestQuiet(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := fromFile.CheckPass(fromEnv.Pass(home, "shop"), home, "shop"); err != nil {
		t.Errorf("a pass signed with the key from the environment, checked with the same key from a file: %v", err)
	}
}

func TestSafeReturn(t *testing.T) {
	for _, tt := range []struct {
		in string
		ok bool
	}{
		{"/", true},
		{"/shop/cart?item=42&x=%2F", true},
		{"", false},
		{"shop", false},
		{"//evil.example/", false},
		{"/\\evil.example/", false},
		{"https://evil.example/", false},
		{"/%0d%0aSet-Cookie:x", true}, // escaped: stays a path
		{"/\r\nSet-Cookie: x", false},
		{"/a b", false},
		{"/a#frag", false},
		{"/\tevil", false},
		{"/é", false},
		{"/" + strings.Repeat("a", 9000), false},
	} {
		got, ok := SafeReturn(tt.in)
		if ok != tt.ok || (ok && got != tt.in) {
			t.Errorf("SafeReturn(%q) = %q, %v; want ok %v", tt.in, got, ok, tt.ok)
		}
	}
}

// FuzzSafeReturn checks that whatever SafeReturn accepts, a browser
// resolving it against this site stays on this site.
func FuzzSafeReturn(f *testing.F) {
	for _, s := range []string{"/", "//x", "/\\x", "/a?b=c", "/%2F%2Fx", "/./x", "/..//x", "/x:y", "http:/x"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://site.example/page")
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := SafeReturn(s)
		if !ok {
			return
		}
		u, err := base.Parse(got)
		if err != nil {
			t.Fatalf("SafeReturn accepted %q, which does not parse: %v", s, err)
		}
		if u.Host != "site.example" || u.Scheme != "https" {
			t.Fatalf("SafeReturn accepted %q, which leads to %s", s, u)
		}
	})
}

// FuzzCheckPass checks that no string but a pass made with the key lets a
// client through.
func FuzzCheckPass(f *testing.F) {
	c, err := New(Config{}, nil)
	if err != nil {
		f.Fatal(err)
	}
	valid := c.Pass(home, "shop")
	f.Add(valid)
	f.Add(c.Seed(home, "shop", 10))
	f.Add("")
	f.Add(strings.Repeat("A", 75))
	f.Fuzz(func(t *testing.T, s string) {
		if c.CheckPass(s, home, "shop") == nil && s != valid {
			t.Fatalf("CheckPass accepted %q", s)
		}
	})
}

// cspHashes returns the hashes a Content-Security-Policy allows for
// directive.
func cspHashes(csp, directive string) []string {
	for d := range strings.SplitSeq(csp, ";") {
		f := strings.Fields(d)
		if len(f) > 0 && f[0] == directive {
			return f[1:]
		}
	}
	return nil
}

func TestPage(t *testing.T) {
	c, _ := newTest(t, Config{MinBits: 12, MaxBits: 20})
	r := httptest.NewRequest("GET", `/shop/a?q="><script>alert(1)</script>`, nil)
	w := httptest.NewRecorder()
	c.ServePage(w, r, home, "shop", 0.5)
	res := w.Result()
	body := w.Body.String()
	if res.StatusCode != http.StatusForbidden || res.Header.Get("Cache-Control") != "no-store" || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("status %d, headers %v", res.StatusCode, res.Header)
	}
	csp := res.Header.Get("Content-Security-Policy")
	t.Run("the CSP allows nothing but the page's own inline script and style", func(t *testing.T) {
		for _, want := range []string{"default-src 'none'", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("CSP %q lacks %q", csp, want)
			}
		}
		if strings.Contains(csp, "unsafe") || strings.Contains(csp, "http") {
			t.Errorf("CSP %q allows more than the page", csp)
		}
		for _, tag := range []string{"script", "style"} {
			inline := regexp.MustCompile(`(?s)<`+tag+`>(.*?)</`+tag+`>`).FindAllStringSubmatch(body, -1)
			if len(inline) != 1 {
				t.Fatalf("%d inline %s elements; want 1", len(inline), tag)
			}
			sum := sha256.Sum256([]byte(inline[0][1]))
			want := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
			if got := cspHashes(csp, tag+"-src"); len(got) != 1 || got[0] != want {
				t.Errorf("%s-src %v; want only %s, the hash of the page's %s", tag, got, want, tag)
			}
		}
		if strings.Contains(body, "src=") || strings.Contains(body, "href=") {
			t.Error("the page loads something")
		}
	})
	t.Run("the page carries a seed of the difficulty of the severity, for its client and class", func(t *testing.T) {
		seed := seedOf(t, body)
		bits := regexp.MustCompile(`data-bits="(\d+)"`).FindStringSubmatch(body)
		if bits == nil || bits[1] != "16" {
			t.Fatalf("bits %v; want 16", bits)
		}
		if err := c.CheckSolution(seed, solve(t, seed, 16), home, "shop"); err != nil {
			t.Errorf("the page's seed: %v", err)
		}
	})
	t.Run("the request's URL comes back escaped", func(t *testing.T) {
		if strings.Contains(body, "<script>alert") {
			t.Error("the URL reached the page unescaped")
		}
		if !strings.Contains(body, `name="return" value="/shop/a?q=&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"`) {
			t.Errorf("the return field does not hold the request's URL:\n%s", body)
		}
	})
}

// answer posts an answer to c for client, with the route class of every
// path "shop".
func answer(c *Challenger, client netip.Addr, form url.Values, secure bool) *http.Response {
	r := httptest.NewRequest("POST", VerifyPath, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if secure {
		r.TLS = &tls.ConnectionState{}
	}
	w := httptest.NewRecorder()
	c.ServeVerify(w, r, client, 0, shopOnly)
	return w.Result()
}

// shopOnly is the route class of the paths under /shop, "shop".
func shopOnly(p string) (string, bool) {
	if strings.HasPrefix(p, "/shop") {
		return "shop", true
	}
	return "", false
}

func TestVerify(t *testing.T) {
	c, now := newTest(t, Config{MinBits: 10, MaxBits: 10, CookieTTL: 20 * time.Minute})
	reg := prometheus.NewRegistry()
	for _, col := range c.Collectors() {
		reg.MustRegister(col)
	}
	families, err := reg.Gather()
	if err != nil || len(families) != 3 {
		t.Fatalf("gathered %d families, %v; want 3", len(families), err)
	}
	seed := c.Seed(home, "shop", 10)
	nonce := solve(t, seed, 10)

	t.Run("a right answer sets a pass cookie and goes back to the page", func(t *testing.T) {
		res := answer(c, home, url.Values{"seed": {seed}, "nonce": {nonce}, "return": {"/shop/cart?x=1"}}, false)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/shop/cart?x=1" {
			t.Fatalf("status %d, location %q", res.StatusCode, res.Header.Get("Location"))
		}
		cks := res.Cookies()
		if len(cks) != 1 {
			t.Fatalf("cookies %v", cks)
		}
		ck := cks[0]
		if ck.Name != CookieName("shop", false) || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Secure || ck.MaxAge != 1200 || ck.Domain != "" {
			t.Errorf("cookie %+v", ck)
		}
		r := httptest.NewRequest("GET", "/shop/cart", nil)
		r.AddCookie(ck)
		if !c.Passed(r, home, "shop") {
			t.Error("the cookie does not pass its client")
		}
		if c.Passed(r, neighbour, "shop") {
			t.Error("the cookie passes another address")
		}
	})
	t.Run("on TLS the cookie is Secure and __Host-", func(t *testing.T) {
		res := answer(c, home, url.Values{"seed": {seed}, "nonce": {nonce}, "return": {"/shop"}}, true)
		ck := res.Cookies()
		if len(ck) != 1 || !ck[0].Secure || !strings.HasPrefix(ck[0].Name, "__Host-") {
			t.Fatalf("cookies %+v", ck)
		}
	})
	for _, tt := range []struct {
		name   string
		client netip.Addr
		form   url.Values
		after  time.Duration
		reason string
		where  string
	}{
		{name: "a return URL off the site is refused, never followed", client: home, form: url.Values{"seed": {seed}, "nonce": {nonce}, "return": {"//evil.example/shop"}}, reason: "malformed", where: "/"},
		{name: "an absolute return URL is refused", client: home, form: url.Values{"seed": {seed}, "nonce": {nonce}, "return": {"https://evil.example/shop"}}, reason: "malformed", where: "/"},
		{name: "a return URL on no route is refused", client: home, form: url.Values{"seed": {seed}, "nonce": {nonce}, "return": {"/elsewhere"}}, reason: "malformed", where: "/"},
		{name: "an answer from another address is refused", client: neighbour, form: url.Values{"seed": {seed}, "nonce": {nonce}, "return": {"/shop"}}, reason: "wrong_address", where: "/shop"},
		{name: "an answer too late is refused", client: home, form: url.Values{"seed": {seed}, "nonce": {nonce}, "return": {"/shop"}}, after: SeedTTL, reason: "expired", where: "/shop"},
		{name: "a wrong nonce is refused", client: home, form: url.Values{"seed": {seed}, "nonce": {unsolve(seed, 10)}, "return": {"/shop"}}, reason: "bad_pow", where: "/shop"},
		{name: "a tampered seed is refused", client: home, form: url.Values{"seed": {flip(seed, 5)}, "nonce": {nonce}, "return": {"/shop"}}, reason: "bad_signature", where: "/shop"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := count(c.m.failed.WithLabelValues(tt.reason))
			*now = now.Add(tt.after)
			defer func() { *now = now.Add(-tt.after) }()
			res := answer(c, tt.client, tt.form, false)
			if res.StatusCode != http.StatusForbidden || len(res.Cookies()) != 0 || res.Header.Get("Location") != "" {
				t.Fatalf("status %d, cookies %v, location %q", res.StatusCode, res.Cookies(), res.Header.Get("Location"))
			}
			if body, _ := io.ReadAll(res.Body); !strings.Contains(string(body), `href="`+tt.where+`"`) {
				t.Errorf("the page does not lead back to %s:\n%s", tt.where, body)
			}
			if got := count(c.m.failed.WithLabelValues(tt.reason)) - before; got != 1 {
				t.Errorf("failed{reason=%q} rose by %v; want 1", tt.reason, got)
			}
		})
	}
	t.Run("a GET with a return URL serves the page for it", func(t *testing.T) {
		w := httptest.NewRecorder()
		c.ServeVerify(w, httptest.NewRequest("GET", VerifyPath+"?return="+url.QueryEscape("/shop/cart?x=1"), nil), home, 1, shopOnly)
		body := w.Body.String()
		if w.Code != http.StatusForbidden || !strings.Contains(body, `name="return" value="/shop/cart?x=1"`) || !strings.Contains(body, `data-bits="10"`) {
			t.Fatalf("status %d, body %s", w.Code, body)
		}
		seed := seedOf(t, body)
		if err := c.CheckSolution(seed, solve(t, seed, 10), home, "shop"); err != nil {
			t.Errorf("its seed: %v", err)
		}
	})
	for _, ret := range []string{"", "//evil.example/shop", "https://evil.example/shop", "/elsewhere"} {
		t.Run("a GET with the return URL "+strconv.Quote(ret)+" is refused", func(t *testing.T) {
			w := httptest.NewRecorder()
			c.ServeVerify(w, httptest.NewRequest("GET", VerifyPath+"?return="+url.QueryEscape(ret), nil), home, 0, shopOnly)
			if w.Code != http.StatusBadRequest || w.Header().Get("Location") != "" {
				t.Errorf("status %d, location %q", w.Code, w.Header().Get("Location"))
			}
		})
	}
	t.Run("a PUT is neither", func(t *testing.T) {
		w := httptest.NewRecorder()
		c.ServeVerify(w, httptest.NewRequest("PUT", VerifyPath, nil), home, 0, shopOnly)
		if w.Code != http.StatusMethodNotAllowed {
			t.Errorf("status %d", w.Code)
		}
	})
	if got := count(c.m.passed); got != 2 {
		t.Errorf("passed = %v; want 2", got)
	}
}

// count returns a counter's value.
func count(c prometheus.Counter) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		panic(err)
	}
	return m.GetCounter().GetValue()
}

func TestGeneratedKeyIsLogged(t *testing.T) {
	var buf strings.Builder
	logger := slog.New(slog.NewTextHandler(&buf, nil))
	if _, err := New(Config{}, logger); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "level=WARN") || !strings.Contains(buf.String(), "no challenge.secret_file") {
		t.Errorf("log %q; want a warning that the key was generated", buf.String())
	}
	buf.Reset()
	if _, err := newTestQuiet(t, logger); err != nil {
		t.Fatal(err)
	}
	if buf.Len() != 0 {
		t.Errorf("a configured key logged %q", buf.String())
	}
}

// newTestQuiet makes a Challenger with a key file, logging to logger.
func newTestQuiet(t *testing.T, logger *slog.Logger) (*Challenger, error) {
	path := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(path, testKey, 0o600); err != nil {
		t.Fatal(err)
	}
	return New(Config{SecretFile: path}, logger)
}

func BenchmarkCheckPass(b *testing.B) {
	c, err := New(Config{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	pass := c.Pass(home, "shop")
	b.ReportAllocs()
	for b.Loop() {
		if c.CheckPass(pass, home, "shop") != nil {
			b.Fatal("refused")
		}
	}
}

// seedOf returns the seed of a page.
func seedOf(t *testing.T, page string) string {
	t.Helper()
	m := regexp.MustCompile(`data-seed="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no seed in the page:\n%s", page)
	}
	return m[1]
}
