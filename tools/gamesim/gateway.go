package main

import (
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// incident is a stretch of the day when a service behind the gateway
// fails part of its requests and answers the rest slowly.
type incident struct {
	from, to int64
	route    string // the routes it hits: those whose path holds this
	status   int
	share    float64 // of the requests it fails
	slow     float64 // factor on the duration of all of them
}

// newIncidents draws the day's incidents: none, one or two of the
// matchmaker failing to create tickets, the inventory service timing out,
// a console platform's sign-in erroring, the payment provider timing out,
// a deploy restarting the API.
func (w *world) newIncidents(r *rand.Rand) []incident {
	a := w.s.api
	var out []incident
	for range Weighted(r, []float64{0.3, 0.5, 0.2}) {
		in := incident{from: w.at(Uniform(r, 0, 0.9))}
		var span float64
		switch r.IntN(5) {
		case 0:
			in.route, in.status, in.share, in.slow, span = a+"/matchmaking/", 503, 0.3, 2, Uniform(r, 30, 150)
		case 1:
			in.route, in.status, in.share, in.slow, span = a+"/players/me/inventory", 504, 0.4, 8, Uniform(r, 20, 90)
		case 2:
			in.route, in.status, in.share, in.slow, span = a+"/auth/platform", 502, 0.35, 3, Uniform(r, 30, 120)
		case 3:
			in.route, in.status, in.share, in.slow, span = a+"/payments/", 504, 0.4, 12, Uniform(r, 40, 150)
		default:
			in.route, in.status, in.share, in.slow, span = a+"/", 502, 0.1, 1.5, Uniform(r, 10, 40)
		}
		in.to = in.from + Sec(span)
		out = append(out, in)
	}
	return out
}

// gateway applies, in time order, what the gateway and the services
// behind it do to the requests: token buckets answer 429 once empty (per
// address on password sign-ins, per account or else address on new
// matchmaking tickets, payments and code redemption; partners' keys have
// their own contracts); the day's incidents fail and slow their routes;
// and while the launch crowd is in, the matchmaker and the store shed a
// little load.
func (w *world) gateway(r *rand.Rand) {
	lim := w.s.limits
	buckets := []*Buckets{
		NewBuckets(lim.login[0], lim.login[1]),
		NewBuckets(lim.ticket[0], lim.ticket[1]),
		NewBuckets(lim.pay[0], lim.pay[1]),
		NewBuckets(lim.redeem[0], lim.redeem[1]),
	}
	w.l.Sort()
	evs := w.l.Events()
	for i := range evs {
		e := &evs[i]
		if cls := w.limited(e); cls >= 0 && e.Key == "" {
			k := e.C.IP
			if cls > 0 && e.User != "" {
				k = e.User
			}
			if !buckets[cls].Take(k, e.T) {
				e.Status, e.RespBytes, e.DurationMS = 429, 120+int64(r.IntN(60)), Uniform(r, 0.2, 2)
				continue
			}
		}
		for j := range w.incidents {
			in := &w.incidents[j]
			if e.T < in.from || e.T >= in.to || !strings.Contains(e.Path, in.route) {
				continue
			}
			e.DurationMS *= in.slow
			if e.Status < 400 && Chance(r, in.share) {
				e.Status, e.RespBytes = in.status, 150+int64(r.IntN(200))
			}
		}
		if e.Status < 400 && w.sheds(e.Path) && Chance(r, 0.05*w.load(e.T)) {
			e.Status, e.RespBytes, e.DurationMS = 503, 180, Uniform(r, 1, 20)
		}
	}
}

// limited returns which of the gateway's buckets a request draws on, or
// -1.
func (w *world) limited(e *Event) int {
	a := w.s.api
	switch {
	case e.Method != "POST":
		return -1
	case e.Path == a+"/auth/login" || e.Path == a+"/auth/2fa/verify":
		return 0
	case e.Path == a+"/matchmaking/tickets":
		return 1
	case strings.HasPrefix(e.Path, a+"/payments/"):
		return 2
	case e.Path == a+"/redeem":
		return 3
	}
	return -1
}

// sheds reports whether a path is served by a service that sheds load
// when the launch crowd is in.
func (w *world) sheds(path string) bool {
	a := w.s.api
	return strings.HasPrefix(path, a+"/matchmaking/") || strings.HasPrefix(path, a+"/store/") || strings.HasPrefix(path, a+"/players/me/inventory")
}
