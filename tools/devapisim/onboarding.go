package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// Every day new customers sign up: a developer opens an account, reads
// the docs, tries the key by hand and, for some, puts a server to work
// within the hour, now and then a busy one. No earlier day saw them.

// signUp opens a new self-serve account: the form, the verification link
// from the email, the first sign-in and the first key. It returns when it
// is done, with the account; the actor is signed in as its user.
func (d *day) signUp(a *actor, t int64) (int64, *customer) {
	r := a.r
	cu := d.plat.newCustomer(d.log, r, tierSmall)
	cu.plan = "free"
	a.do(t, get(console("/signup"), LogNormal(r, 5600, 0.1), LogNormal(r, 9, 0.5)))
	t += gap(r, 40, 0.5)
	a.do(t, call{method: "POST", path: console("/api/signup"), body: 310, resp: 260, ms: LogNormal(r, 220, 0.4), status: 201})
	t += gap(r, 35, 0.7)
	a.do(t, get(console("/verify?token="+Hex(r, 16)+Hex(r, 16)), LogNormal(r, 3100, 0.1), LogNormal(r, 30, 0.4)))
	t += gap(r, 4, 0.5)
	a.do(t, call{method: "POST", path: console("/api/session"), body: 96, resp: 410, ms: LogNormal(r, 140, 0.3)})
	a.user = "usr_" + Hex(r, 12)
	t += gap(r, 0.4, 0.4)
	a.do(t, get(console("/api/me"), LogNormal(r, 900, 0.2), LogNormal(r, 12, 0.4)))
	t += gap(r, 12, 0.6)
	a.do(t, call{method: "POST", path: cu.consolePath("/keys"), body: 140, resp: 420, ms: LogNormal(r, 40, 0.4), status: 201})
	return t, cu
}

func (d *day) newcomers(r *rand.Rand) {
	for range 2 + d.clients/600 + r.IntN(3) {
		rr := Sub(r)
		a := d.actor(rr, d.normal(workplace(d.log, rr), "new-developer"), browser(rr), "")
		t := d.at(Uniform(rr, -0.3, 0.4))
		if Chance(rr, 0.5) {
			t = d.readDocs(a, t, 1+rr.IntN(4))
		}
		t, cu := d.signUp(a, t)
		if Chance(rr, 0.6) {
			// The server goes live while its developer still tries things.
			d.firstServer(rr, cu, t+gap(rr, 150, 0.8))
		}
		t = d.consoleVisit(a, cu, a.user, t, false)
		d.explore(d.actor(rr, a.c, Pick(rr, devTools), cu.secret), cu, t)
	}
}

// firstServer is a new customer's first deployment calling the API.
func (d *day) firstServer(r *rand.Rand, cu *customer, from int64) {
	c := d.normal(server(d.log, r, cu.pool), "new-customer-server")
	cu.plan = "starter"
	if Chance(r, 0.4) {
		c.Heavy = true
		cu.base = LogUniform(r, 0.3, 3)
		cu.rate = LogUniform(r, 20, 100)
		cu.burst = 2 * cu.rate
		if Chance(r, 0.4) {
			cu.cron, cu.cronSize, cu.cronRate = 1, LogUniform(r, 20, 200), LogUniform(r, 20, 150)
		}
	} else {
		cu.base = LogUniform(r, 0.01, 0.2)
	}
	sh := newShift(cu)
	sh.actors = []*actor{d.actor(r, c, cu.serverUA(d.plat), cu.secret)}
	d.work(r, sh, from)
}
