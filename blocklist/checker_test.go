package blocklist

import (
	"bytes"
	"context"
	"log/slog"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/decision"
)

func blockOf(client, scope string, ttl int64) *decision.Decision {
	return &decision.Decision{Client: client, Scope: scope, TS: time.Now(), Action: decision.ActionBlock, TTLSec: ttl}
}

func ip(s string) netip.Addr { return netip.MustParseAddr(s) }

func TestCheckerLookups(t *testing.T) {
	c := loadedChecker(t, CheckerConfig{FailMode: FailOpen}, Snapshot{
		Version: 7,
		Decisions: []*decision.Decision{
			blockOf("203.0.113.7", "ip", 600),
			blockOf("2001:db8::1", "ip", 600),
			blockOf("2001:db8:1:2::/64", "ipv6_64", 600),
			blockOf("198.51.100.0/24", "ip", 600),
			blockOf("key_1a2b", "api_key", 600),
			blockOf("mallory", "user", 600),
			blockOf("key_allowed", "api_key", 600),
			blockOf("2001:db8:9:9::/64", "ipv6_64", 600),
		},
		Allow: []string{"2001:db8:9:9::5", "203.0.113.0/28", "key_allowed", "trusted_user"},
	})
	tests := []struct {
		name      string
		ip        string
		key, user string
		blocked   bool
		client    string
	}{
		{"an address on no list is not blocked", "198.18.0.1", "", "", false, ""},
		{"an IPv6 address equal to a decision is blocked", "2001:db8::1", "", "", true, "2001:db8::1"},
		{"an IPv6 neighbour of a blocked address is not", "2001:db8::2", "", "", false, ""},
		{"an address inside a blocked /64 is blocked", "2001:db8:1:2:abcd::99", "", "", true, "2001:db8:1:2::/64"},
		{"an address in the next /64 is not", "2001:db8:1:3::1", "", "", false, ""},
		{"an address with a zone inside a blocked /64 is blocked", "2001:db8:1:2::99%eth0", "", "", true, "2001:db8:1:2::/64"},
		{"an IPv4 address inside a blocked CIDR is blocked", "198.51.100.200", "", "", true, "198.51.100.0/24"},
		{"an IPv4-mapped IPv6 address is blocked like its IPv4", "::ffff:198.51.100.1", "", "", true, "198.51.100.0/24"},
		{"a blocked API key is blocked from any address", "192.0.2.1", "key_1a2b", "", true, "key_1a2b"},
		{"a blocked user is blocked from any address", "192.0.2.1", "", "mallory", true, "mallory"},
		{"an unknown key and user are not blocked", "192.0.2.1", "key_other", "bob", false, ""},
		{"an allowlisted address wins over the /64 that covers it", "2001:db8:9:9::5", "", "", false, ""},
		{"its neighbour in that /64 is blocked", "2001:db8:9:9::6", "", "", true, "2001:db8:9:9::/64"},
		{"an allowlisted CIDR wins over an exact block", "203.0.113.7", "", "", false, ""},
		{"an allowlisted user wins over a blocked key", "192.0.2.1", "key_1a2b", "trusted_user", false, ""},
		{"an allowlisted key wins over its own block", "192.0.2.1", "key_allowed", "", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := c.Check(ip(tt.ip), tt.key, tt.user)
			if v.Blocked != tt.blocked || v.Client != tt.client || v.Stale {
				t.Errorf("verdict %+v; want blocked %v by %q", v, tt.blocked, tt.client)
			}
			if v.Blocked && time.Until(v.Expires) < 9*time.Minute {
				t.Errorf("expires %v; want about 10 min from now", v.Expires)
			}
		})
	}
	t.Run("an IPv4 address equal to a decision is blocked", func(t *testing.T) {
		c := loadedChecker(t, CheckerConfig{FailMode: FailOpen}, Snapshot{Decisions: []*decision.Decision{blockOf("203.0.113.7", "ip", 600)}})
		if v := c.Check(ip("203.0.113.7"), "", ""); !v.Blocked || v.Client != "203.0.113.7" {
			t.Errorf("verdict %+v", v)
		}
	})
}

// loadedChecker returns a Checker that holds s and is in sync, without a
// store.
func loadedChecker(t testing.TB, cfg CheckerConfig, s Snapshot) *Checker {
	t.Helper()
	s.Expires = make([]time.Time, len(s.Decisions))
	for i, d := range s.Decisions {
		s.Expires[i] = time.Now().Add(time.Duration(d.TTLSec) * time.Second)
	}
	c := NewChecker(nil, cfg, nil)
	c.view.Store(fromSnapshot(s))
	c.markSynced()
	return c
}

func TestCheckerFailModes(t *testing.T) {
	t.Run("a checker that never loaded a snapshot is stale", func(t *testing.T) {
		c := NewChecker(nil, CheckerConfig{FailMode: FailClosed}, nil)
		if v := c.Check(ip("192.0.2.1"), "", ""); !v.Blocked || !v.Stale || v.FailMode != FailClosed {
			t.Errorf("verdict %+v", v)
		}
	})

	t.Run("a config without a fail mode does not validate", func(t *testing.T) {
		if err := (CheckerConfig{}).WithDefaults().Validate(); err == nil {
			t.Error("no error")
		}
	})
}

func TestCheckerOverlay(t *testing.T) {
	t.Run("changes applied on an overlay match a fresh snapshot, before and after compaction", func(t *testing.T) {
		exp := time.Now().Add(time.Hour).UnixMilli()
		v := fromSnapshot(Snapshot{Version: 1, Decisions: []*decision.Decision{blockOf("192.0.2.1", "ip", 600), blockOf("k", "api_key", 600)},
			Expires: []time.Time{time.UnixMilli(exp), time.UnixMilli(exp)}})
		v = v.with([]Change{
			{Version: 2, Op: OpRemove, Client: "192.0.2.1"},
			{Version: 3, Op: OpStore, Client: "2001:db8:1:2::/64", ExpiresMS: exp},
			{Version: 4, Op: OpRemove, Client: "k"},
			{Version: 5, Op: OpAllow, Entry: "2001:db8:1:2::1"},
		}, time.Now().UnixMilli())
		check := func(v *view) {
			now := time.Now().UnixMilli()
			if _, ok := v.blocked(ip("192.0.2.1"), "k", "", now); ok {
				t.Error("removed blocks still match")
			}
			if _, ok := v.blocked(ip("2001:db8:1:2::9"), "", "", now); !ok {
				t.Error("stored /64 does not match")
			}
			if !v.allow.AllowsRequest(ip("2001:db8:1:2::1"), "", "") || v.version != 5 {
				t.Error("allow change lost")
			}
		}
		check(v)
		check(v.compact(time.Now().UnixMilli()))
	})
}

func TestCheckerBadAllowEntry(t *testing.T) {
	var logs bytes.Buffer
	c := NewChecker(nil, CheckerConfig{FailMode: FailOpen}, slog.New(slog.NewTextHandler(&logs, nil)))
	exp := time.Now().Add(time.Hour)
	snap := Snapshot{Version: 1, Decisions: []*decision.Decision{blockOf("203.0.113.7", "ip", 600), blockOf("198.51.100.1", "ip", 600)},
		Expires: []time.Time{exp, exp}, Allow: []string{"10.0.0.0/33", "203.0.113.7"}}
	c.setView(t.Context(), fromSnapshot(snap))
	t.Run("a bad entry is reported as an error that names it", func(t *testing.T) {
		if !strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "10.0.0.0/33") {
			t.Errorf("log %q does not report the bad entry", logs.String())
		}
	})
	t.Run("the good entries still allow their clients, and the bad one allows nothing", func(t *testing.T) {
		c.markSynced()
		if v := c.Check(ip("203.0.113.7"), "", ""); v.Blocked {
			t.Error("an allowlisted client is blocked")
		}
		if v := c.Check(ip("198.51.100.1"), "", ""); !v.Blocked {
			t.Error("a blocked client passes")
		}
	})
	t.Run("the same bad entry is reported once, not at every resync", func(t *testing.T) {
		n := strings.Count(logs.String(), "level=ERROR")
		c.setView(t.Context(), fromSnapshot(snap))
		if got := strings.Count(logs.String(), "level=ERROR"); got != n {
			t.Errorf("%d error lines after a resync, want %d", got, n)
		}
	})
}

func TestCheckerClock(t *testing.T) {
	t.Run("a block lapses under the clock Run keeps, never early, and the clock is Check's own again after", func(t *testing.T) {
		c := NewChecker(nil, CheckerConfig{FailMode: FailOpen, MaxStaleness: time.Hour}.WithDefaults(), nil)
		exp := time.Now().Add(300 * time.Millisecond)
		c.view.Store(fromSnapshot(Snapshot{Version: 1, Decisions: []*decision.Decision{blockOf("192.0.2.1", "ip", 1)},
			Expires: []time.Time{exp}}))
		c.markSynced()
		ctx, stop := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); c.tick(ctx) }()
		for deadline := time.Now().Add(30 * time.Second); c.clock.Load() == 0; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the clock never started ticking")
			}
		}
		for deadline := time.Now().Add(30 * time.Second); c.Check(ip("192.0.2.1"), "", "").Blocked; {
			if time.Now().After(deadline) {
				t.Fatal("the block never lapsed under the ticking clock")
			}
			time.Sleep(5 * time.Millisecond)
		}
		if time.Now().Before(exp) {
			t.Errorf("the block lapsed %v before its expiry", time.Until(exp))
		}
		stop()
		<-done
		if n := c.clock.Load(); n != 0 {
			t.Errorf("clock %d after tick ended; want 0, so Check reads the clock itself", n)
		}
	})

	t.Run("the ticking clock finds a view stale", func(t *testing.T) {
		c := NewChecker(nil, CheckerConfig{FailMode: FailClosed, MaxStaleness: 200 * time.Millisecond}.WithDefaults(), nil)
		c.view.Store(fromSnapshot(Snapshot{Version: 1}))
		c.markSynced()
		ctx, stop := context.WithCancel(context.Background())
		defer stop()
		go c.tick(ctx)
		for deadline := time.Now().Add(30 * time.Second); !c.Check(ip("192.0.2.9"), "", "").Stale; {
			if time.Now().After(deadline) {
				t.Fatal("the view never went stale under the ticking clock")
			}
			time.Sleep(5 * time.Millisecond)
		}
		if v := c.Check(ip("192.0.2.9"), "", ""); !v.Blocked || v.FailMode != FailClosed {
			t.Errorf("stale verdict %+v; want blocked by the closed fail mode", v)
		}
	})
}
