package main

import (
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// gateway applies the gateway's rate limits in time order, after the
// fact: a ceiling per address on everything, a tighter one per address on
// the app sign-in, and one request a second per personal API key.
// Partners' and the factory's keys are exempt. A refused request is
// answered at once with 429.
func (d *day) gateway() {
	r := Sub(d.r)
	d.l.Sort()
	perAddr := NewBuckets(40, 120)
	signin := NewBuckets(0.25, 8)
	personal := NewBuckets(1, 20)
	evs := d.l.Events()
	for i := range evs {
		e := &evs[i]
		if strings.HasPrefix(e.Key, "oc_") || strings.HasPrefix(e.Key, "pk_") {
			continue
		}
		ok := perAddr.Take(e.C.IP, e.T)
		if e.Path == "/app/v5/auth/signin" {
			ok = signin.Take(e.C.IP, e.T) && ok
		}
		if strings.HasPrefix(e.Key, "lk_") {
			ok = personal.Take(e.Key, e.T) && ok
		}
		if !ok {
			e.Status, e.RespBytes, e.DurationMS = 429, 110, Uniform(r, 0.2, 1.5)
		}
	}
}

// markHeavy labels the shared addresses that turned out much busier than
// a person, such as a home full of devices or a carrier NAT address; the
// fixtures and newcomers are heavy by what they are.
func (d *day) markHeavy() {
	for _, c := range d.l.Clients() {
		switch c.Profile {
		case "home", "home-v6", "cgnat", "phone":
			c.Heavy = c.Kind == KindNormal && float64(c.Events()) >= 12*d.minutes()
		}
	}
}
