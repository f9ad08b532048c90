package main

import (
	"math/rand/v2"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// Roles of the machines around the business.
const (
	rolePSP    = "psp-webhooks"      // the payment provider posting payment events
	roleExport = "analytics-export"  // a partner pulling every order for its warehouse
	roleProbe  = "monitoring-probe"  // synthetic checks from a few regions
	roleSMS    = "messaging-webhook" // delivery receipts of texts and OTP codes
	rolePOS    = "pos-integration"   // a restaurant chain's point-of-sale system
)

// regular is a recurring heavy client of the city: a machine whose address
// and key stay the same from one day to the next.
type regular struct {
	role, ua, key string
	c             *Client
}

func cloudV4() []string { return []string{"34.", "35.", "52.", "54.", "3.", "18.", "13.", "44."} }

// recurring draws the city's machines. Every city has the payment
// provider, the export partner and the probes; most have the others.
func (w *world) recurring() {
	s := w.site
	add := func(role, ua, key string) {
		c := w.log.Client(w.log.V4(s, cloudV4()), KindNormal)
		c.Profile, c.Heavy = role, true
		w.regular = append(w.regular, &regular{role: role, ua: ua, key: key, c: c})
	}
	for range 2 + s.IntN(2) {
		add(rolePSP, "Payvia-Webhooks/2.1 (+https://docs.payvia.example/webhooks)", "")
	}
	add(roleExport, Pick(s, []string{"python-requests/2.32.3", "Go-http-client/1.1", "airbyte-source-parcelo/0.4.2"}), "exp_live_"+Hex(s, 16))
	for range 2 + s.IntN(2) {
		add(roleProbe, "Datadog/Synthetics", "")
	}
	if Chance(s, .7) {
		add(roleSMS, "TwilioProxy/1.1", "")
	}
	if Chance(s, .7) {
		add(rolePOS, Pick(s, []string{"Java/17.0.12", "okhttp/4.12.0", "SquirrelPOS-Bridge/5.2"}), "pos_"+Hex(s, 16))
	}
}

// machines plays the day of every recurring machine.
func (w *world) machines(d *rand.Rand) {
	var psp []*regular
	for _, m := range w.regular {
		r := Sub(d)
		switch m.role {
		case rolePSP:
			psp = append(psp, m)
		case roleExport:
			w.export(r, m)
		case roleProbe:
			w.probe(r, m)
		case roleSMS:
			a := w.machine(r, m)
			Poisson(r, Uniform(r, .3, 1.5), 0, w.W, func(t int64) {
				a.post(t, "/hooks/sms/status", 204, 480, 0, 6)
			})
			a.flush()
		case rolePOS:
			w.pos(r, m)
		}
	}
	w.payvia(Sub(d), psp)
}

func (w *world) machine(r *rand.Rand, m *regular) *actor {
	a := w.actor(r, fixedAt(m.c), m.ua, "")
	a.key = m.key
	return a
}

// payvia posts the payment provider's events, a few per order, from its
// addresses in turn. On most days it also re-sends a backlog it could not
// deliver, at tens of requests a second; after a payments outage the
// backlog comes when the outage ends.
func (w *world) payvia(r *rand.Rand, from []*regular) {
	as := make([]*actor, len(from))
	for i, m := range from {
		as[i] = w.machine(Sub(r), m)
	}
	hook := func(t int64, dup float64) {
		a := Pick(r, as)
		st := 200
		if x := r.Float64(); x < dup {
			st = 409
		} else if x < dup+.004 {
			st = 500
		}
		a.post(t, "/hooks/psp", st, 1800, 20, 30)
	}
	Poisson(r, w.orderRate*Uniform(r, 1.5, 3), 0, w.W, func(t int64) { hook(t, .002) })
	if w.inc.what == "payments" || Chance(r, .6) {
		at := Sec(Uniform(r, .1, .8) * float64(w.W) / 1e9)
		if w.inc.what == "payments" {
			at = w.inc.b + Sec(Uniform(r, 5, 40))
		}
		Poisson(r, Uniform(r, 15, 60), at, at+Sec(Uniform(r, 40, 180)), func(t int64) { hook(t, .1) })
	}
	for _, a := range as {
		a.flush()
	}
}

// export pulls the day's orders page by page as fast as the API answers,
// with one to three workers, and starts over a minute or two after each
// run.
func (w *world) export(r *rand.Rand, m *regular) {
	a := w.machine(r, m)
	since := w.log.Start().Format("2006-01-02") + "T00:00:00Z"
	for t := Sec(Uniform(r, -90, 30)); t < w.W; {
		pages := 20 + r.IntN(130)
		workers := 1 + r.IntN(3)
		end := t
		for k := range workers {
			u := t + Sec(Uniform(r, 0, .2))
			for p := 1 + k; p <= pages; p += workers {
				ms := LogNormal(r, 250, .4)
				resp := 90000.
				if p == pages {
					resp = 9000
				}
				a.call(u, "GET", "/v2/export/orders?since="+since+"&page="+strconv.Itoa(p)+"&page_size=500", 200, 0, resp, ms)
				u += Sec(ms/1000 + Uniform(r, .02, .08))
			}
			end = max(end, u)
		}
		t = end + Sec(Uniform(r, 60, 150))
	}
	a.flush()
}

// probe runs a synthetic check from one region every half minute or so:
// health, config, a sign-in with the check account, a menu and a GraphQL
// query, one after the other.
func (w *world) probe(r *rand.Rand, m *regular) {
	a := w.machine(r, m)
	iv := Uniform(r, 20, 40)
	menu := "/v2/restaurants/" + strconv.Itoa(w.rest[0]) + "/menu"
	for t := Sec(Uniform(r, 0, iv)); t < w.W; t += Sec(iv * Uniform(r, .98, 1.02)) {
		u := t
		step := func() int64 { u += Sec(Uniform(r, .1, .6)); return u }
		a.get(u, "/healthz", 200, 20, 2)
		a.get(step(), "/v2/config?platform=ios&version="+appVersions()[0], 200, 4200, 25)
		a.post(step(), "/v2/auth/login", 200, 380, 1200, 190)
		a.user = "u1"
		a.get(step(), menu, 200, 35000, 45)
		a.gql(step(), "Me")
		a.user = ""
	}
	a.flush()
}

// pos is a restaurant chain's point-of-sale system: it polls the orders of
// all its stores every second, accepts and readies them, and pushes its
// menu every few minutes, item after item.
func (w *world) pos(r *rand.Rand, m *regular) {
	a := w.machine(r, m)
	chain := "ch" + m.key[4:10]
	start := w.log.Start().UnixMilli()
	rate := Uniform(r, 1/60., 1/15.)
	next := Sec(r.ExpFloat64() / rate)
	for t := Sec(Uniform(r, 0, 1)); t < w.W; t += Sec(Uniform(r, .95, 1.1)) {
		path := "/v2/merchant/orders?since=" + strconv.FormatInt(start+(t-Sec(1))/1e6, 10) + "&chain=" + chain
		if t < next {
			a.get(t, path, 200, 300, 25)
			continue
		}
		a.get(t, path, 200, 6000, 40)
		next = t + Sec(r.ExpFloat64()/rate)
		id := "/v2/merchant/orders/" + strconv.FormatInt(w.order(r, t), 10)
		a.call(t+Sec(Uniform(r, .2, 2)), "PUT", id+"/accept", 200, 90, 400, 40)
		a.call(t+Sec(Uniform(r, 400, 1200)), "PUT", id+"/ready", 200, 90, 400, 40)
	}
	for t := Sec(Uniform(r, 0, 300)); t < w.W; t += Sec(Uniform(r, 180, 420)) {
		u := t
		for range 50 + r.IntN(150) {
			a.call(u, "PATCH", "/v2/merchant/menu/items/"+strconv.Itoa(100000+r.IntN(900000)), 200, 300, 500, 45)
			u += Sec(Uniform(r, .03, .1))
		}
	}
	a.flush()
}

// newcomers are the heavy clients that appear for the first time today: a
// fleet partner whose integration went live, busy from the first minute,
// and on some days a merchant group's reporting tool.
func (w *world) newcomers(r *rand.Rand) {
	c := w.log.Client(w.log.V4(r, cloudV4()), KindNormal)
	c.Profile, c.Heavy = "new-fleet-partner", true
	a := w.actor(r, fixedAt(c), Pick(r, []string{"FleetLink-Connector/0.9.4", "Go-http-client/2.0", "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)"}), "")
	a.key = "flt_" + Hex(r, 16)
	start := Sec(Uniform(r, -120, .1*float64(w.W)/1e9))
	bad := Uniform(r, .02, .12) // an integration still being debugged
	for t := start; t < w.W; t += Sec(Uniform(r, .9, 1.1)) {
		st := 202
		if Chance(r, bad) {
			st = Pick(r, []int{400, 422})
		}
		a.post(t, "/v2/fleet/locations", st, 12000, 80, 40)
	}
	for t := start + Sec(Uniform(r, 0, 2)); t < w.W; t += Sec(Uniform(r, 2, 3)) {
		a.get(t, "/v2/fleet/orders/available?"+w.near(r), 200, 3000, 50)
	}
	Poisson(r, 1/20., start, w.W, func(t int64) {
		id := "/v2/fleet/orders/" + strconv.FormatInt(w.order(r, t), 10)
		if Chance(r, .3) {
			a.post(t, id+"/claim", 409, 60, 150, 40)
			return
		}
		a.post(t, id+"/claim", 201, 60, 900, 60)
		a.call(t+Sec(Uniform(r, 200, 900)), "PUT", id+"/status", 200, 150, 300, 40)
	})
	a.flush()

	if !Chance(r, .4) {
		return
	}
	c = w.log.Client(w.log.V4(r, cloudV4()), KindNormal)
	c.Profile, c.Heavy = "new-reporting-tool", true
	a = w.actor(r, fixedAt(c), "axios/1.7.4", "")
	a.key = "rpt_" + Hex(r, 16)
	date := w.log.Start().AddDate(0, 0, -1).Format("2006-01-02")
	t := Sec(Uniform(r, 0, .6) * float64(w.W) / 1e9)
	for range 50 + r.IntN(250) {
		a.get(t, "/v2/merchant/reports/daily?store="+strconv.Itoa(Pick(r, w.rest))+"&date="+date, 200, 24000, 180)
		t += Sec(Uniform(r, .15, .5))
	}
	a.flush()
}
