package main

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// outage is the day's broker outage. Device connections drop at down and
// every device request fails until up; the auth service comes back with
// new signing keys, so every device's first request after up is refused
// as expired and each device renews its credentials, all of them within a
// minute or two. The gateway sheds part of that storm (503 while the auth
// service warms up, 429 where many devices share one address), and the
// devices retry with their firmware's back-off.
type outage struct {
	down, up int64
}

// planOutage decides whether today has an outage, and when.
func (d *day) planOutage(r *rand.Rand) {
	if !Chance(r, d.s.storms) {
		return
	}
	down := d.at(r, 0.15, 0.45)
	d.out = &outage{down: down, up: down + Sec(min(Uniform(r, 20, 90), 0.15*float64(d.W)/1e9))}
}

// offline reports whether devices cannot be reached at t: during the
// outage and while they reconnect.
func (d *day) offline(t int64) bool {
	return d.out != nil && t >= d.out.down && t < d.out.up+Sec(60)
}

// reconnect rewrites one device's requests for the outage: those before
// it stay (a long-poll open at the drop ends with 502), those after the
// device is back stay, and in between come its failed retries, the 401,
// the renewals until one succeeds, and the upload of the readings it
// buffered meanwhile.
func (o *outage) reconnect(r *rand.Rand, dv *device, w who, evs []Event, load int) []Event {
	var out []Event
	first := int64(-1)
	for _, e := range evs {
		switch {
		case e.T < o.down:
			if open := float64(o.down-e.T) / 1e6; e.DurationMS > open && strings.Contains(e.Path, "/commands?") {
				e.Status, e.RespBytes, e.DurationMS = 502, 0, open
			}
			out = append(out, e)
		case first < 0:
			first = e.T
		}
	}
	if first < 0 {
		return out
	}
	t, k := first, 0
	for ; t < o.up; k++ {
		out = append(out, w.ev(t, dv.report(r).fails(503)))
		t += dv.backoff(r, k)
	}
	out = append(out, w.ev(t, dv.report(r).fails(401)))
	for t += Sec(Uniform(r, 0.05, 0.4)); ; k++ {
		code := o.authStatus(r, t, load)
		out = append(out, w.ev(t, dv.refresh(r, code)))
		if code == 200 {
			break
		}
		t += dv.backoff(r, k)
	}
	t += Sec(Uniform(r, 0.2, 1))
	buffered := float64(t-o.down) / 1e9 / dv.every
	flush := dv.report(r)
	flush.in = int64(float64(flush.in) * max(1, buffered*0.7))
	out = append(out, w.ev(t, flush))
	for _, e := range evs {
		if e.T > t+Sec(0.5) {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b Event) int { return cmp.Compare(a.T, b.T) })
	return out
}

// authStatus is the gateway's answer to a renewal at t: 503 while the
// auth service is overwhelmed just after the outage, 429 where many
// devices behind one address renew at once, else 200.
func (o *outage) authStatus(r *rand.Rand, t int64, load int) int {
	since := float64(t-o.up) / 1e9
	return status(r, 200,
		alt{503, 0.5 * math.Exp(-since/40)},
		alt{429, min(0.75, 0.04*float64(load)) * math.Exp(-since/70)})
}

// backoff is the device's wait before retry k: a fixed delay on the old
// firmware (which makes those devices retry in lockstep), an exponential
// back-off with jitter on the new.
func (dv *device) backoff(r *rand.Rand, k int) int64 {
	if dv.m.retry > 0 {
		return Sec(dv.m.retry * Uniform(r, 0.95, 1.05))
	}
	c := min(dv.m.cap, math.Pow(2, float64(min(k, 12))))
	return Sec(c * Uniform(r, 0.5, 1))
}
