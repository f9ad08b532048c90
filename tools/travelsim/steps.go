package main

import (
	"fmt"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// A step is one state of a traveller: it sends what the traveller does
// there and returns the next state (nil when they leave) and the seconds
// until they take it.
type step func(tv *traveller, w *world, now int64) (step, float64)

// ok reports whether a step's request went through, and clears the
// count of refusals when it did.
func (tv *traveller) ok(status int) bool {
	if refused(status) {
		return false
	}
	tv.tries = 0
	return true
}

// arrive is the first request: the app's configuration (and a signed-in
// member's token refresh), or the page a link or a typed address brought
// a browser to, with the bundle when its cache is cold.
func arrive(tv *traveller, w *world, now int64) (step, float64) {
	sky, r := w.sky, tv.r
	if tv.dev.app {
		cfg := fmt.Sprintf("%s/app/config?platform=%s&version=%s&locale=%s", sky.api, channel(true, tv.dev.ios), tv.dev.version, sky.home.lang)
		if st := tv.say(w, now, get(r, cfg, clsPage, kb(r, 4), ms(r, 35))); !tv.ok(st) {
			return tv.again(arrive, st)
		}
		if tv.user != "" {
			tv.say(w, now+Sec(Uniform(r, 0.1, 0.4)), post(r, "POST", sky.api+"/auth/refresh", clsAccount, 200, 700, 900, ms(r, 60)))
			tv.also(w, now+Sec(0.5), 0.9, get(r, sky.api+"/me/trips?upcoming=true", clsAccount, kb(r, 6), ms(r, 120)))
		}
		tv.also(w, now+Sec(0.4), 0.8, get(r, fmt.Sprintf("%s/offers?market=%s&placement=app-home", sky.api, sky.home.country), clsPage, kb(r, 10), ms(r, 40)),
			get(r, sky.api+"/app/messages?unread=true", clsPage, 420, ms(r, 25)))
		return tv.first(), tv.think(3)
	}
	page := tv.entry
	if page == "" {
		page = sky.landing(r, tv.goal, tv.trip)
	}
	if st := tv.say(w, now, get(r, page, clsPage, kb(r, 70), ms(r, 80))); !tv.ok(st) {
		return tv.again(arrive, st)
	}
	if tv.cold {
		for i, h := range sky.assets(r) {
			tv.say(w, now+Sec(0.08+0.05*float64(i)), h)
		}
		tv.cold = false
	}
	tv.also(w, now+Sec(0.3), 0.85, get(r, sky.api+"/session", clsPage, 650, ms(r, 30)),
		get(r, fmt.Sprintf("/i18n/%s.json", sky.home.lang), clsStatic, kb(r, 24), ms(r, 10)),
		get(r, sky.api+"/consent", clsPage, 900, ms(r, 15)), get(r, sky.api+"/geo", clsPage, 300, ms(r, 8)))
	tv.also(w, now+Sec(0.6), 0.5, get(r, fmt.Sprintf("%s/offers?market=%s&placement=home", sky.api, sky.home.country), clsPage, kb(r, 12), ms(r, 40)))
	return tv.first(), tv.think(4)
}

// first is the step a traveller's goal starts with.
func (tv *traveller) first() step {
	switch tv.goal {
	case goalBrowse:
		return nil
	case goalManage, goalCheckin:
		return lookup
	case goalStatus:
		if tv.count == 0 {
			tv.count = 3 + int(LogNormal(tv.r, 6, 0.6))
		}
		return watch
	case goalMember:
		if tv.user != "" {
			return account
		}
		return login
	case goalRebook:
		return lookup
	}
	if tv.entry != "" && Chance(tv.r, 0.6) {
		return calendar // a sale's link shows fares first
	}
	return suggest
}

// suggest is the airport box suggesting as the traveller types a city.
func suggest(tv *traveller, w *world, now int64) (step, float64) {
	r := tv.r
	tv.count++
	q := strings.ToLower(tv.trip.out.to[:min(tv.count, 3)])
	p := fmt.Sprintf("%s/airports?q=%s&locale=%s", w.sky.api, q, w.sky.home.lang)
	if st := tv.say(w, now, get(r, p, clsPage, kb(r, 2), ms(r, 20))); !tv.ok(st) {
		return tv.again(suggest, st)
	}
	if tv.count < 1+r.IntN(3) {
		return suggest, Uniform(r, 0.2, 0.7)
	}
	tv.count = 0
	return search, tv.think(4)
}

// search asks for availability on the trip.
func search(tv *traveller, w *world, now int64) (step, float64) {
	r := tv.r
	promo := ""
	if tv.entry != "" && Chance(r, 0.5) {
		promo = strings.ToUpper(Hex(r, 6))
	}
	p := w.sky.searchPath(w, tv.trip, channel(tv.dev.app, tv.dev.ios), promo)
	st := tv.say(w, now, get(r, p, clsSearch, kb(r, 90), ms(r, 1400)))
	if !tv.ok(st) {
		return tv.again(search, st)
	}
	if st == 499 {
		if Chance(r, 0.5) {
			return nil, 0
		}
		return search, Uniform(r, 2, 10)
	}
	tv.sid, tv.page = Hex(r, 12), 1
	sky, t := w.sky, tv.trip
	for range 1 + r.IntN(3) { // the engine answers in parts; the page polls for the rest
		now += Sec(Uniform(r, 0.4, 1.2))
		tv.say(w, now, get(r, fmt.Sprintf("%s/flights/search/%s/progress", sky.api, tv.sid), clsPage, kb(r, 18), ms(r, 35)))
	}
	tv.also(w, now+Sec(0.2), 0.8, get(r, fmt.Sprintf("%s/flights/search/%s/filters", sky.api, tv.sid), clsPage, kb(r, 3), ms(r, 40)),
		get(r, fmt.Sprintf("%s/fares/insights?origin=%s&destination=%s&month=%s", sky.api, t.out.from, t.out.to, w.date(t.depart)[:7]), clsPage, kb(r, 2), ms(r, 90)))
	tv.also(w, now+Sec(0.5), 0.4, get(r, fmt.Sprintf("%s/offers?market=%s&placement=results", sky.api, sky.home.country), clsPage, kb(r, 8), ms(r, 40)))
	return tv.look(w), tv.think(9)
}

// look is what a traveller does after a search: compare more, or decide.
func (tv *traveller) look(w *world) step {
	r := tv.r
	tv.left--
	if tv.left <= 0 {
		switch {
		case tv.goal == goalBook:
			return cart
		case tv.goal == goalAlert || Chance(r, 0.05):
			return alert
		}
		return nil
	}
	if tv.sid == "" {
		return search
	}
	switch Weighted(r, []float64{5, 2, 1.5, 2, 1, 4}) {
	case 0:
		return results
	case 1:
		return calendar
	case 2:
		return seatmap
	case 3:
		tv.trip.depart += r.IntN(7) - 3
		tv.trip.depart = max(tv.trip.depart, 1)
		return search
	case 4:
		tv.trip.out = Pick(r, w.sky.flights)
		return suggest
	}
	return fares
}

// results pages, sorts or filters the results.
func results(tv *traveller, w *world, now int64) (step, float64) {
	r := tv.r
	tv.page += Weighted(r, []float64{2, 1})
	st := tv.say(w, now, get(r, w.sky.resultsPath(r, tv.sid, tv.page), clsSearch, kb(r, 60), ms(r, 300)))
	if !tv.ok(st) {
		return tv.again(results, st)
	}
	return tv.look(w), tv.think(7)
}

// fares opens one result's fare families: what each fare includes.
func fares(tv *traveller, w *world, now int64) (step, float64) {
	r := tv.r
	p := fmt.Sprintf("%s/flights/search/%s/offers/%d/fare-families", w.sky.api, tv.sid, 1+r.IntN(20))
	if st := tv.say(w, now, get(r, p, clsPage, kb(r, 9), ms(r, 120))); !tv.ok(st) {
		return tv.again(fares, st)
	}
	return tv.look(w), tv.think(8)
}

// calendar shows a month of lowest fares on the route.
func calendar(tv *traveller, w *world, now int64) (step, float64) {
	r := tv.r
	if st := tv.say(w, now, get(r, w.sky.calendarPath(w, tv.trip), clsSearch, kb(r, 14), ms(r, 450))); !tv.ok(st) {
		return tv.again(calendar, st)
	}
	if tv.sid == "" {
		return search, tv.think(8)
	}
	return tv.look(w), tv.think(8)
}

// seatmap shows the cabin of the outbound flight.
func seatmap(tv *traveller, w *world, now int64) (step, float64) {
	r := tv.r
	if st := tv.say(w, now, get(r, w.sky.seatmapPath(w, tv.trip), clsPage, kb(r, 40), ms(r, 220))); !tv.ok(st) {
		return tv.again(seatmap, st)
	}
	switch tv.goal {
	case goalManage:
		return seats, tv.think(15)
	case goalCheckin:
		return apis, tv.think(10)
	}
	return tv.look(w), tv.think(9)
}

// cart holds the chosen fares; a member signs in first, now and then.
func cart(tv *traveller, w *world, now int64) (step, float64) {
	r := tv.r
	if tv.member != "" && tv.user == "" && tv.then == nil && Chance(r, 0.6) {
		tv.then = cart
		return login, tv.think(3)
	}
	st := tv.say(w, now, post(r, "POST", w.sky.api+"/cart", clsBook, 201, kb(r, 1.2), kb(r, 6), ms(r, 350)))
	if !tv.ok(st) {
		return tv.again(cart, st)
	}
	tv.cart = Hex(r, 16)
	tv.also(w, now+Sec(0.3), 0.9, get(r, fmt.Sprintf("%s/cart/%s", w.sky.api, tv.cart), clsPage, kb(r, 5), ms(r, 60)),
		get(r, fmt.Sprintf("%s/cart/%s/ancillaries", w.sky.api, tv.cart), clsPage, kb(r, 14), ms(r, 150)))
	return passengers, tv.think(float64(25 + 20*tv.trip.pax()))
}

// passengers sends names, dates of birth and contacts; a typo comes back
// 422 and is fixed.
func passengers(tv *traveller, w *world, now int64) (step, float64) {
	r := tv.r
	status := 200
	if Chance(r, 0.06) {
		status = 422
	}
	p := fmt.Sprintf("%s/cart/%s/passengers", w.sky.api, tv.cart)
	st := tv.say(w, now, post(r, "PUT", p, clsBook, status, int64(500*tv.trip.pax()+r.IntN(400)), kb(r, 3), ms(r, 180)))
	switch {
	case !tv.ok(st):
		return tv.again(passengers, st)
	case st == 422:
		return passengers, Uniform(r, 8, 30)
	case Chance(r, 0.55):
		return extras, tv.think(20)
	}
	return pay, tv.think(40)
}

// extras adds bags and seats to the cart.
func extras(tv *traveller, w *world, now int64) (step, float64) {
	r := tv.r
	p := fmt.Sprintf("%s/cart/%s/ancillaries", w.sky.api, tv.cart)
	if st := tv.say(w, now, post(r, "POST", p, clsBook, 200, kb(r, 0.8), kb(r, 4), ms(r, 200))); !tv.ok(st) {
		return tv.again(extras, st)
	}
	return pay, tv.think(35)
}

// pay sends the card: the bank accepts it, declines it (402, and the
// traveller tries another card or leaves) or asks for 3-D Secure.
func pay(tv *traveller, w *world, now int64) (step, float64) {
	r := tv.r
	status := 200
	switch x := r.Float64(); {
	case x < 0.08:
		status = 402
	case x < 0.08+0.92*w.sky.threeDS:
		status = 202
	}
	p := fmt.Sprintf("%s/cart/%s/payment", w.sky.api, tv.cart)
	st := tv.say(w, now, post(r, "POST", p, clsPay, status, kb(r, 1.4), kb(r, 1.5), ms(r, 1800)))
	if !tv.ok(st) {
		return tv.again(pay, st)
	}
	w.callback(now, "payments", "/webhooks/payments/"+w.hooks["payments"].p.name, 1)
	switch st {
	case 402:
		tv.count++
		if tv.count > 2 || Chance(r, 0.35) {
			return nil, 0
		}
		return pay, tv.think(45)
	case 202:
		tv.count = 0
		return secure, Uniform(r, 3, 8)
	}
	return confirm, Uniform(r, 1, 3)
}

// secure polls the payment while the bank's 3-D Secure challenge is open.
func secure(tv *traveller, w *world, now int64) (step, float64) {
	r := tv.r
	tv.count++
	status := 202
	if tv.count >= 2+r.IntN(4) {
		status = 200
		if Chance(r, 0.1) {
			status = 402
		}
	}
	h := get(r, fmt.Sprintf("%s/payments/%s/status", w.sky.api, tv.cart), clsPage, 260, ms(r, 60))
	h.status = status
	st := tv.say(w, now, h)
	switch {
	case !tv.ok(st):
		return tv.again(secure, st)
	case st == 202:
		return secure, Uniform(r, 2, 3.5)
	case st == 402:
		return nil, 0
	}
	return confirm, Uniform(r, 0.5, 2)
}

// confirm shows the booking; the payment is captured and the e-mail sent.
func confirm(tv *traveller, w *world, now int64) (step, float64) {
	r := tv.r
	p := fmt.Sprintf("%s/bookings/%s/confirmation", w.sky.api, tv.pnr)
	if st := tv.say(w, now, get(r, p, clsLookup, kb(r, 9), ms(r, 250))); !tv.ok(st) {
		return tv.again(confirm, st)
	}
	w.callback(now, "payments", "/webhooks/payments/"+w.hooks["payments"].p.name, 1)
	w.callback(now, "messaging", "/webhooks/messaging/delivery", 1)
	if Chance(r, 0.2) {
		return itinerary, tv.think(20)
	}
	return nil, 0
}
