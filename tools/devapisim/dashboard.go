package main

import (
	"math/rand/v2"
	"net/url"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// Developers of the customers use the dashboard (the console: usage
// charts, keys, billing, webhooks, team), read the docs, try the API with
// curl or Postman and run SDK scripts from their laptops.

func (d *day) developers(r *rand.Rand) {
	for range int(float64(d.clients) * d.plat.devShare) {
		d.developer(Sub(r))
	}
}

// account draws the customer a developer works for.
func (d *day) account(r *rand.Rand) *customer {
	switch Weighted(r, []float64{2, 5, 3}) {
	case 0:
		return Pick(r, d.plat.big)
	case 1:
		return Pick(r, d.plat.mid)
	}
	return Pick(r, d.plat.small)
}

func (d *day) developer(r *rand.Rand) {
	cu := d.account(r)
	c := d.normal(workplace(d.log, r), "developer")
	user := "usr_" + Hex(r, 12)
	ua := browser(r)
	t := Sec(Uniform(r, -300, d.secs()))
	for range 1 + r.IntN(3) {
		switch Weighted(r, []float64{5, 3, 3, 1}) {
		case 0:
			t = d.consoleVisit(d.actor(r, c, ua, ""), cu, user, t, Chance(r, 0.45))
		case 1:
			t = d.readDocs(d.actor(r, c, ua, ""), t, 3+r.IntN(10))
		case 2:
			key := cu.test
			if Chance(r, 0.4) {
				key = cu.secret
			}
			t = d.explore(d.actor(r, c, Pick(r, devTools), key), cu, t)
		default:
			t = d.script(d.actor(r, c, sdk(d.plat.brand, Pick(r, languages), version(r)), cu.test), cu, t)
		}
		t += gap(r, 90, 1)
		if t >= d.win {
			break
		}
	}
}

// signIn is the sign-in form, with the mistyped passwords people make
// and a second factor for some.
func (d *day) signIn(a *actor, t int64) int64 {
	r := a.r
	a.do(t, get(console("/signin"), LogNormal(r, 5200, 0.1), LogNormal(r, 9, 0.5)))
	t += gap(r, 7, 0.6)
	for Chance(r, 0.13) {
		a.do(t, call{method: "POST", path: console("/api/session"), body: 96, status: 401})
		t += gap(r, 6, 0.6)
	}
	a.do(t, call{method: "POST", path: console("/api/session"), body: 96, resp: 410, ms: LogNormal(r, 140, 0.3)})
	if Chance(r, 0.4) {
		t += gap(r, 9, 0.5)
		if Chance(r, 0.06) {
			a.do(t, call{method: "POST", path: console("/api/session/mfa"), body: 40, status: 401})
			t += gap(r, 6, 0.5)
		}
		a.do(t, call{method: "POST", path: console("/api/session/mfa"), body: 40, resp: 380, ms: LogNormal(r, 40, 0.3)})
	}
	return t + gap(r, 0.5, 0.5)
}

// consoleVisit is a developer in the dashboard: the app shell, the usage
// charts it refreshes every minute while the tab is open, and whatever
// the developer came for.
func (d *day) consoleVisit(a *actor, cu *customer, user string, t int64, signIn bool) int64 {
	r := a.r
	a.do(t, get(console("/"), LogNormal(r, 4100, 0.05), LogNormal(r, 6, 0.5)))
	for _, asset := range []string{"index", "vendor", "charts", "index"}[:2+r.IntN(3)] {
		t += gap(r, 0.04, 0.5)
		a.do(t, get(console("/assets/"+asset+"-"+d.plat.brand[:3]+strconv.Itoa(int(d.seed)%7)+".js"), LogNormal(r, 180000, 0.5), LogNormal(r, 8, 0.5)))
	}
	if signIn {
		t = d.signIn(a, t+gap(r, 0.3, 0.4))
	}
	a.user = user
	defer func() { a.user = "" }()
	a.do(t, get(console("/api/me"), LogNormal(r, 900, 0.2), LogNormal(r, 12, 0.4)))
	d.usage(a, cu, t+gap(r, 0.05, 0.4))
	end := t + gap(r, 200, 0.9)
	refresh := t + Sec(60)
	for t < end && t < d.win {
		t += gap(r, 20, 1)
		for ; refresh < t; refresh += Sec(60) {
			d.usage(a, cu, refresh)
		}
		d.consoleClick(a, cu, t)
	}
	return t
}

// usage is a usage chart refresh.
func (d *day) usage(a *actor, cu *customer, t int64) {
	r := a.r
	day := d.log.Start().Format("2006-01-02")
	q := "/usage?from=" + d.log.Start().AddDate(0, 0, -Pick(r, []int{1, 7, 30})).Format("2006-01-02") + "&to=" + day + "&granularity=" + Pick(r, []string{"hour", "day"})
	if Chance(r, 0.3) {
		q += "&product=" + Pick(r, []string{"geocode", "routing", "tiles", "weather", "places"})
	}
	a.do(t, get(cu.consolePath(q), LogNormal(r, 6000, 0.6), LogNormal(r, 120, 0.6)))
}

// consoleClick is one thing a developer does in the dashboard.
func (d *day) consoleClick(a *actor, cu *customer, t int64) {
	r := a.r
	keyPath := cu.consolePath("/keys/" + cu.keyID)
	switch Weighted(r, []float64{5, 1, 0.6, 1, 3, 1, 1.5, 1, 2}) {
	case 0:
		a.do(t, get(cu.consolePath("/keys"), LogNormal(r, 2400, 0.5), LogNormal(r, 15, 0.5)))
	case 1:
		a.do(t, call{method: "POST", path: cu.consolePath("/keys"), body: 180, resp: 420, ms: LogNormal(r, 40, 0.4), status: 201})
	case 2:
		a.do(t, call{method: "POST", path: keyPath + "/roll", body: 40, resp: 420, ms: LogNormal(r, 60, 0.4)})
	case 3:
		a.do(t, call{method: "PATCH", path: keyPath, body: 260, resp: 400, ms: LogNormal(r, 30, 0.4)})
	case 4:
		a.do(t, get(cu.consolePath("/requests?status="+Pick(r, []string{"4xx", "429", "5xx", "all"})+"&limit=100"), LogNormal(r, 30000, 0.5), LogNormal(r, 220, 0.6)))
	case 5:
		a.do(t, get(cu.consolePath("/billing"), LogNormal(r, 1800, 0.3), LogNormal(r, 35, 0.4)))
		a.do(t+gap(r, 8, 0.6), get(cu.consolePath("/invoices/inv_"+strconv.Itoa(202600+r.IntN(400))+".pdf"), LogNormal(r, 90000, 0.5), LogNormal(r, 180, 0.5)))
	case 6:
		a.do(t, get(cu.consolePath("/webhooks"), LogNormal(r, 900, 0.4), LogNormal(r, 12, 0.4)))
		test := call{method: "POST", path: cu.consolePath("/webhooks/wh_" + Hex(r, 8) + "/test"), body: 30, resp: 240, ms: LogNormal(r, 350, 0.8)}
		if Chance(r, 0.25) {
			test.status = 502 // the customer's receiver is down
		}
		a.do(t+gap(r, 5, 0.6), test)
	case 7:
		a.do(t, get(cu.consolePath("/members"), LogNormal(r, 1400, 0.4), LogNormal(r, 14, 0.4)))
	default:
		a.do(t, get(cu.consolePath("/limits"), LogNormal(r, 700, 0.2), LogNormal(r, 8, 0.4)))
	}
}

var docPages = []string{"", "quickstart", "authentication", "rate-limits", "errors", "pricing", "geocoding", "geocoding/batch", "geocoding/autocomplete",
	"routing", "routing/matrix", "routing/isochrones", "maps/tiles", "maps/styles", "weather/current", "weather/forecast", "places/search",
	"sdks/python", "sdks/node", "sdks/java", "sdks/go", "sdks/ios", "sdks/android", "webhooks", "changelog"}

// readDocs is someone reading n pages of the documentation, now and then
// searching it.
func (d *day) readDocs(a *actor, t int64, n int) int64 {
	r := a.r
	for i := range n {
		a.do(t, get("/docs/"+Pick(r, docPages), LogNormal(r, 38000, 0.4), LogNormal(r, 15, 0.6)))
		if i == 0 {
			for range 3 + r.IntN(5) {
				t += gap(r, 0.03, 0.5)
				a.do(t, get("/docs/_next/static/chunks/"+Hex(r, 16)+".js", LogNormal(r, 60000, 0.8), LogNormal(r, 4, 0.5)))
			}
		}
		if Chance(r, 0.15) {
			t += gap(r, 4, 0.6)
			a.do(t, get("/docs/api/search?q="+url.QueryEscape(Pick(r, []string{"rate limit", "batch", "api key", "matrix", "429", "tiles offline", "webhook"})), LogNormal(r, 3000, 0.4), LogNormal(r, 25, 0.5)))
		}
		t += gap(r, 40, 0.9)
	}
	return t
}

// explore is a developer trying the API by hand: a request every few
// seconds to a minute, with the wrong parameters, paths and keys of
// someone learning it.
func (d *day) explore(a *actor, cu *customer, t int64) int64 {
	r := a.r
	for range 3 + r.IntN(25) {
		k := d.plat.product(r, Pick(r, []int{pGeocode, pGeocode, pReverse, pRoute, pMatrix, pWeather, pPlaces, pAutocomplete}), cu.home)
		switch x := r.Float64(); {
		case x < 0.12:
			k = k.with(400)
		case x < 0.17:
			k = k.with(401)
		case x < 0.2:
			k = get(d.plat.api("/"+Pick(r, []string{"geocoding", "directions", "forward", "search"})+"?q=test"), 0, 0).with(404)
		case x < 0.25:
			k = get(d.plat.api("/account/limits"), LogNormal(r, 500, 0.2), LogNormal(r, 4, 0.4))
		}
		a.do(t, k)
		t += gap(r, 20, 0.9)
	}
	return t
}

// script is an SDK script run from a laptop over a file of addresses: as
// fast as the loop goes, for a few dozen to a few thousand rows.
func (d *day) script(a *actor, cu *customer, t int64) int64 {
	r := a.r
	n := int(LogUniform(r, 20, 2500))
	rate := LogUniform(r, 2, 15)
	if float64(n) > 300 && rate > 3 {
		a.c.Heavy = true
	}
	limit := NewBuckets(cu.rate, cu.burst)
	p := Pick(r, []int{pGeocode, pGeocode, pReverse, pRoute, pWeather})
	for range n {
		k := d.plat.product(r, p, cu.home)
		if !limit.Take("key", t) {
			k = k.with(429)
		}
		a.do(t, k)
		t += Sec(r.ExpFloat64() / rate)
	}
	return t
}

// docsReaders are visitors of the docs and the status page who are not
// (yet) customers, and the search engines' crawlers.
func (d *day) docsReaders(r *rand.Rand) {
	for range int(float64(d.clients) * 0.03) {
		rr := Sub(r)
		a := d.actor(rr, d.normal(household(d.log, rr, 0.3), "docs-reader"), browser(rr), "")
		d.readDocs(a, Sec(Uniform(rr, -120, d.secs())), 1+rr.IntN(8))
	}
	for range 2 + d.clients/1500 {
		rr := Sub(r)
		a := d.actor(rr, d.normal(d.log.V4(rr, crawlerV4), "crawler"), Pick(rr, []string{"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"}), "")
		for t := Sec(Uniform(rr, 0, 30)); t < d.win; t += gap(rr, 25, 0.8) {
			a.do(t, get("/docs/"+Pick(rr, docPages), LogNormal(rr, 38000, 0.4), LogNormal(rr, 15, 0.6)))
		}
	}
	for range 1 + d.clients/400 {
		rr := Sub(r)
		a := d.actor(rr, d.normal(workplace(d.log, rr), "status-reader"), browser(rr), "")
		t := Sec(Uniform(rr, 0, d.secs()))
		a.do(t, statusPage(rr))
		for range rr.IntN(6) {
			t += gap(rr, 45, 0.5)
			a.do(t, statusJSON(rr))
		}
	}
}
