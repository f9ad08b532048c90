package blocklist

import (
	"context"
	"fmt"
	"net/netip"
	"runtime"
	"testing"
	"time"

	"github.com/portcullis/portcullis/decision"
)

// bigSnapshot holds n active decisions: 80 % IPv4 addresses, 10 % IPv6 /64
// prefixes, 5 % API keys and 5 % users, and a small allowlist. Their
// actions take turns by tens: decisions 0-9 block, 10-19 throttle, 20-29
// challenge, 30-39 log, 40-49 block again, and so on.
func bigSnapshot(n int) Snapshot {
	s := Snapshot{Version: 1, Allow: []string{"10.0.0.0/8", "2001:db8:ffff::/48", "key_ok"}}
	exp := time.Now().Add(time.Hour)
	for i := range n {
		var client, scope string
		switch {
		case i%10 < 8:
			client, scope = netip.AddrFrom4([4]byte{100, byte(i >> 16), byte(i >> 8), byte(i)}).String(), "ip"
		case i%10 == 8:
			client, scope = fmt.Sprintf("2001:db8:%x:%x::/64", i>>16, i&0xffff), "ipv6_64"
		case i%20 == 9:
			client, scope = fmt.Sprintf("key_%08x", i), "api_key"
		default:
			client, scope = fmt.Sprintf("user%d", i), "user"
		}
		d := &decision.Decision{Client: client, Scope: scope, Action: benchActions[i/10%len(benchActions)], TTLSec: 3600}
		if d.Action == decision.ActionThrottle || d.Action == decision.ActionChallenge {
			d.Limit = 2
		}
		s.Decisions = append(s.Decisions, d)
		s.Expires = append(s.Expires, exp)
	}
	return s
}

var benchActions = []string{decision.ActionBlock, decision.ActionThrottle, decision.ActionChallenge, decision.ActionLog}

type lookupReq struct {
	ip        netip.Addr
	key, user string
}

// cpuPerOp locks the benchmark to its thread and returns a func to defer
// that reports the thread's CPU time per iteration of b.Loop as cpu-ns/op,
// where the system tells it. On a shared machine ns/op also counts the
// time the thread waited for a core; cpu-ns/op does not.
func cpuPerOp(b *testing.B) func() {
	runtime.LockOSThread()
	t0, ok := threadCPU()
	return func() {
		defer runtime.UnlockOSThread()
		if t1, ok1 := threadCPU(); ok && ok1 && b.N > 0 {
			b.ReportMetric(float64(t1-t0)/float64(b.N), "cpu-ns/op")
		}
	}
}

// ticking keeps c's clock, as Run does, until b ends.
func ticking(b *testing.B, c *Checker) {
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); c.tick(ctx) }()
	b.Cleanup(func() { stop(); <-done })
	for c.clock.Load() == 0 {
		runtime.Gosched()
	}
}

// BenchmarkCheckerLookup checks a mix of requests (blocked IPv4, IPv6 in a
// blocked /64, blocked key, throttled, challenged and logged IPv4, and
// misses) against 100k active decisions of mixed actions. Each case also
// reports the thread's CPU time per check (cpu-ns/op). The clock ticks as
// Run keeps it.
func BenchmarkCheckerLookup(b *testing.B) {
	const n = 100_000
	c := loadedChecker(b, CheckerConfig{FailMode: FailOpen}, Snapshot{})
	c.view.Store(fromSnapshot(bigSnapshot(n)))
	ticking(b, c)
	reqs := []lookupReq{
		{ip: netip.MustParseAddr("100.0.0.1")},                                  // blocked IPv4
		{ip: netip.MustParseAddr("198.51.100.1"), key: "key_none", user: "bob"}, // miss
		{ip: netip.MustParseAddr("2001:db8:0:8::1234")},                         // inside a blocked /64
		{ip: netip.MustParseAddr("2001:db8:1:1::1")},                            // IPv6 miss
		{ip: netip.MustParseAddr("198.51.100.2"), key: "key_00000009"},          // blocked key
		{ip: netip.MustParseAddr("10.1.2.3")},                                   // allowlisted
		{ip: netip.MustParseAddr("100.0.0.10")},                                 // throttled IPv4
		{ip: netip.MustParseAddr("100.0.0.20")},                                 // challenged IPv4
		{ip: netip.MustParseAddr("100.0.0.30")},                                 // logged IPv4
	}
	names := []string{"blocked_ipv4", "miss_ipv4_key_user", "blocked_ipv6_64", "miss_ipv6", "blocked_key", "allowlisted",
		"throttled_ipv4", "challenged_ipv4", "logged_ipv4"}
	want := []string{decision.ActionBlock, "", decision.ActionBlock, "", decision.ActionBlock, "",
		decision.ActionThrottle, decision.ActionChallenge, decision.ActionLog}
	for i, r := range reqs {
		if got := c.Check(r.ip, r.key, r.user).Action; got != want[i] {
			b.Fatalf("%s: action %q, want %q", names[i], got, want[i])
		}
	}
	b.Run("mix", func(b *testing.B) {
		b.ReportAllocs()
		defer cpuPerOp(b)()
		i := 0
		for b.Loop() {
			r := &reqs[i%len(reqs)]
			c.Check(r.ip, r.key, r.user)
			i++
		}
	})
	for i, r := range reqs {
		b.Run(names[i], func(b *testing.B) {
			b.ReportAllocs()
			defer cpuPerOp(b)()
			for b.Loop() {
				c.Check(r.ip, r.key, r.user)
			}
		})
	}
}

// BenchmarkCheckerLookupParallel is BenchmarkCheckerLookup from every core,
// while Run would swap views.
func BenchmarkCheckerLookupParallel(b *testing.B) {
	c := loadedChecker(b, CheckerConfig{FailMode: FailOpen}, Snapshot{})
	c.view.Store(fromSnapshot(bigSnapshot(100_000)))
	ticking(b, c)
	a := netip.MustParseAddr("2001:db8:0:8::1234")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.Check(a, "", "")
		}
	})
}

// BenchmarkCheckerApplyChange measures applying one pushed change to a
// view of 100k decisions (copy on write of the overlay, amortized
// compaction).
func BenchmarkCheckerApplyChange(b *testing.B) {
	v := fromSnapshot(bigSnapshot(100_000))
	exp := time.Now().Add(time.Hour).UnixMilli()
	now := time.Now().UnixMilli()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		a := netip.AddrFrom4([4]byte{101, byte(i >> 16), byte(i >> 8), byte(i)})
		v = v.with([]Change{{Version: v.version + 1, Op: OpStore, Client: a.String(), ExpiresMS: exp}}, now)
	}
}

// BenchmarkCheckerMemory reports the heap a view of 100k decisions holds,
// client strings included.
func BenchmarkCheckerMemory(b *testing.B) {
	const n = 100_000
	for b.Loop() {
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		v := fromSnapshot(bigSnapshot(n)) // the snapshot is garbage after this
		runtime.GC()
		runtime.ReadMemStats(&m1)
		runtime.KeepAlive(v)
		b.ReportMetric(float64(m1.HeapAlloc-m0.HeapAlloc)/(1<<20), "MiB/100k")
		b.ReportMetric(float64(m1.HeapAlloc-m0.HeapAlloc)/n, "B/decision")
	}
}
