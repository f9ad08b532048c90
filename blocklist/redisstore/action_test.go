package redisstore

import (
	"errors"
	"testing"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/internal/redistest"
)

func TestRedisActions(t *testing.T) {
	addr := redistest.Start(t)
	t.Run("a decision's action and limit are stored, listed, and pushed to a checker", func(t *testing.T) {
		t.Parallel()
		r := newRedis(t, addr, nil)
		c := runChecker(t, r, blocklist.CheckerConfig{})
		thr := testDecision("192.0.2.2", 0, 600)
		thr.Action, thr.Limit = decision.ActionThrottle, 1.5
		lg := testDecision("192.0.2.4", 0, 600)
		lg.Action = decision.ActionLog
		apply(t, r, testDecision("192.0.2.1", 0, 600), thr, lg)
		// Each decision is pushed on its own, so wait for all three.
		eventually(t, "the checker sees all three decisions", func() bool {
			for _, a := range []string{"192.0.2.1", "192.0.2.2", "192.0.2.4"} {
				if c.Check(ip(a), "", "").Action == "" {
					return false
				}
			}
			return true
		})
		for _, w := range []struct {
			ip, action string
			limit      float64
		}{{"192.0.2.1", decision.ActionBlock, 0}, {"192.0.2.2", decision.ActionThrottle, 1.5}, {"192.0.2.4", decision.ActionLog, 0}} {
			if v := c.Check(ip(w.ip), "", ""); v.Action != w.action || v.Limit != w.limit || v.Blocked != (w.action == decision.ActionBlock) {
				t.Errorf("pushed %s: verdict %+v, want %s at %v", w.ip, v, w.action, w.limit)
			}
			d, err := r.Get(t.Context(), w.ip)
			if err != nil || d == nil || d.Action != w.action || d.Limit != w.limit {
				t.Errorf("get %s: %+v, %v; want %s at %v", w.ip, d, err, w.action, w.limit)
			}
		}
		s, err := r.List(t.Context())
		if err != nil || len(s.Decisions) != 3 {
			t.Fatalf("list: %d decisions, %v", len(s.Decisions), err)
		}
		// A checker that starts now reads the actions from the snapshot.
		c2 := runChecker(t, r, blocklist.CheckerConfig{})
		if v := c2.Check(ip("192.0.2.2"), "", ""); v.Action != decision.ActionThrottle || v.Limit != 1.5 {
			t.Errorf("from the snapshot: verdict %+v", v)
		}
	})
	t.Run("a decision stored without an action reads as a block, and one with an unknown action is an error", func(t *testing.T) {
		t.Parallel()
		r := newRedis(t, addr, nil)
		apply(t, r, testDecision("192.0.2.1", 0, 600))
		// As an older version wrote it: no action field at all.
		ctx := t.Context()
		if err := r.c.Set(ctx, r.space+"d:192.0.2.1", `{"client":"192.0.2.1","scope":"ip","ts":"2026-03-02T09:00:00Z","ttl_s":600}`, 0).Err(); err != nil {
			t.Fatal(err)
		}
		d, err := r.Get(ctx, "192.0.2.1")
		if err != nil || d.Action != decision.ActionBlock {
			t.Fatalf("get: %+v, %v; want a block", d, err)
		}
		if s, err := r.List(ctx); err != nil || s.Decisions[0].Action != decision.ActionBlock {
			t.Fatalf("list: %v; want a block", err)
		}
		r.c.Set(ctx, r.space+"d:192.0.2.1", `{"client":"192.0.2.1","action":"tarpit","ttl_s":600}`, 0)
		if _, err := r.Get(ctx, "192.0.2.1"); !errors.Is(err, decision.ErrUnknownAction) {
			t.Errorf("get of an unknown action: %v", err)
		}
		if _, err := r.List(ctx); !errors.Is(err, decision.ErrUnknownAction) {
			t.Errorf("list of an unknown action: %v", err)
		}
		bad := testDecision("192.0.2.3", 0, 600)
		bad.Action = "tarpit"
		if _, err := r.Apply(ctx, []*decision.Decision{bad}); !errors.Is(err, decision.ErrUnknownAction) {
			t.Errorf("apply of an unknown action: %v", err)
		}
		empty := testDecision("192.0.2.4", 0, 600)
		empty.Action = ""
		apply(t, r, empty)
		if d, err := r.Get(ctx, "192.0.2.4"); err != nil || d.Action != decision.ActionBlock {
			t.Errorf("a decision applied without an action: %+v, %v; want it stored as a block", d, err)
		}
	})
}
