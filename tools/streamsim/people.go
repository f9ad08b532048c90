package main

import (
	"fmt"
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// household is an account and the place its devices stream from.
type household struct {
	user     string
	profiles []profile
	addr     *Client // the address its devices share; nil when each has its own
	net6     string  // its /64 when it is on IPv6
}

type profile struct {
	id   string
	kids bool
	pin  bool // adults lock their profile so the children cannot open it
}

// viewer is one device of a household and the person holding it.
type viewer struct {
	*agent
	hh       *household
	plat     *platform
	ver      string // app version it runs
	prof     profile
	seg      float64 // VOD segment length its player asks for, s
	beat     float64 // heartbeat period, s
	rend     int     // rung of the ladder its bandwidth sustains
	tokenExp int64   // when its access token runs out
	fan      bool    // tunes in to the match when it starts
}

func newHousehold(r *rand.Rand, s *site) *household {
	h := &household{user: "u" + Hex(r, 10)}
	n := 1 + Weighted(r, []float64{30, 30, 20, 12, 8})
	for i := range n {
		p := profile{id: "p" + Hex(r, 8)}
		if i > 0 && Chance(r, s.kids) {
			p.kids = true
		}
		if i == 0 && n > 1 && Chance(r, 0.3) {
			p.pin = true
		}
		h.profiles = append(h.profiles, p)
	}
	return h
}

// device sets up a viewer on platform p for household h at address c (or
// on IPv6 in the household's /64 when c is nil).
func (w *world) device(r *rand.Rand, h *household, p *platform, c *Client, mobile bool, rollouts map[string]float64) *viewer {
	s := w.s
	ver := p.version(r, p.rollout(w.seed), rollouts[p.name])
	app, player := p.userAgents(r, s.brand, ver, s.reg.language)
	a := &agent{w: w, r: r, c: c, ua: app, player: player, user: h.user, hdr: int64(700 + r.IntN(900))}
	if c != nil {
		w.devices[c]++
	}
	if c == nil {
		a.c = w.log.Client(w.log.V6In(r, h.net6), KindNormal)
		a.c.Profile = "home-v6"
		if mobile {
			a.c.Profile = "mobile-v6"
		}
		if p.class == classPhone || p.class == classTablet || p.class == classWeb {
			a.rot = newRotor(w, r, a.c, h.net6, 600, 3600)
		}
	}
	if mobile {
		a.bw = LogUniform(r, 250, 3000)
	} else {
		a.bw = LogUniform(r, 1200, 15000)
	}
	v := &viewer{agent: a, hh: h, plat: p, ver: ver, seg: s.vodSeg, beat: Pick(r, []float64{30, 30, 30, 60})}
	v.prof = Pick(r, h.profiles)
	top := map[int]int{classTV: 5, classConsole: 4, classStick: 5, classWeb: 4, classPhone: 3, classTablet: 4}[p.class]
	v.rend = 0
	for i := 1; i <= top; i++ {
		if ladder[i].kbps*0.125*1.6 < a.bw {
			v.rend = i
		}
	}
	v.tokenExp = Sec(Uniform(r, -600, float64(w.span)/1e9+1800))
	return v
}

// audience builds the window's ordinary viewers: households on broadband
// sharing one address or each device on IPv6, phones behind the carrier's
// NAT or rotating IPv6 privacy addresses, guests behind hotel and campus
// NATs, and on some days the first customers of a telco bundle.
func (w *world) audience(r *rand.Rand) []*viewer {
	s := w.s
	// The day's app updates: always one for a television platform, and
	// perhaps one more anywhere but the web.
	rollouts := map[string]float64{pickPlatform(r, Pick(r, []int{classTV, classStick, classConsole})).name: Uniform(r, 0.05, 0.3)}
	if p := Pick(r, platforms); p.class != classWeb && Chance(r, 0.5) {
		rollouts[p.name] = Uniform(r, 0.05, 0.3)
	}
	var all []*viewer
	isp := 0
	// A sixth of the arrivals came and went just before the window.
	for len(all) < w.clients*7/6 {
		rr := Sub(r)
		h := newHousehold(rr, s)
		switch x := rr.Float64(); {
		case x < 0.012 && len(w.fx.venues) > 0:
			// A guest: one device on the venue's network.
			c := Pick(rr, w.fx.venues)
			p := pickPlatform(rr, Pick(rr, []int{classPhone, classPhone, classTablet, classWeb, classWeb}))
			all = append(all, w.device(rr, h, p, c, false, rollouts))
		case x < 0.2:
			// A phone on the carrier's network.
			p := pickPlatform(rr, classPhone)
			if Chance(rr, s.mobileNat) {
				all = append(all, w.device(rr, h, p, Pick(rr, w.fx.mobile), true, rollouts))
			} else {
				h.net6 = V6Net(rr, s.reg.mobile6)
				all = append(all, w.device(rr, h, p, nil, true, rollouts))
			}
		default:
			var c *Client
			switch {
			case w.fx.isp != "" && isp < 90 && Chance(rr, 0.04):
				isp++
				c = w.log.Client(w.log.V4(rr, []string{w.fx.isp}), KindNormal)
				c.Profile = "new-isp"
			case Chance(rr, s.v6):
				h.net6 = V6Net(rr, s.reg.home6)
			default:
				c = w.log.Client(w.log.V4(rr, s.reg.home), KindNormal)
				c.Profile = "home"
			}
			h.addr = c
			for range 1 + Weighted(rr, []float64{70, 22, 6, 2}) {
				class := Weighted(rr, s.devices)
				p := pickPlatform(rr, class)
				if c != nil && c.Profile == "new-isp" && Chance(rr, 0.6) {
					p = telcoBox(s)
				}
				all = append(all, w.device(rr, h, p, c, false, rollouts))
			}
		}
	}
	return all
}

// telcoBox is the set-top box the bundled telco hands its customers: a
// platform no earlier day has seen.
func telcoBox(s *site) *platform {
	return &platform{name: "telcobox", class: classStick, drm: "widevine", dash: true, vers: []string{"1.0.3"}, models: []string{"UHD-STB-2"},
		app: "{B}/{V} (Linux;Android 11; {M}) ExoPlayerLib/2.19.1 Operator/" + s.reg.country}
}

// evening plays out one viewer's window, a slice of a steady evening in
// which as many leave as arrive. Some devices are already playing when it
// opens and go on for a while; the others arrive during it, most to look
// around (the home screen, a row, a search) and leave, some to play,
// perhaps one episode after another. Fans switch to the match at kick-off.
func (v *viewer) evening(watching bool, liveAt int64) {
	w, r := v.w, v.r
	stop := w.span
	if v.fan && w.live != nil {
		stop = liveAt
	}
	var t int64
	plays, steps := 0, r.IntN(2)
	if watching {
		ti := w.cat.popular(r)
		season, ep := v.episode(ti)
		pos := Uniform(r, 0, ti.minutes*50)
		t = v.watch(-Sec(Uniform(r, 0, 2*v.seg)), ti, season, ep, pos, true, stop, Sec(r.ExpFloat64()*600))
		if Chance(r, 0.2) {
			plays = 1
		}
	} else {
		// Some arrived a few minutes before the window and are still
		// looking around when it opens.
		t = Sec(Uniform(r, -240, w.secs()))
		if v.fan && w.live != nil && t > liveAt {
			t = liveAt - Sec(Uniform(r, 0, 120))
		}
		t = v.launch(t, 0.06)
		if Chance(r, 0.15) {
			plays = 1
		}
		steps++
	}
	for t < stop && plays+steps > 0 {
		if steps > 0 && (plays == 0 || Chance(r, 0.5)) {
			steps--
			switch Weighted(r, []float64{5, 2, 0.3}) {
			case 0:
				t = v.browse(t)
			case 1:
				t = v.search(t)
			default:
				t = v.account(t)
			}
		} else {
			plays--
			ti := v.choose(&t)
			season, ep := v.episode(ti)
			t = v.watch(t, ti, season, ep, 0, false, stop, Sec(LogNormal(r, 480, 0.8)))
		}
		t += Sec(LogNormal(r, 4, 0.8))
	}
	if v.fan && w.live != nil && t < w.span {
		v.watchLive(max(t, liveAt), w.live, w.span)
	}
}

// episode picks where a viewer is in a title: a film, or the episode of a
// series it has got to.
func (v *viewer) episode(t *title) (int, int) {
	if !t.series {
		return 0, 0
	}
	return 1 + v.r.IntN(t.seasons), 1 + v.r.IntN(t.episodes)
}

// think is the pause of a person between two steps in the interface.
func (v *viewer) think(t int64) int64 { return t + Sec(LogNormal(v.r, 2.5, 0.8)) }

// next is the gap between requests the app fires on its own.
func (v *viewer) next(t int64) int64 { return t + Sec(LogUniform(v.r, 0.03, 0.4)) }

// call sends an authenticated API request. When the access token has run
// out, the first try comes back 401, the app refreshes the token and sends
// it again.
func (v *viewer) call(t int64, m, path string, status int, body, resp int64) int64 {
	if t > v.tokenExp && v.user != "" {
		v.send(t, hit{m: m, path: path, status: 401, body: body, resp: 140})
		t = v.next(t)
		v.refresh(t)
		t = v.next(t)
	}
	v.send(t, hit{m: m, path: path, status: status, body: body, resp: resp})
	return v.next(t)
}

func (v *viewer) refresh(t int64) {
	v.send(t, hit{m: "POST", path: v.w.s.api + "/auth/token/refresh", status: 200, body: 880, resp: 1450, ms: LogNormal(v.r, 35, 0.4)})
	v.tokenExp = t + Sec(Uniform(v.r, 900, 3600))
}

// launch opens the app (or the web site): configuration, a token refresh
// or a sign-in, the profile picker and the home screen.
func (v *viewer) launch(t int64, signin float64) int64 {
	api, r := v.w.s.api, v.r
	if v.plat.class == classWeb {
		t = v.page(t, "/", 52000)
	}
	v.get(t, fmt.Sprintf("%s/config?platform=%s&version=%s", api, v.plat.name, v.ver), 200, int64(2500+r.IntN(6000)))
	t = v.next(t)
	if Chance(r, signin) {
		t = v.signin(t, 0.3)
	} else if t > v.tokenExp || Chance(r, 0.5) {
		v.refresh(t)
		t = v.next(t)
	}
	t = v.call(t, "GET", api+"/me", 200, 0, int64(900+r.IntN(900)))
	t = v.call(t, "GET", api+"/profiles", 200, 0, int64(400+600*len(v.hh.profiles)))
	if len(v.hh.profiles) > 1 {
		t = v.think(t)
		t = v.pick(t)
	}
	return v.home(t)
}

// page loads a web page with its scripts, styles and icon; most of the
// assets come back 304 from the browser's cache.
func (v *viewer) page(t int64, path string, size int64) int64 {
	r := v.r
	v.get(t, path, 200, size+int64(r.IntN(20000)))
	t = v.next(t)
	for _, a := range []string{"/assets/app.8f3c2e1a.js", "/assets/vendor.51ab09d4.js", "/assets/app.8f3c2e1a.css", "/favicon.ico"} {
		if Chance(r, 0.7) {
			v.get(t, a, 304, 0)
		} else {
			v.get(t, a, 200, int64(20000+r.IntN(900000)))
		}
		t += Sec(Uniform(r, 0.005, 0.08))
	}
	return t
}

// signin posts the password; some people mistype it once or twice first.
func (v *viewer) signin(t int64, typos float64) int64 {
	api, r := v.w.s.api, v.r
	user := v.user
	v.user = ""
	if v.plat.class == classWeb {
		t = v.page(t, "/signin", 31000)
		t = v.think(t)
	}
	miss := 0
	if Chance(r, typos) {
		miss = 1 + Weighted(r, []float64{3, 1})
	}
	for range miss {
		v.send(t, hit{m: "POST", path: api + "/auth/signin", status: 401, body: int64(110 + r.IntN(60)), resp: 160, ms: LogNormal(r, 180, 0.3)})
		t += Sec(Uniform(r, 4, 20))
	}
	v.send(t, hit{m: "POST", path: api + "/auth/signin", status: 200, body: int64(110 + r.IntN(60)), resp: 1900, ms: LogNormal(r, 190, 0.3)})
	v.user = user
	v.tokenExp = t + Sec(Uniform(r, 900, 3600))
	return v.next(t)
}

// pick chooses a profile; a locked one asks for its PIN, which a few
// fingers get wrong once.
func (v *viewer) pick(t int64) int64 {
	api, r := v.w.s.api, v.r
	v.prof = Pick(r, v.hh.profiles)
	if v.prof.pin {
		if Chance(r, 0.1) {
			t = v.call(t, "POST", api+"/profiles/"+v.prof.id+"/pin", 403, 40, 90)
			t = v.think(t)
		}
		t = v.call(t, "POST", api+"/profiles/"+v.prof.id+"/pin", 204, 40, 0)
	}
	return v.call(t, "POST", api+"/profiles/"+v.prof.id+"/select", 200, 60, 700)
}

// home loads the home screen and the artwork of its first rows.
func (v *viewer) home(t int64) int64 {
	api, r := v.w.s.api, v.r
	path := api + "/home?profile=" + v.prof.id
	if v.prof.kids {
		path += "&mode=kids"
	}
	t = v.call(t, "GET", path, 200, 0, int64(30000+r.IntN(120000)))
	return v.artwork(t, 1+r.IntN(4))
}

func (v *viewer) artwork(t int64, n int) int64 {
	r := v.r
	size := map[int]string{classTV: "640x360", classConsole: "640x360", classStick: "640x360", classWeb: "480x270", classPhone: "342x192", classTablet: "480x270"}[v.plat.class]
	for range n {
		ti := v.w.cat.popular(r)
		// Artwork is public: the app's image loader fetches it without the
		// account's token.
		v.send(t, hit{m: "GET", path: fmt.Sprintf("/art/%d/%s.webp", ti.id, size), status: 200, resp: int64(9000 + r.IntN(50000)), media: true, ua: v.ua})
		t += Sec(Uniform(r, 0.01, 0.12))
	}
	return t
}

// browse scrolls a few rows and opens a title or two.
func (v *viewer) browse(t int64) int64 {
	api, r := v.w.s.api, v.r
	for range 1 + r.IntN(4) {
		t = v.think(t)
		row := Pick(r, v.w.cat.rows)
		t = v.call(t, "GET", fmt.Sprintf("%s/rows/%s?profile=%s&offset=%d", api, row, v.prof.id, 20*r.IntN(4)), 200, 0, int64(15000+r.IntN(50000)))
		t = v.artwork(t, r.IntN(4))
	}
	if Chance(r, 0.6) {
		t = v.think(t)
		t = v.details(t, v.w.cat.popular(r))
	}
	return t
}

// details opens a title's page and, for a series, a season.
func (v *viewer) details(t int64, ti *title) int64 {
	api, r := v.w.s.api, v.r
	if v.plat.class == classWeb {
		t = v.page(t, fmt.Sprintf("/title/%s-%d", ti.slug, ti.id), 80000)
	}
	t = v.call(t, "GET", fmt.Sprintf("%s/titles/%d?profile=%s", api, ti.id, v.prof.id), 200, 0, int64(6000+r.IntN(16000)))
	if ti.series {
		t = v.call(t, "GET", fmt.Sprintf("%s/titles/%d/seasons/%d", api, ti.id, 1+r.IntN(ti.seasons)), 200, 0, int64(5000+r.IntN(20000)))
	}
	if Chance(r, 0.06) {
		t = v.think(t)
		t = v.call(t, "PUT", fmt.Sprintf("%s/me/watchlist/%d", api, ti.id), 204, 30, 0)
	}
	return t
}

// choose ends the browsing before a play: most play from the home rows,
// some look the title up first.
func (v *viewer) choose(t *int64) *title {
	r := v.r
	ti := v.w.cat.popular(r)
	if v.prof.kids && !ti.kids && Chance(r, 0.7) {
		for range 20 {
			if ti = v.w.cat.popular(r); ti.kids {
				break
			}
		}
	}
	if Chance(r, 0.5) {
		*t = v.details(v.think(*t), ti)
	}
	*t = v.think(*t)
	return ti
}

// search types a query. The app asks as the person types (debounced), so
// one search is a run of growing prefixes; on a TV's on-screen keyboard
// every letter is slow enough to be sent.
func (v *viewer) search(t int64) int64 {
	api, r := v.w.s.api, v.r
	term := Pick(r, v.w.cat.terms)
	if len(term) > 4 && Chance(r, 0.1) {
		i := 1 + r.IntN(len(term)-2)
		term = term[:i] + term[i+1:] // a slip of the finger
	}
	key := 0.18
	if v.plat.class == classTV || v.plat.class == classStick || v.plat.class == classConsole {
		key = 0.9
	}
	for i := 2; i <= len(term); i++ {
		gap := LogNormal(r, key, 0.4)
		t += Sec(gap)
		if gap > 0.3 || i == len(term) {
			v.send(t, hit{m: "GET", path: fmt.Sprintf("%s/search?q=%s&profile=%s&limit=24", api, query(r, term[:i]), v.prof.id), status: 200, resp: int64(1500 + r.IntN(25000))})
		}
	}
	t = v.artwork(v.next(t), 1+r.IntN(4))
	if Chance(r, 0.6) {
		t = v.details(v.think(t), v.w.cat.popular(r))
	}
	return t
}

// account is the rare visit to settings: billing, a new card (declined
// now and then), a plan change, an avatar, a support ticket.
func (v *viewer) account(t int64) int64 {
	api, r := v.w.s.api, v.r
	t = v.call(t, "GET", api+"/account/subscription", 200, 0, 2200)
	switch r.IntN(5) {
	case 0, 1:
		t = v.call(v.think(t), "GET", api+"/billing/payment-methods", 200, 0, 900)
		if Chance(r, 0.15) {
			t = v.call(v.think(t), "POST", api+"/billing/payment-methods", 402, 420, 260)
			t += Sec(Uniform(r, 15, 60))
		}
		t = v.call(v.think(t), "POST", api+"/billing/payment-methods", 201, 420, 640)
	case 2:
		t = v.call(v.think(t), "PUT", api+"/account/subscription", 200, 90, 2100)
	case 3:
		t = v.call(v.think(t), "POST", api+"/profiles/"+v.prof.id+"/avatar", 201, int64(40000+r.IntN(350000)), 400)
	default:
		tid := fmt.Sprint(400000 + r.IntN(99999))
		t = v.call(v.think(t), "POST", api+"/support/tickets", 201, 1400, 500)
		if Chance(r, 0.5) {
			t = v.call(v.think(t), "POST", api+"/support/tickets/"+tid+"/attachments", 201, int64(90000+r.IntN(1500000)), 300)
		}
	}
	return t
}

// subscribe is a newcomer joining: an account, the plans, a card (some
// declined, tried again or given up) and the subscription.
func (v *viewer) subscribe(t int64) int64 {
	api, r := v.w.s.api, v.r
	user := v.user
	v.user = ""
	if v.plat.class == classWeb {
		t = v.page(t, "/signup", 36000)
	}
	v.send(t, hit{m: "POST", path: api + "/auth/signup", status: 201, body: int64(160 + r.IntN(80)), resp: 1900, ms: LogNormal(r, 220, 0.3)})
	v.user = user
	v.tokenExp = t + Sec(1800)
	t = v.call(v.think(t), "GET", api+"/billing/plans?country="+v.w.s.reg.country, 200, 0, 3400)
	for tries := 0; tries < 3; tries++ {
		t = v.think(t + Sec(Uniform(r, 10, 40)))
		if !Chance(r, 0.18) {
			t = v.call(t, "POST", api+"/billing/payment-methods", 201, 420, 640)
			return v.call(v.next(t), "POST", api+"/account/subscription", 201, 120, 2100)
		}
		t = v.call(t, "POST", api+"/billing/payment-methods", 402, 420, 260)
	}
	return t
}
