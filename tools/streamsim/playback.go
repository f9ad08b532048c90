package main

import (
	"fmt"
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// rung is a step of the bitrate ladder every title is encoded in.
type rung struct {
	name string
	kbps float64
}

var ladder = []rung{{"240p", 300}, {"360p", 700}, {"540p", 1400}, {"720p", 2800}, {"1080p", 5200}, {"2160p", 14000}}

// segBytes is the size of a segment of secs seconds at kbps, which varies
// with the scene.
func segBytes(r *rand.Rand, kbps, secs float64) int64 {
	return int64(kbps * 125 * secs * Uniform(r, 0.7, 1.3))
}

var licensePaths = map[string]string{
	"widevine":  "/drm/widevine/license",
	"fairplay":  "/drm/fairplay/ckc",
	"playready": "/drm/playready/rightsmanager.asmx",
}

// license asks the DRM server for the content key: a challenge of a few
// kilobytes, a license back. FairPlay fetches the server certificate first.
func (a *agent) license(t int64, drm string) int64 {
	r := a.r
	if drm == "fairplay" {
		a.send(t, hit{m: "GET", path: "/drm/fairplay/cert", status: 200, resp: 1300})
		t += Sec(Uniform(r, 0.05, 0.2))
	}
	a.send(t, hit{m: "POST", path: licensePaths[drm], status: 200, body: int64(1800 + r.IntN(2400)), resp: int64(900 + r.IntN(2200)), ms: LogNormal(r, 45, 0.4)})
	return t + Sec(Uniform(r, 0.05, 0.3))
}

// watch plays an episode or a film from pos seconds in: the playback
// session, the license, the manifests, a quick burst of segments to fill
// the buffer and then one every segment length, with a heartbeat every
// half minute and a telemetry batch every minute or two. A resumed play
// was started before the window, so only its steady part is seen. People
// pause and seek; they stop when budget has passed, or let the next
// episode autoplay within it.
func (v *viewer) watch(t int64, ti *title, season, ep int, pos float64, resumed bool, stop, budget int64) int64 {
	w, r, api := v.w, v.r, v.w.s.api
	base := "/vod/" + asset(ti, season, ep)
	tok := ""
	if w.s.signed {
		tok = "?st=" + Hex(r, 16) + Hex(r, 6)
	}
	sid := Hex(r, 16)
	rend := max(0, v.rend-2)
	burst := 3 + r.IntN(3)
	if resumed {
		rend, burst = v.rend, 0
	} else {
		if Chance(r, 0.012) {
			// Too many streams on the account at once: the plan's limit.
			v.call(t, "POST", api+"/playback/sessions", 429, int64(200+r.IntN(120)), 310)
			return v.think(t)
		}
		t = v.call(t, "POST", api+"/playback/sessions", 201, int64(200+r.IntN(120)), int64(1400+r.IntN(600)))
		t = v.license(t, v.plat.drm)
		if v.plat.dash {
			v.send(t, hit{m: "GET", path: base + "/dash/manifest.mpd" + tok, status: 200, resp: int64(6000 + r.IntN(24000)), media: true})
		} else {
			v.send(t, hit{m: "GET", path: base + "/hls/master.m3u8" + tok, status: 200, resp: int64(1800 + r.IntN(2500)), media: true})
			t = v.next(t)
			v.send(t, hit{m: "GET", path: base + "/hls/" + ladder[rend].name + "/index.m3u8" + tok, status: 200, resp: int64(ti.minutes * 60 / v.seg * 58), media: true})
		}
		t = v.next(t)
		if Chance(r, 0.2) {
			v.send(t, hit{m: "GET", path: base + "/subs/" + Pick(r, []string{w.s.reg.language, "en", "es", "fr"}) + ".vtt" + tok, status: 200, resp: int64(30000 + r.IntN(60000)), media: true})
		}
	}
	last := int(ti.minutes * 60 / v.seg)
	n := int(pos / v.seg)
	quit := t + budget
	beat := t + Sec(Uniform(r, 1, v.beat))
	beacon := t + Sec(Uniform(r, 10, 90))
	for n <= last && t < stop && t < w.span && t < quit {
		for beat <= t {
			v.call(beat, "POST", fmt.Sprintf("%s/playback/sessions/%s/heartbeat", api, sid), 204, int64(150+r.IntN(80)), 0)
			beat += Sec(v.beat)
		}
		for beacon <= t {
			v.call(beacon, "POST", api+"/telemetry/events", 202, int64(900+r.IntN(5000)), 0)
			beacon += Sec(Uniform(r, 60, 120))
		}
		size := segBytes(r, ladder[rend].kbps, v.seg)
		var path string
		if v.plat.dash {
			path = fmt.Sprintf("%s/dash/v%d/%d.m4s%s", base, rend, n, tok)
			if n%2 == 0 {
				v.send(t+Sec(0.01), hit{m: "GET", path: fmt.Sprintf("%s/dash/a-%s/%d.m4s%s", base, w.s.reg.language, n/2, tok), status: 200, resp: segBytes(r, 128, 2*v.seg), media: true})
			}
		} else {
			path = fmt.Sprintf("%s/hls/%s/seg%d.m4s%s", base, ladder[rend].name, n, tok)
		}
		if Chance(r, 0.002) {
			// An origin hiccup: the player retries at once.
			v.send(t, hit{m: "GET", path: path, status: Pick(r, []int{404, 502, 503, 504}), resp: 180, media: true})
			t += Sec(Uniform(r, 0.3, 1.5))
		}
		v.send(t, hit{m: "GET", path: path, status: 200, resp: size, media: true})
		n++
		if burst > 0 {
			burst--
			t += Sec(float64(size)/v.bw/1000 + 0.03)
			continue
		}
		t += Sec(v.seg * Uniform(r, 0.96, 1.04))
		switch {
		case rend < v.rend && Chance(r, 0.35):
			rend++
		case rend > 0 && Chance(r, 0.01):
			rend--
		}
		per := v.seg / 60
		if Chance(r, per*0.05) {
			t += Sec(LogUniform(r, 10, 300)) // paused
		}
		if Chance(r, per*0.03) {
			// Seeks: thumbnails while scrubbing, then a fresh burst.
			for k := range 2 + r.IntN(5) {
				v.send(t, hit{m: "GET", path: fmt.Sprintf("%s/thumbs/%d.jpg%s", base, n/20+k, tok), status: 200, resp: int64(40000 + r.IntN(60000)), media: true})
				t += Sec(Uniform(r, 0.1, 0.6))
			}
			n = max(0, n+r.IntN(240)-80)
			burst = 2 + r.IntN(3)
		}
	}
	if t >= w.span {
		return t
	}
	t = v.call(t, "POST", fmt.Sprintf("%s/playback/sessions/%s/stop", api, sid), 204, 180, 0)
	if n > last && ti.series && ep < ti.episodes && t < stop && Chance(r, 0.7) {
		// Autoplay: the credits roll, the next episode starts.
		return v.watch(t+Sec(Uniform(r, 5, 15)), ti, season, ep+1, 0, false, stop, quit-t)
	}
	return t
}
