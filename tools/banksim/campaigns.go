package main

import (
	"math"
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// campaigns are the day's attacks spread over many addresses, each of
// which alone looks like a slow customer: credential stuffing, card
// testing on the top-up, a distributed flood riding the crowd, one-time
// codes guessed a few at a time per address, and account numbers walked
// through the payee name check.
func (w *world) campaigns(r *rand.Rand) {
	for range 1 + Weighted(r, []float64{0.7, 0.3}) {
		w.stuffing(Sub(r))
	}
	w.cardtest(Sub(r))
	w.ddos(Sub(r))
	w.otpspray(Sub(r))
	w.payeelookup(Sub(r))
}

// How a campaign's members join it.
const (
	burst   = iota // all within half a minute: one tool started on a proxy list
	ramp           // more and more, as the operator buys proxies
	trickle        // evenly over a few minutes
	waves          // a few batches a minute or two apart
)

// campaign is when a campaign runs, how its members join it and what
// they come from.
type campaign struct {
	name, kind string
	start, end int64
	shape      int
	spread     float64   // seconds over which members join
	waves      []float64 // offsets of the batches, in seconds
	nets       []string  // the proxies' prefixes
	v6         []string  // residential IPv6 prefixes among them, if any
	uas        []string  // what its members claim to be, if not the app
	app        bool      // the members pass for the bank's app
	members    int
}

// newCampaign draws a campaign of kind with members addresses, starting
// at start and lasting lo to hi seconds.
func (w *world) newCampaign(r *rand.Rand, kind string, members int, start int64, lo, hi float64) *campaign {
	reg := w.s.region
	c := &campaign{name: kind + "-" + Hex(r, 4), kind: kind, start: start, members: members}
	c.end = min(w.win, start+Sec(Uniform(r, lo, hi)))
	c.shape = Weighted(r, []float64{0.3, 0.25, 0.3, 0.15})
	c.spread = []float64{Uniform(r, 3, 30), Uniform(r, 90, 300), Uniform(r, 120, 400), Uniform(r, 100, 240)}[c.shape]
	// Every member joins while the campaign runs, with time left to act.
	c.spread = min(c.spread, 0.6*float64(c.end-start)/1e9)
	if c.shape == waves {
		c.waves = []float64{0}
		for range 1 + r.IntN(3) {
			c.waves = append(c.waves, Uniform(r, 0, 0.85*c.spread))
		}
	}
	switch Weighted(r, []float64{0.5, 0.2, 0.3}) {
	case 0: // residential and mobile proxies in the bank's country
		c.nets = append(append(c.nets, reg.home...), reg.carrier...)
		c.v6 = reg.homeV6
	case 1: // abroad
		c.nets = append(c.nets, reg.foreign...)
	default: // rented servers and VPNs
		c.nets = append(append(c.nets, vpsNets...), vpnNets...)
	}
	c.app = Chance(r, 0.35)
	if Chance(r, 0.4) {
		c.uas = []string{browser(r, false)} // one tool, one user agent
	} else {
		c.uas = append(append(c.uas, browserUAs...), phoneBrowserUAs...)
	}
	return c
}

// member returns the next member's address and the time it joins.
func (w *world) member(r *rand.Rand, c *campaign) (*Client, int64) {
	ip := ""
	if len(c.v6) > 0 && Chance(r, 0.15) {
		ip = w.l.V6In(r, V6Net(r, c.v6))
	} else {
		ip = w.l.V4(r, c.nets)
	}
	cl := w.l.Client(ip, c.kind)
	cl.Campaign = c.name
	var d float64
	switch c.shape {
	case ramp:
		d = c.spread * math.Sqrt(r.Float64())
	case waves:
		d = Pick(r, c.waves) + Uniform(r, 0, 12)
	default:
		d = Uniform(r, 0, c.spread)
	}
	return cl, c.start + Sec(d)
}

// memberVisit starts a member's visit some seconds before it joins, as
// the bank's app or a browser.
func (w *world) memberVisit(r *rand.Rand, c *campaign, cl *Client, join int64) *visit {
	ua, app := Pick(r, c.uas), false
	if c.app {
		ua, _ = w.s.appUA(r)
		app = true
	}
	return w.newVisit(r, func(int64) *Client { return cl }, join-Sec(Uniform(r, 3, 40)), app, ua)
}

// browseFirst is what a member that passes for a customer does before it
// gets to work: the app's start or the login page, and for some a look
// around the public pages.
func (v *visit) browseFirst() {
	s := v.w.s
	if v.app {
		p := platform(v.ua)
		v.get(s.app+"/config?platform="+p+"&locale="+locale(s.region), 200, 3, 25)
		v.pause(0.05, 0.3)
		v.get(s.app+"/feature-flags?platform="+p, 200, 5, 30)
		return
	}
	if Chance(v.r, 0.4) {
		v.page("/", 60)
		v.think(6)
	}
	v.page(s.pages+"/login", 30)
}

// campaignStart draws when a campaign starts: somewhere in the first
// half of the window.
func (w *world) campaignStart(r *rand.Rand) int64 { return w.at(Uniform(r, 0.03, 0.5)) }

// stuffing tries leaked usernames and passwords on the login: each
// address a try every 8 to 60 seconds, nearly all refused, some accounts
// already locked, a few accepted, where the one-time code then stops
// them.
func (w *world) stuffing(r *rand.Rand) {
	c := w.newCampaign(r, "stuffing", 20+r.IntN(131), w.campaignStart(r), 180, 600)
	hit := Uniform(r, 0.005, 0.03)
	for range c.members {
		mr := Sub(r)
		cl, join := w.member(mr, c)
		v := w.memberVisit(mr, c, cl, join)
		if Chance(mr, 0.45) {
			v.browseFirst()
		}
		leave := min(c.end, join+Sec(Uniform(mr, 60, 420)))
		every := LogUniform(mr, 8, 60)
		v.attack = true
		for w.begin(v, join); ; {
			switch x := mr.Float64(); {
			case x < hit:
				v.post(v.api+"/auth/login", 200, 260, 1.1, 300)
				v.pause(2, 8)
				v.post(v.api+"/auth/otp/verify", 401, 60, 0.2, 70)
			case x < hit+0.03:
				v.post(v.api+"/auth/login", 423, 260, 0.2, 60)
			case x < hit+0.06:
				v.post(v.api+"/auth/login", 403, 260, 0.3, 30) // the bot check steps in
			default:
				v.post(v.api+"/auth/login", 401, 260, 0.2, 280)
			}
			if v.t += Sec(every * Uniform(mr, 0.6, 1.4)); v.t >= leave {
				break
			}
		}
	}
}

// cardtest checks stolen card numbers by topping up accounts opened for
// the purpose: each address signs in to its own account, opens the top-up
// screen, then tries a card every 10 to 45 seconds; the issuers decline
// most, some want a 3-D Secure challenge that never comes.
func (w *world) cardtest(r *rand.Rand) {
	c := w.newCampaign(r, "cardtest", 20+r.IntN(61), w.campaignStart(r), 240, 600)
	path := Pick(r, []string{"/topups/card", "/cards/external/verify"})
	for range c.members {
		mr := Sub(r)
		cl, join := w.member(mr, c)
		v := w.memberVisit(mr, c, cl, join)
		v.browseFirst()
		v.signIn(w.s.customer(mr))
		v.pause(1, 4)
		if Chance(mr, 0.5) {
			v.read(v.api+"/accounts", 2, 110)
			v.pause(1, 5)
		}
		v.get(v.api+"/topups/methods", 200, 0.8, 60)
		leave := min(c.end, join+Sec(Uniform(mr, 90, 480)))
		every := Uniform(mr, 10, 45)
		v.attack = true
		for w.begin(v, join); ; {
			status := []int{402, 400, 201, 202}[Weighted(mr, []float64{0.78, 0.1, 0.06, 0.06})]
			v.post(v.api+path, status, 520, 0.4, 900)
			if v.t += Sec(every * Uniform(mr, 0.7, 1.3)); v.t >= leave {
				break
			}
		}
	}
}
