package httpcheck

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/decision"
)

// middlewareIdentity trusts the proxies of 10.0.0.0/8 and fd00::/8 and
// reads the API key and the user from X-Api-Key and X-User.
var middlewareIdentity = RequestIdentity{
	TrustedProxies: []string{"10.0.0.0/8", "fd00::/8"},
	APIKeyHeader:   "X-Api-Key",
	UserHeader:     "X-User",
}

// middlewareSnapshot blocks 203.0.113.7, the API key key_bad and the user
// mallory.
func middlewareSnapshot() blocklist.Snapshot {
	d := blockOf("203.0.113.7", "ip", 600)
	d.Reasons = []decision.Reason{{Feature: "error_ratio", Value: 0.97, Typical: 0.02}}
	return blocklist.Snapshot{Decisions: []*decision.Decision{d, blockOf(APIKeyID("key_bad"), "api_key", 600), blockOf("mallory", "user", 60)}}
}

func middlewareChecker(t *testing.T) (*blocklist.Checker, *Identity) {
	t.Helper()
	id, err := NewIdentity(middlewareIdentity)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := loadedChecker(t, blocklist.CheckerConfig{FailMode: blocklist.FailOpen}, middlewareSnapshot())
	return c, id
}

func TestMiddlewareClientIdentity(t *testing.T) {
	c, id := middlewareChecker(t)
	tests := []struct {
		name    string
		remote  string
		headers map[string]string
		client  string
		blocked bool
	}{
		{"a request is identified by its connection's address", "203.0.113.7:5000", nil, "203.0.113.7", true},
		{"a forged X-Forwarded-For from an untrusted peer does not clear a blocked client", "203.0.113.7:5000",
			map[string]string{"X-Forwarded-For": "192.0.2.1"}, "203.0.113.7", true},
		{"a forged X-Forwarded-For from an untrusted peer does not frame another client", "192.0.2.1:5000",
			map[string]string{"X-Forwarded-For": "203.0.113.7"}, "192.0.2.1", false},
		{"a forged Forwarded from an untrusted peer is ignored too", "203.0.113.7:5000",
			map[string]string{"Forwarded": "for=192.0.2.1"}, "203.0.113.7", true},
		{"X-Forwarded-For from a trusted proxy names the client", "10.0.0.1:5000",
			map[string]string{"X-Forwarded-For": "203.0.113.7"}, "203.0.113.7", true},
		{"the chain is walked from the right, skipping trusted proxies", "10.0.0.1:5000",
			map[string]string{"X-Forwarded-For": "203.0.113.7, 10.0.0.9, 10.0.0.2"}, "203.0.113.7", true},
		{"a client cannot hide behind a forged entry to the left of the first untrusted hop", "10.0.0.1:5000",
			map[string]string{"X-Forwarded-For": "192.0.2.1, 203.0.113.7, 10.0.0.2"}, "203.0.113.7", true},
		{"Forwarded from a trusted proxy names the client, IPv6 with a port", "[fd00::1]:443",
			map[string]string{"Forwarded": `for=192.0.2.9, for="[2001:db8::7]:4711";proto=https`}, "2001:db8::7", false},
		{"an unreadable hop leaves the last trusted proxy as the client", "10.0.0.1:5000",
			map[string]string{"X-Forwarded-For": "203.0.113.7, unknown"}, "10.0.0.1", false},
		{"a blocked API key is read from its header, and checked by its id", "192.0.2.1:5000",
			map[string]string{"X-Api-Key": "key_bad"}, "192.0.2.1", true},
		{"a header holding the id itself is another key", "192.0.2.1:5000",
			map[string]string{"X-Api-Key": APIKeyID("key_bad")}, "192.0.2.1", false},
		{"a blocked user is read from its header", "192.0.2.1:5000",
			map[string]string{"X-User": "mallory"}, "192.0.2.1", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/api/v1/items", nil)
			r.RemoteAddr = tt.remote
			for k, v := range tt.headers {
				r.Header.Set(k, v)
			}
			if got := ClientIP(r, id.trusted); got != netip.MustParseAddr(tt.client) {
				t.Errorf("client IP %v; want %v", got, tt.client)
			}
			if v := id.CheckRequest(c, r); v.Blocked != tt.blocked {
				t.Errorf("verdict %+v; want blocked %v", v, tt.blocked)
			}
			peer := netip.MustParseAddrPort(tt.remote).Addr()
			if v, w := id.CheckHeaders(c, peer, r.Header, 0), id.CheckRequest(c, r); v != w {
				t.Errorf("CheckHeaders %+v; CheckRequest %+v", v, w)
			}
			rec := httptest.NewRecorder()
			Middleware(c, MiddlewareConfig{Client: id.Client})(http.NotFoundHandler()).ServeHTTP(rec, r)
			if blocked := rec.Code == http.StatusForbidden; blocked != tt.blocked {
				t.Errorf("Middleware answered %d; want blocked %v", rec.Code, tt.blocked)
			}
		})
	}
}

func TestMiddlewareResponses(t *testing.T) {
	c, id := middlewareChecker(t)
	stale := staleChecker(t, blocklist.FailOpen, middlewareSnapshot())
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	serveBy := func(c *blocklist.Checker, cfg MiddlewareConfig, remote string, headers map[string]string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = remote
		for k, v := range headers {
			r.Header.Set(k, v)
		}
		if cfg.Client == nil {
			cfg.Client = id.Client
		}
		w := httptest.NewRecorder()
		Middleware(c, cfg)(ok).ServeHTTP(w, r)
		return w
	}
	serve := func(cfg MiddlewareConfig, remote string, headers map[string]string) *httptest.ResponseRecorder {
		return serveBy(c, cfg, remote, headers)
	}
	body := func(t *testing.T, w *httptest.ResponseRecorder) map[string]string {
		t.Helper()
		var m map[string]string
		if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
			t.Fatalf("body %q: %v", w.Body, err)
		}
		return m
	}

	t.Run("an allowed request reaches the handler", func(t *testing.T) {
		if w := serve(MiddlewareConfig{}, "192.0.2.1:1", nil); w.Code != 200 || w.Body.String() != "ok" {
			t.Errorf("%d %q", w.Code, w.Body)
		}
	})
	t.Run("a blocked request gets 403 and a short body with its request id, never the reasons", func(t *testing.T) {
		w := serve(MiddlewareConfig{}, "203.0.113.7:1", map[string]string{"X-Request-Id": "req-42"})
		m := body(t, w)
		if w.Code != http.StatusForbidden || len(m) != 2 || m["error"] != "blocked" || m["request_id"] != "req-42" {
			t.Errorf("%d %q", w.Code, w.Body)
		}
		if s := w.Body.String(); strings.Contains(s, "error_ratio") || strings.Contains(s, "203.0.113.7") {
			t.Errorf("body %q tells the client why", s)
		}
		if w.Header().Get("Retry-After") != "" || w.Header().Get("X-Request-Id") != "req-42" {
			t.Errorf("headers %v", w.Header())
		}
	})
	t.Run("a request id that is not a plain token is replaced", func(t *testing.T) {
		w := serve(MiddlewareConfig{}, "203.0.113.7:1", map[string]string{"X-Request-Id": `"},"reasons":"x`})
		if id := body(t, w)["request_id"]; len(id) != 16 {
			t.Errorf("request id %q", id)
		}
	})
	t.Run("429 says to retry after the block lapses", func(t *testing.T) {
		w := serve(MiddlewareConfig{Status: http.StatusTooManyRequests}, "192.0.2.1:1", map[string]string{"X-User": "mallory"})
		ra, err := strconv.Atoi(w.Header().Get("Retry-After"))
		if w.Code != http.StatusTooManyRequests || err != nil || ra < 59 || ra > 60 || body(t, w)["error"] != "blocked" {
			t.Errorf("%d, Retry-After %q; want 429 and 60", w.Code, w.Header().Get("Retry-After"))
		}
	})
	t.Run("429 caps Retry-After at its maximum", func(t *testing.T) {
		w := serve(MiddlewareConfig{Status: http.StatusTooManyRequests, MaxRetryAfter: 30e9}, "203.0.113.7:1", nil)
		if w.Header().Get("Retry-After") != "30" {
			t.Errorf("Retry-After %q; want 30", w.Header().Get("Retry-After"))
		}
	})
	t.Run("a server that resolved the client names it, and sees every verdict", func(t *testing.T) {
		var seen []blocklist.Verdict
		cfg := MiddlewareConfig{
			Client:    func(*http.Request) Client { return Client{User: "mallory"} },
			OnVerdict: func(v blocklist.Verdict) { seen = append(seen, v) },
		}
		if w := serve(cfg, "192.0.2.1:1", nil); w.Code != http.StatusForbidden {
			t.Errorf("%d; want the user the server named refused", w.Code)
		}
		if len(seen) != 1 || !seen[0].Blocked || seen[0].Client != "mallory" {
			t.Errorf("verdicts %+v", seen)
		}
	})
	t.Run("without a Client, a request is named by its connection's address alone", func(t *testing.T) {
		h := Middleware(c, MiddlewareConfig{})(ok)
		for _, tt := range []struct {
			remote, header, value string
			want                  int
		}{
			{"203.0.113.7:1", "", "", http.StatusForbidden},
			{"10.0.0.1:1", "X-Forwarded-For", "203.0.113.7", http.StatusOK},
			{"192.0.2.1:1", "X-User", "mallory", http.StatusOK},
		} {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.remote
			if tt.header != "" {
				r.Header.Set(tt.header, tt.value)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.want {
				t.Errorf("from %s with %s %q: %d; want %d", tt.remote, tt.header, tt.value, w.Code, tt.want)
			}
		}
	})
	t.Run("with Unavailable, a refusal by the fail mode alone is an outage to retry", func(t *testing.T) {
		w := serveBy(stale, MiddlewareConfig{FailMode: blocklist.FailClosed, Unavailable: true}, "192.0.2.1:1", map[string]string{"X-Request-Id": "r1"})
		if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") != "5" ||
			strings.TrimSpace(w.Body.String()) != `{"error":"blocklist unavailable; retry later","request_id":"r1"}` {
			t.Errorf("%d %q, Retry-After %q", w.Code, w.Body, w.Header().Get("Retry-After"))
		}
		if w := serveBy(stale, MiddlewareConfig{FailMode: blocklist.FailClosed, Unavailable: true}, "203.0.113.7:1", nil); w.Code != http.StatusForbidden {
			t.Errorf("a client a decision names: %d; want 403 even when stale", w.Code)
		}
	})
	t.Run("a route's fail mode overrides the checker's when the view is stale", func(t *testing.T) {
		if w := serveBy(stale, MiddlewareConfig{}, "192.0.2.1:1", nil); w.Code != 200 {
			t.Errorf("fail-open route: %d", w.Code)
		}
		if w := serveBy(stale, MiddlewareConfig{FailMode: blocklist.FailClosed}, "192.0.2.1:1", nil); w.Code != http.StatusForbidden {
			t.Errorf("fail-closed route: %d", w.Code)
		}
	})
}
