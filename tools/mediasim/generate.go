package main

import (
	"math"
	"math/rand/v2"
	"strings"

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
	for _, run := range []func(*world, *rand.Rand){(*world).flood, (*world).scan, (*world).bruteforce, (*world).injection, (*world).upload, (*world).enumeration} {
		for range 2 + d.IntN(4) {
			run(w, Sub(d))
		}
	}
	w.stuffing(Sub(d))
	w.cardtest(Sub(d))
	w.commentSpam(Sub(d))
	w.ddos(Sub(d))

	// Ordinary visitors: a subset of the pool, arriving at a rate that
	// climbs through the morning; the breaking story adds (mult-1) times
	// the usual arrivals of readers to the spike.
	slope, amp, phase := Uniform(d, .1, .9), Uniform(d, 0, .2), Uniform(d, 0, 2*math.Pi)
	order := d.Perm(len(people))
	n := min(c.Clients, len(people))
	for _, i := range order[:n] {
		w.visit(people[i], w.arrival(Sub(d), slope, amp, phase), false)
	}
	crowd := int((w.spikeMult - 1) * float64(n) * float64(w.spike.b-w.spike.a) / float64(w.W+Sec(240)))
	for _, i := range order[n:] {
		if crowd == 0 {
			break
		}
		if p := people[i]; p.profile != "rss" && p.profile != "widget" {
			// Most of the crowd comes in the first minutes, after the alert.
			at := w.spike.a + int64(math.Pow(d.Float64(), 1.6)*float64(w.spike.b-w.spike.a))
			w.visit(p, at, true)
			crowd--
		}
	}
	w.limits()
	return w.log
}

// limits applies the gateway's limits in time order; excess requests get
// 429. Per address: 8 sign-ins at once, then one every 6 s, and 3 comments
// at once, then one every 40 s. Per partner key: 20 req/s, burst 60.
func (w *world) limits() {
	w.log.Sort()
	signins, comments, keys := NewBuckets(1/6., 8), NewBuckets(1/40., 3), NewBuckets(20, 60)
	for i := range w.log.Events() {
		e := &w.log.Events()[i]
		ok := true
		switch {
		case e.Method == "POST" && (e.Path == "/account/signin" || e.Path == "/app/v4/auth/token"):
			ok = signins.Take(e.C.IP, e.T)
		case e.Method == "POST" && strings.HasPrefix(e.Path, "/api/comments/") && !strings.HasSuffix(e.Path, "/attachments"):
			ok = comments.Take(e.C.IP, e.T)
		case e.Key != "" && strings.HasPrefix(e.Path, "/api/v1/"):
			ok = keys.Take(e.Key, e.T)
		}
		if !ok {
			e.Status, e.RespBytes, e.DurationMS = 429, 72, .5
		}
	}
}
