package blocklist

import (
	"context"
	"log/slog"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/internal/testwait"
)

// runChecker starts a Checker on r and stops it, and waits for it, when the
// test ends. It returns once the first snapshot is loaded.
func runChecker(t testing.TB, r *Redis, cfg CheckerConfig) *Checker {
	t.Helper()
	if cfg.FailMode == 0 {
		cfg.FailMode = FailOpen
	}
	c := NewChecker(r, cfg, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := c.Run(ctx); err != nil {
			t.Errorf("run: %v", err)
		}
	})
	t.Cleanup(func() { cancel(); wg.Wait() })
	eventually(t, "the first snapshot is loaded", func() bool { return c.Stats().Resyncs > 0 })
	return c
}

// eventually polls ok until it holds, failing t after 5 s (scaled for the
// race detector and slow machines).
func eventually(t testing.TB, what string, ok func() bool) {
	t.Helper()
	testwait.Until(t, 5*time.Second, what, ok)
}

func blockOf(client, scope string, ttl int64) *decision.Decision {
	return &decision.Decision{Client: client, Scope: scope, TS: time.Now(), Action: decision.ActionBlock, TTLSec: ttl}
}

func ip(s string) netip.Addr { return netip.MustParseAddr(s) }

func TestCheckerFollowsTheStore(t *testing.T) {
	addr := redistest.Start(t)

	t.Run("a snapshot, then pushed store, remove and allow changes are applied", func(t *testing.T) {
		leaks := goleak.IgnoreCurrent()
		t.Cleanup(func() { goleak.VerifyNone(t, leaks) }) // runs after the checker and the store are closed
		r := newRedis(t, addr, nil)
		apply(t, r, blockOf("203.0.113.7", "ip", 600))
		c := runChecker(t, r, CheckerConfig{})
		if v := c.Check(ip("203.0.113.7"), "", ""); !v.Blocked || v.Client != "203.0.113.7" || v.Stale {
			t.Fatalf("snapshot block: %+v", v)
		}
		apply(t, r, blockOf("198.51.100.1", "ip", 600))
		eventually(t, "the pushed store is applied", func() bool { return c.Check(ip("198.51.100.1"), "", "").Blocked })
		if _, err := r.Remove(t.Context(), "198.51.100.1"); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the pushed remove is applied", func() bool { return !c.Check(ip("198.51.100.1"), "", "").Blocked })
		apply(t, r, blockOf("key_bad", "api_key", 600))
		eventually(t, "the key block is applied", func() bool { return c.Check(netip.Addr{}, "key_bad", "").Blocked })
		if err := r.Allow(t.Context(), "alice"); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the pushed allow is applied", func() bool { return !c.Check(netip.Addr{}, "key_bad", "alice").Blocked })
		if s := c.Stats(); s.Resyncs != 1 || s.Gaps != 0 {
			t.Errorf("stats %+v: want one resync (the first snapshot) and no gap", s)
		}
		if err := r.Unallow(t.Context(), "alice"); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the pushed unallow is applied", func() bool { return c.Check(netip.Addr{}, "key_bad", "alice").Blocked })
	})

	t.Run("a version gap triggers a resync", func(t *testing.T) {
		r := newRedis(t, addr, nil)
		c := runChecker(t, r, CheckerConfig{})
		// A change the checker never hears of.
		if err := r.c.Incr(t.Context(), r.space+"version").Err(); err != nil {
			t.Fatal(err)
		}
		apply(t, r, blockOf("192.0.2.1", "ip", 600))
		eventually(t, "the block is seen through a resync", func() bool { return c.Check(ip("192.0.2.1"), "", "").Blocked })
		if s := c.Stats(); s.Gaps != 1 || s.Resyncs != 2 {
			t.Errorf("stats %+v: want one gap and a second resync", s)
		}
	})

	t.Run("a block is dropped at its expiry", func(t *testing.T) {
		r := newRedis(t, addr, nil)
		c := runChecker(t, r, CheckerConfig{})
		apply(t, r, blockOf("192.0.2.2", "ip", 1))
		eventually(t, "the block is applied", func() bool { return c.Check(ip("192.0.2.2"), "", "").Blocked })
		v := c.Check(ip("192.0.2.2"), "", "")
		if d := time.Until(v.Expires); d <= 0 || d > 1100*time.Millisecond {
			t.Errorf("expires in %v; want within the 1 s TTL", d)
		}
		time.Sleep(time.Until(v.Expires))
		if c.Check(ip("192.0.2.2"), "", "").Blocked {
			t.Error("still blocked at its expiry")
		}
		eventually(t, "the lapsed block is swept from memory", func() bool { return c.Stats().Decisions == 0 })
	})

	t.Run("a store change reaches the checker within 100 ms of Apply returning", func(t *testing.T) {
		r := newRedis(t, addr, nil)
		var applied atomic.Int64
		c := runChecker(t, r, CheckerConfig{OnApplied: func(time.Duration) { applied.Add(1) }})
		var lat, total []time.Duration // from Apply returning, and from calling it
		for i := range 50 {
			a := netip.AddrFrom4([4]byte{192, 0, 2, byte(10 + i)})
			called := time.Now()
			apply(t, r, blockOf(a.String(), "ip", 600))
			start, giveUp := time.Now(), testwait.Scale(t, 5*time.Second)
			for !c.Check(a, "", "").Blocked {
				if time.Since(start) > giveUp {
					t.Fatalf("%v not seen after %v", a, giveUp)
				}
				time.Sleep(20 * time.Microsecond)
			}
			lat = append(lat, time.Since(start))
			total = append(total, time.Since(called))
		}
		slices.Sort(lat)
		slices.Sort(total)
		t.Logf("propagation, 50 changes: from Apply returning p50 %v, p99 %v, max %v; from calling Apply p50 %v, p99 %v",
			lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1], total[len(total)/2], total[len(total)*99/100])
		if lat[len(lat)-1] > testwait.Scale(t, time.Second) {
			t.Errorf("max propagation %v; want well under 1 s (goal: 100 ms)", lat[len(lat)-1])
		}
		if applied.Load() != 50 {
			t.Errorf("OnApplied called %d times; want 50", applied.Load())
		}
	})
}

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
	t.Run("after the staleness passes with redis-server stopped, open allows and closed blocks, and both recover after a restart", func(t *testing.T) {
		srv := redistest.StartServer(t)
		r := newRedis(t, srv.Addr(), nil)
		apply(t, r, blockOf("203.0.113.7", "ip", 600))
		if err := r.Allow(t.Context(), "10.0.0.0/8"); err != nil {
			t.Fatal(err)
		}
		c := runChecker(t, r, CheckerConfig{FailMode: FailOpen, MaxStaleness: 300 * time.Millisecond, ProbeInterval: 50 * time.Millisecond})
		stranger, blocked, allowed := ip("192.0.2.50"), ip("203.0.113.7"), ip("10.1.2.3")
		time.Sleep(400 * time.Millisecond)
		if v := c.Check(stranger, "", ""); v.Stale || v.Blocked {
			t.Fatalf("with redis up and quiet, the probe keeps the view fresh: %+v (staleness %v)", v, c.Staleness())
		}

		srv.Stop()
		eventually(t, "the view goes stale", func() bool { return c.Staleness() > 300*time.Millisecond })
		for _, tt := range []struct {
			name    string
			ip      netip.Addr
			mode    FailMode
			blocked bool
		}{
			{"fail open lets a stranger through", stranger, 0, false},
			{"fail open still enforces a cached block", blocked, FailOpen, true},
			{"fail closed blocks a stranger", stranger, FailClosed, true},
			{"fail closed lets the allowlist through", allowed, FailClosed, false},
		} {
			v := c.CheckRoute(tt.ip, "", "", tt.mode)
			want := tt.mode
			if want == 0 {
				want = FailOpen
			}
			if v.Blocked != tt.blocked || !v.Stale || tt.ip != allowed && v.FailMode != want {
				t.Errorf("%s: verdict %+v", tt.name, v)
			}
		}
		t.Logf("staleness while redis-server is down: %v", c.Staleness())

		srv.Restart() // empty: version 0, below the view's
		eventually(t, "the view is fresh again", func() bool { return c.Staleness() < 300*time.Millisecond })
		if v := c.CheckRoute(stranger, "", "", FailClosed); v.Blocked || v.Stale {
			t.Errorf("after the restart a stranger is %+v", v)
		}
		eventually(t, "the restarted store's empty blocklist is loaded", func() bool { return !c.Check(blocked, "", "").Blocked })
		eventually(t, "a new block after the restart is applied", func() bool {
			if _, err := r.Apply(t.Context(), []*decision.Decision{blockOf("198.51.100.9", "ip", 600)}); err != nil {
				return false
			}
			time.Sleep(20 * time.Millisecond)
			return c.Check(ip("198.51.100.9"), "", "").Blocked
		})
		t.Logf("stats after the restart: %+v", c.Stats())
	})

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
			if !v.allowed(ip("2001:db8:1:2::1"), "", "") || v.version != 5 {
				t.Error("allow change lost")
			}
		}
		check(v)
		check(v.compact(time.Now().UnixMilli()))
	})
}
