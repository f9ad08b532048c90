package gateway

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/blocklist/httpcheck"
	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/internal/redistest"
)

var keyPrefixes atomic.Int64

// runChecker returns a Checker following a blocklist in the redis-server
// at addr that holds blocks, once its first snapshot is loaded.
func runChecker(t *testing.T, addr string, blocks ...string) *blocklist.Checker {
	t.Helper()
	return runCheckerWith(t, addr, blocklist.CheckerConfig{FailMode: blocklist.FailOpen}, blocks...)
}

func runCheckerWith(t *testing.T, addr string, cfg blocklist.CheckerConfig, blocks ...string) *blocklist.Checker {
	t.Helper()
	store, err := redisstore.New(redisstore.Config{Addrs: []string{addr},
		KeyPrefix: fmt.Sprintf("gw%d:", keyPrefixes.Add(1)), Policy: redisstore.Policy{TTLJitter: -1}}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	var ds []*decision.Decision
	for _, b := range blocks {
		scope := "ip"
		if strings.HasPrefix(b, "key_") {
			scope = "api_key"
		}
		ds = append(ds, &decision.Decision{Client: b, Scope: scope, TS: time.Now(), Action: decision.ActionBlock, TTLSec: 600})
	}
	if _, err := store.Apply(t.Context(), ds); err != nil {
		t.Fatal(err)
	}
	c := blocklist.NewChecker(store, cfg, nil)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := c.Run(ctx); err != nil {
			t.Errorf("checker: %v", err)
		}
	})
	t.Cleanup(func() { cancel(); wg.Wait(); store.Close() })
	eventually(t, "the checker loads its first snapshot", func() bool { return c.Stats().Resyncs > 0 })
	return c
}

func TestBlockedClients(t *testing.T) {
	addr := redistest.Start(t)
	noLeaks(t)
	checker := runChecker(t, addr, "203.0.113.66", httpcheck.APIKeyID("stolen-key"))
	up := newUpstream(t, "up", nil)
	sink := &memSink{}
	cfg := oneRoute(up.URL, nil)
	cfg.APIKeyHeader = "X-Api-Key"
	cfg.AccessLog.Enabled = true
	tg := startGateway(t, cfg, func(cfg Config, reg prometheus.Registerer) (*Gateway, error) {
		return New(cfg, checker, sink, nil, reg, nil)
	})

	t.Run("a blocked client gets 403 with a short JSON body and no reason", func(t *testing.T) {
		r := tg.do(t, "GET", "/api/x", nil, func(r *http.Request) {
			r.Header.Set("X-Forwarded-For", "203.0.113.66")
			r.Header.Set("X-Request-Id", "req-1")
		})
		if r.status != http.StatusForbidden || strings.TrimSpace(r.body) != `{"error":"blocked","request_id":"req-1"}` {
			t.Fatalf("got %d %q", r.status, r.body)
		}
		if up.last() != nil {
			t.Errorf("the upstream saw a blocked request")
		}
	})
	t.Run("other clients pass", func(t *testing.T) {
		if r := tg.do(t, "GET", "/api/x", nil, from("203.0.113.67")); r.status != 200 {
			t.Fatalf("status %d", r.status)
		}
	})
	t.Run("a key blocked by its logged id is refused from any address", func(t *testing.T) {
		r := tg.do(t, "GET", "/api/x", nil, func(r *http.Request) { r.Header.Set("X-Api-Key", "stolen-key") })
		if r.status != http.StatusForbidden {
			t.Fatalf("status %d; want 403", r.status)
		}
	})
	t.Run("a forged X-Forwarded-For from an untrusted peer does not change the client", func(t *testing.T) {
		cfg := oneRoute(up.URL, nil)
		cfg.TrustedProxies = []string{"10.0.0.0/8"} // the test's 127.0.0.1 is not trusted
		tg2 := startGateway(t, cfg, func(cfg Config, reg prometheus.Registerer) (*Gateway, error) {
			return New(cfg, checker, nil, nil, reg, nil)
		})
		if r := tg2.do(t, "GET", "/api/forged", nil, from("203.0.113.66")); r.status != 200 {
			t.Fatalf("status %d; the forged header must not make the peer the blocked client", r.status)
		}
		if got := up.last().Header.Values("X-Forwarded-For"); len(got) != 1 || got[0] != "127.0.0.1" {
			t.Errorf("upstream X-Forwarded-For %q; want only the peer, the forged hop dropped", got)
		}
	})
	t.Run("from a trusted proxy the peer is appended to X-Forwarded-For", func(t *testing.T) {
		tg.do(t, "GET", "/api/x", nil, from("198.51.100.1, 10.1.1.1"))
		if got := strings.Join(up.last().Header.Values("X-Forwarded-For"), ","); got != "198.51.100.1, 10.1.1.1, 127.0.0.1" {
			t.Errorf("upstream X-Forwarded-For %q", got)
		}
	})
	t.Run("the block is counted and logged with the resolved client", func(t *testing.T) {
		if n := tg.metric(t, "portcullis_gateway_blocked_total", "reason", "blocked", "route", "api"); n != 2 {
			t.Errorf("blocked: %v; want 2", n)
		}
		for result, want := range map[string]float64{"blocked": 2, "allowed": 2, "fail_closed": 0} {
			if n := tg.metric(t, "portcullis_gateway_blocklist_checks_total", "result", result); n != want {
				t.Errorf("checks with result %s: %v; want %v", result, n, want)
			}
		}
		eventually(t, "the records reach the sink", func() bool { return len(sink.messages()) >= 4 })
		m := sink.messages()[0]
		if string(m.Key) != "203.0.113.66" || !strings.Contains(string(m.Value), `"status":403`) {
			t.Errorf("first record key %q value %s", m.Key, m.Value)
		}
	})
}

func TestFailClosedRoute(t *testing.T) {
	noLeaks(t)
	// A checker that never ran has a stale view.
	store, err := redisstore.New(redisstore.Config{Addrs: []string{"127.0.0.1:1"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	checker := blocklist.NewChecker(store, blocklist.CheckerConfig{FailMode: blocklist.FailOpen}, nil)
	up := newUpstream(t, "up", nil)
	tg := startGateway(t, Config{Routes: []Route{
		{Name: "open", PathPrefix: "/open", Upstreams: []string{up.URL}},
		{Name: "closed", PathPrefix: "/closed", Upstreams: []string{up.URL}, FailMode: "closed"},
	}}, func(cfg Config, reg prometheus.Registerer) (*Gateway, error) {
		return New(cfg, checker, nil, nil, reg, nil)
	})
	if r := tg.do(t, "GET", "/open", nil, nil); r.status != 200 {
		t.Errorf("fail-open route: %d; want 200", r.status)
	}
	// An outage, not a ban: 503 with its own body and Retry-After.
	if r := tg.do(t, "GET", "/closed", nil, nil); r.status != 503 || r.header.Get("Retry-After") == "" ||
		!strings.HasPrefix(r.body, `{"error":"blocklist unavailable; retry later"`) {
		t.Errorf("fail-closed route: %d %q (Retry-After %q); want 503 with its own body and Retry-After", r.status, r.body, r.header.Get("Retry-After"))
	}
	if n := tg.metric(t, "portcullis_gateway_blocked_total", "reason", "fail_closed", "route", "closed"); n != 1 {
		t.Errorf("fail_closed: %v; want 1", n)
	}
	for result, want := range map[string]float64{"fail_closed": 1, "allowed": 1, "blocked": 0} {
		if n := tg.metric(t, "portcullis_gateway_blocklist_checks_total", "result", result); n != want {
			t.Errorf("checks with result %s: %v; want %v", result, n, want)
		}
	}
}

func TestFailModesWhenRedisStops(t *testing.T) {
	noLeaks(t) // first, so it checks after the restarted server is stopped
	srv := redistest.StartServer(t)
	checker := runCheckerWith(t, srv.Addr(), blocklist.CheckerConfig{FailMode: blocklist.FailOpen,
		MaxStaleness: 300 * time.Millisecond, ProbeInterval: 50 * time.Millisecond}, "203.0.113.66")
	up := newUpstream(t, "up", nil)
	tg := startGateway(t, Config{RequestIdentity: httpcheck.RequestIdentity{TrustedProxies: []string{"127.0.0.1"}}, Routes: []Route{
		{Name: "open", PathPrefix: "/open", Upstreams: []string{up.URL}},
		{Name: "closed", PathPrefix: "/closed", Upstreams: []string{up.URL}, FailMode: "closed"},
	}}, func(cfg Config, reg prometheus.Registerer) (*Gateway, error) {
		return New(cfg, checker, nil, nil, reg, nil)
	})
	from := func(ip string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set("X-Forwarded-For", ip) }
	}
	expect := func(when string, want map[string]int) {
		t.Helper()
		for _, c := range []struct{ path, ip string }{
			{"/open", "192.0.2.50"}, {"/closed", "192.0.2.50"}, {"/open", "203.0.113.66"}, {"/closed", "203.0.113.66"},
		} {
			if got := tg.do(t, "GET", c.path, nil, from(c.ip)).status; got != want[c.path+" "+c.ip] {
				t.Errorf("%s: %s from %s is %d; want %d", when, c.path, c.ip, got, want[c.path+" "+c.ip])
			}
		}
	}
	fresh := map[string]int{"/open 192.0.2.50": 200, "/closed 192.0.2.50": 200, "/open 203.0.113.66": 403, "/closed 203.0.113.66": 403}
	expect("with redis-server up", fresh)

	srv.Stop()
	eventually(t, "the view goes stale", func() bool { return checker.Staleness() > 300*time.Millisecond })
	expect("with redis-server stopped past the staleness limit", map[string]int{
		"/open 192.0.2.50": 200, "/closed 192.0.2.50": 503, "/open 203.0.113.66": 403, "/closed 203.0.113.66": 403})
	if n := tg.metric(t, "portcullis_gateway_blocked_total", "reason", "fail_closed", "route", "closed"); n != 1 {
		t.Errorf("fail_closed refusals counted: %v; want 1", n)
	}
	for _, m := range [][2]string{{"open", "open"}, {"closed", "closed"}} {
		if n := tg.metric(t, "portcullis_gateway_route_fail_mode", "mode", m[1], "route", m[0]); n != 1 {
			t.Errorf("route %s exports fail mode %s as %v; want 1", m[0], m[1], n)
		}
	}

	srv.Restart() // an empty store: the old block is gone with it
	eventually(t, "the view is fresh again", func() bool { return checker.Staleness() < 300*time.Millisecond })
	eventually(t, "the restarted store's empty blocklist is loaded", func() bool {
		return !checker.Check(netip.MustParseAddr("203.0.113.66"), "", "").Blocked
	})
	expect("after redis-server restarts", map[string]int{
		"/open 192.0.2.50": 200, "/closed 192.0.2.50": 200, "/open 203.0.113.66": 200, "/closed 203.0.113.66": 200})
}

func TestSharedRateLimit(t *testing.T) {
	addr := redistest.Start(t)
	noLeaks(t)
	client := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { client.Close() })
	lim := NewRedisLimiter(client, fmt.Sprintf("rl%d:", keyPrefixes.Add(1)))
	up := newUpstream(t, "up", nil)
	cfg := oneRoute(up.URL, func(r *Route) { r.RateLimit = RateLimit{RPS: 0.5, Burst: 2, Shared: true} })
	build := func(cfg Config, reg prometheus.Registerer) (*Gateway, error) {
		return New(cfg, nil, nil, lim, reg, nil)
	}
	g1, g2 := startGateway(t, cfg, build), startGateway(t, cfg, build)

	t.Run("two gateways draw from one bucket per client", func(t *testing.T) {
		for i, g := range []*testGateway{g1, g2, g1, g2} {
			want := 200
			if i >= 2 {
				want = 429
			}
			r := g.do(t, "GET", "/api/x", nil, from("203.0.113.9"))
			if r.status != want {
				t.Fatalf("request %d: %d; want %d", i, r.status, want)
			}
			if want == 429 && r.header.Get("Retry-After") != "2" {
				t.Errorf("Retry-After %q; want 2 (one token at 0.5/s)", r.header.Get("Retry-After"))
			}
		}
	})
	t.Run("another client has its own bucket", func(t *testing.T) {
		if r := g2.do(t, "GET", "/api/x", nil, from("203.0.113.10")); r.status != 200 {
			t.Errorf("status %d", r.status)
		}
	})
	t.Run("the bucket refills with time", func(t *testing.T) {
		l := NewRedisLimiter(client, fmt.Sprintf("rl%d:", keyPrefixes.Add(1)))
		for range 2 {
			if ok, err := l.Allow(t.Context(), "k", 20, 2); !ok || err != nil {
				t.Fatalf("within the burst: %v %v", ok, err)
			}
		}
		if ok, _ := l.Allow(t.Context(), "k", 20, 2); ok {
			t.Fatal("past the burst: allowed")
		}
		time.Sleep(60 * time.Millisecond) // > 1 token at 20/s
		if ok, err := l.Allow(t.Context(), "k", 20, 2); !ok || err != nil {
			t.Errorf("after a refill: %v %v", ok, err)
		}
	})
}

func TestSharedLimiterFailureFallsBackToLocal(t *testing.T) {
	noLeaks(t)
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialerRetries: 1})
	t.Cleanup(func() { client.Close() })
	up := newUpstream(t, "up", nil)
	cfg := oneRoute(up.URL, func(r *Route) { r.RateLimit = RateLimit{RPS: 0.5, Burst: 1, Shared: true} })
	tg := startGateway(t, cfg, func(cfg Config, reg prometheus.Registerer) (*Gateway, error) {
		return New(cfg, nil, nil, NewRedisLimiter(client, ""), reg, nil)
	})
	if r := tg.do(t, "GET", "/api", nil, nil); r.status != 200 {
		t.Fatalf("first: %d", r.status)
	}
	if r := tg.do(t, "GET", "/api", nil, nil); r.status != 429 {
		t.Fatalf("second: %d; want the local bucket to refuse", r.status)
	}
}

func TestAccessLog(t *testing.T) {
	noLeaks(t)
	up := newUpstream(t, "up", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("0123456789")) })
	sink := &memSink{}
	cfg := oneRoute(up.URL, nil)
	cfg.AccessLog.Enabled = true
	cfg.APIKeyHeader, cfg.UserHeader = "X-Api-Key", "X-User"
	tg := startGateway(t, cfg, func(cfg Config, reg prometheus.Registerer) (*Gateway, error) {
		return New(cfg, nil, sink, nil, reg, nil)
	})
	r := tg.do(t, "POST", "/api/items/42?x=1", strings.NewReader("hello"), func(r *http.Request) {
		r.Header.Set("X-Forwarded-For", "203.0.113.7")
		r.Header.Set("X-Api-Key", "s3cret-key")
		r.Header.Set("X-User", "alice")
		r.Header.Set("User-Agent", "test/1.0")
	})
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	tg.do(t, "GET", "/nowhere", nil, nil)
	eventually(t, "two records reach the sink", func() bool { return len(sink.messages()) == 2 })

	msgs := sink.messages()
	if strings.Contains(string(msgs[0].Value), "s3cret") {
		t.Fatalf("the raw API key was logged: %s", msgs[0].Value)
	}
	var p ingest.JSONParser
	var rec ingest.Record
	if err := p.Parse(msgs[0].Value, &rec); err != nil {
		t.Fatalf("parse %s: %v", msgs[0].Value, err)
	}
	// The route takes no credentials: the key and the user the client
	// claims are not identities (see TestClientIdentityHeaders).
	want := map[string]string{"client_ip": "203.0.113.7", "method": "POST", "path": "/api/items/42?x=1",
		"user_agent": "test/1.0", "api_key": "", "user": "", "key": "203.0.113.7"}
	got := map[string]string{"client_ip": string(rec.ClientIP), "method": string(rec.Method), "path": string(rec.Path),
		"user_agent": string(rec.UserAgent), "api_key": string(rec.APIKey), "user": string(rec.User), "key": string(msgs[0].Key)}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %q; want %q", k, got[k], w)
		}
	}
	if rec.Status != 200 || rec.ReqBytes != 5 || rec.RespBytes != 10 || rec.DurationMS <= 0 || rec.TS == 0 {
		t.Errorf("status %d req %d resp %d duration %v ts %d", rec.Status, rec.ReqBytes, rec.RespBytes, rec.DurationMS, rec.TS)
	}
	if err := p.Parse(msgs[1].Value, &rec); err != nil || rec.Status != 404 || string(rec.ClientIP) != "127.0.0.1" {
		t.Errorf("unmatched request record %s: %v", msgs[1].Value, err)
	}
	if n := tg.metric(t, "portcullis_gateway_access_log_sent_total"); n != 2 {
		t.Errorf("sent: %v; want 2", n)
	}
}

func TestSlowSinkDropsWithoutSlowingRequests(t *testing.T) {
	noLeaks(t)
	up := newUpstream(t, "up", nil)
	sink := &memSink{block: make(chan struct{})}
	cfg := oneRoute(up.URL, nil)
	cfg.AccessLog = AccessLog{Enabled: true, Buffer: 4}
	tg := startGateway(t, cfg, func(cfg Config, reg prometheus.Registerer) (*Gateway, error) {
		return New(cfg, nil, sink, nil, reg, nil)
	})
	// The sink holds every write until released: if a request waited on
	// it, this loop would not end.
	const n = 50
	for range n {
		if r := tg.do(t, "GET", "/api/x", nil, nil); r.status != 200 {
			t.Fatalf("status %d", r.status)
		}
	}
	dropped := tg.metric(t, "portcullis_gateway_access_log_dropped_total")
	// The stuck write holds the first record or few, Buffer wait in the
	// channel, and the rest are dropped.
	if dropped < n-4-10 {
		t.Errorf("dropped %v of %d with a buffer of 4; want most", dropped, n)
	}
	close(sink.block)
	if err := tg.Close(); err != nil {
		t.Fatal(err)
	}
	if sent := tg.metric(t, "portcullis_gateway_access_log_sent_total"); sent+dropped != n {
		t.Errorf("sent %v + dropped %v != %d requests", sent, dropped, n)
	}
}

// TestPresentedAPIKeyCheckedByItsID pins the one rule for a presented API
// key: the gateway's blocklist stage is httpcheck.Middleware, and it checks
// the key by httpcheck.APIKeyID, as any Middleware with the same identity
// config does, so a block stored under that id refuses the key from any
// address.
func TestPresentedAPIKeyCheckedByItsID(t *testing.T) {
	addr := redistest.Start(t)
	noLeaks(t)
	const secret = "pk_live_0123456789abcdef"
	up := newUpstream(t, "up", nil)
	cfg := oneRoute(up.URL, nil)
	cfg.APIKeyHeader = "X-Api-Key"
	checker := runChecker(t, addr, httpcheck.APIKeyID(secret))
	tg := startGateway(t, cfg, func(cfg Config, reg prometheus.Registerer) (*Gateway, error) {
		return New(cfg, checker, nil, nil, reg, nil)
	})
	// A Middleware of its own, naming clients by the gateway's identity
	// config.
	own := runCheckerWith(t, addr, blocklist.CheckerConfig{FailMode: blocklist.FailOpen}, httpcheck.APIKeyID(secret))
	id, err := httpcheck.NewIdentity(cfg.RequestIdentity)
	if err != nil {
		t.Fatal(err)
	}
	mw := httpcheck.Middleware(own, httpcheck.MiddlewareConfig{Client: id.Client})(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	viaMiddleware := func(key string) int {
		r := httptest.NewRequest(http.MethodGet, "/api/x", nil)
		r.RemoteAddr = "127.0.0.1:4000"
		r.Header.Set("X-Forwarded-For", "198.51.100.7")
		r.Header.Set("X-Api-Key", key)
		w := httptest.NewRecorder()
		mw.ServeHTTP(w, r)
		return w.Code
	}

	tests := []struct {
		name string
		key  string
		want int
	}{
		{"the blocked key is refused, from an address nobody blocked", secret, http.StatusForbidden},
		{"another key passes", "pk_live_fedcba9876543210", http.StatusOK},
		{"a header holding the stored id is not the key", httpcheck.APIKeyID(secret), http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tg.do(t, "GET", "/api/x", nil, func(r *http.Request) {
				r.Header.Set("X-Forwarded-For", "198.51.100.7")
				r.Header.Set("X-Api-Key", tt.key)
				r.Header.Set("X-Request-Id", "req-7")
			})
			if r.status != tt.want {
				t.Fatalf("gateway: status %d; want %d", r.status, tt.want)
			}
			if tt.want == http.StatusForbidden && (strings.TrimSpace(r.body) != `{"error":"blocked","request_id":"req-7"}` ||
				r.header.Get("Cache-Control") != "no-store" || r.header.Get("X-Request-Id") != "req-7") {
				t.Errorf("gateway refusal %q, headers %v", r.body, r.header)
			}
			if got := viaMiddleware(tt.key); got != tt.want {
				t.Errorf("httpcheck.Middleware with the gateway's identity config: %d; want %d, as the gateway", got, tt.want)
			}
		})
	}
	if n := tg.metric(t, "portcullis_gateway_blocked_total", "reason", "blocked", "route", "api"); n != 1 {
		t.Errorf("blocked: %v; want 1", n)
	}
	if n := tg.metric(t, "portcullis_gateway_blocklist_checks_total", "result", "allowed"); n != 2 {
		t.Errorf("allowed checks: %v; want 2", n)
	}
}
