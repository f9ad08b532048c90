package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// people adds the day's visitors: anonymous readers, members on the web
// and in apps, and the moderators on duty, each a visit of some minutes
// from a home line, an office, a phone in its /64 or a carrier's NAT.
func (w *world) people(r *rand.Rand) {
	s := w.s
	for range w.clients {
		p := Sub(r)
		start := w.at(Uniform(p, -0.35, 1))
		switch Weighted(p, []float64{1 - s.members - s.apps, s.members, s.apps}) {
		case 0:
			w.reader(p, start)
		case 1:
			w.webMember(p, start)
		default:
			w.appMember(p, start)
		}
	}
	for range 1 + w.clients/900 + r.IntN(2) {
		w.moderator(Sub(r))
	}
}

// seat draws where a person sends from, and the browser they send with:
// a desktop at home, in an office, or a phone. Phones are on IPv6 (many
// moving to a new privacy address every few minutes), behind a carrier's
// NAT, or on home Wi-Fi.
func (w *world) seat(r *rand.Rand, phone bool, profile string, start int64) *agent {
	hdr := LogNormal(r, 640, 0.15)
	if !phone {
		ua := Pick(r, desktopUAs)
		switch x := r.Float64(); {
		case x < 0.06:
			return w.newAgent(r, w.behind(r, w.offices), ua, hdr)
		case x < 0.11 && len(w.homes) > 0:
			// another person of the same household
			return w.newAgent(r, Pick(r, w.homes), ua, hdr)
		}
		return w.newAgent(r, w.fresh(w.homeIP(r), profile, true), ua, hdr)
	}
	ua := Pick(r, phoneUAs)
	switch x := r.Float64(); {
	case x < 0.5:
		net := w.phoneNet(r)
		c := w.fresh(w.l.V6In(r, net), profile, false)
		a := w.newAgent(r, c, ua, hdr)
		if Chance(r, 0.6) {
			a.move = w.l.RotateV6(r, c, net, start, 120, 900)
		}
		return a
	case x < 0.85:
		return w.newAgent(r, w.behind(r, w.nat), ua, hdr)
	}
	return w.newAgent(r, w.fresh(w.homeIP(r), profile, true), ua, hdr)
}

// fresh registers a person's own address.
func (w *world) fresh(ip, profile string, home bool) *Client {
	c := w.l.Client(ip, KindNormal)
	c.Profile = profile
	if home {
		w.homes = append(w.homes, c)
	}
	return c
}

// behind draws one of the shared addresses, the first ones the busiest,
// and counts one more person behind it.
func (w *world) behind(r *rand.Rand, pool []*Client) *Client {
	c := pool[int(float64(len(pool))*r.Float64()*r.Float64())]
	w.sharing[c]++
	return c
}

// length draws how long a visit lasts.
func length(r *rand.Rand) int64 { return Sec(min(LogNormal(r, 320, 0.9), 3600)) }

// reader is an anonymous visitor from a browser.
func (w *world) reader(r *rand.Rand, start int64) {
	phone := Chance(r, 0.55)
	v := &visit{agent: w.seat(r, phone, "reader", start), t: start, end: start + length(r), cold: Chance(r, 0.45)}
	v.browse()
}
