package redisstore

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

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/internal/testwait"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func testDecision(client string, at time.Duration, ttl int64) *decision.Decision {
	return &decision.Decision{Client: client, Scope: "ip", TS: t0.Add(at), Action: decision.ActionBlock, TTLSec: ttl, Origin: decision.OriginDetector}
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

// runChecker starts a Checker on r and stops it, and waits for it, when the
// test ends. It returns once the first snapshot is loaded.
func runChecker(t testing.TB, r *Store, cfg blocklist.CheckerConfig) *blocklist.Checker {
	t.Helper()
	if cfg.FailMode == 0 {
		cfg.FailMode = blocklist.FailOpen
	}
	c := blocklist.NewChecker(r, cfg, slog.New(slog.DiscardHandler))
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

func TestCheckerFollowsTheStore(t *testing.T) {
	addr := redistest.Start(t)

	t.Run("a snapshot, then pushed store, remove and allow changes are applied", func(t *testing.T) {
		leaks := goleak.IgnoreCurrent()
		t.Cleanup(func() { goleak.VerifyNone(t, leaks) }) // runs after the checker and the store are closed
		r := newRedis(t, addr, nil)
		apply(t, r, blockOf("203.0.113.7", "ip", 600))
		c := runChecker(t, r, blocklist.CheckerConfig{})
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
		c := runChecker(t, r, blocklist.CheckerConfig{})
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
		c := runChecker(t, r, blocklist.CheckerConfig{})
		apply(t, r, blockOf("192.0.2.2", "ip", 1))
		eventually(t, "the block is applied", func() bool { return c.Check(ip("192.0.2.2"), "", "").Blocked })
		v := c.Check(ip("192.0.2.2"), "", "")
		if d := time.Until(v.Expires); d <= 0 || d > 1100*time.Millisecond {
			t.Errorf("expires in %v; want within the 1 s TTL", d)
		}
		time.Sleep(time.Until(v.Expires))
		// Check reads the clock Run keeps, which may lag by a tick.
		eventually(t, "the block lapses", func() bool { return !c.Check(ip("192.0.2.2"), "", "").Blocked })
		eventually(t, "the lapsed block is swept from memory", func() bool { return c.Stats().Decisions == 0 })
	})

	t.Run("a store change reaches the checker within 100 ms of Apply returning", func(t *testing.T) {
		r := newRedis(t, addr, nil)
		var applied atomic.Int64
		c := runChecker(t, r, blocklist.CheckerConfig{OnApplied: func(time.Duration) { applied.Add(1) }})
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

func TestCheckerFailModes(t *testing.T) {
	t.Run("after the staleness passes with redis-server stopped, open allows and closed blocks, and both recover after a restart", func(t *testing.T) {
		srv := redistest.StartServer(t)
		r := newRedis(t, srv.Addr(), nil)
		apply(t, r, blockOf("203.0.113.7", "ip", 600))
		if err := r.Allow(t.Context(), "10.0.0.0/8"); err != nil {
			t.Fatal(err)
		}
		c := runChecker(t, r, blocklist.CheckerConfig{FailMode: blocklist.FailOpen, MaxStaleness: 300 * time.Millisecond, ProbeInterval: 50 * time.Millisecond})
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
			mode    blocklist.FailMode
			blocked bool
		}{
			{"fail open lets a stranger through", stranger, 0, false},
			{"fail open still enforces a cached block", blocked, blocklist.FailOpen, true},
			{"fail closed blocks a stranger", stranger, blocklist.FailClosed, true},
			{"fail closed lets the allowlist through", allowed, blocklist.FailClosed, false},
		} {
			v := c.CheckRoute(tt.ip, "", "", tt.mode)
			want := tt.mode
			if want == 0 {
				want = blocklist.FailOpen
			}
			if v.Blocked != tt.blocked || !v.Stale || tt.ip != allowed && v.FailMode != want {
				t.Errorf("%s: verdict %+v", tt.name, v)
			}
		}
		t.Logf("staleness while redis-server is down: %v", c.Staleness())

		srv.Restart() // empty: version 0, below the view's
		eventually(t, "the view is fresh again", func() bool { return c.Staleness() < 300*time.Millisecond })
		if v := c.CheckRoute(stranger, "", "", blocklist.FailClosed); v.Blocked || v.Stale {
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

}
