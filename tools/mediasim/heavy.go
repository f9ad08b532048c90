package main

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// heavyClient registers a legitimate client much busier than a person.
func (w *world) heavyClient(ip, profile string, r *rand.Rand, ua, key string, hdr int) *actor {
	c := w.log.Client(ip, KindNormal)
	c.Heavy, c.Profile = true, profile
	return &actor{w: w, c: c, r: r, ua: ua, key: key, hdr: hdr, width: 1200, sub: true}
}

// recurring: heavy clients the site has every day. Their identities come
// from the site generator, their behaviour from the day's.
func (w *world) recurring() {
	s, d := w.site, w.day
	// A search engine's crawler recrawls the archive evenly and the news
	// sitemap often; most old pages come back unchanged.
	for i := range 2 + s.IntN(2) {
		ua := "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
		if i%2 == 1 {
			ua = "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.204 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
		}
		a := w.heavyClient(w.log.V4(s, []string{"66.249.64.", "66.249.66.", "66.249.79."}), "crawler", Sub(d), ua, "", 300)
		Poisson(a.r, Uniform(d, 1.5, 5), 0, w.W, func(t int64) { w.crawl(a, t) })
	}
	// Link previews: a social network fetches every page its users share,
	// and the breaking story is shared a lot.
	for range 2 {
		a := w.heavyClient(w.log.V4(s, []string{"69.171.", "173.252.", "31.13."}), "preview", Sub(d), "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "", 220)
		Poisson(a.r, Uniform(d, .6, 2.4), 0, w.W, func(t int64) {
			switch {
			case w.spike.has(t) && a.chance(.6):
				a.send(t, "GET", Pick(a.r, w.breaking).path, rArticle, 200, 0)
			case a.chance(.25): // as thinned, the usual rate outside the spike
				art := w.pick(a.r)
				a.send(t, "GET", "/a/"+strconv.Itoa(art.id), rJSON, 301, 0)
				a.send(t+Sec(.1), "GET", art.path, rArticle, 200, 0)
			}
		})
	}
	// Partners' aggregators page through what changed, then fetch each
	// new or updated article in full.
	for _, ua := range []string{"Headlinr-Ingest/4.2 (+https://headlinr.example/publishers)", "PressPool-Fetcher/1.8 (Java/21.0.5)"} {
		a := w.heavyClient(w.log.V4(s, cloudV4), "aggregator", Sub(d), ua, "pk_"+Hex(s, 16), 260)
		every := Uniform(a.r, 30, 90)
		for t := Sec(Uniform(a.r, 0, every)); t < w.W; t += Sec(every * Uniform(a.r, .95, 1.05)) {
			since := w.log.Start().Add(time.Duration(t) - 10*time.Minute).Format("2006-01-02T15:04:05Z")
			for pg := 1; pg <= 1+a.r.IntN(3); pg++ {
				a.send(t, "GET", fmt.Sprintf("/api/v1/articles?updated_since=%s&page=%d&limit=50", since, pg), rPartner, 200, 0)
				t += Sec(Uniform(a.r, .2, .6))
			}
			for range 3 + a.r.IntN(18) {
				a.send(t, "GET", "/api/v1/articles/"+strconv.Itoa(w.story(a.r, t).id), rPartner, 200, 0)
				t += Sec(Uniform(a.r, .05, .3))
			}
		}
	}
	// A feed service fetches every section's feed for its many users.
	feedly := w.heavyClient(w.log.V4(s, []string{"52.4.", "54.236."}), "feeds", Sub(d), "Feedly/1.0 (+http://www.feedly.com/fetcher.html; "+strconv.Itoa(2000+s.IntN(30000))+" subscribers)", "", 210)
	every := Uniform(d, 120, 300)
	for t := Sec(Uniform(d, 0, every)); t < w.W; t += Sec(every) {
		feedly.send(t, "GET", "/feeds/all.xml", rFeed, Pick(feedly.r, []int{200, 304}), 0)
		for i, sec := range w.sections {
			feedly.send(t+Sec(float64(i+1)*Uniform(feedly.r, .2, .8)), "GET", "/feeds/"+sec+".xml", rFeed, Pick(feedly.r, []int{200, 304, 304}), 0)
		}
	}
	// Uptime checks from three regions.
	for range 3 {
		m := w.heavyClient(w.log.V4(s, []string{"159.89.", "139.59.", "165.227."}), "monitor", Sub(d), "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)", "", 160)
		every := Pick(s, []float64{10, 15, 30})
		for t := Sec(Uniform(m.r, 0, every)); t < w.W; t += Sec(every) {
			m.send(t, "GET", "/healthz", rHealth, 200, 0)
			m.send(t+Sec(.2), "GET", "/", rFront, 200, 0)
		}
	}
	// The cache warmer refreshes the home page, the fronts and the most
	// read articles in a burst every half minute or so.
	warm := w.heavyClient(w.log.V4(s, []string{"10.20.", "10.31."}), "cachewarmer", Sub(d), "meridian-cache-warmer/2.3 (+ops)", "", 180)
	top := 15 + s.IntN(20)
	for t := Sec(Uniform(warm.r, 0, 40)); t < w.W; t += Sec(Uniform(warm.r, 28, 45)) {
		paths := []string{"/"}
		for _, sec := range w.sections {
			paths = append(paths, "/news/"+sec)
		}
		for _, art := range w.articles[:top] {
			paths = append(paths, art.path)
		}
		if t >= w.spike.a {
			for _, art := range w.breaking {
				paths = append(paths, art.path)
			}
		}
		for i, p := range paths {
			warm.send(t+Sec(float64(i)*Uniform(warm.r, .05, .15)), "GET", p, rArticle, 200, 0)
		}
	}
	w.newsroom()
}

// crawl is one fetch of a search engine's crawler.
func (w *world) crawl(a *actor, t int64) {
	r := a.r
	switch x := r.Float64(); {
	case x < .02:
		a.send(t, "GET", "/robots.txt", rJSON, 200, 0)
	case x < .1:
		a.send(t, "GET", Pick(r, []string{"/sitemap-news.xml", "/sitemap-news.xml", "/sitemap-index.xml", "/sitemap-" + strings.Replace(w.any(r).ym, "/", "-", 1) + ".xml"}), rSitemap, Pick(r, []int{200, 200, 304}), 0)
	case x < .2:
		a.send(t, "GET", w.front(r)+"?page="+strconv.Itoa(1+r.IntN(30)), rFront, 200, 0)
	case x < .3 && t >= w.spike.a:
		a.send(t, "GET", Pick(r, w.breaking).path, rArticle, 200, 0)
	default:
		st := Pick(r, []int{200, 200, 200, 304})
		if a.chance(.015) {
			st = 404
		}
		art := w.any(r)
		a.send(t, "GET", art.path, map[bool]route{true: rTeaser, false: rArticle}[art.premium && a.chance(.5)], st, 0)
	}
}

// newsroom: the office, where editors work behind one address, and the
// journalists out reporting, each from their own connection.
func (w *world) newsroom() {
	s, d := w.site, w.day
	office := w.log.Client(w.log.V4(s, []string{"194.72.", "193.113."}), KindNormal)
	office.Heavy, office.Profile = true, "newsroom"
	for range 6 + s.IntN(12) {
		a := &actor{w: w, c: office, r: Sub(d), ua: browserUA(s), name: Pick(s, firstNames) + "@meridian", hdr: 1100, width: 1600, sub: true}
		a.user = a.name
		w.edit(a, Sec(Uniform(a.r, -60, 200)), a.chance(.3))
	}
	type reporter struct{ ip, ua, name string }
	var staff []reporter
	for range 15 + s.IntN(20) {
		staff = append(staff, reporter{w.log.V4(s, homeV4), browserUA(s), Pick(s, firstNames) + "." + Pick(s, lastNames) + "@meridian"})
	}
	for _, i := range d.Perm(len(staff))[:2+d.IntN(5)] {
		p, r := staff[i], Sub(d)
		a := &actor{w: w, c: w.log.Client(p.ip, KindNormal), r: r, ua: p.ua, name: p.name, user: p.name, hdr: 900, width: 1200, sub: true}
		a.c.Profile = "journalist"
		w.edit(a, Sec(Uniform(r, -60, 400)), true)
	}
}

// edit: a journalist or editor in the contributor portal. The editor
// autosaves the open draft every half minute; now and then a picture or a
// clip goes up; during the spike someone posts to the live blog.
func (w *world) edit(a *actor, t int64, uploads bool) {
	r := a.r
	draft := w.maxID + 100 + r.IntN(300)
	a.send(t, "GET", "/contrib/drafts", rCMS, 200, 0)
	nextUpload := t + Sec(LogUniform(r, 60, 2400))
	for t += Sec(Uniform(r, 5, 30)); t < w.W; t += Sec(Uniform(r, 28, 34)) {
		switch {
		case uploads && t >= nextUpload:
			body := int64(LogNormal(r, 18, 1.1) * (1 << 20))
			body = min(max(body, 2<<20), 200<<20)
			a.send(t, "POST", "/contrib/uploads", rUpload, 201, body)
			nextUpload = t + Sec(LogUniform(r, 300, 2400))
		case w.spike.has(t) && a.chance(.3):
			a.send(t, "POST", "/contrib/live/"+strconv.Itoa(w.lives[0])+"/posts", rCMS, 201, int64(Uniform(r, 400, 3000)))
		case a.chance(.1):
			draft = w.maxID + 100 + r.IntN(300)
			a.send(t, "GET", "/contrib/articles/"+strconv.Itoa(draft)+"/edit", rCMS, 200, 0)
		case a.chance(.05):
			a.send(t, "GET", "/preview/"+strconv.Itoa(draft), rArticle, 200, 0)
		default:
			a.send(t, "PUT", "/contrib/articles/"+strconv.Itoa(draft)+"/autosave", rCMS, 204, int64(LogUniform(r, 2000, 40000)))
		}
	}
}

// carrierNAT: mobile carriers put many subscribers behind one public IPv4
// address; each such address carries dozens of phones at once, app and
// browser, with as many user agents.
func (w *world) carrierNAT() {
	s, d := w.site, w.day
	var ips []string
	for range 5 {
		ips = append(ips, w.log.V4(s, carrierV4))
	}
	for _, i := range d.Perm(len(ips))[:2+d.IntN(3)] {
		c := w.log.Client(ips[i], KindNormal)
		c.Heavy, c.Profile = true, "cgnat"
		for range 30 + d.IntN(70) {
			r := Sub(d)
			a := &actor{w: w, c: c, r: r, app: Chance(r, .5), name: Pick(r, firstNames) + "." + Pick(r, lastNames) + strconv.Itoa(r.IntN(1000)), hdr: 400 + r.IntN(500), width: Pick(r, []int{480, 720})}
			if a.app {
				ios := Chance(r, .5)
				a.ua, a.key = appUA(r, ios), w.appKeys[map[bool]int{true: 0, false: 1}[ios]]
			} else {
				a.ua = browserUA(r)
			}
			if Chance(r, .2) {
				a.user, a.sub = a.name, true
			}
			start := w.arrival(r, 0, 0, 0)
			w.session(a, start, 1+int(r.ExpFloat64()*3), w.spike.has(start))
		}
	}
}

// newcomers: heavy legitimate clients that appear on this day only (their
// identities come from the day): a new partner backfilling the archive
// through the API, a new crawler of a legitimate company, or both.
func (w *world) newcomers() {
	d := w.day
	for _, k := range d.Perm(2)[:1+d.IntN(2)] {
		r := Sub(d)
		a0 := Sec(Uniform(r, 0, .5) * float64(w.W) / 1e9)
		if k == 0 {
			a := w.heavyClient(w.log.V4(d, cloudV4), "new-partner", r, Pick(r, []string{"Briefwire-Sync/0.9", "python-httpx/0.28.1", "Go-http-client/2.0"}), "pk_"+Hex(d, 16), 260)
			pg := 1
			Poisson(r, Uniform(r, 1.5, 6), a0, a0+Sec(Uniform(r, 240, 600)), func(t int64) {
				a.send(t, "GET", fmt.Sprintf("/api/v1/articles?page=%d&limit=100&order=published", pg), rPartner, 200, 0)
				pg++
			})
			continue
		}
		a := w.heavyClient(w.log.V4(d, hostV4), "new-crawler", r, "Mozilla/5.0 (compatible; Sitelens-Bot/1.2; +https://sitelens.example/bot)", "", 280)
		Poisson(r, Uniform(r, 1, 4), a0, w.W, func(t int64) { w.crawl(a, t) })
	}
}
