package main

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

func (w *world) heavyClient(ip, profile string, r *rand.Rand, ua, key string, hdr int) *actor {
	c := w.log.Client(ip, KindNormal)
	c.Heavy, c.Profile = true, profile
	return &actor{w: w, c: c, r: r, ua: ua, key: key, hdr: hdr}
}

// recurring: the service's heavy integrations, the same every day.
func (w *world) recurring() {
	s, d := w.site, w.day
	// Carriers post status events. When the inbound endpoint fails they
	// retry each event with backoff: a legitimate storm of 5xx POSTs.
	for _, pc := range []struct{ name, ua string }{{"dpx", "DPX-Events/2.0"}, {"nordpost", "NordPost-Webhook/1.3 (+https://developer.nordpost.example)"}, {"alpenlog", "AlpenLog-Notifier/5"}} {
		var senders []*actor
		for range 2 {
			senders = append(senders, w.heavyClient(w.log.V4(s, cloudV4), "webhook", Sub(d), pc.ua, "", 300))
		}
		Poisson(d, Uniform(d, .5, 2.5), 0, w.W, func(t int64) {
			a := Pick(d, senders)
			body := int64(Uniform(a.r, 600, 1800))
			for try, wait := 0, Uniform(a.r, .5, 2); try < 10; try, wait = try+1, wait*2 {
				if a.send(t, "POST", "/v3/inbound/carrier-events/"+pc.name, rInbound, 202, body) < 500 {
					return
				}
				t += Sec(wait * Uniform(a.r, .8, 1.2))
			}
		})
	}
	// A marketplace's connector: one key, three egress addresses, steady
	// shipment creation and label printing.
	key := "fl_live_" + Hex(s, 16)
	for range 3 {
		a := w.heavyClient(w.log.V4(s, cloudV4), "marketplace", Sub(d), "Marktplatz-Connector/7.4 (Java/21)", key, 320)
		Poisson(a.r, Uniform(d, .7, 2), 0, w.W, func(t int64) {
			a.send(t, "POST", "/v3/shipments", rCreate, Pick(a.r, []int{201, 201, 201, 201, 201, 201, 201, 422}), int64(Uniform(a.r, 900, 2200)))
			a.send(t+Sec(Uniform(a.r, .4, 1)), "POST", "/v3/shipments/shp_"+strconv.Itoa(w.shipMax+a.r.IntN(9000))+"/label?format=zpl", rLabel, 200, 40)
			if a.chance(.3) {
				a.send(t+Sec(1.5), "GET", "/v3/shipments?updated_after="+w.iso(t-Sec(120))+"&per_page=200", rList, 200, 0)
			}
		})
	}
	// A tracking aggregator polls thousands of parcels, many long expired.
	for range 2 {
		a := w.heavyClient(w.log.V4(s, []string{"157.90.", "65.21."}), "crawler", Sub(d), "ParcelPeek/5.1 (+https://parcelpeek.example/bot)", "fl_live_"+Hex(s, 16), 240)
		Poisson(a.r, Uniform(d, 1.5, 4), 0, w.W, func(t int64) {
			st := 200
			if a.chance(.12) {
				st = 404
			}
			a.send(t, "GET", "/v3/tracking/"+w.trackNo(a.r), rTrack, st, 0)
		})
	}
	// The finance team's BI export every five minutes.
	bi := w.heavyClient(w.log.V4(s, []string{"10.20.4."}), "export", Sub(d), "Metabase/0.50 (+internal)", "fl_live_"+Hex(s, 16), 260)
	for t := Sec(Uniform(bi.r, 0, 300)); t < w.W; t += Sec(300) {
		for pg := 1; pg <= 3+bi.r.IntN(10); pg++ {
			bi.send(t+Sec(float64(pg)*1.5), "GET", fmt.Sprintf("/v3/reports/shipments.csv?day=%s&page=%d", w.iso(t)[:10], pg), rList, 200, 0)
		}
	}
	for range 2 {
		m := w.heavyClient(w.log.V4(s, []string{"138.197.", "104.236."}), "monitor", Sub(d), "checkly/2.1 (https://www.checklyhq.com)", "fl_test_"+Hex(s, 16), 180)
		for t := Sec(Uniform(m.r, 0, 20)); t < w.W; t += Sec(20) {
			m.send(t, "GET", "/v3/health", rHealth, 200, 0)
			m.send(t+Sec(.4), "POST", "/v3/rates", rRates, 200, 300)
		}
	}
	// The depot: handheld scanners behind the warehouse's one address.
	depot := w.log.Client(w.log.V4(s, []string{"194.8.", "91.198."}), KindNormal)
	depot.Heavy, depot.Profile = true, "warehouse"
	for range 8 + s.IntN(20) {
		a := &actor{w: w, c: depot, r: Sub(d), ua: "FL-Depot/3.3 (Honeywell CK65)", key: "fl_live_" + Hex(s, 16), hdr: 300, user: "depot_" + strconv.Itoa(s.IntN(900))}
		Poisson(a.r, Uniform(a.r, .1, .5), 0, w.W, func(t int64) {
			a.send(t, "POST", "/v3/warehouse/scans", rMobile, Pick(a.r, []int{201, 201, 201, 201, 201, 409, 404}), int64(Uniform(a.r, 150, 300)))
		})
	}
}

// carrierNAT: drivers and consumers on mobile networks behind shared IPv4.
func (w *world) carrierNAT() {
	s, d := w.site, w.day
	var ips []string
	for range 3 {
		ips = append(ips, w.log.V4(s, carrierV4))
	}
	for _, i := range d.Perm(len(ips))[:1+d.IntN(3)] {
		c := w.log.Client(ips[i], KindNormal)
		c.Heavy, c.Profile = true, "cgnat"
		for range 20 + d.IntN(60) {
			r := Sub(d)
			a := &actor{w: w, c: c, r: r, hdr: 400 + r.IntN(400)}
			start := w.arrival(r, 0, 0, 0)
			if Chance(r, .4) {
				a.ua, a.key, a.user = driverUA(r), w.driverKey, "drv_"+strconv.Itoa(10000+r.IntN(80000))
				w.driver(a, start)
			} else {
				a.ua = browserUA(r)
				w.consumer(a, start, w.rush.has(start))
			}
		}
	}
}

// newcomers: heavy legitimate clients of this day only.
func (w *world) newcomers() {
	d := w.day
	for _, k := range d.Perm(3)[:1+d.IntN(3)] {
		r := Sub(d)
		a0 := Sec(Uniform(r, 0, .5) * float64(w.W) / 1e9)
		switch k {
		case 0: // a merchant onboarding: bulk import of its open orders
			a := w.heavyClient(w.log.V4(d, cloudV4), "new-partner", r, Pick(r, []string{"OrderDesk-Import/1.0", "python-httpx/0.27.0", "Go-http-client/2.0"}), "fl_live_"+Hex(d, 16), 300)
			Poisson(r, Uniform(r, 1, 4), a0, a0+Sec(Uniform(r, 180, 600)), func(t int64) {
				a.send(t, "POST", "/v3/shipments/batch", rCreate, Pick(r, []int{207, 201, 201}), int64(Uniform(r, 2e4, 2e5)))
			})
		case 1: // a new tracking widget on a big retailer's site, server side
			a := w.heavyClient(w.log.V4(d, cloudV4), "new-partner", r, "RetailTrack-Widget/0.9 node/20.12", "fl_live_"+Hex(d, 16), 260)
			Poisson(r, Uniform(r, 2, 6), a0, w.W, func(t int64) {
				a.send(t, "GET", "/v3/tracking/"+w.trackNo(r), rTrack, Pick(r, []int{200, 200, 200, 200, 404}), 0)
			})
		default: // a new 3PL pushing events
			a := w.heavyClient(w.log.V4(d, hostV4), "new-partner", r, "3PL-Hub-Webhooks/1.1", "", 280)
			Poisson(r, Uniform(r, 1, 3), a0, w.W, func(t int64) {
				a.send(t, "POST", "/v3/inbound/carrier-events/threepl", rInbound, 202, int64(Uniform(r, 500, 1500)))
			})
		}
	}
}
