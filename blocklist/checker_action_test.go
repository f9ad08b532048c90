package blocklist

import (
	"testing"
	"time"
	"unsafe"

	"github.com/portcullis/portcullis/decision"
)

func actionOf(client, action string, limit float64) *decision.Decision {
	d := blockOf(client, "ip", 600)
	d.Action, d.Limit = action, limit
	return d
}

func TestCheckerActions(t *testing.T) {
	s := Snapshot{Version: 1, Decisions: []*decision.Decision{
		actionOf("192.0.2.1", decision.ActionBlock, 0),
		actionOf("192.0.2.2", decision.ActionThrottle, 2.5),
		actionOf("192.0.2.3", decision.ActionChallenge, 1),
		actionOf("192.0.2.4", decision.ActionLog, 0),
		actionOf("192.0.2.5", "", 0),
		actionOf("192.0.2.6", decision.ActionThrottle, 3),
	}, Allow: []string{"192.0.2.6"}}
	tests := []struct {
		name    string
		ip      string
		blocked bool
		action  string
		limit   float64
	}{
		{"a block decision blocks", "192.0.2.1", true, decision.ActionBlock, 0},
		{"a throttle decision does not block and carries its limit", "192.0.2.2", false, decision.ActionThrottle, 2.5},
		{"a challenge decision does not block and carries its limit", "192.0.2.3", false, decision.ActionChallenge, 1},
		{"a log decision neither blocks nor limits", "192.0.2.4", false, decision.ActionLog, 0},
		{"a decision stored without an action blocks", "192.0.2.5", true, decision.ActionBlock, 0},
		{"an allowlisted client's throttle is lifted", "192.0.2.6", false, "", 0},
		{"a client without a decision gets no action", "192.0.2.9", false, "", 0},
	}
	c := loadedChecker(t, CheckerConfig{FailMode: FailOpen}, s)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := c.Check(ip(tt.ip), "", "")
			if v.Blocked != tt.blocked || v.Action != tt.action || v.Limit != tt.limit {
				t.Errorf("verdict %+v, want blocked %v, action %q, limit %v", v, tt.blocked, tt.action, tt.limit)
			}
		})
	}

	t.Run("a stale view on a fail-closed route blocks a throttled client", func(t *testing.T) {
		c := loadedChecker(t, CheckerConfig{FailMode: FailClosed}, s)
		c.synced.Store(-1)
		v := c.Check(ip("192.0.2.2"), "", "")
		if !v.Blocked || v.Action != decision.ActionBlock || v.Client != "192.0.2.2" {
			t.Errorf("verdict %+v", v)
		}
	})
	t.Run("a stale view on a fail-open route keeps a decision's action", func(t *testing.T) {
		c := loadedChecker(t, CheckerConfig{FailMode: FailOpen}, s)
		c.synced.Store(-1)
		v := c.Check(ip("192.0.2.2"), "", "")
		if v.Blocked || v.Action != decision.ActionThrottle || !v.Stale {
			t.Errorf("verdict %+v", v)
		}
	})
	t.Run("a pushed change carries its decision's action, and a change without a decision is a block", func(t *testing.T) {
		exp := time.Now().Add(time.Hour).UnixMilli()
		v := fromSnapshot(Snapshot{Version: 1}).with([]Change{
			{Version: 2, Op: OpStore, Client: "192.0.2.7", ExpiresMS: exp, Decision: actionOf("192.0.2.7", decision.ActionLog, 0)},
			{Version: 3, Op: OpStore, Client: "192.0.2.8", ExpiresMS: exp},
			{Version: 4, Op: OpStore, Client: "192.0.2.1", ExpiresMS: exp, Decision: actionOf("192.0.2.1", decision.ActionThrottle, 4)},
		}, time.Now().UnixMilli())
		now := time.Now().UnixMilli()
		for _, w := range []struct {
			ip  string
			act act
		}{{"192.0.2.7", actLog}, {"192.0.2.8", actBlock}, {"192.0.2.1", actThrottle}} {
			e, ok := v.blocked(ip(w.ip), "", "", now)
			if !ok || e.act != w.act {
				t.Errorf("%s: entry %+v, found %v, want act %d", w.ip, e, ok, w.act)
			}
		}
	})
}

// TestEntrySize keeps an entry at the size of one without an action: the
// action and the limit fit in the padding, so 100k decisions take no more
// memory than they did.
func TestEntrySize(t *testing.T) {
	if got := unsafe.Sizeof(entry{}); got != 32 {
		t.Errorf("an entry is %d bytes, want 32", got)
	}
}
