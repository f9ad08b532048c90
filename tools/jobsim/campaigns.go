package main

import (
	"fmt"
	"math/rand/v2"
	"slices"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// campaign is one coordinated attack from many addresses: its kind, the
// id its addresses share, and how many of them it has.
type campaign struct {
	kind, id string
	size     int
}

// campaignKinds are the campaigns a test day holds, each run by its
// function with sizes drawn between lo and hi addresses.
var campaignKinds = []struct {
	kind   string
	lo, hi int
}{{"stuffing", 40, 150}, {"appspam", 25, 60}, {"cvscrape", 25, 80}, {"ddos", 50, 200}, {"fakejobs", 20, 40}}

// campaigns adds the day's campaigns: all of them on a test day, one (and
// now and then a second) small one on the training day.
func (d *day) campaigns(r *rand.Rand) {
	runs := map[string]func(*rand.Rand, campaign){"stuffing": d.stuffing, "appspam": d.appspam, "cvscrape": d.cvscrape, "ddos": d.ddos, "fakejobs": d.fakejobs}
	train := []int{0, 1, 2, 4}
	r.Shuffle(len(train), func(i, j int) { train[i], train[j] = train[j], train[i] })
	train = train[:1+r.IntN(2)]
	for i, k := range campaignKinds {
		rr := Sub(r)
		c := campaign{kind: k.kind, id: fmt.Sprintf("%s-%d-%s", k.kind, i+1, Hex(rr, 6)), size: k.lo + rr.IntN(k.hi-k.lo+1)}
		switch {
		case d.test && k.kind == "ddos":
			c.size = min(c.size, d.site.ddosMax)
		case !d.test && !slices.Contains(train, i):
			continue
		case !d.test:
			c.size = 22 + rr.IntN(12)
		}
		runs[k.kind](rr, c)
	}
}

// member registers one address of campaign c, from prefixes.
func (d *day) member(r *rand.Rand, c campaign, prefixes []string) *Client {
	m := d.Client(d.V4(r, prefixes), c.kind)
	m.Campaign = c.id
	return m
}

// span draws when a campaign runs: it starts early enough that every
// member shows up inside the window.
func (d *day) span(r *rand.Rand) (from, to int64) {
	from = d.startIn(r, 0, 0.35)
	return from, from + d.startIn(r, 0.3, 0.6)
}

// stuffing tries leaked credentials from residential proxies: each
// address tries one login every 10 to 90 seconds with a browser's user
// agent, some loading the sign-in page first; a few logins work and the
// account is looked at.
func (d *day) stuffing(r *rand.Rand, c campaign) {
	s := d.site
	from, to := d.span(r)
	for range c.size {
		rr := Sub(r)
		v := d.newVisit(rr, d.member(rr, c, residential), from+Sec(Uniform(rr, 0, 40)), browser(rr))
		v.attack = true
		if Chance(rr, 0.35) {
			v.page("/login")
		}
		for v.t < to+Sec(60) && !v.over() {
			if Chance(rr, 0.015) {
				v.send("POST", s.api+"/auth/login", 200, 170, 920, 250)
				v.user = user(rr, "u_")
				v.get(s.api+"/me", 200, 1400, 30)
				v.get(s.api+"/me/profile", 200, 6200, 40)
				v.user = ""
			} else {
				v.send("POST", s.api+"/auth/login", 401, 170, 120, 230)
			}
			v.t += Sec(Uniform(rr, 10, 90))
		}
	}
}

// appspam creates accounts that mass-apply to postings with the same
// junk CV: every request succeeds.
func (d *day) appspam(r *rand.Rand, c campaign) {
	s := d.site
	from, to := d.span(r)
	junk := int64(18000 + r.IntN(4000))
	for range c.size {
		rr := Sub(r)
		v := d.newVisit(rr, d.member(rr, c, slices.Concat(residential, carrierV4)), from+Sec(Uniform(rr, 0, 60)), Pick(rr, []string{browser(rr), s.appUA(rr)}))
		v.attack = true
		v.send("POST", s.api+"/auth/signup", 201, 400, 900, 300)
		v.user = user(rr, "u_")
		v.get(s.api+"/me", 200, 900, 30)
		for v.t < to && !v.over() {
			id := jobID(rr)
			v.get(fmt.Sprintf("%s/jobs/%d", s.api, id), 200, int64(4000+rr.IntN(9000)), 45)
			v.upload("POST", s.api+"/uploads/cv?filename=resume.pdf", 201, junk+int64(rr.IntN(64)))
			v.send("POST", s.api+"/applications", 201, int64(700+rr.IntN(200)), 420, 180)
			v.wait(4, 25)
		}
	}
}
