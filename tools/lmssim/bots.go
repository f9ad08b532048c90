package main

import (
	"math/rand/v2"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// captioning is the captioning service: it polls for lecture recordings
// without captions, downloads the source of some (hundreds of MB), and
// posts the finished captions back minutes later.
func (w *world) captioning(f *fixture, as []*actor) {
	for _, a := range as {
		r := a.r
		for t := -Sec(Uniform(r, 0, f.every)); t < w.W; t += Sec(f.every * Uniform(r, 0.9, 1.1)) {
			a.get(t, "/api/v2/media?caption_status=pending&per_page=20", 200, 9)
			if !Chance(r, 0.12) {
				continue
			}
			m := "/api/v2/media/" + strconv.Itoa(600000+r.IntN(90000))
			done := a.get(t+Sec(Uniform(r, 0.2, 2)), m+"/source", 200, LogUniform(r, 80, 900)*1024)
			done += Sec(Uniform(r, 30, 400))
			done = a.write(done, "POST", m+"/captions?format=vtt&lang=en", 201, LogUniform(r, 20, 200), 0.5)
			a.write(done, "PUT", m, 200, 0.3, 2)
		}
	}
}

// proctorBackend is the proctoring vendor's server: it pulls the exam's
// roster and settings as the exam opens and posts the flags its review
// raises while students write.
func (w *world) proctorBackend(f *fixture, as []*actor) {
	for _, a := range as {
		r := a.r
		for _, e := range []*exam{w.main, w.other} {
			if e == nil {
				continue
			}
			q := "/api/v2/quizzes/" + strconv.Itoa(e.quiz)
			t := e.at - Sec(Uniform(r, 60, 240))
			t = a.get(t, q+"/proctoring/settings", 200, 2)
			for p := range 2 + r.IntN(12) {
				t = a.get(t, q+"/proctoring/roster?page="+strconv.Itoa(p+1), 200, 40) + Sec(Uniform(r, 0.1, 0.8))
			}
			Poisson(r, f.rate/float64(len(as)), max(0, e.at), min(w.W, e.end+Sec(120)), func(t int64) {
				if Chance(r, 0.7) {
					a.write(t, "POST", q+"/proctoring/flags", 201, 1.5, 0.3)
				} else {
					a.get(t, q+"/proctoring/sessions?status=active&page="+strconv.Itoa(1+r.IntN(6)), 200, 30)
				}
			})
		}
	}
}

// calendarService is a calendar provider's importer: its few addresses
// poll thousands of subscribed feed URLs, personal ones and the course
// feeds students share.
func (w *world) calendarService(f *fixture, as []*actor) {
	for _, a := range as {
		r := a.r
		Poisson(r, f.rate/float64(len(as))*Uniform(r, 0.7, 1.3), 0, w.W, func(t int64) {
			p := Pick(r, w.s.feeds)
			if Chance(r, 0.7) {
				p = "/feeds/calendars/user_" + Hex(r, 16) + Hex(r, 16) + Hex(r, 8) + ".ics"
			}
			st := either(r, 0.05, 200, 404, 404, 410, 401)
			a.get(t, p, st, okKB(st, 45))
		})
	}
}

var subjects = []string{"chem", "math", "phys", "biol", "hist", "econ", "psyc", "comp", "ling", "stat", "engl", "mech", "nurs", "arch"}

// catalogPage is one of the public course catalog's pages.
func (w *world) catalogPage(r *rand.Rand) (string, int) {
	slug := Pick(r, subjects) + "-" + strconv.Itoa(100+r.IntN(400))
	switch x := r.Float64(); {
	case x < 0.1:
		return "/catalog", 200
	case x < 0.55:
		return "/catalog/courses/" + slug, either(r, 0.08, 200, 404, 301)
	case x < 0.7:
		return "/catalog/programs/" + Pick(r, subjects) + "-" + Pick(r, []string{"bsc", "ba", "msc", "minor"}), either(r, 0.05, 200, 301)
	case x < 0.82:
		return "/public/courses/" + w.s.course(r) + "/syllabus", either(r, 0.15, 200, 404)
	case x < 0.9:
		return "/catalog/search?q=" + Pick(r, subjects) + "&term=2027-" + Pick(r, []string{"spring", "summer", "fall"}), 200
	case x < 0.95:
		return "/sitemap-courses-" + strconv.Itoa(1+r.IntN(8)) + ".xml", 200
	}
	return "/courses/" + w.s.course(r), 302 // a private course behind sign-in
}

// crawler is a search engine's bot reading the public course catalog.
func (w *world) crawler(f *fixture, as []*actor) {
	for _, a := range as {
		r := a.r
		t := Sec(Uniform(r, 0, 120))
		a.get(t, "/robots.txt", 200, 0.6)
		Poisson(r, f.rate/float64(len(as))*Uniform(r, 0.5, 1.5), t, w.W, func(t int64) {
			p, st := w.catalogPage(r)
			a.get(t, p, st, okKB(st, 35))
		})
	}
}

// monitor is an uptime check: the health endpoint, and the sign-in page
// now and then, from each of its locations.
func (w *world) monitor(f *fixture, as []*actor) {
	for _, a := range as {
		r := a.r
		for t := -Sec(Uniform(r, 0, f.every)); t < w.W; t += Sec(f.every) + Sec(Uniform(r, -0.3, 0.3)) {
			a.get(t, "/health", 200, 0.05)
			if Chance(r, 0.3) {
				a.get(t+Sec(0.4), Pick(r, []string{"/sso/login", "/api/v2/status", "/"}), 200, 12)
			}
		}
	}
}
