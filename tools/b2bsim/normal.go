package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// person is one of the service's users; who they are is fixed by the site,
// so that the same people and addresses come back on other days.
type person struct {
	profile string // consumer, operator, merchant, driver, developer
	ip      string
	net6    string // the /64 of a phone on IPv6
	ua, key string
	name    string
	hdr     int
}

func (w *world) pool(n int) []*person {
	s := w.site
	out := make([]*person, 0, n)
	for range n {
		p := &person{name: Pick(s, names) + "." + Pick(s, surnames)}
		switch x := s.Float64(); {
		case x < w.mix[0]:
			p.profile, p.ua, p.hdr = "consumer", browserUA(s), 500+s.IntN(700)
		case x < w.mix[1]:
			p.profile, p.ua, p.hdr = "operator", browserUA(s), 900+s.IntN(900)
			p.name += "@" + Pick(s, w.accounts)
		case x < w.mix[2]:
			p.profile, p.hdr = "merchant", 250+s.IntN(300)
			p.ua = Pick(s, []string{"Shopware/6.5 FreightlinePlugin/2.1", "WooCommerce-Freightline/1.9.4", "Magento2-Freightline/3.0", "Odoo/17.0 delivery_freightline", "Java/17.0.9", "Python/3.12 aiohttp/3.9.5", "PHP/8.2 Guzzle/7.8"})
			p.key = "fl_live_" + Hex(s, 16)
		case x < w.mix[3]:
			p.profile, p.ua, p.hdr, p.key = "driver", driverUA(s), 420+s.IntN(200), w.driverKey
			p.name = "drv_" + strconv.Itoa(10000+s.IntN(80000))
		default:
			p.profile, p.hdr = "developer", 200+s.IntN(200)
			p.ua = Pick(s, []string{"PostmanRuntime/7.39.0", "curl/8.7.1", "insomnia/9.2.0", "HTTPie/3.2.2", "python-requests/2.32.3"})
			p.key = "fl_test_" + Hex(s, 16)
		}
		switch {
		case p.profile == "driver" && Chance(s, .7) || p.profile == "consumer" && Chance(s, .2):
			p.net6 = V6Net(s, mobileV6)
		case Chance(s, .1):
			p.net6 = V6Net(s, homeV6)
		default:
			p.ip = w.log.V4(s, homeV4)
		}
		out = append(out, p)
	}
	return out
}

// arrival draws a start in [-4 min, W) from a rate that drifts (the
// morning ramps up) and wobbles, by thinning.
func (w *world) arrival(r *rand.Rand, slope, amp, phase float64) int64 {
	lo := -Sec(240)
	for {
		t := lo + int64(r.Float64()*float64(w.W-lo))
		x := float64(t) / float64(w.W)
		if r.Float64()*(1+slope+amp) < 1+slope*x+amp*math.Sin(2*math.Pi*x*1.7+phase) {
			return t
		}
	}
}

// visit runs one pool person's day.
func (w *world) visit(p *person, start int64, rush bool) {
	r := Sub(w.day)
	a := &actor{w: w, r: r, ua: p.ua, key: p.key, hdr: p.hdr}
	ip := p.ip
	if ip == "" {
		ip = w.log.V6In(r, p.net6)
	}
	a.c = w.log.Client(ip, KindNormal)
	a.c.Profile = p.profile
	if p.net6 != "" && Chance(r, .5) { // privacy addresses change while on the move
		a.c.Profile += "-v6"
		rot := w.log.RotateV6(r, a.c, p.net6, start, 90, 420)
		a.onRotate = func(t int64) { a.c = rot(t) }
	}
	switch p.profile {
	case "consumer":
		w.consumer(a, start, rush)
	case "operator":
		w.operator(a, start, p.name)
	case "merchant":
		w.merchant(a, start)
	case "driver":
		a.user = p.name
		w.driver(a, start)
	default:
		w.developer(a, start)
	}
}

// consumer follows one or two parcels on the public tracking page.
func (w *world) consumer(a *actor, t int64, rush bool) {
	r := a.r
	for range 1 + r.IntN(2) {
		n := w.trackNo(r)
		st := 200
		if Chance(r, .04) {
			st = 404 // mistyped
		}
		a.send(t, "GET", "/track?n="+n+"&lang="+Pick(r, []string{"de", "en", "nl", "fr", "pl"}), rTrackPage, st, 0)
		if st == 404 {
			t += Sec(Uniform(r, 5, 20))
			continue
		}
		a.send(t+Sec(Uniform(r, .1, .4)), "GET", "/v3/public/tracking/"+n+"/events", rTrack, 200, 0)
		for v := 0; v < r.IntN(4); v++ {
			t += Sec(math.Min(200, LogNormal(r, 12, 1)))
			if a.onRotate != nil {
				a.onRotate(t)
			}
			switch x := r.Float64(); {
			case x < .4:
				a.send(t, "GET", "/v3/public/tracking/"+n+"/events", rTrack, 200, 0)
			case x < .65:
				a.send(t, "GET", "/v3/public/pickup-points?zip="+Pick(r, w.zips)+"&country="+Pick(r, countries), rTrack, 200, 0)
			case x < .85:
				a.send(t, "POST", "/v3/public/tracking/"+n+"/delivery-options", rCreate, Pick(r, []int{200, 200, 200, 409}), int64(Uniform(r, 150, 400)))
			default:
				a.send(t, "GET", "/v3/public/tracking/"+n+"/eta", rTrack, 200, 0)
			}
		}
		if rush && Chance(r, .3) { // refreshes while the parcel is out for delivery
			for range 1 + r.IntN(4) {
				t += Sec(Uniform(r, 15, 60))
				a.send(t, "GET", "/track?n="+n, rTrackPage, 200, 0)
			}
		}
		t += Sec(Uniform(r, 20, 300))
	}
}

// operator works in the dashboard: signs in, lists, creates shipments,
// prints labels, sometimes tops up postage with a card.
func (w *world) operator(a *actor, t int64, name string) {
	r := a.r
	a.send(t, "GET", "/app/", rDash, 200, 0)
	if Chance(r, .55) { // session expired
		for range 3 {
			st := 200
			if Chance(r, .08) {
				st = 401
			}
			a.send(t+Sec(Uniform(r, 3, 12)), "POST", "/auth/session", rSession, st, int64(Uniform(r, 110, 180)))
			t += Sec(Uniform(r, 4, 15))
			if st == 200 {
				break
			}
		}
	}
	a.user = name
	for i, n := 0, 3+int(r.ExpFloat64()*20); i < n && t < w.W; i++ {
		t += Sec(math.Min(240, 1.5+LogNormal(r, 8, 1)))
		if a.onRotate != nil {
			a.onRotate(t)
		}
		switch x := r.Float64(); {
		case x < .3:
			a.send(t, "GET", fmt.Sprintf("/app/api/shipments?status=%s&page=%d&per_page=50", Pick(r, statuses), 1+int(r.ExpFloat64())), rList, 200, 0)
		case x < .5:
			a.send(t, "GET", "/app/api/shipments/"+w.shipID(r), rGet, 200, 0)
			a.send(t+Sec(Uniform(r, .05, .3)), "GET", "/app/api/shipments/"+w.shipID(r)+"/events", rGet, 200, 0)
		case x < .65:
			a.send(t, "POST", "/app/api/rates", rRates, 200, int64(Uniform(r, 300, 700)))
			if a.send(t+Sec(Uniform(r, 5, 30)), "POST", "/app/api/shipments", rCreate, Pick(r, []int{201, 201, 201, 201, 422}), int64(Uniform(r, 700, 1800))) == 201 {
				a.send(t+Sec(Uniform(r, 31, 40)), "GET", "/app/api/shipments/shp_"+strconv.Itoa(w.shipMax+r.IntN(9000))+"/label.pdf", rLabel, 200, 0)
			}
		case x < .75:
			a.send(t, "GET", "/app/api/search?q="+q(Pick(r, []string{w.trackNo(r), "returns", Pick(r, names) + " " + Pick(r, surnames), "pallet", "order 4471", "müller gmbh"})), rDash, 200, 0)
		case x < .83:
			a.send(t, "GET", fmt.Sprintf("/app/api/invoices?page=%d", 1+r.IntN(3)), rList, 200, 0)
		case x < .88:
			doc := int64(LogNormal(r, 6e5, .8))
			a.send(t, "POST", "/app/api/customs/documents", rDoc, 201, doc)
		case x < .9:
			st := 200
			if Chance(r, .06) {
				st = 402
			}
			a.send(t, "POST", "/v3/billing/topup", rBilling, st, int64(Uniform(r, 400, 800)))
		default:
			a.send(t, "GET", "/app/api/notifications?since="+w.iso(t), rDash, 200, 0)
		}
	}
}

// merchant is a shop system with an API key: a token, then polling for
// updates and creating shipments as orders come in.
func (w *world) merchant(a *actor, t int64) {
	r := a.r
	t = max(t, 0)
	a.send(t, "POST", "/v3/oauth/token", rToken, 200, 160)
	every := Uniform(r, 30, 180)
	for t += Sec(Uniform(r, 0, every)); t < w.W; t += Sec(every * Uniform(r, .9, 1.1)) {
		a.send(t, "GET", "/v3/shipments?updated_after="+w.iso(t-Sec(600))+"&per_page=100", rList, 200, 0)
		for range r.IntN(3) {
			t += Sec(Uniform(r, .5, 3))
			a.send(t, "POST", "/v3/rates", rRates, 200, int64(Uniform(r, 300, 600)))
			st := Pick(r, []int{201, 201, 201, 201, 201, 422})
			if a.send(t+Sec(.6), "POST", "/v3/shipments", rCreate, st, int64(Uniform(r, 800, 2000))) == 201 {
				a.send(t+Sec(1.1), "POST", "/v3/shipments/shp_"+strconv.Itoa(w.shipMax+r.IntN(9000))+"/label?format=pdf", rLabel, 200, 60)
			}
		}
	}
}

// driver is the delivery app: the route, then scans and proofs of
// delivery at every stop.
func (w *world) driver(a *actor, t int64) {
	r := a.r
	t = max(t, 0)
	a.send(t, "GET", "/mobile/v2/route?date="+w.iso(t)[:10], rMobile, 200, 0)
	for t += Sec(Uniform(r, 20, 120)); t < w.W; t += Sec(LogNormal(r, 110, .6)) {
		if a.onRotate != nil {
			a.onRotate(t)
		}
		stop := "stp_" + Hex(r, 10)
		a.send(t, "POST", "/mobile/v2/stops/"+stop+"/scan", rMobile, Pick(r, []int{200, 200, 200, 200, 200, 200, 409}), int64(Uniform(r, 200, 400)))
		if Chance(r, .6) {
			a.send(t+Sec(Uniform(r, 10, 50)), "POST", "/mobile/v2/stops/"+stop+"/proof", rDoc, 201, int64(LogNormal(r, 1.2e6, .5)))
		}
		if Chance(r, .2) {
			a.send(t+Sec(Uniform(r, 1, 5)), "GET", "/mobile/v2/route?date="+w.iso(t)[:10]+"&since="+w.iso(t), rMobile, 200, 0)
		}
	}
}

// developer tries the sandbox by hand: bursts of calls, many mistakes.
func (w *world) developer(a *actor, t int64) {
	r := a.r
	for range 1 + r.IntN(4) {
		for i := range 2 + r.IntN(8) {
			tt := t + Sec(float64(i)*Uniform(r, 2, 20))
			switch x := r.Float64(); {
			case x < .3:
				a.send(tt, "POST", "/v3/shipments", rCreate, Pick(r, []int{201, 400, 422, 422}), int64(Uniform(r, 300, 2000)))
			case x < .5:
				a.send(tt, "POST", "/v3/oauth/token", rToken, Pick(r, []int{200, 200, 401}), 160)
			case x < .8:
				a.send(tt, "GET", "/v3/shipments/"+w.shipID(r), rGet, Pick(r, []int{200, 404, 403}), 0)
			default:
				a.send(tt, "POST", "/v3/rates", rRates, Pick(r, []int{200, 400}), int64(Uniform(r, 200, 600)))
			}
		}
		t += Sec(Uniform(r, 60, 400))
	}
}
