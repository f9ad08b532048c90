package main

import (
	"math"
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// launch is the day's patch or season launch: the build goes live on a
// whole minute, and players who were waiting for it come all at once.
type launch struct {
	at      int64
	season  bool    // a new season, not only a patch: more players, more preloads
	players int     // players who come for it
	peak    float64 // seconds the backend runs at full load
	calm    float64 // seconds it takes to calm down afterwards
	preload float64 // of players who downloaded the patch ahead and only unpack it
}

// newLaunch draws the launch: a third to two thirds into the window, with
// a crowd of two fifths to three fifths of the day's ordinary number of
// people.
func (w *world) newLaunch(r *rand.Rand, clients int) *launch {
	m := w.minutes()
	lo, hi := max(1, int(math.Round(m*4/15))), max(1, int(m*9/15))
	la := &launch{
		at:     Sec(60 * float64(lo+r.IntN(hi-lo+1))),
		season: Chance(r, 0.4),
		peak:   Uniform(r, 60, 120),
		calm:   Uniform(r, 150, 420),
	}
	la.players = int(float64(clients) * Uniform(r, 0.4, 0.6))
	la.preload = Uniform(r, 0, 0.15)
	if la.season {
		la.players = int(float64(la.players) * 1.25)
		la.preload = Uniform(r, 0.2, 0.5)
	}
	return la
}

// crowd is the launch: a few players sit in the launcher before it,
// polling the patch status; most start the game within a minute or two of
// it, from addresses the backend has not seen today, fetch the patch,
// and then queue for matches all at once, into the sign-in retries and
// login queue the auth service falls back on.
func (w *world) crowd(r *rand.Rand) {
	la := w.launch
	for range la.players {
		pr := Sub(r)
		var d float64
		switch x := pr.Float64(); {
		case x < 0.1:
			d = -Uniform(pr, 30, 300)
		case x < 0.65:
			d = Uniform(pr, 0, 60)
		case x < 0.88:
			d = Uniform(pr, 60, 150)
		default:
			d = 150 + pr.ExpFloat64()*150
		}
		p := w.newPlayer(pr, la.at+Sec(d), "launch", nil)
		if d < 0 && p.plat == pc {
			p.waitForLaunch()
		}
		p.run()
	}
}

// waitForLaunch is the launcher showing a countdown: it polls the patch
// status until the build is out, and the game starts a few seconds later.
func (p *player) waitForLaunch() {
	ua := p.ua
	p.ua = p.w.s.launcherUA(p.r)
	every := Uniform(p.r, 20, 60)
	for ; p.t < p.w.launch.at; p.t += Sec(every * Uniform(p.r, 0.9, 1.1)) {
		p.get(p.api("/patch/status?branch=live"), 200, 0.3, 10)
	}
	p.get(p.api("/patch/status?branch=live"), 200, 0.3, 10)
	p.ua = ua
	p.pause(2, 15)
}
