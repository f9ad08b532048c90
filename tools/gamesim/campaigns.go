package main

import (
	"math"
	"math/rand/v2"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// campaigns are the day's attacks spread over many addresses, each of
// which alone looks like a slow, ordinary client: credential stuffing on
// the launcher's login, card testing on the web store, a distributed
// flood riding the launch, and gift-code guessing on the redeem page.
func (w *world) campaigns(r *rand.Rand) {
	for range 1 + Weighted(r, []float64{0.7, 0.3}) {
		w.stuffing(Sub(r))
	}
	w.cardtest(Sub(r))
	w.ddos(Sub(r))
	w.giftcode(Sub(r))
}

// How a campaign's members join it.
const (
	burst   = iota // all within half a minute: one tool started on a proxy list
	ramp           // more and more, as the operator adds proxies
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
	uas        []string  // what its members claim to be
	members    int
}

// newCampaign draws a campaign of kind with members addresses, starting
// at start and lasting lo to hi seconds.
func (w *world) newCampaign(r *rand.Rand, kind string, members int, start int64, lo, hi float64) *campaign {
	reg := w.s.region
	c := &campaign{name: kind + "-" + Hex(r, 4), kind: kind, start: start, members: members}
	c.end = min(w.win, start+Sec(Uniform(r, lo, hi)))
	c.shape = Weighted(r, []float64{0.3, 0.25, 0.3, 0.15})
	switch c.shape {
	case burst:
		c.spread = Uniform(r, 3, 30)
	case ramp:
		c.spread = Uniform(r, 90, 300)
	case trickle:
		c.spread = Uniform(r, 120, 400)
	default:
		c.spread = Uniform(r, 100, 240)
		c.waves = []float64{0}
		for range 1 + r.IntN(3) {
			c.waves = append(c.waves, Uniform(r, 0, c.spread))
		}
	}
	// Every member joins while the campaign runs, with time left to act.
	c.spread = min(c.spread, 0.6*float64(c.end-start)/1e9)
	switch Weighted(r, []float64{0.45, 0.2, 0.35}) {
	case 0: // residential proxies in the players' country
		c.nets = append(append(c.nets, reg.home...), reg.carrier...)
		c.v6 = reg.homeV6
	case 1: // abroad
		c.nets = append(c.nets, reg.foreign...)
	default: // rented servers and VPNs
		c.nets = append(append(c.nets, vpsNets...), vpnNets...)
	}
	return c
}

// member registers the next member's address and returns it and the
// time it joins.
func (w *world) member(r *rand.Rand, c *campaign) (*Client, int64) {
	ip := ""
	if len(c.v6) > 0 && Chance(r, 0.1) {
		ip = w.l.V6In(r, V6Net(r, c.v6))
	} else {
		ip = w.l.V4(r, c.nets)
	}
	cl := w.l.Client(ip, c.kind)
	cl.Campaign = c.name
	var off float64
	switch c.shape {
	case ramp:
		off = c.spread * math.Sqrt(r.Float64())
	case waves:
		off = math.Min(c.spread, Pick(r, c.waves)+Uniform(r, 0, 12))
	default:
		off = Uniform(r, 0, c.spread)
	}
	return cl, c.start + Sec(off)
}

// setUAs gives the campaign's members their user agents: one tool's single
// string for all, or each its own from a pool.
func (c *campaign) setUAs(r *rand.Rand, pool []string) {
	if Chance(r, 0.35) {
		c.uas = []string{Pick(r, pool)}
		return
	}
	c.uas = pool
}

// stuffing tries leaked email and password pairs on the launcher's
// login: each address one try every 15 to 90 seconds, nearly all refused,
// some stopped by the bot check, a few accepted, after which the account's
// wallet and locker are looked at (skins resell); accounts with a second
// factor stop there.
func (w *world) stuffing(r *rand.Rand) {
	s := w.s
	c := w.newCampaign(r, "stuffing", 20+r.IntN(131), w.at(Uniform(r, 0.03, 0.55)), 180, 540)
	var pool []string
	for range 6 {
		pool = append(pool, s.launcherUA(r))
	}
	c.setUAs(r, append(pool, browserUAs...))
	hit := Uniform(r, 0.01, 0.04)
	for range c.members {
		mr := Sub(r)
		cl, join := w.member(mr, c)
		d := w.newDev(mr, func(int64) *Client { return cl }, join, Pick(mr, c.uas), 400+int64(mr.IntN(500)))
		leave := min(c.end, join+Sec(Uniform(mr, 60, 480)))
		every := Uniform(mr, 15, 90)
		d.attack = true
		for d.t < leave {
			switch x := mr.Float64(); {
			case x < hit:
				d.post(d.api("/auth/login"), 200, 200, 1.2, 110)
				if Chance(mr, s.twoFA) {
					break // a second factor: on to the next pair
				}
				d.user = s.user(mr)
				d.pause(0.3, 2)
				d.get(d.api("/players/me/wallet"), 200, 0.4, 25)
				d.get(d.api("/players/me/inventory"), 200, 60, 90)
				d.user = ""
			case x < hit+0.05:
				d.post(d.api("/auth/login"), 403, 200, 0.3, 30) // the bot check steps in
			default:
				d.post(d.api("/auth/login"), 401, 200, 0.1, 220)
			}
			d.t += Sec(every * Uniform(mr, 0.6, 1.4))
		}
	}
}

// cardtest checks stolen card numbers on the cheapest currency pack of the
// web store: each address opens the coins page, signs in with a throwaway
// account, starts a checkout, then tries a card every 10 to 45 seconds;
// the bank declines most.
func (w *world) cardtest(r *rand.Rand) {
	s := w.s
	c := w.newCampaign(r, "cardtest", 20+r.IntN(61), w.at(Uniform(r, 0.03, 0.55)), 240, 600)
	c.setUAs(r, append(append([]string(nil), browserUAs...), phoneUAs...))
	pack := s.packs[0]
	for range c.members {
		mr := Sub(r)
		cl, join := w.member(mr, c)
		d := w.newDev(mr, func(int64) *Client { return cl }, join-Sec(Uniform(mr, 8, 40)), Pick(mr, c.uas), 500+int64(mr.IntN(700)))
		d.get("/store/coins", 200, 50, 60)
		d.assets(Chance(mr, 0.5))
		d.pause(2, 6)
		d.post(d.api("/auth/login"), 200, 200, 1.2, 110)
		d.user = strconv.Itoa(s.userBase + s.users + mr.IntN(40000)) // accounts made this week
		d.pause(1, 4)
		d.t = max(d.t, join)
		d.attack = true
		d.post(d.api("/payments/checkout?sku="+pack.sku), 201, 240, 1.2, 120)
		leave := min(c.end, join+Sec(Uniform(mr, 90, 480)))
		every := Uniform(mr, 10, 45)
		for d.t += Sec(Uniform(mr, 3, 10)); d.t < leave; d.t += Sec(every * Uniform(mr, 0.7, 1.3)) {
			switch x := mr.Float64(); {
			case x < 0.06:
				d.post(d.api("/payments/authorize"), 200, 700, 0.9, 850)
				w.payments = append(w.payments, d.t)
			case x < 0.1:
				d.post(d.api("/payments/authorize"), 422, 700, 0.3, 60)
			default:
				d.post(d.api("/payments/authorize"), 402, 700, 0.4, 900)
			}
		}
	}
}
