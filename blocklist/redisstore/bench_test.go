package redisstore

import (
	"net/netip"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/internal/redistest"
)

// BenchmarkPropagation measures, with a real redis-server, the time from a
// decision stored (from the call to Apply) to a Checker enforcing it, and the
// time the Checker itself reports from the store's clock (what the
// gateway exports as portcullis_gateway_blocklist_propagation_seconds).
func BenchmarkPropagation(b *testing.B) {
	addr := redistest.Start(b)
	r := newRedis(b, addr, func(c *Config) { c.Breaker.MaxNew = 1 << 30 }) // many new blocks are the point here
	var mu sync.Mutex
	var reported []time.Duration
	c := runChecker(b, r, blocklist.CheckerConfig{OnApplied: func(d time.Duration) {
		mu.Lock()
		reported = append(reported, d)
		mu.Unlock()
	}})
	var seen []time.Duration
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		a := netip.AddrFrom4([4]byte{100, byte(i >> 16), byte(i >> 8), byte(i)})
		stored := time.Now() // from the call that stores it
		apply(b, r, blockOf(a.String(), "ip", 600))
		for !c.Check(a, "", "").Blocked {
			if time.Since(stored) > 5*time.Second {
				b.Fatalf("%v not enforced after 5 s", a)
			}
			runtime.Gosched()
		}
		seen = append(seen, time.Since(stored))
	}
	b.StopTimer()
	q := func(d []time.Duration, p float64) float64 {
		if len(d) == 0 {
			return 0
		}
		slices.Sort(d)
		return float64(d[min(len(d)-1, int(p*float64(len(d))))].Microseconds())
	}
	mu.Lock()
	defer mu.Unlock()
	b.ReportMetric(q(seen, 0.50), "p50-µs")
	b.ReportMetric(q(seen, 0.99), "p99-µs")
	b.ReportMetric(q(reported, 0.99), "p99-reported-µs")
}

// BenchmarkPropagationFanOut measures the push fan-out: one real
// redis-server publishing to fanOut Checkers, each with its own connection
// and subscription (as that many gateways or decision services would
// have), in one process. Each iteration stores one decision and waits until
// every Checker enforces it; the p50 and p99 are over every Checker and
// decision, from the start of the call that stores it.
func BenchmarkPropagationFanOut(b *testing.B) {
	const fanOut = 50
	addr := redistest.Start(b)
	r := newRedis(b, addr, func(c *Config) { c.Breaker.MaxNew = 1 << 30 })
	checkers := make([]*blocklist.Checker, fanOut)
	for i := range checkers {
		follower := newRedis(b, addr, func(c *Config) { c.KeyPrefix = r.cfg.KeyPrefix })
		checkers[i] = runChecker(b, follower, blocklist.CheckerConfig{})
	}
	for _, c := range checkers { // every blocklist.Checker has its first snapshot and subscription
		for c.Stats().Resyncs == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	var seen []time.Duration
	done := make([]bool, fanOut)
	i := 0
	for b.Loop() {
		i++
		a := netip.AddrFrom4([4]byte{100, 64, byte(i >> 8), byte(i)})
		// From the call that stores it: the push may reach a Checker
		// before the store's own reply does.
		stored := time.Now()
		apply(b, r, blockOf(a.String(), "ip", 600))
		clear(done)
		for left := fanOut; left > 0; {
			if time.Since(stored) > 10*time.Second {
				b.Fatalf("%v enforced by %d of %d checkers after 10 s", a, fanOut-left, fanOut)
			}
			for j, c := range checkers {
				if !done[j] && c.Check(a, "", "").Blocked {
					done[j] = true
					left--
					seen = append(seen, time.Since(stored))
				}
			}
			runtime.Gosched()
		}
	}
	b.StopTimer()
	slices.Sort(seen)
	q := func(p float64) float64 {
		return float64(seen[min(len(seen)-1, int(p*float64(len(seen))))].Microseconds())
	}
	b.ReportMetric(q(0.50), "p50-µs")
	b.ReportMetric(q(0.99), "p99-µs")
	b.ReportMetric(fanOut, "checkers")
}

// BenchmarkRedisMemoryPerDecision stores 100,000 decisions in a real
// redis-server and reports what its used_memory grew by, per decision: the
// figure to size Redis with.
func BenchmarkRedisMemoryPerDecision(b *testing.B) {
	const n = 100_000
	for b.Loop() {
		b.StopTimer()
		addr := redistest.Start(b)
		r := newRedis(b, addr, func(c *Config) { c.Breaker.MaxNew = 1 << 30; c.MaxActive = 2 * n })
		before := usedMemory(b, r)
		b.StartTimer()
		batch := make([]*decision.Decision, 0, 1000)
		for i := range n {
			a := netip.AddrFrom4([4]byte{100, byte(i >> 16), byte(i >> 8), byte(i)})
			d := blockOf(a.String(), "ip", 3600)
			d.Model, d.Score, d.Threshold = "pc-0123456789ab", 6.5, 4.8
			d.Reasons = []decision.Reason{{Feature: "rate", Value: 30.4, Typical: 0.47, Surprise: 6.85}, {Feature: "other_error_ratio", Value: 0.38, Surprise: 4.03}, {Feature: "requests_2m", Value: 215.7, Typical: 24.4, Surprise: 2.08}}
			batch = append(batch, d)
			if len(batch) == cap(batch) {
				apply(b, r, batch...)
				batch = batch[:0]
			}
		}
		b.StopTimer()
		b.ReportMetric(float64(usedMemory(b, r)-before)/n, "bytes/decision")
		b.StartTimer()
	}
}

func usedMemory(t testing.TB, r *Store) int64 {
	t.Helper()
	info, err := r.c.Info(t.Context(), "memory").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no used_memory in INFO memory")
	return 0
}
