package main

import (
	"fmt"
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// watchdogs runs the uptime monitors: every probe of a service checks on
// its period from its own address; the deeper ones also load a probe
// title's manifest and first segment, as a viewer would.
func (w *world) watchdogs(r *rand.Rand) {
	probe := "/vod/" + asset(&w.cat.titles[0], 0, 0) + "/hls"
	for _, m := range w.fx.monitors {
		rr := Sub(r)
		for _, c := range m.cs {
			a := &agent{w: w, r: rr, c: c, ua: m.ua, hdr: 180}
			for t := Sec(Uniform(rr, 0, m.period)); t < w.span; t += Sec(m.period + Uniform(rr, -0.5, 0.5)) {
				switch {
				case strings.HasPrefix(m.ua, "Prometheus"):
					a.get(t, "/healthz", 200, 15)
					a.get(t+Sec(0.05), "/readyz", 200, 15)
				case m.deep:
					a.get(t, w.s.api+"/status", 200, 420)
					a.get(t+Sec(0.3), probe+"/master.m3u8", 200, 2100)
					a.get(t+Sec(0.5), probe+"/720p/seg0.m4s", 200, segBytes(rr, 2800, w.s.vodSeg))
				default:
					a.get(t, "/", 200, int64(52000+rr.IntN(4000)))
				}
			}
		}
	}
}

// crawl runs the search-engine and link-preview crawlers over the public
// pages: titles, genres, cast, the live page, robots.txt and sitemaps.
// They meet old slugs (301) and deleted titles (404).
func (w *world) crawl(r *rand.Rand) {
	for _, cr := range w.fx.crawlers {
		rr := Sub(r)
		a := &agent{w: w, r: rr, c: cr.c, ua: cr.ua, hdr: 240, bw: 3000}
		preview := strings.HasPrefix(cr.ua, "facebook")
		Poisson(rr, cr.rate, 0, w.span, func(t int64) {
			ti := w.cat.any(rr)
			if preview {
				a.get(t, fmt.Sprintf("/title/%s-%d", ti.slug, ti.id), 200, int64(70000+rr.IntN(60000)))
				a.get(t+Sec(0.3), fmt.Sprintf("/art/%d/og-1200x630.jpg", ti.id), 200, int64(80000+rr.IntN(90000)))
				return
			}
			switch x := rr.Float64(); {
			case x < 0.55:
				a.get(t, fmt.Sprintf("/title/%s-%d", ti.slug, ti.id), 200, int64(70000+rr.IntN(60000)))
			case x < 0.6:
				a.get(t, fmt.Sprintf("/title/%s-%d", strings.TrimPrefix(ti.slug, "the-"), ti.id), 301, 0)
			case x < 0.63:
				a.get(t, fmt.Sprintf("/title/%s-%d", Pick(rr, nouns), w.cat.maxID+rr.IntN(5000)), 404, 9000)
			case x < 0.78:
				a.get(t, fmt.Sprintf("/genre/%s?page=%d", Pick(rr, w.cat.genres), 1+rr.IntN(12)), 200, int64(60000+rr.IntN(40000)))
			case x < 0.88:
				a.get(t, "/person/"+strings.ReplaceAll(Pick(rr, w.cat.people), " ", "-"), 200, int64(40000+rr.IntN(30000)))
			case x < 0.92:
				a.get(t, "/live", 200, 58000)
			case x < 0.95:
				a.get(t, "/robots.txt", 200, 640)
			default:
				a.get(t, fmt.Sprintf("/sitemaps/titles-%d.xml.gz", 1+rr.IntN(len(w.cat.titles)/500+1)), 200, int64(90000+rr.IntN(200000)))
			}
		})
	}
}
