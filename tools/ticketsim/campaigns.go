package main

import (
	"math/rand/v2"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// campaigns are the day's attacks spread over many addresses, each of
// which alone looks like a slow, ordinary visitor: credential stuffing,
// card testing, and a distributed flood near the on-sale.
func (w *world) campaigns(r *rand.Rand) {
	for range 1 + Weighted(r, []float64{0.75, 0.25}) {
		w.stuffing(Sub(r))
	}
	w.cardtest(Sub(r))
	w.ddos(Sub(r))
}

// campaign is when a campaign runs and how its addresses join it.
type campaign struct {
	name       string
	kind       string
	start, end int64
	spread     float64  // seconds over which its addresses join
	nets       []string // the proxies' prefixes
	uas        []string // what its members claim to be
	members    int
}

// newCampaign draws a campaign of kind with lo to hi members starting at
// start and lasting lo to hi seconds: its addresses all join within half
// a minute or trickle in over two to four minutes.
func (w *world) newCampaign(r *rand.Rand, kind string, members int, start int64, lo, hi float64) *campaign {
	reg := w.s.region
	c := &campaign{name: kind + "-" + Hex(r, 4), kind: kind, start: start, members: members}
	c.spread = Uniform(r, 5, 30)
	if Chance(r, 0.5) {
		c.spread = Uniform(r, 120, 240)
	}
	c.spread = min(c.spread, 0.3*float64(w.win)/1e9)
	c.end = min(w.win, start+Sec(Uniform(r, lo, hi)))
	// Every member joins while the campaign runs, with time left to act:
	// one that joined after its end would be an address with a single
	// ordinary request, labelled an attacker.
	c.spread = min(c.spread, 0.7*float64(c.end-start)/1e9)
	switch Weighted(r, []float64{0.5, 0.2, 0.3}) {
	case 0: // residential proxies at home
		c.nets = append(append(c.nets, reg.home...), reg.carrier...)
	case 1: // abroad
		c.nets = append(c.nets, reg.foreign...)
	default:
		c.nets = append(append(c.nets, vpsNets...), reg.home...)
	}
	if Chance(r, 0.4) {
		c.uas = []string{Pick(r, browserUAs)} // one tool, one user agent
	} else {
		c.uas = append(append(c.uas, browserUAs...), phoneBrowserUAs...)
	}
	return c
}

// member returns the next member's address and the time it joins.
func (w *world) member(r *rand.Rand, c *campaign) (*Client, int64) {
	cl := w.l.Client(w.l.V4(r, c.nets), c.kind)
	cl.Campaign = c.name
	return cl, c.start + Sec(Uniform(r, 0, c.spread))
}

// stuffing tries leaked credentials on the login: each address one try
// every 10 to 60 seconds, nearly all refused, a few accepted, after which
// the account's tickets are looked at.
func (w *world) stuffing(r *rand.Rand) {
	start := Sec(Uniform(r, 0.05, 0.55) * float64(w.win) / 1e9)
	c := w.newCampaign(r, "stuffing", 20+r.IntN(131), start, 180, 480)
	hit := Uniform(r, 0.01, 0.04)
	for range c.members {
		mr := Sub(r)
		cl, join := w.member(mr, c)
		v := w.newVisit(mr, func(int64) *Client { return cl }, join, false, Pick(mr, c.uas))
		leave := min(c.end, join+Sec(Uniform(mr, 60, 420)))
		if Chance(mr, 0.3) {
			v.page("/login", 25)
			v.pause(1, 4)
		}
		every := Uniform(mr, 10, 60)
		v.attack = true
		for v.t < leave {
			switch x := mr.Float64(); {
			case x < hit:
				v.post("/api/v3/auth/login", 200, 190, 1.1, 260)
				v.user = w.s.user(mr)
				v.pause(0.3, 2)
				v.get("/api/v3/me/tickets", 200, 6, 70)
				v.user = ""
			case x < hit+0.04:
				v.post("/api/v3/auth/login", 403, 190, 0.3, 40) // the bot check steps in
			default:
				v.post("/api/v3/auth/login", 401, 190, 0.1, 240)
			}
			v.t += Sec(every * Uniform(mr, 0.7, 1.3))
		}
	}
}

// cardtest checks stolen card numbers on a cheap ticket: each address
// looks at the event, puts a ticket in the cart and checks out as a guest,
// then tries a card every 10 to 40 seconds; the bank declines most.
func (w *world) cardtest(r *rand.Rand) {
	s := w.s
	start := Sec(Uniform(r, 0.05, 0.55) * float64(w.win) / 1e9)
	c := w.newCampaign(r, "cardtest", 20+r.IntN(61), start, 240, 600)
	e := &s.events[Pick(r, s.cheap)]
	id := strconv.Itoa(e.id)
	for range c.members {
		mr := Sub(r)
		cl, join := w.member(mr, c)
		v := w.newVisit(mr, func(int64) *Client { return cl }, join-Sec(Uniform(mr, 5, 40)), false, Pick(mr, c.uas))
		v.page("/events/"+e.slug, 85)
		v.pause(1, 4)
		v.get("/api/v3/events/"+id+"/availability", 200, 3, 30)
		v.pause(2, 6)
		v.post("/api/v3/cart", 201, 180, 1.8, 110)
		v.pause(1, 3)
		v.get("/api/v3/cart", 200, 2, 40)
		v.pause(2, 6)
		v.post("/api/v3/checkout", 200, 700, 2.4, 180)
		v.t = max(v.t, join)
		leave := min(c.end, join+Sec(Uniform(mr, 90, 480)))
		every := Uniform(mr, 10, 40)
		v.attack = true
		for v.t < leave {
			switch x := mr.Float64(); {
			case x < 0.06:
				v.post("/api/v3/payments/authorize", 200, 620, 0.9, 850)
				w.payments = append(w.payments, v.t)
			case x < 0.1:
				v.post("/api/v3/payments/authorize", 400, 620, 0.3, 60) // not even a card number
			default:
				v.post("/api/v3/payments/authorize", 402, 620, 0.4, 900)
			}
			v.t += Sec(every * Uniform(mr, 0.7, 1.3))
		}
	}
}

// ddos is a distributed flood during or near the on-sale: 50 to 200
// addresses, each 1 to 5 requests a second on a few of the URLs the crowd
// is using (the waiting room, availability, the event page), claiming to
// be browsers.
func (w *world) ddos(r *rand.Rand) {
	s, sa := w.s, w.sale
	start := w.within(sa.at+Sec(Uniform(r, -60, 90)), 40)
	c := w.newCampaign(r, "ddos", 50+r.IntN(151), start, 90, 240)
	id := strconv.Itoa(sa.ev.id)
	// Forged queue tokens are unknown to the waiting room; replayed ones
	// are real and answered.
	forged := Chance(r, 0.5)
	type target struct {
		path    string
		kbs, ms float64
	}
	targets := pickN(r, []target{
		{"/queue/status", 0.35, 14},
		{"/api/v3/events/" + id + "/availability", 3, 30},
		{"/events/" + sa.ev.slug, 90, 55},
		{"/", 110, 50},
		{"/api/v3/events/" + id, 14, 45},
		{"/search?q=" + query(r, s), 60, 60},
		{"/api/v3/events/" + id + "/seatmap", 340, 140},
	}, 2+r.IntN(5))
	for range c.members {
		mr := Sub(r)
		cl, join := w.member(mr, c)
		v := w.newVisit(mr, func(int64) *Client { return cl }, join, false, Pick(mr, c.uas))
		v.attack = true
		mine := pickN(mr, targets, max(2, len(targets)-mr.IntN(2)))
		token := Hex(mr, 16)
		if !forged {
			v.post("/queue/join?event="+id, 201, 60, 0.4, 45)
		}
		Poisson(mr, LogUniform(mr, 1, 5), join, c.end, func(t int64) {
			v.t = t
			g := Pick(mr, mine)
			switch {
			case g.path != "/queue/status":
				v.get(g.path, 200, g.kbs, g.ms)
			case forged:
				v.get(g.path+"?ticket="+token+"&event="+id, 404, 0.1, 6)
			default:
				v.get(g.path+"?ticket="+token+"&event="+id, 200, g.kbs, g.ms)
			}
		})
	}
}
