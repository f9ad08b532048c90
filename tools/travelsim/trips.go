package main

import (
	"fmt"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// lookup finds a booking by its code and last name; a typo is a 404 and
// is typed again. Signed-in app users open it from their trips.
func lookup(tv *traveller, w *world, now int64) (step, float64) {
	r := tv.r
	status, name := 200, tv.name
	if tv.count < 2 && Chance(r, 0.09) {
		status, name = 404, name[:len(name)-1]
	}
	p := fmt.Sprintf("%s/bookings/%s?lastName=%s", w.sky.api, tv.pnr, name)
	if tv.user != "" {
		p = fmt.Sprintf("%s/me/trips/%s", w.sky.api, tv.pnr)
		status = 200
	}
	st := tv.say(w, now, get(r, p, clsLookup, kb(r, 8), ms(r, 260)).with(status))
	switch {
	case !tv.ok(st):
		return tv.again(lookup, st)
	case st == 404:
		tv.count++
		return lookup, Uniform(r, 6, 20)
	}
	tv.count = 0
	switch tv.goal {
	case goalCheckin:
		return eligible, tv.think(5)
	case goalRebook:
		return disruption, tv.think(4)
	}
	switch Weighted(r, []float64{3, 2, 2, 1.5, 1}) {
	case 0:
		return seatmap, tv.think(10)
	case 1:
		return documents, tv.think(40)
	case 2:
		return itinerary, tv.think(8)
	case 3:
		tv.cart = Hex(r, 16)
		return extras, tv.think(25)
	}
	return nil, 0
}

// seats changes the seats on a booking; some were taken meanwhile.
func seats(tv *traveller, w *world, now int64) (step, float64) {
	r := tv.r
	status := 200
	if Chance(r, 0.08) {
		status = 409
	}
	p := fmt.Sprintf("%s/bookings/%s/seats", w.sky.api, tv.pnr)
	st := tv.say(w, now, post(r, "PUT", p, clsBook, status, int64(180*tv.trip.pax()+120), kb(r, 2), ms(r, 300)))
	switch {
	case !tv.ok(st):
		return tv.again(seats, st)
	case st == 409:
		return seatmap, tv.think(6)
	case tv.goal == goalCheckin:
		return checkin, tv.think(5)
	}
	return nil, 0
}

// documents uploads passport or visa scans, one per passenger at most.
func documents(tv *traveller, w *world, now int64) (step, float64) {
	r := tv.r
	kind := Pick(r, []string{"passport", "passport", "visa", "residence-permit", "eta"})
	p := fmt.Sprintf("%s/documents?pnr=%s&type=%s&passenger=%d", w.sky.api, tv.pnr, kind, tv.count+1)
	size := int64(LogUniform(r, 150<<10, 2600<<10))
	st := tv.say(w, now, post(r, "POST", p, clsUpload, 201, size, 380, float64(size)/LogUniform(r, 300, 3000)))
	if !tv.ok(st) {
		return tv.again(documents, st)
	}
	tv.count++
	if tv.count < tv.trip.pax() && Chance(r, 0.6) {
		return documents, tv.think(40)
	}
	tv.count = 0
	return nil, 0
}

// itinerary downloads the booking as a PDF.
func itinerary(tv *traveller, w *world, now int64) (step, float64) {
	r := tv.r
	p := fmt.Sprintf("%s/bookings/%s/itinerary.pdf", w.sky.api, tv.pnr)
	if st := tv.say(w, now, get(r, p, clsLookup, kb(r, 120), ms(r, 700))); !tv.ok(st) {
		return tv.again(itinerary, st)
	}
	return nil, 0
}

// eligible asks whether the check-in window is open; outside it, 409.
func eligible(tv *traveller, w *world, now int64) (step, float64) {
	r := tv.r
	status := 200
	if Chance(r, 0.14) {
		status = 409
	}
	p := fmt.Sprintf("%s/checkin/%s", w.sky.api, tv.pnr)
	st := tv.say(w, now, get(r, p, clsLookup, kb(r, 5), ms(r, 300)).with(status))
	switch {
	case !tv.ok(st):
		return tv.again(eligible, st)
	case st == 409:
		return nil, 0
	case Chance(r, 0.3):
		return seatmap, tv.think(8)
	}
	return apis, tv.think(20)
}

// apis sends the passengers' travel documents for the border authorities.
func apis(tv *traveller, w *world, now int64) (step, float64) {
	r := tv.r
	status := 200
	if Chance(r, 0.05) {
		status = 422
	}
	p := fmt.Sprintf("%s/checkin/%s/passengers", w.sky.api, tv.pnr)
	st := tv.say(w, now, post(r, "PUT", p, clsLookup, status, int64(650*tv.trip.pax()+200), kb(r, 2), ms(r, 400)))
	switch {
	case !tv.ok(st):
		return tv.again(apis, st)
	case st == 422:
		return apis, Uniform(r, 10, 40)
	}
	return checkin, tv.think(6)
}

// checkin checks the passengers in.
func checkin(tv *traveller, w *world, now int64) (step, float64) {
	r := tv.r
	p := fmt.Sprintf("%s/checkin/%s", w.sky.api, tv.pnr)
	if st := tv.say(w, now, post(r, "POST", p, clsLookup, 200, 260, kb(r, 3), ms(r, 900))); !tv.ok(st) {
		return tv.again(checkin, st)
	}
	tv.count = 0
	w.callback(now, "messaging", "/webhooks/messaging/delivery", tv.trip.pax())
	return boardingPass, Uniform(r, 2, 8)
}

// boardingPass downloads each passenger's boarding pass: a PDF in the
// browser, a wallet pass in the app.
func boardingPass(tv *traveller, w *world, now int64) (step, float64) {
	r := tv.r
	tv.count++
	ext, size := "pdf", 95.
	if tv.dev.app {
		ext, size = "pkpass", 45
	}
	p := fmt.Sprintf("%s/checkin/%s/boardingpass/%d.%s", w.sky.api, tv.pnr, tv.count, ext)
	if st := tv.say(w, now, get(r, p, clsLookup, kb(r, size), ms(r, 500))); !tv.ok(st) {
		return tv.again(boardingPass, st)
	}
	if tv.count < tv.trip.pax() {
		return boardingPass, Uniform(r, 1, 6)
	}
	return nil, 0
}

// watch polls a flight's status, as the traveller or their family
// waiting for it do; the app may subscribe to pushes and stop polling.
func watch(tv *traveller, w *world, now int64) (step, float64) {
	r := tv.r
	p := w.sky.statusPath(w, tv.trip.out, 0)
	if st := tv.say(w, now, get(r, p, clsPage, kb(r, 3), ms(r, 60))); !tv.ok(st) {
		return tv.again(watch, st)
	}
	tv.count--
	if tv.dev.app && tv.page == 0 && Chance(r, 0.3) {
		tv.page = 1
		tv.say(w, now+Sec(Uniform(r, 1, 4)), post(r, "POST", w.sky.api+"/flightstatus/"+tv.trip.out.number+"/subscribe", clsPage, 201, 300, 120, ms(r, 50)))
		tv.count = min(tv.count, 2)
	}
	if tv.count <= 0 {
		return nil, 0
	}
	gap := Uniform(r, 30, 120)
	if w.rush != nil && w.rush.storm && w.rush.on(now) {
		gap = Uniform(r, 15, 60)
	}
	return watch, gap
}

// disruption shows a cancelled flight's options to the passenger.
func disruption(tv *traveller, w *world, now int64) (step, float64) {
	r := tv.r
	p := fmt.Sprintf("%s/bookings/%s/disruption", w.sky.api, tv.pnr)
	if st := tv.say(w, now, get(r, p, clsBook, kb(r, 18), ms(r, 900))); !tv.ok(st) {
		return tv.again(disruption, st)
	}
	if Chance(r, 0.18) {
		return refund, tv.think(30)
	}
	return rebook, tv.think(25)
}

// rebook takes another flight; seats go fast, so some tries come back 409.
func rebook(tv *traveller, w *world, now int64) (step, float64) {
	r := tv.r
	status := 200
	if Chance(r, 0.25) {
		status = 409
	}
	p := fmt.Sprintf("%s/bookings/%s/rebook", w.sky.api, tv.pnr)
	st := tv.say(w, now, post(r, "POST", p, clsBook, status, 420, kb(r, 6), ms(r, 1500)))
	switch {
	case !tv.ok(st):
		return tv.again(rebook, st)
	case st == 409 && tv.count < 2:
		tv.count++
		return disruption, Uniform(r, 3, 12)
	}
	w.callback(now, "messaging", "/webhooks/messaging/delivery", 1)
	tv.goal, tv.count = goalStatus, 2+r.IntN(6)
	return watch, tv.think(30)
}

// refund asks for the fare back instead.
func refund(tv *traveller, w *world, now int64) (step, float64) {
	r := tv.r
	p := fmt.Sprintf("%s/bookings/%s/refund", w.sky.api, tv.pnr)
	if st := tv.say(w, now, post(r, "POST", p, clsBook, 202, 300, 600, ms(r, 700))); !tv.ok(st) {
		return tv.again(refund, st)
	}
	return nil, 0
}
