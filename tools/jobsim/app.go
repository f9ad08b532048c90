package main

import (
	"fmt"
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// appPerson is one job seeker in the app: on an IPv6 privacy address
// that moves inside its /64 every few minutes, on the home Wi-Fi, or
// behind one of the carrier's NAT addresses. Most are signed in already.
func (d *day) appPerson(r *rand.Rand, nats []*Client, t int64, hot []int) {
	v := &visit{d: d, r: r, t: t, ua: d.site.appUA(r)}
	switch {
	case len(nats) == 0 || Chance(r, d.site.v6):
		net := V6Net(r, carrierV6)
		c := d.Client(d.V6In(r, net), KindNormal)
		c.Profile = "candidate-app"
		v.from = d.RotateV6(r, c, net, t, 120, 600)
	case Chance(r, 0.4):
		c := d.Client(d.V4(r, d.site.home), KindNormal)
		c.Profile = "candidate-app"
		v.from = func(int64) *Client { return c }
	default:
		c := Pick(r, nats)
		v.from = func(int64) *Client { return c }
	}
	if Chance(r, 0.85) {
		v.user = user(r, "u_")
	}
	d.appVisit(v, hot)
	if Chance(r, 0.35) {
		v.wait(60, 300)
		d.appVisit(v, hot)
	}
}

// appVisit is one session in the app: the start-up calls, the
// recommendations, searches, postings, telemetry, and for some an
// application.
func (d *day) appVisit(v *visit, hot []int) {
	r, s := v.r, d.site
	if v.user != "" {
		if Chance(r, 0.3) {
			v.send("POST", s.api+"/auth/refresh", 200, 420, 880, 70)
		}
		v.get(s.api+"/me", 200, int64(1200+r.IntN(1500)), 30)
		v.get(s.api+"/notifications?unread=true", 200, int64(300+r.IntN(4000)), 40)
	}
	v.get(s.api+"/config/mobile?platform=app", 200, 2600, 20)
	v.get(s.api+"/feed/recommended?limit=20", 200, int64(9000+r.IntN(20000)), 160)
	pApply := 0.1
	if hot != nil {
		pApply = 0.5
		d.viewPosting(v, Pick(r, hot), false)
	}
	for range searches(r, hot != nil) {
		d.search(v, false)
	}
	if v.user != "" && Chance(r, 0.3) {
		v.send("POST", fmt.Sprintf("%s/saved-jobs/%d", s.api, jobID(r)), 201, 60, 150, 35)
	}
	if Chance(r, pApply) {
		id := jobID(r)
		if hot != nil {
			id = Pick(r, hot)
		}
		d.apply(v, id, false)
	}
	v.send("POST", s.api+"/events/batch", 202, int64(1500+r.IntN(9000)), 40, 25)
}
