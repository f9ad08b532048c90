package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// flash is the test day's flash crowd: a large employer's hiring event in
// the news sends three to four times the usual job seekers to a few of
// its postings and into the apply flow.
type flash struct {
	on       bool
	from, to int64
	hot      []int // the event's postings
	mult     float64
}

// drawFlash draws the flash crowd of a test day; the training day has
// none.
func (d *day) drawFlash(r *rand.Rand) flash {
	if !d.test {
		return flash{}
	}
	f := flash{on: true, from: d.startIn(r, 0.1, 0.35), mult: Uniform(r, 2, 3)}
	f.to = f.from + d.startIn(r, 0.35, 0.55)
	for range 3 + r.IntN(4) {
		f.hot = append(f.hot, jobID(r))
	}
	return f
}

// flashCrowd adds the crowd's visitors, arriving at mult times the usual
// rate of new job seekers between from and to: new addresses on the web,
// the app behind the same carrier NATs, or IPv6.
func (d *day) flashCrowd(r *rand.Rand, nats []*Client) {
	f := d.flash
	if !f.on {
		return
	}
	n := float64(d.clients) * d.site.scale
	rate := f.mult * n / (1.3 * float64(d.Window()) / 1e9)
	Poisson(r, rate, f.from, f.to, func(t int64) {
		rr := Sub(r)
		if Chance(rr, d.site.web) {
			c := d.Client(d.V4(rr, d.site.home), KindNormal)
			c.Profile = "candidate-web"
			d.webPerson(rr, c, t, f.hot)
			return
		}
		d.appPerson(rr, nats, t, f.hot)
	})
}
