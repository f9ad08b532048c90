package main

import (
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// spell is a while in which one backend is overloaded and answers a share
// of its requests with 503.
type spell struct {
	from, to int64
	backend  string
	share    float64
}

// gateway applies, in time order, what the gateway does to requests
// whatever their client: its per-address rate limit (429, trusted
// partners get a larger bucket) and the backends' overloaded spells.
func (w *world) gateway(r *rand.Rand) {
	w.log.Sort()
	spells := w.spells(r)
	plain := NewBuckets(w.s.limit, w.s.burst)
	wide := NewBuckets(w.s.limit*w.s.trusted, w.s.burst*w.s.trusted)
	trusted := w.trustedIPs()
	ev := w.log.Events()
	for i := range ev {
		e := &ev[i]
		b := plain
		if trusted[e.C.IP] {
			b = wide
		}
		if !b.Take(e.C.IP, e.T) {
			e.Status, e.RespBytes, e.DurationMS = 429, 150, Uniform(r, 0.2, 1)
			continue
		}
		for _, s := range spells {
			if e.T >= s.from && e.T < s.to && backend(e.Path, e.Method) == s.backend && Chance(r, s.share) {
				e.Status, e.RespBytes, e.DurationMS = 503, 180, Uniform(r, 5e3, 30e3)
			}
		}
	}
}

// spells draws the day's overloaded spells, pro rata to the window.
func (w *world) spells(r *rand.Rand) []spell {
	var out []spell
	Poisson(r, w.s.overload/900, 0, w.win, func(t int64) {
		out = append(out, spell{
			from: t, to: t + Sec(Uniform(r, 15, 90)),
			backend: Pick(r, []string{"search", "meta", "meta", "files", "publish", "web"}),
			share:   Uniform(r, 0.1, 0.5),
		})
	})
	return out
}

// trustedIPs are the addresses with a contract: mirrors, CI providers,
// partners that send a key.
func (w *world) trustedIPs() map[string]bool {
	m := map[string]bool{}
	for _, x := range w.fx.mirrors {
		m[x.c.IP] = true
	}
	for _, x := range w.fx.ciNATs {
		m[x.c.IP] = true
	}
	for _, x := range w.fx.partners {
		m[x.c.IP] = x.key != ""
	}
	return m
}

// backend names the service behind a route, as the gateway routes it.
func backend(path, method string) string {
	switch {
	case method == "PUT" || strings.HasPrefix(path, "/-/v1/login"):
		return "publish"
	case strings.Contains(path, "search"):
		return "search"
	case strings.Contains(path, "/-/") && strings.HasSuffix(path, ".tgz"), strings.HasPrefix(path, "/packages/"), strings.Contains(path, "/blobs/"):
		return "files"
	case strings.HasPrefix(path, "/package/"), path == "/", strings.HasPrefix(path, "/~"), strings.HasPrefix(path, "/static/"):
		return "web"
	}
	return "meta"
}
