package httpcheck

import (
	"context"
	"hash/maphash"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/portcullis/portcullis/blocklist"
)

// Throttle holds the clients of throttle decisions (and of challenge
// decisions, where no challenge can be served) to their decision's rate.
//
// Take takes one request from the budget of the decision v names, keyed by
// blocklist.ThrottleKey(v), which refills at blocklist.ThrottleRate(v) requests a second up
// to blocklist.ThrottleBurst of them. It says whether the request fits and, when it
// does not, how long until one would. It must not block for long: a
// shared Throttle that cannot reach its store falls back to a local
// budget rather than wait.
type Throttle interface {
	Take(ctx context.Context, v blocklist.Verdict) (ok bool, retry time.Duration)
}

// RetryAfter returns the Retry-After of a throttled request in whole
// seconds: wait rounded up, at least 1.
func RetryAfter(wait time.Duration) int {
	return max(1, int(math.Ceil(wait.Seconds())))
}

// WantsJSON says whether r asks for JSON rather than a page: its Accept
// names JSON (application/json or a +json type) and not HTML. Such a
// request comes from a program, which no challenge page convinces, so a
// challenge decision throttles it instead.
func WantsJSON(r *http.Request) bool { return AcceptsJSON(r.Header) }

// AcceptsJSON is WantsJSON for a request's header fields h, for a server
// that holds requests in its own form.
func AcceptsJSON(h Header) bool {
	json, html := false, false
	for _, v := range h.Values("Accept") {
		for part := range strings.SplitSeq(v, ",") {
			mt, _, _ := strings.Cut(part, ";")
			mt = strings.ToLower(strings.TrimSpace(mt))
			switch {
			case mt == "application/json" || strings.HasSuffix(mt, "+json"):
				json = true
			case mt == "text/html" || mt == "application/xhtml+xml":
				html = true
			}
		}
	}
	return json && !html
}

// LocalThrottle is a Throttle in memory: token buckets by key, each at its
// decision's rate, sharded so that clients do not contend on one lock. A
// bucket idle long enough to have refilled is the same as none, so it is
// evicted; past the cap an arbitrary one is (its client starts afresh,
// with a full budget).
type LocalThrottle struct {
	perShard int
	seed     maphash.Seed
	start    time.Time
	shards   [throttleShards]throttleShard
}

const throttleShards = 32

// DefaultThrottleKeys caps the budgets a LocalThrottle keeps.
const DefaultThrottleKeys = 100_000

type throttleShard struct {
	mu      sync.Mutex
	buckets map[string]*throttleBucket
	inserts int
}

type throttleBucket struct {
	tokens float64
	last   time.Duration // since LocalThrottle.start
	idle   time.Duration // time to refill from empty
}

var _ Throttle = (*LocalThrottle)(nil)

// NewLocalThrottle returns a LocalThrottle that keeps at most maxKeys
// budgets (DefaultThrottleKeys when maxKeys ≤ 0).
func NewLocalThrottle(maxKeys int) *LocalThrottle {
	if maxKeys <= 0 {
		maxKeys = DefaultThrottleKeys
	}
	t := &LocalThrottle{perShard: max(1, maxKeys/throttleShards), seed: maphash.MakeSeed(), start: time.Now()}
	for i := range t.shards {
		t.shards[i].buckets = map[string]*throttleBucket{}
	}
	return t
}

// Take implements Throttle.
func (t *LocalThrottle) Take(_ context.Context, v blocklist.Verdict) (bool, time.Duration) {
	return t.TakeKey(blocklist.ThrottleKey(v), blocklist.ThrottleRate(v))
}

// TakeKey takes one token from key's bucket, which refills at rps tokens a
// second up to blocklist.ThrottleBurst(rps).
func (t *LocalThrottle) TakeKey(key string, rps float64) (bool, time.Duration) {
	now := time.Since(t.start)
	burst := float64(blocklist.ThrottleBurst(rps))
	s := &t.shards[maphash.String(t.seed, key)%throttleShards]
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.buckets[key]
	if !ok {
		s.makeRoom(t.perShard, now)
		b = &throttleBucket{tokens: burst, last: now}
		s.buckets[key] = b
	}
	b.idle = time.Duration(burst / rps * float64(time.Second))
	b.tokens = math.Min(burst, b.tokens+(now-b.last).Seconds()*rps)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / rps * float64(time.Second))
}

// makeRoom evicts idle buckets every so many inserts and when the shard is
// full, and an arbitrary one if it is still full. s.mu is held.
func (s *throttleShard) makeRoom(perShard int, now time.Duration) {
	s.inserts++
	if len(s.buckets) < perShard && s.inserts%1024 != 0 {
		return
	}
	for k, b := range s.buckets {
		if now-b.last >= b.idle {
			delete(s.buckets, k)
		}
	}
	for k := range s.buckets {
		if len(s.buckets) < perShard {
			break
		}
		delete(s.buckets, k)
	}
}

// Len returns how many budgets t keeps.
func (t *LocalThrottle) Len() int {
	n := 0
	for i := range t.shards {
		s := &t.shards[i]
		s.mu.Lock()
		n += len(s.buckets)
		s.mu.Unlock()
	}
	return n
}

// ThrottleAnswer is the answer to a request of v, a throttle decision,
// over its rate: 429, with the seconds until its budget allows one more
// request (wait, rounded up, at least 1) as Retry-After, and the
// decision's id. The gateway and the decision service answer through it.
func ThrottleAnswer(v blocklist.Verdict, wait time.Duration) Answer {
	return Answer{Status: http.StatusTooManyRequests, RetryAfter: strconv.Itoa(RetryAfter(wait)), Decision: DecisionID(v.Client, v.Expires)}
}
