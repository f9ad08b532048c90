package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// ddos is a distributed flood riding the launch: 50 to 200 addresses,
// each 1 to 5 requests a second on a few of the calls the crowd is making
// (the patch manifest, the client config, sign-in, new matchmaking
// tickets, the news, the status page), claiming to be game clients or
// the launcher, some sending no user agent at all.
func (w *world) ddos(r *rand.Rand) {
	s, la := w.s, w.launch
	start := max(0, min(la.at+Sec(Uniform(r, -30, 90)), w.win-Sec(40)))
	c := w.newCampaign(r, "ddos", 50+r.IntN(151), start, 90, 300)
	var pool []string
	for range 8 {
		pool = append(pool, s.clientUA(r, Weighted(r, s.platW), s.build))
	}
	c.setUAs(r, append(pool, s.launcherUA(r), ""))
	type target struct {
		method, path string
		status       int
		kbs, ms      float64
	}
	a := s.api
	targets := pickN(r, []target{
		{"GET", a + "/patch/manifest?platform=win64&build=" + s.build, 200, 420, 90},
		{"GET", a + "/patch/status?branch=live", 200, 0.3, 10},
		{"GET", a + "/config/client?platform=win64&build=" + s.nextBuild, 200, 6, 25},
		{"POST", a + "/auth/login", 401, 0.1, 220},
		{"POST", a + "/matchmaking/tickets", 401, 0.1, 20},
		{"GET", a + "/news?lang=en", 200, 9, 30},
		{"GET", a + "/status", 200, 0.6, 15},
	}, 2+r.IntN(4))
	for range c.members {
		mr := Sub(r)
		cl, join := w.member(mr, c)
		d := w.newDev(mr, func(int64) *Client { return cl }, join, Pick(mr, c.uas), 250+int64(mr.IntN(500)))
		d.attack = true
		mine := pickN(mr, targets, max(1, len(targets)-mr.IntN(2)))
		leave := c.end
		if Chance(mr, 0.2) {
			leave = min(leave, join+Sec(Uniform(mr, 20, 90))) // a proxy that dies early
		}
		d.t = join
		hit := func(g target) {
			var body int64
			if g.method == "POST" {
				body = int64(150 + mr.IntN(200))
			}
			d.send(g.method, g.path, g.status, body, kb(mr, g.kbs), g.ms)
		}
		hit(mine[0])
		Poisson(mr, LogUniform(mr, 1, 5), join, leave, func(t int64) {
			d.t = t
			hit(Pick(mr, mine))
		})
	}
}

// giftcode guesses redeem codes: each address, signed in with its own
// fresh account, submits a code every 5 to 40 seconds from the client,
// the companion app or the web; nearly all are unknown, a few expired or
// already used, one now and then works. Some look at the daily offers
// first, as a person would.
func (w *world) giftcode(r *rand.Rand) {
	s := w.s
	c := w.newCampaign(r, "giftcode", 20+r.IntN(100), w.at(Uniform(r, 0.03, 0.55)), 200, 600)
	pool := []string{s.companionUA(r), s.companionUA(r), s.launcherUA(r)}
	for range 3 {
		pool = append(pool, s.clientUA(r, pc, s.build))
	}
	c.setUAs(r, append(pool, browserUAs[:3]...))
	for range c.members {
		mr := Sub(r)
		cl, join := w.member(mr, c)
		d := w.newDev(mr, func(int64) *Client { return cl }, join, Pick(mr, c.uas), token(mr))
		d.user = itoa(s.userBase + s.users + mr.IntN(60000))
		if Chance(mr, 0.3) {
			d.t = join - Sec(Uniform(mr, 3, 15))
			d.get(d.api("/store/offers/daily"), 200, 10, 50)
			d.t = join
		}
		d.attack = true
		leave := min(c.end, join+Sec(Uniform(mr, 60, 540)))
		every := Uniform(mr, 5, 40)
		for ; d.t < leave; d.t += Sec(every * Uniform(mr, 0.6, 1.4)) {
			status := []int{404, 410, 409, 200}[Weighted(mr, []float64{0.93, 0.04, 0.025, 0.005})]
			d.post(d.api("/redeem"), status, 90, 0.2, 70)
			if Chance(mr, 0.02) {
				d.user = itoa(s.userBase + s.users + mr.IntN(60000)) // a new account once this one is flagged
			}
		}
	}
}
