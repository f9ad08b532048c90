package main

import (
	"math/rand/v2"
	"strconv"
	"time"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// day is one recording and what its actors share.
type day struct {
	log  *Log
	site *rand.Rand // the provider: same draws every day
	rnd  *rand.Rand // the day
	span int64
	want int // patients and clinicians in the window

	hospitals []*Client // NAT addresses of the partner hospitals
	carriers  []*Client // carrier NAT addresses of the day

	release, rushEnd int64 // the flu-vaccine slots go out at release
	campaignNo       map[string]int
}

func durMinutes(m int) time.Duration { return time.Duration(m) * time.Minute }

// at returns the offset a share f of the way through the window.
func (d *day) at(f float64) int64 { return int64(f * float64(d.span)) }

// between draws an offset between shares lo and hi of the window.
func (d *day) between(r *rand.Rand, lo, hi float64) int64 { return d.at(Uniform(r, lo, hi)) }

// one returns a fixed-address stepper for c.
func one(c *Client) func(int64) *Client { return func(int64) *Client { return c } }

// trail is one actor's way through the site: where it is in time, whom
// the gateway sees, and what it presents with each request.
type trail struct {
	d    *day
	r    *rand.Rand
	who  func(int64) *Client
	now  int64
	ua   string
	user string
	key  string

	evil    bool  // requests from now on are part of an attack
	expires int64 // when the app's token runs out; 0 for never in the window
	app     bool
}

func (d *day) trail(r *rand.Rand, who func(int64) *Client, t0 int64, ua string) *trail {
	return &trail{d: d, r: r, who: who, now: t0, ua: ua}
}

// on reports whether the trail is still inside the window.
func (tr *trail) on() bool { return tr.now < tr.d.span }

// idle moves the trail on by lo to hi seconds.
func (tr *trail) idle(lo, hi float64) { tr.now += Sec(Uniform(tr.r, lo, hi)) }

// send records one request at the trail's time and moves the trail past
// the response; ms is the median response time.
func (tr *trail) send(method, path string, status int, up, down int64, ms float64) bool {
	if !tr.on() {
		return false
	}
	took := LogNormal(tr.r, ms, 0.5)
	tr.d.log.Add(Event{
		T: tr.now, C: tr.who(tr.now), Method: method, Path: path, Status: status,
		ReqBytes: up, RespBytes: down, DurationMS: took,
		UA: tr.ua, Key: tr.key, User: tr.user, Attack: tr.evil,
	})
	tr.now += Sec(took/1000) + Sec(Uniform(tr.r, 0.02, 0.3))
	return true
}

// hdr is the size of a request's line and headers.
func (tr *trail) hdr() int64 { return int64(420 + tr.r.IntN(700)) }

// read is a signed-in GET that answers 200.
func (tr *trail) read(path string, down int64, ms float64) bool {
	return tr.call("GET", path, 200, 0, down, ms)
}

// call is a signed-in API request: an app whose token has run out meets
// a 401 first, refreshes the token and asks again.
func (tr *trail) call(method, path string, status int, body, down int64, ms float64) bool {
	if tr.expires > 0 && tr.now >= tr.expires {
		tr.send(method, path, 401, tr.hdr()+body, 96, 9)
		tr.send("POST", "/api/auth/token/refresh", 200, tr.hdr()+210, 1180, 38)
		tr.expires = tr.now + Sec(Uniform(tr.r, 900, 3600))
	}
	return tr.send(method, path, status, tr.hdr()+body, down, ms)
}

// size draws a response size around median bytes.
func size(r *rand.Rand, median float64) int64 { return int64(LogNormal(r, median, 0.35)) + 40 }

func num(r *rand.Rand, lo, hi int) string { return strconv.Itoa(lo + r.IntN(hi-lo)) }

func itoa(n int) string { return strconv.Itoa(n) }
