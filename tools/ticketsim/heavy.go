package main

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/portcullis/portcullis/decision/apikey"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// registerPartners gives the site's recurring partners and offices their
// addresses first, so that they hold the same ones every day.
func (w *world) registerPartners() {
	for i := range w.s.partners {
		c := w.l.Client(w.s.partners[i].ip, KindNormal)
		c.Profile, c.Heavy = w.s.partners[i].profile, true
	}
}

// partnerTraffic is what the recurring partners send all day: the venues'
// access-control hubs push the entries they scan and pull the barcodes
// issued since, the resale marketplace polls availability across the
// catalog (the on-sale most of all while it lasts), the monitoring probes
// walk their checks, and a search crawler reads event pages.
func (w *world) partnerTraffic(r *rand.Rand) {
	clients := w.l.Clients()
	for i, p := range w.s.partners {
		c := clients[i]
		pr := Sub(r)
		v := w.newVisit(pr, func(int64) *Client { return c }, 0, false, p.ua)
		v.key, v.hdr = p.key, 260
		switch p.profile {
		case "venue-scanner":
			w.scanner(v, p)
		case "resale-market":
			w.reseller(v, p.rate, 0)
		case "monitor":
			w.monitor(v, p.rate)
		case "crawler":
			w.crawler(v, p.rate)
		case "payment-webhook":
			v.hdr = 420 // the signature header
			Poisson(pr, p.rate, 0, w.win, func(t int64) {
				v.t = t
				v.post("/webhooks/payments", 200, 1400, 0.01, 35)
			})
		}
	}
}

// scanner is one access-control hub at a venue's gates: it pushes batches
// of scanned entries, more as the doors fill, and pulls the barcodes
// issued or transferred since its last sync.
func (w *world) scanner(v *visit, p partner) {
	r := v.r
	ev := strconv.Itoa(w.s.events[p.venue%4].id) // the first four are tonight's
	device := Hex(r, 6)
	pull := Sec(Uniform(r, 0, 30))
	cursor := 800000 + r.IntN(100000)
	for v.t < w.win {
		// Doors open: the queue at the gate grows through the window.
		rate := p.rate * (0.5 + float64(v.t)/float64(w.win))
		v.t += Sec(r.ExpFloat64() / rate)
		if v.t >= pull {
			t := v.t
			v.t = pull
			cursor += r.IntN(40)
			v.get("/partner/v1/events/"+ev+"/barcodes?since="+strconv.Itoa(cursor), 200, 18, 90)
			pull += Sec(Uniform(r, 20, 40))
			v.t = t
		}
		n := 1 + r.IntN(30)
		status := 200
		if Chance(r, 0.03) {
			status = 207 // some entries refused: a used or voided barcode
		}
		v.send("POST", "/partner/v1/scans/batch?device="+device, status, int64(180+n*96), kb(r, 0.2+float64(n)*0.03), 45)
	}
}

// reseller polls availability across the catalog at rate from the time
// from on, leaning on the on-sale while its crowd lasts; most answers have
// not changed since its last poll.
func (w *world) reseller(v *visit, rate float64, from int64) {
	r := v.r
	events := w.s.events
	next := r.IntN(len(events))
	listed := from + Sec(Uniform(r, 0, 60))
	Poisson(r, rate, from, w.win, func(t int64) {
		v.t = t
		if t >= listed {
			v.get("/partner/v1/events?updated_since="+w.l.Start().Add(-15*60e9).Format("2006-01-02T15:04:05Z")+"&page="+strconv.Itoa(1+r.IntN(5)), 200, 45, 140)
			listed += Sec(Uniform(r, 50, 70))
			return
		}
		e := &events[next%len(events)]
		next++
		if w.load(t) > 0.3 && Chance(r, 0.4) {
			e = &w.sale.ev
		}
		if Chance(r, 0.55) && e != &w.sale.ev {
			v.send("GET", "/partner/v1/events/"+strconv.Itoa(e.id)+"/availability", 304, 40, 0, 12)
			return
		}
		v.get("/partner/v1/events/"+strconv.Itoa(e.id)+"/availability", 200, 4, 35)
	})
}

// monitor is one region's probe: health, a listing, the flagship event
// page and, every few minutes, a login with its own test account.
func (w *world) monitor(v *visit, rate float64) {
	r := v.r
	flagship := w.s.events[0]
	step := 0
	for v.t = Sec(Uniform(r, 0, 1/rate)); v.t < w.win; v.t += Sec(1 / rate * Uniform(r, 0.98, 1.02)) {
		switch step % 4 {
		case 0:
			v.get("/healthz", 200, 0.05, 2)
		case 1:
			v.get("/api/v3/events?limit=1", 200, 1.5, 40)
		case 2:
			v.get("/events/"+flagship.slug, 200, 85, 60)
		case 3:
			if step%20 == 3 {
				v.user = ""
				v.post("/api/v3/auth/login", 200, 180, 1.1, 260)
				v.user = "synthetic-probe"
			} else {
				v.get("/api/v3/me", 200, 1.2, 40)
			}
		}
		step++
	}
}

// crawler reads event and venue pages at rate, and now and then the
// sitemap; old links redirect or are gone.
func (w *world) crawler(v *visit, rate float64) {
	r := v.r
	s := w.s
	Poisson(r, rate, 0, w.win, func(t int64) {
		v.t = t
		switch x := r.Float64(); {
		case x < 0.02:
			v.get("/robots.txt", 200, 0.4, 3)
		case x < 0.05:
			v.get("/sitemap-events-"+strconv.Itoa(1+r.IntN(4))+".xml", 200, 180, 90)
		case x < 0.1:
			v.send("GET", "/events/"+slugify(Pick(r, artists))+"-"+s.city+"-2025-"+strconv.Itoa(10+r.IntN(3))+"-"+strconv.Itoa(10+r.IntN(18)), 404, 0, kb(r, 12), 30)
		case x < 0.14:
			v.send("GET", "/event/"+strconv.Itoa(Pick(r, s.events).id), 301, 0, 240, 4)
		case x < 0.22:
			v.get("/venues/"+Pick(r, s.venues).slug, 200, 70, 60)
		default:
			v.get("/events/"+Pick(r, s.events).slug, 200, 85, 60)
		}
	})
}

// newcomers are the businesses that start calling the API today: an
// affiliate that lists the site's events and polls their availability
// from its first minute, a venue whose gates were just connected, a
// price-comparison feed. The site has not seen them before.
func (w *world) newcomers(r *rand.Rand) {
	for range 1 + Weighted(r, []float64{0.65, 0.35}) {
		pr := Sub(r)
		kind := Weighted(pr, []float64{0.5, 0.25, 0.25})
		c := w.l.Client(w.l.V4(pr, cloudNets), KindNormal)
		c.Heavy = true
		v := w.newVisit(pr, func(int64) *Client { return c }, 0, false, "")
		v.hdr = 240
		v.key = apikey.ID("gh_live_new_" + Hex(pr, 16) + Hex(pr, 16))
		switch kind {
		case 0:
			c.Profile = "new-affiliate"
			v.ua = Pick(pr, []string{"axios/1.7.9", "Go-http-client/2.0", "tixscout-sync/0.9", "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)"})
			// It pages through the catalog once, then polls.
			v.t = Sec(Uniform(pr, 0, 20))
			for p := 1; p <= 1+len(w.s.events)/20; p++ {
				v.get("/partner/v1/events?page="+strconv.Itoa(p)+"&per_page=20", 200, 45, 140)
				v.pause(0.2, 1)
			}
			w.reseller(v, Uniform(pr, 3, 10), v.t)
		case 1:
			c.Profile = "new-venue-scanner"
			v.ua = fmt.Sprintf("GateLine-Hub/%d.%d.%d (Linux; new-venue)", 4, pr.IntN(10), pr.IntN(20))
			w.scanner(v, partner{venue: pr.IntN(4), rate: Uniform(pr, 0.4, 1.5)})
		case 2:
			c.Profile = "new-price-feed"
			v.ua = Pick(pr, []string{"python-httpx/0.27.2", "PriceWatch-Feed/1.2", "Java/17.0.12"})
			rate := Uniform(pr, 2, 6)
			Poisson(pr, rate, Sec(Uniform(pr, 0, 30)), w.win, func(t int64) {
				v.t = t
				e := Pick(pr, w.s.events)
				v.get("/partner/v1/events/"+strconv.Itoa(e.id)+"/prices?currency="+Pick(pr, []string{"EUR", "USD", "GBP"}), 200, 2.5, 40)
			})
		}
	}
}

// webhooks are the payment provider's calls back: one for every payment
// it authorized, a few seconds later, from one of its addresses.
func (w *world) webhooks(r *rand.Rand) {
	var hooks []*Client
	ua := ""
	for i, p := range w.s.partners {
		if p.profile == "payment-webhook" {
			hooks = append(hooks, w.l.Clients()[i])
			ua = p.ua
		}
	}
	for _, t := range w.payments {
		c := Pick(r, hooks)
		v := w.newVisit(r, func(int64) *Client { return c }, t+Sec(Uniform(r, 0.5, 6)), false, ua)
		v.hdr = 420
		v.post("/webhooks/payments", 200, 1600, 0.01, 35)
		if Chance(r, 0.02) { // the first delivery timed out and is retried
			v.pause(20, 60)
			v.post("/webhooks/payments", 200, 1600, 0.01, 35)
		}
	}
}
