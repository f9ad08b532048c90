package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// campaignKinds are the label kinds of the attacks many addresses share.
var campaignKinds = []string{"stuffing", "bonusabuse", "arbscrape", "ddos", "cardtest"}

// campaignSizes are how many addresses a derby's campaign of each kind
// holds, at least and at most.
var campaignSizes = map[string][2]int{
	"stuffing": {40, 150}, "bonusabuse": {20, 70}, "arbscrape": {30, 120}, "ddos": {50, 200}, "cardtest": {20, 60},
}

// campaign is one attack many addresses carry out together.
type campaign struct {
	kind     string
	from, to int64 // when the campaign runs
	members  []*actor
}

// campaigns adds the day's distributed attacks: every kind on the derby,
// one or two small ones on the training day.
func (d *day) campaigns() {
	run := map[string]func(*rand.Rand, *campaign){
		"stuffing": d.stuffing, "bonusabuse": d.bonusAbuse, "arbscrape": d.arbScrape, "ddos": d.ddos, "cardtest": d.cardTest,
	}
	if d.test {
		for _, k := range campaignKinds {
			r := Sub(d.r)
			run[k](r, d.campaign(r, k, false))
		}
		return
	}
	kinds := []string{"stuffing", "arbscrape", "cardtest", "bonusabuse"}
	order := d.r.Perm(len(kinds))
	n := 1
	if Chance(d.r, 0.35) {
		n = 2
	}
	for _, i := range order[:n] {
		r := Sub(d.r)
		run[kinds[i]](r, d.campaign(r, kinds[i], true))
	}
}

// campaign registers a campaign's addresses: residential proxies for the
// kinds that must look like customers, a mix with rented servers for the
// others; small on the training day.
func (d *day) campaign(r *rand.Rand, kind string, small bool) *campaign {
	size := campaignSizes[kind]
	lo, hi := size[0], size[1]
	if small {
		lo, hi = 22, 34
	}
	c := &campaign{kind: kind}
	c.from, c.to = d.span(r, 0.5)
	id := kind + "-" + Hex(r, 6)
	nets := proxyNets
	if kind == "arbscrape" || kind == "ddos" {
		nets = append(append([]string{}, proxyNets...), cloud...)
	}
	ua := Pick(r, browsers)
	for range lo + r.IntN(hi-lo+1) {
		a := &actor{d: d, attack: true, ua: ua, hdr: int64(Uniform(r, 300, 1200))}
		a.c = d.l.Client(d.l.V4(r, nets), kind)
		a.c.Campaign = id
		if Chance(r, 0.5) {
			a.ua = Pick(r, browsers)
		} else if Chance(r, 0.3) {
			a.ua = d.s.appUA(r)
		}
		c.members = append(c.members, a)
	}
	return c
}

// start is when a member begins: within the campaign's first minute or
// third, so that every member sends inside the window.
func (c *campaign) start(r *rand.Rand) int64 {
	return c.from + int64(r.Float64()*float64(min(Sec(60), (c.to-c.from)/3)))
}

// stuffing tries leaked credentials: each address one login every 10–90
// s with another account each time, some loading the login page first;
// nearly all fail.
func (d *day) stuffing(r *rand.Rand, c *campaign) {
	for _, a := range c.members {
		for t := c.start(r); t < c.to; t += Sec(Uniform(r, 10, 90)) {
			if Chance(r, 0.3) {
				a.send(t, req(r, "GET", "/login", 200, 0, 38000, 40))
				t += Sec(Uniform(r, 1, 4))
			}
			ok := Chance(r, 0.025)
			a.send(t, login(r, ok))
			if ok {
				a.send(t+Sec(Uniform(r, 1, 3)), req(r, "GET", "/api/v2/account/balance", 200, 0, 160, 12))
			}
		}
	}
}
