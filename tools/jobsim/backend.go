package main

import (
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// overload is a spell when the search and apply backends fall behind and
// the gateway answers some of their requests with 502, 503 or 504.
type overload struct{ from, to int64 }

// backend applies what the site does to the requests in time order: its
// rate limiter answers 429 per address (per key for partners, and much
// tighter on sign-in), its overloaded backends answer 5xx in a spell or
// two (longer on a test day), and a rare request fails with a 500.
func (d *day) backend(r *rand.Rand) {
	d.Sort()
	perIP, perKey, login := NewBuckets(25, 250), NewBuckets(50, 500), NewBuckets(0.2, 10)
	spells := d.overloads(r)
	api := d.site.api
	evs := d.Events()
	for i := range evs {
		e := &evs[i]
		if !strings.HasPrefix(e.Path, api) {
			continue
		}
		var ok bool
		switch {
		case e.Method == "POST" && strings.Contains(e.Path, "/auth/login"):
			ok = login.Take(e.C.IP, e.T)
		case e.Key != "":
			ok = perKey.Take(e.Key, e.T)
		default:
			ok = perIP.Take(e.C.IP, e.T)
		}
		switch {
		case !ok:
			e.Status, e.RespBytes, e.DurationMS = 429, 140, Uniform(r, 0.3, 2)
		case inSpell(spells, e.T) && busy(e.Path) && Chance(r, 0.25):
			e.Status, e.RespBytes, e.DurationMS = Pick(r, []int{502, 503, 503}), 180, Uniform(r, 2, 200)
			if Chance(r, 0.25) {
				e.Status, e.DurationMS = 504, 30000
			}
		case Chance(r, 0.0006):
			e.Status, e.RespBytes = 500, 210
		}
	}
}

// overloads draws the day's spells of backend trouble.
func (d *day) overloads(r *rand.Rand) []overload {
	n, long := 1, 60.0
	if d.test {
		n, long = 2, 150
	}
	var o []overload
	for range n {
		from := d.startIn(r, 0, 0.9)
		o = append(o, overload{from, from + Sec(Uniform(r, 20, long))})
	}
	if d.flash.on {
		o = append(o, overload{d.flash.from + Sec(30), d.flash.from + Sec(30+Uniform(r, 30, 120))})
	}
	return o
}

// inSpell reports whether t falls in one of the spells.
func inSpell(spells []overload, t int64) bool {
	for _, s := range spells {
		if t >= s.from && t < s.to {
			return true
		}
	}
	return false
}

// busy reports whether path goes to the backends that fall behind first:
// search and the apply flow.
func busy(path string) bool {
	for _, p := range []string{"/jobs/search", "/suggest", "/applications", "/uploads", "/recruiter/candidates/search"} {
		if strings.Contains(path, p) {
			return true
		}
	}
	return false
}
