package enforce

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/portcullis/portcullis/blocklist/httpcheck"
	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/internal/testwait"
)

func TestForwardAuthAnswers(t *testing.T) {
	redisAddr := redistest.Start(t)
	cfg := testConfig(redisAddr)
	cfg.Routes = []Route{{PathPrefix: "/login", FailMode: "closed"}}
	s := startService(t, cfg)
	store := storeFor(t, cfg)
	blocked := applyOne(t, store, block("203.0.113.7", "ip", 600))
	keyBlock := applyOne(t, store, block(httpcheck.APIKeyID("key_bad"), "api_key", 600))
	applyOne(t, store, block("mallory", "user", 600))
	applyOne(t, store, block("198.51.100.0/24", "prefix", 600))
	if err := store.Allow(t.Context(), "192.0.2.50"); err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, 5*time.Second, "the decisions in the service's view", func() bool {
		st := s.checker.Stats()
		return st.Decisions == 4 && st.Allow == 1
	})

	url := "http://" + s.Addr().String() + "/check"
	proxy := clientFrom(t, "127.0.0.1")    // trusted: its headers name the client
	stranger := clientFrom(t, "127.0.0.2") // untrusted: it is the client
	tests := []struct {
		name     string
		from     *http.Client
		headers  map[string]string
		status   int
		decision string
	}{
		{"a client with no decision is allowed", proxy,
			map[string]string{"X-Forwarded-For": "192.0.2.1"}, 200, ""},
		{"a blocked client named by a trusted proxy is refused, naming the decision", proxy,
			map[string]string{"X-Forwarded-For": "203.0.113.7"}, 403, DecisionID("203.0.113.7", blocked.Expires)},
		{"X-Forwarded-For is walked from the right past trusted proxies", proxy,
			map[string]string{"X-Forwarded-For": "192.0.2.1, 203.0.113.7, 127.0.0.1"}, 403, DecisionID("203.0.113.7", blocked.Expires)},
		{"a blocked client cannot hide behind a forged entry left of its own", proxy,
			map[string]string{"X-Forwarded-For": "192.0.2.1, 203.0.113.7"}, 403, DecisionID("203.0.113.7", blocked.Expires)},
		{"a forged X-Forwarded-For from an untrusted peer frames no one", stranger,
			map[string]string{"X-Forwarded-For": "203.0.113.7"}, 200, ""},
		{"an address in a blocked prefix is refused", proxy,
			map[string]string{"X-Forwarded-For": "198.51.100.9"}, 403, "*"},
		{"an API key blocked by its id is refused when presented, naming the decision", proxy,
			map[string]string{"X-Forwarded-For": "192.0.2.1", "X-Api-Key": "key_bad"}, 403, DecisionID(httpcheck.APIKeyID("key_bad"), keyBlock.Expires)},
		{"a header holding the blocked key's id is another key", proxy,
			map[string]string{"X-Forwarded-For": "192.0.2.1", "X-Api-Key": httpcheck.APIKeyID("key_bad")}, 200, ""},
		{"a blocked user is refused", proxy,
			map[string]string{"X-Forwarded-For": "192.0.2.1", "X-User": "mallory"}, 403, "*"},
		{"an allowlisted client passes even with a decision on its API key", proxy,
			map[string]string{"X-Forwarded-For": "192.0.2.50", "X-Api-Key": "key_bad"}, 200, ""},
		{"an unreadable hop leaves the trusted proxy as the client", proxy,
			map[string]string{"X-Forwarded-For": "203.0.113.7, unknown"}, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, tt.from, url, tt.headers)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d (%q); want %d", resp.StatusCode, body, tt.status)
			}
			got := resp.Header.Get("X-Portcullis-Decision")
			switch {
			case tt.decision == "*" && len(got) != 16:
				t.Errorf("decision header %q; want a 16-digit id", got)
			case tt.decision != "*" && got != tt.decision:
				t.Errorf("decision header %q; want %q", got, tt.decision)
			}
			if tt.status == 403 && body != `{"error":"blocked"}`+"\n" {
				t.Errorf("body %q names more than the refusal", body)
			}
		})
	}
}

func TestForwardAuthRefusesWith429AndRetryAfter(t *testing.T) {
	cfg := testConfig(redistest.Start(t))
	cfg.Refuse.Status = http.StatusTooManyRequests
	cfg.Client.IPHeader = "X-Real-IP"
	s := startService(t, cfg)
	store := storeFor(t, cfg)
	applyOne(t, store, block("203.0.113.7", "ip", 600))
	proxy := clientFrom(t, "127.0.0.1")
	url := "http://" + s.Addr().String() + "/"
	var resp *http.Response
	testwait.Eventually(t, 5*time.Second, "a refusal", func() (bool, string) {
		resp, _ = get(t, proxy, url, map[string]string{"X-Real-IP": "203.0.113.7"})
		return resp.StatusCode == http.StatusTooManyRequests, resp.Status
	})
	ra, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if err != nil || ra < 590 || ra > 600 {
		t.Errorf("Retry-After %q; want the seconds left of the 600 s block", resp.Header.Get("Retry-After"))
	}
	if r, _ := get(t, proxy, url, map[string]string{"X-Real-IP": "192.0.2.1", "X-Forwarded-For": "203.0.113.7"}); r.StatusCode != 200 {
		t.Errorf("with ip_header X-Real-IP, X-Forwarded-For named the client: status %d", r.StatusCode)
	}
}

func TestFailModeWhenRedisStops(t *testing.T) {
	leaks := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, leaks) })
	srv := redistest.StartServer(t)
	cfg := testConfig(srv.Addr())
	cfg.Blocklist.FailMode = "open"
	cfg.Blocklist.MaxStaleness = 2 * time.Second
	cfg.Blocklist.ProbeInterval = 200 * time.Millisecond
	cfg.Routes = []Route{{PathPrefix: "/login", FailMode: "closed"}}
	s := startService(t, cfg)
	store := storeFor(t, cfg)
	applyOne(t, store, block("203.0.113.7", "ip", 600))
	proxy := clientFrom(t, "127.0.0.1")
	base := "http://" + s.Addr().String()
	ask := func(client, uri string) (int, string) {
		resp, _ := get(t, proxy, base+"/check", map[string]string{"X-Forwarded-For": client, "X-Forwarded-Uri": uri})
		return resp.StatusCode, resp.Header.Get("X-Portcullis-Decision")
	}
	testwait.Until(t, 5*time.Second, "the block in the view", func() bool { st, _ := ask("203.0.113.7", "/"); return st == 403 })
	ready := func() int {
		resp, _ := get(t, proxy, "http://"+s.AdminAddr().String()+"/readyz", nil)
		return resp.StatusCode
	}
	if r := ready(); r != 200 {
		t.Fatalf("readyz %d with Redis up; want 200", r)
	}

	srv.Stop()
	testwait.Until(t, 15*time.Second, "readyz to say the view is stale", func() bool { return ready() == http.StatusServiceUnavailable })
	if st, _ := ask("192.0.2.1", "/"); st != 200 {
		t.Errorf("fail open: a client with no block got %d; want 200", st)
	}
	if st, id := ask("203.0.113.7", "/"); st != 403 || id == FailClosedID {
		t.Errorf("fail open: the blocked client got %d %q; want 403 naming its decision", st, id)
	}
	if st, id := ask("192.0.2.1", "/login/form"); st != 403 || id != FailClosedID {
		t.Errorf("a route that fails closed: %d %q; want 403 %q", st, id, FailClosedID)
	}

	srv.Restart()
	testwait.Until(t, 15*time.Second, "readyz after Redis is back", func() bool { return ready() == 200 })
	if st, _ := ask("192.0.2.1", "/login/form"); st != 200 {
		t.Errorf("after recovery a client with no block got %d on /login; want 200", st)
	}
	// The restarted Redis is empty: the block is gone with it.
	if st, _ := ask("203.0.113.7", "/"); st != 200 {
		t.Errorf("after recovery from an empty Redis the old block still applies: %d", st)
	}
}

func TestMetricsHealthAndReadiness(t *testing.T) {
	cfg := testConfig(redistest.Start(t))
	s := startService(t, cfg)
	store := storeFor(t, cfg)
	applyOne(t, store, block("203.0.113.7", "ip", 600))
	proxy := clientFrom(t, "127.0.0.1")
	testwait.Until(t, 5*time.Second, "a refusal", func() bool {
		r, _ := get(t, proxy, "http://"+s.Addr().String()+"/", map[string]string{"X-Forwarded-For": "203.0.113.7"})
		return r.StatusCode == 403
	})
	get(t, proxy, "http://"+s.Addr().String()+"/", map[string]string{"X-Forwarded-For": "192.0.2.1"})
	admin := "http://" + s.AdminAddr().String()
	if r, body := get(t, proxy, admin+"/healthz", nil); r.StatusCode != 200 {
		t.Errorf("healthz %d %q", r.StatusCode, body)
	}
	if r, body := get(t, proxy, admin+"/readyz", nil); r.StatusCode != 200 {
		t.Errorf("readyz %d %q", r.StatusCode, body)
	}
	_, body := get(t, proxy, admin+"/metrics", nil)
	for _, want := range []string{
		`portcullis_enforce_checks_total{interface="forward_auth",result="allow"} `,
		`portcullis_enforce_checks_total{interface="forward_auth",result="block"} `,
		`portcullis_enforce_check_duration_seconds_count{interface="forward_auth"} `,
		"portcullis_enforce_blocklist_staleness_seconds ",
		"portcullis_enforce_blocklist_propagation_seconds_count 1",
		"portcullis_enforce_blocklist_decisions 1",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	for _, res := range []string{"allow", "block"} {
		line := `portcullis_enforce_checks_total{interface="forward_auth",result="` + res + `"} 0`
		if strings.Contains(body, line+"\n") {
			t.Errorf("/metrics counted no %s: %s", res, line)
		}
	}
}
