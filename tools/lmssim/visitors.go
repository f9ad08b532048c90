package main

import (
	"math/rand/v2"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// visitors sends the day's occasional fetchers: calendar apps pulling a
// subscribed feed, and chat apps previewing links to course pages.
func (w *world) visitors() {
	r := Sub(w.r)
	for range int(float64(w.n) * Uniform(r, 0.8, 1.5)) {
		w.calendarApp(Sub(r))
	}
	for range 4 + w.n/120 {
		w.preview(Sub(r))
	}
}

// calendarApp is a calendar on a phone or laptop subscribed to a feed:
// it polls every 15 minutes to every hour, conditionally when it can. A
// token revoked since answers 404.
func (w *world) calendarApp(r *rand.Rand) {
	period := Pick(r, []float64{900, 1800, 3600, 3600, 3600})
	first := Uniform(r, 0, period)
	if first >= w.secs {
		return
	}
	c, _ := w.home(r, Chance(r, 0.4))
	if c.Profile != "mobile-cgnat" {
		c.Profile = "calendar-app"
	}
	ua := Pick(r, calendarUAs)
	a := w.actor(r, c, ua)
	a.hdr = int64(180 + len(ua) + r.IntN(200))
	feed := Pick(r, w.s.feeds)
	if Chance(r, 0.7) {
		feed = "/feeds/calendars/user_" + Hex(r, 16) + Hex(r, 16) + Hex(r, 8) + ".ics"
	}
	gone := Chance(r, 0.02)
	for t := first; t < w.secs; t += period {
		st := either(r, 0.45, 200, 304)
		if gone {
			st = 404
		}
		a.get(Sec(t), feed, st, okKB(st, 45))
	}
}

// preview is a chat app fetching a link someone pasted: a course page
// answers with the sign-in redirect, a catalog page with itself.
func (w *world) preview(r *rand.Rand) {
	p := Pick(r, previewers)
	c := w.l.Client(w.l.V4(r, p[1:]), KindNormal)
	c.Profile = "link-preview"
	a := w.actor(r, c, p[0])
	t := Sec(Uniform(r, 0, w.secs))
	path, st := w.catalogPage(r)
	if Chance(r, 0.6) {
		path, st = "/courses/"+w.s.course(r)+Pick(r, []string{"", "/assignments/" + strconv.Itoa(w.s.assignment+r.IntN(3000)), "/pages/exam-info", "/quizzes/" + strconv.Itoa(w.main.quiz)}), 302
	}
	t = a.get(t, path, st, okKB(st, 40))
	if st == 302 && Chance(r, 0.7) {
		a.get(t+step(r), "/login?return_to=%2F", 302, 0.3)
	}
	for range r.IntN(3) { // the same link in another chat
		a.get(t+Sec(Uniform(r, 5, 200)), path, st, okKB(st, 40))
	}
}
