package gateway

import (
	"context"
	"hash/maphash"
	"math"
	"net/netip"
	"sync"
	"time"
)

// SharedLimiter is a token bucket shared by gateway instances, keyed by
// client. Allow takes one token from key's bucket, which refills at rps
// tokens a second up to burst, and says whether there was one. An error
// means the limiter could not decide; the gateway then falls back to its
// local bucket.
type SharedLimiter interface {
	Allow(ctx context.Context, key string, rps float64, burst int) (bool, error)
}

// keyedLimiter holds per-client token buckets in memory, keyed by K (an
// address, or an API key id or user for the learned limits of keyed
// clients), sharded so that clients do not contend on one lock. A bucket
// idle long enough to have refilled is the same as no bucket, so it is
// evicted; beyond the cap, an arbitrary bucket is evicted (its client
// starts afresh).
type keyedLimiter[K comparable] struct {
	rps      float64
	burst    float64
	idle     time.Duration // time to refill from empty: a bucket idle longer is full
	perShard int
	seed     maphash.Seed
	start    time.Time
	shards   [limiterShards]limiterShard[K]
}

// localLimiter is the limiter of a route's clients, by address.
type localLimiter = keyedLimiter[netip.Addr]

const (
	limiterShards = 64
	// DefaultMaxClients caps the clients a route's local rate limiter tracks.
	DefaultMaxClients = 100_000
)

type limiterShard[K comparable] struct {
	mu      sync.Mutex
	buckets map[K]*bucket
	inserts int
}

type bucket struct {
	tokens float64
	last   time.Duration // since localLimiter.start
}

func newLocalLimiter(rps float64, burst, maxClients int) *localLimiter {
	return newKeyedLimiter[netip.Addr](rps, burst, maxClients)
}

func newKeyedLimiter[K comparable](rps float64, burst, maxClients int) *keyedLimiter[K] {
	l := &keyedLimiter[K]{
		rps:      rps,
		burst:    float64(burst),
		idle:     time.Duration(float64(burst) / rps * float64(time.Second)),
		perShard: max(1, maxClients/limiterShards),
		seed:     maphash.MakeSeed(),
		start:    time.Now(),
	}
	for i := range l.shards {
		l.shards[i].buckets = map[K]*bucket{}
	}
	return l
}

// allow takes a token from ip's bucket. When there is none, it returns how
// long until there is one.
func (l *keyedLimiter[K]) allow(ip K) (bool, time.Duration) {
	now := time.Since(l.start)
	s := &l.shards[maphash.Comparable(l.seed, ip)%limiterShards]
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.buckets[ip]
	if !ok {
		s.makeRoom(l, now)
		b = &bucket{tokens: l.burst, last: now}
		s.buckets[ip] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+(now-b.last).Seconds()*l.rps)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.rps * float64(time.Second))
}

// peek says whether ip's bucket holds a token, without taking it, and
// when not, how long until it does.
func (l *keyedLimiter[K]) peek(ip K) (bool, time.Duration) {
	now := time.Since(l.start)
	s := &l.shards[maphash.Comparable(l.seed, ip)%limiterShards]
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.buckets[ip]
	if !ok {
		return true, 0
	}
	tokens := math.Min(l.burst, b.tokens+(now-b.last).Seconds()*l.rps)
	if tokens >= 1 {
		return true, 0
	}
	return false, time.Duration((1 - tokens) / l.rps * float64(time.Second))
}

// makeRoom evicts idle buckets every so many inserts and when the shard is
// full, and an arbitrary one if it is still full. s.mu is held.
func (s *limiterShard[K]) makeRoom(l *keyedLimiter[K], now time.Duration) {
	s.inserts++
	if len(s.buckets) < l.perShard && s.inserts%1024 != 0 {
		return
	}
	for k, b := range s.buckets {
		if now-b.last >= l.idle {
			delete(s.buckets, k)
		}
	}
	for k := range s.buckets {
		if len(s.buckets) < l.perShard {
			break
		}
		delete(s.buckets, k)
	}
}

// len returns how many clients are tracked.
func (l *keyedLimiter[K]) len() int {
	n := 0
	for i := range l.shards {
		s := &l.shards[i]
		s.mu.Lock()
		n += len(s.buckets)
		s.mu.Unlock()
	}
	return n
}
