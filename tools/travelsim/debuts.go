package main

import (
	"fmt"
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// debuts starts the day's one or two new integrations, which were not
// there the day before: a fare aggregator whose key is activated a minute
// after its first calls, a travel agency's new back office, a price-watch
// app's backend reading fare calendars.
func (w *world) debuts(r *rand.Rand) {
	kinds := []string{"new-metasearch", "new-agency", "new-pricewatch"}
	r.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })
	for _, kind := range kinds[:1+r.IntN(2)] {
		p := &partner{kind: kind, name: kind[4:] + "-" + Hex(r, 4)}
		p.key = p.name + "_" + Hex(r, 16)
		var do func(m *machine, w *world, now int64) float64
		switch kind {
		case "new-metasearch":
			p.ua, p.rate, p.heavy, do = fmt.Sprintf("%s/1.0 (+https://%s.example/bot)", p.name, p.name), LogUniform(r, 1, 4), true, trial
		case "new-agency":
			p.ua, p.rate, p.heavy, do = "TravelDesk-Connector/5.2.0", LogUniform(r, 0.1, 0.4), true, agency
		default:
			p.ua, p.rate, p.heavy, do = "pricewatch-backend/0.9 (+https://"+p.name+".example)", LogUniform(r, 0.5, 2.5), true, fareWatch
		}
		prefixes := cloud4
		if kind == "new-agency" {
			prefixes = w.sky.home.home4
		}
		for range 1 + r.IntN(2) {
			c := w.log.Client(w.log.V4(r, prefixes), KindNormal)
			c.Profile, c.Heavy = kind, p.heavy
			p.clients = append(p.clients, c)
		}
		w.edge.contract(p.key, p.rate*2.5, p.rate*40)
		m := &machine{p: p, r: Sub(r), do: do}
		m.sender = sender{from: m.anyAddr, ua: p.ua, key: p.key}
		start := Sec(Uniform(r, 0, 0.4) * float64(w.end) / 1e9)
		m.ready = start + Sec(Uniform(r, 30, 120))
		w.at(start, m)
	}
}

// trial is a new aggregator's integration: refused (401) until its key is
// activated, then availability at a pace it raises over five minutes.
func trial(m *machine, w *world, now int64) float64 {
	r := m.r
	if now < m.ready {
		t := w.sky.newTrip(r)
		h := get(r, fmt.Sprintf("/partner/v1/availability?origin=%s&destination=%s&departureDate=%s&adults=1&cabin=e", t.out.from, t.out.to, w.date(t.depart)), clsPartner, 180, ms(r, 6))
		h.status = 401
		w.send(&m.sender, now, h)
		return Uniform(r, 3, 12)
	}
	st := m.query(w, now)
	rate := m.p.rate * min(1, 0.2+float64(now-m.ready)/float64(Sec(300)))
	gap := r.ExpFloat64() / rate
	if st == 429 {
		gap += Uniform(r, 2, 6)
	}
	return gap
}

// fareWatch is a price-watch app's backend reading the fare calendars
// of the routes its users watch, round after round.
func fareWatch(m *machine, w *world, now int64) float64 {
	r := m.r
	t := w.sky.newTrip(r)
	p := fmt.Sprintf("/partner/v1/fares/calendar?origin=%s&destination=%s&month=%s&currency=%s", t.out.from, t.out.to, w.date(t.depart)[:7], w.sky.home.currency)
	w.send(&m.sender, now, get(r, p, clsPartner, kb(r, 12), ms(r, 140)))
	return r.ExpFloat64() / m.p.rate
}
