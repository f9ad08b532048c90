package main

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/portcullis/portcullis/tools/internal/simcmd"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// world is one day at the box office: the site, the recording, and what
// the day's actors share (the carrier NAT addresses, the on-sale, the
// order and ticket counters, the payments the provider confirms).
type world struct {
	l    *Log
	s    *site
	win  int64
	seed uint64

	nat     []*shared // carrier NAT addresses of the day
	offices []*shared
	sale    *onsale

	orders, tickets int
	payments        []int64 // times of authorized payments, for webhooks
	incidents       []incident
}

// shared is an address many people reach the gateway from.
type shared struct {
	c      *Client
	people int
}

// generate builds the day c describes.
func generate(c simcmd.Config) *Log {
	s := newSite(c.Site)
	w := &world{
		l:    New(c.Start, time.Duration(c.Minutes)*time.Minute),
		s:    s,
		seed: c.Seed,
	}
	w.win = w.l.Window()
	w.registerPartners()
	r := rand.New(rand.NewPCG(c.Seed, c.Site*0x9e3779b97f4a7c15+1))
	// Every actor draws from its own generator, taken in a fixed order, so
	// that one actor's changes do not move the others.
	plan, people, crowd, staff, partners, newcomers, attacks, campaigns, webhooks, gateway :=
		Sub(r), Sub(r), Sub(r), Sub(r), Sub(r), Sub(r), Sub(r), Sub(r), Sub(r), Sub(r)
	w.plan(plan, c.Clients)
	w.customers(people, c.Clients-s.staff)
	w.crowd(crowd)
	w.boxOffice(staff)
	w.partnerTraffic(partners)
	w.newcomers(newcomers)
	w.attacks(attacks)
	w.campaigns(campaigns)
	w.webhooks(webhooks)
	w.gateway(gateway)
	for _, a := range append(w.nat, w.offices...) {
		// An address that carries many people is much busier than one.
		a.c.Heavy = a.people >= 8
	}
	return w.l
}

// plan draws what shapes the day before anyone arrives: the on-sale, the
// carrier NAT addresses, the counters and the incidents.
func (w *world) plan(r *rand.Rand, clients int) {
	s := w.s
	w.orders = s.orderBase + int(w.seed%97)*30000 + r.IntN(5000)
	w.tickets = s.ticketBase + int(w.seed%97)*70000 + r.IntN(9000)
	w.sale = w.newOnsale(r, clients)
	for range max(6, clients/12) {
		c := w.l.Client(w.l.V4(r, s.region.carrier), KindNormal)
		c.Profile = "carrier-nat"
		w.nat = append(w.nat, &shared{c: c})
	}
	for _, ip := range s.offices {
		c := w.l.Client(ip, KindNormal)
		c.Profile = "box-office"
		w.offices = append(w.offices, &shared{c: c})
	}
	w.incidents = w.newIncidents(r)
}

// minutes returns the length of the window in minutes.
func (w *world) minutes() float64 { return float64(w.win) / 60e9 }

// within clamps a time to leave at least tail seconds of the window.
func (w *world) within(t int64, tail float64) int64 {
	return max(0, min(t, w.win-Sec(tail)))
}

// load is how much of the on-sale crowd is in the system at t, from 0 to
// 1: it slows every answer and makes the busiest services fail a little.
func (w *world) load(t int64) float64 {
	sa := w.sale
	switch {
	case t < sa.at-Sec(60):
		return 0
	case t < sa.at:
		return 0.4 * (1 - float64(sa.at-t)/60e9)
	case t < sa.at+Sec(60):
		return 1
	}
	return math.Max(0, 1-float64(t-sa.at-Sec(60))/float64(Sec(sa.span)))
}

// latency draws the time to answer a request whose usual median is ms.
func (w *world) latency(r *rand.Rand, t int64, ms float64) float64 {
	return LogNormal(r, ms*(1+2.5*w.load(t)), 0.5)
}

// kb draws a response body around median kilobytes.
func kb(r *rand.Rand, median float64) int64 {
	return int64(LogNormal(r, median*1024, 0.3)) + 90
}

// where returns the address a person's device uses over time: a home
// broadband address (IPv4 or IPv6), a carrier NAT address it shares with
// other phones, or a mobile IPv6 privacy address that moves inside its
// /64 every few minutes.
func (w *world) where(r *rand.Rand, mobile bool, profile string, start int64) func(int64) *Client {
	s := w.s
	fixed := func(c *Client) func(int64) *Client {
		c.Profile = profile
		return func(int64) *Client { return c }
	}
	switch {
	case mobile && Chance(r, s.natShare):
		// Big carriers spread subscribers unevenly: a few addresses carry
		// most of them.
		n := w.nat[int(float64(len(w.nat))*math.Pow(r.Float64(), 1.6))]
		n.people++
		c := n.c
		return func(int64) *Client { return c }
	case mobile:
		net := V6Net(r, s.region.mobileV6)
		c := w.l.Client(w.l.V6In(r, net), KindNormal)
		c.Profile = profile
		return w.l.RotateV6(r, c, net, start, 90, 600)
	case Chance(r, 0.04):
		return fixed(w.l.Client(w.l.V4(r, s.region.foreign), KindNormal))
	case Chance(r, s.v6Share):
		return fixed(w.l.Client(w.l.V6In(r, V6Net(r, s.region.homeV6)), KindNormal))
	}
	return fixed(w.l.Client(w.l.V4(r, s.region.home), KindNormal))
}
