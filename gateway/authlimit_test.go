package gateway

import (
	"fmt"
	"net/http"
	"testing"
)

// TestAuthFailuresAreLimited is the reproduction of the report: a client
// guessing API keys got 401 after 401 at full speed. Now its failures
// empty a bucket of their own and it gets 429 without its guesses being
// tried, while other clients and other routes are unaffected; the
// refusals reach the access log for the detector.
func TestAuthFailuresAreLimited(t *testing.T) {
	noLeaks(t)
	up := newUpstream(t, "up", nil)
	p := newIDP(t)
	sink := &memSink{}
	cfg := authConfig(t, up.URL, p)
	tg, _, _ := startAuthGateway(t, cfg, sink)

	var codes []int
	for i := range 30 {
		r := tg.do(t, "GET", fmt.Sprintf("/keyed/guess-%d", i), nil, func(r *http.Request) {
			from("203.0.113.50")(r)
			r.Header.Set("X-API-Key", fmt.Sprintf("pk_guess_%d", i))
		})
		codes = append(codes, r.status)
		if r.status == http.StatusTooManyRequests && r.header.Get("Retry-After") == "" {
			t.Error("a 429 without Retry-After")
		}
	}
	n401, n429 := 0, 0
	for _, c := range codes {
		switch c {
		case 401:
			n401++
		case 429:
			n429++
		}
	}
	// The burst is 10, refilled at 1/s: a slow machine may earn a few more.
	if n401 < DefaultAuthFailures.Burst || n401 > DefaultAuthFailures.Burst+5 || n401+n429 != len(codes) {
		t.Fatalf("statuses %v; want %d 401s, then 429s", codes, DefaultAuthFailures.Burst)
	}
	if n := tg.metric(t, "portcullis_gateway_auth_failures_limited_total", "route", "keyed"); int(n) != n429 {
		t.Errorf("limited %v; want %d", n, n429)
	}
	if r := tg.do(t, "GET", "/keyed/other", nil, from("203.0.113.51")); r.status != 401 {
		t.Errorf("another client: %d; want its own 401", r.status)
	}
	if r := tg.do(t, "GET", "/open/x", nil, from("203.0.113.50")); r.status != 200 {
		t.Errorf("an open route: %d; want 200", r.status)
	}
	if rec := lastRecord(t, sink, "/keyed/guess-29"); rec["status"] != float64(429) || rec["client_ip"] != "203.0.113.50" {
		t.Errorf("the last guess was logged as %v", rec)
	}
}
