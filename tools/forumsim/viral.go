package main

import (
	"math"
	"math/rand/v2"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// A viral is the day's thread that went viral: its link spreads through
// chat apps and social media from start, the crowd rising to a peak and
// then thinning out.
type viral struct {
	id    int
	start int64
	rise  float64 // seconds from start to the peak
	decay float64 // seconds for the crowd to thin to a third after the peak
	crowd int     // visitors it brings inside the window
}

func newViral(w *world, r *rand.Rand) *viral {
	v := &viral{
		id:    w.s.newest - r.IntN(300),
		rise:  Uniform(r, 60, 400),
		decay: Uniform(r, 300, 1500),
		crowd: int(float64(w.clients) * Uniform(r, 0.15, 0.5)),
	}
	// On a long window the thread still goes viral inside it, not hours
	// before the window opens.
	v.start = max(w.at(Uniform(r, -0.4, 0.4)), -Sec(v.rise+v.decay))
	return v
}

// arrival draws when one visitor of the crowd arrives, by rejection from
// the crowd's shape over the window.
func (v *viral) arrival(r *rand.Rand, win int64) int64 {
	for {
		t := int64(Uniform(r, float64(max(0, v.start)), float64(win)))
		x := float64(t-v.start) / 1e9
		shape := math.Exp(-(x - v.rise) / v.decay)
		if x < v.rise {
			shape = x / v.rise
		}
		if Chance(r, shape) {
			return t
		}
	}
}

// flashCrowd adds the viral thread's crowd, and the chat apps' preview
// fetchers unfurling its link over and over.
func (w *world) flashCrowd(r *rand.Rand) {
	v := w.viral
	if v == nil || v.start >= w.win {
		return
	}
	for range v.crowd {
		p := Sub(r)
		w.viralVisitor(p, v.arrival(p, w.win))
	}
	shares := float64(v.crowd) / (float64(w.win) / 1e9) * Uniform(r, 0.02, 0.08)
	for _, b := range w.s.previewers {
		w.previews(Sub(r), b, shares*Uniform(r, 0.3, 1.7)/float64(len(w.s.previewers)), v.id)
	}
}

// viralVisitor is one of the crowd: most on a phone, many in a chat app's
// own browser, landing on the thread from a shared link with its tracking
// parameters, reading the top comments, reloading for new ones (the
// impatient every few seconds), and mostly leaving again. Members among
// them vote on it and a few comment.
func (w *world) viralVisitor(r *rand.Rand, t int64) {
	phone := Chance(r, 0.75)
	a := w.seat(r, phone, "viral-reader", t)
	if phone && Chance(r, 0.4) {
		a.ua = Pick(r, inAppUAs)
	}
	v := &visit{agent: a, t: t, end: t + length(r), cold: Chance(r, 0.85)}
	if Chance(r, 0.2) {
		v.uid = w.s.user(r)
		v.user = name(v.uid)
		a.hdr *= 1.6
	}
	id := w.viral.id
	path := w.s.threadPath(id)
	comments := "/api/v1/threads/" + strconv.Itoa(id) + "/comments"
	land := path + Pick(r, []string{"?utm_source=share&utm_medium=web2x", "?utm_source=share", "?utm_source=twitter", "?share_id=" + Hex(r, 10), "", "?context=3"})
	v.page(getPage, land, 200, append(v.avatars(6), image(id, 0)))
	v.t += Sec(Uniform(r, 0.2, 0.9))
	v.get(getComms, comments+"?sort=top&limit=50", 200, v.avatars(5))
	if v.uid != 0 && Chance(r, 0.6) {
		v.pause(15)
		v.vote("threads", id)
	}
	gap, reloads, scroll := 45.0, r.IntN(3), 0.25
	if Chance(r, 0.15) {
		gap, reloads, scroll = 3, 5+r.IntN(30), 0
	}
	for range reloads {
		v.t += Sec(LogNormal(r, gap, 0.4))
		v.hit(v.t, getPage, path, mostly(r, 304, 0.45, 200))
		v.hit(v.later(0.15, 0.6), getComms, comments+"?sort="+Pick(r, []string{"top", "new", "new"})+"&limit=50", mostly(r, 304, 0.35, 200))
		if Chance(r, scroll) {
			v.pause(12)
			v.get(getComms, comments+"?sort=top&limit=50&cursor="+Hex(r, 12), 200, v.avatars(4))
		}
	}
	if v.uid != 0 && Chance(r, 0.1) {
		v.comment(id)
	}
	if Chance(r, 0.12) {
		v.pause(20)
		v.listing("")
	}
}
