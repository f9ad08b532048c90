package gateway

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/internal/redistest"
)

// actionStore returns a Redis store on addr with a key prefix of its own,
// and a Checker following it once its first snapshot is loaded.
func actionStore(t *testing.T, addr string) (*redisstore.Store, *blocklist.Checker) {
	t.Helper()
	store, err := redisstore.New(redisstore.Config{Addrs: []string{addr},
		KeyPrefix: fmt.Sprintf("gw%d:", keyPrefixes.Add(1)), Policy: redisstore.Policy{TTLJitter: -1}}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	c := blocklist.NewChecker(store, blocklist.CheckerConfig{FailMode: blocklist.FailOpen}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := c.Run(ctx); err != nil {
			t.Errorf("checker: %v", err)
		}
	})
	t.Cleanup(func() { cancel(); wg.Wait(); store.Close() })
	eventually(t, "the checker loads its first snapshot", func() bool { return c.Stats().Resyncs > 0 })
	return store, c
}

func decide(t *testing.T, store *redisstore.Store, c *blocklist.Checker, client, action string, limit float64) {
	t.Helper()
	d := &decision.Decision{Client: client, Scope: "ip", TS: time.Now(), Action: action, Limit: limit, TTLSec: 600}
	if _, err := store.Apply(t.Context(), []*decision.Decision{d}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the checker sees the "+action+" of "+client, func() bool {
		v := c.Check(netip.MustParseAddr(client), "", "")
		return v.Action == action
	})
}

func TestActionsThroughTheGateway(t *testing.T) {
	addr := redistest.Start(t)
	noLeaks(t)
	store, checker := actionStore(t, addr)
	decide(t, store, checker, "203.0.113.1", decision.ActionBlock, 0)
	decide(t, store, checker, "203.0.113.2", decision.ActionThrottle, 0.5)
	decide(t, store, checker, "203.0.113.3", decision.ActionChallenge, 0.5)
	decide(t, store, checker, "203.0.113.4", decision.ActionLog, 0)
	decide(t, store, checker, "203.0.113.5", decision.ActionChallenge, 0.5)

	client := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { client.Close() })
	lim := NewRedisLimiter(client, fmt.Sprintf("rl%d:", keyPrefixes.Add(1)))
	up := newUpstream(t, "up", nil)
	page := func(w http.ResponseWriter, r *http.Request, v blocklist.Verdict) bool {
		if r.Header.Get("X-Passed") == "yes" {
			return false
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte("<p>challenge</p>"))
		return true
	}
	build := func(cfg Config, reg prometheus.Registerer) (*Gateway, error) {
		return New(cfg, checker, nil, lim, reg, nil, WithChallenge(page))
	}
	g1 := startGateway(t, oneRoute(up.URL, nil), build)
	g2 := startGateway(t, oneRoute(up.URL, nil), build)
	apiGW := startGateway(t, oneRoute(up.URL, func(r *Route) { r.Class = ClassAPI }), build)
	bare := startGateway(t, oneRoute(up.URL, nil), func(cfg Config, reg prometheus.Registerer) (*Gateway, error) {
		return New(cfg, checker, nil, nil, reg, nil)
	})

	t.Run("a block is refused with 403", func(t *testing.T) {
		if r := g1.do(t, "GET", "/api/x", nil, from("203.0.113.1")); r.status != http.StatusForbidden {
			t.Errorf("status %d", r.status)
		}
	})
	t.Run("a throttle is one budget for two gateways sharing the Redis limiter, then 429 with Retry-After", func(t *testing.T) {
		// 0.5 req/s: a burst of 1, and a token every 2 s.
		if r := g1.do(t, "GET", "/api/x", nil, from("203.0.113.2")); r.status != 200 {
			t.Fatalf("first request: %d", r.status)
		}
		r := g2.do(t, "GET", "/api/y", nil, from("203.0.113.2"))
		if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "2" || !strings.Contains(r.body, `"error":"throttled"`) {
			t.Fatalf("second request, other gateway: %d, Retry-After %q, %q", r.status, r.header.Get("Retry-After"), r.body)
		}
		if got := up.last().URL.Path; got != "/api/x" {
			t.Errorf("the upstream saw %s, want only the request within the rate", got)
		}
	})
	t.Run("a log decision is let through every time, and counted", func(t *testing.T) {
		for i := range 5 {
			if r := g1.do(t, "GET", "/api/x", nil, from("203.0.113.4")); r.status != 200 {
				t.Fatalf("request %d: %d", i, r.status)
			}
		}
		if n := g1.metric(t, "portcullis_gateway_blocklist_actions_total", "action", "log", "result", "passed", "route", "api"); n != 5 {
			t.Errorf("log passed: %v, want 5", n)
		}
	})
	t.Run("a challenge is served to a browser, and a client that passed it goes on", func(t *testing.T) {
		r := g1.do(t, "GET", "/api/page", nil, func(r *http.Request) {
			from("203.0.113.3")(r)
			r.Header.Set("Accept", "text/html")
		})
		if r.status != http.StatusForbidden || r.body != "<p>challenge</p>" {
			t.Errorf("status %d, body %q", r.status, r.body)
		}
		r = g1.do(t, "GET", "/api/page", nil, func(r *http.Request) {
			from("203.0.113.3")(r)
			r.Header.Set("X-Passed", "yes")
		})
		if r.status != 200 {
			t.Errorf("after passing: %d", r.status)
		}
	})
	t.Run("a challenge on a request that wants JSON is throttled, never served", func(t *testing.T) {
		json := func(r *http.Request) { from("203.0.113.5")(r); r.Header.Set("Accept", "application/json") }
		codes := []int{g1.do(t, "GET", "/api/x", nil, json).status, g2.do(t, "GET", "/api/x", nil, json).status}
		if codes[0] != 200 || codes[1] != http.StatusTooManyRequests {
			t.Errorf("statuses %v, want 200 then 429", codes)
		}
	})
	t.Run("a challenge on an API route is throttled, never served", func(t *testing.T) {
		decide(t, store, checker, "203.0.113.6", decision.ActionChallenge, 0.5)
		html := func(r *http.Request) { from("203.0.113.6")(r); r.Header.Set("Accept", "text/html") }
		r1, r2 := apiGW.do(t, "GET", "/api/x", nil, html), apiGW.do(t, "GET", "/api/x", nil, html)
		if r1.status != 200 || r2.status != http.StatusTooManyRequests || strings.Contains(r2.body, "challenge") {
			t.Errorf("statuses %d %d, body %q; want 200 then 429", r1.status, r2.status, r2.body)
		}
	})
	t.Run("without a challenge hook of the caller's, the gateway's own challenge page is served", func(t *testing.T) {
		decide(t, store, checker, "203.0.113.7", decision.ActionChallenge, 0.5)
		html := func(r *http.Request) { from("203.0.113.7")(r); r.Header.Set("Accept", "text/html") }
		for range 2 {
			if r := bare.do(t, "GET", "/api/x", nil, html); r.status != http.StatusForbidden || !strings.Contains(r.body, "Checking your browser") {
				t.Errorf("status %d, body %q; want the challenge page (package challenge)", r.status, r.body)
			}
		}
	})
	t.Run("without a challenge hook, a JSON request of a challenge decision is throttled, on local buckets without a shared limiter", func(t *testing.T) {
		js := func(r *http.Request) { from("203.0.113.7")(r); r.Header.Set("Accept", "application/json") }
		r1, r2 := bare.do(t, "GET", "/api/x", nil, js), bare.do(t, "GET", "/api/x", nil, js)
		if r1.status != 200 || r2.status != http.StatusTooManyRequests || r2.header.Get("Retry-After") == "" {
			t.Errorf("statuses %d %d, Retry-After %q", r1.status, r2.status, r2.header.Get("Retry-After"))
		}
	})
	t.Run("a decision changed from log to block is enforced as a block once pushed", func(t *testing.T) {
		decide(t, store, checker, "203.0.113.4", decision.ActionBlock, 0)
		if r := g1.do(t, "GET", "/api/x", nil, from("203.0.113.4")); r.status != http.StatusForbidden {
			t.Errorf("status %d", r.status)
		}
	})
	t.Run("checks are counted by result, the actions' among them", func(t *testing.T) {
		for result, want := range map[string]float64{"blocked": 2, "throttled": 0, "challenged": 1} {
			if n := g1.metric(t, "portcullis_gateway_blocklist_checks_total", "result", result); n != want {
				t.Errorf("g1 checks with result %s: %v; want %v", result, n, want)
			}
		}
		// g2 refused the throttle's second request and the JSON challenge's.
		if n := g2.metric(t, "portcullis_gateway_blocklist_checks_total", "result", "throttled"); n != 2 {
			t.Errorf("g2 checks with result throttled: %v; want 2", n)
		}
		if n := g2.metric(t, "portcullis_gateway_blocklist_actions_total", "action", "throttle", "result", "refused", "route", "api"); n != 2 {
			t.Errorf("g2 throttle refused: %v; want 2", n)
		}
	})
}

func TestRouteClassValidates(t *testing.T) {
	cfg := oneRoute("http://127.0.0.1:1", func(r *Route) { r.Class = "robots" })
	err := cfg.WithDefaults().Validate()
	if err == nil || !strings.Contains(err.Error(), `class "robots"`) {
		t.Errorf("error %v", err)
	}
}
