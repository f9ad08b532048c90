package main

import (
	"math"
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// punters sends the day's customers: the regulars who come back from the
// same home, new faces, and the extra arrivals each goal's push alert
// brings in.
func (d *day) punters() {
	seen := 0
	for _, g := range d.s.regulars {
		r := Sub(d.r)
		if !Chance(r, 0.7) {
			continue
		}
		seen++
		a := &actor{d: d, c: g.c, user: g.user, ua: Pick(r, browsers), hdr: int64(Uniform(r, 900, 1700))}
		if !g.web {
			a.ua, a.hdr = d.s.appUA(r), int64(Uniform(r, 400, 700))
		}
		d.visit(r, a, g.web, d.arrival(r), 420)
	}
	for range max(0, d.n-seen) {
		r := Sub(d.r)
		d.newPunter(r, d.arrival(r), 420)
	}
	for _, g := range d.goals {
		for range int(float64(d.n) * (g.lift - 1) * 0.05) {
			r := Sub(d.r)
			d.newPunter(r, g.t+Sec(Uniform(r, 2, 8)+r.ExpFloat64()*25), 150)
		}
	}
}

// arrival draws when a visit starts: some were already on when the
// recording began.
func (d *day) arrival(r *rand.Rand) int64 {
	return int64(Uniform(r, -0.5, 1) * float64(d.w))
}

// newPunter sends one visit of about stay seconds from a customer on the web or the app, at home
// or on a phone network (behind the carrier's NAT, or on IPv6 with a
// privacy address that rotates inside its /64).
func (d *day) newPunter(r *rand.Rand, start int64, stay float64) {
	cn := d.s.countries[Weighted(r, d.s.countryW)]
	a := &actor{d: d, ua: d.s.appUA(r), hdr: int64(Uniform(r, 400, 700))}
	if Chance(r, 0.85) {
		a.user = userName(r)
	}
	web := Chance(r, 0.4)
	switch x := r.Float64(); {
	case web:
		a.ua, a.hdr = Pick(r, browsers), int64(Uniform(r, 900, 1700))
		a.c = d.l.Client(d.l.V4(r, cn.isp), KindNormal)
		a.c.Profile = "web-punter"
	case x < d.s.v6Share:
		net := V6Net(r, cn.v6)
		a.c = d.l.Client(d.l.V6In(r, net), KindNormal)
		a.c.Profile = "app-punter-v6"
		a.move = d.l.RotateV6(r, a.c, net, start, 120, 900)
	case x < d.s.v6Share+d.s.natShare && cn.name == d.s.home.name:
		a.c = Pick(r, d.s.nats)
	default:
		a.c = d.l.Client(d.l.V4(r, cn.isp), KindNormal)
		a.c.Profile = "app-punter"
	}
	d.visit(r, a, web, start, stay)
}

// visit is one customer's session: open the site, maybe sign in, then
// either watch a match (polling its prices, by stream or long-poll) or
// browse, acting now and then, and more often after a goal. Visits last
// around stay seconds: long for those who came to watch, short for those a
// goal alert brought in.
func (d *day) visit(r *rand.Rand, a *actor, web bool, start int64, stay float64) {
	end := min(d.w, start+Sec(LogNormal(r, stay, 0.7)))
	t := d.open(r, a, web, start)
	m := d.s.pickMatch(r)
	watching := Chance(r, 0.5)
	mode := Weighted(r, []float64{0.7, 0.15, 0.15})
	seq := r.IntN(90000)
	for t < end {
		load := d.load(t)
		gap := LogNormal(r, 25, 0.8)
		act := 0.3
		if watching {
			gap, act = d.watch(r, a, web, mode, m, t, &seq), 0.035
		}
		if Chance(r, math.Min(0.9, act*load)) {
			t = d.act(r, a, m, t, load)
		}
		t += Sec(gap / load)
	}
}

// open is the start of a visit: the page and its assets on the web, the
// app's config and balance on a phone, and a sign-in with 2FA now and then
// (with a mistyped code or password once in a while).
func (d *day) open(r *rand.Rand, a *actor, web bool, t int64) int64 {
	if web {
		a.send(t, matchPage(r, d.s.pickMatch(r)))
		for range 2 + r.IntN(5) {
			t += Sec(Uniform(r, 0.02, 0.3))
			a.send(t, asset(r, Chance(r, 0.55)))
		}
	} else {
		a.send(t, req(r, "GET", "/api/v2/config?platform=app&v="+d.s.appVer, 200, 0, 5200, 20))
	}
	if a.user == "" || !Chance(r, 0.25) {
		return t + Sec(Uniform(r, 0.5, 3))
	}
	t += Sec(Uniform(r, 3, 15))
	a.send(t, login(r, !Chance(r, 0.05)))
	if Chance(r, 0.06) {
		t += Sec(Uniform(r, 5, 20))
		a.send(t, twoFA(r, false))
	}
	t += Sec(Uniform(r, 6, 25))
	a.send(t, twoFA(r, true))
	return t + Sec(Uniform(r, 0.5, 3))
}

// watch sends one poll of the watched match and returns the seconds until
// the next: every 1–5 s when polling, on reconnect for a stream or a
// long-poll.
func (d *day) watch(r *rand.Rand, a *actor, web bool, mode int, m match, t int64, seq *int) float64 {
	*seq += r.IntN(40)
	switch mode {
	case 1:
		held := Uniform(r, 20, 90)
		a.send(t, stream(r, m, held))
		return held + Uniform(r, 0.1, 2)
	case 2:
		e := longPoll(r, m, *seq)
		a.send(t, e)
		return e.DurationMS/1000 + Uniform(r, 0.05, 0.5)
	}
	a.send(t, oddsPoll(r, m, *seq))
	if web {
		return Uniform(r, 1, 4)
	}
	return Uniform(r, 2, 6)
}
