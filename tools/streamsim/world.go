package main

import (
	"math/rand/v2"
	"sort"
	"time"

	"github.com/portcullis/portcullis/tools/internal/simcmd"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// world is one day of one platform.
type world struct {
	log     *Log
	s       *site
	fx      *fixtures
	cat     *catalog
	seed    uint64
	span    int64 // window length, ns
	clients int
	live    *match          // nil on a day without a match in the window
	devices map[*Client]int // devices seen behind each shared address
}

// newWorld sets up the day c describes: its site's platform, the
// fixtures (drawn first and from the site alone, so that they are the same
// every day), the catalogue and the match, if the day has one.
func newWorld(c simcmd.Config, day *rand.Rand) *world {
	s := newSite(c.Site)
	l := New(c.Start, time.Duration(c.Minutes)*time.Minute)
	w := &world{log: l, s: s, seed: c.Seed, span: l.Window(), clients: c.Clients, devices: map[*Client]int{}}
	w.fx = newFixtures(l, s, c.Seed, Sub(day))
	w.cat = newCatalog(rand.New(rand.NewPCG(c.Site, 0xca7a_1065)), s.titles)
	// The fixture list of matches is a stream of its own per site and
	// day, so that the rest of the day's draws do not move them.
	w.live = planMatch(w, rand.New(rand.NewPCG(c.Site<<8|c.Seed, 7)))
	return w
}

// secs is the window length in seconds.
func (w *world) secs() float64 { return float64(w.span) / 1e9 }

// at returns the offset a share f of the way into the window.
func (w *world) at(f float64) int64 { return int64(f * float64(w.span)) }

// agent sends the requests of one client: a device, a bot, a partner's
// uploader or an attacker.
type agent struct {
	w      *world
	r      *rand.Rand
	c      *Client
	rot    *rotor // set for devices whose IPv6 privacy address moves
	ua     string
	player string // user agent of the media stack
	user   string // account the gateway sees in the bearer token
	key    string // API key, for partners, shields and feeds
	hdr    int64  // bytes of headers and cookies the device sends
	bw     float64
	// hostile marks every request as part of an attack, except the ones
	// sent with hit.cover. Hostile agents hold their requests until done
	// and keep them only if one attack request fell inside the window, so
	// that no attacker is labelled without an onset.
	hostile bool
	held    []Event
}

// hit is one request as the agent sends it.
type hit struct {
	m, path string
	status  int
	body    int64   // request body bytes
	resp    int64   // response bytes
	ms      float64 // server time; 0 draws one
	media   bool    // sent by the player, with its user agent and few headers
	cover   bool    // an attacker's innocent request
	ua      string  // overrides the agent's user agent
	key     string  // overrides the agent's API key
}

func (a *agent) send(t int64, h hit) {
	c := a.c
	if a.rot != nil {
		c = a.rot.at(t)
	}
	ua, req := a.ua, a.hdr+int64(len(h.path))+h.body
	if h.media {
		ua, req = a.player, 260+int64(len(h.path))+int64(a.r.IntN(120))
	}
	if h.ua != "" {
		ua = h.ua
	}
	key := a.key
	if h.key != "" {
		key = h.key
	}
	ms := h.ms
	if ms == 0 {
		ms = LogNormal(a.r, 14, 0.6)
	}
	if a.bw > 0 {
		ms += float64(h.resp) / a.bw
	}
	user := a.user
	if h.media {
		user = ""
	}
	e := Event{T: t, C: c, Method: h.m, Path: h.path, Status: h.status, ReqBytes: req, RespBytes: h.resp,
		DurationMS: ms, UA: ua, Key: key, User: user, Attack: a.hostile && !h.cover}
	if a.hostile {
		a.held = append(a.held, e)
		return
	}
	a.w.log.Add(e)
}

// get is a GET answered with status and resp bytes.
func (a *agent) get(t int64, path string, status int, resp int64) {
	a.send(t, hit{m: "GET", path: path, status: status, resp: resp})
}

// flush writes a hostile agent's requests if any attack request fell
// inside the window, and reports whether it did.
func (a *agent) flush() bool {
	ok := false
	for _, e := range a.held {
		if e.Attack && e.T >= 0 && e.T < a.w.span {
			ok = true
			break
		}
	}
	if ok {
		for _, e := range a.held {
			a.w.log.Add(e)
		}
	}
	a.held = nil
	return ok
}

// rotor moves a device to a new IPv6 privacy address inside its /64 every
// so often. Unlike a rotation driven by the order of calls, it answers by
// time, so a device's interleaved streams (segments, heartbeats) agree on
// where it was at each moment.
type rotor struct {
	log     *Log
	r       *rand.Rand
	net     string
	profile string
	bounds  []int64 // start of each address's turn after the first
	addrs   []*Client
}

func newRotor(w *world, r *rand.Rand, first *Client, net string, lo, hi float64) *rotor {
	ro := &rotor{log: w.log, r: r, net: net, profile: first.Profile, addrs: []*Client{first}}
	for t := -Sec(Uniform(r, 0, hi)); t < w.span; {
		t += Sec(Uniform(r, lo, hi))
		ro.bounds = append(ro.bounds, t)
	}
	return ro
}

func (ro *rotor) at(t int64) *Client {
	i := sort.Search(len(ro.bounds), func(i int) bool { return ro.bounds[i] > t })
	for len(ro.addrs) <= i {
		c := ro.log.Client(ro.log.V6In(ro.r, ro.net), KindNormal)
		c.Profile = ro.profile
		ro.addrs = append(ro.addrs, c)
	}
	return ro.addrs[i]
}
