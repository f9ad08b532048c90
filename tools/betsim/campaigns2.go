package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// bonusAbuse opens fresh accounts to claim the sign-up bonus: register,
// claim, a minimum deposit and a minimum bet, one to three accounts per
// address, nearly all of it succeeding.
func (d *day) bonusAbuse(r *rand.Rand, c *campaign) {
	code := Pick(r, []string{"WELCOME50", "FREEBET20", "DERBY100", "NEWPLAYER"})
	for _, a := range c.members {
		t := c.start(r)
		for range 1 + r.IntN(3) {
			if t >= c.to {
				break
			}
			a.user = ""
			a.send(t, req(r, "POST", "/api/v2/auth/register", Pick(r, []int{201, 201, 201, 201, 409}), 520, 700, 260))
			a.user = userName(r)
			steps := []Event{
				promo(r),
				req(r, "POST", "/api/v2/promotions/"+code+"/claim", 200, 80, 400, 90),
				deposit(r, 10, 0.05),
				liveList(r),
				slipAdd(r, d.s.pickMatch(r)),
				req(r, "POST", "/api/v2/bets", 201, 420, 900, 140),
				req(r, "GET", "/api/v2/account/balance", 200, 0, 160, 12),
			}
			for _, e := range steps {
				t += Sec(LogUniform(r, 3, 40))
				a.send(t, e)
			}
			t += Sec(LogUniform(r, 20, 120))
		}
	}
}

// arbScrape copies the site's prices across many addresses, each at a
// modest pace over many events' markets.
func (d *day) arbScrape(r *rand.Rand, c *campaign) {
	for _, a := range c.members {
		rate := LogUniform(r, 0.08, 0.6)
		for t := c.start(r); t < c.to; t += Sec(r.ExpFloat64() / rate) {
			m := Pick(r, d.s.events)
			if Chance(r, 0.7) {
				a.send(t, markets(r, m))
			} else {
				a.send(t, oddsPoll(r, m, r.IntN(90000)))
			}
		}
	}
}

// ddos floods a few pages from every address at once around a goal, when
// the site is busiest.
func (d *day) ddos(r *rand.Rand, c *campaign) {
	g := Pick(r, d.goals)
	c.from = max(0, g.t-Sec(Uniform(r, 0, 30)))
	c.to = min(d.w, c.from+Sec(Uniform(r, 60, 180)))
	m := d.s.events[0]
	pages := []func() Event{
		func() Event { return liveList(r) },
		func() Event { return matchPage(r, m) },
		func() Event { return req(r, "GET", "/", 200, 0, 82000, 60) },
	}
	for _, a := range c.members {
		Poisson(r, LogUniform(r, 0.5, 4), c.start(r), c.to, func(t int64) { a.send(t, Pick(r, pages)()) })
	}
}

// cardTest tries stolen cards with small deposits from a handful of
// accounts spread over the addresses: one attempt every 10–40 s each,
// mostly declined.
func (d *day) cardTest(r *rand.Rand, c *campaign) {
	var users []string
	for range 3 + r.IntN(6) {
		users = append(users, userName(r))
	}
	for _, a := range c.members {
		a.user = Pick(r, users)
		for t := c.start(r); t < c.to; t += Sec(Uniform(r, 10, 40)) {
			if Chance(r, 0.25) {
				a.send(t, req(r, "POST", "/api/v2/payments/cards", Pick(r, []int{201, 201, 422}), 450, 300, 400))
				t += Sec(Uniform(r, 2, 6))
			}
			a.send(t, deposit(r, 1+r.IntN(5), 0.88))
		}
	}
}
