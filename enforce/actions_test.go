package enforce

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/internal/testwait"
)

func actionDecision(client, action string, limit float64) *decision.Decision {
	d := block(client, "ip", 600)
	d.Action, d.Limit = action, limit
	return d
}

func TestAnswersPerAction(t *testing.T) {
	redisAddr := redistest.Start(t)
	cfg := testConfig(redisAddr)
	cfg.Routes = []Route{{PathPrefix: "/api/", FailMode: "open", Class: "api"}}
	cfg.Challenge.URL = "/.portcullis/challenge"
	s := startService(t, cfg)
	store := storeFor(t, cfg)
	applyOne(t, store, actionDecision("203.0.113.1", decision.ActionBlock, 0))
	thr := applyOne(t, store, actionDecision("203.0.113.2", decision.ActionThrottle, 0.5))
	applyOne(t, store, actionDecision("203.0.113.3", decision.ActionChallenge, 0.5))
	applyOne(t, store, actionDecision("203.0.113.4", decision.ActionLog, 0))
	applyOne(t, store, actionDecision("203.0.113.5", decision.ActionChallenge, 0.5))
	applyOne(t, store, actionDecision("203.0.113.6", decision.ActionChallenge, 0.5))
	testwait.Until(t, 5*time.Second, "the decisions in the service's view", func() bool { return s.checker.Stats().Decisions == 6 })

	url := "http://" + s.Addr().String() + "/check"
	proxy := clientFrom(t, "127.0.0.1")
	proxy.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	ask := func(client, uri, accept string) (*http.Response, string) {
		h := map[string]string{"X-Forwarded-For": client, "X-Forwarded-Uri": uri}
		if accept != "" {
			h["Accept"] = accept
		}
		return get(t, proxy, url, h)
	}

	t.Run("a block is refused", func(t *testing.T) {
		if resp, _ := ask("203.0.113.1", "/", ""); resp.StatusCode != 403 {
			t.Errorf("status %d", resp.StatusCode)
		}
	})
	t.Run("a throttle is allowed within its rate, then 429 with Retry-After and the decision", func(t *testing.T) {
		if resp, _ := ask("203.0.113.2", "/", ""); resp.StatusCode != 200 {
			t.Fatalf("first: %d", resp.StatusCode)
		}
		resp, body := ask("203.0.113.2", "/", "")
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" || !strings.Contains(body, `"throttled"`) ||
			resp.Header.Get(DefaultDecisionHeader) != DecisionID("203.0.113.2", thr.Expires) {
			t.Errorf("second: %d, Retry-After %q, decision %q, %q", resp.StatusCode, resp.Header.Get("Retry-After"), resp.Header.Get(DefaultDecisionHeader), body)
		}
	})
	t.Run("a challenge on a page is a redirect to the challenge, the original URI escaped", func(t *testing.T) {
		resp, _ := ask("203.0.113.3", "/shop?q=a b&x=\"<", "text/html")
		want := "/.portcullis/challenge?return=" + "%2Fshop%3Fq%3Da+b%26x%3D%22%3C"
		if resp.StatusCode != 302 || resp.Header.Get("Location") != want {
			t.Errorf("status %d, Location %q; want 302 to %q", resp.StatusCode, resp.Header.Get("Location"), want)
		}
	})
	t.Run("a challenge on a request that wants JSON is throttled instead", func(t *testing.T) {
		codes := []int{}
		for range 2 {
			resp, _ := ask("203.0.113.5", "/shop", "application/json")
			codes = append(codes, resp.StatusCode)
		}
		if codes[0] != 200 || codes[1] != 429 {
			t.Errorf("statuses %v, want 200 then 429", codes)
		}
	})
	t.Run("a challenge on an API route is throttled instead", func(t *testing.T) {
		codes := []int{}
		for range 2 {
			resp, _ := ask("203.0.113.6", "/api/items", "text/html")
			codes = append(codes, resp.StatusCode)
		}
		if codes[0] != 200 || codes[1] != 429 {
			t.Errorf("statuses %v, want 200 then 429", codes)
		}
	})
	t.Run("a log decision is allowed", func(t *testing.T) {
		for range 5 {
			if resp, _ := ask("203.0.113.4", "/", ""); resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
		}
	})
	t.Run("checks are counted by result, each action's apart", func(t *testing.T) {
		resp, body := get(t, clientFrom(t, "127.0.0.1"), "http://"+s.AdminAddr().String()+"/metrics", nil)
		if resp.StatusCode != 200 {
			t.Fatal(resp.StatusCode)
		}
		for _, want := range []string{
			`portcullis_enforce_checks_total{interface="forward_auth",result="throttled"} 3`,
			`portcullis_enforce_checks_total{interface="forward_auth",result="throttle"} 3`,
			`portcullis_enforce_checks_total{interface="forward_auth",result="challenged"} 1`,
			`portcullis_enforce_checks_total{interface="forward_auth",result="log"} 5`,
			`portcullis_enforce_checks_total{interface="forward_auth",result="block"} 1`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
	})
}

func TestChallengeStatusValidates(t *testing.T) {
	for status, ok := range map[int]bool{0: true, 302: true, 401: true, 403: false, 200: false} {
		cfg := testConfig("127.0.0.1:6379")
		cfg.Challenge = ChallengeConfig{URL: "/.portcullis/challenge", Status: status}
		err := cfg.WithDefaults().Validate()
		if (err == nil) != ok {
			t.Errorf("challenge.status %d: %v, want valid %v", status, err, ok)
		}
	}
	cfg := testConfig("127.0.0.1:6379")
	cfg.Refuse.ThrottleStatus = 403
	if err := cfg.WithDefaults().Validate(); err == nil || !strings.Contains(err.Error(), "refuse.throttle_status is 403") {
		t.Errorf("refuse.throttle_status 403: %v; want an error naming it", err)
	}
}

func TestChallengeURLValidates(t *testing.T) {
	for url, ok := range map[string]bool{
		"": true, "/.portcullis/challenge": true, "https://challenge.example.com/pow": true,
		"//evil.example/": false, "javascript:alert(1)": false, "/c?x=1": false, "/c\r\nSet-Cookie: a": false, "relative": false,
	} {
		err := Config{Challenge: ChallengeConfig{URL: url}}.WithDefaults().Challenge.validate()
		if (err == nil) != ok {
			t.Errorf("%q: %v, want valid %v", url, err, ok)
		}
	}
}

func TestExtAuthzAnswersPerAction(t *testing.T) {
	cfg := testConfig(redistest.Start(t))
	cfg.Challenge.URL = "https://challenge.example.com/pow"
	s := startService(t, cfg)
	store := storeFor(t, cfg)
	applyOne(t, store, actionDecision("203.0.113.2", decision.ActionThrottle, 0.5))
	applyOne(t, store, actionDecision("203.0.113.3", decision.ActionChallenge, 0.5))
	applyOne(t, store, actionDecision("203.0.113.4", decision.ActionLog, 0))
	testwait.Until(t, 5*time.Second, "the decisions in the service's view", func() bool { return s.checker.Stats().Decisions == 3 })
	check := extAuthzCheck(t, s)
	if code, _ := check("203.0.113.4", "/", nil); code != 200 {
		t.Errorf("log: %d", code)
	}
	if code, _ := check("203.0.113.2", "/", nil); code != 200 {
		t.Errorf("throttle, first: %d", code)
	}
	if code, hs := check("203.0.113.2", "/", nil); code != 429 || hs["retry-after"] != "2" {
		t.Errorf("throttle, second: %d %v", code, hs)
	}
	if code, hs := check("203.0.113.3", "/cart?id=1", map[string]string{"accept": "text/html"}); code != 302 ||
		hs["location"] != "https://challenge.example.com/pow?return=%2Fcart%3Fid%3D1" {
		t.Errorf("challenge: %d %v", code, hs)
	}
}
