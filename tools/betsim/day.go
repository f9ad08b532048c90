package main

import (
	"math"
	"math/rand/v2"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// day is one recording of the site: the match day's goals and the stream
// its behaviour is drawn from.
type day struct {
	l     *Log
	s     *site
	r     *rand.Rand
	w     int64 // the window in ns
	test  bool  // a derby day with the full attack mix, not the training day
	goals []goal
	n     int // punters of the day
}

// goal is a moment the whole audience reacts to: live markets, bets and
// cash-outs jump to lift times their pace and settle over tau seconds.
type goal struct {
	t         int64
	lift, tau float64
}

// drawGoals places the day's goals: one modest one on the training day,
// two to four big ones in the derby.
func (d *day) drawGoals() {
	n, lo, hi := 1, 1.6, 2.2
	if d.test {
		n, lo, hi = 2+d.r.IntN(3), 3, 5
	}
	for range n {
		d.goals = append(d.goals, goal{t: int64(Uniform(d.r, 0.1, 0.85) * float64(d.w)), lift: Uniform(d.r, lo, hi), tau: Uniform(d.r, 60, 120)})
	}
}

// load is how many times busier than usual the match makes the site at t:
// one, rising within seconds of each goal and decaying after it.
func (d *day) load(t int64) float64 {
	x := 1.
	for _, g := range d.goals {
		dt := float64(t-g.t) / 1e9
		if dt < 0 {
			continue
		}
		x += (g.lift - 1) * math.Min(1, dt/6) * math.Exp(-dt/g.tau)
	}
	return x
}

// span draws an attack's active time inside the window, so that short
// recordings hold the same attacks as long ones.
func (d *day) span(r *rand.Rand, minFrac float64) (int64, int64) {
	a := Uniform(r, 0.02, 0.6)
	b := a + Uniform(r, minFrac, 1)*(1-a)
	return int64(a * float64(d.w)), int64(b * float64(d.w))
}

// actor is one source of requests as the gateway logs them: an address,
// the headers it sends, whether its requests are an attack. move, when
// set, changes the address as a phone's privacy address rotates.
type actor struct {
	d             *day
	c             *Client
	ua, key, user string
	hdr           int64 // request header bytes: cookies, tokens
	attack        bool
	move          func(int64) *Client
}

// send records e at t from the actor; the request size gets the headers
// and the request line added to the body the route gave.
func (a *actor) send(t int64, e Event) {
	if a.move != nil {
		a.c = a.move(t)
	}
	e.T, e.C, e.UA, e.Key, e.User = t, a.c, a.ua, a.key, a.user
	e.ReqBytes += a.hdr + int64(len(e.Path)+len(e.UA))
	e.Attack = e.Attack || a.attack
	a.d.l.Add(e)
}

// itoa writes an integer for a path.
func itoa(n int) string { return strconv.Itoa(n) }
