package main

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// heavyClient registers a legitimate client much busier than a person.
func (w *world) heavyClient(ip, profile string, r *rand.Rand, ua, key string, hdr int) *actor {
	c := w.log.Client(ip, KindNormal)
	c.Heavy, c.Profile = true, profile
	return &actor{w: w, c: c, r: r, ua: ua, key: key, hdr: hdr}
}

// recurring: heavy clients the shop has every day. Their identities come
// from the site generator, their behaviour from the day's.
func (w *world) recurring() {
	s, d := w.site, w.day
	// The payment provider notifies every payment state change. While the
	// shop's handler is down it retries each notification with backoff,
	// and the backlog lands as a burst of retried POSTs.
	var hooks []*actor
	for range 3 {
		hooks = append(hooks, w.heavyClient(w.log.V4(s, []string{"185.60.216.", "185.60.217."}), "webhook", Sub(d), "Paywell-Notify/3.1", "", 380))
	}
	Poisson(d, Uniform(d, .6, 1.6), 0, w.W, func(t int64) {
		h := Pick(d, hooks)
		body := int64(Uniform(h.r, 900, 2600))
		for try, wait := 0, 1.0; try < 8; try, wait = try+1, wait*Uniform(h.r, 1.6, 2.4) {
			if h.send(t, "POST", "/hooks/paywell", rHook, 200, body) < 500 {
				return
			}
			t += Sec(wait)
		}
	})
	// Price comparison crawler: product pages, conditional requests.
	for range 2 {
		a := w.heavyClient(w.log.V4(s, []string{"88.99.", "136.243."}), "crawler", Sub(d), "Pricefox-Crawler/3.2 (+https://www.pricefox.example/crawler)", "", 260)
		Poisson(a.r, Uniform(d, .8, 2.5), 0, w.W, func(t int64) {
			st := 200
			if a.chance(.3) {
				st = 304
			}
			if a.chance(.02) {
				st = 404
			}
			a.send(t, "GET", "/p/"+Pick(a.r, w.skus), rProduct, st, 0)
		})
	}
	// The warehouse system pushes stock levels in batches every minute.
	erp := w.heavyClient(w.log.V4(s, cloudV4), "erp", Sub(d), "LarkspurWMS/5.2 (+ops)", "pk_live_"+Hex(s, 16), 240)
	for t := Sec(Uniform(erp.r, 0, 60)); t < w.W; t += Sec(Uniform(erp.r, 57, 63)) {
		for i, n := 0, 10+erp.r.IntN(60); i < n; i++ {
			erp.send(t+Sec(float64(i)*.12), "PUT", "/api/partner/v1/stock/"+Pick(erp.r, w.skus), rPartner, 204, int64(Uniform(erp.r, 70, 160)))
		}
	}
	// The marketing feed is fetched in parts every few minutes.
	feed := w.heavyClient(w.log.V4(s, []string{"66.102.", "74.125."}), "feed", Sub(d), "Google-Merchant-Feed-Fetcher/1.0", "", 200)
	for t := Sec(Uniform(feed.r, 0, 200)); t < w.W; t += Sec(Uniform(feed.r, 280, 320)) {
		for part := 1; part <= 4+s.IntN(4); part++ {
			feed.send(t+Sec(float64(part)*3), "GET", "/feeds/shopping.xml?part="+strconv.Itoa(part), rFeed, 200, 0)
		}
	}
	// Uptime checks from three regions.
	for range 3 {
		m := w.heavyClient(w.log.V4(s, []string{"159.122.", "192.99.", "51.222."}), "monitor", Sub(d), "Upwatch/2.0 (+https://upwatch.example)", "", 150)
		every := Pick(s, []float64{10, 15, 30})
		for t := Sec(Uniform(m.r, 0, every)); t < w.W; t += Sec(every) {
			m.send(t, "GET", "/healthz", rHealth, 200, 0)
			m.send(t+Sec(.3), "GET", "/", rPage, 200, 0)
		}
	}
	// The shop's office: staff in the back office behind one address.
	office := w.log.Client(w.log.V4(s, []string{"195.34.", "212.51."}), KindNormal)
	office.Heavy, office.Profile = true, "office"
	for range 6 + s.IntN(10) {
		a := &actor{w: w, c: office, r: Sub(d), ua: browserUA(s), name: Pick(s, firstNames) + "@larkspur", hdr: 900}
		a.user = a.name
		Poisson(a.r, Uniform(a.r, .05, .3), 0, w.W, func(t int64) {
			switch x := a.r.Float64(); {
			case x < .5:
				a.send(t, "GET", fmt.Sprintf("/backoffice/orders?status=%s&page=%d", Pick(a.r, []string{"new", "paid", "shipped", "returned"}), 1+a.r.IntN(5)), rAccount, 200, 0)
			case x < .8:
				a.send(t, "GET", fmt.Sprintf("/backoffice/orders/%d", w.orderMax-a.r.IntN(20000)), rAccount, 200, 0)
			default:
				a.send(t, "PATCH", "/backoffice/products/"+w.sku(a.r), rAccount, 200, int64(Uniform(a.r, 300, 2000)))
			}
		})
	}
}

// carrierNAT: mobile carriers put many subscribers behind one public
// address; each such address carries dozens of concurrent app and mobile
// browser users.
func (w *world) carrierNAT() {
	s, d := w.site, w.day
	var ips []string
	for range 4 {
		ips = append(ips, w.log.V4(s, carrierV4))
	}
	for _, i := range d.Perm(len(ips))[:2+d.IntN(3)] {
		c := w.log.Client(ips[i], KindNormal)
		c.Heavy, c.Profile = true, "cgnat"
		for range 25 + d.IntN(70) {
			r := Sub(d)
			a := &actor{w: w, c: c, r: r, app: Chance(r, .6), name: Pick(r, firstNames) + "." + Pick(r, lastNames) + strconv.Itoa(r.IntN(100)), hdr: 400 + r.IntN(400)}
			if a.app {
				ios := Chance(r, .5)
				a.ua, a.key = appUA(r, ios), w.appKeys[map[bool]int{true: 0, false: 1}[ios]]
				if Chance(r, .6) {
					a.user = a.name
				}
			} else {
				a.ua = browserUA(r)
			}
			start := w.arrival(r, 0, 0, 0)
			w.session(a, start, 3+int(r.ExpFloat64()*12), w.sale.has(start))
		}
	}
}

// newcomers: heavy legitimate clients that appear on this day only (their
// identities come from the day): a new affiliate syncing the whole
// catalogue, a new SEO crawler, a marketplace onboarding its order import.
func (w *world) newcomers() {
	d := w.day
	kinds := d.Perm(3)[:1+d.IntN(3)]
	for _, k := range kinds {
		r := Sub(d)
		a0 := Sec(Uniform(r, 0, .5) * float64(w.W) / 1e9)
		switch k {
		case 0:
			a := w.heavyClient(w.log.V4(d, cloudV4), "new-partner", r, Pick(r, []string{"AffiliKit-Sync/1.0", "python-httpx/0.27.2", "Go-http-client/2.0"}), "pk_live_"+Hex(d, 16), 260)
			rate := Uniform(r, 2, 7)
			pg := 1
			Poisson(r, rate, a0, a0+Sec(Uniform(r, 240, 600)), func(t int64) {
				a.send(t, "GET", fmt.Sprintf("/api/partner/v1/products?page=%d&limit=100", pg), rPartner, 200, 0)
				pg++
			})
		case 1:
			a := w.heavyClient(w.log.V4(d, hostV4), "new-crawler", r, "Mozilla/5.0 (compatible; Crawlspace/1.0; +https://crawlspace.example/bot)", "", 280)
			Poisson(r, Uniform(r, 1.5, 5), a0, w.W, func(t int64) {
				switch x := r.Float64(); {
				case x < .6:
					a.send(t, "GET", "/p/"+Pick(r, w.skus), rProduct, 200, 0)
				case x < .95:
					a.send(t, "GET", fmt.Sprintf("/c/%s?page=%d", Pick(r, w.cats), 1+r.IntN(40)), rPage, 200, 0)
				default:
					a.send(t, "GET", "/sitemap-products-"+strconv.Itoa(1+r.IntN(9))+".xml", rFeed, 200, 0)
				}
			})
		default:
			a := w.heavyClient(w.log.V4(d, cloudV4), "new-partner", r, "MarketHub-OrderImport/2.3 (Java/21)", "pk_live_"+Hex(d, 16), 300)
			Poisson(r, Uniform(r, 1, 3), a0, w.W, func(t int64) {
				if r.IntN(3) == 0 {
					a.send(t, "POST", "/api/partner/v1/orders", rCheckout, 201, int64(Uniform(r, 800, 3000)))
				} else {
					a.send(t, "GET", "/api/partner/v1/products/"+w.sku(r), rPartner, 200, 0)
				}
			})
		}
	}
}
