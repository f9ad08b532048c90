package main

import (
	"math"
	"math/rand/v2"

	"github.com/portcullis/portcullis/tools/internal/simcmd"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

func generate(c simcmd.Config) *Log {
	w := newWorld(c)
	d := w.day
	// Site identities first, so that they do not depend on -clients.
	w.recurring()
	w.carrierNAT()
	people := w.pool(c.Clients * 5 / 2)
	w.newcomers()
	for _, k := range []func(*world, *rand.Rand){(*world).flood, (*world).scan, (*world).bruteforce, (*world).injection, (*world).upload, (*world).enumeration} {
		for range 2 + d.IntN(4) {
			k(w, Sub(d))
		}
	}
	w.stuffing(Sub(d))
	w.cardtest(Sub(d))
	w.ddos(Sub(d))

	// The morning ramp is steeper on some days than others; the rush adds
	// (mult-1) times the usual arrivals of consumers to its window.
	slope, amp, phase := Uniform(d, 0, .8), Uniform(d, 0, .2), Uniform(d, 0, 2*math.Pi)
	order := d.Perm(len(people))
	n := min(c.Clients, len(people))
	consumers := 0
	for _, i := range order[:n] {
		w.visit(people[i], w.arrival(Sub(d), slope, amp, phase), false)
		if people[i].profile == "consumer" {
			consumers++
		}
	}
	crowd := int((w.rushMult - 1) * float64(n) * float64(w.rush.b-w.rush.a) / float64(w.W+Sec(240)))
	for _, i := range order[n:] {
		if crowd == 0 {
			break
		}
		if p := people[i]; p.profile == "consumer" {
			w.visit(p, w.rush.a+int64(d.Float64()*float64(w.rush.b-w.rush.a)), true)
			crowd--
		}
	}
	w.limits()
	return w.log
}

// limits applies the gateway's limits in time order: per API key 25 req/s
// (burst 100), and per address 5 sign-ins at once then one every 12 s.
// Excess requests get 429.
func (w *world) limits() {
	w.log.Sort()
	type bucket struct {
		tokens float64
		last   int64
	}
	keys, signins := map[string]*bucket{}, map[*Client]*bucket{}
	take := func(b *bucket, t int64, rate, burst float64) bool {
		b.tokens = math.Min(burst, b.tokens+float64(t-b.last)/1e9*rate)
		b.last = t
		if b.tokens < 1 {
			return false
		}
		b.tokens--
		return true
	}
	for i := range w.log.Events() {
		e := &w.log.Events()[i]
		ok := true
		if e.Key != "" && e.Key != w.driverKey {
			b := keys[e.Key]
			if b == nil {
				b = &bucket{tokens: 100, last: e.T}
				keys[e.Key] = b
			}
			ok = take(b, e.T, 25, 100)
		}
		if e.Path == "/auth/session" {
			b := signins[e.C]
			if b == nil {
				b = &bucket{tokens: 5, last: e.T}
				signins[e.C] = b
			}
			ok = take(b, e.T, 1/12., 5) && ok
		}
		if !ok {
			e.Status, e.RespBytes, e.DurationMS = 429, 110, .6
		}
	}
}
