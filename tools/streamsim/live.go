package main

import (
	"fmt"
	"math"
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// match is the day's live sports event: the stream goes on air with a
// pre-show, kick-off falls inside the window, and a flash crowd arrives.
type match struct {
	id   string
	slug string
	open int64 // the stream goes on air
	kick int64 // kick-off
	seg  float64
	top  int // highest rung on offer; the lowest is 1
	seq0 int // media sequence number at open
	fans int // devices that come for the match only
}

var teams = map[string][]string{
	"us":      {"harbor-city-hawks", "mesa-rattlers", "lakeshore-kings", "capital-foxes", "bay-mariners", "prairie-bison"},
	"de":      {"fc-rheinwald", "sv-nordhafen", "borussia-altstadt", "tsv-bergland", "union-elbtal", "vfl-moorbach"},
	"uk":      {"kingsbridge-united", "ashford-rovers", "millbrook-city", "northgate-albion", "riverside-athletic"},
	"br":      {"esporte-clube-serra", "atletico-litoral", "uniao-planalto", "gremio-vale", "nautico-baia"},
	"nordics": {"ik-fjordvik", "bk-skogen", "aik-hamnstad", "ifk-norrby", "ff-dalarna"},
}

// planMatch decides whether the day has a match and when it starts.
func planMatch(w *world, r *rand.Rand) *match {
	if !Chance(r, w.s.sports) {
		return nil
	}
	ts := append([]string(nil), teams[w.s.reg.name]...)
	r.Shuffle(len(ts), func(i, j int) { ts[i], ts[j] = ts[j], ts[i] })
	m := &match{
		id:   fmt.Sprintf("ev%d", 700000+r.IntN(99999)),
		slug: ts[0] + "-vs-" + ts[1],
		kick: w.at(Uniform(r, 0.3, 0.55)),
		seg:  w.s.liveSeg,
		seq0: 10000 + r.IntN(90000),
	}
	m.open = m.kick - Sec(Uniform(r, 900, 2400))
	m.top = 4
	if Chance(r, 0.5) {
		m.top = 5
	}
	// Shorter segments mean more requests a viewer; the crowd's load is
	// what the gateway's capacity was planned for, so it is smaller.
	m.fans = int(float64(w.clients) * Uniform(r, 0.1, 0.15) * min(1, m.seg/4))
	return m
}

// seq is the media sequence number of the newest segment at t.
func (m *match) seq(t int64) int { return m.seq0 + int(float64(t-m.open)/1e9/m.seg) }

// crowd brings the fans who come only for the match: most from addresses
// the platform has never seen (friends gathered at one flat, pubs, phones
// on the carrier's network, a few through VPNs), many signing in after a
// long time, some subscribing on the spot.
func (w *world) crowd(r *rand.Rand) []*viewer {
	m := w.live
	var fans []*viewer
	for len(fans) < m.fans {
		rr := Sub(r)
		h := newHousehold(rr, w.s)
		var c *Client
		mobile := false
		class := Weighted(rr, []float64{40, 8, 30, 5, 12, 5})
		switch x := rr.Float64(); {
		case x < 0.2:
			mobile, class = true, classPhone
			if Chance(rr, w.s.mobileNat) {
				c = Pick(rr, w.fx.mobile)
			} else {
				h.net6 = V6Net(rr, w.s.reg.mobile6)
			}
		case x < 0.3:
			h.net6 = V6Net(rr, w.s.reg.home6)
		case x < 0.34:
			c = w.log.Client(w.log.V4(rr, hosting), KindNormal)
			c.Profile = "vpn-viewer"
		case x < 0.4 && len(w.fx.venues) > 0:
			c = Pick(rr, w.fx.venues)
		default:
			c = w.log.Client(w.log.V4(rr, w.s.reg.home), KindNormal)
			c.Profile = "live-home"
		}
		h.addr = c
		n := 1
		if c != nil && c.Profile == "live-home" && Chance(rr, 0.25) {
			n = 2 // a party: the TV and a phone in the same flat
		}
		for range n {
			v := w.device(rr, h, pickPlatform(rr, class), c, mobile, nil)
			arrive := m.kick + Sec(rr.NormFloat64()*150-60)
			if Chance(rr, 0.15) {
				arrive = m.kick + Sec(Uniform(rr, 0, w.secs()))
			}
			arrive = max(arrive, m.open)
			if arrive >= w.span {
				continue
			}
			t := arrive
			switch x := rr.Float64(); {
			case x < 0.06:
				t = v.subscribe(t)
				t = v.launch(v.think(t), 0)
			default:
				t = v.launch(t, 0.3)
			}
			v.watchLive(v.think(t), m, w.span)
			fans = append(fans, v)
			class = Pick(rr, []int{classPhone, classTablet, classWeb})
		}
	}
	return fans
}

// watchLive follows the live edge. An HLS player reloads its rendition's
// playlist every segment and fetches the newest segment; a DASH player
// refreshes the manifest now and then and fetches video and audio. Every
// viewer pulls the same URLs at the same moments.
func (v *viewer) watchLive(t int64, m *match, stop int64) {
	w, r, api := v.w, v.r, v.w.s.api
	t = v.call(t, "GET", fmt.Sprintf("%s/live/events/%s", api, m.id), 200, 0, int64(4000+r.IntN(6000)))
	if v.plat.class == classWeb {
		t = v.page(t, "/live/"+m.slug, 61000)
	}
	t = v.call(v.think(t), "POST", api+"/playback/sessions", 201, int64(200+r.IntN(120)), int64(1400+r.IntN(600)))
	t = v.license(t, v.plat.drm)
	base := "/live/" + m.id
	tok := ""
	if w.s.signed {
		tok = "?st=" + Hex(r, 16) + Hex(r, 6)
	}
	top := max(1, min(v.rend, m.top))
	rend := min(top, 2)
	behind := 2 + r.IntN(3)
	if v.plat.dash {
		v.send(t, hit{m: "GET", path: base + "/manifest.mpd" + tok, status: 200, resp: int64(3000 + r.IntN(3000)), media: true})
	} else {
		v.send(t, hit{m: "GET", path: base + "/master.m3u8" + tok, status: 200, resp: int64(1200 + r.IntN(800)), media: true})
	}
	t = v.next(t)
	sid := Hex(r, 16)
	quit := t + Sec(LogNormal(r, 5400, 0.7))
	beat := t + Sec(Uniform(r, 1, v.beat))
	mpd := t + Sec(30)
	// Line the requests up with the packager's clock, as players do.
	phase := Sec(Uniform(r, 0, m.seg))
	t = m.open + int64(math.Ceil(float64(t-m.open)/float64(Sec(m.seg))))*Sec(m.seg) + phase
	for t < stop && t < w.span && t < quit {
		for beat <= t {
			v.call(beat, "POST", fmt.Sprintf("%s/playback/sessions/%s/heartbeat", api, sid), 204, int64(150+r.IntN(80)), 0)
			beat += Sec(v.beat)
		}
		seq := m.seq(t) - behind
		size := segBytes(r, ladder[rend].kbps, m.seg)
		if v.plat.dash {
			if mpd <= t {
				v.send(t, hit{m: "GET", path: base + "/manifest.mpd" + tok, status: 200, resp: int64(3000 + r.IntN(3000)), media: true})
				mpd += Sec(30)
			}
			v.send(t, hit{m: "GET", path: fmt.Sprintf("%s/dash/v%d/%d.m4s%s", base, rend, seq, tok), status: 200, resp: size, media: true})
			v.send(t+Sec(0.02), hit{m: "GET", path: fmt.Sprintf("%s/dash/a/%d.m4s%s", base, seq, tok), status: 200, resp: segBytes(r, 128, m.seg), media: true})
		} else {
			v.send(t, hit{m: "GET", path: fmt.Sprintf("%s/%s/playlist.m3u8%s", base, ladder[rend].name, tok), status: 200, resp: int64(700 + r.IntN(500)), media: true})
			v.send(t+Sec(Uniform(r, 0.02, 0.15)), hit{m: "GET", path: fmt.Sprintf("%s/%s/%d.m4s%s", base, ladder[rend].name, seq, tok), status: 200, resp: size, media: true})
		}
		t += Sec(m.seg * Uniform(r, 0.98, 1.02))
		switch {
		case rend < top && Chance(r, 0.3):
			rend++
		case rend > 1 && Chance(r, 0.015):
			rend--
		}
	}
	if t < w.span {
		v.call(t, "POST", fmt.Sprintf("%s/playback/sessions/%s/stop", api, sid), 204, 180, 0)
	}
}
