package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// rush is the day's listing or crash: some minutes of three to four times
// the usual traffic.
type rush struct {
	start, end int64
	listing    bool
	coin, pair string
}

func (ru *rush) on(t int64) bool { return t >= ru.start && t < ru.end }

var newCoins = []string{"ZORA", "KLDR", "MOVA", "TRIX", "BLOOM", "VELA", "NYX", "QUILL", "ORBT", "FERN"}

// planRush draws when the day's rush comes, how long it lasts and
// whether it is a listing (of which coin) or a crash (of which market).
func (d *day) planRush(r *rand.Rand) {
	win := float64(d.log.Window())
	ru := &d.rush
	ru.start = int64(win * Uniform(r, 0.2, 0.5))
	ru.end = ru.start + min(int64(win*Uniform(r, 0.25, 0.4)), Sec(Uniform(r, 240, 400)))
	ru.listing = Chance(r, 0.55)
	ru.coin = Pick(r, []string{"BTC", "ETH", "SOL"})
	if ru.listing {
		ru.coin = Pick(r, newCoins)
	}
	ru.pair = d.s.pair(ru.coin)
}

// rushCrowd brings the people of the rush, most of them in its first
// minutes, until they have added about twice the traffic the
// window carries in as long as the rush lasts.
func (d *day) rushCrowd(r *rand.Rand) {
	ru := &d.rush
	crowd := &crashCrowd
	if ru.listing {
		crowd = &listingCrowd
	}
	usual := float64(len(d.log.Events())) / float64(d.log.Window())
	target := int(Uniform(r, 1.6, 2.4) * usual * float64(ru.end-ru.start))
	dur := float64(ru.end-ru.start) / 1e9
	for added, n := 0, 0; added < target && n < 50000; n++ {
		pr := Sub(r)
		pe := d.newPerson(pr)
		pe.p = crowd
		pe.stream = pe.stream && Chance(pr, 0.4)
		t0 := ru.start + Sec(Uniform(pr, 0, 0.8)*dur-20)
		if Chance(pr, 0.5) {
			t0 = ru.start + Sec(min(pr.ExpFloat64()*dur/4, dur*0.8)-20) // the first minutes
		}
		from := d.nets.place(pr, pe.device, t0, deviceNames[pe.device]+"-"+crowd.name)
		before := len(d.log.Events())
		d.visit(pr, pe, from, t0, LogNormal(pr, crowd.length, 0.5))
		added += len(d.log.Events()) - before
	}
}
