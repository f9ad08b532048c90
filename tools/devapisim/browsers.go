package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// End users reach the platform through customers' web pages: the page
// embeds the JavaScript SDK with the customer's publishable key, and each
// map view fetches a style, sprites, fonts and a burst of tiles, then more
// tiles on every pan and zoom; search boxes call autocomplete on each
// keystroke. The same key comes from every visitor of the customer's site.

func (d *day) webVisitors(r *rand.Rand) {
	for range int(float64(d.clients) * d.plat.webShare) {
		d.webVisitor(Sub(r))
	}
}

func (d *day) webVisitor(r *rand.Rand) {
	cu := d.plat.web.pick(r)
	var ip string
	switch x := r.Float64(); {
	case x < 0.7:
		ip = household(d.log, r, 0.35)
	case x < 0.9:
		ip = d.log.V4(r, officeV4)
	default:
		ip = d.log.V4(r, mobileV4)
	}
	a := d.actor(r, d.normal(ip, "web-visitor"), browser(r), cu.pk)
	t := Sec(Uniform(r, -240, d.secs()))
	d.browse(a, cu, t, 1+r.IntN(3))
}

// browse plays a visitor's page views on a customer's site from t.
func (d *day) browse(a *actor, cu *customer, t int64, views int) int64 {
	r := a.r
	style := Pick(r, d.plat.styles)
	for v := range views {
		t = d.mapView(a, cu, style, t, v == 0)
		t += gap(r, 35, 0.9)
		if t >= d.win {
			break
		}
	}
	return t
}

// mapView is one page with a map: assets on the first view (the browser
// caches them), the first screen of tiles, then the visitor's moves.
func (d *day) mapView(a *actor, cu *customer, style string, t int64, first bool) int64 {
	r := a.r
	key := cu.pk
	if first {
		a.do(t, d.plat.styleJSON(r, style).keyed(key))
		t += gap(r, 0.08, 0.5)
		a.do(t, d.plat.sprite(r, style, "json").keyed(key))
		a.do(t+gap(r, 0.01, 0.5), d.plat.sprite(r, style, "png").keyed(key))
		for range 1 + r.IntN(3) {
			t += gap(r, 0.03, 0.6)
			a.do(t, d.plat.font(r).keyed(key))
		}
	}
	lat, lon := cu.home.near(r, 15)
	z := 11 + r.IntN(5)
	t = d.tiles(a, style, key, t+gap(r, 0.1, 0.5), lat, lon, z, 8+r.IntN(24))
	for range r.IntN(6) {
		t += gap(r, 6, 0.9)
		switch Weighted(r, []float64{6, 2, 1.5, 1, 1}) {
		case 0: // pan or zoom
			z = max(3, min(18, z+r.IntN(3)-1))
			lat += Uniform(r, -0.01, 0.01)
			lon += Uniform(r, -0.01, 0.01)
			t = d.tiles(a, style, key, t, lat, lon, z, 3+r.IntN(11))
		case 1: // type into the search box, pick a result
			t = d.typeAhead(a, cu, t)
		case 2:
			a.do(t, d.plat.product(r, Pick(r, []int{pPlaces, pPlace, pReverse}), cu.home).keyed(key))
		case 3:
			a.do(t, d.plat.route(r, cu.home).keyed(key))
		default:
			a.do(t, d.plat.product(r, Pick(r, []int{pWeather, pForecast, pIsochrone}), cu.home).keyed(key))
		}
	}
	return t
}

// tiles fetches n tiles around a point as the SDK does: in parallel, a
// few milliseconds apart, spiralling out from the centre.
func (d *day) tiles(a *actor, style, key string, t int64, lat, lon float64, z, n int) int64 {
	r := a.r
	x, y := tileXY(lat, lon, z)
	for i := range n {
		dx, dy := i%5-2, (i/5)%5-2
		a.do(t, d.plat.tile(r, style, z, x+dx, y+dy).keyed(key))
		t += Sec(LogNormal(r, 0.012, 0.8))
	}
	return t
}

// typeAhead is a search box: one autocomplete call per pause in typing,
// the same session token throughout, and a geocode of the choice.
func (d *day) typeAhead(a *actor, cu *customer, t int64) int64 {
	r := a.r
	q := []rune(address(r, cu.home))
	session := Hex(r, 16)
	for n := 2 + r.IntN(3); n < len(q); n += 1 + r.IntN(3) {
		a.do(t, d.plat.autocomplete(r, string(q[:n]), cu.home, session).keyed(cu.pk))
		t += gap(r, 0.35, 0.6)
	}
	t += gap(r, 1.2, 0.6)
	a.do(t, d.plat.geocode(r, string(q), cu.home).keyed(cu.pk))
	return t
}
