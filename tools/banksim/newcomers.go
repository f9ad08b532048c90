package main

import (
	"math/rand/v2"

	"github.com/portcullis/portcullis/decision/apikey"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// newcomers are the machines that start calling the bank today: on some
// days a third party whose licence and certificate were just registered
// goes live, finds its way through discovery, a token refused until its
// certificate is accepted and consents it sends malformed at first, then
// fetches its first users' accounts; on others the bank deploys a new
// batch job. The site has not seen them before.
func (w *world) newcomers(r *rand.Rand) {
	if Chance(r, 0.55) {
		w.newTPP(Sub(r))
	}
	if Chance(r, 0.25) {
		pr := Sub(r)
		c := w.l.Client(w.l.V4(pr, []string{"10.42."}), KindNormal)
		c.Profile, c.Heavy = "new-batch-job", true
		v := w.newVisit(pr, func(int64) *Client { return c }, 0, false, Pick(pr, []string{"Go-http-client/1.1", "savings-interest-accrual/0.1.0"}))
		v.key = apikey.ID("svc_interest_" + Hex(pr, 16))
		rate := LogUniform(pr, 1, 6)
		Poisson(pr, rate, w.at(Uniform(pr, 0, 0.4)), w.win, func(t int64) {
			v.t = t
			v.post("/internal/v1/savings/pots/pot_"+Hex(pr, 10)+"/accrue", Pick(pr, []int{200, 200, 200, 200, 409}), 220, 0.2, 90)
		})
	}
}

func (w *world) newTPP(r *rand.Rand) {
	ob := w.s.ob()
	name := Pick(r, []string{"Brightledger", "Fundsy", "Kontoblick", "Nimbl Finance", "Rentproof"})
	key := apikey.ID("ob_" + slugify(name) + "_" + Hex(r, 16) + Hex(r, 16))
	ua := Pick(r, []string{"node-fetch/1.0 (+https://github.com/bitinn/node-fetch)", "okhttp/4.12.0", "python-httpx/0.27.0", slugify(name) + "-connector/0.3.1"})
	from := w.at(Uniform(r, 0, 0.3))
	for range 1 + r.IntN(2) {
		pr := Sub(r)
		c := w.l.Client(w.l.V4(pr, cloudNets), KindNormal)
		c.Profile, c.Heavy = "new-tpp", true
		v := w.newVisit(pr, func(int64) *Client { return c }, from+Sec(Uniform(pr, 0, 20)), false, ua)
		v.key, v.api = key, ""
		v.get("/.well-known/openid-configuration", 200, 2, 12)
		v.pause(0.5, 3)
		for range 1 + pr.IntN(4) {
			v.post(ob.token, 401, 900, 0.2, 40) // the certificate is not recognised yet
			v.pause(5, 40)
		}
		v.post(ob.token, 200, 900, 1.4, 80)
		for range 2 + pr.IntN(6) {
			v.pause(1, 10)
			v.post(ob.consents(), Pick(pr, []int{400, 400, 201}), 700, 0.6, 150)
		}
		w.aisp(v, partner{rate: LogUniform(pr, 0.2, 1.5)}, v.t)
	}
}

// callbacks are the identity vendor's reports on the documents customers
// uploaded: a result half a minute to two minutes after each upload, from
// one of its addresses, now and then delivered twice.
func (w *world) callbacks(r *rand.Rand) {
	var vendors []*Client
	var p partner
	for i, q := range w.s.partners {
		if q.profile == "identity-vendor" {
			vendors = append(vendors, w.l.Clients()[i])
			p = q
		}
	}
	for _, t := range w.checks {
		c := Pick(r, vendors)
		v := w.newVisit(r, func(int64) *Client { return c }, t+Sec(Uniform(r, 30, 120)), false, p.ua)
		v.key, v.hdr = p.key, 400
		v.post("/webhooks/identity/results", 200, 2400, 0.05, 60)
		if Chance(r, 0.03) {
			v.pause(10, 60)
			v.post("/webhooks/identity/results", 200, 2400, 0.05, 60)
		}
	}
}
