package main

import (
	"math/rand/v2"
	"slices"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// gateway gives, in time order, the verdicts of the gateway and of the
// origin behind it: 429 for what is over the gateway's limits, 503 for
// what the origin sheds when it is over its capacity, and now and then an
// error of the origin.
func (d *day) gateway(r *rand.Rand) {
	d.log.Sort()
	ev := d.log.Events()
	d.limit(r, ev)
	d.shed(r, ev)
}

// exempt reports whether a request passes the gateway without counting:
// the CDN's files and the custody provider's signed webhooks.
func exempt(path string) bool { return static(path) || strings.HasPrefix(path, "/hooks/") }

// limit applies the token buckets: every address has one, and besides it
// the sign-in routes count per address, signed-in requests per user or
// API key and anonymous ones per address again, more tightly. While the
// rush lasts, the surge protection adds a tight bucket per address on the
// hot market and one for all the orders of the web and the apps.
func (d *day) limit(r *rand.Rand, ev []Event) {
	lim, s := d.s.lim, d.s
	perIP := NewBuckets(lim.ip, lim.ipBurst)
	pub := NewBuckets(lim.pub, lim.pubBurst)
	login := NewBuckets(lim.login, lim.loginBurst)
	priv := NewBuckets(lim.priv, lim.privBurst)
	hot := NewBuckets(lim.hot, 8)
	placed := 0.
	for i := range ev {
		if ev[i].Method == "POST" && ev[i].Path == s.orders() && ev[i].Key == "" {
			placed++
		}
	}
	orderRate := max(2, placed/float64(d.log.Window())*1e9*lim.orders)
	orders := NewBuckets(orderRate, 4*orderRate)
	for i := range ev {
		e := &ev[i]
		if exempt(e.Path) {
			continue
		}
		ok := perIP.Take(e.C.IP, e.T)
		if d.rush.on(e.T) && strings.Contains(e.Path, d.rush.pair) {
			ok = hot.Take(e.C.IP, e.T) && ok
		}
		if d.rush.on(e.T) && e.Method == "POST" && e.Path == s.orders() && e.Key == "" {
			ok = orders.Take("", e.T) && ok
		}
		switch {
		case e.Path == s.login || e.Path == s.mfa:
			ok = login.Take(e.C.IP, e.T) && ok
		case e.Key != "":
			ok = priv.Take(e.Key, e.T) && ok
		case e.User != "":
			ok = priv.Take(e.User, e.T) && ok
		default:
			ok = pub.Take(e.C.IP, e.T) && ok
		}
		if !ok {
			e.Status, e.RespBytes, e.DurationMS = 429, int64(LogNormal(r, 150, 0.1)), Uniform(r, 0.2, 1.5)
		}
	}
}

// shed refuses part of what reaches the origin in the seconds it carries
// more than its capacity, a few times its usual load.
func (d *day) shed(r *rand.Rand, ev []Event) {
	reaches := func(e *Event) bool { return !exempt(e.Path) && e.Status != 429 }
	per := make([]float64, d.log.Window()/1e9+1)
	for i := range ev {
		if reaches(&ev[i]) {
			per[ev[i].T/1e9]++
		}
	}
	usual := slices.Clone(per)
	slices.Sort(usual)
	capacity := max(usual[len(usual)/4]*d.s.capacityMul, 20)
	for i := range ev {
		e := &ev[i]
		if !reaches(e) {
			continue
		}
		if load := per[e.T/1e9]; load > capacity && Chance(r, 0.55*(1-capacity/load)) {
			e.Status, e.RespBytes, e.DurationMS = 503, int64(LogNormal(r, 230, 0.1)), LogNormal(r, 900, 0.6)
		} else if Chance(r, 0.0015) {
			e.Status, e.RespBytes = Pick(r, []int{500, 502, 504}), int64(LogNormal(r, 260, 0.2))
		}
	}
}
