package main

import (
	"math/rand/v2"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// partnerTraffic is what the recurring machines send all day.
func (w *world) partnerTraffic(r *rand.Rand) {
	clients := w.l.Clients()
	for i, p := range w.s.partners {
		c := clients[i] // registered first, in the same order
		pr := Sub(r)
		v := w.newVisit(pr, func(int64) *Client { return c }, 0, false, p.ua)
		v.key, v.hdr, v.api = p.key, 300+int64(pr.IntN(500)), ""
		switch p.profile {
		case "aggregator", "budgeting-app":
			w.aisp(v, p, 0)
		case "lender":
			w.lender(v, p)
		case "checkout-pisp":
			w.pisp(v, p)
		case "card-processor":
			w.processor(v, p)
		case "payment-scheme":
			w.scheme(v, p)
		case "identity-vendor":
			Poisson(pr, p.rate, 0, w.win, func(t int64) {
				v.t = t
				v.post("/webhooks/identity/results", 200, 2400, 0.05, 60)
			})
		case "batch-job":
			w.job(v, p)
		case "monitor":
			w.monitor(v, p)
		}
	}
}

// aisp is an account-information third party: when its users open its
// app it fetches their accounts, balances and recent transactions, and on
// some days an unattended refresh of all its users runs for a few
// minutes at several times the pace. Its access token expires every few
// minutes and is renewed after a 401; a consent past its 90 days is
// refused.
func (w *world) aisp(v *visit, p partner, from int64) {
	r := v.r
	ob := w.s.ob()
	sweepAt, sweepEnd, mult := int64(-1), int64(-1), Uniform(r, 2, 5)
	if Chance(r, p.sweep) {
		sweepAt = w.at(Uniform(r, 0, 0.7))
		sweepEnd = sweepAt + Sec(Uniform(r, 120, 420))
	}
	renew := from + Sec(Uniform(r, 0, 600))
	for t := from; ; {
		rate := p.rate
		if t >= sweepAt && t < sweepEnd {
			rate *= mult
		}
		if t += Sec(r.ExpFloat64() / rate); t >= w.win {
			return
		}
		v.t, v.user = t, w.s.customer(r)
		if t >= renew {
			v.get(ob.accounts(), 401, 0.1, 8)
			v.pause(0.05, 0.2)
			v.user = ""
			v.post(ob.token, 200, 900, 1.4, 80)
			renew = v.t + Sec(Uniform(r, 290, 900))
			v.user = w.s.customer(r)
		}
		w.fetch(v, ob, "2026-"+Pick(r, []string{"10-29", "10-30", "08-01"}), 1)
	}
}

// fetch reads one customer's accounts, their balances and their
// transactions since from, up to pages pages each.
func (w *world) fetch(v *visit, ob obAPI, from string, pages int) {
	r := v.r
	if Chance(r, 0.025) {
		v.get(ob.accounts(), 403, 0.2, 25) // consent expired or revoked
		return
	}
	accs := accounts(v.user, 1+Weighted(r, []float64{0.5, 0.35, 0.15}))
	v.get(ob.accounts(), 200, 1+1.2*float64(len(accs)), 90)
	for _, a := range accs {
		v.pause(0.03, 0.25)
		v.get(ob.balances(a), 200, 0.7, 60)
		for p := 1; p <= pages; p++ {
			v.pause(0.03, 0.25)
			v.get(ob.transactions(a, from, p), 200, LogUniform(r, 2, 40), 220)
		}
	}
}

// lender checks an applicant's affordability: a new consent, then a year
// of transactions page by page.
func (w *world) lender(v *visit, p partner) {
	r := v.r
	ob := w.s.ob()
	Poisson(r, p.rate, 0, w.win, func(t int64) {
		v.t, v.user = t, ""
		v.post(ob.token, 200, 900, 1.4, 80)
		v.pause(0.1, 0.4)
		v.post(ob.consents(), 201, 700, 0.9, 150)
		// The applicant approves the consent in the bank's app.
		v.pause(20, 90)
		v.user = w.s.customer(r)
		w.fetch(v, ob, "2025-10-30", 3+r.IntN(10))
	})
}

// pisp is a checkout provider initiating payments for web shops: a
// payment consent (UK) or the payment itself, the customer approving it
// in the bank's app, then the status polled until it settles.
func (w *world) pisp(v *visit, p partner) {
	r := v.r
	ob := w.s.ob()
	Poisson(r, p.rate, 0, w.win, func(t int64) {
		v.t, v.user = t, w.s.customer(r)
		id := Hex(r, 16)
		var status string
		if ob.std == obUK {
			v.post(ob.paymentConsent(), 201, 1100, 1.2, 180)
			v.pause(15, 80)
			if Chance(r, 0.15) { // the customer never approved it
				v.get(ob.paymentConsent()+"/"+id, 200, 1.2, 50)
				return
			}
			v.post(ob.payments(), 201, 1100, 1.3, 420)
			status = ob.payments() + "/" + id
		} else {
			v.post(ob.payments(), 201, 900, 1.1, 300)
			status = ob.payments() + "/" + id + "/status"
		}
		for range 2 + r.IntN(5) {
			v.pause(1.5, 4)
			v.get(status, 200, 0.3, 35)
		}
	})
}

// processor is the card processor asking the bank to approve every card
// payment of its customers, answered within milliseconds, with reversals
// and, every minute or two, a batch of cleared payments.
func (w *world) processor(v *visit, p partner) {
	r := v.r
	clearing := Sec(Uniform(r, 0, 90))
	Poisson(r, p.rate, 0, w.win, func(t int64) {
		v.t = t
		if t >= clearing {
			v.post("/webhooks/card-processor/clearing", 200, LogUniform(r, 40000, 400000), 0.1, 600)
			clearing += Sec(Uniform(r, 60, 120))
			return
		}
		path := "/webhooks/card-processor/authorizations"
		if Chance(r, 0.02) {
			path = "/webhooks/card-processor/reversals"
		}
		status := 200
		if Chance(r, 0.003) {
			status = 504 // the ledger was too slow; the processor stands in
		}
		v.post(path, status, 1800, 0.3, 35)
	})
}

// scheme is the payment scheme announcing incoming credits; on a payday
// the payroll batch arrives just before the notifications go out.
func (w *world) scheme(v *visit, p partner) {
	r := v.r
	ru := w.rush
	from, to := ru.at-Sec(90), ru.at+Sec(ru.spread)
	for t := int64(0); ; {
		rate := p.rate
		if !ru.news && t >= from && t < to {
			rate *= 20
		}
		if t += Sec(r.ExpFloat64() / rate); t >= w.win {
			return
		}
		v.t = t
		v.post("/webhooks/payments/inbound", 200, 3200, 0.2, 45)
	}
}

// job is one of the bank's batch jobs calling internal routes through the
// gateway at a steady pace: month-end statements, ledger reconciliation,
// risk features, the notification fan-out that a payday keeps busy.
func (w *world) job(v *visit, p partner) {
	r, ru := v.r, w.rush
	cursor := 1 + r.IntN(90000000)
	for t := Sec(Uniform(r, 0, 1/p.rate)); t < w.win; t += Sec(Uniform(r, 0.9, 1.1) / p.rate) {
		v.t = t
		switch p.name {
		case "statement-renderer":
			a := accounts(w.s.customer(r), 1)[0]
			v.get("/internal/v1/accounts/"+a+"/transactions?period=2026-10", 200, LogUniform(r, 4, 60), 140)
			v.pause(0.2, 1.5)
			v.post("/internal/v1/statements", 201, 400, 0.2, 300)
		case "ledger-reconciler":
			cursor += 500
			v.get("/internal/v1/ledger/postings?after="+strconv.Itoa(cursor)+"&limit=500", 200, 180, 350)
		case "risk-feature-sync":
			v.post("/internal/v1/risk/features/batch", 202, LogUniform(r, 20000, 200000), 0.1, 120)
		default:
			n := 1
			if !ru.news && ru.load(t) > 0 {
				n = 3 + r.IntN(5) // the salary notifications
			}
			for range n {
				v.post("/internal/v1/notifications/batch", 202, LogUniform(r, 5000, 60000), 0.1, 60)
				v.pause(0.05, 0.2)
			}
		}
	}
}

// monitor is one region's uptime probe: the health check, the app's
// configuration, web banking's login page, the open-banking discovery
// document and, every few rounds, a sign-in with its test account.
func (w *world) monitor(v *visit, p partner) {
	r, s := v.r, w.s
	step := r.IntN(5)
	for v.t = Sec(Uniform(r, 0, 1/p.rate)); v.t < w.win; v.t += Sec(Uniform(r, 0.98, 1.02) / p.rate) {
		switch step % 5 {
		case 0:
			v.get("/health", 200, 0.05, 3)
		case 1:
			v.get(s.app+"/config?platform=ios&locale="+locale(s.region), 200, 3, 25)
		case 2:
			v.get(s.pages+"/login", 200, 30, 45)
		case 3:
			v.get("/.well-known/openid-configuration", 200, 2, 12)
		case 4:
			if step%15 == 4 {
				v.post(s.web+"/auth/login", 200, 260, 1.1, 300)
			} else {
				v.get("/health/ready", 200, 0.1, 6)
			}
		}
		step++
	}
}
