package main

import (
	"fmt"
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// shields runs the CDN's shield nodes. They sit between the edges and the
// origin, so the origin sees them as a handful of fixed addresses with a
// key, fetching long runs of segments of the long tail (what the edges
// did not have), revalidating manifests, checking the origin's health, and
// on a match day pulling every new live segment of every rendition and
// reloading the live playlists. A node brought up today has a cold cache
// and misses far more.
func (w *world) shields(r *rand.Rand) {
	scale := max(0.3, float64(w.clients)/3000)
	for i, e := range w.fx.edges {
		rr := Sub(r)
		if !e.fresh && Chance(rr, 0.05) {
			continue // drained for maintenance today
		}
		a := &agent{w: w, r: rr, c: e.c, ua: e.ua, key: e.key, hdr: 380, bw: LogUniform(rr, 60000, 200000)}
		for t := Sec(Uniform(rr, 0, 10)); t < w.span; t += Sec(Uniform(rr, 9.5, 10.5)) {
			a.get(t, "/origin/health", 200, 21)
		}
		Poisson(rr, e.missRate*scale, 0, w.span, func(t int64) { a.fill(t) })
		if w.live != nil && (i%2 == 0 || e.fresh) {
			// Every other node is in the live tier.
			a.relay(w.live)
		}
	}
}

// fill is one cache miss: a title of the long tail, its manifest
// revalidated, then a run of segments fetched ahead of the viewer.
func (a *agent) fill(t int64) {
	w, r := a.w, a.r
	ti := w.cat.any(r)
	if !ti.released {
		a.get(t, fmt.Sprintf("/origin/vod/%s/hls/master.m3u8", asset(ti, 0, 0)), 404, 150)
		return
	}
	season, ep := 0, 0
	if ti.series {
		season, ep = 1+r.IntN(ti.seasons), 1+r.IntN(ti.episodes)
	}
	base := "/origin/vod/" + asset(ti, season, ep)
	rend := 1 + r.IntN(len(ladder)-1)
	if Chance(r, 0.3) {
		a.get(t, base+"/hls/master.m3u8", Pick(r, []int{200, 304, 304}), 2200)
		t += Sec(Uniform(r, 0.01, 0.05))
	}
	n := r.IntN(int(ti.minutes * 60 / w.s.vodSeg))
	for range 1 + r.IntN(8) {
		size := segBytes(r, ladder[rend].kbps, w.s.vodSeg)
		a.send(t, hit{m: "GET", path: fmt.Sprintf("%s/hls/%s/seg%d.m4s", base, ladder[rend].name, n), status: 200, resp: size, ms: LogNormal(r, 40, 0.5)})
		t += Sec(Uniform(r, 0.02, 0.3))
		n++
	}
}

// relay pulls the live stream through the shield: for each rendition,
// the playlist and the new segment it names, once a segment.
func (a *agent) relay(m *match) {
	w, r := a.w, a.r
	lag := Sec(Uniform(r, 0.1, 0.6))
	start := m.open + int64(max(0, -m.open)/Sec(m.seg))*Sec(m.seg)
	for t := start + lag; t < w.span; t += Sec(m.seg) {
		for k := 1; k <= m.top; k++ {
			rr := ladder[k].name
			at := t + Sec(Uniform(r, 0, 0.05))
			a.get(at, fmt.Sprintf("/origin/live/%s/%s/playlist.m3u8", m.id, rr), Pick(r, []int{200, 200, 304}), int64(700+r.IntN(400)))
			a.send(at+Sec(0.01), hit{m: "GET", path: fmt.Sprintf("/origin/live/%s/%s/%d.m4s", m.id, rr, m.seq(t)), status: 200, resp: segBytes(r, ladder[k].kbps, m.seg), ms: LogNormal(r, 25, 0.4)})
		}
	}
}
