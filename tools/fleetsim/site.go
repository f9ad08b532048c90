package main

import (
	"math/rand/v2"

	"github.com/portcullis/portcullis/tools/internal/simcmd"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// site is what stays the same on every day of one -site: the fleet's
// homes, devices and people, its partners and monitors with their
// addresses, and the habits that make one fleet unlike another.
type site struct {
	regionW  []float64 // share of homes per region
	dual     float64   // share of homes with IPv6 next to IPv4
	cellular float64   // share of homes with an LTE gate controller
	mix      []float64 // weight of each model in homes
	devMed   float64   // median devices per home, before the long tail
	clipRate float64   // how much motion the cameras see
	storms   float64   // chance of a broker outage on a given day
	rollout  map[*product]float64
	selfhost float64     // share of homes running their own automation server
	lone     []float64   // chance of more lone attackers, per kind
	flavor   [][]float64 // weights of each kind's variants
	size     float64     // homes per -clients
	extra    float64     // chance of a second campaign of a kind on a day
	appKey   [2]string

	homes    []*home
	users    []*user
	partners []*partner
	next     map[*product]int // serial counter per model
}

// home is one household: a router, its devices and its people.
type home struct {
	id       string
	reg      *region
	addr     string // the router's IPv4 address, which the provider rarely changes
	net      string // the home's IPv6 /64; empty for IPv4-only homes
	devices  []*device
	users    []*user
	hubKey   string  // personal API key of the home's automation server, if any
	hubAgent string  // its user agent
	hubEvery float64 // its polling interval in s
}

// device is one thing in a home.
type device struct {
	serial   string
	m        *product
	key      string  // device key (gen 2), which the gateway logs
	eui      string  // stable IPv6 address in a dual-stack home, if it forms one
	every    float64 // seconds between reports
	uplink   float64 // Mbit/s it gets upstream
	children int     // hubs: radio sensors reporting through it
	rank     float64 // its place in staged rollouts, in [0, 1)
}

// user is one person with the app.
type user struct {
	id      string
	home    *home
	ios     bool
	phone   string
	os      string
	revoked bool // an automation platform still polls with a revoked token
}

// newSite builds the site's fixtures from -site alone and its fleet from
// -site and -clients. Fixture addresses are drawn first, then every home's
// usual addresses, so both are the same on every day and no day-drawn
// address can take one of them.
func newSite(l *Log, c simcmd.Config) *site {
	r := rand.New(rand.NewPCG(c.Site, 0x10e7f1ee7))
	s := &site{next: map[*product]int{}, rollout: map[*product]float64{}}
	main := r.IntN(len(regions))
	for i := range regions {
		w := LogUniform(r, 0.02, 0.5)
		if i == main {
			w = 1
		}
		s.regionW = append(s.regionW, w)
	}
	s.dual = Uniform(r, 0.08, 0.3)
	s.cellular = Uniform(r, 0.01, 0.06)
	base := map[string]float64{"LT-300": 1, "LT-100": 0.4, "LC-4K": 0.9, "LC-MINI": 0.8, "LB-2": 0.5, "LL-2": 0.6,
		"LP-1": 0.7, "LP-2": 1, "LH-3": 0.35, "LS-1": 0.6}
	for _, m := range models {
		s.mix = append(s.mix, base[m.code]*LogUniform(r, 0.4, 2.5))
	}
	s.devMed = Uniform(r, 0.6, 1.2)
	s.clipRate = LogUniform(r, 0.5, 2)
	s.storms = Pick(r, []float64{0, 0.3, 0.6, 1})
	for range 1 + r.IntN(2) {
		if m := Pick(r, models); len(m.versions) > 1 {
			s.rollout[m] = LogUniform(r, 0.02, 0.1)
		}
	}
	s.selfhost = Uniform(r, 0.004, 0.015)
	for _, n := range []int{4, 3, 4, 4, 4, 4} {
		s.lone = append(s.lone, Uniform(r, 0.2, 0.9))
		var w []float64
		for range n {
			w = append(w, LogUniform(r, 0.15, 3))
		}
		s.flavor = append(s.flavor, w)
	}
	s.size = Uniform(r, 0.65, 1.1)
	s.extra = Uniform(r, 0, 0.5)
	s.appKey = [2]string{"ak_ios_" + Hex(r, 8), "ak_and_" + Hex(r, 8)}
	fleet := Sub(r)
	s.partners = fixtures(l, r)
	s.buildFleet(l, fleet, max(1, int(float64(c.Clients)*s.size)))
	s.link(r)
	return s
}

// buildFleet creates n homes with their devices and people.
func (s *site) buildFleet(l *Log, r *rand.Rand, n int) {
	for range n {
		h := &home{id: "hm_" + Hex(r, 10), reg: &regions[Weighted(r, s.regionW)]}
		h.addr = l.V4(r, h.reg.v4)
		if Chance(r, s.dual) {
			h.net = V6Net(r, h.reg.v6)
		}
		k := 1 + min(int(LogNormal(r, s.devMed, 0.9)), 29)
		for range k {
			s.addDevice(l, r, h, models[Weighted(r, s.mix)])
		}
		if Chance(r, s.cellular) {
			s.addDevice(l, r, h, models[len(models)-1])
		}
		for range 1 + b2i(Chance(r, 0.45)) + b2i(Chance(r, 0.15)) {
			u := &user{id: userID(r), home: h, ios: Chance(r, 0.55)}
			if u.ios {
				u.phone, u.os = Pick(r, iphones), Pick(r, iosVers)
			} else {
				u.phone, u.os = Pick(r, androids), Pick(r, []string{"13", "14", "14", "15"})
			}
			h.users = append(h.users, u)
			s.users = append(s.users, u)
		}
		if Chance(r, s.selfhost*float64(min(k, 8))/3) {
			h.hubKey = "lk_live_" + Hex(r, 16) + Hex(r, 4)
			h.hubAgent = Pick(r, selfhostAgents)
			h.hubEvery = Pick(r, []float64{15, 30, 30, 60, 60})
		}
		s.homes = append(s.homes, h)
	}
}

func (s *site) addDevice(l *Log, r *rand.Rand, h *home, m *product) {
	n := s.next[m]
	if n == 0 {
		n = 1000 + r.IntN(40000)
	}
	n += 1 + r.IntN(12)
	s.next[m] = n
	dv := &device{
		serial: serial(m, 2301+(n/5000)%52, n%100000),
		m:      m,
		every:  Uniform(r, m.every[0], m.every[1]),
		uplink: LogUniform(r, 2, 40),
		rank:   r.Float64(),
	}
	if m.gen == 2 {
		dv.key = "dk_" + Hex(r, 16) + Hex(r, 8)
	}
	if h.net != "" && m.stable6 {
		dv.eui = l.V6In(r, h.net)
	}
	if m.family == "hub" {
		dv.children = 2 + r.IntN(30)
	}
	h.devices = append(h.devices, dv)
}

// link decides which accounts use which partner, and which of an
// automation platform's tokens were revoked without the platform noticing.
func (s *site) link(r *rand.Rand) {
	for _, p := range s.partners {
		if p.share == 0 {
			continue
		}
		for _, u := range s.users {
			if Chance(r, p.share) {
				p.users = append(p.users, u)
				u.revoked = u.revoked || (p.profile == "automation" && Chance(r, 0.06))
			}
		}
		if len(p.users) == 0 {
			p.users = s.users[:1]
		}
	}
}

// userID draws an account number; accounts are numbered, which is what
// makes them enumerable.
func userID(r *rand.Rand) string { return itoa(4_000_000 + r.IntN(5_000_000)) }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
