package main

import (
	"math/rand/v2"
	"strconv"

	"github.com/portcullis/portcullis/tools/internal/simcmd"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// day is one recording of a site: the log, the day's own random stream and
// what the flags asked for.
type day struct {
	log          *Log
	plat         *site
	rng          *rand.Rand
	seed         uint64
	clients      int
	win, minute0 int64          // the window's length, and where its first full minute of the clock starts (ns)
	campaignsRun map[string]int // per kind
}

func newDay(l *Log, s *site, c simcmd.Config) *day {
	minute := int64(60e9)
	return &day{log: l, plat: s, seed: c.Seed, clients: c.Clients, campaignsRun: map[string]int{},
		rng: rand.New(rand.NewPCG(c.Seed, c.Site*0x9e3779b97f4a7c15+0x6d617073)),
		win: l.Window(), minute0: (minute - c.Start.UnixNano()%minute) % minute}
}

// play runs every population of the day, each from a stream of its own so
// that changing one leaves the others' draws alone.
func (d *day) play() {
	for _, run := range []func(*rand.Rand){
		d.bigCustomers,
		d.midCustomers,
		d.smallCustomers,
		d.monitors,
		d.cdnNodes,
		d.carrierNATs,
		d.paymentHooks,
		d.webVisitors,
		d.appUsers,
		d.developers,
		d.docsReaders,
		d.newcomers,
		d.launch,
		d.loneAttackers,
		d.campaigns,
	} {
		run(Sub(d.rng))
	}
	d.publishableLimits()
}

// secs is the window's length in seconds.
func (d *day) secs() float64 { return float64(d.win) / 1e9 }

// at is the offset of a share of the window.
func (d *day) at(share float64) int64 { return int64(share * float64(d.win)) }

// normal registers a legitimate client.
func (d *day) normal(ip, profile string) *Client {
	c := d.log.Client(ip, KindNormal)
	c.Profile = profile
	return c
}

// hostile registers an attacker; campaign is empty for a lone one.
func (d *day) hostile(ip, kind, campaign string) *Client {
	c := d.log.Client(ip, kind)
	c.Campaign = campaign
	return c
}

// campaignID names the next campaign of a kind on this day.
func (d *day) campaignID(kind string) string {
	d.campaignsRun[kind]++
	return kind + "-" + strconv.FormatUint(d.seed, 10) + "-" + strconv.Itoa(d.campaignsRun[kind])
}

// actor is whoever sends a run of requests: one address (or a phone that
// moves between privacy addresses), its user agent, the API key it
// presents and the dashboard user it is signed in as.
type actor struct {
	d             *day
	r             *rand.Rand
	c             *Client
	rot           func(int64) *Client
	ua, key, user string
	attack        bool
}

func (d *day) actor(r *rand.Rand, c *Client, ua, key string) *actor {
	return &actor{d: d, r: r, c: c, ua: ua, key: key, attack: c.Kind != KindNormal}
}

// do records one request at t and reports whether it fell in the window.
func (a *actor) do(t int64, k call) bool {
	if a.rot != nil && t >= 0 && t < a.d.win {
		a.c = a.rot(t)
	}
	st := k.status
	if st == 0 {
		st = 200
	}
	resp, ms := reply(a.r, st, k)
	req := int64(150+len(a.ua)+2*len(a.key)+len(k.path)) + int64(a.r.IntN(120)) + k.body
	if a.user != "" {
		req += 420 // session cookie
	}
	return a.d.log.Add(Event{T: t, C: a.c, Method: k.method, Path: k.path, Status: st, ReqBytes: req,
		RespBytes: resp, DurationMS: ms, UA: a.ua, Key: a.key, User: a.user, Attack: a.attack})
}

// cover records a request of an attacker that is not itself part of the
// attack: the page it loads first, the harmless calls it hides among.
func (a *actor) cover(t int64, k call) bool {
	was := a.attack
	a.attack = false
	ok := a.do(t, k)
	a.attack = was
	return ok
}

// reply is the size and time of the answer a status gets: errors are short
// and quick, a gateway timeout is slow.
func reply(r *rand.Rand, st int, k call) (int64, float64) {
	switch {
	case st < 300 && st != 204:
		return max(k.resp, 2), max(k.ms, 0.2)
	case st == 204 || st == 304:
		return 0, max(k.ms*0.4, 0.2)
	case st == 429:
		return 118 + r.Int64N(30), Uniform(r, 0.2, 1.6)
	case st == 401 || st == 403:
		return 96 + r.Int64N(90), LogNormal(r, 3, 0.5)
	case st == 402:
		return 170 + r.Int64N(60), LogNormal(r, 5, 0.5)
	case st == 413:
		return 140, LogNormal(r, 30, 1)
	case st == 504:
		return 60 + r.Int64N(100), Uniform(r, 10000, 30000)
	case st >= 500:
		return 50 + r.Int64N(200), LogNormal(r, 60, 1)
	}
	return 80 + r.Int64N(320), LogNormal(r, 7, 0.6)
}

// gap draws the pause of a person or program between two requests.
func gap(r *rand.Rand, median, sigma float64) int64 { return Sec(LogNormal(r, median, sigma)) }
