package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// A rush is the day's crowd: a fare sale announced by e-mail and push,
// or a storm at a hub that cancels its departures.
type rush struct {
	storm      bool
	hub        string
	slug       string
	start, end int64
	flights    []flight // the sale's routes, or the cancelled flights
}

// on reports whether the rush is under way at t.
func (u *rush) on(t int64) bool { return t >= u.start && t < u.end }

// Where the crowd comes from: a sale's like any day's, a storm's more
// from phones and from the stranded passengers at the airports.
var (
	saleNets  = []float64{34, 10, 19, 16, 10, 8, 3}
	stormNets = []float64{14, 6, 28, 24, 24, 3, 1}
)

// bringRush draws the day's rush and schedules its crowd: three to five
// times the ordinary arrivals for several minutes.
func (w *world) bringRush(r *rand.Rand, clients int) *rush {
	sky, secs := w.sky, float64(w.end)/1e9
	u := &rush{storm: Chance(r, 0.5), hub: Pick(r, sky.hubs)}
	w.rush = u
	length := math.Min(Uniform(r, 240, 420), 0.45*secs)
	u.start = Sec(Uniform(r, 0.12, 0.5) * secs)
	u.end = u.start + Sec(length)
	for _, f := range sky.flights {
		if (u.storm && f.from == u.hub) || (!u.storm && Chance(r, 0.12)) {
			u.flights = append(u.flights, f)
		}
	}
	if len(u.flights) == 0 {
		u.flights = sky.flights[:1]
	}
	if u.storm && len(u.flights) > 14 {
		r.Shuffle(len(u.flights), func(i, j int) { u.flights[i], u.flights[j] = u.flights[j], u.flights[i] })
		u.flights = u.flights[:8+r.IntN(7)]
	}
	u.slug = Pick(r, sky.deals)
	base := float64(clients) / (secs + 360)
	lo, hi := 3.5, 5.5
	if u.storm {
		lo, hi = 5, 7.5 // the stranded send fewer requests than shoppers
	}
	n := int(base * Uniform(r, lo, hi) * length)
	for range n {
		at := u.arrival(r)
		if u.storm {
			w.stranded(Sub(r), at)
		} else {
			w.bargainHunter(Sub(r), at)
		}
	}
	if u.storm { // the airline tells every affected passenger at once
		w.bulk(u.start, "messaging", "/webhooks/messaging/delivery", n, length)
	}
	return u
}

// arrival draws when one of the crowd arrives: a sale's e-mail brings
// most in its first minutes; a storm's cancellations go out in waves.
func (u *rush) arrival(r *rand.Rand) int64 {
	length := float64(u.end-u.start) / 1e9
	if u.storm {
		wave := float64(r.IntN(3)) * length / 3
		return u.start + Sec(wave+r.ExpFloat64()*length/8)
	}
	return u.start + Sec(math.Min(r.ExpFloat64()*length/2.5, length*1.3))
}

// bargainHunter is one of a sale's crowd: in from the e-mail's link,
// looking at the sale's routes.
func (w *world) bargainHunter(r *rand.Rand, at int64) {
	g := goal(Weighted(r, []float64{10, 50, 24, 8, 0, 0, 3, 5, 0}))
	tv := w.newTraveller(r, g, at, saleNets)
	tv.trip.out = Pick(r, w.rush.flights)
	lang := strings.ToLower(w.sky.home.lang)
	tv.entry = fmt.Sprintf("/%s/deals/%s?utm_source=newsletter&utm_medium=email&utm_campaign=%s", lang, w.rush.slug, w.rush.slug)
	if g == goalBrowse || g == goalMember {
		tv.entry = ""
	}
	w.at(at, tv)
}

// stranded is a passenger of a cancelled flight, or someone waiting for
// one: rebook or refund, then follow the new flight; or poll the status.
func (w *world) stranded(r *rand.Rand, at int64) {
	g := goal(Weighted(r, []float64{0, 0, 0, 0, 10, 0, 30, 0, 60}))
	tv := w.newTraveller(r, g, at, stormNets)
	tv.trip.out = Pick(r, w.rush.flights)
	tv.trip.depart = 0
	if g == goalStatus {
		tv.count = 4 + int(LogNormal(r, 8, 0.5))
	}
	w.at(at, tv)
}
