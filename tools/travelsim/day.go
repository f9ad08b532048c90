package main

import (
	"math/rand/v2"
	"time"

	"github.com/portcullis/portcullis/tools/internal/simcmd"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// originPerTraveller is about how many requests an ordinary traveller
// sends to the booking engine in a visit; with the number of travellers
// and the window it sizes the origin the site runs.
const originPerTraveller = 5.0

// baseNets are where ordinary travellers come from, in network order.
var baseNets = []float64{36, 12, 17, 14, 12, 6, 3}

// generate builds one day of the airline the flags describe.
func generate(cfg simcmd.Config) *Log {
	sky := newCarrier(cfg.Site)
	day := rand.New(rand.NewPCG(cfg.Seed, cfg.Site^0x7a11e7))
	l := New(cfg.Start, time.Duration(cfg.Minutes)*time.Minute)
	w := &world{log: l, sky: sky, end: l.Window(),
		venueOf: map[*Client]int{}, sharers: map[*Client]int{}, hooks: map[string]*courier{}}
	secs := float64(w.end) / 1e9
	ordinary := originPerTraveller * float64(cfg.Clients) / (secs + 360)
	w.edge = newEdge(Sub(day), sky, w.end, sky.capacity*ordinary+5)
	for i, v := range sky.nats {
		c := l.Client(v.ip, KindNormal)
		c.Profile = v.kind
		w.venues = append(w.venues, c)
		w.venueOf[c] = i
	}
	w.enlist(Sub(day))
	for range max(8, cfg.Clients/12) {
		c := l.Client(l.V4(day, sky.home.mobile4), KindNormal)
		c.Profile = "carrier-nat"
		w.mobile = append(w.mobile, c)
	}
	w.debuts(Sub(day))
	w.travellers(Sub(day), cfg.Clients)
	w.rush = w.bringRush(Sub(day), cfg.Clients)
	w.intruders(Sub(day))
	w.botnets(Sub(day))
	w.run()
	for c, n := range w.sharers {
		if n >= 10 {
			c.Heavy = true // dozens of people behind one address
		}
	}
	return l
}

// travellers schedules the day's ordinary people, arriving through the
// window; some are already on the site when it starts.
func (w *world) travellers(r *rand.Rand, n int) {
	for range n {
		start := Sec(Uniform(r, -360, float64(w.end)/1e9))
		tv := w.newTraveller(Sub(r), goal(Weighted(r, goalWeights)), start, baseNets)
		w.at(start, tv)
	}
}
