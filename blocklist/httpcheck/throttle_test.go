package httpcheck

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/decision"
)

func actionChecker(t *testing.T) *blocklist.Checker {
	t.Helper()
	c, _ := loadedChecker(t, blocklist.CheckerConfig{FailMode: blocklist.FailOpen}, blocklist.Snapshot{Decisions: []*decision.Decision{
		actionOf("192.0.2.1", decision.ActionBlock, 0),
		actionOf("192.0.2.2", decision.ActionThrottle, 2),
		actionOf("192.0.2.3", decision.ActionChallenge, 1),
		actionOf("192.0.2.4", decision.ActionLog, 0),
	}})
	return c
}

// serve sends n requests from remote with accept through h, and returns
// their statuses and the last response.
func serve(h http.Handler, remote, accept string, n int) ([]int, *httptest.ResponseRecorder) {
	var codes []int
	var w *httptest.ResponseRecorder
	for range n {
		r := httptest.NewRequest(http.MethodGet, "/page", nil)
		r.RemoteAddr = remote + ":5000"
		if accept != "" {
			r.Header.Set("Accept", accept)
		}
		w = httptest.NewRecorder()
		h.ServeHTTP(w, r)
		codes = append(codes, w.Code)
	}
	return codes, w
}

func count(codes []int, code int) int {
	n := 0
	for _, c := range codes {
		if c == code {
			n++
		}
	}
	return n
}

type actionLog struct {
	mu  sync.Mutex
	got []string
}

func (l *actionLog) add(action string, passed bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.got = append(l.got, action+" "+strconv.FormatBool(passed))
}

func TestMiddlewareActions(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	page := func(w http.ResponseWriter, r *http.Request, v blocklist.Verdict) bool {
		if r.Header.Get("Cookie") == "pass" {
			return false
		}
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte("challenge page"))
		return true
	}

	t.Run("a block is refused 403, a log passes, and the rest pass untouched", func(t *testing.T) {
		h := Middleware(actionChecker(t), MiddlewareConfig{})(ok)
		if codes, _ := serve(h, "192.0.2.1", "", 3); count(codes, 403) != 3 {
			t.Errorf("blocked client: %v", codes)
		}
		if codes, _ := serve(h, "192.0.2.4", "", 20); count(codes, 200) != 20 {
			t.Errorf("logged client: %v", codes)
		}
		if codes, _ := serve(h, "192.0.2.9", "", 20); count(codes, 200) != 20 {
			t.Errorf("client without a decision: %v", codes)
		}
	})

	t.Run("a throttle lets its burst through, then answers 429 with Retry-After", func(t *testing.T) {
		var l actionLog
		h := Middleware(actionChecker(t), MiddlewareConfig{OnAction: l.add})(ok)
		codes, w := serve(h, "192.0.2.2", "", 10)
		// A rate of 2 req/s has a burst of 2; ten requests sent at once
		// take well under a second, in which at most 2 more tokens come.
		if n := count(codes, 200); n < 2 || n > 4 || count(codes, 429) != 10-n {
			t.Fatalf("statuses %v, want 2 to 4 passed and the rest 429", codes)
		}
		if ra, err := strconv.Atoi(w.Header().Get("Retry-After")); err != nil || ra < 1 || ra > 1 {
			t.Errorf("Retry-After %q, want 1 (one token at 2 req/s)", w.Header().Get("Retry-After"))
		}
		if !strings.Contains(w.Body.String(), `"error":"throttled"`) {
			t.Errorf("body %q", w.Body)
		}
		if l.got[0] != "throttle true" || l.got[9] != "throttle false" {
			t.Errorf("actions %v", l.got)
		}
	})

	t.Run("a challenge without a challenge hook is throttled", func(t *testing.T) {
		h := Middleware(actionChecker(t), MiddlewareConfig{})(ok)
		if codes, _ := serve(h, "192.0.2.3", "text/html", 5); count(codes, 200) < 1 || count(codes, 429) < 3 {
			t.Errorf("statuses %v, want the burst of 1 passed and the rest 429", codes)
		}
	})

	t.Run("a challenge is served to a browser, and a client that passed it goes on", func(t *testing.T) {
		var l actionLog
		h := Middleware(actionChecker(t), MiddlewareConfig{Challenge: page, OnAction: l.add})(ok)
		codes, w := serve(h, "192.0.2.3", "text/html,application/xhtml+xml", 3)
		if count(codes, 403) != 3 || w.Body.String() != "challenge page" {
			t.Errorf("statuses %v, body %q; want the page each time", codes, w.Body)
		}
		r := httptest.NewRequest(http.MethodGet, "/page", nil)
		r.RemoteAddr, r.Header["Cookie"] = "192.0.2.3:5000", []string{"pass"}
		w = httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 200 {
			t.Errorf("a client that passed: %d", w.Code)
		}
		if l.got[0] != "challenge false" || l.got[3] != "challenge true" {
			t.Errorf("actions %v", l.got)
		}
	})

	t.Run("a challenge is throttled, never served, to a request that wants JSON or on an API route", func(t *testing.T) {
		served := false
		hook := func(w http.ResponseWriter, r *http.Request, v blocklist.Verdict) bool {
			served = true
			return page(w, r, v)
		}
		h := Middleware(actionChecker(t), MiddlewareConfig{Challenge: hook})(ok)
		if codes, _ := serve(h, "192.0.2.3", "application/json", 5); count(codes, 429) < 3 || served {
			t.Errorf("JSON request: statuses %v, page served %v", codes, served)
		}
		api := Middleware(actionChecker(t), MiddlewareConfig{Challenge: hook, API: true})(ok)
		if codes, _ := serve(api, "192.0.2.3", "text/html", 5); count(codes, 429) < 3 || served {
			t.Errorf("API route: statuses %v, page served %v", codes, served)
		}
	})
}

func TestLocalThrottle(t *testing.T) {
	t.Run("a budget refills at its rate", func(t *testing.T) {
		th := NewLocalThrottle(0)
		v := blocklist.Verdict{Client: "192.0.2.2", Action: decision.ActionThrottle, Limit: 50}
		n := 0
		for {
			ok, wait := th.Take(t.Context(), v)
			if !ok {
				if wait <= 0 || wait > time.Second/50 {
					t.Fatalf("wait %v, want at most one token's time (20ms)", wait)
				}
				break
			}
			n++
		}
		if n < 50 {
			t.Fatalf("%d requests passed from a full budget, want its burst of 50", n)
		}
		time.Sleep(100 * time.Millisecond) // 5 tokens at 50/s
		if ok, _ := th.Take(t.Context(), v); !ok {
			t.Error("no token after 100ms at 50 req/s")
		}
	})
	t.Run("the budgets kept are capped", func(t *testing.T) {
		th := NewLocalThrottle(64)
		for i := range 1000 {
			th.TakeKey(strconv.Itoa(i), 1)
		}
		if th.Len() > 64 {
			t.Errorf("%d budgets kept, cap 64", th.Len())
		}
	})
}

func TestWantsJSON(t *testing.T) {
	tests := []struct {
		accept []string
		want   bool
	}{
		{nil, false},
		{[]string{"application/json"}, true},
		{[]string{"Application/JSON; charset=utf-8"}, true},
		{[]string{"application/problem+json"}, true},
		{[]string{"text/html,application/xhtml+xml,application/json;q=0.9"}, false},
		{[]string{"*/*"}, false},
		{[]string{"text/plain", "application/json"}, true},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header["Accept"] = tt.accept
		if got := WantsJSON(r); got != tt.want {
			t.Errorf("Accept %q: %v, want %v", tt.accept, got, tt.want)
		}
	}
}
