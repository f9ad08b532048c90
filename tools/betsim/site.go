package main

import (
	"math/rand/v2"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// site is one instance of the sportsbook: its size, its markets and the
// clients that come back every day. It is drawn from a stream seeded by
// -site alone, before anything of the day, so that the recurring addresses
// are the same on every day of the site.
type site struct {
	brand, appVer string
	home          country
	countries     []country
	countryW      []float64
	scale         float64 // punters per -clients
	v6Share       float64 // share of app punters on carrier IPv6
	natShare      float64 // share of app punters behind carrier NAT IPv4
	events        []match
	matchW        []float64 // the events' audience weights, for picking one
	regulars      []*regular
	nats          []*Client
	servers       []*server // partners, affiliates, webhooks, integrity
	shops         []*shop
	offices       []*shop
	crawlers      []*server
	monitors      []*server
	loneMax       map[string]int // how many of each lone attack a test day holds at most
}

// match is a live event: the markets everyone polls.
type match struct {
	id         int
	home, away string
}

// regular is a punter who bets from the same home address every day.
type regular struct {
	c    *Client
	user string
	web  bool
}

// newSite draws the site's instance and registers its recurring clients.
func newSite(l *Log, n uint64, clients int) *site {
	r := rand.New(rand.NewPCG(n, 0xbe7))
	s := &site{
		brand:    Pick(r, brands),
		appVer:   strconv.Itoa(4+r.IntN(4)) + "." + strconv.Itoa(r.IntN(30)) + "." + strconv.Itoa(r.IntN(9)),
		scale:    Uniform(r, 0.55, 1.05),
		v6Share:  Uniform(r, 0.1, 0.55),
		natShare: Uniform(r, 0.2, 0.45),
	}
	s.pickCountries(r)
	s.drawMatches(r)
	s.drawPunters(l, r, clients)
	s.drawServers(l, r)
	s.drawVenues(l, r)
	s.loneMax = map[string]int{}
	for _, k := range loneKinds {
		s.loneMax[k] = 2 + r.IntN(3)
	}
	return s
}

// pickCountries takes a home market and up to two neighbours.
func (s *site) pickCountries(r *rand.Rand) {
	order := r.Perm(len(countries))
	s.home = countries[order[0]]
	s.countries = []country{s.home}
	s.countryW = []float64{1}
	for _, i := range order[1 : 1+r.IntN(3)] {
		s.countries = append(s.countries, countries[i])
		s.countryW = append(s.countryW, Uniform(r, 0.05, 0.3))
	}
}

// drawMatches lays out the live coupon: a featured match most punters
// watch and a tail of other games.
func (s *site) drawMatches(r *rand.Rand) {
	n := 6 + r.IntN(14)
	base := 4000000 + r.IntN(900000)
	for i := range n {
		c := s.countries[Weighted(r, s.countryW)]
		h, a := r.IntN(len(c.teams)), r.IntN(len(c.teams)-1)
		if a >= h {
			a++
		}
		w := LogUniform(r, 0.2, 1)
		if i == 0 {
			w = 4
		}
		s.events = append(s.events, match{id: base + i*17 + r.IntN(9), home: c.teams[h], away: c.teams[a]})
		s.matchW = append(s.matchW, w)
	}
}

// drawPunters registers the carrier NAT addresses and the punters who bet
// from the same home every day.
func (s *site) drawPunters(l *Log, r *rand.Rand, clients int) {
	people := float64(clients) * s.scale
	for range max(4, int(people*0.45*s.natShare/14)) {
		c := l.Client(l.V4(r, s.home.carrier), KindNormal)
		c.Profile, c.Heavy = "carrier-nat", true
		s.nats = append(s.nats, c)
	}
	for range int(people * 0.22) {
		cn := s.countries[Weighted(r, s.countryW)]
		g := &regular{user: userName(r), web: Chance(r, 0.6)}
		g.c = l.Client(l.V4(r, cn.isp), KindNormal)
		g.c.Profile = "regular-punter"
		s.regulars = append(s.regulars, g)
	}
}

// userName draws a customer's login as sportsbooks show them in logs:
// an account number or an e-mail-like handle.
func userName(r *rand.Rand) string {
	if Chance(r, 0.5) {
		return "cust" + strconv.Itoa(1000000+r.IntN(8999999))
	}
	return Pick(r, []string{"jamie", "sam", "alex", "chris", "lee", "dani", "max", "robin", "kim", "jo"}) + strconv.Itoa(r.IntN(10000)) + "@" + Pick(r, []string{"gmail.com", "outlook.com", "icloud.com", "yahoo.com", "gmx.de", "hotmail.co.uk"})
}

// pickMatch returns a live event in proportion to its audience.
func (s *site) pickMatch(r *rand.Rand) match {
	return s.events[Weighted(r, s.matchW)]
}

// appUA is the site's app as a phone reports it.
func (s *site) appUA(r *rand.Rand) string {
	return s.brand + "/" + s.appVer + " " + Pick(r, devices)
}
