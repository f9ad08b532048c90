package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// runHomes plays every home of the fleet: first it places each device on
// an address (the home router, an IPv6 address of its own, or the mobile
// carrier's shared NAT) and counts how many devices share each address,
// which matters when they all reconnect at once; then it plays the
// devices, the people's phones and the homes' automation servers.
func (d *day) runHomes() {
	r := Sub(d.r)
	// The carrier's NAT pool, as far as this fleet sees it, grows with
	// the phones and LTE devices that may use it.
	mobile := 0
	for _, h := range d.s.homes {
		mobile += len(h.users)
		for _, dv := range h.devices {
			mobile += 10 * b2i(dv.m.cellular)
		}
	}
	for range max(3, mobile/200) {
		d.pool = append(d.pool, d.client(d.l.V4(r, carrierV4), "cgnat", false))
	}
	type placed struct {
		h  *home
		dv *device
		c  *Client
	}
	var all []placed
	load := map[*Client]int{}
	for _, h := range d.s.homes {
		for _, dv := range h.devices {
			c := d.deviceClient(r, h, dv)
			load[c]++
			all = append(all, placed{h, dv, c})
		}
	}
	for _, p := range all {
		d.runDevice(Sub(r), p.h, p.dv, p.c, load[p.c])
	}
	for _, h := range d.s.homes {
		for _, u := range h.users {
			d.phone(Sub(r), u)
		}
		if h.hubKey != "" {
			d.selfhosted(Sub(r), h)
		}
	}
}

// deviceClient is the address a device's requests come from today.
func (d *day) deviceClient(r *rand.Rand, h *home, dv *device) *Client {
	switch {
	case dv.m.cellular:
		return Pick(r, d.pool)
	case h.net != "" && dv.eui != "":
		return d.client(dv.eui, "home-v6", false)
	case h.net != "" && dv.m.v6:
		return d.client(d.l.V6In(r, h.net), "home-v6", false)
	}
	return d.homeClient(r, h)
}

// homeClient is the home router's IPv4 address today: usually the one it
// always has, now and then a new lease from the same provider.
func (d *day) homeClient(r *rand.Rand, h *home) *Client {
	if c := d.homes[h]; c != nil {
		return c
	}
	ip := h.addr
	if Chance(r, 0.12) {
		ip = d.l.V4(r, h.reg.v4)
	}
	c := d.client(ip, "home", false)
	if h.hubKey != "" {
		c.Profile, c.Heavy = "home-automation", true
	}
	d.homes[h] = c
	return c
}

// phoneAt is where a person's phone is for one session: on the home
// Wi-Fi (behind the router, or on a rotating IPv6 privacy address of the
// home's /64), or on the mobile network (an IPv6 address of its own that
// rotates too, or the carrier's shared IPv4 NAT).
func (d *day) phoneAt(r *rand.Rand, u *user, t int64) who {
	w := who{ua: u.agent(r), key: d.s.appKey[b2i(!u.ios)], user: u.id, hdr: 1150}
	h := u.home
	athome := Chance(r, 0.6)
	switch {
	case athome && h.net != "":
		w.c = d.client(d.l.V6In(r, h.net), "home-v6", false)
		w.move = d.l.RotateV6(r, w.c, h.net, t, 900, 7200)
	case athome:
		w.c = d.homeClient(r, h)
	case Chance(r, 0.5):
		net := V6Net(r, carrierV6)
		w.c = d.client(d.l.V6In(r, net), "phone", false)
		w.move = d.l.RotateV6(r, w.c, net, t, 600, 3600)
	default:
		w.c = Pick(r, d.pool)
	}
	return w
}

func (u *user) agent(r *rand.Rand) string {
	b := Pick(r, appBuilds)
	if u.ios {
		return "LumioHome/" + b + " (" + u.phone + "; iOS " + u.os + ") Alamofire/5.9.1"
	}
	return "LumioHome/" + b + " (Android " + u.os + "; " + u.phone + ") okhttp/4.12.0"
}
