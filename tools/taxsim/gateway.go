package main

import (
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// gateway applies what stands between the clients and the backends, in
// time order: the gateway's rate limits answer 429 to whatever exceeds
// them, legitimate or not, and the busiest backends, past their capacity,
// slow down and answer 503.
func (g *gen) gateway(r *rand.Rand) {
	g.l.Sort()
	g.overload(r, g.limit(r))
}

// limit refuses what exceeds an address's bucket, a partner key's, or the
// tighter one of the sign-in and code endpoints, and returns the events.
func (g *gen) limit(r *rand.Rand) []Event {
	s, ev := g.s, g.l.Events()
	keyed := map[string]bool{}
	for _, p := range s.partners {
		keyed[p.key] = true
	}
	perIP := NewBuckets(s.ipRate, s.ipBurst)
	perKey := NewBuckets(s.keyRate, s.keyRate*3)
	open := NewBuckets(s.openRate, 30)
	auth := NewBuckets(0.2, 10)
	for i := range ev {
		e := &ev[i]
		var ok bool
		switch {
		case keyed[e.Key] || strings.HasPrefix(e.Path, s.efile):
			ok = perKey.Take(e.Key, e.T)
		case e.Key == s.openKey:
			ok = open.Take(e.C.IP, e.T)
		default:
			ok = perIP.Take(e.C.IP, e.T)
			if ok && e.Method == "POST" && strings.Contains(e.Path, "/auth/") {
				ok = auth.Take(e.C.IP, e.T)
			}
		}
		if !ok {
			e.Status, e.RespBytes, e.DurationMS = 429, int64(Uniform(r, 90, 220)), Uniform(r, 0.1, 1.5)
		}
	}
	return ev
}

// backend names which of the backends that run short a request reaches:
// the refund status, payments, e-file, and the web servers behind the
// cache, which pages with a query string reach; -1 for the others.
func (g *gen) backend(path string) int {
	s := g.s
	switch {
	case strings.HasPrefix(path, s.api+"/refunds") || strings.HasPrefix(path, s.app+"/refunds"):
		return 0
	case strings.HasPrefix(path, s.api+"/payment"):
		return 1
	case strings.HasPrefix(path, s.efile):
		return 2
	case strings.Contains(path, "?") && g.webPage(path):
		return 3
	}
	return -1
}

// webPage reports whether path is a page of the site rather than a call
// of one of its APIs.
func (g *gen) webPage(path string) bool {
	if strings.HasPrefix(path, "/?") {
		return true
	}
	for _, l := range g.s.langs {
		if strings.HasPrefix(path, "/"+l+"/") {
			return true
		}
	}
	return false
}

// overload slows the backends down past their capacity, a little above
// the load of the window's first fifth, and fails a growing share of what
// they get beyond it.
func (g *gen) overload(r *rand.Rand, ev []Event) {
	const slot = 2e9
	load := make([][4]float64, g.win/slot+1)
	for i := range ev {
		if k := g.backend(ev[i].Path); k >= 0 && ev[i].Status != 429 {
			load[ev[i].T/slot][k]++
		}
	}
	var capacity [4]float64
	head := max(1, len(load)/5)
	for _, l := range load[:head] {
		for k := range capacity {
			capacity[k] += l[k] / float64(head)
		}
	}
	for k := range capacity {
		capacity[k] = max(capacity[k]*g.s.headroom, 4)
	}
	for i := range ev {
		e := &ev[i]
		k := g.backend(e.Path)
		if e.Status == 429 {
			continue
		}
		if k < 0 {
			if Chance(r, 0.0005) {
				e.Status, e.RespBytes = 502, 150
			}
			continue
		}
		u := load[e.T/slot][k] / capacity[k]
		if u > 0.8 {
			e.DurationMS *= 1 + 4*(u-0.8)
		}
		if u > 1 && Chance(r, min(0.7, 0.4*(u-1))) {
			e.Status, e.RespBytes = 503, int64(Uniform(r, 120, 400))
			e.DurationMS = Pick(r, []float64{Uniform(r, 2, 30), Uniform(r, 5000, 30000)})
		}
	}
}
