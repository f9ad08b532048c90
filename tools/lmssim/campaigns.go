package main

import (
	"math/rand/v2"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// campaigns adds the day's attacks from many addresses at once.
func (w *world) campaigns() {
	r := Sub(w.r)
	w.campaign(Sub(r), "stuffing", 0, 0.12, w.stuffer)
	if Chance(r, w.s.mix.again) {
		w.campaign(Sub(r), "stuffing", 0, 0.12, w.stuffer)
	}
	w.campaign(Sub(r), "ddos", 1, 0.5, w.ddosBot)
	w.campaign(Sub(r), "scraping", 2, 0.4, w.scraper)
	w.campaign(Sub(r), "codespray", 3, 0.3, w.sprayer)
}

// campaign registers its members, each on an address of its own (rented
// servers up to a share of hosting, the rest mostly home lines), and sends
// each one's part.
func (w *world) campaign(r *rand.Rand, kind string, size int, hosting float64, member func(a *actor)) {
	id := kind + "-" + Hex(r, 6)
	lo, hi := w.s.mix.size[size][0], w.s.mix.size[size][1]
	hosting = Uniform(r, 0, hosting)
	for range int(LogUniform(r, lo, hi)) {
		mr := Sub(r)
		c := w.l.Client(w.hostileIP(mr, hosting, 0.22, 0.15), kind)
		c.Campaign = id
		member(w.actor(mr, c, browserUA(mr)))
	}
}

// leaked is an account name from another site's breach: mostly mail
// addresses, some in this university's own form.
func (w *world) leaked(r *rand.Rand) string {
	if Chance(r, 0.3) {
		return w.s.username(r)
	}
	return Pick(r, givenNames) + Pick(r, []string{".", "_", ""}) + Pick(r, familyNames) + strconv.Itoa(r.IntN(100)) +
		Pick(r, []string{"@gmail.com", "@outlook.com", "@yahoo.com", "@hotmail.com", "@icloud.com", "@" + w.s.domain})
}

// stuffer is a residential proxy of a credential-stuffing run: one
// leaked pair every 10 to 90 s on the sign-in form, some after loading
// it, for as long as the proxy lasts. A pair that works is let through
// to the second factor.
func (w *world) stuffer(a *actor) {
	r := a.r
	on := Sec(Uniform(r, 0, 0.75) * w.secs)
	end := on + Sec(LogUniform(r, 60, 1200))
	gap, loads := Uniform(r, 10, 90), Chance(r, 0.4)
	for t := on; t < end && t < w.W; t += Sec(gap * Uniform(r, 0.6, 1.4)) {
		a.attack = false
		if loads {
			t = a.get(t, idpForm, 200, 16) + Sec(Uniform(r, 1, 4))
		}
		a.attack = true
		if Chance(r, 0.01) {
			a.login(t, w.leaked(r), idpForm, 302, 0.3)
			continue
		}
		a.login(t, w.leaked(r), idpForm, w.s.failStatus, 16)
	}
}

// ddosBot is a bot of the flood that meets the exam's opening: the quiz
// page, the front page, the sign-in page, some with a cache-busting
// parameter; the servers start failing under it.
func (w *world) ddosBot(a *actor) {
	r := a.r
	if Chance(r, 0.3) {
		a.ua = Pick(r, []string{"Mozilla/5.0", "Mozilla/5.0 (Windows NT 6.1; rv:45.0) Gecko/20100101 Firefox/45.0", "Go-http-client/1.1", ""})
	}
	on := max(0, w.main.at+Sec(Uniform(r, -20, 45)))
	end := on + Sec(Uniform(r, 60, 200))
	rate := LogUniform(r, 0.2, 2.5)
	targets := []string{w.main.page, "/", "/sso/login", "/dashboard"}[:1+r.IntN(4)]
	bust := Chance(r, 0.4)
	a.attack = true
	hit := func(t int64) {
		p := Pick(r, targets)
		st := 302 // to the sign-in, without a session
		if p == "/" || p == "/sso/login" {
			st = 200
		}
		if bust {
			p += "?_=" + strconv.FormatInt(w.l.Start().UnixMilli()+t/1e6, 10)
		}
		st = either(r, 0.06, st, 503, 504)
		a.get(t, p, st, okKB(st, 25))
	}
	hit(on)
	Poisson(r, rate, on, end, hit)
}

// scraper is one of many signed-in accounts reading the quiz and answer
// endpoints that a review setting left open: question pages with their
// answers, question bank items, attempt reviews. Most are served.
func (w *world) scraper(a *actor) {
	r := a.r
	w.signedIn(a)
	if Chance(r, 0.15) {
		a.ua = "python-requests/2.32.3"
	}
	on := Sec(Uniform(r, 0, 0.7) * w.secs)
	bank := "/api/v2/question_banks/" + strconv.Itoa(7000+r.IntN(60)) + "/questions/"
	quiz := Pick(r, []string{w.main.api, w.main.api, "/api/v2/quizzes/" + strconv.Itoa(10000+r.IntN(90000))}) // today's, or a past exam's
	w.attack(a, on, w.W, LogUniform(r, 0.05, 0.5), 0.5, func(t int64) {
		switch r.IntN(4) {
		case 0:
			a.get(t, quiz+"/questions?page="+strconv.Itoa(1+r.IntN(6))+"&include[]=answers", either(r, 0.1, 200, 403), 40)
		case 1:
			a.get(t, bank+strconv.Itoa(r.IntN(400))+"?include[]=correct_answers", either(r, 0.15, 200, 404, 403), 3)
		case 2:
			a.get(t, "/api/v2/quiz_attempts/"+w.examAttempt(r)+"/review", either(r, 0.25, 200, 403), 30)
		default:
			a.get(t, quiz+"/statistics?include[]=question_statistics", either(r, 0.2, 200, 403), 60)
		}
	})
}

// sprayer is one of many addresses trying access codes on the exam's
// entry as it opens, each with a throwaway account, every 15 to 60 s.
func (w *world) sprayer(a *actor) {
	r := a.r
	w.signedIn(a)
	on := max(0, min(w.W-Sec(10), w.main.at+Sec(Uniform(r, -60, 240))))
	gap := Uniform(r, 15, 60)
	e := w.main
	a.get(on-Sec(Uniform(r, 2, 10)), e.page, 200, 22)
	a.attack = true
	for t := on; t < w.W && t < on+Sec(LogUniform(r, 120, 900)); t += Sec(gap * Uniform(r, 0.7, 1.3)) {
		a.write(t, "POST", e.page+"/access", either(r, 0.002, 403, 302), 0.3, 20)
	}
}
