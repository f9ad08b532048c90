package review

import (
	"net/netip"
	"slices"
	"sync"
	"time"
)

// failLimiter counts wrong admin tokens per client in fixed windows; a
// client is an IPv4 address or an IPv6 /64, the block one host is usually
// given, so that a host cannot rotate through its own addresses. Past max in a window, every request from that address is
// refused until the window ends, the right token included: otherwise the
// answer to a guess would still tell a right token from a wrong one.
type failLimiter struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu    sync.Mutex
	hosts map[netip.Addr]*failWindow
}

type failWindow struct {
	start time.Time
	n     int
}

// Defaults of the wrong-token limit: ten guesses a minute from one address
// is plenty for a person who mistyped, and nothing for a guesser against a
// token of 16 or more characters.
const (
	maxWrongTokens   = 10
	wrongTokenWindow = time.Minute
	// maxFailHosts bounds the memory of the limiter; past it, expired
	// windows are dropped, then the oldest of those not locked out, then
	// the oldest locked out, down to nine tenths of it.
	maxFailHosts = 10_000
)

func newFailLimiter() *failLimiter {
	return &failLimiter{max: maxWrongTokens, window: wrongTokenWindow, now: time.Now, hosts: map[netip.Addr]*failWindow{}}
}

// clientOf returns the key of host: the address itself (IPv4-mapped
// unmapped), or for IPv6 its /64.
func clientOf(host netip.Addr) netip.Addr {
	host = host.Unmap()
	if host.Is6() {
		p, _ := host.WithZone("").Prefix(64)
		return p.Addr()
	}
	return host
}

// wait returns how long requests from host are refused, 0 if they are not.
func (l *failLimiter) wait(host netip.Addr) time.Duration {
	host = clientOf(host)
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.hosts[host]
	if w == nil {
		return 0
	}
	if end := w.start.Add(l.window); now.Before(end) {
		if w.n >= l.max {
			return end.Sub(now)
		}
		return 0
	}
	delete(l.hosts, host)
	return 0
}

// fail counts a wrong token from host.
func (l *failLimiter) fail(host netip.Addr) {
	host = clientOf(host)
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.hosts[host]
	if w == nil || !now.Before(w.start.Add(l.window)) {
		if len(l.hosts) >= maxFailHosts {
			l.prune(now)
		}
		w = &failWindow{start: now}
		l.hosts[host] = w
	}
	w.n++
}

func (l *failLimiter) prune(now time.Time) {
	for h, w := range l.hosts {
		if !now.Before(w.start.Add(l.window)) {
			delete(l.hosts, h)
		}
	}
	if len(l.hosts) < maxFailHosts {
		return
	}
	// Evict the oldest, those not locked out first: dropping every window
	// would lift every lockout at once.
	type entry struct {
		host   netip.Addr
		start  time.Time
		locked bool
	}
	all := make([]entry, 0, len(l.hosts))
	for h, w := range l.hosts {
		all = append(all, entry{h, w.start, w.n >= l.max})
	}
	slices.SortFunc(all, func(a, b entry) int {
		if a.locked != b.locked {
			if a.locked {
				return 1
			}
			return -1
		}
		return a.start.Compare(b.start)
	})
	for _, e := range all[:len(all)-maxFailHosts*9/10] {
		delete(l.hosts, e.host)
	}
}
