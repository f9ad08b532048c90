package main

import (
	"math/rand/v2"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// moderator is a member on duty for some boards: besides reading like any
// member, they work through the queues in bulk, which means bursts of
// removals and many 403 and 404 answers on content another moderator or
// its author removed first.
func (w *world) moderator(r *rand.Rand) {
	start := w.at(Uniform(r, -0.3, 0.5))
	// a moderator works from their own line or phone, not a shared one
	ip, ua := w.homeIP(r), Pick(r, desktopUAs)
	if Chance(r, 0.25) {
		ip, ua = w.l.V6In(r, w.phoneNet(r)), Pick(r, phoneUAs)
	}
	a := w.newAgent(r, w.fresh(ip, "moderator", false), ua, LogNormal(r, 1000, 0.15))
	v := &visit{agent: a, t: start, end: start + Sec(Uniform(r, 600, 2400)), cold: Chance(r, 0.2), uid: w.s.user(r), mod: true}
	w.busy = append(w.busy, a.c)
	v.listen()
	v.browse()
}

// moderate is one round of queue work.
func (v *visit) moderate() {
	s := v.w.s
	b := s.board(v.r).name
	v.page(getPage, "/mod/queue?board="+b, 200, nil)
	v.t += Sec(Uniform(v.r, 0.2, 0.6))
	v.hit(v.t, getFeed, "/api/v1/mod/queue?board="+b+"&type="+Pick(v.r, []string{"reported", "spam", "new"})+"&limit=50", 200)
	v.pause(15)
	switch v.r.IntN(5) {
	case 0, 1:
		// select many, remove them all: the tool fires one request each
		what := Pick(v.r, []string{"comments", "threads"})
		for range 10 + v.r.IntN(70) {
			v.t += Sec(Uniform(v.r, 0.08, 0.6))
			id := s.comment(v.r)
			if what == "threads" {
				id = s.hotThread(v.r)
			}
			status := mostly(v.r, 200, 0.26, 404, 404, 404, 403, 403)
			v.hit(v.t, postMod, "/api/v1/mod/"+what+"/"+strconv.Itoa(id)+"/remove", status)
		}
	case 2:
		// look through what was removed, much of it gone for good
		for range 5 + v.r.IntN(20) {
			v.t += Sec(Uniform(v.r, 1.5, 9))
			status := mostly(v.r, 200, 0.57, 404, 404, 410, 403)
			v.hit(v.t, getJSON, "/api/v1/comments/"+strconv.Itoa(s.comment(v.r))+"?include=removed", status)
		}
	case 3:
		// a spammer: their history, a ban, their threads deleted
		n := name(s.user(v.r))
		v.hit(v.t, getComms, "/api/v1/users/"+n+"/comments?include=removed&limit=100", 200)
		v.pause(20)
		v.hit(v.t, postMod, "/api/v1/boards/"+b+"/bans", 201)
		for range 2 + v.r.IntN(12) {
			v.t += Sec(Uniform(v.r, 0.2, 1.5))
			v.hit(v.t, deleteItem, "/api/v1/threads/"+strconv.Itoa(s.hotThread(v.r)), Pick(v.r, []int{204, 204, 204, 404}))
		}
	default:
		for i := range 1 + v.r.IntN(3) {
			v.hit(v.t, getFeed, "/api/v1/mod/log?board="+b+"&limit=100&page="+strconv.Itoa(i+1), 200)
			v.pause(10)
		}
		for range v.r.IntN(8) {
			v.t += Sec(Uniform(v.r, 0.5, 4))
			v.hit(v.t, postMod, "/api/v1/mod/comments/"+strconv.Itoa(s.comment(v.r))+"/approve", Pick(v.r, []int{200, 200, 200, 404}))
		}
	}
}
