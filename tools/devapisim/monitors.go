package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// Fixed machines that call the platform on a schedule, the same on every
// day of a site: uptime monitors, monitoring services that check
// customers' integrations with the customers' keys, CDN shield nodes that
// pull tiles on cache misses, and the payment provider's webhooks.

func (d *day) monitors(r *rand.Rand) {
	for _, m := range d.plat.uptime {
		a := d.actor(Sub(r), d.normal(m.ip, "uptime-monitor"), m.ua, "")
		for t := Sec(Uniform(a.r, 0, m.every)); t < d.win; t += Sec(m.every) + Sec(Uniform(a.r, -0.3, 0.3)) {
			for i, p := range m.paths {
				k := get(p, LogNormal(a.r, 4000, 0.3), LogNormal(a.r, 10, 0.5))
				if p == d.plat.api("/health") {
					k = health(d.plat)
				}
				a.do(t+Sec(0.2*float64(i)), k)
			}
		}
	}
	for _, m := range d.plat.synthetic {
		rr := Sub(r)
		c := d.normal(m.ip, "synthetic-monitor")
		c.Heavy = m.heavy
		for _, cu := range m.keys {
			// Each check sends the same request every round with the
			// customer's own key.
			a := d.actor(rr, c, m.ua, cu.secret)
			q := address(rr, cu.home)
			for t := Sec(Uniform(rr, 0, m.every)); t < d.win; t += Sec(m.every) + Sec(Uniform(rr, -0.5, 0.5)) {
				a.do(t, d.plat.geocode(rr, q, cu.home))
			}
		}
	}
}

// cdnNodes pull what the CDN's caches lack: rendered tiles and styles of
// every customer's web maps, with the visitors' keys in the query.
func (d *day) cdnNodes(r *rand.Rand) {
	for _, ip := range d.plat.cdn {
		rr := Sub(r)
		c := d.normal(ip, "cdn-shield")
		c.Heavy = true
		a := d.actor(rr, c, "Amazon CloudFront", "")
		rate := LogUniform(rr, 0.8, 5) * float64(d.clients) / 3000
		Poisson(rr, rate, 0, d.win, func(t int64) {
			cu := d.plat.web.pick(rr)
			a.key = cu.pk
			lat, lon := cu.home.near(rr, 30)
			z := 10 + rr.IntN(7)
			x, y := tileXY(lat, lon, z)
			k := d.plat.raster(rr, Pick(rr, d.plat.styles), z, x, y)
			if Chance(rr, 0.1) {
				k = d.plat.styleJSON(rr, Pick(rr, d.plat.styles))
			}
			if Chance(rr, 0.2) {
				k.status = 304
			}
			a.do(t, k.keyed(cu.pk))
		})
	}
}

// paymentHooks are the payment provider telling the platform about
// charges, failed cards and invoices.
func (d *day) paymentHooks(r *rand.Rand) {
	for _, ip := range d.plat.payhooks {
		rr := Sub(r)
		a := d.actor(rr, d.normal(ip, "payment-webhooks"), "Stripe/1.0 (+https://stripe.com/docs/webhooks)", "")
		Poisson(rr, LogUniform(rr, 1.0/90, 1.0/20), 0, d.win, func(t int64) {
			a.do(t, call{method: "POST", path: "/billing/webhooks/payments", body: int64(LogNormal(rr, 2600, 0.4)), resp: 2, ms: LogNormal(rr, 35, 0.5)})
		})
	}
}
