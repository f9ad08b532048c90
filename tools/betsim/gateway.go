package main

import (
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// storm is a spell in which one backend fails a share of its requests.
type storm struct {
	from, to int64
	prefix   string
	share    float64
}

// gateway applies what the site's own edge does to the recorded requests,
// in time order: its rate limiters (per API key for partners, per address
// for everyone else, and per account on bets and cash-outs), the pricing service failing under a goal's load, and
// the odd storm of 5xx from one backend.
func (d *day) gateway() {
	r := Sub(d.r)
	storms := d.storms(r)
	perIP, perKey, perUser := NewBuckets(10, 40), NewBuckets(40, 100), NewBuckets(0.1, 3)
	d.l.Sort()
	ev := d.l.Events()
	for i := range ev {
		e := &ev[i]
		ok := true
		if e.Key != "" {
			ok = perKey.Take(e.Key, e.T)
		} else if !strings.HasPrefix(e.Path, "/static/") {
			ok = perIP.Take(e.C.IP, e.T)
		}
		if ok && e.User != "" && e.Method == "POST" && (e.Path == "/api/v2/bets" || strings.HasSuffix(e.Path, "/cashout")) {
			ok = perUser.Take(e.User, e.T)
		}
		if !ok {
			e.Status, e.RespBytes, e.DurationMS = 429, 110, Uniform(r, 0.3, 2)
			continue
		}
		d.overload(r, e)
		for _, s := range storms {
			if e.T >= s.from && e.T < s.to && strings.HasPrefix(e.Path, s.prefix) && Chance(r, s.share) {
				e.Status, e.RespBytes = Pick(r, []int{502, 503, 504}), 160
				e.DurationMS = Uniform(r, 5, 30000)
			}
		}
	}
}

// overload sheds and fails a share of the pricing-bound requests while a
// goal's surge is near its peak: the edge's adaptive limiter answers 429,
// the pricing service 503 at once or 504 after the upstream timeout.
func (d *day) overload(r *rand.Rand, e *Event) {
	load := d.load(e.T)
	if load < 2 || !strings.Contains(e.Path, "/bets") && !strings.Contains(e.Path, "/odds") && !strings.Contains(e.Path, "/markets") && !strings.Contains(e.Path, "/cashout") {
		return
	}
	switch x := r.Float64(); {
	case x < 0.02*(load-2):
		e.Status, e.RespBytes, e.DurationMS = 429, 110, Uniform(r, 0.3, 2)
	case x < 0.04*(load-2):
		e.Status, e.RespBytes, e.DurationMS = 503, 140, Uniform(r, 2, 40)
	case x < 0.05*(load-2):
		e.Status, e.RespBytes, e.DurationMS = 504, 140, Uniform(r, 10000, 30000)
	}
}

// storms draws the day's backend failures: one or two on the derby,
// perhaps one on the training day.
func (d *day) storms(r *rand.Rand) []storm {
	n := r.IntN(2)
	if d.test {
		n = 1 + r.IntN(2)
	}
	var out []storm
	for range n {
		from := int64(r.Float64() * float64(d.w))
		out = append(out, storm{
			from: from, to: from + Sec(Uniform(r, 15, 60)),
			prefix: Pick(r, []string{"/api/v2/payments", "/api/v2/live", "/api/v2/bets", "/api/v2/search", "/feed/v1", "/api/v2/account"}),
			share:  Uniform(r, 0.3, 0.8),
		})
	}
	return out
}
