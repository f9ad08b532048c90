// Command taxsim writes a quarter hour of the API gateway access log of a
// national tax and benefits portal in the last days before the filing
// deadline, and the labels of its clients.
//
// Citizens, most of them on the site for the first time this year, sign
// in, fail the identity checks a few times, fill their returns with drafts
// saved every minute, upload receipts and poll the refund status; tax
// preparers' offices file for dozens of clients from one address; e-file
// partners, payroll providers and banks call their own APIs with their
// own keys from fixed addresses; researchers and newsrooms read the open
// data; the mobile app calls with the key every install carries; crawlers,
// monitors and link previews come and go. The crowd grows through the
// window, the busiest backends answer 503 and the gateway 429. Among them:
// lone attackers and campaigns of many addresses.
//
// Each -site is another country's agency, with its own size, regions,
// languages, partners and attackers; its fixtures recur on every -seed
// (day), while the people, the attackers and the day's newcomers change.
package main

import (
	"math/rand/v2"
	"time"

	"github.com/portcullis/portcullis/tools/internal/simcmd"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

var model = simcmd.Model{
	Name:        "taxsim",
	Site:        3,
	Start:       "2027-04-13T16:00:00Z",
	SeedHelp:    "the day: its citizens, attackers and newcomers (the site's partners, offices and bots recur every day)",
	SiteHelp:    "the country's agency: its size, regions, languages, partners and attack mix",
	ClientsHelp: "citizens who visit during the recording, before the agency's own size scales them",
	Generate:    generate,
}

func main() { model.Main() }

// gen is one day of one site being written.
type gen struct {
	l     *Log
	s     *site
	win   int64
	rush  float64         // how much busier the end of the window is than its start
	seed  uint64          // the day
	users map[*Client]int // citizens behind each shared address

	libraries, coworks []*Client
}

func generate(cfg simcmd.Config) *Log {
	s := newSite(cfg.Site)
	l := New(cfg.Start, time.Duration(cfg.Minutes)*time.Minute)
	day := rand.New(rand.NewPCG(cfg.Seed, cfg.Site^0x51ab7e0d33c4f291))
	g := &gen{l: l, s: s, win: l.Window(), seed: cfg.Seed, users: map[*Client]int{}}
	g.rush = s.rush * Uniform(day, 0.8, 1.25)
	// The fixtures come first, so that their addresses are the same every
	// day; each part of the day draws from a stream of its own.
	for _, part := range []func(*rand.Rand){
		g.fixtures,
		func(r *rand.Rand) { g.people(r, max(20, int(float64(cfg.Clients)*s.size))) },
		func(r *rand.Rand) { g.researchers(r, max(3, cfg.Clients/120)) },
		g.newcomers, g.lone, g.campaigns, g.gateway,
	} {
		part(Sub(day))
	}
	g.shared()
	return l
}

// crowd is the deadline crowd's rate at t relative to the window's start.
func (g *gen) crowd(t int64) float64 {
	return 1 + g.rush*float64(max(t, 0))/float64(g.win)
}

// busy calls f at the times of requests that come at rate a second at the
// window's start and grow with the crowd, over [a, b).
func (g *gen) busy(r *rand.Rand, rate float64, a, b int64, f func(t int64)) {
	top := 1 + g.rush
	Poisson(r, rate*top, a, b, func(t int64) {
		if r.Float64()*top < g.crowd(t) {
			f(t)
		}
	})
}

// every calls f at a, then at the times of a Poisson process of rate a
// second until b: an attack's first request comes at its onset.
func every(r *rand.Rand, rate float64, a, b int64, f func(t int64)) {
	f(a)
	Poisson(r, rate, a, b, f)
}

// arrival draws when a visit starts: some visitors are already on the
// site when the window opens, and arrivals grow with the crowd.
func (g *gen) arrival(r *rand.Rand) int64 {
	lo := -min(g.win, Sec(900))
	for {
		t := lo + int64(r.Float64()*float64(g.win-lo))
		if r.Float64()*(1+g.rush) < g.crowd(t) {
			return t
		}
	}
}

// within draws a time in [a, b) of the window, b clipped to leave room
// for a first request.
func (g *gen) within(r *rand.Rand, a, b float64) int64 {
	lo, hi := int64(a*float64(g.win)), min(int64(b*float64(g.win)), g.win-Sec(5))
	return lo + int64(r.Float64()*float64(max(hi-lo, 1)))
}

// shared marks the addresses many citizens share as the heavy clients they
// are to the gateway.
func (g *gen) shared() {
	for c, n := range g.users {
		if n >= 5 {
			c.Heavy = true
		}
	}
}
