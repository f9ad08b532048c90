package blocklist

import (
	"errors"
	"testing"
	"time"

	"github.com/portcullis/portcullis/decision"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func testDecision(client string, at time.Duration, ttl int64) *decision.Decision {
	return &decision.Decision{Client: client, Scope: "ip", TS: t0.Add(at), Action: decision.ActionBlock, TTLSec: ttl, Origin: decision.OriginDetector}
}

func TestMemory(t *testing.T) {
	t.Run("a decision is active until its TTL lapses in event time", func(t *testing.T) {
		m := NewMemory(0)
		m.Put(testDecision("a", 0, 60))
		if m.Get("a", t0.Add(59*time.Second)) == nil {
			t.Error("gone before its TTL")
		}
		if m.Get("a", t0.Add(60*time.Second)) != nil {
			t.Error("still active at its expiry")
		}
	})
	t.Run("list is in event-time order and skips lapsed decisions", func(t *testing.T) {
		m := NewMemory(0)
		m.Put(testDecision("late", 10*time.Second, 600))
		m.Put(testDecision("early", 0, 600))
		m.Put(testDecision("short", 0, 5))
		got := m.List(t0.Add(20 * time.Second))
		if len(got) != 2 || got[0].Client != "early" || got[1].Client != "late" {
			t.Errorf("list = %v", got)
		}
		if n := m.Expire(t0.Add(20 * time.Second)); n != 1 {
			t.Errorf("expired %d, want 1", n)
		}
	})
	t.Run("the cap refuses new clients but makes room from lapsed ones", func(t *testing.T) {
		m := NewMemory(2)
		m.Put(testDecision("a", 0, 5))
		m.Put(testDecision("b", 0, 600))
		if err := m.Put(testDecision("c", time.Second, 600)); !errors.Is(err, ErrFull) {
			t.Errorf("err = %v, want ErrFull", err)
		}
		if err := m.Put(testDecision("b", time.Second, 600)); err != nil {
			t.Errorf("replacing a held client failed: %v", err)
		}
		if err := m.Put(testDecision("c", 10*time.Second, 600)); err != nil {
			t.Errorf("no room made from the lapsed decision: %v", err)
		}
	})
	t.Run("remove drops a decision", func(t *testing.T) {
		m := NewMemory(0)
		m.Put(testDecision("a", 0, 60))
		if !m.Remove("a") || m.Remove("a") || m.Get("a", t0) != nil {
			t.Error("remove did not drop exactly once")
		}
	})
}
