package main

import (
	"math"
	"math/rand/v2"

	"github.com/portcullis/portcullis/tools/internal/simcmd"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// generate builds the whole day.
func generate(c simcmd.Config) *Log {
	w := newWorld(c)
	d := w.day
	// Site identities first, so that they do not depend on -clients.
	w.recurring()
	w.carrierNAT()
	people := w.pool(c.Clients * 5 / 2)
	w.newcomers()

	// Attackers first in the day's draw order, so that the count of
	// ordinary visitors does not shift them.
	for _, k := range []struct {
		name string
		run  func(*world, *rand.Rand)
	}{{"flood", (*world).flood}, {"scan", (*world).scan}, {"bruteforce", (*world).bruteforce}, {"injection", (*world).injection}, {"upload", (*world).upload}, {"enumeration", (*world).enumeration}} {
		for range 2 + d.IntN(4) {
			k.run(w, Sub(d))
		}
	}
	w.stuffing(Sub(d))
	w.cardtest(Sub(d))
	w.ddos(Sub(d))

	// Ordinary visitors: a subset of the pool, arriving at a drifting rate;
	// the flash sale adds (mult-1) times the usual arrivals to its window.
	slope, amp, phase := Uniform(d, -.6, .6), Uniform(d, 0, .25), Uniform(d, 0, 2*math.Pi)
	order := d.Perm(len(people))
	n := min(c.Clients, len(people))
	for _, i := range order[:n] {
		r := Sub(d)
		w.visit(people[i], w.arrival(r, slope, amp, phase), false)
	}
	span := float64(w.W + Sec(240))
	crowd := int((w.saleMult - 1) * float64(n) * float64(w.sale.b-w.sale.a) / span)
	for _, i := range order[n:min(len(order), n+crowd)] {
		r := Sub(d)
		w.visit(people[i], w.sale.a+int64(r.Float64()*float64(w.sale.b-w.sale.a)), true)
	}
	w.gatewayLimits()
	return w.log
}

// gatewayLimits applies the gateway's per-address login limit (10 at once,
// then one every 6 s) in time order: excess attempts get 429.
func (w *world) gatewayLimits() {
	w.log.Sort()
	type bucket struct {
		tokens float64
		last   int64
	}
	b := map[*Client]*bucket{}
	for i := range w.log.Events() {
		e := &w.log.Events()[i]
		if e.Method != "POST" || (e.Path != "/account/login" && e.Path != "/api/m/auth/login") {
			continue
		}
		k := b[e.C]
		if k == nil {
			k = &bucket{tokens: 10, last: e.T}
			b[e.C] = k
		}
		k.tokens = math.Min(10, k.tokens+float64(e.T-k.last)/1e9/6)
		k.last = e.T
		if k.tokens < 1 {
			e.Status, e.RespBytes, e.DurationMS = 429, 64, .4
			continue
		}
		k.tokens--
	}
}
