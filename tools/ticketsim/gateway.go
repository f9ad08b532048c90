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
	prefix   string // the routes it hits
	contains string // and, if set, only those whose path holds this
	status   int
	share    float64 // of the requests it fails
	slow     float64 // factor on the duration of all of them
}

// newIncidents draws the day's incidents: none, one or two of a payment
// provider timing out, the seat map service failing under the on-sale,
// the login service erroring, a deploy restarting the API.
func (w *world) newIncidents(r *rand.Rand) []incident {
	var out []incident
	for range Weighted(r, []float64{0.35, 0.45, 0.2}) {
		from := Sec(Uniform(r, 0, 0.9) * float64(w.win) / 1e9)
		var in incident
		switch r.IntN(4) {
		case 0:
			in = incident{prefix: "/api/v3/payments/", status: 504, share: 0.4, slow: 12}
			in.to = from + Sec(Uniform(r, 40, 150))
		case 1:
			from = w.within(w.sale.at+Sec(Uniform(r, 0, 120)), 20)
			in = incident{prefix: "/api/v3/events/", contains: "/seatmap", status: 502, share: 0.5, slow: 3}
			in.to = from + Sec(Uniform(r, 20, 90))
		case 2:
			in = incident{prefix: "/api/v3/auth/", status: 500, share: 0.25, slow: 6}
			in.to = from + Sec(Uniform(r, 30, 120))
		default:
			in = incident{prefix: "/api/v3/", status: 502, share: 0.1, slow: 1.5}
			in.to = from + Sec(Uniform(r, 10, 40))
		}
		in.from = from
		out = append(out, in)
	}
	return out
}

func (in *incident) hits(e *Event) bool {
	return e.T >= in.from && e.T < in.to && strings.HasPrefix(e.Path, in.prefix) &&
		(in.contains == "" || strings.Contains(e.Path, in.contains))
}

// gateway applies, in time order, what the gateway and the services
// behind it do to the requests: per-address token buckets on the waiting
// room, availability, the cart, payments and logins answer 429 once empty
// (partners' keys have their own, larger limits); the day's incidents fail
// and slow their routes; and the busiest services shed a little load while
// the on-sale crowd is in.
func (w *world) gateway(r *rand.Rand) {
	lim := w.s.limits
	buckets := []*Buckets{
		NewBuckets(lim.queue[0], lim.queue[1]),
		NewBuckets(lim.cart[0], lim.cart[1]),
		NewBuckets(lim.pay[0], lim.pay[1]),
		NewBuckets(lim.login[0], lim.login[1]),
		NewBuckets(lim.avail[0], lim.avail[1]),
	}
	w.l.Sort()
	evs := w.l.Events()
	for i := range evs {
		e := &evs[i]
		if cls := limited(e.Path); cls >= 0 && e.Key == "" && !buckets[cls].Take(e.C.IP, e.T) {
			e.Status, e.RespBytes, e.DurationMS = 429, 140+int64(r.IntN(60)), Uniform(r, 0.2, 2)
			continue
		}
		for j := range w.incidents {
			in := &w.incidents[j]
			if !in.hits(e) {
				continue
			}
			e.DurationMS *= in.slow
			if e.Status < 400 && Chance(r, in.share) {
				e.Status, e.RespBytes = in.status, 160+int64(r.IntN(200))
			}
		}
		if e.Status < 400 && shedding(e.Path) && Chance(r, 0.04*w.load(e.T)) {
			e.Status, e.RespBytes, e.DurationMS = 503, 190, Uniform(r, 1, 30)
		}
	}
}

// limited returns which of the gateway's per-address buckets a path
// draws on, or -1.
func limited(path string) int {
	switch {
	case strings.HasPrefix(path, "/queue/"):
		return 0
	case strings.HasPrefix(path, "/api/v3/cart"):
		return 1
	case strings.HasPrefix(path, "/api/v3/checkout"), strings.HasPrefix(path, "/api/v3/payments/"):
		return 2
	case strings.HasPrefix(path, "/api/v3/auth/login"), strings.HasPrefix(path, "/api/v3/auth/otp"):
		return 3
	case strings.HasPrefix(path, "/api/v3/events/") && strings.HasSuffix(path, "/availability"):
		return 4
	}
	return -1
}

// shedding reports whether a path is served by a service that sheds load
// when the on-sale crowd is in.
func shedding(path string) bool {
	return strings.HasPrefix(path, "/api/v3/events/") && (strings.Contains(path, "/seatmap") || strings.Contains(path, "/availability")) ||
		strings.HasPrefix(path, "/api/v3/cart") || strings.HasPrefix(path, "/api/v3/checkout")
}
