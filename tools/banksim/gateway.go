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
	match    func(path string) bool
	status   int
	share    float64 // of the requests it fails
	slow     float64 // factor on the duration of all of them
}

// newIncidents draws the day's incidents: none, one or two of the core
// banking system timing out on balances and transactions, the name-check
// service's provider timing out, the card service erroring, the login
// service failing, the open-banking API restarting, a deploy of the app's
// API.
func (w *world) newIncidents(r *rand.Rand) []incident {
	s := w.s
	var out []incident
	for range Weighted(r, []float64{0.3, 0.5, 0.2}) {
		in := incident{from: w.at(Uniform(r, 0, 0.9))}
		length := Uniform(r, 20, 150)
		switch r.IntN(6) {
		case 0:
			in.match = func(p string) bool { return strings.Contains(p, "/balance") || strings.Contains(p, "/transactions") }
			in.status, in.share, in.slow = 504, 0.2, 6
		case 1:
			in.match = func(p string) bool { return strings.Contains(p, "/payees/name-check") }
			in.status, in.share, in.slow = 504, 0.5, 8
		case 2:
			in.match = func(p string) bool { return strings.Contains(p, "/cards") }
			in.status, in.share, in.slow = 500, 0.3, 2
		case 3:
			in.match = func(p string) bool { return strings.Contains(p, "/auth/") }
			in.status, in.share, in.slow = 500, 0.15, 4
		case 4:
			base := s.ob().base
			in.match = func(p string) bool { return strings.HasPrefix(p, base) }
			in.status, in.share, in.slow = 503, 0.4, 1.5
		default:
			length = Uniform(r, 10, 40)
			in.match = func(p string) bool { return strings.HasPrefix(p, s.app) }
			in.status, in.share, in.slow = 502, 0.1, 1.5
		}
		in.to = in.from + Sec(length)
		out = append(out, in)
	}
	return out
}

// gateway applies, in time order, what the gateway and the services
// behind it do to the requests: per-address token buckets on logins,
// one-time codes, payee checks, payments, uploads (and, at some banks,
// balance reads) answer 429 once empty; each third party's key has its
// own quota on the open-banking API; and the day's incidents fail and
// slow their routes.
func (w *world) gateway(r *rand.Rand) {
	lim := w.s.limits
	perIP := []*Buckets{
		NewBuckets(lim.login[0], lim.login[1]),
		NewBuckets(lim.otp[0], lim.otp[1]),
		NewBuckets(lim.lookup[0], lim.lookup[1]),
		NewBuckets(lim.pay[0], lim.pay[1]),
		NewBuckets(lim.upload[0], lim.upload[1]),
		NewBuckets(lim.reads[0], lim.reads[1]),
	}
	perKey := NewBuckets(lim.tpp[0], lim.tpp[1])
	ob := w.s.ob().base
	w.l.Sort()
	evs := w.l.Events()
	for i := range evs {
		e := &evs[i]
		refused := false
		switch cls := w.limited(e.Method, e.Path); {
		case e.Key != "" && strings.HasPrefix(e.Path, ob):
			refused = !perKey.Take(e.Key, e.T)
		case e.Key == "" && cls >= 0:
			refused = !perIP[cls].Take(e.C.IP, e.T)
		}
		if refused {
			e.Status, e.RespBytes, e.DurationMS = 429, 120+int64(r.IntN(80)), Uniform(r, 0.2, 2)
			continue
		}
		for j := range w.incidents {
			in := &w.incidents[j]
			if e.T < in.from || e.T >= in.to || !in.match(e.Path) {
				continue
			}
			e.DurationMS *= in.slow
			if e.Status < 400 && Chance(r, in.share) {
				e.Status, e.RespBytes = in.status, 150+int64(r.IntN(250))
			}
		}
	}
}

// limited returns which of the gateway's per-address buckets a request
// draws on, or -1.
func (w *world) limited(method, path string) int {
	p, _, _ := strings.Cut(path, "?")
	switch {
	case strings.HasSuffix(p, "/auth/login"):
		return 0
	case strings.HasSuffix(p, "/otp/verify"), strings.HasSuffix(p, "/step-up/verify"), strings.HasSuffix(p, "/pin/verify"):
		return 1
	case strings.HasSuffix(p, "/payees/name-check"), strings.HasSuffix(p, "/p2p/lookup"):
		return 2
	case method == "POST" && (strings.Contains(p, "/payments") || strings.Contains(p, "/topups")):
		return 3
	case strings.HasSuffix(p, "/kyc/documents"):
		return 4
	case w.s.limits.reads[0] > 0 && strings.HasSuffix(p, "/balance"):
		return 5
	}
	return -1
}
