package httpcheck

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/portcullis/portcullis/blocklist"
)

func TestRefusalAnswer(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	exp := now.Add(90*time.Second + time.Millisecond)
	block := blocklist.Verdict{Blocked: true, Client: "203.0.113.7", Expires: exp}
	stale := blocklist.Verdict{Blocked: true, Stale: true, FailMode: blocklist.FailClosed}
	tests := []struct {
		name    string
		refusal Refusal
		v       blocklist.Verdict
		want    Answer
	}{
		{"an allowed request passes", Refusal{}, blocklist.Verdict{}, Answer{Status: 200}},
		{"a stale view that lets the request through passes", Refusal{}, blocklist.Verdict{Stale: true, FailMode: blocklist.FailOpen}, Answer{Status: 200}},
		{"a block is 403 by default, naming its decision, with no Retry-After", Refusal{}, block,
			Answer{Status: 403, Decision: DecisionID("203.0.113.7", exp)}},
		{"a 429 says to retry when the block lapses, rounded up", Refusal{Status: 429}, block,
			Answer{Status: 429, RetryAfter: "91", Decision: DecisionID("203.0.113.7", exp)}},
		{"a 429 waits at least one second", Refusal{Status: 429}, blocklist.Verdict{Blocked: true, Client: "c", Expires: now.Add(10 * time.Millisecond)},
			Answer{Status: 429, RetryAfter: "1", Decision: DecisionID("c", now.Add(10*time.Millisecond))}},
		{"a 429 waits at most the cap", Refusal{Status: 429}, blocklist.Verdict{Blocked: true, Client: "c", Expires: now.Add(48 * time.Hour)},
			Answer{Status: 429, RetryAfter: "3600", Decision: DecisionID("c", now.Add(48*time.Hour))}},
		{"a refusal by the fail mode names no decision", Refusal{}, stale, Answer{Status: 403, Decision: FailClosedID}},
		{"a 429 by the fail mode waits the probe interval", Refusal{Status: 429, StaleRetryAfter: 2500 * time.Millisecond}, stale,
			Answer{Status: 429, RetryAfter: "3", Decision: FailClosedID}},
		{"with Unavailable, a refusal by the fail mode is an outage", Refusal{Unavailable: true}, stale,
			Answer{Status: 503, RetryAfter: "5", Decision: FailClosedID}},
		{"with Unavailable, a block is still a block", Refusal{Unavailable: true}, block,
			Answer{Status: 403, Decision: DecisionID("203.0.113.7", exp)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.refusal.WithDefaults().Answer(tt.v, now); got != tt.want {
				t.Errorf("answer %+v; want %+v", got, tt.want)
			}
		})
	}
}

func TestDecisionIDTellsDecisionsApart(t *testing.T) {
	exp := time.UnixMilli(1_700_000_000_000)
	id := DecisionID("203.0.113.7", exp)
	if len(id) != 16 || id != DecisionID("203.0.113.7", exp) {
		t.Fatalf("id %q; want 16 hex digits, the same for the same decision", id)
	}
	if id == DecisionID("203.0.113.8", exp) || id == DecisionID("203.0.113.7", exp.Add(time.Millisecond)) {
		t.Error("another client, or a refreshed block, has the same id")
	}
}

// TestMiddlewareAnswers checks that Middleware answers as its Refusal's
// Answer says, so that it and the decision service agree.
func TestMiddlewareAnswers(t *testing.T) {
	c, id := middlewareChecker(t)
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	for _, cfg := range []MiddlewareConfig{
		{},
		{Status: http.StatusTooManyRequests, DecisionHeader: "X-Portcullis-Decision"},
		{Status: http.StatusTooManyRequests, MaxRetryAfter: 30 * time.Second},
	} {
		for _, user := range []string{"", "mallory"} {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = "192.0.2.1:1"
			r.Header.Set("X-User", user)
			w := httptest.NewRecorder()
			now := time.Now()
			cfg.Client = id.Client
			Middleware(c, cfg)(next).ServeHTTP(w, r)
			want := cfg.Refusal(c.ProbeInterval()).Answer(id.CheckRequest(c, r), now)
			if w.Code != want.Status {
				t.Errorf("%+v, user %q: status %d; want %d", cfg, user, w.Code, want.Status)
			}
			// The seconds left may tick over between the two answers.
			if got := w.Header().Get("Retry-After"); !withinASecond(got, want.RetryAfter) {
				t.Errorf("%+v, user %q: Retry-After %q; want %q", cfg, user, got, want.RetryAfter)
			}
			if got := w.Header().Get("X-Portcullis-Decision"); cfg.DecisionHeader != "" && got != want.Decision {
				t.Errorf("%+v, user %q: decision %q; want %q", cfg, user, got, want.Decision)
			}
			if got := w.Header().Get("X-Portcullis-Decision"); cfg.DecisionHeader == "" && got != "" {
				t.Errorf("%+v: a decision header %q though none is configured", cfg, got)
			}
		}
	}
}

// withinASecond says whether the Retry-After values a and b are both
// absent, or seconds at most 1 apart.
func withinASecond(a, b string) bool {
	if a == "" || b == "" {
		return a == b
	}
	x, errA := strconv.Atoi(a)
	y, errB := strconv.Atoi(b)
	return errA == nil && errB == nil && x-y <= 1 && y-x <= 1
}
