package main

import (
	"math/rand/v2"
	"net/url"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// loneAttackers adds the day's lone attackers, each kind once or twice in
// a window of a quarter of an hour and more often over a longer one.
func (w *world) loneAttackers(r *rand.Rand) {
	p := w.s.second
	for range 1 + int(w.minutes)/120 {
		Attacks(r,
			Attack{Run: w.flood, Second: p},
			Attack{Run: w.scan, Second: p},
			Attack{Run: w.bruteforce, Second: p},
			Attack{Run: w.injection, Second: p},
			Attack{Run: w.upload, Second: p},
			Attack{Run: w.enumeration, Second: p},
		)
	}
}

// attacker registers a lone attacker of kind. A disguised one sends a
// browser's user agent and headers, the others a tool's.
func (w *world) attacker(r *rand.Rand, kind string, disguised bool) *agent {
	c := w.l.Client(w.attackerIP(r), kind)
	a := w.newAgent(r, c, Pick(r, toolUAs), LogNormal(r, 220, 0.2))
	if disguised {
		a.ua, a.hdr = Pick(r, append(desktopUAs[:len(desktopUAs):len(desktopUAs)], phoneUAs...)), LogNormal(r, 700, 0.15)
	}
	a.bw = LogUniform(r, 2e6, 60e6)
	return a
}

// cover has a disguised attacker browse like a reader, or like member uid
// if it is not 0, from t until end: the ordinary pages its attack hides
// among. It is no part of the attack.
func (w *world) cover(a *agent, uid int, t, end int64) {
	a.attack = false
	v := &visit{agent: a, t: t, end: end, cold: true, uid: uid}
	v.browse()
}

// variant draws which variant of a lone attack of kind comes, by the
// site's mix.
func (w *world) variant(r *rand.Rand, kind string) int { return Weighted(r, w.s.variants[kind]) }

// insider registers a disguised attacker of kind signed in as a member:
// it browses as that member from a while before t0 until until, and is
// returned ready to attack from the same session.
func (w *world) insider(r *rand.Rand, kind string, t0, until int64) *agent {
	a := w.attacker(r, kind, true)
	uid := w.s.user(r)
	w.cover(a, uid, t0-Sec(Uniform(r, 20, 300)), until)
	a.user, a.attack = name(uid), true
	return a
}

// span draws an attack's onset and end.
func (w *world) span(r *rand.Rand, lo, hi float64) (int64, int64) {
	t0 := w.onset(r)
	return t0, t0 + Sec(Uniform(r, lo, hi))
}

// pace calls f at t0, then every 1/rate s (off by up to a share jit
// either way) until end.
func pace(r *rand.Rand, rate, jit float64, t0, end int64, f func(t int64)) {
	for t := t0; t < end; t += Sec(Uniform(r, 1-jit, 1+jit) / rate) {
		f(t)
	}
}

// flood sends far more requests than any reader: a script hammering a
// listing; a browser reloading a thread with cache-busting parameters; a
// signed-in member running expensive searches; a personal API token
// pulling the newest comments; a member's session rendering previews.
func (w *world) flood(r *rand.Rand) {
	s := w.s
	t0, end := w.span(r, 60, 420)
	switch w.variant(r, "flood") {
	case 0:
		a := w.attacker(r, "flood", false)
		a.attack = true
		rt, path := Pick(r, []route{getList, getFeed, getComms}), ""
		switch rt {
		case getList:
			path = Pick(r, []string{"/", "/c/" + s.board(r).name, "/?sort=new"})
		case getFeed:
			path = "/api/v1/feed?sort=hot&limit=25"
		default:
			path = "/api/v1/threads/" + strconv.Itoa(s.hotThread(r)) + "/comments?sort=top&limit=50"
		}
		pace(r, LogUniform(r, 8, 60), 0.9, t0, end, func(t int64) { a.hit(t, rt, path, 200) })
	case 1:
		a := w.attacker(r, "flood", true)
		path := s.threadPath(s.hotThread(r))
		pace(r, LogUniform(r, 3, 15), 0.7, t0, end, func(t int64) {
			a.attack = true
			a.hit(t, getPage, path+"?_="+strconv.FormatInt(w.l.Start().UnixMilli()+t/1e6, 10), 200)
		})
	case 2:
		a := w.insider(r, "flood", t0, end)
		pace(r, LogUniform(r, 1.5, 5), 0.8, t0, end, func(t int64) {
			q := url.QueryEscape(Pick(r, s.board(r).words) + " " + Pick(r, slugWords))
			a.hit(t, getSearch, "/search?q="+q+"&type=comments&sort=new&t=all", 200)
		})
	case 3:
		a := w.attacker(r, "flood", false)
		a.key, a.user, a.attack = "pk_"+Hex(r, 16)+Hex(r, 8), name(s.user(r)), true
		pace(r, LogUniform(r, 10, 40), 0.5, t0, end, func(t int64) {
			a.hit(t, getFeed, "/api/v1/comments?sort=new&limit=100", 200)
		})
	default:
		a := w.insider(r, "flood", t0, t0)
		pace(r, LogUniform(r, 4, 15), 0.6, t0, end, func(t int64) {
			a.hit(t, postRender, "/api/v1/markdown/preview", 200)
		})
	}
}

// scan looks for what the site does not link to: a tool's word list at
// speed; a browser that probes forum software's admin and API paths
// slowly between ordinary pages; a member's session guessing API routes.
func (w *world) scan(r *rand.Rand) {
	t0, end := w.span(r, 90, 500)
	switch w.variant(r, "scan") {
	case 0:
		a := w.attacker(r, "scan", false)
		a.ua = Pick(r, []string{"gobuster/3.6", "Fuzz Faster U Fool v2.1.0-dev", "Mozilla/5.0 (compatible; Nuclei - Open-source project (github.com/projectdiscovery/nuclei))", a.ua})
		a.attack = true
		words := append(append([]string{}, genericProbes...), forumProbes...)
		r.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
		i := 0
		pace(r, LogUniform(r, 4, 30), 0.8, t0, end, func(t int64) {
			path := probe(r)
			if i < len(words) {
				path = words[i]
			}
			i++
			a.hit(t, getJSON, path, probeStatus(path, false))
		})
	case 1:
		a := w.attacker(r, "scan", true)
		w.cover(a, 0, t0-Sec(Uniform(r, 10, 200)), end)
		a.attack = true
		pace(r, 1/Uniform(r, 3, 20), 0.8, t0, end, func(t int64) {
			path := Pick(r, forumProbes)
			if Chance(r, 0.3) {
				path = Pick(r, genericProbes)
			}
			a.hit(t, getPage, path, probeStatus(path, false))
		})
	default:
		a := w.insider(r, "scan", t0, t0+Sec(30))
		pace(r, LogUniform(r, 0.5, 4), 0.8, t0, end, func(t int64) {
			path := "/api/" + Pick(r, []string{"v1", "v1", "v2", "internal", "v0"}) + "/" + Pick(r, apiWords)
			if Chance(r, 0.4) {
				path += "/" + Pick(r, apiWords)
			}
			rt := Pick(r, []route{getJSON, getJSON, postSmall})
			status := probeStatus(path, true)
			if rt.method == "POST" && status == 404 && Chance(r, 0.3) {
				status = 405
			}
			a.hit(t, rt, path, status)
		})
	}
}

// bruteforce guesses one account's secret: its password fast until the
// account locks, or slowly from a browser that loads the sign-in page
// now and then; a stolen password's second factor, six digits at a time;
// a password-reset code; the apps' token endpoint with an app's key.
func (w *world) bruteforce(r *rand.Rand) {
	t0, end := w.span(r, 120, 600)
	switch w.variant(r, "bruteforce") {
	case 0:
		a := w.attacker(r, "bruteforce", Chance(r, 0.5))
		a.attack = true
		// the account locks for a quarter of an hour after some failures
		n, lock := 0, 10+r.IntN(20)
		pace(r, LogUniform(r, 0.4, 3), 0.6, t0, end, func(t int64) {
			n++
			status := 401
			if n > lock {
				status = 429
			}
			a.hit(t, postLogin, "/api/v1/auth/login", status)
		})
	case 1:
		a := w.attacker(r, "bruteforce", true)
		a.attack = true
		pace(r, 1/Uniform(r, 15, 70), 0.5, t0, end, func(t int64) {
			if Chance(r, 0.3) {
				a.attack = false
				a.hit(t-Sec(Uniform(r, 2, 6)), getForm, "/login", 200)
				a.attack = true
			}
			a.hit(t, postLogin, "/api/v1/auth/login", 401)
		})
	case 2:
		a := w.attacker(r, "bruteforce", Chance(r, 0.7))
		a.attack = true
		tries := 0
		pace(r, LogUniform(r, 0.5, 3), 0.5, t0, end, func(t int64) {
			if tries%5 == 0 {
				a.hit(t, postLogin, "/api/v1/auth/login", 200)
				t += Sec(Uniform(r, 0.3, 1.5))
			}
			tries++
			a.hit(t, postCode, "/api/v1/auth/2fa", 401)
		})
	case 3:
		a := w.attacker(r, "bruteforce", Chance(r, 0.5))
		a.attack = true
		pace(r, LogUniform(r, 0.5, 4), 0.6, t0, end, func(t int64) {
			a.hit(t, postCode, "/api/v1/auth/reset/confirm", mostly(r, 400, 0.5, 401))
		})
	default:
		a := w.attacker(r, "bruteforce", false)
		ap := apps[Weighted(r, appWeights)]
		a.ua, a.key, a.attack = ap.ua(r), ap.key, true
		pace(r, LogUniform(r, 0.3, 3), 0.7, t0, end, func(t int64) {
			a.hit(t, postToken, "/api/v1/oauth/token", 401)
		})
	}
}

// injection sends payloads where the site takes input: sqlmap-like runs
// over the search; query parameters of listings and the comments API;
// traversal in media paths; a signed-in member's searches spread between
// ordinary pages; internal addresses given to the link unfurler. The
// payloads go raw, URL-encoded once, or twice.
func (w *world) injection(r *rand.Rand) {
	s := w.s
	t0, end := w.span(r, 60, 500)
	all := append(append(append([]string{}, sqlPayloads...), xssPayloads...), templatePayloads...)
	enc := func(p string) string { return EncodeQuery(r, p, rawQuery, 0.15, 0.7) }
	switch w.variant(r, "injection") {
	case 0:
		a := w.attacker(r, "injection", Chance(r, 0.3))
		if Chance(r, 0.5) {
			a.ua = "sqlmap/1.8.4#stable (https://sqlmap.org)"
		}
		a.attack = true
		base := Pick(r, s.board(r).words)
		pace(r, LogUniform(r, 1, 6), 0.7, t0, end, func(t int64) {
			p := base + Pick(r, sqlPayloads)
			status := mostly(r, 200, 0.2, 500, 400, 500)
			a.hit(t, getSearch, "/search?q="+enc(p)+"&type=threads", status)
		})
	case 1:
		a := w.attacker(r, "injection", Chance(r, 0.5))
		a.attack = true
		pace(r, LogUniform(r, 0.5, 4), 0.7, t0, end, func(t int64) {
			p := enc(Pick(r, all))
			path := Pick(r, []string{
				"/c/" + s.board(r).name + "?sort=" + p,
				"/api/v1/feed?sort=hot&limit=25&after=" + p,
				"/api/v1/threads/" + strconv.Itoa(s.hotThread(r)) + "/comments?sort=best&cursor=" + p,
				"/api/v1/boards/" + s.board(r).name + "/threads?sort=new&t=" + p,
			})
			a.hit(t, getFeed, path, mostly(r, 400, 0.3, 200, 500))
		})
	case 2:
		a := w.attacker(r, "injection", false)
		a.attack = true
		pace(r, LogUniform(r, 1, 8), 0.6, t0, end, func(t int64) {
			a.hit(t, getImage, Pick(r, []string{"/media/i/", "/media/avatars/", "/static/"})+Pick(r, traversalPayloads), mostly(r, 404, 0.4, 400))
		})
	case 3:
		a := w.insider(r, "injection", t0, end)
		pace(r, 1/Uniform(r, 8, 40), 0.6, t0, end, func(t int64) {
			a.hit(t, getSearch, "/search?q="+enc(Pick(r, all))+"&type="+Pick(r, []string{"threads", "comments", "users"}), mostly(r, 200, 0.1, 500))
		})
	default:
		a := w.insider(r, "injection", t0, t0)
		pace(r, LogUniform(r, 0.2, 2), 0.7, t0, end, func(t int64) {
			a.hit(t, getJSON, "/api/v1/unfurl?url="+enc(Pick(r, ssrfTargets)), mostly(r, 422, 0.3, 400, 200))
		})
	}
}

// upload sends files far larger than pictures, a few a minute: images of
// 5-60 MB (the ones over the limit refused), avatars that must be small,
// videos just under the video limit (every one accepted), or now and
// then from a browser between ordinary pages.
func (w *world) upload(r *rand.Rand) {
	s := w.s
	t0, end := w.span(r, 120, 600)
	variant := w.variant(r, "upload")
	var a *agent
	if variant == 3 {
		a = w.insider(r, "upload", t0, end)
	} else {
		a = w.attacker(r, "upload", Chance(r, 0.5))
		a.user, a.attack = name(s.user(r)), true
	}
	pace(r, Uniform(r, 2, 6)/60, 0.5, t0, end, func(t int64) {
		switch variant {
		case 0, 3:
			size := int64(LogUniform(r, 5e6, 60e6))
			a.send(t, postUpload, "/api/v1/uploads?type=image", limited(size, s.imageLimit), size)
		case 1:
			a.send(t, postUpload, "/api/v1/me/avatar", 413, int64(LogUniform(r, 5e6, 50e6)))
		default:
			size := int64(Uniform(r, 0.6, 0.98) * float64(s.videoLimit))
			a.send(t, postUpload, "/api/v1/uploads?type=video", 201, size)
		}
	})
}

// limited is the answer to an upload of size against limit.
func limited(size, limit int64) int {
	if size > limit {
		return 413
	}
	return 201
}

// enumeration walks through ids or names: user profiles by id; private
// messages from a member's session (nearly all someone else's); removed
// comments; user names through the sign-up form's availability check;
// thread ids without their slugs.
func (w *world) enumeration(r *rand.Rand) {
	s := w.s
	t0, end := w.span(r, 90, 600)
	switch w.variant(r, "enumeration") {
	case 0:
		a := w.attacker(r, "enumeration", Chance(r, 0.3))
		a.attack = true
		id := s.user(r)
		pace(r, LogUniform(r, 1.5, 10), 0.5, t0, end, func(t int64) {
			id++
			a.hit(t, getJSON, "/api/v1/users/id/"+strconv.Itoa(id), mostly(r, 200, 0.15, 404))
		})
	case 1:
		a := w.insider(r, "enumeration", t0, t0+Sec(60))
		id := 80_000_000 + r.IntN(20_000_000)
		pace(r, LogUniform(r, 0.3, 2), 0.6, t0, end, func(t int64) {
			id += 1 + r.IntN(2)
			a.hit(t, getJSON, "/api/v1/messages/"+strconv.Itoa(id), mostly(r, 403, 0.15, 404, 404, 200))
		})
	case 2:
		a := w.attacker(r, "enumeration", Chance(r, 0.5))
		a.user, a.attack = name(s.user(r)), true
		pace(r, LogUniform(r, 1, 5), 0.7, t0, end, func(t int64) {
			a.hit(t, getJSON, "/api/v1/comments/"+strconv.Itoa(s.comment(r))+"?include=removed", mostly(r, 403, 0.4, 404, 410))
		})
	case 3:
		a := w.attacker(r, "enumeration", true)
		a.attack = true
		pace(r, LogUniform(r, 0.5, 4), 0.5, t0, end, func(t int64) {
			a.hit(t, getTiny, "/api/v1/auth/username-available?name="+url.QueryEscape(name(s.user(r))), 200)
		})
	default:
		a := w.attacker(r, "enumeration", true)
		a.attack = true
		id := s.oldThread(r)
		pace(r, LogUniform(r, 1, 6), 0.5, t0, end, func(t int64) {
			id++
			a.hit(t, getPage, "/t/"+strconv.Itoa(id), mostly(r, 301, 0.3, 404, 410, 403))
		})
	}
}
