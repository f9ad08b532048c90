package main

import (
	"fmt"
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// studios runs the content partners. Each keeps its asset list in sync
// every minute or so and, a few times an hour, delivers a film or an
// episode: an upload opened, parts of its chunk size sent over a few
// parallel lanes at the studio's bandwidth (a part now and then fails and
// is sent again), the upload completed, metadata, artwork and captions
// attached, and the transcode polled until it is ready. A studio
// onboarding today first gets its key wrong and tries a small file.
func (w *world) studios(r *rand.Rand) {
	for _, p := range w.fx.partners {
		rr := Sub(r)
		a := &agent{w: w, r: rr, c: p.cs[0], ua: p.ua, key: p.key, hdr: 610}
		t := Sec(Uniform(rr, 0, 40))
		if p.fresh {
			t = w.at(Uniform(rr, 0, 0.3))
			for range 2 + rr.IntN(5) {
				a.send(t, hit{m: "GET", path: "/partner/v1/me", status: 401, resp: 120, key: "pk_test_" + Hex(rr, 16)})
				t += Sec(LogUniform(rr, 3, 60))
			}
			a.get(t, "/partner/v1/me", 200, 800)
		}
		for ; t < w.span; t += Sec(Uniform(rr, 45, 90)) {
			a.c = Pick(rr, p.cs)
			a.get(t, "/partner/v1/assets?status=processing&updated_since="+w.log.Start().Add(-24*60*60e9).Format("2006-01-02"), 200, int64(2000+rr.IntN(30000)))
		}
		Poisson(rr, p.jobs/3600, -Sec(1200), w.span, func(t int64) {
			a.c = Pick(rr, p.cs)
			a.deliver(t, p)
		})
	}
}

// deliver uploads one asset and follows it through ingest.
func (a *agent) deliver(t int64, p *partner) {
	w, r := a.w, a.r
	gb := LogUniform(r, 0.3, 6)
	if p.fresh {
		gb = LogUniform(r, 0.05, 0.3)
	}
	part := int64(p.partMB) << 20
	total := int64(gb * (1 << 30))
	parts := int((total + part - 1) / part)
	for parts > 1000 {
		part *= 2
		parts = int((total + part - 1) / part)
	}
	uid := Hex(r, 12)
	aid := fmt.Sprintf("as_%s", Hex(r, 10))
	a.send(t, hit{m: "POST", path: "/partner/v1/uploads", status: 201, body: 420, resp: 380})
	t += Sec(Uniform(r, 0.1, 0.5))
	lanes := make([]int64, p.lanes)
	for i := range lanes {
		lanes[i] = t + Sec(Uniform(r, 0, 0.3))
	}
	for n := 1; n <= parts; n++ {
		i := 0
		for j := range lanes {
			if lanes[j] < lanes[i] {
				i = j
			}
		}
		size := min(part, total-int64(n-1)*part)
		secs := float64(size) / (p.mbps * (1 << 20)) * Uniform(r, 0.8, 1.3)
		path := fmt.Sprintf("/partner/v1/uploads/%s/parts/%d", uid, n)
		if Chance(r, 0.01) {
			a.send(lanes[i], hit{m: "PUT", path: path, status: Pick(r, []int{408, 503, 500}), body: size / 3, resp: 150, ms: secs * 300})
			lanes[i] += Sec(secs/3 + Uniform(r, 1, 5))
		}
		a.send(lanes[i], hit{m: "PUT", path: path, status: 200, body: size, resp: 96, ms: secs * 1000})
		lanes[i] += Sec(secs + Uniform(r, 0.02, 0.2))
	}
	for _, l := range lanes {
		t = max(t, l)
	}
	a.send(t, hit{m: "POST", path: "/partner/v1/uploads/" + uid + "/complete", status: 202, body: int64(60 * parts), resp: 300, ms: LogNormal(r, 400, 0.5)})
	t += Sec(Uniform(r, 1, 5))
	a.send(t, hit{m: "PUT", path: "/partner/v1/assets/" + aid + "/metadata", status: 200, body: int64(4000 + r.IntN(16000)), resp: 500})
	for _, kind := range []string{"poster", "hero", "thumbnail", "logo"}[:1+r.IntN(4)] {
		t += Sec(Uniform(r, 0.5, 4))
		a.send(t, hit{m: "PUT", path: "/partner/v1/assets/" + aid + "/artwork/" + kind, status: 200, body: int64(LogUniform(r, 3e5, 12e6)), resp: 300, ms: LogNormal(r, 900, 0.6)})
	}
	for _, lang := range []string{"en", w.s.reg.language, "es", "fr"}[:r.IntN(4)] {
		t += Sec(Uniform(r, 0.5, 3))
		a.send(t, hit{m: "PUT", path: "/partner/v1/assets/" + aid + "/captions/" + lang + ".vtt", status: 200, body: int64(50000 + r.IntN(250000)), resp: 240})
	}
	ready := t + Sec(LogUniform(r, 180, 1500))
	for t += Sec(30); t < w.span; t += Sec(Uniform(r, 25, 35)) {
		a.get(t, "/partner/v1/assets/"+aid, 200, 1200)
		if t > ready {
			break
		}
	}
}

// syndicate runs the catalogue feeds: aggregators and TV guides that hold
// a key and walk the whole catalogue page by page, then ask for the
// availability of each title that changed, in id order.
func (w *world) syndicate(r *rand.Rand) {
	for _, f := range w.fx.feeds {
		rr := Sub(r)
		a := &agent{w: w, r: rr, c: f.c, ua: f.ua, key: f.key, hdr: 330}
		pages := (len(w.cat.titles) + 99) / 100
		t := Sec(Uniform(rr, 0, 60))
		for t < w.span {
			for p := 1; p <= pages && t < w.span; p++ {
				a.get(t, fmt.Sprintf("/feeds/v1/titles?country=%s&page=%d&per_page=100", w.s.reg.country, p), 200, int64(60000+rr.IntN(60000)))
				t += Sec(f.pace * Uniform(rr, 0.8, 1.2))
			}
			for i := 0; i < len(w.cat.titles) && t < w.span; i += 1 + rr.IntN(12) {
				ti := &w.cat.titles[i]
				a.get(t, fmt.Sprintf("/feeds/v1/titles/%d/availability?country=%s", ti.id, w.s.reg.country), 200, int64(700+rr.IntN(900)))
				t += Sec(f.pace / 2 * Uniform(rr, 0.7, 1.3))
			}
			t += Sec(Uniform(rr, 60, 300))
		}
	}
}
