package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// Where an attacker's address comes from. The disguised ones come from
// the same residential ranges as the fleet's homes and phones.
const (
	fromHosting = iota
	fromHome
	fromHome6
	fromMobile6
	fromCloud
)

// attacker registers one attacking address of kind.
func (d *day) attacker(r *rand.Rand, kind string, from int) *Client {
	reg := regions[Weighted(r, d.s.regionW)]
	var ip string
	switch from {
	case fromHome:
		ip = d.l.V4(r, reg.v4)
	case fromHome6:
		ip = d.l.V6In(r, V6Net(r, reg.v6))
	case fromMobile6:
		ip = d.l.V6In(r, V6Net(r, carrierV6))
	case fromCloud:
		ip = d.l.V4(r, cloudV4)
	default:
		ip = d.l.V4(r, hostingV4)
	}
	return d.l.Client(ip, kind)
}

// span draws when an attack runs: it starts in the first part of the
// window and lasts lo to hi seconds, or to the end of the window.
func (d *day) span(r *rand.Rand, lo, hi float64) (int64, int64) {
	a := d.at(r, 0.03, 0.55)
	return a, min(d.W, a+Sec(Uniform(r, lo, hi)))
}

// fakeApp is an attacker dressed as the app: a real app agent and app
// key, and an account of its own once signed in.
func (d *day) fakeApp(r *rand.Rand, c *Client) who {
	u := &user{id: userID(r), ios: Chance(r, 0.5)}
	u.phone, u.os = Pick(r, androids), "14"
	if u.ios {
		u.phone, u.os = Pick(r, iphones), Pick(r, iosVers)
	}
	return who{c: c, ua: u.agent(r), key: d.s.appKey[b2i(!u.ios)], user: u.id, hdr: 1150}
}

// signIn is the ordinary start of a session an attacker opens before its
// attack: configuration and a successful sign-in, not part of the attack.
func (d *day) signIn(r *rand.Rand, w who, t int64) int64 {
	w.attack = false
	t = d.send(w, t, hit{"GET", "/app/v5/config?platform=ios&build=71400", 200, 0, size(r, 3800, 0.2), lat(r, 15)}) + think(r, 2)
	return d.send(w.as(""), t, hit{"POST", "/app/v5/auth/signin", 200, size(r, 160, 0.2), 1900, lat(r, 240)}) + think(r, 2)
}

// known reports whether a serial belongs to the fleet.
func (d *day) known(sn string) bool {
	if d.serials == nil {
		d.serials = map[string]bool{}
		for _, h := range d.s.homes {
			for _, dv := range h.devices {
				d.serials[dv.serial] = true
			}
		}
	}
	return d.serials[sn]
}

// someDevice picks a device of the fleet, whose token an attacker stole.
func (d *day) someDevice(r *rand.Rand, family ...string) *device {
	for range 200 {
		dv := Pick(r, Pick(r, d.s.homes).devices)
		for _, f := range family {
			if dv.m.family == f {
				return dv
			}
		}
	}
	return d.s.homes[0].devices[0]
}

// deviceWho is an attacker holding the token of dv: its agent and its
// subject.
func (d *day) deviceWho(c *Client, dv *device) who {
	return who{c: c, ua: dv.m.ua(dv.m.newest()), user: "d/" + dv.serial, hdr: 780, attack: true}
}

// campaignSize draws how many addresses a campaign has: 24 to 150 on a
// full-size fleet, fewer on small ones, never under 24.
func (d *day) campaignSize(r *rand.Rand) int {
	return 24 + int(Uniform(r, 0, 126)*min(1, d.scale))
}

// join draws when one member of a campaign starts: within upTo seconds of
// the campaign's start, and early enough in its span to take part.
func (d *day) join(r *rand.Rand, start, end int64, upTo float64) int64 {
	return start + Sec(Uniform(r, 0, min(upTo, 0.3*float64(end-start)/1e9)))
}

// exists answers yes for a serial of the fleet and no for any other.
func (d *day) exists(sn string, yes, no int) int {
	if d.known(sn) {
		return yes
	}
	return no
}

// variant draws which way a lone attacker of kind k (in the order of
// runThreats) goes about it, by the site's habits.
func (d *day) variant(r *rand.Rand, k int) int { return Weighted(r, d.s.flavor[k]) }
