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
	prefixes []string // the routes it hits
	status   int
	share    float64 // of the requests it fails
	slow     float64 // factor on the duration of the others
	failMS   float64 // how long a failed request takes
}

// newIncidents draws the day's incidents: none, one or two of the search
// cluster degrading, the realtime service being redeployed (every open
// channel drops and reconnects), the document service timing out, the
// file storage erroring, a deploy restarting the API.
func (w *world) newIncidents(r *rand.Rand) []incident {
	var out []incident
	for range Weighted(r, []float64{0.35, 0.45, 0.2}) {
		in := incident{from: w.at(Uniform(r, 0.05, 0.9))}
		var span float64
		switch r.IntN(5) {
		case 0:
			in.prefixes, in.status, in.share, in.slow, in.failMS = []string{"/api/v2/search"}, 503, 0.3, 5, 40
			span = Uniform(r, 60, 240)
		case 1:
			in.prefixes, in.status, in.share, in.slow, in.failMS = []string{"/realtime/"}, 502, 0.9, 1, 8
			span = Uniform(r, 15, 60)
		case 2:
			in.prefixes, in.status, in.share, in.slow, in.failMS = []string{"/api/v2/docs/"}, 504, 0.2, 4, 30000
			span = Uniform(r, 30, 150)
		case 3:
			in.prefixes, in.status, in.share, in.slow, in.failMS = []string{"/api/v2/files", "/api/v2/uploads"}, 500, 0.25, 2, 400
			span = Uniform(r, 60, 200)
		default:
			in.prefixes, in.status, in.share, in.slow, in.failMS = []string{"/api/", "/graphql"}, 502, 0.08, 1.5, 5
			span = Uniform(r, 10, 40)
		}
		in.to = in.from + Sec(span)
		out = append(out, in)
	}
	return out
}

// fault returns what the day's incidents do to a request on path at t:
// the status it fails with (0 if it does not), the factor on its
// duration (0 if no incident touches it) and how long a failure takes.
// While the rush is on, the services that start a session or serve
// documents shed part of their load with 503.
func (w *world) fault(r *rand.Rand, path string, t int64) (status int, slow, failMS float64) {
	for i := range w.incidents {
		in := &w.incidents[i]
		if t < in.from || t >= in.to || !hasPrefix(path, in.prefixes) {
			continue
		}
		if Chance(r, in.share) {
			return in.status, in.slow, in.failMS
		}
		return 0, in.slow, 0
	}
	if l := w.load(t); l > 0 && shedding(path) && Chance(r, 0.07*l) {
		return 503, 1, 25
	}
	return 0, 0, 0
}

// hasPrefix reports whether path starts with one of ps.
func hasPrefix(path string, ps []string) bool {
	for _, p := range ps {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// gateway applies, in time order, what the gateway does to the requests
// of browsers and apps (API keys have limits of their own, which the
// integrations pace themselves by): per-address buckets on password
// sign-in, MFA and sign-ups, per-user buckets on search and invitations
// answer 429 once empty.
func (w *world) gateway(r *rand.Rand) {
	lim := w.s.limits
	login := NewBuckets(lim.login[0], lim.login[1])
	search := NewBuckets(lim.search[0], lim.search[1])
	invite := NewBuckets(lim.invite[0], lim.invite[1])
	signup := NewBuckets(lim.signup[0], lim.signup[1])
	w.l.Sort()
	evs := w.l.Events()
	for i := range evs {
		e := &evs[i]
		if e.Key != "" {
			continue
		}
		b, key := (*Buckets)(nil), e.C.IP
		switch p := e.Path; {
		case strings.HasPrefix(p, "/api/v2/auth/login"), strings.HasPrefix(p, "/api/v2/auth/mfa"):
			b = login
		case strings.HasPrefix(p, "/api/v2/signup"):
			b = signup
		case strings.HasPrefix(p, "/api/v2/search"):
			b = search
			if e.User != "" {
				key = e.User
			}
		case e.Method == "POST" && strings.HasSuffix(p, "/invitations"):
			b = invite
			if e.User != "" {
				key = e.User
			}
		}
		if b != nil && !b.Take(key, e.T) {
			e.Status, e.RespBytes, e.DurationMS = 429, 150+int64(r.IntN(60)), Uniform(r, 0.2, 2)
		}
	}
}

// shedding reports whether a path is served by a service that sheds load
// while the rush is on: sign-in, the session's first calls, documents.
func shedding(path string) bool {
	return hasPrefix(path, []string{"/api/v2/auth/", "/sso/", "/api/v2/me", "/api/v2/workspaces/", "/api/v2/docs/", "/graphql"})
}
