package main

import (
	"math"
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// class is what the gateway and the origin make of a route.
type class uint8

const (
	clsPage     class = iota // html and light reads served from cache
	clsStatic                // the web bundle, fonts, icons
	clsBeacon                // performance beacons and app event batches
	clsSearch                // availability searches and fare calendars
	clsBook                  // carts, passengers, rebooking
	clsPay                   // card payments
	clsLookup                // a booking by its code, check-in
	clsLogin                 // password and second-factor steps
	clsAccount               // a signed-in member's reads and writes
	clsUpload                // passport and visa scans
	clsPartner               // the partner APIs, on a cluster of their own
	clsHook                  // callbacks from providers
	clsInternal              // the airline's own jobs
)

// origin reports whether the class reaches the booking engine, the part
// of the site that slows down and sheds under load.
func (k class) origin() bool {
	return k == clsSearch || k == clsBook || k == clsPay || k == clsLookup || k == clsLogin || k == clsAccount
}

// edge is the gateway in front of the site: token buckets per address for
// costly requests and for everything, per API key for partners, a body
// limit, and the origin's capacity, which it sheds beyond.
type edge struct {
	r        *rand.Rand
	perIP    map[class]*Buckets
	all      *Buckets
	keys     map[string]*Buckets
	maxBody  int64
	capacity float64 // origin requests a second it serves without shedding
	load     []int32 // origin requests per second of the window, shed or not
}

func newEdge(r *rand.Rand, sky *carrier, window int64, capacity float64) *edge {
	l := sky.limits
	return &edge{
		r: r,
		perIP: map[class]*Buckets{
			clsSearch: NewBuckets(l.search, l.searchBurst),
			clsLogin:  NewBuckets(l.login, l.loginBurst),
			clsLookup: NewBuckets(l.lookup, l.lookupBurst),
			clsPay:    NewBuckets(l.pay, l.payBurst),
		},
		all:      NewBuckets(l.all, l.allBurst),
		keys:     map[string]*Buckets{},
		maxBody:  sky.maxBody,
		capacity: capacity,
		load:     make([]int32, window/1e9+2),
	}
}

// contract gives an API key its own bucket.
func (e *edge) contract(key string, rate, burst float64) {
	e.keys[key] = NewBuckets(rate, burst)
}

// pass applies the gateway and the origin's load to h, sent from ip with
// key at t: a refusal replaces the answer, load stretches the time.
func (e *edge) pass(ip, key string, h *hit, t int64) {
	switch {
	case h.req > e.maxBody:
		e.refuse(h, 413)
		h.ms = float64(e.maxBody) / 4e4 // the gateway reads up to its limit
		return
	case key != "" && e.keys[key] != nil:
		if !e.keys[key].Take(key, t) {
			e.refuse(h, 429)
			return
		}
	case !e.all.Take(ip, t):
		e.refuse(h, 429)
		return
	}
	if b := e.perIP[h.class]; b != nil && key == "" && !b.Take(ip, t) {
		e.refuse(h, 429)
		return
	}
	if !h.class.origin() {
		return
	}
	pressure := e.pressure(t)
	e.count(t)
	if pressure > 1 && Chance(e.r, math.Min(0.75, 1-1/pressure)) {
		e.refuse(h, 503)
		h.ms = Uniform(e.r, 200, 3000) // the origin gave up on it
		return
	}
	h.ms *= 1 + 0.6*pressure*pressure
	if h.class == clsSearch && h.ms > 5000 && Chance(e.r, 0.3) {
		h.status, h.resp, h.ms = 499, 0, Uniform(e.r, 3000, h.ms) // the traveller left
	}
}

// refuse makes h the gateway's short refusal.
func (e *edge) refuse(h *hit, status int) {
	h.status, h.resp, h.ms = status, int64(120+e.r.IntN(200)), Uniform(e.r, 0.3, 4)
}

// pressure is the origin's load of the second before t over its capacity.
func (e *edge) pressure(t int64) float64 {
	s := t/1e9 - 1
	if s < 0 || s >= int64(len(e.load)) {
		return 0
	}
	return float64(e.load[s]) / e.capacity
}

func (e *edge) count(t int64) {
	if s := t / 1e9; s >= 0 && s < int64(len(e.load)) {
		e.load[s]++
	}
}
