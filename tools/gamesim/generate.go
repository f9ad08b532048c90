package main

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/portcullis/portcullis/tools/internal/simcmd"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// world is one day of the game's backend: the site, the recording, and
// what the day's actors share (shared addresses, the launch, the match
// counter, the payments the provider confirms, the incidents).
type world struct {
	l    *Log
	s    *site
	win  int64
	seed uint64

	phones []*shared // carrier NAT addresses of the day's phones
	lines  []*shared // carrier-grade NAT addresses of home lines
	vpns   []*shared // VPN exits some players route through
	rooms  []*shared // the site's campus networks and internet cafés
	lan    *shared   // a LAN party of the day, if any
	homes  []*Client // homes with a PC or console, where a sibling may play too

	launch    *launch
	matches   int     // id of the next match
	payments  []int64 // times of card payments the provider confirms
	incidents []incident
}

// shared is an address many people reach the backend from.
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
	r := rand.New(rand.NewPCG(c.Seed, c.Site*0x9e3779b97f4a7c15+11))
	// Every actor draws from its own generator, taken in a fixed order, so
	// that one actor's changes do not move the others.
	plan, people, crowd, partners, newcomers, attacks, campaigns, hooks, gateway :=
		Sub(r), Sub(r), Sub(r), Sub(r), Sub(r), Sub(r), Sub(r), Sub(r), Sub(r)
	w.plan(plan, c.Clients)
	w.people(people, c.Clients)
	w.crowd(crowd)
	w.partnerTraffic(partners)
	w.newcomers(newcomers)
	w.attacks(attacks)
	w.campaigns(campaigns)
	w.webhooks(hooks)
	w.gateway(gateway)
	all := append(append(append(w.phones, w.lines...), w.vpns...), w.rooms...)
	if w.lan != nil {
		all = append(all, w.lan)
	}
	for _, a := range all {
		// An address that carries many players is much busier than one.
		a.c.Heavy = a.people >= 8
	}
	return w.l
}

// registerFixed gives the site's partners, campuses and cafés their
// addresses first, so that they hold the same ones every day.
func (w *world) registerFixed() {
	for _, p := range w.s.partners {
		c := w.l.Client(p.ip, KindNormal)
		c.Profile, c.Heavy = p.profile, true
	}
	for _, rm := range w.s.rooms {
		c := w.l.Client(rm.ip, KindNormal)
		c.Profile = rm.profile
		w.rooms = append(w.rooms, &shared{c: c})
	}
}

// plan draws what shapes the day before anyone arrives: the launch, the
// shared addresses, a LAN party, the match counter and the incidents.
func (w *world) plan(r *rand.Rand, clients int) {
	s := w.s
	w.launch = w.newLaunch(r, clients)
	w.matches = 400000000 + int(w.seed%211)*900000 + r.IntN(100000)
	pool := func(n int, nets []string, profile string) []*shared {
		var out []*shared
		for range n {
			c := w.l.Client(w.l.V4(r, nets), KindNormal)
			c.Profile = profile
			out = append(out, &shared{c: c})
		}
		return out
	}
	w.phones = pool(max(4, clients/40), s.region.carrier, "carrier-nat")
	w.lines = pool(max(3, clients/60), s.region.home, "isp-cgnat")
	w.vpns = pool(3+r.IntN(6), vpnNets, "vpn-exit")
	if Chance(r, 0.35) {
		c := w.l.Client(w.l.V4(r, append(s.region.home, s.region.campus...)), KindNormal)
		c.Profile = "lan-party"
		w.lan = &shared{c: c}
	}
	w.incidents = w.newIncidents(r)
}

// minutes returns the length of the window in minutes.
func (w *world) minutes() float64 { return float64(w.win) / 60e9 }

// at returns the time a share x of the window in.
func (w *world) at(x float64) int64 { return int64(x * float64(w.win)) }

// load is how much of the launch crowd is on the backend at t, from 0 to
// 1: it slows every answer and makes the busiest services shed requests.
func (w *world) load(t int64) float64 {
	la := w.launch
	switch {
	case t < la.at-Sec(45):
		return 0
	case t < la.at:
		return 0.3 * (1 - float64(la.at-t)/45e9)
	case t < la.at+Sec(la.peak):
		return 1
	}
	return math.Max(0, 1-float64(t-la.at-Sec(la.peak))/float64(Sec(la.calm)))
}

// latency draws the time to answer a request whose usual median is ms.
func (w *world) latency(r *rand.Rand, t int64, ms float64) float64 {
	return LogNormal(r, ms*(1+2*w.load(t)), 0.5)
}

// kb draws a response body around median kilobytes.
func kb(r *rand.Rand, median float64) int64 {
	return int64(LogNormal(r, median*1024, 0.3)) + 80
}

// fixed registers a client of profile at ip and returns it as a device's
// only address.
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

// heavyTail picks one of as, the first ones far more often: big carriers
// and VPN exits spread their users unevenly.
func heavyTail(r *rand.Rand, as []*shared) *shared {
	return as[int(float64(len(as))*math.Pow(r.Float64(), 1.8))]
}

// console returns where a PC or console player's machine reaches the
// backend from: a home line (IPv4 or IPv6, now and then behind the ISP's
// carrier-grade NAT or shared with a sibling's console), a VPN exit, a
// campus network or internet café, a line abroad.
func (w *world) console(r *rand.Rand, plat int, profile string) func(int64) *Client {
	s := w.s
	switch {
	case plat == pc && len(w.rooms) > 0 && Chance(r, s.roomShare):
		return join(Pick(r, w.rooms))
	case Chance(r, s.homeNAT):
		return join(heavyTail(r, w.lines))
	case len(w.homes) > 0 && Chance(r, 0.06):
		c := Pick(r, w.homes)
		return func(int64) *Client { return c }
	case Chance(r, 0.01):
		return join(heavyTail(r, w.vpns))
	case Chance(r, 0.03):
		return w.fixed(w.l.V4(r, s.region.foreign), profile)
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

// phone returns where a phone reaches the backend from over time: home
// Wi-Fi, a carrier NAT address it shares with other phones, or a mobile
// IPv6 privacy address that moves inside its /64 every few minutes.
func (w *world) phone(r *rand.Rand, profile string, start int64) func(int64) *Client {
	s := w.s
	switch x := r.Float64(); {
	case x < 0.35 && len(w.homes) > 0:
		c := Pick(r, w.homes) // the same Wi-Fi as the family's console
		return func(int64) *Client { return c }
	case x < 0.35:
		return w.fixed(w.l.V4(r, s.region.home), profile)
	case Chance(r, s.mobileNAT):
		return join(heavyTail(r, w.phones))
	}
	net := V6Net(r, s.region.mobileV6)
	c := w.l.Client(w.l.V6In(r, net), KindNormal)
	c.Profile = profile
	return w.l.RotateV6(r, c, net, start, 90, 600)
}
