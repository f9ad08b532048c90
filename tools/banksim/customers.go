package main

import (
	"math/rand/v2"
	"slices"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// customers are the day's ordinary people: most open the app, some bank
// in a browser, and an accountant or two works through clients' books.
func (w *world) customers(r *rand.Rand, n int) {
	s := w.s
	for range n {
		pr := Sub(r)
		// Some were already in the app or signed in when the window opened.
		start := Sec(Uniform(pr, -240, float64(w.win)/1e9))
		if Chance(pr, s.webShare) {
			w.webCustomer(pr, start)
		} else {
			w.appCustomer(pr, start)
		}
	}
	for range Weighted(r, []float64{0.3, 0.5, 0.2}) {
		pr := Sub(r)
		w.accountant(pr, Sec(Uniform(pr, -300, 0.6*float64(w.win)/1e9)))
	}
}

// holdings draws a customer and the accounts they hold: a current
// account, often savings, sometimes a credit card.
func (w *world) holdings(r *rand.Rand) (string, []string) {
	user := w.s.customer(r)
	return user, accounts(user, 1+Weighted(r, []float64{0.45, 0.35, 0.2}))
}

// appCustomer is someone opening the app: most glance at the balance and
// the latest transactions and close it, others do a thing or two; some
// come back to it later.
func (w *world) appCustomer(r *rand.Rand, start int64) {
	ua, _ := w.s.appUA(r)
	if Chance(r, 0.01) {
		ua = "" // an old Android build whose HTTP stack sends none
	}
	v := w.newVisit(r, w.where(r, true, "app", start), start, true, ua)
	user, accs := w.holdings(r)
	for v.t < w.win {
		if !v.appStart(user) {
			return
		}
		v.overview(accs)
		for range Weighted(r, []float64{0.25, 0.3, 0.22, 0.13, 0.1}) {
			v.idle(10)
			v.task(accs)
			if Chance(r, 0.4) { // the app's screen views, in batches
				v.post(v.api+"/analytics/events", 202, LogNormal(r, 2500, 0.5), 0, 25)
			}
		}
		v.idle(6)
		v.post(v.api+"/analytics/events", 202, LogNormal(r, 2500, 0.5), 0, 25)
		if !Chance(r, 0.35) {
			return
		}
		v.t += Sec(LogNormal(r, 300, 0.6))
	}
}

// appStart is the app coming to the foreground: its configuration and
// feature flags, then a token refreshed after a face or fingerprint unlock
// (or, when the refresh token has expired or there is no biometric
// unlock, a password login). It reports whether the customer got in.
func (v *visit) appStart(user string) bool {
	s, r := v.w.s, v.r
	p := platform(v.ua)
	v.get(s.app+"/config?platform="+p+"&locale="+locale(s.region), 200, 3, 25)
	v.pause(0.05, 0.3)
	v.get(s.app+"/feature-flags?platform="+p, 200, 5, 30)
	if Chance(r, 0.2) { // the phone handed the app a new push token
		v.send("PUT", s.app+"/devices/current/push-token", 204, 220, 0, 40)
	}
	if Chance(r, s.bioShare) {
		v.pause(0.6, 2.5)
		if !Chance(r, 0.04) {
			v.post(s.app+"/auth/token", 200, 700, 1.6, 110)
			v.user = user
			return true
		}
		v.post(s.app+"/auth/token", 401, 700, 0.2, 60) // the refresh token has expired
	}
	v.user = ""
	return v.login(user)
}

func locale(reg *region) string {
	switch reg.country {
	case "GB":
		return "en-GB"
	case "DE":
		return "de-DE"
	case "ES":
		return "es-ES"
	}
	return "en-US"
}

// webCustomer is someone using web banking: the login page, the password
// and a second factor, the overview, a few things done with pauses in
// which the page keeps its session alive, and often a logout.
func (w *world) webCustomer(r *rand.Rand, start int64) {
	s := w.s
	phone := Chance(r, s.phoneWeb)
	v := w.newVisit(r, w.where(r, phone, "web", start), start, false, browser(r, phone))
	user, accs := w.holdings(r)
	if start < 0 && Chance(r, 0.5) {
		v.user = user // signed in before the window opened
		v.cached = true
	} else {
		if Chance(r, 0.3) { // from the bank's home page
			v.page("/", 60)
			v.think(5)
		}
		v.page(s.pages+"/login", 30)
		if !v.login(user) {
			return
		}
		v.page(s.pages+"/overview", 55)
	}
	v.overview(accs)
	for range 1 + Weighted(r, []float64{0.4, 0.3, 0.2, 0.1}) {
		v.idle(20)
		if Chance(r, 0.3) {
			v.page(s.pages+"/"+Pick(r, []string{"accounts", "payments", "cards", "statements", "settings"}), 40)
		}
		v.task(accs)
	}
	if Chance(r, 0.5) {
		v.idle(10)
		v.post(v.api+"/auth/logout", 204, 30, 0, 40)
		v.user = ""
		v.page(s.pages+"/logged-out", 12)
	}
}

// accountant is a bookkeeper at an office or at home, signing in to web
// banking as one client after another and downloading each one's
// statements and transaction exports.
func (w *world) accountant(r *rand.Rand, start int64) {
	s := w.s
	at := w.where(r, false, "accountant", start)
	v := w.newVisit(r, at, start, false, browser(r, false))
	for range 4 + r.IntN(8) {
		user, accs := w.holdings(r)
		v.page(s.pages+"/login", 30)
		if !v.login(user) {
			continue
		}
		v.overview(accs)
		for _, a := range accs {
			v.idle(8)
			v.get(v.api+"/accounts/"+a+"/statements?year=2026", 200, 2, 90)
			v.pause(2, 8)
			v.get(v.api+"/accounts/"+a+"/statements/2026-09.pdf", 200, LogUniform(r, 150, 700), 900)
			v.pause(3, 10)
			v.get(v.api+"/accounts/"+a+"/transactions/export?format=csv&from=2026-09-01&to=2026-09-30", 200, LogUniform(r, 15, 120), 1200)
		}
		v.idle(5)
		v.post(v.api+"/auth/logout", 204, 30, 0, 40)
		v.user = ""
		v.pause(5, 30)
	}
}

// pickN returns n distinct elements of xs in random order (n <= len(xs)).
func pickN[T any](r *rand.Rand, xs []T, n int) []T {
	out := slices.Clone(xs)
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out[:min(n, len(out))]
}
