package main

import (
	"math"
	"math/rand/v2"
	"net/url"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// What a device is: the web app in a browser, the desktop app, the phone
// app, or a program calling the API.
const (
	web = iota
	desktop
	mobile
	machine
)

// dev is one device's run of requests: where the gateway sees it from,
// what every request of it carries, and the clock of its next request.
type dev struct {
	w       *world
	r       *rand.Rand
	at      func(t int64) *Client
	t       int64
	kind    int
	ua      string
	hdr     int64 // bytes of request line and headers beyond the path: cookies, tokens
	user    string
	key     string
	ten     *tenant
	cached  bool    // the browser holds the bundle already
	attack  bool    // the requests sent now are part of an attack
	expires int64   // when the access token runs out; 0 if it never does here
	retries int     // how often a 5xx is retried, with back-off
	ms      float64 // how long the last request took
}

// newDev starts a device of kind at t, seen from at.
func (w *world) newDev(r *rand.Rand, at func(int64) *Client, t int64, kind int, ua string) *dev {
	d := &dev{w: w, r: r, at: at, t: t, kind: kind, ua: ua, cached: Chance(r, 0.7)}
	switch kind {
	case web:
		d.hdr = 700 + int64(r.IntN(1200)) // session cookie, analytics cookies
	case desktop:
		d.hdr = 520 + int64(r.IntN(300))
	case mobile:
		d.hdr = 360 + int64(r.IntN(250))
	default:
		d.hdr = 220 + int64(r.IntN(200))
	}
	return d
}

// client names the device's kind as the app tells the API.
func (d *dev) client() string { return []string{"web", "desktop", "mobile", "api"}[d.kind] }

// send records one request at the device's clock and returns its status.
func (d *dev) send(method, path string, status int, body, resp int64, ms float64) int {
	return d.record(method, path, status, body, resp, d.w.latency(d.r, d.t, ms))
}

// record records one request that took dur milliseconds. The day's
// incidents on its route slow it and may fail it, and now and then the
// backend fails a request for no reason anyone will find.
func (d *dev) record(method, path string, status int, body, resp int64, dur float64) int {
	w, r := d.w, d.r
	if st, slow, failMS := w.fault(r, path, d.t); slow > 0 {
		dur *= slow
		if st != 0 && status < 400 {
			status, resp, dur = st, 160+int64(r.IntN(300)), LogNormal(r, failMS, 0.3)
		}
	} else if status < 400 && Chance(r, 0.0015) {
		status, resp = Pick(r, []int{500, 502, 502, 503, 504}), 180+int64(r.IntN(200))
	}
	d.ms = dur
	w.l.Add(Event{
		T: d.t, C: d.at(d.t), Method: method, Path: path, Status: status,
		ReqBytes: d.hdr + int64(len(path)) + body, RespBytes: resp, DurationMS: dur,
		UA: d.ua, Key: d.key, User: d.user, Attack: d.attack,
	})
	return status
}

// call sends a request of the app: with an expired access token it is
// refused first and sent again after the refresh, and a 5xx is retried
// with back-off as often as the device does.
func (d *dev) call(method, path string, status int, body, resp int64, ms float64) int {
	if d.expires > 0 && d.t >= d.expires {
		d.send(method, path, 401, body, 110, 10)
		d.pause(0.05, 0.4)
		if !d.refresh() {
			return 401
		}
		d.pause(0.02, 0.2)
	}
	st := d.send(method, path, status, body, resp, ms)
	for i := 0; st >= 500 && i < d.retries; i++ {
		d.t += Sec(math.Pow(2, float64(i)) * Uniform(d.r, 0.6, 1.5))
		st = d.send(method, path, status, body, resp, ms)
	}
	return st
}

// refresh renews the access token; now and then the refresh token has
// been revoked too (a password change, an admin's session policy), which
// the caller sees as false.
func (d *dev) refresh() bool {
	path := "/api/v2/auth/refresh"
	if d.kind == desktop || d.kind == mobile {
		path = "/oauth/token"
	}
	if Chance(d.r, 0.03) {
		d.send("POST", path, 401, 420, 90, 40)
		d.expires = 0
		return false
	}
	d.send("POST", path, 200, int64(380+d.r.IntN(200)), kb(d.r, 1.1), 55)
	d.t += Sec(d.ms/1000) + Sec(Uniform(d.r, 0.01, 0.1))
	d.expires = d.t + Sec(d.w.s.tokenTTL*Uniform(d.r, 0.95, 1))
	return true
}

// get records a GET of a JSON answer around kbs kilobytes.
func (d *dev) get(path string, status int, kbs, ms float64) int {
	return d.call("GET", path, status, 0, kb(d.r, kbs), ms)
}

// post records a POST of a body around bodyB bytes.
func (d *dev) post(path string, status int, bodyB, kbs, ms float64) int {
	return d.call("POST", path, status, int64(LogNormal(d.r, bodyB, 0.4))+2, kb(d.r, kbs), ms)
}

// patch records a PATCH of a body around bodyB bytes.
func (d *dev) patch(path string, status int, bodyB, kbs, ms float64) int {
	return d.call("PATCH", path, status, int64(LogNormal(d.r, bodyB, 0.5))+2, kb(d.r, kbs), ms)
}

// pause moves the clock by lo to hi seconds.
func (d *dev) pause(lo, hi float64) { d.t += Sec(Uniform(d.r, lo, hi)) }

// think moves the clock by a pause around median seconds.
func (d *dev) think(median float64) { d.t += Sec(LogNormal(d.r, median, 0.8)) }

// read is one read of data: through GraphQL at the device's share, its
// REST route otherwise.
func (d *dev) read(rest, op, vars string, kbs, ms float64) int {
	share := d.w.s.gqlWeb
	switch d.kind {
	case mobile:
		share = d.w.s.gqlMobile
	case machine:
		share = 0
	}
	if Chance(d.r, share) {
		return d.gql(op, vars, kbs, ms)
	}
	return d.get(rest, 200, kbs, ms)
}

// gql runs a GraphQL query: the web and desktop app of a site with
// persisted queries send its hash and variables in a GET (the first time
// a query is unknown to the server and follows as a POST), the phone apps
// and the other sites POST it.
func (d *dev) gql(op, vars string, kbs, ms float64) int {
	s := d.w.s
	if s.apq && d.kind != mobile && d.kind != machine {
		path := "/graphql?operationName=" + op + "&variables=" + url.QueryEscape(vars) +
			"&extensions=" + url.QueryEscape(`{"persistedQuery":{"version":1,"sha256Hash":"`+s.hashes[op]+`"}}`)
		if !Chance(d.r, 0.01) {
			return d.get(path, 200, kbs, ms)
		}
		d.get(path, 200, 0.1, 8) // PersistedQueryNotFound
		d.pause(0.02, 0.1)
	}
	return d.post("/graphql", 200, 500+float64(len(vars)), kbs, ms)
}

// mutate runs a GraphQL mutation.
func (d *dev) mutate(op string, bodyB, kbs, ms float64) int {
	return d.post("/graphql", 200, bodyB+float64(len(op))*4, kbs, ms)
}

// shell loads one of the web app's HTML entry points and, what the
// browser does not hold yet, its bundle.
func (d *dev) shell(path string) {
	d.get(path, 200, 4, 35)
	s := d.w.s
	t0 := d.t
	n := len(s.assets)
	if d.cached {
		n = Weighted(d.r, []float64{0.6, 0.25, 0.15})
	}
	for i := range n {
		a := s.assets[i]
		if d.cached {
			a = Pick(d.r, s.assets)
		}
		d.t = t0 + Sec(Uniform(d.r, 0.03, 0.6))
		if d.cached && Chance(d.r, 0.7) {
			d.send("GET", a.path, 304, 0, 0, 5)
		} else {
			d.send("GET", a.path, 200, 0, kb(d.r, a.kb), 8+a.kb/30)
		}
	}
	d.t = t0 + Sec(Uniform(d.r, 0.4, 1.5))
	d.cached = true
}

var gqlOps = []string{"Viewer", "Workspace", "ProjectBoard", "TaskDetail", "TaskActivity", "DocPage", "Inbox",
	"SearchEverything", "MyTasks", "MemberList", "ProjectList", "Notifications", "AddComment", "UpdateTask"}
