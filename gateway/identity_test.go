package gateway

import (
	"net/http"
	"testing"
	"time"
)

// TestClientIdentityHeaders pins that the identity headers are the
// gateway's: a client's own X-User is neither forwarded nor logged on an
// open route, a presented API key is logged only once verified, and a
// client's Connection header cannot remove the X-User the gateway sets.
func TestClientIdentityHeaders(t *testing.T) {
	noLeaks(t)
	up := newUpstream(t, "up", nil)
	p := newIDP(t)
	sink := &memSink{}
	cfg := authConfig(t, up.URL, p)
	cfg.APIKeyHeader = "X-API-Key"
	tg, _, _ := startAuthGateway(t, cfg, sink)
	reader := p.token(t, "alice", time.Hour, "reader")

	t.Run("an open route forwards no X-User a client sent", func(t *testing.T) {
		r := tg.do(t, "GET", "/open/claimed", nil, func(r *http.Request) {
			r.Header.Set("X-User", "alice")
			r.Header.Add("x-user", "bob")
			r.Header.Set("X-API-Key", "pk_made_up")
		})
		if r.status != 200 {
			t.Fatalf("status %d", r.status)
		}
		if v := up.last().Header.Values("X-User"); len(v) > 0 {
			t.Errorf("the upstream saw X-User %q from the client", v)
		}
	})
	t.Run("the access log records no claimed user or unverified key", func(t *testing.T) {
		rec := lastRecord(t, sink, "/open/claimed")
		if u, k := rec["user"], rec["api_key"]; u != nil && u != "" || k != nil && k != "" {
			t.Errorf("user %v, api_key %v; want neither", u, k)
		}
	})
	t.Run("Connection cannot remove the verified X-User", func(t *testing.T) {
		r := tg.do(t, "GET", "/api/items/conn", nil, func(r *http.Request) {
			bearer(reader)(r)
			r.Header.Set("Connection", "keep-alive, X-User, x-user")
		})
		if r.status != 200 {
			t.Fatalf("status %d", r.status)
		}
		if got := up.last().Header.Get("X-User"); got != "alice" {
			t.Errorf("upstream X-User %q; want the verified alice", got)
		}
		if rec := lastRecord(t, sink, "/api/items/conn"); rec["user"] != "alice" {
			t.Errorf("logged user %v; want alice", rec["user"])
		}
	})
	t.Run("Connection still removes the client's own hop-by-hop headers", func(t *testing.T) {
		tg.do(t, "GET", "/open/hop", nil, func(r *http.Request) {
			r.Header.Set("Connection", "X-Hop")
			r.Header.Set("X-Hop", "1")
		})
		if v := up.last().Header.Values("X-Hop"); len(v) > 0 {
			t.Errorf("the upstream saw X-Hop %q", v)
		}
	})
}
