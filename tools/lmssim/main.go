// Command lmssim writes a quarter hour of the API gateway access log of a
// university learning platform during an exam window, with a label per
// client address.
//
// The platform (the LMS and its sign-in service behind one gateway) is
// used by students on campus behind a few hall NAT addresses and eduroam,
// at home on broadband and IPv6 privacy addresses, and on phones behind
// carrier NAT; by instructors and teaching assistants grading; and by
// integrations with API keys: a plagiarism checker, the student
// information system, a captioning service, the proctoring vendor, the
// calendar services polling feed URLs, the mobile app whose key ships in
// every install. A timed exam opens a few minutes into the window: a
// flash crowd, autosaves, proctoring heartbeats and a submit rush. An
// assignment deadline falls in the window too. Each -site is another
// university; each -seed another day of it.
//
//	go run ./tools/lmssim -seed 1 -site 3 -out day1.jsonl -labels day1.labels.jsonl
package main

import (
	"io"
	"math"
	"math/rand/v2"
	"time"

	"github.com/portcullis/portcullis/tools/internal/simcmd"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

var model = simcmd.Model{
	Name:        "lmssim",
	Site:        3,
	Start:       "2027-06-14T08:00:00Z",
	SeedHelp:    "day of the exam session: its people, attackers and newcomers",
	SiteHelp:    "university: its size, regions, exam schedule, integrations and attack mix",
	ClientsHelp: "students online in the window, before the university's size scales it",
	Generate:    generate,
}

func main() { model.Main() }

// run is the command line without the process around it, for the tests.
func run(args []string) error { return model.Run(args, io.Discard) }

func generate(c simcmd.Config) *Log {
	s := newSite(c.Site)
	l := New(c.Start, time.Duration(c.Minutes)*time.Minute)
	w := newWorld(s, l, c)
	w.fixtureTraffic()
	w.newcomers()
	w.students()
	w.staff()
	w.visitors()
	w.loneAttacks()
	w.campaigns()
	w.gateway()
	return l
}

// world is one day of one site: the window, the exams in it and the
// clients registered so far.
type world struct {
	s        *site
	l        *Log
	r        *rand.Rand
	seed     uint64
	W        int64   // window, ns
	secs     float64 // window, s
	n        int     // students online
	main     *exam   // the exam that opens in the window
	other    *exam   // an exam already running, or nil
	deadline int64   // the assignment deadline
	nat, edu []*Client
	exempt   map[string]bool // addresses the gateway does not limit
	keyed    map[string]bool // API keys the gateway limits per key
	carriers map[*region][]*Client
	attempt  int // the last quiz attempt id given out
	attempt0 int // the first of the day
}

func newWorld(s *site, l *Log, c simcmd.Config) *world {
	w := &world{
		s: s, l: l, seed: c.Seed, W: l.Window(), secs: float64(l.Window()) / 1e9,
		r:        rand.New(rand.NewPCG(c.Seed, c.Site*0x9e3779b97f4a7c15+0x4c4d53)),
		exempt:   map[string]bool{},
		keyed:    map[string]bool{},
		carriers: map[*region][]*Client{},
	}
	w.n = max(20, int(math.Round(float64(c.Clients)*s.size)))
	w.attempt0 = 400000 + w.r.IntN(500000)
	w.attempt = w.attempt0
	for _, ip := range s.nats {
		w.nat = append(w.nat, w.fixed(ip, "campus-nat"))
	}
	for _, ip := range s.eduroam {
		w.edu = append(w.edu, w.fixed(ip, "eduroam"))
	}
	at := math.Min(s.examMin*60, w.secs/4)
	// The quiz closes near the end of a quarter hour, and within two hours
	// of opening in a longer window.
	w.main = w.newExam(Pick(w.r, s.courses), 10000+w.r.IntN(90000), Sec(at), Sec(at+math.Min((w.secs-at)*Uniform(w.r, 0.86, 0.97), 7200)))
	if s.exam2 {
		w.other = w.newExam(Pick(w.r, s.courses), 10000+w.r.IntN(90000), -Sec(Uniform(w.r, 600, 2400)), Sec(math.Min(w.secs, 3600)+Uniform(w.r, 300, 2400)))
	}
	w.deadline = Sec(w.secs * s.deadline)
	return w
}

// fixed registers one of the site's own addresses, which recur every day.
func (w *world) fixed(ip, profile string) *Client {
	c := w.l.Client(ip, KindNormal)
	c.Profile, c.Heavy = profile, true
	w.exempt[ip] = true
	return c
}

// actor is someone sending requests: a browser, an app, a job, a bot.
type actor struct {
	w             *world
	r             *rand.Rand
	c             *Client
	move          func(int64) *Client // a rotating IPv6 address, or nil
	ua, key, user string
	hdr           int64 // bytes of request line and headers besides the path
	attack        bool
}

func (w *world) actor(r *rand.Rand, c *Client, ua string) *actor {
	return &actor{w: w, r: r, c: c, ua: ua, hdr: int64(250 + len(ua) + r.IntN(1100))}
}

// as returns the same device sending as another program.
func (a *actor) as(ua, key string) *actor {
	b := *a
	b.ua, b.key = ua, key
	b.hdr = int64(200 + len(ua) + a.r.IntN(400))
	return &b
}

// send records one request and returns when its answer is complete.
func (a *actor) send(t int64, method, path string, status int, req, resp int64) int64 {
	c := a.c
	if a.move != nil && t >= 0 {
		c = a.move(t)
	}
	ms := a.latency(t, status, req, resp)
	a.w.l.Add(Event{T: t, C: c, Method: method, Path: path, Status: status, ReqBytes: req, RespBytes: resp,
		DurationMS: ms, UA: a.ua, Key: a.key, User: a.user, Attack: a.attack})
	return t + Sec(ms/1000)
}

func (a *actor) get(t int64, path string, status int, kb float64) int64 {
	return a.send(t, "GET", path, status, a.head(path), a.kb(kb))
}

// write sends a request with a body of reqKB.
func (a *actor) write(t int64, method, path string, status int, reqKB, respKB float64) int64 {
	return a.send(t, method, path, status, a.head(path)+a.kb(reqKB), a.kb(respKB))
}

func (a *actor) head(path string) int64 { return a.hdr + int64(len(path)) }

func (a *actor) kb(kb float64) int64 {
	if kb <= 0 {
		return 0
	}
	return int64(LogNormal(a.r, kb*1024, 0.3)) + 1
}

// latency is the platform's answer time: the quiz servers slow down under
// the exam's flash crowd, and large bodies take their transfer time.
func (a *actor) latency(t int64, status int, req, resp int64) float64 {
	var ms float64
	switch {
	case status == 302 || status == 304 || status == 204:
		ms = LogNormal(a.r, 9, 0.5)
	case status >= 500:
		ms = LogNormal(a.r, 700, 1)
	case status >= 400:
		ms = LogNormal(a.r, 7, 0.6)
	default:
		ms = LogNormal(a.r, 30, 0.6)
	}
	d := float64(t-a.w.main.at) / 6e10
	ms *= 1 + 2.5*math.Exp(-d*d)
	if b := req + resp; b > 64<<10 {
		ms += float64(b) / LogUniform(a.r, 1.5e6, 40e6) * 1000
	}
	return ms
}

// either returns ok, or with chance p one of bad.
func either(r *rand.Rand, p float64, ok int, bad ...int) int {
	if Chance(r, p) {
		return Pick(r, bad)
	}
	return ok
}

// okKB is the body of an answer: kb when it is served, an error page
// or a redirect otherwise.
func okKB(status int, kb float64) float64 {
	if status < 300 {
		return kb
	}
	return 0.3
}

// think is a person's pause between steps, around median seconds.
func think(r *rand.Rand, median float64) int64 { return Sec(LogNormal(r, median, 0.7)) }

// span draws an attack's onset and end inside the window.
func (w *world) span(r *rand.Rand, lo, hi float64) (int64, int64) {
	on := Sec(Uniform(r, 0.03, 0.65) * w.secs)
	return on, min(w.W, on+Sec(LogUniform(r, lo, hi)))
}
