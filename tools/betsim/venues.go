package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// venues sends the shops' terminals, the trading office, the crawlers, the
// uptime monitors and the link previewers.
func (d *day) venues() {
	for _, sh := range d.s.shops {
		for _, u := range sh.users {
			r := Sub(d.r)
			d.terminal(r, &actor{d: d, c: sh.c, ua: "BetTerm/5.4 (Linux; kiosk) " + sh.id, user: u, key: "term_" + sh.id, hdr: 380})
		}
	}
	for _, o := range d.s.offices {
		for _, u := range o.users {
			r := Sub(d.r)
			d.trader(r, &actor{d: d, c: o.c, ua: Pick(r, browsers), user: u, hdr: 1400})
		}
	}
	for _, sv := range append(d.s.crawlers, d.s.monitors...) {
		r := Sub(d.r)
		a := &actor{d: d, c: sv.c, ua: sv.ua, hdr: 200}
		f := func(int64) Event { return d.crawl(r) }
		if sv.c.Profile == "uptime-monitor" {
			f = func(int64) Event { return health(r) }
		}
		d.steady(r, a, sv.rate*LogNormal(r, 1, 0.2), 0, 0, d.w, f)
	}
	d.previews(Sub(d.r))
}

// terminal is a shop's self-service terminal: it refreshes the live coupon
// every few seconds and prints the tickets customers buy.
func (d *day) terminal(r *rand.Rand, a *actor) {
	for t := Sec(Uniform(r, 0, 10)); t < d.w; t += Sec(Uniform(r, 5, 15)) {
		a.send(t, req(r, "GET", "/retail/v1/coupons/live?shop="+a.key[5:], 200, 0, 36000, 40))
		if Chance(r, 0.04*d.load(t)) {
			t += Sec(Uniform(r, 10, 40))
			e := placeBet(r, d.load(t))
			e.Path = "/retail/v1/bets"
			a.send(t, e)
			if e.Status == 201 {
				a.send(t+Sec(Uniform(r, 0.5, 2)), req(r, "POST", "/retail/v1/tickets/"+Hex(r, 10)+"/print", 200, 120, 300, 90))
			}
		}
	}
}

// trader is a trading-office employee: liabilities and market views all
// shift, market suspensions right after each goal.
func (d *day) trader(r *rand.Rand, a *actor) {
	for t := Sec(Uniform(r, 0, 30)); t < d.w; t += Sec(LogNormal(r, 12, 0.7)) {
		m := d.s.pickMatch(r)
		switch r.IntN(3) {
		case 0:
			a.send(t, req(r, "GET", "/trading/v1/liabilities?event="+itoa(m.id), 200, 0, 18000, 220))
		case 1:
			a.send(t, req(r, "GET", "/trading/v1/markets?event="+itoa(m.id)+"&view=risk", 200, 0, 42000, 150))
		default:
			a.send(t, req(r, "GET", "/backoffice/customers/"+itoa(1000000+r.IntN(8999999))+"/bets", 200, 0, 9000, 120))
		}
	}
	for _, g := range d.goals {
		if Chance(r, 0.3) {
			a.send(g.t+Sec(Uniform(r, 1, 8)), req(r, "POST", "/trading/v1/markets/"+itoa(d.s.events[0].id)+"/suspend", 200, 90, 200, 60))
		}
	}
}

// crawl is a search engine's fetch of a public page.
func (d *day) crawl(r *rand.Rand) Event {
	switch r.IntN(6) {
	case 0:
		return req(r, "GET", "/robots.txt", 200, 0, 600, 3)
	case 1:
		return req(r, "GET", "/sitemap-events.xml", 200, 0, 90000, 40)
	case 2:
		return req(r, "GET", "/promotions", Pick(r, []int{200, 304}), 0, 64000, 50)
	}
	return matchPage(r, d.s.pickMatch(r))
}

// health is an uptime monitor's check.
func health(r *rand.Rand) Event {
	if Chance(r, 0.5) {
		return req(r, "GET", "/healthz", 200, 0, 20, 2)
	}
	return req(r, "GET", "/api/v2/status", 200, 0, 300, 8)
}

// previews are the chat apps and feed readers that fetch a shared bet
// slip or match page a few times: a new address each, odd user agents.
func (d *day) previews(r *rand.Rand) {
	for range 8 + r.IntN(25) {
		c := d.l.Client(d.l.V4(r, cloud), KindNormal)
		c.Profile = "link-preview"
		a := &actor{d: d, c: c, ua: Pick(r, harmlessBots), hdr: 150}
		t := int64(r.Float64() * float64(d.w))
		for range 1 + r.IntN(4) {
			if Chance(r, 0.5) {
				a.send(t, req(r, "GET", "/share/slip/"+Hex(r, 8), 200, 0, 14000, 30))
			} else {
				a.send(t, matchPage(r, d.s.pickMatch(r)))
			}
			t += Sec(LogUniform(r, 0.2, 60))
		}
	}
}
