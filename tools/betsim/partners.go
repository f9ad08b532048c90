package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// steady sends what f returns at the arrivals of a Poisson process of rate
// a second over [from, to), quickened by gain times the goal lift: feeds
// and webhooks follow the match too, a little.
func (d *day) steady(r *rand.Rand, a *actor, rate, gain float64, from, to int64, f func(t int64) Event) {
	for t := from; ; {
		t += Sec(r.ExpFloat64() / (rate * (1 + gain*(d.load(t)-1))))
		if t >= to {
			return
		}
		a.send(t, f(t))
	}
}

// servers sends the recurring machine clients' traffic, each at its own
// pace of the day.
func (d *day) servers() {
	for _, sv := range d.s.servers {
		r := Sub(d.r)
		a := &actor{d: d, c: sv.c, ua: sv.ua, key: sv.key, hdr: int64(Uniform(r, 250, 450))}
		rate := sv.rate * LogNormal(r, 1, 0.15)
		var f func(int64) Event
		gain := 0.
		switch sv.c.Profile {
		case "odds-feed":
			f, gain = func(int64) Event { return d.feed(r) }, 0.4
		case "data-partner":
			f = func(int64) Event { return d.stats(r) }
		case "affiliate":
			f = func(int64) Event { return d.affiliate(r, sv.key) }
		case "payment-webhook":
			f, gain = func(int64) Event { return webhook(r, sv.provider) }, 0.8
		default:
			f = func(int64) Event { return integrity(r, d.s.pickMatch(r)) }
		}
		d.steady(r, a, rate, gain, 0, d.w, f)
	}
	if d.test {
		d.newPartner(Sub(d.r))
	}
}

// feed is an odds-feed partner's poll: the market changes since its last
// poll, or one event's prices.
func (d *day) feed(r *rand.Rand) Event {
	if Chance(r, 0.4) {
		return req(r, "GET", "/feed/v1/markets?sport=football&status=live&page="+itoa(1+r.IntN(4)), 200, 0, 120000, 60)
	}
	p := "/feed/v1/events/" + itoa(d.s.pickMatch(r).id) + "/prices?format=decimal"
	if Chance(r, 0.15) {
		return req(r, "GET", p, 304, 0, 0, 5)
	}
	return req(r, "GET", p, 200, 0, 14000, 18)
}

// stats is a data partner's pull of results and match statistics.
func (d *day) stats(r *rand.Rand) Event {
	m := d.s.pickMatch(r)
	if Chance(r, 0.5) {
		return req(r, "GET", "/feed/v1/events/"+itoa(m.id)+"/stats", 200, 0, 22000, 30)
	}
	return req(r, "GET", "/feed/v1/results?sport=football&date=today", 200, 0, 60000, 80)
}

// affiliate is a tracking server: odds widgets it renders on its own
// pages, report pulls and conversion postbacks.
func (d *day) affiliate(r *rand.Rand, key string) Event {
	switch r.IntN(4) {
	case 0:
		return req(r, "GET", "/aff/v1/reports/registrations?from=today&aff="+key[4:], 200, 0, 8000, 120)
	case 1:
		return req(r, "POST", "/aff/v1/postback", 204, 300, 0, 20)
	}
	return req(r, "GET", "/aff/v1/widgets/odds?event="+itoa(d.s.pickMatch(r).id)+"&aff="+key[4:]+"&theme=dark", 200, 0, 6000, 25)
}

// webhook is the payment provider telling the site how a deposit or
// payout ended; now and then the site fails it and the provider retries.
func webhook(r *rand.Rand, provider string) Event {
	status := 200
	if Chance(r, 0.01) {
		status = 500
	}
	return req(r, "POST", "/api/v2/payments/webhooks/"+provider, status, 1400, 40, 35)
}

// integrity is a regulator's or integrity monitor's pull of bets on a
// market, in large pages.
func integrity(r *rand.Rand, m match) Event {
	if Chance(r, 0.2) {
		return req(r, "GET", "/integrity/v1/alerts?since=1h", 200, 0, 3000, 40)
	}
	return req(r, "GET", "/integrity/v1/bets?event="+itoa(m.id)+"&limit=500&cursor="+Hex(r, 10), 200, 0, 240000, 350)
}

// newPartner is a data partner signed for the derby that polls hard from
// the day it goes live: legitimate, busy and never seen before.
func (d *day) newPartner(r *rand.Rand) {
	key := "pk_live_" + Hex(r, 16)
	ua := Pick(r, []string{"LineStream-Ingest/1.0", "Go-http-client/2.0", "Java-http-client/21.0.2"})
	from := int64(Uniform(r, 0, 0.3) * float64(d.w))
	for range 1 + r.IntN(2) {
		c := d.l.Client(d.l.V4(r, newPartnerNet), KindNormal)
		c.Profile, c.Heavy = "new-odds-feed", true
		a := &actor{d: d, c: c, ua: ua, key: key, hdr: 320}
		d.steady(r, a, LogUniform(r, 4, 12), 0.5, from, d.w, func(int64) Event { return d.feed(r) })
	}
}
