package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// person is a member of the site's audience: who they are is fixed by the
// site, so that the same people (and their addresses) come back on other
// days.
type person struct {
	profile string // reader, subscriber, app, rss
	ip      string // home address, or "" for a phone on IPv6
	net6    string // the /64 of a phone on IPv6
	ua      string
	name    string
	key     string
	hdr     int
	width   int
}

// pool draws the site's audience; each day a subset of it visits.
func (w *world) pool(n int) []*person {
	s := w.site
	out := make([]*person, 0, n)
	for range n {
		p := &person{name: Pick(s, firstNames) + "." + Pick(s, lastNames) + strconv.Itoa(s.IntN(1000)), width: Pick(s, []int{480, 720, 720, 1200, 1600})}
		phone := p.width <= 720
		switch x := s.Float64(); {
		case x < w.mix[0]:
			p.profile, p.ua, p.hdr = "subscriber", browserUA(s), 800+s.IntN(900)
		case x < w.mix[1]:
			ios := s.IntN(2) == 0
			p.profile, p.ua, p.hdr, phone = "app", appUA(s, ios), 380+s.IntN(250), true
			p.key = w.appKeys[map[bool]int{true: 0, false: 1}[ios]]
		case x < w.mix[2]:
			p.profile, p.hdr = "rss", 250+s.IntN(300)
			p.ua = Pick(s, []string{"NetNewsWire (RSS Reader; https://netnewswire.com/)", "Mozilla/5.0 (compatible; Miniflux/2.2.6; +https://miniflux.app)", "FreshRSS/1.25.0 (Linux; https://freshrss.org)", "Reeder/5060.1 CFNetwork/1568.200.51 Darwin/24.1.0", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Thunderbird/128.6.0", "Tiny Tiny RSS/25.01 (https://tt-rss.org/)"})
		default:
			p.profile, p.ua, p.hdr = "reader", browserUA(s), 550+s.IntN(900)
		}
		switch {
		case phone && Chance(s, .35):
			p.net6 = V6Net(s, mobileV6)
		case Chance(s, .1):
			p.net6 = V6Net(s, homeV6)
		default:
			p.ip = w.log.V4(s, homeV4)
		}
		out = append(out, p)
	}
	return out
}

// arrival draws a session start in [-4 min, W) from a rate that rises
// through the morning (more on some days than others) and wobbles, by
// thinning.
func (w *world) arrival(r *rand.Rand, slope, amp, phase float64) int64 {
	lo, hi := -Sec(240), w.W
	for {
		t := lo + int64(r.Float64()*float64(hi-lo))
		x := float64(t) / float64(w.W)
		rate := 1 + slope*(x-.5) + amp*math.Sin(2*math.Pi*x*1.7+phase)
		if r.Float64()*(1+slope/2+amp) < rate {
			return t
		}
	}
}

// visit runs one day of a pool person through its client address (or
// addresses, for a phone rotating its IPv6 privacy address).
func (w *world) visit(p *person, start int64, crowd bool) {
	r := Sub(w.day)
	a := &actor{w: w, r: r, ua: p.ua, key: p.key, name: p.name, hdr: p.hdr, width: p.width, app: p.profile == "app"}
	rotate := false
	if p.ip != "" {
		a.c = w.log.Client(p.ip, KindNormal)
	} else {
		a.c = w.log.Client(w.log.V6In(r, p.net6), KindNormal)
		rotate = Chance(r, .5)
	}
	a.c.Profile = p.profile
	if rotate {
		a.c.Profile = p.profile + "-v6"
		rot := w.log.RotateV6(r, a.c, p.net6, start, 60, 400)
		a.onRotate = func(t int64) { a.c = rot(t) }
	}
	a.plan = p.profile == "subscriber" || a.app && a.chance(.3)
	if a.plan && a.chance(.7) {
		a.user, a.sub = p.name, true // a remembered session or an app token
	}
	switch {
	case p.profile == "rss":
		w.feedReader(a, start)
	case crowd: // came for the story, and leave once they know
		w.session(a, start, int(r.ExpFloat64()*1.5), true)
	default:
		for s := 0; s < 1+r.IntN(2) && start < w.W; s++ {
			start = w.session(a, start, 1+int(r.ExpFloat64()*4), false) + Sec(Uniform(r, 60, 600))
		}
	}
}

// session is one visit: a landing page, then a few more screens. It
// returns when the visit ends.
func (w *world) session(a *actor, t int64, screens int, crowd bool) int64 {
	r := a.r
	if a.app {
		a.send(t, "GET", "/app/v4/config?platform="+map[bool]string{true: "ios", false: "android"}[a.key == w.appKeys[0]], rApp, 200, 0)
		a.send(t+xhr(r), "GET", "/app/v4/home", rApp, 200, 0)
		t += xhr(r) * 2
	}
	switch {
	case crowd && w.spike.has(t) && a.chance(.35):
		t = w.followLive(a, t, w.lives[0], 100)
	case crowd && w.spike.has(t):
		t = w.read(a, t, Pick(r, w.breaking), a.chance(.4))
	case a.app:
		t = w.read(a, t, w.pick(r), false)
	case a.chance(.45): // from a search engine, straight to the article
		t = w.read(a, t, w.pick(r), false)
	case a.chance(.55): // a shared short link
		t = w.read(a, t, w.pick(r), true)
	default:
		a.send(t, "GET", w.front(r), rFront, 200, 0)
		t += xhr(r)
	}
	for i := 0; i < screens && t < w.W; i++ {
		t += think(r)
		if a.onRotate != nil {
			a.onRotate(t)
		}
		t = w.screen(a, t)
	}
	return t
}

// liveAt draws a live blog running at t, or returns 0 if none is: the
// story's own blog starts when it breaks.
func (w *world) liveAt(r *rand.Rand, t int64) int {
	switch {
	case t >= w.spike.a:
		return Pick(r, w.lives)
	case len(w.lives) > 1:
		return Pick(r, w.lives[1:])
	}
	return 0
}

// story draws what a reader opens next: once the story has broken, often
// one of its articles.
func (w *world) story(r *rand.Rand, t int64) *article {
	if t >= w.spike.a && Chance(r, .3) {
		return Pick(r, w.breaking)
	}
	return w.pick(r)
}

func (w *world) screen(a *actor, t int64) int64 {
	r := a.r
	switch x := r.Float64(); {
	case x < .5:
		return w.read(a, t, w.story(r, t), false)
	case x < .62:
		p := w.front(r)
		if a.app {
			p = "/app/v4" + map[bool]string{true: "/home", false: "/sections/" + Pick(r, w.sections)}[p == "/"]
		} else if Chance(r, .15) {
			p += "?page=" + strconv.Itoa(2+r.IntN(3))
		}
		a.send(t, "GET", p, map[bool]route{true: rApp, false: rFront}[a.app], 200, 0)
		return t + xhr(r)
	case x < .7:
		if live := w.liveAt(r, t); live != 0 {
			return w.followLive(a, t, live, 200)
		}
		return w.read(a, t, w.pick(r), false)
	case x < .77:
		return w.watch(a, t)
	case x < .86:
		return w.comments(a, t, w.story(r, t))
	case x < .92:
		term := Pick(r, queries)
		if a.app {
			a.send(t, "GET", "/app/v4/search?q="+q(term), rSearch, 200, 0)
		} else {
			a.send(t, "GET", "/search?q="+q(term)+map[bool]string{true: "&sort=newest", false: ""}[Chance(r, .3)], rSearch, 200, 0)
		}
		if Chance(r, .6) {
			return w.read(a, t+Sec(Uniform(r, 3, 15)), w.pick(r), false)
		}
		return t + xhr(r)
	case x < .95 && a.user == "" && (a.plan || a.chance(.3)):
		return w.signin(a, t)
	case x < .97 && !a.sub:
		return w.subscribe(a, t)
	default:
		a.send(t, "POST", map[bool]string{true: "/app/v4/newsletter", false: "/api/newsletter"}[a.app], rPost, 204, int64(Uniform(r, 110, 220)))
		return t + xhr(r)
	}
}

// read opens one article and what its page loads: the paywall meter for
// non-subscribers or the premium text for subscribers, the pictures as
// the reader scrolls, the comment count and related stories. A shared short link first
// redirects to the canonical path.
func (w *world) read(a *actor, t int64, art *article, short bool) int64 {
	r := a.r
	rc := rArticle
	if art.premium && !a.sub {
		rc = rTeaser
	}
	if a.app {
		a.send(t, "GET", "/app/v4/articles/"+strconv.Itoa(art.id), rApp, 200, 0)
	} else {
		path := art.path
		if short {
			a.send(t, "GET", "/a/"+strconv.Itoa(art.id), rJSON, 301, 0)
			t += Sec(Uniform(r, .05, .3))
			path += "?utm_source=" + Pick(r, []string{"facebook", "x", "whatsapp", "bluesky", "reddit", "newsletter"}) + "&utm_medium=social"
		}
		st := 200
		if !short && a.chance(.05) {
			st = 304 // back to a page still in the cache
		}
		if a.chance(.006) {
			st = 404 // an unpublished piece, still linked from somewhere
		}
		if a.send(t, "GET", path, rc, st, 0) == 404 {
			return t + xhr(r)
		}
		t += xhr(r)
		switch {
		case !a.sub:
			a.send(t, "GET", "/api/meter?a="+strconv.Itoa(art.id), rJSON, 200, 0)
		case art.premium:
			a.send(t, "GET", "/api/article/"+strconv.Itoa(art.id)+"/body", rJSON, 200, 0)
		}
	}
	for k := 1; k <= art.images; k++ {
		t += Sec(Uniform(r, .1, 4))
		a.send(t, "GET", image(art, k, a.width), rImage, 200, 0)
	}
	if a.chance(.6) {
		a.send(t+xhr(r), "GET", "/api/comments/"+strconv.Itoa(art.id)+"/count", rJSON, 200, 0)
	}
	if a.chance(.7) { // the "more on this" rail at the end of the piece
		a.send(t+xhr(r), "GET", "/api/related?a="+strconv.Itoa(art.id)+"&n=6", rJSON, 200, 0)
	}
	if art.video != 0 && a.chance(.25) {
		return w.play(a, t+Sec(Uniform(r, 2, 20)), art.video)
	}
	return t + xhr(r)
}

// followLive keeps a live blog open for about stay seconds: the page asks
// for new posts every few seconds, and much less often when the tab is in
// the background and the browser throttles its timers.
func (w *world) followLive(a *actor, t int64, live int, stay float64) int64 {
	r := a.r
	id := strconv.Itoa(live)
	poll, base := "/api/live/"+id+"/updates?since=", "/live/"+id
	if a.app {
		poll, base = "/app/v4/live/"+id+"/updates?since=", "/app/v4/live/"+id
	}
	a.send(t, "GET", base, map[bool]route{true: rApp, false: rArticle}[a.app], 200, 0)
	every := w.livePoll * Uniform(r, .95, 1.05)
	if a.app {
		every = math.Max(every, 20)
	}
	end := t + Sec(math.Min(900, LogNormal(r, stay, .8)))
	hot := live == w.lives[0]
	for last := t; t < end && t < w.W; {
		t += Sec(every * Uniform(r, .97, 1.08))
		if !a.app && a.chance(.04) {
			t += Sec(Uniform(r, 30, 60)) // a background tab
		}
		st := 304
		if a.chance(map[bool]float64{true: .7, false: .25}[hot && w.spike.has(t)]) {
			st = 200
		}
		a.send(t, "GET", poll+w.clock(last), rLive, st, 0)
		last = t
	}
	return t
}

// watch finds a video and plays it.
func (w *world) watch(a *actor, t int64) int64 {
	for range 20 {
		if art := w.pick(a.r); art.video != 0 {
			a.send(t, "GET", "/watch/"+strconv.Itoa(art.video), rFront, 200, 0)
			return w.play(a, t+xhr(a.r), art.video)
		}
	}
	return t
}

// play streams a video: the playlist, a few segments at once to fill the
// buffer, then one segment per segment length until the viewer stops,
// sometimes seeking. A muted autoplay often stops after a few segments.
func (w *world) play(a *actor, t int64, video int) int64 {
	r := a.r
	base := "/video/" + strconv.Itoa(video)
	a.send(t, "GET", base+"/index.m3u8", rPlaylist, 200, 0)
	n, length := 0, math.Min(720, LogNormal(r, 110, 1))
	if a.chance(.35) {
		length = Uniform(r, 4, 20)
	}
	end := t + Sec(length)
	for i := 0; t < end && t < w.W; i++ {
		if i < 3 {
			t += Sec(Uniform(r, .05, .4))
		} else {
			t += Sec(w.segSec * Uniform(r, .85, 1.12))
		}
		if a.chance(.02) {
			n += 5 + r.IntN(40) // a seek
			a.send(t, "GET", base+"/index.m3u8", rPlaylist, 200, 0)
		}
		a.send(t, "GET", fmt.Sprintf("%s/seg-%d.ts", base, n), rSegment, 200, 0)
		n++
	}
	return t
}

// comments reads the discussion under an article; signed-in readers
// sometimes write, now and then with a photo. The moderation filter holds
// a few comments back.
func (w *world) comments(a *actor, t int64, art *article) int64 {
	r := a.r
	id := strconv.Itoa(art.id)
	a.send(t, "GET", "/api/comments/"+id+"?page=1&sort="+Pick(r, []string{"newest", "oldest", "top"}), rComments, 200, 0)
	for pg := 2; a.chance(.3) && pg < 6; pg++ {
		t += Sec(Uniform(r, 5, 40))
		a.send(t, "GET", fmt.Sprintf("/api/comments/%s?page=%d", id, pg), rComments, 200, 0)
	}
	if a.user != "" && a.chance(.3) {
		t += Sec(Uniform(r, 20, 120)) // typing
		if a.chance(.06) {
			a.send(t-Sec(Uniform(r, 3, 15)), "POST", "/api/comments/"+id+"/attachments", rUpload, 201, int64(LogUniform(r, 2e5, 8e6)))
		}
		st := 201
		if a.chance(.04) {
			st = 403
		}
		a.send(t, "POST", "/api/comments/"+id, rPost, st, int64(LogUniform(r, 150, 2500)))
	}
	return t + xhr(r)
}

// signin: a subscriber whose session expired signs in; some mistype their
// password once or twice.
func (w *world) signin(a *actor, t int64) int64 {
	r := a.r
	path := "/account/signin"
	if a.app {
		path = "/app/v4/auth/token"
	} else {
		a.send(t, "GET", path, rFront, 200, 0)
		t += Sec(Uniform(r, 4, 25))
	}
	for range 3 {
		st := 200
		if a.chance(.12) {
			st = 401
		}
		a.send(t, "POST", path, rSignin, st, int64(Uniform(r, 90, 170)))
		t += Sec(Uniform(r, .3, 1))
		if st == 200 {
			a.user, a.sub = a.name, a.plan
			return t
		}
		t += Sec(Uniform(r, 5, 25))
	}
	return t
}

// subscribe: a reader who met the paywall buys a plan; some cards are
// declined and tried again.
func (w *world) subscribe(a *actor, t int64) int64 {
	r := a.r
	plan := Pick(r, []string{"digital-monthly", "digital-annual", "weekend-print", "student"})
	a.send(t, "GET", "/subscribe?plan="+plan+"&ref=paywall", rFront, 200, 0)
	if a.chance(.6) {
		return t + xhr(r) // only looking at the prices
	}
	t += Sec(Uniform(r, 30, 120)) // account details and the card
	for range 2 {
		st := 201
		if a.chance(.07) {
			st = 402
		}
		if a.send(t, "POST", "/api/subscribe", rPay, st, int64(Uniform(r, 500, 1100))) < 400 {
			a.user, a.sub, a.plan = a.name, true, true
			a.send(t+Sec(1), "GET", "/account/welcome", rFront, 200, 0)
			return t + Sec(1)
		}
		t += Sec(Uniform(r, 20, 70))
	}
	return t
}

// feedReader: a feed reader or a self-hosted aggregator polling a few
// section feeds every few minutes, asking whether they changed.
func (w *world) feedReader(a *actor, t int64) {
	r := a.r
	feeds := []string{"/feeds/all.xml"}
	for range r.IntN(4) {
		feeds = append(feeds, "/feeds/"+Pick(r, w.sections)+".xml")
	}
	every := Uniform(r, 180, 1800)
	for t = max(t, 0) + Sec(Uniform(r, 0, every)); t < w.W; t += Sec(every * Uniform(r, .95, 1.05)) {
		for _, f := range feeds {
			a.send(t, "GET", f, rFeed, Pick(r, []int{200, 304, 304}), 0)
			t += Sec(Uniform(r, .1, 1))
		}
	}
}
