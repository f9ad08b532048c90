package main

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/portcullis/portcullis/tools/internal/simcmd"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// world is one day at the bank's gateway: the site, the recording, and
// what the day's actors share (carrier NAT addresses, offices, homes, the
// crowd, the incidents, the document checks the vendor reports on).
type world struct {
	l   *Log
	s   *site
	win int64

	nat     []*shared // carrier NAT addresses of the day's phones
	offices []*shared // employers' NAT addresses, the same every day
	vpns    []*shared // VPN exits a few careful customers use
	homes   []*shared // home lines of the day, where the family banks too

	rush      *rush
	incidents []incident
	checks    []int64 // times of document uploads the identity vendor reports on
}

// shared is an address many people may reach the gateway from.
type shared struct {
	c      *Client
	people int
}

// generate builds the day c describes.
func generate(c simcmd.Config) *Log {
	s := newSite(c.Site)
	w := &world{l: New(c.Start, time.Duration(c.Minutes)*time.Minute), s: s}
	w.win = w.l.Window()
	w.registerFixed()
	r := rand.New(rand.NewPCG(c.Seed, c.Site*0x9e3779b97f4a7c15+29))
	// Every actor draws from its own generator, taken in a fixed order, so
	// that one actor's changes do not move the others.
	plan, people, crowd, partners, newcomers, attacks, campaigns, callbacks, gateway :=
		Sub(r), Sub(r), Sub(r), Sub(r), Sub(r), Sub(r), Sub(r), Sub(r), Sub(r)
	w.plan(plan, c.Clients)
	w.customers(people, c.Clients)
	w.crowd(crowd)
	w.partnerTraffic(partners)
	w.newcomers(newcomers)
	w.attacks(attacks)
	w.campaigns(campaigns)
	w.callbacks(callbacks)
	w.gateway(gateway)
	for _, a := range append(append(append(w.nat, w.offices...), w.vpns...), w.homes...) {
		// An address that carries many people is much busier than one.
		a.c.Heavy = a.people >= 8
	}
	return w.l
}

// registerFixed gives the site's third parties, jobs and offices their
// addresses first, so that they hold the same ones every day.
func (w *world) registerFixed() {
	for _, p := range w.s.partners {
		c := w.l.Client(p.ip, KindNormal)
		c.Profile, c.Heavy = p.profile, true
	}
	for _, ip := range w.s.offices {
		c := w.l.Client(ip, KindNormal)
		c.Profile = "office-nat"
		w.offices = append(w.offices, &shared{c: c})
	}
}

// plan draws what shapes the day before anyone arrives: the crowd, the
// carrier NAT addresses and VPN exits, and the incidents.
func (w *world) plan(r *rand.Rand, clients int) {
	s := w.s
	w.rush = w.newRush(r, clients)
	for range max(5, clients/30) {
		c := w.l.Client(w.l.V4(r, s.region.carrier), KindNormal)
		c.Profile = "carrier-nat"
		w.nat = append(w.nat, &shared{c: c})
	}
	for range 2 + r.IntN(4) {
		c := w.l.Client(w.l.V4(r, vpnNets), KindNormal)
		c.Profile = "vpn-exit"
		w.vpns = append(w.vpns, &shared{c: c})
	}
	w.incidents = w.newIncidents(r)
}

// at returns the time a share x into the window.
func (w *world) at(x float64) int64 { return int64(x * float64(w.win)) }

// latency draws the time to answer a request whose usual median is ms:
// slower while the crowd is in.
func (w *world) latency(r *rand.Rand, t int64, ms float64) float64 {
	return LogNormal(r, ms*(1+2.2*w.rush.load(t)), 0.45)
}

// kb draws a response body around median kilobytes.
func kb(r *rand.Rand, median float64) int64 {
	return int64(LogNormal(r, median*1024, 0.3)) + 70
}

// fixed registers a client of profile at ip as a device's only address.
func (w *world) fixed(ip, profile string) func(int64) *Client {
	c := w.l.Client(ip, KindNormal)
	c.Profile = profile
	return func(int64) *Client { return c }
}

// join puts one more person behind a shared address.
func join(a *shared) func(int64) *Client {
	a.people++
	c := a.c
	return func(int64) *Client { return c }
}

// heavyTail picks one of as, the first far more often: carriers spread
// their subscribers unevenly over their NAT addresses.
func heavyTail(r *rand.Rand, as []*shared) *shared {
	return as[int(float64(len(as))*math.Pow(r.Float64(), 1.7))]
}

// home returns a new broadband line (IPv4 or IPv6), which later members
// of the family may use as well.
func (w *world) home(r *rand.Rand, profile string) func(int64) *Client {
	s := w.s
	ip := w.l.V4(r, s.region.home)
	if Chance(r, s.v6Share) {
		ip = w.l.V6In(r, V6Net(r, s.region.homeV6))
	}
	c := w.l.Client(ip, KindNormal)
	c.Profile = profile
	w.homes = append(w.homes, &shared{c: c, people: 1})
	return func(int64) *Client { return c }
}

// where returns the address a person's device uses over time. A phone is
// on the home Wi-Fi (perhaps the family's), at the office, behind its
// carrier's NAT, or on an IPv6 privacy address that moves inside its /64;
// a computer is at home or at work; a few are abroad or on a VPN.
func (w *world) where(r *rand.Rand, phone bool, profile string, start int64) func(int64) *Client {
	s := w.s
	office := 0.12 // lunchtime at work
	if phone {
		office = 0.03
	}
	switch x := r.Float64(); {
	case x < 0.015:
		return w.fixed(w.l.V4(r, s.region.foreign), profile)
	case x < 0.025:
		return join(Pick(r, w.vpns))
	case len(w.offices) > 0 && x < 0.025+office:
		return join(heavyTail(r, w.offices))
	case !phone || x < 0.45:
		if len(w.homes) > 0 && Chance(r, 0.08) {
			return join(Pick(r, w.homes))
		}
		return w.home(r, profile)
	case Chance(r, s.natShare):
		return join(heavyTail(r, w.nat))
	}
	net := V6Net(r, s.region.mobileV6)
	c := w.l.Client(w.l.V6In(r, net), KindNormal)
	c.Profile = profile
	return w.l.RotateV6(r, c, net, start, 120, 700)
}
