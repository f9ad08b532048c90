package main

import (
	"math/rand/v2"
	"slices"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// gate is what the gateway itself does to the requests, in time order:
// per-address limits on the API, on sign-in, on manifests and on the live
// stream, a
// per-account limit on new playback sessions, and, when the match's crowd
// pushes the load past what the origin takes, 503s on live media and the
// API. Keyed clients (shields, partners, feeds) have quotas of their own
// and pass.
type gate struct {
	r                *rand.Rand
	api              string
	load             []int // requests of each second
	capacity         int   // requests a second the origin takes
	perIP, auth      *Buckets
	sessions, manifs *Buckets
	live             *Buckets // the live stream's requests of one address
}

// gateway passes the day's requests through the gate. Players retry a
// live segment or playlist that failed a moment later.
func (w *world) gateway(r *rand.Rand) {
	w.log.Sort()
	g := &gate{r: r, api: w.s.api, load: perSecond(w.log.Events(), w.span),
		perIP: NewBuckets(12, 80), auth: NewBuckets(0.2, 10), sessions: NewBuckets(0.05, 8), manifs: NewBuckets(3, 25), live: NewBuckets(5, 30)}
	// The origin was sized for an ordinary evening: about twice its
	// quieter seconds.
	g.capacity = max(50, int(float64(quantile(g.load, 0.25))*Uniform(r, 1.8, 2.4)))
	var again []Event
	for i := range w.log.Events() {
		if retry, ok := g.pass(&w.log.Events()[i]); ok {
			again = append(again, retry)
		}
	}
	for _, e := range again {
		w.log.Add(e)
	}
}

// pass applies the limits to e, and returns the player's retry when the
// gateway failed a live request of a viewer.
func (g *gate) pass(e *Event) (Event, bool) {
	p, r := e.Path, g.r
	if e.Key != "" {
		return Event{}, false
	}
	ok := true
	switch {
	case strings.HasPrefix(p, g.api+"/auth/"):
		ok = g.auth.Take(e.C.IP, e.T)
	case e.Method == "POST" && p == g.api+"/playback/sessions" && e.User != "":
		ok = g.sessions.Take(e.User, e.T) && g.perIP.Take(e.C.IP, e.T)
	case strings.HasPrefix(p, g.api+"/"):
		ok = g.perIP.Take(e.C.IP, e.T)
	case strings.Contains(p, ".m3u8") || strings.Contains(p, ".mpd"):
		ok = g.manifs.Take(e.C.IP, e.T)
	}
	if ok && strings.HasPrefix(p, "/live/") {
		// A sports bar or a hotel full of fans runs into this one.
		ok = g.live.Take(e.C.IP, e.T)
	}
	if !ok {
		e.Status, e.RespBytes, e.DurationMS = 429, 170, Uniform(r, 0.3, 2)
		return Event{}, false
	}
	n := g.load[e.T/1e9]
	live := strings.HasPrefix(p, "/live/")
	if n <= g.capacity || e.Status >= 400 || !(live || strings.HasPrefix(p, g.api+"/")) {
		return Event{}, false
	}
	if !Chance(r, min(0.08, 0.3*float64(n-g.capacity)/float64(n))) {
		return Event{}, false
	}
	retry := *e
	e.Status, e.RespBytes, e.DurationMS = 503, 190, LogUniform(r, 5, 3000)
	if !live || e.Attack {
		return Event{}, false
	}
	retry.T += Sec(Uniform(r, 0.4, 2))
	retry.DurationMS *= Uniform(r, 1, 2)
	return retry, true
}

// perSecond counts the requests of every second of the window.
func perSecond(ev []Event, span int64) []int {
	n := make([]int, span/1e9+1)
	for i := range ev {
		n[ev[i].T/1e9]++
	}
	return n
}

// quantile is the q-quantile of xs.
func quantile(xs []int, q float64) int {
	s := slices.Sorted(slices.Values(xs))
	return s[int(q*float64(len(s)-1))]
}
