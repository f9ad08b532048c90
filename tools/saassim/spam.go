package main

import (
	"math/rand/v2"

	"github.com/portcullis/portcullis/decision/apikey"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// newUser returns an account created today: beyond the ids of the site's
// registered people.
func (w *world) newUser(r *rand.Rand) string {
	return "u" + itoa(w.s.userBase+w.s.users+r.IntN(500000))
}

// inviteSpam uses the SaaS's invitation emails to deliver spam: each
// address signs up for a trial, follows the verification link, creates a
// workspace named with the spam's message and sends invitations to lists
// of twenty to fifty addresses every so often, until the abuse check
// suspends the workspace (403); then it starts over with a new account.
func (w *world) inviteSpam(r *rand.Rand) {
	c := w.newCampaign(r, "invitespam", 20+r.IntN(60), w.at(Uniform(r, 0.03, 0.55)), 240, 600)
	for i := range c.members {
		mr := Sub(r)
		cl, join := w.member(mr, c, i)
		d := w.newDev(mr, func(int64) *Client { return cl }, join, web, Pick(mr, c.uas))
		w.looks(d, c, join, "/signup")
		leave := min(c.end, join+Sec(Uniform(mr, 90, 480)))
		every := LogUniform(mr, 8, 60)
		d.attack = true
		for d.t < leave {
			d.user = ""
			d.send("POST", "/api/v2/signup", 201, 320, kb(mr, 0.6), 280)
			d.pause(4, 25)
			d.send("GET", "/verify-email?token="+Hex(mr, 16)+Hex(mr, 16), 302, 0, 300, 40)
			d.user = w.newUser(mr)
			d.pause(1, 5)
			d.send("POST", "/api/v2/workspaces", 201, 260, kb(mr, 2), 190)
			ws := itoa(w.s.tenants[len(w.s.tenants)-1].id + 5000 + mr.IntN(900000))
			suspend := 3 + mr.IntN(15)
			for sent := 0; d.t < leave; sent++ {
				d.t += Sec(every * Uniform(mr, 0.6, 1.4))
				if sent >= suspend {
					d.send("POST", "/api/v2/workspaces/"+ws+"/invitations", 403, 2500, 200, 30)
					d.pause(2, 15)
					break
				}
				d.send("POST", "/api/v2/workspaces/"+ws+"/invitations", 201, int64(800+mr.IntN(3000)), kb(mr, 1), 240)
			}
		}
	}
}

// tokenSpray guesses secrets from many addresses at once, each a guess
// every few seconds to half a minute: invitation links (nearly all 404,
// a few expired 410) or API keys (401).
func (w *world) tokenSpray(r *rand.Rand) {
	c := w.newCampaign(r, "tokenspray", 20+r.IntN(100), w.at(Uniform(r, 0.03, 0.6)), 240, 720)
	keys := Chance(r, 0.5)
	for i := range c.members {
		mr := Sub(r)
		cl, join := w.member(mr, c, i)
		d := w.newDev(mr, func(int64) *Client { return cl }, join, web, Pick(mr, c.uas))
		if !keys {
			w.looks(d, c, join, "/invite/"+Hex(mr, 16)+Hex(mr, 6))
		}
		leave := min(c.end, join+Sec(Uniform(mr, 60, 600)))
		every := LogUniform(mr, 3, 30)
		d.attack = true
		for d.t < leave {
			if keys {
				d.key = apikey.ID("ld_live_" + Hex(mr, 16) + Hex(mr, 16))
				d.send("GET", "/api/v2/me", 401, 0, 110, 8)
			} else {
				d.send("GET", "/api/v2/invitations/"+Hex(mr, 16)+Hex(mr, 6), []int{404, 410}[Weighted(mr, []float64{0.98, 0.02})], 0, 130, 20)
			}
			d.t += Sec(every * Uniform(mr, 0.5, 1.5))
		}
	}
}

// cardTest checks stolen card numbers on the billing page: each address
// signs up for a trial, opens the billing settings, and adds a card every
// ten to forty-five seconds; the bank declines most (402).
func (w *world) cardTest(r *rand.Rand) {
	c := w.newCampaign(r, "cardtest", 20+r.IntN(50), w.at(Uniform(r, 0.05, 0.55)), 240, 600)
	for i := range c.members {
		mr := Sub(r)
		cl, join := w.member(mr, c, i)
		d := w.newDev(mr, func(int64) *Client { return cl }, join-Sec(Uniform(mr, 20, 70)), web, Pick(mr, c.uas))
		d.send("POST", "/api/v2/signup", 201, 320, kb(mr, 0.6), 280)
		d.user = w.newUser(mr)
		d.pause(3, 10)
		ws := itoa(w.s.tenants[len(w.s.tenants)-1].id + 5000 + mr.IntN(900000))
		if Chance(mr, c.browse) {
			d.shell("/w/trial-" + Hex(mr, 6) + "/settings/billing")
		}
		d.send("GET", "/api/v2/billing/plans", 200, 0, kb(mr, 3), 30)
		d.pause(1, 4)
		d.send("POST", "/api/v2/workspaces/"+ws+"/billing/setup-intent", 200, 120, kb(mr, 0.5), 300)
		d.t = max(d.t, join)
		leave := min(c.end, join+Sec(Uniform(mr, 90, 480)))
		every := LogUniform(mr, 10, 45)
		d.attack = true
		for d.t < leave {
			st := []int{402, 200, 400}[Weighted(mr, []float64{0.88, 0.05, 0.07})]
			d.send("POST", "/api/v2/workspaces/"+ws+"/billing/payment-methods", st, int64(500+mr.IntN(300)), kb(mr, 0.4), 900)
			d.t += Sec(every * Uniform(mr, 0.6, 1.4))
		}
	}
}
