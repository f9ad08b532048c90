package main

import (
	"math/rand/v2"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// The screens of the web app and the phone apps.
const (
	scMarkets = iota
	scTrade
	scPortfolio
	scHistory
	scDeposit
	scWithdraw
	scVerify
	scHelp
	scPrice
	scSettings
	nScreens
)

// A persona is what brings a customer to the exchange today.
type persona struct {
	name    string
	weight  float64
	anon    bool      // never signs in
	fresh   float64   // chance of a fresh sign-in rather than a kept session
	screens []float64 // how often each screen is opened
	orders  float64   // chance, each time a trade screen updates, of an order
	length  float64   // median visit in seconds
	rush    bool      // comes for the rush
}

var personas = []persona{
	{"watcher", 34, false, 0.12, []float64{3, 4, 2, 0.5, 0, 0, 0, 0.2, 0.5, 0.3}, 0.004, 200, false},
	{"trader", 24, false, 0.2, []float64{1.5, 6, 1.5, 1.5, 0.3, 0.2, 0, 0.1, 0, 0.2}, 0.05, 300, false},
	{"holder", 15, false, 0.15, []float64{1, 1.5, 4, 2, 0.6, 0.3, 0, 0.2, 0.3, 0.4}, 0.01, 150, false},
	{"mover", 8, false, 0.3, []float64{0.5, 0.5, 1.5, 1, 3, 3, 0, 0.5, 0, 0.2}, 0.005, 240, false},
	{"onboarding", 7, false, 0.7, []float64{1, 0.5, 0.5, 0, 1, 0.3, 4, 1.5, 0.5, 0.5}, 0.003, 300, false},
	{"help", 5, false, 0.3, []float64{0.3, 0.3, 0.5, 0.8, 0.5, 0.5, 0.3, 5, 0, 0.8}, 0, 180, false},
	{"visitor", 7, true, 0, []float64{2, 1.5, 0, 0, 0, 0, 0, 1, 4, 0}, 0, 90, false},
}

// The crowds of the rush: a listing brings people who want the new coin,
// a crash people who sell or move their coins away.
var (
	listingCrowd = persona{"listing", 0, false, 0.25, []float64{0.5, 8, 0.5, 0.2, 0.3, 0, 0, 0, 0.3, 0}, 0.12, 160, true}
	crashCrowd   = persona{"crash", 0, false, 0.2, []float64{1, 5, 3, 0.5, 0, 1, 0, 0.2, 0, 0}, 0.1, 160, true}
)

// A person is one customer on one device.
type person struct {
	p        *persona
	device   int
	user     string
	verified bool
	stream   bool // keeps a price stream open instead of polling
	ua       string
	loaded   bool // the web app's files are in the browser's cache
	streamed bool // the stream is open
}

func (p *person) web() bool { return p.device <= mobileWeb }

// newPerson draws a customer of the exchange.
func (d *day) newPerson(r *rand.Rand) *person {
	s := d.s
	ps := make([]float64, len(personas))
	for i, p := range personas {
		ps[i] = p.weight
	}
	pe := &person{p: &personas[Weighted(r, ps)]}
	pe.device = Weighted(r, []float64{s.browserShare, s.mwShare, s.appShare * (1 - s.android), s.appShare * s.android})
	pe.user = "u" + strconv.Itoa(1_000_000+r.IntN(8_000_000))
	pe.verified = pe.p.name != "onboarding" && Chance(r, 0.93)
	pe.stream = Chance(r, map[bool]float64{true: 0.35, false: 0.85}[pe.web()])
	pe.ua = s.deviceUA(r, pe.device)
	pe.loaded = Chance(r, 0.7)
	return pe
}

// customers brings the day's ordinary customers, each for a visit or two.
func (d *day) customers(r *rand.Rand, n int) {
	win := float64(d.log.Window()) / 1e9
	for range n {
		pr := Sub(r)
		pe := d.newPerson(pr)
		length := min(LogNormal(pr, pe.p.length, 0.7), 1800)
		t0 := Sec(Uniform(pr, -length, win)) // some are there already
		from := d.nets.place(pr, pe.device, t0, deviceNames[pe.device]+"-"+pe.p.name)
		k := d.visit(pr, pe, from, t0, length)
		if Chance(pr, 0.15) {
			d.visit(pr, pe, from, k.t+Sec(LogNormal(pr, 180, 0.8)), length/2)
		}
	}
}

// visit plays one visit of a person and returns its tab.
func (d *day) visit(r *rand.Rand, pe *person, from func(int64) *Client, t0 int64, length float64) *tab {
	k := &tab{d: d, r: r, from: from, ua: pe.ua, t: t0}
	end := t0 + Sec(length)
	pe.streamed = false
	k.arrive(pe)
	if !pe.p.anon {
		if Chance(r, pe.p.fresh) {
			k.signIn(pe)
		} else {
			k.resume(pe)
		}
	}
	for k.t < end && !k.done() {
		screens[Weighted(r, pe.p.screens)](k, pe)
		k.think(4)
	}
	return k
}
