package main

import (
	"fmt"
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// mirrorsRun replays the mirrors' replication, each mirror from a stream
// of its own.
func (w *world) mirrorsRun(r *rand.Rand) {
	for _, m := range w.fx.mirrors {
		m.replicate(w, Sub(r))
	}
}

// replicate follows the changes feed, revalidates or refetches the
// metadata of what changed and downloads its files: at a steady rate, with
// the mirror's own key, from the same address every day. The day's
// release is fetched as soon as it is out.
func (m *mirror) replicate(w *world, r *rand.Rand) {
	a := &agent{w: w, c: m.c, ua: m.ua, key: m.key}
	feed := 40_000_000 + r.IntN(9_000_000)
	cat := m.eco.cat
	Poisson(r, m.rate, 0, w.win, func(t int64) {
		p := cat.draw(r)
		x := r.Float64()
		var h hit
		switch {
		case p == w.rel.p && t > w.rel.t:
			h = a.fetch(r, m.eco.filePath(r, p, w.rel.version, 0), p, 400)
		case x < 0.06 && m.eco.name == "npm":
			feed += r.IntN(400)
			h = a.get(r, fmt.Sprintf("/_changes?since=%d&limit=500&include_docs=false", feed), 200, int64(Uniform(r, 20e3, 90e3)), 180)
		case x < 0.55:
			h = a.get(r, m.eco.metaPath(r, p), 304, 0, 8)
		case x < 0.75:
			h = a.get(r, m.eco.metaPath(r, p), 200, p.meta, 40)
		case x < 0.77:
			h = a.get(r, m.eco.metaPath(r, typo(r, p)), 404, 60, 8)
		default:
			h = a.fetch(r, m.eco.filePath(r, p, p.latest(), r.IntN(p.layers)), p, 400)
		}
		a.send(t, h)
	})
}

// partnersRun replays the recurring integrations, each at its own pace.
func (w *world) partnersRun(r *rand.Rand) {
	for _, p := range w.fx.partners {
		r := Sub(r)
		a := &agent{w: w, c: p.c, ua: p.ua, key: p.key}
		var round func(*rand.Rand, *agent, int64)
		switch p.kind {
		case "advisory-scanner":
			round = w.scanRound
		case "dashboard":
			round = w.dashboardRound
		case "crawler":
			round = w.crawlRound
		default:
			round = w.monitorRound
		}
		for t := w.at(r, 0, 0.05) - Sec(p.every); t < w.win; t += Sec(p.every * Uniform(r, 0.7, 1.3)) {
			round(r, a, t)
		}
	}
}

// scanRound is a security scanner checking one customer's lockfile against
// the advisories, in batches.
func (w *world) scanRound(r *rand.Rand, a *agent, t int64) {
	for range 1 + r.IntN(3) {
		h := a.upload(r, "POST", "/-/npm/v1/security/advisories/bulk", 200, int64(LogUniform(r, 10e3, 400e3)), 80)
		h.out = int64(LogUniform(r, 500, 120e3))
		t += a.send(t, h)
	}
}

// dashboardRound polls the download counts of the packages a dashboard
// follows.
func (w *world) dashboardRound(r *rand.Rand, a *agent, t int64) {
	cat := w.s.npm().cat
	for range 1 + r.IntN(6) {
		p := cat.top(r, 200)
		path := "/downloads/point/last-week/" + p.name
		if Chance(r, 0.4) {
			path = "/downloads/range/2027-06-01:2027-06-30/" + p.name
		}
		t += a.send(t, a.get(r, path, 200, int64(Uniform(r, 120, 4e3)), 25)) + Sec(0.2)
	}
}

// crawlRound fetches one page of the web UI as a search engine does:
// package pages, the odd gone page, robots.txt now and then.
func (w *world) crawlRound(r *rand.Rand, a *agent, t int64) {
	p := w.s.npm().cat.pkgs[r.IntN(len(w.s.npm().cat.pkgs))]
	switch x := r.Float64(); {
	case x < 0.01:
		a.send(t, a.get(r, "/robots.txt", 200, 310, 3))
	case x < 0.06:
		a.send(t, a.get(r, "/package/"+typo(r, p).name, 404, 9e3, 30))
	case x < 0.2:
		a.send(t, a.get(r, "/package/"+p.name+"/v/"+Pick(r, p.versions), 200, int64(LogUniform(r, 20e3, 150e3)), 90))
	default:
		a.send(t, a.get(r, "/package/"+p.name, 200, int64(LogUniform(r, 20e3, 150e3)), 80))
	}
}

// monitorRound checks that the registry answers: the ping endpoint, the
// home page, one package's metadata.
func (w *world) monitorRound(r *rand.Rand, a *agent, t int64) {
	switch r.IntN(3) {
	case 0:
		a.send(t, a.get(r, "/-/ping", 200, 2, 3))
	case 1:
		a.send(t, a.get(r, "/", 200, int64(Uniform(r, 40e3, 45e3)), 60))
	default:
		a.send(t, a.get(r, "/"+w.s.npm().cat.pkgs[0].name, 200, w.s.npm().cat.pkgs[0].meta, 30))
	}
}
