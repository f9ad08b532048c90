package main

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/portcullis/portcullis/tools/internal/simcmd"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// world is one day of the SaaS: the site, the recording, and what the
// day's actors share (the offices, VPN exits and carrier NAT addresses
// people reach it from, the rush, the incidents, the id counters).
type world struct {
	l    *Log
	s    *site
	win  int64
	seed uint64

	offices []*shared // customers' offices, the same addresses every day
	vpns    []*shared // corporate VPN exits, the same every day
	carrier []*shared // mobile carriers' NAT addresses of the day
	homes   []*Client // home lines, where a phone on Wi-Fi may join a laptop

	rush      *rush
	incidents []incident
	tasks     int // id of the next task created
	files     int // id of the next file uploaded
	exports   int
}

// shared is an address many people reach the SaaS from.
type shared struct {
	c      *Client
	people int
}

// generate builds the day c describes.
func generate(c simcmd.Config) *Log {
	s := newSite(c.Site)
	w := &world{l: New(c.Start, time.Duration(c.Minutes)*time.Minute), s: s, seed: c.Seed}
	w.win = w.l.Window()
	w.registerFixed()
	r := rand.New(rand.NewPCG(c.Seed, c.Site*0x9e3779b97f4a7c15+31))
	// Every actor draws from its own generator, taken in a fixed order, so
	// that one actor's changes do not move the others.
	plan, people, crowd, partners, newcomers, attacks, campaigns, gateway :=
		Sub(r), Sub(r), Sub(r), Sub(r), Sub(r), Sub(r), Sub(r), Sub(r)
	w.plan(plan, c.Clients)
	w.people(people, c.Clients)
	w.crowd(crowd)
	w.integrations(partners)
	w.newcomers(newcomers)
	w.attacks(attacks)
	w.campaigns(campaigns)
	w.gateway(gateway)
	for _, a := range append(append(w.offices, w.vpns...), w.carrier...) {
		// An address that carries many people is much busier than one.
		a.c.Heavy = a.people >= 8
	}
	return w.l
}

// registerFixed gives the site's integrations, offices and VPN exits
// their addresses first, so that they hold the same ones every day.
func (w *world) registerFixed() {
	for _, p := range w.s.partners {
		c := w.l.Client(p.ip, KindNormal)
		c.Profile = p.profile
		c.Heavy = p.profile != "customer-script" && p.profile != "billing-hooks"
	}
	for _, ip := range w.s.offices {
		c := w.l.Client(ip, KindNormal)
		c.Profile = "office-nat"
		w.offices = append(w.offices, &shared{c: c})
	}
	for _, ip := range w.s.vpns {
		c := w.l.Client(ip, KindNormal)
		c.Profile = "vpn-egress"
		w.vpns = append(w.vpns, &shared{c: c})
	}
}

// plan draws what shapes the day before anyone arrives: the rush, the
// carrier NAT addresses, the counters and the incidents.
func (w *world) plan(r *rand.Rand, clients int) {
	s := w.s
	w.tasks = s.taskBase + 400000 + int(w.seed%113)*9000 + r.IntN(3000)
	w.files = s.fileBase + int(w.seed%113)*20000 + r.IntN(5000)
	w.exports = 700000 + int(w.seed%113)*800 + r.IntN(500)
	for range max(4, clients/50) {
		c := w.l.Client(w.l.V4(r, s.region.carrier), KindNormal)
		c.Profile = "carrier-nat"
		w.carrier = append(w.carrier, &shared{c: c})
	}
	w.rush = w.newRush(r, clients)
	w.incidents = w.newIncidents(r)
}

// at returns the time a share x into the window.
func (w *world) at(x float64) int64 { return int64(x * float64(w.win)) }

// latency draws the time to answer a request whose usual median is ms:
// answers slow down while the rush is on.
func (w *world) latency(r *rand.Rand, t int64, ms float64) float64 {
	return LogNormal(r, ms*(1+2.5*w.load(t)), 0.5)
}

// kb draws a response body around median kilobytes.
func kb(r *rand.Rand, median float64) int64 {
	return int64(LogNormal(r, median*1024, 0.35)) + 120
}

// join puts one more person behind a shared address.
func join(a *shared) func(int64) *Client {
	a.people++
	c := a.c
	return func(int64) *Client { return c }
}

// heavyTail picks one of as, the first ones far more often.
func heavyTail(r *rand.Rand, as []*shared) *shared {
	return as[int(float64(len(as))*math.Pow(r.Float64(), 1.7))]
}

// fixed registers a client of profile at ip as a device's only address.
func (w *world) fixed(ip, profile string) func(int64) *Client {
	c := w.l.Client(ip, KindNormal)
	c.Profile = profile
	return func(int64) *Client { return c }
}

// laptop returns where a person's computer reaches the SaaS from: the
// office of its company (one NAT address for the whole floor), the
// company's VPN exit, a home line (IPv4 or IPv6), a colleague abroad.
func (w *world) laptop(r *rand.Rand, t *tenant, profile string) func(int64) *Client {
	s := w.s
	switch {
	case len(t.offices) > 0 && Chance(r, t.inOffice):
		return join(w.offices[Pick(r, t.offices)])
	case t.vpn && Chance(r, 0.7):
		return join(heavyTail(r, w.vpns))
	case Chance(r, 0.04):
		return w.fixed(w.l.V4(r, s.region.abroad), profile)
	}
	var at func(int64) *Client
	if Chance(r, s.v6Share) {
		at = w.fixed(w.l.V6In(r, V6Net(r, s.region.homeV6)), profile)
	} else {
		at = w.fixed(w.l.V4(r, s.region.home), profile)
	}
	w.homes = append(w.homes, at(0))
	return at
}

// phone returns where a phone reaches the SaaS from over time: the
// office or home Wi-Fi, a carrier NAT address shared with other phones,
// or an IPv6 privacy address that moves inside its /64 every few minutes.
func (w *world) phone(r *rand.Rand, t *tenant, profile string, start int64) func(int64) *Client {
	s := w.s
	switch x := r.Float64(); {
	case x < 0.2 && len(t.offices) > 0:
		return join(w.offices[Pick(r, t.offices)])
	case x < 0.3 && len(w.homes) > 0:
		c := Pick(r, w.homes)
		return func(int64) *Client { return c }
	case Chance(r, s.natShare):
		return join(heavyTail(r, w.carrier))
	}
	net := V6Net(r, s.region.mobileV6)
	c := w.l.Client(w.l.V6In(r, net), KindNormal)
	c.Profile = profile
	return w.l.RotateV6(r, c, net, start, 90, 600)
}
