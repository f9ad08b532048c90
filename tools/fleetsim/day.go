package main

import (
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/portcullis/portcullis/tools/internal/simcmd"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// day is one recording: the site, the day's own draws and what happened
// on it.
type day struct {
	l     *Log
	c     simcmd.Config
	s     *site
	r     *rand.Rand
	W     int64              // window length in ns
	scale float64            // homes against the full-size fleet of 3000
	out   *outage            // the broker outage of the day; nil on a quiet day
	pool  []*Client          // the mobile carrier's NAT addresses today
	homes map[*home]*Client  // each home router's client today
	hour  int                // UTC hour at the start
	waves map[*product]int64 // when today's rollout wave of a model starts
	// serials holds the fleet's serial numbers, built when an attack
	// first needs to know whether a serial exists.
	serials map[string]bool
}

func newDay(l *Log, c simcmd.Config, s *site) *day {
	return &day{
		l:     l,
		c:     c,
		s:     s,
		r:     rand.New(rand.NewPCG(c.Site^0x9e3779b97f4a7c15, c.Seed*0x2545f4914f6cdd1d+7)),
		W:     l.Window(),
		scale: float64(len(s.homes)) / 3000,
		homes: map[*home]*Client{},
		hour:  c.Start.UTC().Hour(),
	}
}

func (d *day) minutes() float64 { return float64(d.W) / 6e10 }

// perWindow turns a rate per hour into the chance that it happens at
// least once in the window.
func (d *day) perWindow(perHour float64) float64 { return 1 - math.Exp(-perHour*d.minutes()/60) }

// at draws a time between shares a and b of the window.
func (d *day) at(r *rand.Rand, a, b float64) int64 { return int64(Uniform(r, a, b) * float64(d.W)) }

// localHour is the hour of the day in a region at the start.
func (d *day) localHour(reg *region) int { return ((d.hour+reg.tz)%24 + 24) % 24 }

// client registers a normal client.
func (d *day) client(ip, profile string, heavy bool) *Client {
	c := d.l.Client(ip, KindNormal)
	c.Profile, c.Heavy = profile, heavy
	return c
}

// hit is one request before it has a time and a sender.
type hit struct {
	method, path string
	status       int
	in, out      int64 // body sizes
	ms           float64
}

// who is what a sender puts on each of its requests.
type who struct {
	c             *Client
	move          func(int64) *Client // moves the sender to a new address over time, if set
	ua, key, user string
	hdr           int64 // header bytes beyond the request line and agent (tokens, cookies)
	attack        bool
}

func (w who) ev(t int64, h hit) Event {
	c := w.c
	if w.move != nil {
		c = w.move(t)
	}
	return Event{T: t, C: c, Method: h.method, Path: h.path, Status: h.status,
		ReqBytes: h.in + 140 + int64(len(h.path)+len(w.ua)+len(w.key)) + w.hdr, RespBytes: h.out,
		DurationMS: h.ms, UA: w.ua, Key: w.key, User: w.user, Attack: w.attack}
}

// send records one request and returns when the sender sees the answer.
func (d *day) send(w who, t int64, h hit) int64 {
	d.l.Add(w.ev(t, h))
	return t + int64(h.ms*1e6)
}

// as returns w acting for another user.
func (w who) as(user string) who { w.user = user; return w }

// size draws a body size around median.
func size(r *rand.Rand, median, sigma float64) int64 {
	return int64(max(1, LogNormal(r, median, sigma)))
}

// lat draws a server time in ms around median.
func lat(r *rand.Rand, median float64) float64 { return LogNormal(r, median, 0.5) }

// think draws a person's pause between two taps, in ns.
func think(r *rand.Rand, median float64) int64 { return Sec(LogNormal(r, median, 0.8)) }

// transfer is how long moving mb megabytes at mbps takes, in ms.
func transfer(r *rand.Rand, mb, mbps float64) float64 {
	return mb * 8 / mbps * 1000 * Uniform(r, 0.9, 1.4)
}

// alt is an answer other than the usual one, and its share.
type alt struct {
	code  int
	share float64
}

// status draws the usual code ok or one of alts by their shares.
func status(r *rand.Rand, ok int, alts ...alt) int {
	x := r.Float64()
	for _, a := range alts {
		if x < a.share {
			return a.code
		}
		x -= a.share
	}
	return ok
}

func itoa(n int) string { return strconv.Itoa(n) }

const mb = 1 << 20
