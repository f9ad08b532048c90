// Package limits learns per-endpoint rate limits from recorded traffic.
//
// For each endpoint (method and path template, "/items/{id}") and each
// class of client (anonymous, or keyed by an API key or a user), a Learner
// keeps every client's peak request count over 10 s and 60 s windows in
// event time. The distribution of those peaks over clients is what a limit
// is recommended from: the figure that lets every normal client through
// with room to spare, with the number of clients behind it as its
// confidence.
package limits

import (
	"math"
	"sort"
	"time"
)

// Windows over which peaks are counted.
const (
	ShortWindow = 10 * time.Second
	LongWindow  = 60 * time.Second
)

// Config bounds a Learner's memory.
type Config struct {
	// MaxEndpoints caps the endpoints learned; requests to endpoints past
	// it are counted as Dropped (default 20,000: scanners and slugs make
	// many endpoints with one client each).
	MaxEndpoints int
	// MaxPairs caps the (client, endpoint) pairs followed; past it new
	// pairs are counted as Dropped (default 1,000,000, about 200 MB).
	MaxPairs int
}

func (c Config) withDefaults() Config {
	if c.MaxEndpoints <= 0 {
		c.MaxEndpoints = 20_000
	}
	if c.MaxPairs <= 0 {
		c.MaxPairs = 1_000_000
	}
	return c
}

// Learner counts request peaks per client and endpoint. It is not safe for
// concurrent use.
type Learner struct {
	cfg       Config
	endpoints map[endpointKey]*endpoint
	pairs     int
	dropped   int64
	events    int64
	from, to  int64
}

type endpointKey struct {
	method, template string
}

type endpoint struct {
	clients map[string]*window
}

// window counts one client's requests to one endpoint in a ring of
// one-second slots, with running sums over the last 10 and 60 seconds and
// the highest each sum reached.
type window struct {
	slots          [60]uint16 // a client's requests in one second, to 65,535
	last           int64 // second of the newest event
	sum10, sum60   uint32
	peak10, peak60 uint32
	keyed          bool
}

// NewLearner returns an empty Learner.
func NewLearner(cfg Config) *Learner {
	return &Learner{cfg: cfg.withDefaults(), endpoints: map[endpointKey]*endpoint{}}
}

// Observe counts one request at event time ts (Unix nanoseconds) by client
// to template (the path's template, see features.Template) with method.
// keyed says the request carried an API key or a user.
func (l *Learner) Observe(ts int64, client, method, template []byte, keyed bool) {
	l.events++
	if l.events == 1 || ts < l.from {
		l.from = ts
	}
	l.to = max(l.to, ts)
	ep := l.endpoints[endpointKey{string(method), string(template)}]
	if ep == nil {
		if len(l.endpoints) >= l.cfg.MaxEndpoints {
			l.dropped++
			return
		}
		ep = &endpoint{clients: map[string]*window{}}
		l.endpoints[endpointKey{string(method), string(template)}] = ep
	}
	w := ep.clients[string(client)]
	if w == nil {
		if l.pairs >= l.cfg.MaxPairs {
			l.dropped++
			return
		}
		l.pairs++
		w = &window{last: ts / int64(time.Second)}
		ep.clients[string(client)] = w
	}
	w.keyed = w.keyed || keyed
	w.add(ts / int64(time.Second))
}

// add counts one request in second s. Events up to a minute late are
// counted in their own second; older ones in the oldest second kept.
func (w *window) add(s int64) {
	switch {
	case s > w.last:
		if s-w.last >= 60 {
			w.slots = [60]uint16{}
			w.sum10, w.sum60 = 0, 0
		} else {
			for t := w.last + 1; t <= s; t++ {
				w.sum10 -= uint32(w.slots[slot(t-10)])
				w.sum60 -= uint32(w.slots[slot(t)])
				w.slots[slot(t)] = 0
			}
		}
		w.last = s
	case s <= w.last-60:
		s = w.last - 59
	}
	if w.slots[slot(s)] == math.MaxUint16 {
		return
	}
	w.slots[slot(s)]++
	w.sum60++
	if s > w.last-10 {
		w.sum10++
	}
	w.peak10 = max(w.peak10, w.sum10)
	w.peak60 = max(w.peak60, w.sum60)
}

// Dropped is how many requests were not counted because a cap was reached.
func (l *Learner) Dropped() int64 { return l.dropped }

// Table returns what was learned: per endpoint and class, the distribution
// of the clients' peaks, busiest endpoints first.
func (l *Learner) Table() *Table {
	t := &Table{Events: l.events, Dropped: l.dropped}
	if l.events > 0 {
		t.From, t.To = time.Unix(0, l.from).UTC(), time.Unix(0, l.to).UTC()
	}
	for k, ep := range l.endpoints {
		if len(ep.clients) < MinClients {
			t.Sparse++
			continue
		}
		e := Endpoint{Method: k.method, Path: k.template}
		var short, long [2][]float64
		for _, w := range ep.clients {
			c := 0
			if w.keyed {
				c = 1
			}
			short[c] = append(short[c], float64(w.peak10))
			long[c] = append(long[c], float64(w.peak60))
		}
		if len(short[0]) > 0 {
			e.Anonymous = &Peaks{Clients: len(short[0]), Short: quantiles(short[0]), Long: quantiles(long[0])}
		}
		if len(short[1]) > 0 {
			e.Keyed = &Peaks{Clients: len(short[1]), Short: quantiles(short[1]), Long: quantiles(long[1])}
		}
		t.Endpoints = append(t.Endpoints, e)
	}
	sort.Slice(t.Endpoints, func(i, j int) bool {
		a, b := t.Endpoints[i], t.Endpoints[j]
		if a.clients() != b.clients() {
			return a.clients() > b.clients()
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Method < b.Method
	})
	return t
}

// quantiles returns p50, p90, p99 and the max of xs (sorted in place),
// each the value at or below which that share of clients stays.
func quantiles(xs []float64) Quantiles {
	sort.Float64s(xs)
	at := func(q float64) float64 {
		i := int(q*float64(len(xs))+0.999999) - 1
		return xs[min(max(i, 0), len(xs)-1)]
	}
	return Quantiles{P50: at(0.50), P90: at(0.90), P99: at(0.99), Max: xs[len(xs)-1]}
}

// slot is the ring index of second s (negative seconds included).
func slot(s int64) int { return int((s%60 + 60) % 60) }
