package features

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/ingest"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC).UnixNano()

func rec(sec float64, method, path string, status int) *ingest.Record {
	return &ingest.Record{
		TS:        t0 + int64(sec*1e9),
		ClientIP:  []byte("203.0.113.7"),
		Method:    []byte(method),
		Path:      []byte(path),
		Status:    status,
		ReqBytes:  100,
		RespBytes: 1000,
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-3 }

func TestTemplate(t *testing.T) {
	tests := []struct{ name, path, want string }{
		{"a numeric id becomes a placeholder", "/api/v1/items/42?x=1", "/api/v1/items/{id}"},
		{"a version segment stays", "/api/v2/users", "/api/v2/users"},
		{"a uuid becomes a placeholder", "/orders/3f2b8c1e-9a4d-4c6e-8f00-1234567890ab/items", "/orders/{id}/items"},
		{"an e-mail becomes a placeholder", "/users/alice@example.com", "/users/{id}"},
		{"a hex digest becomes a placeholder", "/blobs/deadbeef00112233", "/blobs/{id}"},
		{"a word with a digit stays", "/static/app2.js", "/static/app2.js"},
		{"a route word with a digit stays", "/oauth2/token", "/oauth2/token"},
		{"a slug ending in a number becomes a placeholder", "/p/red-shoes-94415", "/p/{id}"},
		{"an upper-case code becomes a placeholder", "/v2/orders/TX-1VVP3QL", "/v2/orders/{id}"},
		{"a year in a slug becomes a placeholder", "/sale/2026-summer", "/sale/{id}"},
		{"a prefixed hex id becomes a placeholder", "/mb/v5/payments/pay_f98eeeeefb0e803d/confirm", "/mb/v5/payments/{id}/confirm"},
		{"a prefixed mixed-case id becomes a placeholder", "/v1/customers/cus_NffrFeUfNV2Hib", "/v1/customers/{id}"},
		{"a prefixed id whose prefix has a digit becomes a placeholder", "/p2p/payments/p2p_fdbe68d6b3cc", "/p2p/payments/{id}"},
		{"a route word with an underscore and a digit stays", "/api/settings_v2/oauth2_callback", "/api/settings_v2/oauth2_callback"},
		{"a route word with a long lower-case tail and a digit stays", "/api/user_settings2", "/api/user_settings2"},
		{"the root stays", "/", "/"},
		{"a query alone is dropped", "/search?q=shoes", "/search"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(Template(nil, []byte(tt.path))); got != tt.want {
				t.Errorf("Template(%q) = %q, want %q", tt.path, got, tt.want)
			}
		})
	}
	if TemplateHash([]byte("/items/1")) != TemplateHash([]byte("/items/99?a=b")) {
		t.Error("two ids of one route hash differently")
	}
	if TemplateHash([]byte("/items/1")) == TemplateHash([]byte("/users/1")) {
		t.Error("two routes hash alike")
	}
}

func TestPayloadMarks(t *testing.T) {
	tests := []struct {
		name string
		path string
		want bool
	}{
		{"a plain path has none", "/api/v1/items/42?page=2", false},
		{"a file extension has none", "/assets/app.9f8e.js", false},
		{"an encoded quote is one", "/items?id=1%27%20OR%201=1", true},
		{"a traversal is one", "/download?f=../../etc/passwd", true},
		{"an upper-case script tag is one", "/search?q=%3CSCRIPT%3Ealert(1)", true},
		{"a union select is one", "/items?id=1+UNION+SELECT+password", true},
		{"a command substitution is one", "/ping?host=$(id)", true},
		{"a search with spaces encoded is not one", "/search?q=red%20shoes+size+9", false},
		{"a name with an apostrophe is not one", "/search?q=O%27Brien&page=2", false},
		{"a double-encoded traversal is one", "/files?name=%252e%252e%252fetc%252fpasswd", true},
		{"a template expression is one", "/greet?name={{7*7}}", true},
		{"a Jinja statement is one", "/greet?name={%25+import+os+%25}", true},
		{"a comment-split union select is one", "/items?id=1/**/UNION/**/SELECT/**/1", true},
		{"a file path in a query value is one", "/view?file=/etc/passwd", true},
		{"a cloud metadata address is one", "/fetch?url=http://169.254.169.254/latest/meta-data/", true},
		{"an event handler XSS is one", "/search?q=%3Cdetails%20open%20ontoggle=confirm(1)%3E", true},
		{"a header injection is one", "/redirect?to=%2F%0D%0ASet-Cookie:%20a=b", true},
		{"a NoSQL regex operator is one", "/users?name[$regex]=.*", true},
		{"an LDAP filter break-out is one", "/dir?user=*)(uid=*))(|(uid=*", true},
		{"a command after a separator is one", "/ping?host=127.0.0.1;whoami", true},
		{"an entity-encoded script tag is one", "/search?q=%26lt;script%26gt;alert(1)", true},
		{"an overlong UTF-8 traversal is one", "/files?f=%c0%ae%c0%ae/%c0%ae%c0%ae/etc", true},
		{"a loopback URL in a query is one", "/proxy?u=http://127.0.0.1:8080/admin", true},
		{"a prototype pollution key is one", "/cfg?__proto__[admin]=1", true},
		{"a next URL in a query is not one", "/login?next=/account/orders&lang=en", false},
		{"a time in a query is not one", "/slots?from=09:30&to=10:00", false},
		{"a page path is not one", "/p/blue-shoes-42/reviews", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := HasPayloadMarks([]byte(tt.path), nil)
			if got != tt.want {
				t.Errorf("HasPayloadMarks(%q) = %v, want %v", tt.path, got, tt.want)
			}
		})
	}
}

// TestProbedPaths: the files and pages scanners probe are markers at any
// segment of the path, case folded, and only in the path; paths that
// merely look alike are not.
func TestProbedPaths(t *testing.T) {
	names := MarkerNames()
	for path, want := range map[string]string{
		"/.env":                              "/.env",
		"/api/v2/.env.production":            "/.env",
		"/.git/HEAD":                         "/.git",
		"/Internal/Actuator/Env":             "/actuator/env",
		"/online/api/v2/actuator/heapdump":   "/actuator/heapdump",
		"/phpmyadmin/":                       "/phpmyadmin",
		"/backup/db.SQL":                     ".sql",
		"/wp-login.php?redirect_to=%2Fadmin": "/wp-login.php",
		"/api/v2/env":                        "",
		"/actuator/health":                   "",
		"/.well-known/openid-configuration":  "",
		"/gitlab/projects":                   "",
		"/docs/sql":                          "",
		"/search?q=/.env":                    "",
		"/assets/app.9f8e.js":                "",
		"":                                   "",
	} {
		m, _ := PayloadMarker([]byte(path), nil)
		got := ""
		if m >= 0 {
			got = names[m]
		}
		if got != want {
			t.Errorf("PayloadMarker(%q) is marker %q, want %q", path, got, want)
		}
	}
	if len(names) != NumMarkers {
		t.Errorf("%d marker names for %d markers", len(names), NumMarkers)
	}
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			t.Errorf("marker %q twice: its weight would be shared", n)
		}
		seen[n] = true
	}
}

// TestPayloadMarkerFindsProbesByDefinition checks the one-pass matcher
// against the plain definition of a probe: at the first slash of the path
// (before its query) where one begins, the first in list order, case
// folded; else a probed ending; and only where no payload fragment is.
func TestPayloadMarkerFindsProbesByDefinition(t *testing.T) {
	plain := func(p string) int {
		if m, _ := injectionMarker([]byte(p), nil); m >= 0 {
			return m
		}
		if i := strings.IndexByte(p, '?'); i >= 0 {
			p = p[:i]
		}
		p = strings.ToLower(p)
		for i := range len(p) {
			for k, pr := range probes {
				if p[i] == '/' && strings.HasPrefix(p[i:], pr) {
					return len(markers) + k
				}
			}
		}
		for k, s := range probeSuffixes {
			if strings.HasSuffix(p, s) {
				return len(markers) + len(probes) + k
			}
		}
		return -1
	}
	r := rand.New(rand.NewPCG(3, 4))
	parts := []string{"/", "api", "v1", ".env", ".GIT", "/config", "?", "q=", "/.git", "wp-admin", "Actuator", "/env",
		".sql", "x.bak", "%27", "or", "..", "/", "/", "cgi-bin", "items", "42", "&", "phpMyAdmin", "jolokia"}
	for range 20000 {
		var b strings.Builder
		for range 1 + r.IntN(8) {
			b.WriteString(parts[r.IntN(len(parts))])
		}
		p := b.String()
		if got, want := mustMarker(p), plain(p); got != want {
			t.Fatalf("PayloadMarker(%q) = %d, want %d", p, got, want)
		}
	}
}

func mustMarker(p string) int {
	m, _ := PayloadMarker([]byte(p), nil)
	return m
}

func TestVectorHandChecked(t *testing.T) {
	t.Run("a steady client at one request per second", func(t *testing.T) {
		tb := NewTable[struct{}](Config{})
		var c *Client[struct{}]
		for i := 0; i < 10; i++ {
			c = tb.Observe([]byte("a"), "ip", rec(float64(i), "GET", "/items/"+strconv.Itoa(i), 200))
		}
		var v Vector
		c.Vector(&v)
		// Decayed count sum_{k<10} e^{-k/10}, over 10 s·(1-e^{-1}): the
		// client has been seen 9 s, under minSpan, so it counts as 10.
		short := (1 - math.Exp(-1)) / (1 - math.Exp(-0.1))
		wantRate := short / (10 * (1 - math.Exp(-1)))
		// Every path is new, so novelty is the decayed count over itself
		// plus the prior of clean events.
		n := (1 - math.Exp(-10.0/120)) / (1 - math.Exp(-1.0/120))
		checks := map[int]float64{
			Rate: wantRate, Volume: n, ErrorRatio: 0, PathEntropy: 0, PathNovelty: n / (n + ratioPrior),
			GapCV: 0, ReqBytes: 100, RespBytes: 1000, WriteRatio: 0, ReqBytesTotal: 100 * n,
		}
		for f, want := range checks {
			if !near(v[f], want) {
				t.Errorf("%s = %v, want %v", specs[f].Name, v[f], want)
			}
		}
	})
	t.Run("a burst of failures at one instant gives exact ratios", func(t *testing.T) {
		tb := NewTable[struct{}](Config{})
		var c *Client[struct{}]
		for _, e := range []struct {
			m, p string
			s    int
		}{{"POST", "/login", 401}, {"POST", "/login", 401}, {"GET", "/a", 404}, {"GET", "/b/7", 200}} {
			c = tb.Observe([]byte("a"), "ip", rec(0, e.m, e.p, e.s))
		}
		var v Vector
		c.Vector(&v)
		// Four events in under minSpan: rate = 4 / (10·(1-e^{-1})), a burst
		// read as if spread over minSpan; ratios are counts over 4+ratioPrior.
		checks := map[int]float64{
			Rate: 4 / (10 * -math.Expm1(-1)), Volume: 4, ReqBytesTotal: 400, ErrorRatio: 3 / (4 + ratioPrior), AuthFailRatio: 2 / (4 + ratioPrior),
			NotFoundRatio: 1 / (4 + ratioPrior), OtherErrorRatio: 0, WriteRatio: 2 / (4 + ratioPrior), PathNovelty: 3 / (4 + ratioPrior),
			PathEntropy: 1.5, // templates login, login, a, b/{id}: -(.5 log .5 + 2·.25 log .25)
		}
		for f, want := range checks {
			if !near(v[f], want) {
				t.Errorf("%s = %v, want %v", specs[f].Name, v[f], want)
			}
		}
	})
	t.Run("the server's own failures are errors, not the client's", func(t *testing.T) {
		tb := NewTable[struct{}](Config{})
		var c *Client[struct{}]
		for _, s := range []int{503, 502, 500, 413, 200} {
			c = tb.Observe([]byte("a"), "ip", rec(0, "POST", "/hooks/partner", s))
		}
		var v Vector
		c.Vector(&v)
		// A webhook retried through an outage meets 5xx on every try;
		// only the 413 is refused for what the client sent.
		checks := map[int]float64{ErrorRatio: 4 / (5 + ratioPrior), OtherErrorRatio: 1 / (5 + ratioPrior), AuthFailRatio: 0}
		for f, want := range checks {
			if !near(v[f], want) {
				t.Errorf("%s = %v, want %v", specs[f].Name, v[f], want)
			}
		}
	})
}

func TestThrottledWritesAreGuessingOnlyWithoutAName(t *testing.T) {
	// A partner's webhook sender and a script without a name of its own
	// post the same: two accepted, two refused 429 for their pace.
	send := func(ua string) Vector {
		tb := NewTable[struct{}](Config{})
		var c *Client[struct{}]
		for _, s := range []int{202, 429, 202, 429} {
			r := rec(0, "POST", "/hooks/carrier-events", s)
			r.UserAgent = []byte(ua)
			c = tb.Observe([]byte("a"), "ip", r)
		}
		var v Vector
		c.Vector(&v)
		return v
	}
	named, bare := send("3PL-Hub-Webhooks/1.1"), send("python-requests/2.31")
	if named[RefusedCount] != 0 || named[AuthFailRatio] != 0 || named[OtherErrorRatio] != 0 || !near(named[ErrorRatio], 2/(4+ratioPrior)) {
		t.Errorf("a named service's throttled posts: refused_2m %v, auth_fail_ratio %v, other_error_ratio %v, error_ratio %v; want 0, 0, 0, 2/8",
			named[RefusedCount], named[AuthFailRatio], named[OtherErrorRatio], named[ErrorRatio])
	}
	if !near(bare[RefusedCount], 2) || !near(bare[AuthFailRatio], 2/(4+ratioPrior)) {
		t.Errorf("a bare script's throttled posts: refused_2m %v, auth_fail_ratio %v; want 2 and 2/8", bare[RefusedCount], bare[AuthFailRatio])
	}
}

func TestTableBounds(t *testing.T) {
	t.Run("the cap evicts the least recent client", func(t *testing.T) {
		tb := NewTable[int](Config{MaxClients: 3})
		var evicted []string
		tb.OnEvict = func(c *Client[int], idle bool) { evicted = append(evicted, c.Key()) }
		for i, k := range []string{"a", "b", "c", "a", "d"} {
			tb.Observe([]byte(k), "ip", rec(float64(i), "GET", "/", 200))
		}
		if tb.Len() != 3 || len(evicted) != 1 || evicted[0] != "b" {
			t.Fatalf("len %d, evicted %v; want 3 and [b]", tb.Len(), evicted)
		}
		if tb.Lookup([]byte("b")) != nil || tb.Lookup([]byte("a")) == nil {
			t.Error("b should be gone and a kept")
		}
		if s := tb.Stats(); s.EvictedCap != 1 || s.Seen != 4 {
			t.Errorf("stats %+v", s)
		}
	})
	t.Run("idle clients are evicted in event time", func(t *testing.T) {
		tb := NewTable[int](Config{IdleTimeout: time.Minute})
		tb.Observe([]byte("a"), "ip", rec(0, "GET", "/", 200))
		tb.Observe([]byte("b"), "ip", rec(30, "GET", "/", 200))
		tb.Observe([]byte("c"), "ip", rec(61, "GET", "/", 200))
		if tb.Lookup([]byte("a")) != nil || tb.Lookup([]byte("b")) == nil {
			t.Error("a should be evicted after a minute idle, b kept")
		}
		if s := tb.Stats(); s.EvictedIdle != 1 {
			t.Errorf("stats %+v", s)
		}
	})
	t.Run("a returning client starts afresh with zeroed extension state", func(t *testing.T) {
		tb := NewTable[int](Config{MaxClients: 1})
		c := tb.Observe([]byte("a"), "ip", rec(0, "GET", "/", 200))
		c.Ext = 7
		tb.Observe([]byte("b"), "ip", rec(1, "GET", "/", 200))
		c = tb.Observe([]byte("a"), "ip", rec(2, "GET", "/", 200))
		if c.Ext != 0 || c.Events() != 1 {
			t.Errorf("ext %d events %d, want 0 and 1", c.Ext, c.Events())
		}
	})
}

func TestConfigValidate(t *testing.T) {
	if err := (Config{}).WithDefaults().Validate(); err != nil {
		t.Errorf("defaults are invalid: %v", err)
	}
	if err := (Config{MaxClients: -1, IdleTimeout: time.Millisecond}).Validate(); err == nil {
		t.Error("a negative cap and a tiny timeout were accepted")
	}
}

func TestObserveDoesNotAllocate(t *testing.T) {
	tb := NewTable[struct{}](Config{})
	r := rec(0, "GET", "/api/v1/items/42?q=%27x", 200)
	key := []byte("203.0.113.7")
	tb.Observe(key, "ip", r)
	var v Vector
	allocs := testing.AllocsPerRun(1000, func() {
		r.TS += 1e6
		c := tb.Observe(key, "ip", r)
		c.Vector(&v)
	})
	if allocs != 0 {
		t.Errorf("Observe+Vector allocate %v times per event, want 0", allocs)
	}
}

func BenchmarkObserve(b *testing.B) {
	tb := NewTable[struct{}](Config{})
	keys := make([][]byte, 4096)
	for i := range keys {
		keys[i] = []byte("198.51.100." + strconv.Itoa(i))
	}
	r := rec(0, "GET", "/api/v1/items/42?page=2", 200)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r.TS += 1e5
		tb.Observe(keys[i&4095], "ip", r)
		i++
	}
}

func BenchmarkVector(b *testing.B) {
	tb := NewTable[struct{}](Config{})
	var c *Client[struct{}]
	for i := 0; i < 64; i++ {
		c = tb.Observe([]byte("a"), "ip", rec(float64(i), "GET", "/items/"+strconv.Itoa(i%9)+"/x"+strconv.Itoa(i%5), 200))
	}
	var v Vector
	b.ReportAllocs()
	for b.Loop() {
		c.Vector(&v)
	}
}

// BenchmarkTableMemory reports the heap held per tracked client, map and
// key included.
func BenchmarkTableMemory(b *testing.B) {
	const n = 100_000
	b.ReportAllocs()
	var perClient float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		tb := NewTable[struct{}](Config{})
		r := rec(0, "GET", "/", 200)
		key := make([]byte, 0, 40)
		for i := 0; i < n; i++ {
			key = append(key[:0], "2001:db8:"...)
			key = strconv.AppendInt(key, int64(i), 16)
			key = append(key, "::1"...)
			r.TS += 1e6
			tb.Observe(key, "ip", r)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		perClient = float64(after.HeapAlloc-before.HeapAlloc) / n
		runtime.KeepAlive(tb)
	}
	b.ReportMetric(perClient, "B/client")
}

func TestURLsAndKeyed(t *testing.T) {
	tb := NewTable[struct{}](Config{})
	var c *Client[struct{}]
	for i, p := range []string{"/search?q=a", "/search?q=b&_=1", "/search", "/events/7", "/events/7?page=2", "/me"} {
		r := rec(float64(i), "GET", p, 200)
		if i%2 == 0 {
			r.APIKey = []byte("pk_1")
		}
		c = tb.Observe([]byte("a"), "ip", r)
	}
	if got := c.URLs(); got != 3 {
		t.Errorf("URLs() = %d over /search, /events/7 and /me with varying queries, want 3", got)
	}
	if k := c.Keyed(); k < 0.4 || k > 0.6 {
		t.Errorf("Keyed() = %v with every other request keyed, want about 0.5", k)
	}
}

// TestKeyChanges counts the requests that carried a key other than the
// one before: none for one key or none at all (a request without a key
// between two with one changes nothing), one for a rotation, and every
// request but the first, within the last 32, for a client trying keys.
func TestKeyChanges(t *testing.T) {
	tests := []struct {
		name string
		key  func(i int) string
		want int
	}{
		{"one key", func(int) string { return "pk_1" }, 0},
		{"no key", func(int) string { return "" }, 0},
		{"one key, now and then none", func(i int) string { return []string{"pk_1", "pk_1", ""}[i%3] }, 0},
		{"a rotation", func(i int) string { return []string{"pk_1", "pk_2"}[min(i/20, 1)] }, 1},
		{"a new key on every request", func(i int) string { return "pk_" + strconv.Itoa(i) }, 32},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := NewTable[struct{}](Config{})
			var c *Client[struct{}]
			for i := range 40 {
				r := rec(float64(i), "GET", "/api/me", 401)
				r.APIKey = []byte(tt.key(i))
				c = tb.Observe([]byte("a"), "ip", r)
			}
			if got := c.KeyChanges(); got != tt.want {
				t.Errorf("KeyChanges() = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestThrottled(t *testing.T) {
	tb := NewTable[struct{}](Config{})
	var c *Client[struct{}]
	for i := range 40 {
		status := 200
		if i%4 == 0 && i >= 8 {
			status = 429
		}
		c = tb.Observe([]byte("a"), "ip", rec(float64(i), "GET", "/queue/status?t=1", status))
		if i == 7 && c.Throttled() != 0 {
			t.Fatalf("Throttled() = %v before any 429", c.Throttled())
		}
	}
	// The last 32 requests (8 to 39) hold 429 at 8, 12, ..., 36.
	if got := c.Throttled(); got != 8.0/32 {
		t.Errorf("Throttled() = %v with every fourth of the last 32 requests answered 429, want 0.25", got)
	}
}

// TestPaced pins which 429s say the site holds a client to its pace: a
// read's, and an integration's write (its own key, or a user agent naming
// its service); not a write by a browser or with changing keys, which is a
// guess throttled and counts as a refusal.
func TestPaced(t *testing.T) {
	cases := []struct {
		name, method, ua string
		keys             []string // API key per request, "" for none
		paced, refusal   bool
	}{
		{"read", "GET", "Mozilla/5.0", nil, true, false},
		{"browser's write", "POST", "Mozilla/5.0", nil, false, true},
		{"keyed write", "POST", "python-requests/2.32", []string{"k1", "k1", "k1"}, true, false},
		{"write with changing keys", "POST", "python-requests/2.32", []string{"k1", "k2", "k3"}, false, true},
		{"named service's write", "POST", "Acme-Webhooks/2.0", nil, true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tb := NewTable[struct{}](Config{})
			var c *Client[struct{}]
			for i := range 3 {
				r := rec(float64(i), "GET", "/orders", 200)
				if i == 2 {
					r = rec(float64(i), tc.method, "/orders", 429)
				}
				r.UserAgent = []byte(tc.ua)
				if tc.keys != nil {
					r.APIKey = []byte(tc.keys[i])
				}
				c = tb.Observe([]byte("a"), "ip", r)
				if i < 2 && c.Paced() {
					t.Fatalf("Paced() after a 200")
				}
			}
			if c.Paced() != tc.paced {
				t.Errorf("Paced() = %v, want %v", c.Paced(), tc.paced)
			}
			if got := c.Throttled() > 0; got != tc.paced {
				t.Errorf("Throttled() = %v, want a share only when paced", c.Throttled())
			}
			var v Vector
			c.Vector(&v)
			if got := v[AuthFailRatio] > 0; got != tc.refusal {
				t.Errorf("auth_fail_ratio = %v, want a refusal counted: %v", v[AuthFailRatio], tc.refusal)
			}
		})
	}
}

// TestRefusedSharesLeaveOutServerFailures: a guesser that an overloaded
// site answers 503 on half its guesses is refused on every guess the
// site answered; the refused share is of those, where counting the 503s
// halved it. The 503s stay in error_ratio.
func TestRefusedSharesLeaveOutServerFailures(t *testing.T) {
	share := func(overloaded bool) (notFound, errs float64) {
		tb := NewTable[struct{}](Config{})
		var c *Client[struct{}]
		for i := range 20 {
			status := 404
			if overloaded && i%2 == 1 {
				status = 503
			}
			c = tb.Observe([]byte("a"), "ip", rec(float64(i), "GET", "/checkin?pnr="+strconv.Itoa(i), status))
		}
		var v Vector
		c.Vector(&v)
		return v[NotFoundRatio], v[ErrorRatio]
	}
	all, _ := share(false)
	half, errs := share(true)
	if want := 10 / (10 + ratioPrior); math.Abs(half-want) > 0.02 {
		t.Errorf("10 guesses refused 404 and 10 answered 503: not_found_ratio %.3f, want %.3f (the refused share of what the site answered)", half, want)
	}
	if half < 0.6 || all < half {
		t.Errorf("not_found_ratio %.3f with half the guesses answered 503, %.3f with none; want it near the share of a guesser the site answers every time", half, all)
	}
	if errs < 0.8 {
		t.Errorf("error_ratio %.3f; want every 404 and 503 in it", errs)
	}
}

// TestAuthFailures pins which failures count as guessing: 401 on writes or
// with changing keys, unless a read with the same key was refused 401
// first, 403 on writes or new paths, 400 and 422 on writes sent again to
// one path without a key of their own, 423 and 429 on writes without a
// key of their own; a job with a revoked key paging through reads or
// posting its jobs, or an integration posting with its key what the site
// refuses, is broken, not guessing.
func TestAuthFailures(t *testing.T) {
	run := func(n int, method string, status int, path, key func(i int) string) float64 {
		return observeRun(n, func(int) string { return method }, status, path, key)[AuthFailRatio]
	}
	same := func(int) string { return "pk_revoked" }
	pages := func(i int) string { return "/v2/events?page=" + strconv.Itoa(i) }
	tests := []struct {
		name  string
		got   float64
		guess bool
	}{
		{"a revoked key paging through reads", run(20, "GET", 401, pages, same), false},
		{"keys tried one after another", run(20, "GET", 401, func(int) string { return "/v2/me" }, func(i int) string { return "pk_" + strconv.Itoa(i) }), true},
		{"passwords tried on a login form", run(20, "POST", 401, func(int) string { return "/login" }, func(int) string { return "" }), true},
		{"resources of others read one after another", run(20, "GET", 403, pages, same), true},
		{"one forbidden page read again and again", run(20, "GET", 403, func(int) string { return "/admin" }, same), false},
		{"one-time codes tried and answered 400", run(20, "POST", 400, func(int) string { return "/v2/auth/otp/verify" }, func(int) string { return "" }), true},
		{"forms sent once each to new paths and answered 400", run(20, "POST", 400, pages, func(int) string { return "" }), false},
		{"an integration posting what the site refuses with its own key", run(20, "POST", 400, func(int) string { return "/api/v1/orders" }, same), false},
		{"logins tried faster than the site lets anyone, answered 429", run(20, "POST", 429, func(int) string { return "/login" }, func(int) string { return "" }), true},
		{"logins tried on a locked account, answered 423", run(20, "POST", 423, func(int) string { return "/login" }, func(int) string { return "" }), true},
		{"an integration's webhooks throttled while it posts with its own key", run(20, "POST", 429, func(int) string { return "/hooks/orders" }, same), false},
		{"a reader polling too fast, answered 429", run(20, "GET", 429, func(int) string { return "/queue/status" }, func(int) string { return "" }), false},
		{"a revoked key refused on a read, then posting jobs", observeRun(20, readFirst, 401, func(int) string { return "/v1/matrix" }, same)[AuthFailRatio], false},
		{"a lock's PIN guessed with the lock's own key", run(20, "POST", 401, func(int) string { return "/v1/locks/7/pin/verify" }, same), true},
	}
	for _, tt := range tests {
		if guess := tt.got > 0.5; guess != tt.guess {
			t.Errorf("%s: auth_fail_ratio %.3f, want guessing=%v", tt.name, tt.got, tt.guess)
		}
	}
}

// readFirst is the method of a run that reads once, then posts.
func readFirst(i int) string {
	if i == 0 {
		return "GET"
	}
	return "POST"
}

// observeRun feeds one client n requests, the i-th with method(i),
// path(i) and API key key(i), all answered status, and returns its vector.
func observeRun(n int, method func(int) string, status int, path, key func(i int) string) Vector {
	tb := NewTable[struct{}](Config{})
	var c *Client[struct{}]
	for i := range n {
		r := rec(float64(i), method(i), path(i), status)
		r.APIKey = []byte(key(i))
		c = tb.Observe([]byte("a"), "ip", r)
	}
	var v Vector
	c.Vector(&v)
	return v
}

// TestPaymentRequiredOfOneKeyIsNoError: a customer's server whose quota
// ran out is answered 402 on every call with its key; that is its
// account's state, not something it tried, and stays out of
// other_error_ratio. A client trying key after key does not.
func TestPaymentRequiredOfOneKeyIsNoError(t *testing.T) {
	get := func(int) string { return "GET" }
	route := func(i int) string { return "/v1/route?from=" + strconv.Itoa(i) }
	quota := observeRun(20, get, 402, route, func(int) string { return "sk_live_1" })
	keys := observeRun(20, get, 402, route, func(i int) string { return "sk_live_" + strconv.Itoa(i) })
	if quota[OtherErrorRatio] > 0.01 || quota[ErrorRatio] < 0.8 {
		t.Errorf("one key answered 402 twenty times: other_error_ratio %.3f, error_ratio %.3f; want 0 and about 1", quota[OtherErrorRatio], quota[ErrorRatio])
	}
	if keys[OtherErrorRatio] < 0.8 {
		t.Errorf("twenty keys each answered 402: other_error_ratio %.3f; want about 1", keys[OtherErrorRatio])
	}
}

func TestPathHashes(t *testing.T) {
	for _, p := range []string{"/a", "/a?b=1", "/a?b=1?c", "?", "", "/search?q=x&_=17"} {
		full, url := PathHashes([]byte(p))
		path, _, _ := strings.Cut(p, "?")
		if full != PathHash([]byte(p)) || url != PathHash([]byte(path)) {
			t.Errorf("PathHashes(%q) = %x, %x; want PathHash of the whole and of %q", p, full, url, path)
		}
	}
}

// TestPayloadMarkerMatchesAScanOfTheList checks the one-pass matcher
// against the plain definition: the first marker in list order that the
// decoded path contains, behind the same gates.
func TestPayloadMarkerMatchesAScanOfTheList(t *testing.T) {
	scan := func(p []byte) int {
		hit := false
		for _, c := range p {
			hit = hit || trigger[c]
		}
		if !hit {
			return -1
		}
		d := decode(append([]byte(nil), p...))
		if strings.IndexByte(string(d), '%') >= 0 {
			d = decode(d)
		}
		if !strings.ContainsAny(string(d), "'\"<>`($\\{;|&.#[\x00") && !strings.Contains(string(d), "select") && !strings.Contains(string(d), " or ") {
			return -1
		}
		for i, m := range markers {
			if strings.Contains(string(d), m) {
				return i
			}
		}
		return -1
	}
	paths := []string{
		"/items?q=rock+%26%26+roll", "/a/../../etc/passwd", "/s?q=1'+or+1=1--", "/x?u=%253Cscript%253Ealert(1)",
		"/p?t={{7*7}}", "/ok/page.html", "/q?a=b&c=d", "/f?x=$(id)", "/y?v=%00", "/z?o=union+select+1,2",
		"/k?q=%27%20OR%20%271%27=%271", "/j?x=${jndi:ldap://x}", "/plain/path", "", "/w?x=<svg/onload=alert(1)>",
		"/d?f=....//....//etc/passwd", "/c?cmd=;cat+/etc/shadow", "/n?user[$ne]=1",
	}
	for _, p := range paths {
		got, _ := injectionMarker([]byte(p), nil)
		if want := scan([]byte(p)); got != want {
			t.Errorf("injectionMarker(%q) = %d, want %d", p, got, want)
		}
	}
}

// TestTemplateStatsByDefinition checks templateStats against its
// definition, computed plainly with a map, on random rings: the entropy of
// the templates, summed over them in the order each first appears, and
// the distinct paths of the first of the most used templates; and
// refusedPaths, the distinct paths among the refused requests.
func TestTemplateStatsByDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, d := range []int{1, 2, 5, 30, 1000} {
		for _, pd := range []int{1, 3, 1000} {
			for range 200 {
				var c Client[struct{}]
				c.events = uint32(r.IntN(2 * ring))
				for j := range ring {
					c.templates[j], c.paths[j] = uint32(r.IntN(d)), uint32(r.IntN(pd))
				}
				n := int(min(c.events, ring))
				var wantE, wantS float64
				if n > 1 {
					count, order := map[uint32]int{}, []uint32{}
					for _, tm := range c.templates[:n] {
						if count[tm] == 0 {
							order = append(order, tm)
						}
						count[tm]++
					}
					top := order[0]
					for _, tm := range order {
						p := float64(count[tm]) / float64(n)
						wantE -= p * math.Log2(p)
						if count[tm] > count[top] {
							top = tm
						}
					}
					paths := map[uint32]bool{}
					for i, tm := range c.templates[:n] {
						if tm == top {
							paths[c.paths[i]] = true
						}
					}
					wantS = float64(len(paths)) / (float64(n) + ratioPrior)
				}
				if e, s := c.templateStats(); e != wantE || s != wantS {
					t.Fatalf("templates %v paths %v (n %d): got %v, %v; want %v, %v", c.templates[:n], c.paths[:n], n, e, s, wantE, wantS)
				}
				c.refused = r.Uint32()
				refused := map[uint32]bool{}
				for i := range ring {
					if c.refused&(1<<i) != 0 {
						refused[c.paths[i]] = true
					}
				}
				if got := c.refusedPaths(); got != float64(len(refused)) {
					t.Fatalf("paths %v refused %032b: %v refused paths, want %d", c.paths, c.refused, got, len(refused))
				}
			}
		}
	}
}

func TestLatestIsTheLatestRequestsHashes(t *testing.T) {
	tb := NewTable[struct{}](Config{})
	for i := range 2*ring + 3 {
		p := "/items/" + strconv.Itoa(i) + "?page=" + strconv.Itoa(i%4)
		if i%5 == 0 {
			p = "/login"
		}
		c := tb.Observe([]byte("a"), "ip", rec(float64(i), "GET", p, 200))
		if tm, ph := c.Latest(); tm != TemplateHash([]byte(p)) || ph != PathHash([]byte(p)) {
			t.Fatalf("request %d (%s): Latest() = %x, %x; want %x, %x", i, p, tm, ph, TemplateHash([]byte(p)), PathHash([]byte(p)))
		}
	}
}

func TestLargeRequestsAreCountedAndDecay(t *testing.T) {
	tb := NewTable[struct{}](Config{})
	send := func(sec float64, size int64) *Client[struct{}] {
		r := rec(sec, "POST", "/upload", 201)
		r.ReqBytes = size
		return tb.Observe([]byte("a"), "ip", r)
	}
	if c := send(0, 1<<30); c.Large() != 0 {
		t.Errorf("without a large size, Large() = %v, want 0", c.Large())
	}
	tb.SetLargeSize(1000)
	send(1, 999)
	send(1, 1000)
	if c := send(1, 5000); c.Large() != 2 {
		t.Errorf("Large() = %v after 999, 1000 and 5000 bytes at a large size of 1000, want 2", c.Large())
	}
	if c := send(1+TauSustained, 10); math.Abs(c.Large()-2/math.E) > 1e-9 {
		t.Errorf("Large() = %v after TauSustained, want 2/e", c.Large())
	}
	r := rec(1+TauSustained, "POST", "/upload", 413)
	r.ReqBytes = 10
	if c := tb.Observe([]byte("a"), "ip", r); math.Abs(c.Large()-(1+2/math.E)) > 1e-9 {
		t.Errorf("Large() = %v after a 10-byte request answered 413, want 1+2/e", c.Large())
	}
}

// TestChunkedUploadCountsOnce: the parts of a chunked upload (PUT or
// PATCH, taken, each the size the client chose, within a KiB) are one
// large request; whole uploads, parts refused and parts by POST each count.
func TestChunkedUploadCountsOnce(t *testing.T) {
	tests := []struct {
		name   string
		method string
		status int
		size   func(i int) int64
		want   float64
	}{
		{"eight 8 MiB parts put, their headers a few bytes apart, then the last", "PUT", 200,
			func(i int) int64 {
				return []int64{8<<20 + 1606, 8<<20 + 1606, 8<<20 + 1607, 8<<20 + 1607, 8<<20 + 1607, 8<<20 + 1607, 8<<20 + 1607, 8<<20 + 1607, 3 << 20}[i]
			}, 2},
		{"tus patches of 5 MiB", "PATCH", 204, func(int) int64 { return 5 << 20 }, 1},
		{"whole files put, each its own size", "PUT", 200, func(i int) int64 { return int64(2+i) << 20 }, 9},
		{"same-size bodies posted", "POST", 201, func(int) int64 { return 5 << 20 }, 9},
		{"same-size parts refused", "PUT", 403, func(int) int64 { return 5 << 20 }, 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := NewTable[struct{}](Config{})
			tb.SetLargeSize(1 << 20)
			var c *Client[struct{}]
			for i := range 9 {
				r := rec(float64(i), tt.method, "/uploads/f989e64b/parts/"+strconv.Itoa(i+1), tt.status)
				r.ReqBytes = tt.size(i)
				tb.Observe([]byte("a"), "ip", r)
				// A poll between parts leaves the upload as it is.
				c = tb.Observe([]byte("a"), "ip", rec(float64(i)+0.5, "GET", "/notifications/unread", 200))
			}
			if got := c.Large(); math.Abs(got-tt.want) > 0.15 { // decayed over 9 s
				t.Errorf("Large() = %.2f, want %v", got, tt.want)
			}
		})
	}
}

// TestPeopleShareAnAddressesVolume: an office whose staff are signed in,
// each with a person's pace, is judged on one person's share of its
// volume; users whose requests failed (a stuffer's usernames) and users
// seen too long ago do not count.
func TestPeopleShareAnAddressesVolume(t *testing.T) {
	tb := NewTable[struct{}](Config{})
	observe := func(key string, n int, user func(i int) string, status int) *Client[struct{}] {
		var c *Client[struct{}]
		for i := range n {
			r := rec(float64(i)/10, "GET", "/backoffice/orders?page="+strconv.Itoa(i%5), status)
			r.User = []byte(user(i))
			c = tb.Observe([]byte(key), "ip", r)
		}
		return c
	}
	one := observe("one", 120, func(int) string { return "ana" }, 200)
	office := observe("office", 120, func(i int) string { return "staff" + strconv.Itoa(i%8) }, 200)
	stuffer := observe("stuffer", 120, func(i int) string { return "victim" + strconv.Itoa(i) }, 401)
	if p := one.People(); p != 1 {
		t.Errorf("People() = %v for one signed-in user, want 1", p)
	}
	if p := office.People(); p < 6 || p > 10 {
		t.Errorf("People() = %v for 8 signed-in users, want about 8", p)
	}
	if p := stuffer.People(); p != 1 {
		t.Errorf("People() = %v for 120 usernames refused, want 1", p)
	}
	var vo, vs, vf Vector
	one.Vector(&vo)
	office.Vector(&vf)
	stuffer.Vector(&vs)
	for _, i := range []int{Rate, Volume, ReqBytesTotal} {
		if want := vo[i] / office.People(); !near(vf[i], want) {
			t.Errorf("%s = %v for the office, want %v (one user's %v shared by %v)", specs[i].Name, vf[i], want, vo[i], office.People())
		}
		if !near(vs[i], vo[i]) {
			t.Errorf("%s = %v for the stuffer, want %v like one user's", specs[i].Name, vs[i], vo[i])
		}
	}
	// A late record of the span before counts there; one older than what
	// is counted does not move the spans back.
	before := office.People()
	next := rec(130, "GET", "/backoffice/orders", 200) // the next two minutes
	next.User = []byte("staff1")
	tb.Observe([]byte("office"), "ip", next)
	late := rec(5, "GET", "/backoffice/orders", 200)
	late.User = []byte("staff-late")
	if p := tb.Observe([]byte("office"), "ip", late).People(); p < before {
		t.Errorf("People() = %v after a late record of the span before, want at least the %v of that span", p, before)
	}
	// Ten minutes later a request of one user: the others have left.
	r := rec(600, "GET", "/backoffice/orders", 200)
	r.User = []byte("staff1")
	if p := tb.Observe([]byte("office"), "ip", r).People(); p != 1 {
		t.Errorf("People() = %v ten minutes after 8 users, with one user since, want 1", p)
	}
}

// injectionMarker is the plain definition of what PayloadMarker finds of
// the payload fragments: the index of the first that p, decoded as
// HasPayloadMarks decodes it, carries, or -1, behind the simplest gate.
func injectionMarker(p, scratch []byte) (int, []byte) {
	hit, query := false, false
	for _, c := range p {
		if trigger[c] || query && c == '/' {
			hit = true
			break
		}
		query = query || c == '?'
	}
	if !hit {
		return -1, scratch
	}
	return injectionIn(p, scratch)
}

// decodedMarker returns the first marker in list order that p, decoded as
// injectionIn decodes it, contains, with no gate, or -1.
func decodedMarker(p []byte) int {
	d := decode(append([]byte(nil), p...))
	if strings.IndexByte(string(d), '%') >= 0 {
		d = decode(d)
	}
	for i, m := range markers {
		if strings.Contains(string(d), m) {
			return i
		}
	}
	return -1
}

// checkLacksMarkers fails when lacksMarkers vouches for a path whose
// decoded form carries a marker, or when PayloadMarker, which trusts it,
// disagrees with injectionIn run on every path its first pass lets by.
func checkLacksMarkers(t *testing.T, p []byte) {
	t.Helper()
	if m := decodedMarker(p); m >= 0 && lacksMarkers(p) {
		t.Fatalf("lacksMarkers(%q) = true, but its decoded form carries %q", p, markers[m])
	}
	want, _ := injectionMarker(p, nil)
	if want < 0 {
		want = probeOnly(p)
	}
	if got, _ := PayloadMarker(p, nil); got != want {
		t.Fatalf("PayloadMarker(%q) = %d, want %d", p, got, want)
	}
}

// probeOnly is PayloadMarker's answer for a path without a payload
// fragment: the probe it asks for, or -1.
func probeOnly(p []byte) int {
	path, _, _ := strings.Cut(string(p), "?")
	return probeMarker([]byte(path))
}

// TestLacksMarkersNeverHidesOne builds paths from pieces of markers, in
// both cases, encoded and not, and checks that the shortcut around
// decoding never loses a marker nor changes the one found.
func TestLacksMarkersNeverHidesOne(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	pieces := []string{"/api", "/v1/", "items", "?q=", "&page=2", ".", "..", "/", "+", "%", "%2", "%27", "%252e",
		"%c0%ae", "\xc0\xae", "\xc0", "O", "R", "or", " ", "=", "1", "'", "\"", "<", "(", "$", "{", "|", ";", "#"}
	for _, m := range markers {
		pieces = append(pieces, m, m[:len(m)/2], m[len(m)/2:], strings.ToUpper(m), strings.ReplaceAll(m, " ", "+"))
	}
	for range 200000 {
		var b []byte
		for range 1 + r.IntN(6) {
			b = append(b, pieces[r.IntN(len(pieces))]...)
		}
		checkLacksMarkers(t, b)
	}
}

// FuzzPayloadMarker checks the shortcut around decoding against decoding
// every path the first pass lets by.
func FuzzPayloadMarker(f *testing.F) {
	for _, p := range []string{"/items?q=rock+%26%26+roll", "/a/../../etc/passwd", "/s?q=1'+OR+1=1--",
		"/x?u=%253Cscript%253Ealert(1)", "/ok/page.html", "/q?a=b&c=d", "/f?x=\xc0\xae\xc0\xae/", "/.git/config?x=`"} {
		f.Add([]byte(p))
	}
	f.Fuzz(func(t *testing.T, p []byte) { checkLacksMarkers(t, p) })
}

// templateHashOfSegments is TemplateHash's definition: each segment (an
// identifier as "{}") hashed, followed by a slash.
func templateHashOfSegments(p []byte) uint32 {
	h := uint32(fnvOffset32)
	for it := newSegments(p); ; {
		seg, last := it.next()
		if isIdentifier(seg) {
			seg = []byte("{}")
		}
		for _, c := range append(seg[:len(seg):len(seg)], '/') {
			h = (h ^ uint32(c)) * fnvPrime32
		}
		if last {
			return h
		}
	}
}

// TestTemplateHashByDefinition checks the one-pass TemplateHash against
// its definition, on paths built from route words and identifiers.
func TestTemplateHashByDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	pieces := []string{"/", "api", "v1", "items", "42", "a@b.c", "3f2b8c1e-9a4d-4c6e-8f00-1234567890ab", "deadbeef00112233",
		"app2.js", "red-shoes-94415", "TX-1VVP3QL", "?", "?q=1/2", "#frag", "x", strings.Repeat("long", 6), "", "//"}
	for range 100000 {
		var b []byte
		for range r.IntN(8) {
			b = append(b, pieces[r.IntN(len(pieces))]...)
		}
		if got, want := TemplateHash(b), templateHashOfSegments(b); got != want {
			t.Fatalf("TemplateHash(%q) = %x, want %x", b, got, want)
		}
	}
}

// Reads the gateway throttles (429, see Paced) are other errors for one
// client (an enumerator slowed down is still refused for what it asks),
// and not for an address several signed-in people use (an office, a VPN's
// egress), whose crowd the gateway holds to a pace.
func TestThrottledReadsOfASharedAddressAreNoErrors(t *testing.T) {
	for _, tt := range []struct {
		name  string
		users int
		want  bool // other errors counted
	}{{"one client", 0, true}, {"one signed-in user", 1, true}, {"five signed-in people", 5, false}} {
		t.Run(tt.name, func(t *testing.T) {
			tb := NewTable[struct{}](Config{})
			var c *Client[struct{}]
			for i := range 40 {
				r := &ingest.Record{TS: int64(i) * int64(time.Second), ClientIP: []byte("192.0.2.7"), Method: []byte("GET"), Path: []byte("/v1/depth"), Status: 200}
				if tt.users > 0 {
					r.User = []byte(fmt.Sprintf("user%d", i%tt.users))
				}
				if i%2 == 1 {
					r.Status = 429
				}
				c = tb.Observe([]byte("192.0.2.7"), "ip", r)
			}
			var v Vector
			c.Vector(&v)
			if got := v[OtherErrorRatio] > 0.2; got != tt.want {
				t.Errorf("other_error_ratio %.2f with half the reads throttled, want counted %v", v[OtherErrorRatio], tt.want)
			}
		})
	}
}

// TestAPayloadTypedOnIsOneMarkedRequest: a search typed as suggestions,
// then searched with more of it, paged and asked again in another tab,
// counts its payload once; a probe's new payloads, and one payload sent
// again to another parameter or endpoint, count each time.
func TestAPayloadTypedOnIsOneMarkedRequest(t *testing.T) {
	marked := func(paths ...string) float64 {
		tb := NewTable[struct{}](Config{})
		var c *Client[struct{}]
		for _, p := range paths {
			c = tb.Observe([]byte("203.0.113.7"), "ip", rec(0, "GET", p, 200))
		}
		_, n, _ := c.Payload()
		return n
	}
	tests := []struct {
		name  string
		paths []string
		want  float64
	}{
		{"a search typed, searched and paged", []string{
			"/api/search/suggest?q=%3Ci",
			"/api/search/suggest?q=%3Ciframe",
			"/api/search/suggest?q=%3Ciframe+sr",
			"/api/search/suggest?q=%3Ciframe+srcdoc",
			"/search?q=%3Ciframe+srcdoc%3E&type=threads",
			"/media/avatars/8d/1003624_48.webp",
			"/search?type=users&q=%3Ciframe+srcdoc%3E",
			"/search?q=%3Ciframe+srcdoc%3E&type=threads&page=2",
		}, 1},
		{"a suggestion typed in full, then searched", []string{
			"/api/search/suggest?q=C%2B%2B+%26%26+Rust",
			"/search?q=C%2B%2B+%26%26+Rust",
		}, 2},
		{"a probe's payloads, one after another", []string{
			"/search?q=%3Cscript%3Ealert(1)%3C/script%3E",
			"/search?q=%3Cimg+src=x+onerror=alert(1)%3E",
			"/search?q=%27+OR+1=1--",
			"/search?q=%27+OR+%27a%27=%27a",
		}, 4},
		{"one payload in every parameter", []string{
			"/items?q=%27+OR+1=1--&sort=name",
			"/items?q=shoes&sort=%27+OR+1=1--",
			"/items?q=shoes&sort=name&page=%27+OR+1=1--",
		}, 3},
		{"one payload at every endpoint", []string{
			"/items?q=%27+OR+1=1--",
			"/orders?q=%27+OR+1=1--",
			"/users?q=%27+OR+1=1--",
		}, 3},
		{"a payload shortened", []string{
			"/search?q=%27+OR+1=1--+-",
			"/search?q=%27+OR+1=1",
		}, 2},
		{"traversals in the path", []string{
			"/files/../../etc/passwd",
			"/files/../../etc/passwd",
		}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := marked(tt.paths...); !near(got, tt.want) {
				t.Errorf("%v marked requests, want %v", got, tt.want)
			}
		})
	}
}

func TestMarkedParam(t *testing.T) {
	for path, want := range map[string]string{
		"/search?q=%3Ciframe+srcdoc%3E&type=threads": "q=<iframe srcdoc>",
		"/items?q=shoes&sort=%27+OR+1=1--&page=2":    "sort=' or 1=1--",
		"/items?%27+OR+1=1--":                        "' or 1=1--",
		"/files/../../etc/passwd?x=1":                "",
	} {
		m, dec := PayloadMarker([]byte(path), nil)
		if got := string(markedParam(dec, m)); got != want {
			t.Errorf("markedParam(%q) = %q, want %q", path, got, want)
		}
	}
}
