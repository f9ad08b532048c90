package main

import (
	"math/rand/v2"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// Customers' mobile apps embed the platform's iOS and Android SDKs with
// the app's publishable key. The SDK fetches its configuration when the
// app opens, keeps styles and tiles in an offline cache, and batches
// telemetry. Phones on carrier IPv6 move to a new privacy address every
// so often; on carrier IPv4 many phones share one NAT address.

func (d *day) appUsers(r *rand.Rand) {
	for range int(float64(d.clients) * d.plat.appShare) {
		rr := Sub(r)
		cu := d.plat.app.pick(rr)
		a, ios := d.phone(rr, cu, "app-user", appVersion(rr))
		d.useApp(a, cu, ios, Sec(Uniform(rr, -300, d.secs())))
	}
}

// phone is a phone with a customer's app: on carrier IPv6 (moving
// between privacy addresses), carrier IPv4 or home wifi.
func (d *day) phone(r *rand.Rand, cu *customer, profile, appVer string) (*actor, bool) {
	ios := Chance(r, 0.45)
	ua := mobileSDK(r, d.plat.brand, cu.appID, appVer, ios, cu.mobileVer())
	var a *actor
	switch x := r.Float64(); {
	case x < 0.55:
		net := V6Net(r, mobileV6)
		c := d.normal(d.log.V6In(r, net), profile)
		a = d.actor(r, c, ua, cu.pk)
		a.rot = d.log.RotateV6(r, c, net, 0, 120, 1200)
	case x < 0.88:
		a = d.actor(r, d.normal(d.log.V4(r, mobileV4), profile), ua, cu.pk)
	default:
		a = d.actor(r, d.normal(household(d.log, r, 0.4), profile), ua, cu.pk)
	}
	return a, ios
}

// useApp plays one to three sessions of the app from t.
func (d *day) useApp(a *actor, cu *customer, ios bool, t int64) {
	r := a.r
	for range 1 + r.IntN(2) {
		t = d.appSession(a, cu, t, ios)
		t += gap(r, 180, 1)
		if t >= d.win {
			break
		}
	}
}

func appVersion(r *rand.Rand) string {
	return strconv.Itoa(1+r.IntN(6)) + "." + strconv.Itoa(r.IntN(20)) + "." + strconv.Itoa(r.IntN(5))
}

// appSession is the app in the foreground: configuration, the map around
// the user, searches and routes, telemetry every minute or so.
func (d *day) appSession(a *actor, cu *customer, t int64, ios bool) int64 {
	r := a.r
	s := d.plat
	platform := "android"
	if ios {
		platform = "ios"
	}
	a.do(t, get(s.api("/sdk/config?platform="+platform+"&app="+cu.appID), LogNormal(r, 1500, 0.2), LogNormal(r, 4, 0.5)).keyed(cu.pk))
	style := Pick(r, s.styles)
	st := s.styleJSON(r, style).keyed(cu.pk)
	if Chance(r, 0.7) {
		st.status = 304
	}
	t += gap(r, 0.2, 0.5)
	a.do(t, st)
	lat, lon := cu.home.near(r, 20)
	t = d.tiles(a, style, cu.pk, t+gap(r, 0.1, 0.5), lat, lon, 13+r.IntN(4), 3+r.IntN(16))
	a.do(t, s.reverse(r, lat, lon).keyed(cu.pk))
	end := t + gap(r, 100, 0.9)
	next := t + gap(r, 60, 0.2)
	for t < end && t < d.win {
		t += gap(r, 9, 1)
		if t >= next {
			a.do(t, call{method: "POST", path: s.api("/sdk/events"), body: int64(LogNormal(r, 2400, 0.6)), resp: 2, ms: LogNormal(r, 3, 0.5), status: 202}.keyed(cu.pk))
			next = t + gap(r, 60, 0.2)
		}
		switch Weighted(r, []float64{4, 2, 2, 1.5, 1}) {
		case 0:
			lat += Uniform(r, -0.005, 0.005)
			lon += Uniform(r, -0.005, 0.005)
			t = d.tiles(a, style, cu.pk, t, lat, lon, 13+r.IntN(4), 1+r.IntN(8))
		case 1:
			a.do(t, s.product(r, cu.product(r), cu.home).keyed(cu.pk))
		case 2:
			t = d.typeAhead(a, cu, t)
		case 3:
			a.do(t, s.route(r, cu.home).keyed(cu.pk))
		default:
			a.do(t, s.product(r, Pick(r, []int{pWeather, pForecast}), cu.home).keyed(cu.pk))
		}
	}
	return t
}

// carrierNATs are the site's carrier-grade NAT addresses: dozens of
// phones of every app behind each, and some of their owners' browsers.
func (d *day) carrierNATs(r *rand.Rand) {
	for _, ip := range d.plat.nats {
		c := d.normal(ip, "carrier-nat")
		c.Heavy = true
		n := int(LogUniform(r, 15, 60) * float64(min(d.clients, 6000)) / 3000)
		for range max(n, 6) {
			rr := Sub(r)
			cu := d.plat.app.pick(rr)
			ios := Chance(rr, 0.45)
			a := d.actor(rr, c, mobileSDK(rr, d.plat.brand, cu.appID, appVersion(rr), ios, cu.mobileVer()), cu.pk)
			d.appSession(a, cu, Sec(Uniform(rr, -120, d.secs())), ios)
			if Chance(rr, 0.3) {
				w := d.plat.web.pick(rr)
				b := d.actor(rr, c, browser(rr), w.pk)
				d.browse(b, w, Sec(Uniform(rr, -60, d.secs())), 1)
			}
		}
	}
}
