package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// day is one recording of one site: the log it fills, the site it is of,
// whether it is a test day (attacks in full, a flash crowd) and the
// flash crowd's time and postings.
type day struct {
	*Log
	site    site
	test    bool
	clients int
	flash   flash
}

// visit is one person's or program's pass through the site: where its
// requests come from (a phone may move to a new address on the way), what
// it calls itself, who is signed in and its clock.
type visit struct {
	d      *day
	r      *rand.Rand
	from   func(t int64) *Client
	t      int64
	ua     string
	user   string
	key    string
	attack bool // the requests are part of an attack
	warm   bool // the browser holds the site's assets already
}

// newVisit starts a visit from a client that stays at one address.
func (d *day) newVisit(r *rand.Rand, c *Client, t int64, ua string) *visit {
	return &visit{d: d, r: r, from: func(int64) *Client { return c }, t: t, ua: ua}
}

// hit records one request at the visit's clock, with a latency around
// ms, and moves the clock past the answer.
func (v *visit) hit(method, path string, status int, req, resp int64, ms float64) {
	dur := LogNormal(v.r, ms, 0.45)
	v.d.Add(Event{T: v.t, C: v.from(v.t), Method: method, Path: path, Status: status,
		ReqBytes: req, RespBytes: resp, DurationMS: dur, UA: v.ua, Key: v.key, User: v.user, Attack: v.attack})
	v.t += Sec(dur / 1000)
}

// get records a GET with an ordinary request size.
func (v *visit) get(path string, status int, resp int64, ms float64) {
	v.hit("GET", path, status, int64(380+v.r.IntN(900)+len(path)), resp, ms)
}

// send records a request that carries a body of req bytes.
func (v *visit) send(method, path string, status int, req, resp int64, ms float64) {
	v.hit(method, path, status, req+int64(450+v.r.IntN(700)), resp, ms)
}

// wait is the pause of a person reading or typing, drawn between lo and
// hi seconds on a log scale.
func (v *visit) wait(lo, hi float64) { v.t += Sec(LogUniform(v.r, lo, hi)) }

// over reports whether the visit has run past the end of the window, so
// that long loops stop.
func (v *visit) over() bool { return v.t >= v.d.Window() }

// upload records a file sent at the person's uplink speed: its latency is
// the time the bytes take.
func (v *visit) upload(method, path string, status int, size int64) {
	mbps := LogUniform(v.r, 2, 60)
	ms := 60 + float64(size)*8/(mbps*1e6)*1000
	v.send(method, path, status, size, int64(300+v.r.IntN(500)), ms)
}

// startIn draws a start time from a share lo to hi of the window, so that
// actors that began before the recording show up already busy.
func (d *day) startIn(r *rand.Rand, lo, hi float64) int64 {
	return int64(Uniform(r, lo, hi) * float64(d.Window()))
}
