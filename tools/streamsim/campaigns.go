package main

import (
	"fmt"
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// campaigns adds the day's distributed attacks: one of each kind, and a
// second of the kinds this platform draws twice.
func (w *world) campaigns(r *rand.Rand) {
	runs := map[string]func(*rand.Rand, string){
		"stuffing": w.stuffing,
		"ddos":     w.ddos,
		"cardtest": w.cardtest,
		"ripping":  w.ripping,
	}
	kinds := append([]string{"stuffing", "ddos", "cardtest", "ripping"}, w.s.extraCamps...)
	for _, k := range kinds {
		rr := Sub(r)
		runs[k](rr, fmt.Sprintf("%s-%d-%d%s", k, w.s.id, w.seed, Hex(rr, 4)))
	}
}

// origin weights where a campaign's members come from.
type origin struct{ cloud, home, abroad, mobile, v6, tor float64 }

// member registers one address of campaign id.
func (w *world) member(r *rand.Rand, kind, id string, o origin) *agent {
	var ip string
	switch Weighted(r, []float64{o.cloud, o.home, o.abroad, o.mobile, o.v6, o.tor}) {
	case 0:
		ip = w.log.V4(r, hosting)
	case 1:
		ip = w.log.V4(r, w.s.reg.home)
	case 2:
		ip = w.log.V4(r, Pick(r, regions).home)
	case 3:
		ip = w.log.V4(r, w.s.reg.mobile)
	case 4:
		ip = w.log.V6In(r, V6Net(r, w.s.reg.home6))
	default:
		ip = w.log.V4(r, torExits)
	}
	c := w.log.Client(ip, kind)
	c.Campaign = id
	a := &agent{w: w, r: r, c: c, hdr: int64(200 + r.IntN(600)), bw: LogUniform(r, 400, 6000), hostile: true}
	a.ua = Pick(r, toolUAs)
	a.player = a.ua
	return a
}

// crew runs the n members of campaign id: each is registered where o
// says, plays its part from a stream of its own, and keeps its requests if
// one of its attack requests fell inside the window.
func (w *world) crew(r *rand.Rand, kind, id string, n int, o origin, part func(a *agent)) {
	for range n {
		a := w.member(Sub(r), kind, id, o)
		part(a)
		a.flush()
	}
}

// stuffing replays leaked e-mail and password pairs against sign-in from
// residential proxies: each address tries one pair every 10 to 90 s, a
// handful to a few dozen times; some load the sign-in page first, most
// pass for a browser or the app. A few pairs work, and the account is
// looked over at once.
func (w *world) stuffing(r *rand.Rand, id string) {
	api := w.s.api
	start := w.at(Uniform(r, 0.03, 0.5))
	spread := Uniform(r, 60, 0.45*w.secs())
	w.crew(r, "stuffing", id, 30+r.IntN(120), origin{cloud: 1, home: 6, abroad: 2, mobile: 1, v6: 1}, func(a *agent) {
		rr := a.r
		switch x := rr.Float64(); {
		case x < 0.45:
			a.ua = Pick(rr, browserUAs)
		case x < 0.75:
			a.disguise(true)
			a.user = ""
		}
		t := min(start+Sec(Uniform(rr, 0, spread)), w.at(0.9))
		if Chance(rr, 0.35) {
			a.send(t-Sec(Uniform(rr, 3, 12)), hit{m: "GET", path: "/signin", status: 200, resp: 31000, cover: true})
			a.send(t-Sec(Uniform(rr, 1, 3)), hit{m: "GET", path: api + "/config?platform=web&version=web-2024.02.1", status: 200, resp: 4100, cover: true})
		}
		gap := Uniform(rr, 10, 90)
		for k := 3 + rr.IntN(25); k > 0 && t < w.span; k-- {
			st := 401
			switch x := rr.Float64(); {
			case x < 0.025:
				st = 200
			case x < 0.085:
				st = 403 // the bot wall asked for a challenge
			}
			a.send(t, hit{m: "POST", path: api + "/auth/signin", status: st, body: int64(110 + rr.IntN(70)), resp: 160, ms: LogNormal(rr, 180, 0.3)})
			if st == 200 {
				a.user = "u" + Hex(rr, 10)
				for i, p := range []string{"/profiles", "/account/subscription", "/billing/payment-methods"} {
					a.send(t+Sec(float64(2*i+1)+rr.Float64()), hit{m: "GET", path: api + p, status: 200, resp: int64(900 + rr.IntN(1500))})
				}
				a.user = ""
			}
			t += Sec(gap * Uniform(rr, 0.7, 1.3))
		}
	})
}

// ddos is a botnet hammering a few URLs. On a match day it rides the
// flash crowd, pulling the live manifest, the event and the live page,
// when a few more requests for the same URLs are least visible; otherwise
// it hits the home page, the home API and search. Part of the bots add a
// random query to get past the caches, part rotate browser user agents.
// Each bot is slow enough to pass for a viewer; together they are many.
func (w *world) ddos(r *rand.Rand, id string) {
	api := w.s.api
	start := w.at(Uniform(r, 0.1, 0.6))
	targets := []string{"/", api + "/home", api + "/search?q=" + query(r, Pick(r, w.cat.terms))}
	if m := w.live; m != nil {
		start = min(w.at(0.8), max(0, m.kick+Sec(Uniform(r, -60, 120))))
		targets = []string{"/live/" + m.id + "/master.m3u8", api + "/live/events/" + m.id, "/live/" + m.slug}
	}
	n := 40 + r.IntN(110)
	dur := Uniform(r, 120, 480)
	rate := LogUniform(r, 6000, 20000) / float64(n) / dur
	w.crew(r, "ddos", id, n, origin{cloud: 4, home: 3, abroad: 2, v6: 1}, func(a *agent) {
		rr := a.r
		rotate := Chance(rr, 0.4)
		if !rotate && Chance(rr, 0.5) {
			a.ua = Pick(rr, browserUAs)
		}
		bust := Chance(rr, 0.5)
		path := Pick(rr, targets)
		from := start + Sec(Uniform(rr, 0, 40))
		to := min(w.span, from+Sec(dur*Uniform(rr, 0.6, 1.1)))
		steady(rr, from, to, rate*LogNormal(rr, 1, 0.5), 6000, func(t int64, _ int) {
			h := hit{m: "GET", path: path, status: 200, resp: int64(1500 + rr.IntN(60000))}
			if bust {
				sep := "?"
				if strings.Contains(path, "?") {
					sep = "&"
				}
				h.path += fmt.Sprintf("%s_=%d", sep, rr.Int64N(1e13))
			}
			if rotate {
				h.ua = Pick(rr, browserUAs)
			}
			a.send(t, h)
		})
	})
}

// cardtest checks stolen card numbers on the payment endpoint: each
// address signs up a throwaway account (or reuses one), looks at the
// plans, then adds card after card a minute or so apart. Most are
// declined (402), a few go through.
func (w *world) cardtest(r *rand.Rand, id string) {
	api := w.s.api
	start := w.at(Uniform(r, 0.03, 0.55))
	spread := Uniform(r, 30, 0.35*w.secs())
	shared := []string{"u" + Hex(r, 10), "u" + Hex(r, 10), "u" + Hex(r, 10)}
	w.crew(r, "cardtest", id, 20+r.IntN(60), origin{cloud: 3, home: 5, abroad: 2, tor: 1}, func(a *agent) {
		rr := a.r
		if x := rr.Float64(); x < 0.7 {
			a.disguise(false)
		} else if x < 0.9 {
			a.disguise(true)
		}
		t := min(start+Sec(Uniform(rr, 0, spread)), w.at(0.9))
		a.user = Pick(rr, shared)
		if Chance(rr, 0.6) {
			a.user = ""
			a.send(t, hit{m: "POST", path: api + "/auth/signup", status: 201, body: int64(150 + rr.IntN(80)), resp: 1900, ms: LogNormal(rr, 220, 0.3)})
			a.user = "u" + Hex(rr, 10)
			t += Sec(Uniform(rr, 3, 15))
		}
		if Chance(rr, 0.3) {
			a.send(t, hit{m: "GET", path: "/checkout?plan=" + Pick(rr, []string{"basic", "standard", "premium"}), status: 200, resp: 42000})
			t += Sec(Uniform(rr, 1, 6))
		}
		a.send(t, hit{m: "GET", path: api + "/billing/plans?country=" + w.s.reg.country, status: 200, resp: 3400})
		t += Sec(Uniform(rr, 2, 20))
		gap := Uniform(rr, 15, 120)
		for k := 2 + rr.IntN(10); k > 0 && t < w.span; k-- {
			st := 402
			if x := rr.Float64(); x < 0.1 {
				st = 201
			} else if x < 0.14 {
				st = 400
			}
			a.send(t, hit{m: "POST", path: api + "/billing/payment-methods", status: st, body: int64(380 + rr.IntN(80)), resp: 260, ms: LogNormal(rr, 700, 0.4)})
			t += Sec(gap * Uniform(rr, 0.6, 1.4))
		}
	})
}

// ripping is a stream-ripping ring working off a few resold accounts:
// each address signs in to one of them, opens a playback session, takes
// the license and then pulls a whole season's segments at the top
// rendition many times faster than anyone watches, one episode after the
// other. Most send no heartbeat; the careful ones fake it.
func (w *world) ripping(r *rand.Rand, id string) {
	start := w.at(Uniform(r, 0.02, 0.45))
	accounts := make([]string, 3+r.IntN(6))
	for i := range accounts {
		accounts[i] = "u" + Hex(r, 10)
	}
	w.crew(r, "ripping", id, 20+r.IntN(25), origin{cloud: 5, home: 3, abroad: 2}, func(a *agent) {
		switch x := a.r.Float64(); {
		case x < 0.5:
			a.disguise(true)
		case x < 0.75:
			a.ua = Pick(a.r, rippers)
			a.player = a.ua
		default:
			a.disguise(false)
		}
		a.user = Pick(a.r, accounts)
		a.rip(min(start+Sec(Uniform(a.r, 0, 0.3*w.secs())), w.at(0.85)))
	})
}

// rip is one ripper's run: sign in, then title after title, episode after
// episode, a session, a license, the manifests and every segment of the
// top rendition in a row.
func (a *agent) rip(t int64) {
	w, r, api := a.w, a.r, a.w.s.api
	speed := LogUniform(r, 3, 20)
	beats := Chance(r, 0.3)
	a.send(t, hit{m: "POST", path: api + "/auth/signin", status: 200, body: int64(110 + r.IntN(60)), resp: 1900, ms: LogNormal(r, 190, 0.3)})
	t += Sec(Uniform(r, 1, 4))
	var ti *title
	var season, ep int
	another := func() {
		ti, season, ep = w.cat.popular(r), 0, 0
		if ti.series {
			season, ep = 1, 1
		}
	}
	another()
	seg := w.s.vodSeg
	for left := int(LogUniform(r, 150, 700)); t < w.span && left > 0; {
		base := "/vod/" + asset(ti, season, ep)
		tok := ""
		if w.s.signed {
			tok = "?st=" + Hex(r, 16) + Hex(r, 6)
		}
		sid := Hex(r, 16)
		a.send(t, hit{m: "POST", path: api + "/playback/sessions", status: 201, body: 240, resp: 1600})
		t = a.license(t+Sec(0.2), "widevine")
		a.send(t, hit{m: "GET", path: base + "/hls/master.m3u8" + tok, status: 200, resp: 2400, media: true})
		a.send(t+Sec(0.1), hit{m: "GET", path: base + "/hls/1080p/index.m3u8" + tok, status: 200, resp: int64(ti.minutes * 60 / seg * 58), media: true})
		t += Sec(Uniform(r, 0.2, 1))
		beat := t + Sec(30)
		for k := 0; k <= int(ti.minutes*60/seg) && t < w.span && left > 0; k++ {
			a.send(t, hit{m: "GET", path: fmt.Sprintf("%s/hls/1080p/seg%d.m4s%s", base, k, tok), status: 200, resp: segBytes(r, 5200, seg), media: true})
			left--
			t += Sec(seg / speed * Uniform(r, 0.7, 1.3))
			if beats && t >= beat {
				a.send(t, hit{m: "POST", path: fmt.Sprintf("%s/playback/sessions/%s/heartbeat", api, sid), status: 204, body: 170})
				beat += Sec(30)
			}
		}
		t += Sec(Uniform(r, 1, 10))
		switch {
		case !ti.series:
			another()
		case ep < ti.episodes:
			ep++
		case season < ti.seasons:
			season, ep = season+1, 1
		default:
			another()
		}
	}
}
