package main

import (
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// Campaigns spread one attack over 20-150 addresses, each of which looks
// modest on its own.

func (d *day) campaigns(r *rand.Rand) {
	d.stuffing(Sub(r))
	d.ddos(Sub(r))
	if Chance(r, d.plat.secondDDoSP) {
		d.ddos(Sub(r))
	}
	d.keyspray(Sub(r))
	d.freetier(Sub(r))
	if Chance(r, d.plat.resaleP) {
		d.resale(Sub(r))
	}
}

// crew is a campaign's members with the stretch each of them works: all
// start within a couple of minutes of the campaign's start, and leave
// before its end or at it.
type crew struct {
	id         string
	size       int
	start, end int64
}

func (d *day) crew(r *rand.Rand, kind string, lo, hi float64) crew {
	n := int(LogUniform(r, lo, hi) * d.plat.campaignScale)
	start := d.at(Uniform(r, 0.08, 0.45))
	return crew{id: d.campaignID(kind), size: max(20, min(150, n)), start: start, end: min(d.win, start+Sec(LogUniform(r, 240, 2400)))}
}

// member draws one member's stretch: it joins within the first part of
// the campaign and leaves somewhere in its second half or at its end.
func (d *day) member(r *rand.Rand, cr crew) (int64, int64) {
	from := cr.start + Sec(Uniform(r, 0, min(120, 0.3*float64(cr.end-cr.start)/1e9)))
	to := from + int64(float64(cr.end-from)*Uniform(r, 0.5, 1))
	if Chance(r, 0.6) {
		to = cr.end
	}
	return from, to
}

// proxied draws a member's address: residential proxies mostly, phones,
// some hosting.
func (d *day) proxied(r *rand.Rand, kind string, cr crew, hosting float64) *Client {
	switch x := r.Float64(); {
	case x < hosting:
		return d.hostile(server(d.log, r, vpsV4), kind, cr.id)
	case x < hosting+(1-hosting)*0.15:
		return d.hostile(d.log.V4(r, mobileV4), kind, cr.id)
	}
	return d.hostile(household(d.log, r, 0.25), kind, cr.id)
}

// stuffing tries leaked e-mail and password pairs on the dashboard sign-in,
// each address every 10-90 s; the rare pair that works is followed by a
// look at the account's keys.
func (d *day) stuffing(r *rand.Rand) {
	cr := d.crew(r, "stuffing", 25, 150)
	agents := make([]string, 2+r.IntN(5))
	for i := range agents {
		agents[i] = browser(r)
	}
	for range cr.size {
		rr := Sub(r)
		c := d.proxied(rr, "stuffing", cr, 0.1)
		a := d.actor(rr, c, Pick(rr, agents), "")
		from, to := d.member(rr, cr)
		every := Uniform(rr, 10, 90)
		if Chance(rr, 0.5) {
			a.cover(from-gap(rr, 2, 0.5), get(console("/signin"), LogNormal(rr, 5200, 0.1), LogNormal(rr, 9, 0.5)))
		}
		for t := from; t < to; t += Sec(every * Uniform(rr, 0.6, 1.4)) {
			if !Chance(rr, 0.012) {
				a.do(t, call{method: "POST", path: console("/api/session"), body: int64(70 + rr.IntN(50)), status: 401})
				continue
			}
			a.do(t, call{method: "POST", path: console("/api/session"), body: 96, resp: 410, ms: LogNormal(rr, 140, 0.3)})
			cu := d.account(rr)
			a.user = "usr_" + Hex(rr, 12)
			a.do(t+gap(rr, 0.5, 0.4), get(console("/api/me"), LogNormal(rr, 900, 0.2), LogNormal(rr, 12, 0.4)))
			a.do(t+gap(rr, 1.5, 0.4), get(cu.consolePath("/keys"), LogNormal(rr, 2400, 0.5), LogNormal(rr, 15, 0.5)))
			a.user = ""
		}
	}
}

// ddos is a botnet on a few endpoints: geocodes with a leaked publishable
// key and a cache-busting parameter, the status page, the sign-in page,
// random tiles, unkeyed routes. The origin slows down while it lasts.
func (d *day) ddos(r *rand.Rand) {
	cr := d.crew(r, "ddos", 40, 150)
	victim := Pick(r, d.plat.leakedPK)
	style := Pick(r, d.plat.styles)
	targets := r.Perm(5)[:1+r.IntN(3)]
	bust := Chance(r, 0.7)
	ua := ""
	if Chance(r, 0.4) {
		ua = Pick(r, []string{"Mozilla/5.0", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", ""})
	}
	for range cr.size {
		rr := Sub(r)
		c := d.proxied(rr, "ddos", cr, 0.35)
		agent := ua
		if agent == "" && Chance(rr, 0.7) {
			agent = browser(rr)
		}
		a := d.actor(rr, c, agent, "")
		from, to := d.member(rr, cr)
		rate := LogUniform(rr, 0.15, 1.5)
		for t := from; t < to; t += Sec(rr.ExpFloat64() / rate) {
			var k call
			a.key = ""
			switch Pick(rr, targets) {
			case 0:
				a.key = victim.pk
				k = d.plat.geocode(rr, address(rr, victim.home), victim.home).keyed(victim.pk)
			case 1:
				k = statusPage(rr)
			case 2:
				k = get(console("/signin"), LogNormal(rr, 5200, 0.1), LogNormal(rr, 9, 0.5))
			case 3:
				a.key = victim.pk
				z := 6 + rr.IntN(12)
				k = d.plat.tile(rr, style, z, rr.IntN(1<<z), rr.IntN(1<<z)).keyed(victim.pk)
			default:
				k = d.plat.route(rr, victim.home).with(401)
			}
			if bust {
				sep := "?"
				if strings.Contains(k.path, "?") {
					sep = "&"
				}
				k.path += sep + "_=" + Hex(rr, 10)
				k.ms *= 3
			}
			if Chance(rr, 0.03) {
				k = k.with(503)
			}
			a.do(t, k)
		}
	}
}

// keyspray checks stolen and guessed keys, a new one on every request,
// each address every few seconds: nearly all refused, the odd real leaked
// key served.
func (d *day) keyspray(r *rand.Rand) {
	cr := d.crew(r, "keyspray", 20, 110)
	ua := Pick(r, []string{"python-requests/2.31.0", "curl/8.5.0", "Go-http-client/2.0", sdk(d.plat.brand, "python", version(r))})
	for range cr.size {
		rr := Sub(r)
		c := d.proxied(rr, "keyspray", cr, 0.4)
		a := d.actor(rr, c, ua, "")
		from, to := d.member(rr, cr)
		every := LogUniform(rr, 2, 30)
		for t := from; t < to; t += gap(rr, every, 0.5) {
			var k call
			switch {
			case Chance(rr, 0.015):
				cu := Pick(rr, d.plat.leakedSK)
				a.key = cu.secret
				k = get(d.plat.api("/account/limits"), LogNormal(rr, 500, 0.2), LogNormal(rr, 4, 0.4))
			case Chance(rr, 0.2):
				a.key = publicKey(rr)
				k = d.plat.geocode(rr, "test", Pick(rr, d.plat.markets)).keyed(a.key).with(401)
			default:
				a.key = secretKey(rr)
				k = get(d.plat.api("/account/limits"), 0, 0).with(401)
			}
			a.do(t, k)
		}
	}
}

// freetier is a farm of sign-ups: each address opens a free account, makes
// a key and spends the free quota scraping reverse geocodes over a grid,
// every request served until the quota runs out.
func (d *day) freetier(r *rand.Rand) {
	cr := d.crew(r, "freetier", 20, 90)
	cr.end = d.win
	ua := sdk(d.plat.brand, "python", version(r))
	quota := Pick(r, []int{250, 500, 1000})
	region := Pick(r, d.plat.markets)
	for i := range cr.size {
		rr := Sub(r)
		c := d.proxied(rr, "freetier", cr, 0.4)
		a := d.actor(rr, c, browser(rr), "")
		from, _ := d.member(rr, cr)
		t, cu := d.signUp(a, from)
		a.user = ""
		a.ua, a.key = ua, cu.secret
		rate := LogUniform(rr, 0.3, 2)
		lat := region.lat + 0.02*float64(i)
		lon := region.lon
		// Past the quota the script notices the 429s after a few and the
		// farm moves on to its next account.
		stop := quota + 1 + rr.IntN(6)
		for n := 0; t < d.win && n < stop; n++ {
			t += Sec(rr.ExpFloat64() / rate)
			k := d.plat.reverse(rr, lat, lon)
			if n >= quota {
				k = k.with(429)
			}
			a.do(t, k)
			lon += 0.002
		}
	}
}

// resale is a leaked publishable key sold on through a residential proxy
// network: each address sends a handful of geocodes, routes and searches
// as the customer's own app would, and all are served.
func (d *day) resale(r *rand.Rand) {
	cr := d.crew(r, "resale", 30, 120)
	victim := Pick(r, d.plat.leakedPK)
	ios := Chance(r, 0.5)
	for range cr.size {
		rr := Sub(r)
		c := d.proxied(rr, "resale", cr, 0.05)
		a := d.actor(rr, c, mobileSDK(rr, d.plat.brand, victim.appID, appVersion(rr), ios, victim.mobileVer()), victim.pk)
		from, to := d.member(rr, cr)
		for t := from; t < to; t += gap(rr, 8, 0.9) {
			c := Pick(rr, cities)
			a.do(t, d.plat.product(rr, Pick(rr, []int{pGeocode, pGeocode, pRoute, pPlaces, pAutocomplete}), c).keyed(victim.pk))
			if Chance(rr, 0.15) {
				break
			}
		}
	}
}
