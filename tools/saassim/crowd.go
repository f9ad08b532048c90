package main

import (
	"math"
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// rush is the day's crowd. Either the working day starts: within a couple
// of minutes people all over the customers open their laptops, their
// sessions gone over the weekend and the bundle changed by Monday's
// deploy, and sign in through their company's single sign-on, most of
// them from an office address or a home line not seen yet today. Or one
// of the biggest customers announces something to the whole company (a
// reorganisation, an incident of its own) with a link to a document:
// within a minute or two thousands open it, from laptops and phones.
// Either way the services that start a session or serve documents slow
// down and shed part of the load with 503, retried by the apps, and the
// gateway's sign-in limits answer offices 429.
type rush struct {
	wave   bool
	at     int64 // when it peaks
	people int
	ten    *tenant // the customer that sends the announcement
	doc    int
}

// newRush draws the day's crowd: which kind, its peak, its size and,
// for an announcement, the customer and the document.
func (w *world) newRush(r *rand.Rand, clients int) *rush {
	ru := &rush{wave: Chance(r, 0.55), at: w.at(Uniform(r, 0.25, 0.6))}
	ru.people = int(float64(clients) * Uniform(r, 0.8, 1.3))
	if ru.wave {
		// They stay and work: fewer make as big a rush.
		ru.people = int(float64(clients) * Uniform(r, 0.55, 0.9))
	}
	ru.ten = w.s.tenants[r.IntN(3)]
	ru.doc = Pick(r, ru.ten.docs)
	return ru
}

// load is how much of the rush is on the backend at t, from 0 to 1.
func (w *world) load(t int64) float64 {
	at := w.rush.at
	switch {
	case t < at-Sec(60):
		return 0
	case t < at:
		return 1 - float64(at-t)/60e9
	case t < at+Sec(90):
		return 1
	}
	return math.Max(0, 1-float64(t-at-Sec(90))/180e9)
}

// crowd brings the rush's people.
func (w *world) crowd(r *rand.Rand) {
	ru := w.rush
	for range ru.people {
		pr := Sub(r)
		if !ru.wave {
			w.reader(pr, ru.at-Sec(30)+Sec(pr.ExpFloat64()*40))
			continue
		}
		// Arrivals pile up around the hour and thin out after it.
		arrive := ru.at + Sec((Uniform(pr, -1, 1)+Uniform(pr, -1, 0.8))*45)
		t := w.s.tenant(pr)
		if Chance(pr, 0.85) {
			w.browser(pr, t, arrive, false, true)
		} else {
			w.desktopApp(pr, t, arrive, false)
		}
	}
}

// reader is one of the announcing company's people opening the linked
// document: in the browser (signing in first if the session is gone) or
// in the phone app, then reading for a while, reacting, a few comment;
// some stay and go on working.
func (w *world) reader(r *rand.Rand, arrive int64) {
	s, ru := w.s, w.rush
	t := ru.ten
	var d *dev
	if Chance(r, 0.35) {
		d = w.newDev(r, w.phone(r, t, "mobile", arrive), arrive, mobile, s.mobileUA(r))
	} else {
		d = w.newDev(r, w.laptop(r, t, "web"), arrive, web, Pick(r, browserUAs))
	}
	d.ten, d.retries = t, 2
	user := s.user(r)
	id := itoa(ru.doc)
	if d.kind == web {
		page := "/w/" + t.slug + "/docs/" + id + "-" + strings.ToLower(Pick(r, []string{"all-hands", "company-update", "org-changes"}))
		d.shell(page)
		if Chance(r, 0.3) {
			if !d.signIn(user) {
				return
			}
			d.get(page, 200, 4, 30)
		} else {
			d.signedIn(user)
		}
		d.get("/api/v2/me", 200, 1.5, 25)
	} else {
		d.signedIn(user)
		d.expires = arrive + Sec(Uniform(r, -s.tokenTTL, s.tokenTTL))
	}
	d.pause(0.05, 0.3)
	d.read("/api/v2/docs/"+id, "DocPage", `{"id":"`+id+`"}`, 80, 120)
	d.pause(0.05, 0.3)
	d.get("/api/v2/docs/"+id+"/comments?limit=100", 200, 20, 60)
	leave := d.t + Sec(LogNormal(r, 240, 0.7))
	if d.kind == web {
		w.realtime(d, d.t, leave)
	}
	d.think(45)
	if Chance(r, 0.3) {
		d.post("/api/v2/docs/"+id+"/reactions", 201, 50, 0.2, 30)
	}
	if Chance(r, 0.08) {
		d.think(60)
		d.post("/api/v2/docs/"+id+"/comments", 201, 400, 1.5, 80)
	}
	switch {
	case d.kind == mobile && Chance(r, 0.3):
		d.think(20)
		d.task()
	case d.kind == web && Chance(r, 0.4):
		d.work(style(r), leave)
	}
}
