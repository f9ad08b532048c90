package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// dev is one program's run of requests: the game client, the launcher,
// the companion app, a browser, a partner's poller. It knows where the
// gateway sees it from, what every request carries, and its clock.
type dev struct {
	w      *world
	r      *rand.Rand
	at     func(t int64) *Client
	t      int64
	ua     string
	hdr    int64 // bytes of request line and headers beyond the path: tokens, cookies
	user   string
	key    string
	attack bool // every request is part of an attack
}

// newDev starts a program at t from at, sending ua and hdr bytes of
// headers with each request.
func (w *world) newDev(r *rand.Rand, at func(int64) *Client, t int64, ua string, hdr int64) *dev {
	return &dev{w: w, r: r, at: at, t: t, ua: ua, hdr: hdr}
}

// token is the size of the headers of a program holding a bearer token.
func token(r *rand.Rand) int64 { return 900 + int64(r.IntN(500)) }

// send records one request at the program's clock.
func (d *dev) send(method, path string, status int, body, resp int64, ms float64) {
	d.w.l.Add(Event{
		T: d.t, C: d.at(d.t), Method: method, Path: path, Status: status,
		ReqBytes: d.hdr + int64(len(path)) + body, RespBytes: resp,
		DurationMS: d.w.latency(d.r, d.t, ms),
		UA:         d.ua, Key: d.key, User: d.user, Attack: d.attack,
	})
}

// get records a GET of an answer around kbs kilobytes.
func (d *dev) get(path string, status int, kbs, ms float64) {
	d.send("GET", path, status, 0, kb(d.r, kbs), ms)
}

// post records a POST of a JSON body around bodyB bytes.
func (d *dev) post(path string, status int, bodyB, kbs, ms float64) {
	d.send("POST", path, status, int64(LogNormal(d.r, bodyB, 0.3))+1, kb(d.r, kbs), ms)
}

// put records a PUT of a JSON body around bodyB bytes.
func (d *dev) put(path string, status int, bodyB, kbs, ms float64) {
	d.send("PUT", path, status, int64(LogNormal(d.r, bodyB, 0.3))+1, kb(d.r, kbs), ms)
}

// api returns the game API's path p.
func (d *dev) api(p string) string { return d.w.s.api + p }

// pause moves the clock by lo to hi seconds.
func (d *dev) pause(lo, hi float64) { d.t += Sec(Uniform(d.r, lo, hi)) }

// think moves the clock by a pause around median seconds.
func (d *dev) think(median float64) { d.t += Sec(LogNormal(d.r, median, 0.7)) }

// every calls f at times from a to b spaced by period seconds, with the
// small jitter of a client's timer, leaving the clock where it was.
func (d *dev) every(period float64, a, b int64, f func()) {
	t0 := d.t
	for d.t = a + Sec(Uniform(d.r, 0, period)); d.t < b && d.t < d.w.win; d.t += Sec(period * Uniform(d.r, 0.97, 1.03)) {
		f()
	}
	d.t = t0
}
