package main

import (
	"math"
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// campaigns are the day's attacks spread over many addresses, each of
// which alone looks like a slow visitor: credential stuffing, a
// distributed flood, trial sign-ups sending invitation spam, a spray of
// guessed invitation tokens or API keys, and on some days card testing on
// the billing page.
func (w *world) campaigns(r *rand.Rand) {
	for range 1 + Weighted(r, []float64{0.75, 0.25}) {
		w.stuffing(Sub(r))
	}
	w.ddos(Sub(r))
	w.inviteSpam(Sub(r))
	w.tokenSpray(Sub(r))
	if cr := Sub(r); Chance(cr, 0.5) {
		w.cardTest(cr)
	}
}

// How a campaign's addresses join it.
const (
	together = iota // all within seconds
	ramping         // ever more of them as the minutes go
	trickle         // evenly over several minutes
	batches         // in a few waves a minute or two apart
)

// campaign is when a campaign runs, how its addresses join it and what
// they claim to be.
type campaign struct {
	name       string
	kind       string
	start, end int64
	shape      int
	spread     float64 // seconds over which its addresses join
	waves      int
	nets       []string
	uas        []string
	browse     float64 // of members that look around like a person first
	members    int
}

// newCampaign draws a campaign of kind with members addresses, starting
// at start and lasting lo to hi seconds.
func (w *world) newCampaign(r *rand.Rand, kind string, members int, start int64, lo, hi float64) *campaign {
	reg := w.s.region
	c := &campaign{name: kind + "-" + Hex(r, 4), kind: kind, start: start, members: members}
	c.end = min(w.win, start+Sec(Uniform(r, lo, hi)))
	c.shape = r.IntN(4)
	c.spread = []float64{Uniform(r, 3, 20), Uniform(r, 120, 300), Uniform(r, 180, 480), 0}[c.shape]
	c.waves = 3 + r.IntN(3)
	if c.shape == batches {
		c.spread = float64(c.waves) * Uniform(r, 40, 120)
	}
	// Every member joins while the campaign runs, with time left to act.
	c.spread = math.Min(c.spread, 0.7*float64(c.end-start)/1e9)
	switch Weighted(r, []float64{0.45, 0.2, 0.35}) {
	case 0: // residential proxies in the country
		c.nets = append(append(c.nets, reg.home...), reg.carrier...)
	case 1:
		c.nets = append(c.nets, reg.abroad...)
	default:
		c.nets = append(append(c.nets, vpsNets...), reg.home...)
	}
	switch x := r.Float64(); {
	case x < 0.35:
		c.uas = []string{Pick(r, browserUAs)} // one tool, one user agent
	case x < 0.85:
		c.uas = append(append(c.uas, browserUAs...), phoneBrowserUAs...)
	default:
		c.uas = append(append(c.uas, browserUAs[:3]...), toolUAs...)
	}
	c.browse = Pick(r, []float64{0, 0.2, 0.5, 0.8})
	return c
}

// member returns the i-th member's address and the time it joins.
func (w *world) member(r *rand.Rand, c *campaign, i int) (*Client, int64) {
	cl := w.l.Client(w.l.V4(r, c.nets), c.kind)
	cl.Campaign = c.name
	var off float64
	switch c.shape {
	case together, trickle:
		off = Uniform(r, 0, c.spread)
	case ramping:
		off = c.spread * math.Sqrt(r.Float64())
	default:
		wave := i % c.waves
		off = c.spread*float64(wave)/float64(c.waves) + Uniform(r, 0, 12)
	}
	return cl, c.start + Sec(math.Min(off, 0.7*float64(c.end-c.start)/1e9))
}

// looks is a member that browses before it acts: the login or pricing
// page with the bundle, a while before it joins.
func (w *world) looks(d *dev, c *campaign, join int64, page string) {
	if !Chance(d.r, c.browse) {
		return
	}
	d.t = join - Sec(Uniform(d.r, 15, 60))
	d.shell(page)
	if Chance(d.r, 0.5) {
		d.pause(2, 10)
		d.get("/pricing", 200, 30, 40)
	}
	d.t = join
}

// stuffing tries leaked credentials on the password sign-in: each
// address one try every 6 to 60 seconds; nearly all are refused, a few
// get in (and look at the workspace) or stop at the MFA prompt.
func (w *world) stuffing(r *rand.Rand) {
	c := w.newCampaign(r, "stuffing", 20+r.IntN(130), w.at(Uniform(r, 0.03, 0.55)), 180, 540)
	hit := Uniform(r, 0.002, 0.015)
	for i := range c.members {
		mr := Sub(r)
		cl, join := w.member(mr, c, i)
		d := w.newDev(mr, func(int64) *Client { return cl }, join, web, Pick(mr, c.uas))
		w.looks(d, c, join, "/login")
		leave := min(c.end, join+Sec(Uniform(mr, 60, 480)))
		every := LogUniform(mr, 6, 60)
		d.attack = true
		for d.t < leave {
			switch x := mr.Float64(); {
			case x < hit:
				d.send("POST", "/api/v2/auth/login", 200, 200, kb(mr, 0.9), 260)
				d.pause(0.3, 2)
				d.send("GET", "/api/v2/me", 200, 0, kb(mr, 1.5), 25)
			case x < 2*hit:
				d.send("POST", "/api/v2/auth/login", 200, 200, kb(mr, 0.3), 260) // MFA asked: it moves on
			case x < 2*hit+0.03:
				d.send("POST", "/api/v2/auth/login", 403, 200, 300, 40) // the bot check steps in
			default:
				d.send("POST", "/api/v2/auth/login", 401, 200, 240, 240)
			}
			d.t += Sec(every * Uniform(mr, 0.6, 1.4))
		}
	}
}

// ddos is a distributed flood: 50 to 200 addresses, each 1 to 6 requests
// a second on a few entry points (the login page, the app's shell, the
// status API, sign-in, GraphQL and the search without a session), most
// often while the rush is on.
func (w *world) ddos(r *rand.Rand) {
	start := w.at(Uniform(r, 0.05, 0.7))
	if Chance(r, 0.6) {
		start = max(0, min(w.rush.at+Sec(Uniform(r, -60, 60)), w.win-Sec(60)))
	}
	c := w.newCampaign(r, "ddos", 50+r.IntN(151), start, 90, 300)
	type target struct {
		method, path string
		status       int
		kbs, ms      float64
	}
	targets := pickN(r, []target{
		{"GET", "/login", 200, 4, 30},
		{"GET", "/app", 200, 4, 30},
		{"GET", "/api/v2/status", 200, 0.4, 8},
		{"POST", "/api/v2/auth/login", 401, 0.2, 240},
		{"POST", "/graphql", 401, 0.2, 10},
		{"GET", "/api/v2/search?q=" + Hex(r, 6) + "&ws=" + itoa(w.s.tenants[0].id), 401, 0.2, 10},
		{"POST", "/api/v2/auth/discover", 200, 0.2, 30},
	}, 2+r.IntN(4))
	for i := range c.members {
		mr := Sub(r)
		cl, join := w.member(mr, c, i)
		d := w.newDev(mr, func(int64) *Client { return cl }, join, web, Pick(mr, c.uas))
		d.attack = true
		mine := pickN(mr, targets, max(1, len(targets)-mr.IntN(2)))
		leave := c.end
		if Chance(mr, 0.2) {
			leave = min(leave, join+Sec(Uniform(mr, 20, 90))) // a proxy that dies early
		}
		hit := func(g target) {
			var body int64
			if g.method == "POST" {
				body = int64(150 + mr.IntN(300))
			}
			d.send(g.method, g.path, g.status, body, kb(mr, g.kbs), g.ms)
		}
		hit(mine[0])
		Poisson(mr, LogUniform(mr, 1, 6), join, leave, func(t int64) {
			d.t = t
			hit(Pick(mr, mine))
		})
	}
}
