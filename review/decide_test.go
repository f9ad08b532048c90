package review_test

import (
	"context"
	"strings"
	"testing"

	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/internal/redistest"
)

func TestReviewAPISetsTheActionOfManualDecisions(t *testing.T) {
	addr := redistest.Start(t)
	r := newRig(t, addr, nil, nil)
	get := func(client string) *decision.Decision {
		t.Helper()
		d, err := r.store.Get(context.Background(), client)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}

	t.Run("a manual throttle is stored with its action and rate, and listed under its action", func(t *testing.T) {
		res := r.as(t, "POST", "/api/v1/decisions", `{"client":"203.0.113.7","ttl_s":600,"action":"throttle","limit":2.5,"note":"ticket 4711"}`)
		if res.code != 200 || !strings.Contains(string(res.body), `"action":"throttle"`) {
			t.Fatalf("status %d: %s", res.code, res.body)
		}
		d := get("203.0.113.7")
		if d == nil || d.Action != decision.ActionThrottle || d.Limit != 2.5 || !d.Manual() || d.Note != "ticket 4711" {
			t.Fatalf("stored %+v", d)
		}
		var page struct {
			Items []struct {
				Client, Action string
				Limit          float64
			} `json:"items"`
		}
		r.as(t, "GET", "/api/v1/decisions?action=throttle", "").json(t, &page)
		if len(page.Items) != 1 || page.Items[0].Client != "203.0.113.7" || page.Items[0].Limit != 2.5 {
			t.Errorf("throttles listed: %+v", page.Items)
		}
		r.as(t, "GET", "/api/v1/decisions?action=block", "").json(t, &page)
		if len(page.Items) != 0 {
			t.Errorf("blocks listed: %+v", page.Items)
		}
	})
	t.Run("a throttle without a rate takes the default one", func(t *testing.T) {
		if res := r.as(t, "POST", "/api/v1/decisions", `{"client":"203.0.113.8","ttl_s":60,"action":"challenge"}`); res.code != 200 {
			t.Fatalf("status %d: %s", res.code, res.body)
		}
		if d := get("203.0.113.8"); d.Action != decision.ActionChallenge || d.Limit != 1 {
			t.Errorf("stored %+v", d)
		}
	})
	t.Run("deciding again about a client sets its new action", func(t *testing.T) {
		if res := r.as(t, "POST", "/api/v1/decisions", `{"client":"203.0.113.7","ttl_s":600,"action":"block"}`); res.code != 200 {
			t.Fatalf("status %d: %s", res.code, res.body)
		}
		if d := get("203.0.113.7"); d.Action != decision.ActionBlock || d.Limit != 0 {
			t.Errorf("stored %+v", d)
		}
	})
	t.Run("a decision without an action is a block", func(t *testing.T) {
		if res := r.as(t, "POST", "/api/v1/decisions", `{"client":"key_9","ttl_s":60}`); res.code != 200 {
			t.Fatalf("status %d: %s", res.code, res.body)
		}
		if d := get("key_9"); d.Action != decision.ActionBlock || d.Scope != decision.ScopeAPIKey {
			t.Errorf("stored %+v", d)
		}
	})
	t.Run("bad input is refused with what to send instead", func(t *testing.T) {
		for body, want := range map[string]string{
			`{"client":"203.0.113.9","ttl_s":60,"action":"tarpit"}`:              `unknown action "tarpit"`,
			`{"client":"203.0.113.9","ttl_s":60,"action":"log","limit":3}`:       "only a throttle or a challenge holds a client to a rate",
			`{"client":"203.0.113.9","ttl_s":60,"action":"throttle","limit":-1}`: "limit -1",
			`{"client":"203.0.113.9","ttl_s":0}`:                                 "ttl_s 0",
			`{"client":"127.0.0.008","ttl_s":60}`:                                "not an IP address",
			`{"client":"203.0.113.9","ttl":60}`:                                  `send {"client": "203.0.113.7", "ttl_s": 600`,
		} {
			res := r.as(t, "POST", "/api/v1/decisions", body)
			if res.code != 400 || !strings.Contains(res.errorText(t), want) {
				t.Errorf("%s: status %d, error %q; want 400 saying %q", body, res.code, res.errorText(t), want)
			}
		}
		if get("203.0.113.9") != nil {
			t.Error("a refused decision was stored")
		}
	})
	t.Run("an allowlisted client is refused with 409", func(t *testing.T) {
		if err := r.store.Allow(context.Background(), "198.51.100.0/24"); err != nil {
			t.Fatal(err)
		}
		res := r.as(t, "POST", "/api/v1/decisions", `{"client":"198.51.100.4","ttl_s":60,"action":"throttle"}`)
		if res.code != 409 || !strings.Contains(res.errorText(t), "allowlisted") {
			t.Errorf("status %d: %s", res.code, res.body)
		}
	})
	t.Run("the token is required", func(t *testing.T) {
		if res := r.call(t, "POST", "/api/v1/decisions", "", `{"client":"203.0.113.10","ttl_s":60}`); res.code != 401 {
			t.Errorf("status %d", res.code)
		}
	})
}
