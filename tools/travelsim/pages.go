package main

import (
	"fmt"
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// A trip is what a traveller is looking for: a route, dates (days from
// today, back 0 for one way), who flies and in which cabin.
type trip struct {
	out                   flight
	depart, back          int
	adults, kids, infants int
	cabin                 string
}

// newTrip draws a trip on one of the carrier's flights.
func (c *carrier) newTrip(r *rand.Rand) trip {
	t := trip{
		out:    Pick(r, c.flights),
		depart: int(LogUniform(r, 1, 240)),
		adults: 1 + Weighted(r, []float64{5, 4, 1, 0.6}),
		cabin:  Pick(r, []string{"economy", "economy", "economy", "economy", "premium", "business"}),
	}
	if Chance(r, 0.25) {
		t.kids = 1 + r.IntN(3)
		t.infants = Weighted(r, []float64{6, 1})
	}
	if Chance(r, 0.7) {
		t.back = t.depart + 2 + int(LogUniform(r, 1, 20))
	}
	return t
}

// pax is how many seats the trip needs.
func (t trip) pax() int { return t.adults + t.kids }

// head is the size of a request without a body: the request line,
// headers and cookies.
func head(r *rand.Rand) int64 { return int64(380 + r.IntN(720)) }

// get is an answered read.
func get(r *rand.Rand, path string, k class, resp int64, ms float64) hit {
	return hit{method: "GET", path: path, class: k, status: 200, req: head(r), resp: resp, ms: ms}
}

// post is an answered write with a body of body bytes.
func post(r *rand.Rand, method, path string, k class, status int, body, resp int64, ms float64) hit {
	return hit{method: method, path: path, class: k, status: status, req: head(r) + body, resp: resp, ms: ms}
}

// with is h answered with status instead.
func (h hit) with(status int) hit {
	h.status = status
	return h
}

// kb draws a size around median kilobytes.
func kb(r *rand.Rand, median float64) int64 { return int64(LogNormal(r, median*1024, 0.35)) }

// ms draws a response time around median milliseconds.
func ms(r *rand.Rand, median float64) float64 { return LogNormal(r, median, 0.45) }

// channel is the sales channel a client names in its searches.
func channel(app, ios bool) string {
	switch {
	case !app:
		return "web"
	case ios:
		return "ios"
	}
	return "android"
}

// searchPath is an availability search as the site's own front ends send it.
func (c *carrier) searchPath(w *world, t trip, ch, promo string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s/flights/search?origin=%s&destination=%s&departureDate=%s", c.api, t.out.from, t.out.to, w.date(t.depart))
	if t.back > 0 {
		fmt.Fprintf(&b, "&returnDate=%s", w.date(t.back))
	}
	fmt.Fprintf(&b, "&adults=%d&children=%d&infants=%d&cabin=%s&currency=%s&locale=%s&flexibleDates=%t&promoCode=%s&channel=%s",
		t.adults, t.kids, t.infants, t.cabin, c.home.currency, c.home.lang, t.back == 0, promo, ch)
	return b.String()
}

// resultsPath pages, sorts or filters the results of a search.
func (c *carrier) resultsPath(r *rand.Rand, sid string, page int) string {
	sort := Pick(r, []string{"price", "price", "duration", "departure", "arrival", "recommended"})
	p := fmt.Sprintf("%s/flights/search/%s/results?page=%d&pageSize=20&sort=%s", c.api, sid, page, sort)
	if Chance(r, 0.4) {
		p += "&stops=" + Pick(r, []string{"0", "0", "1", "any"})
	}
	if Chance(r, 0.25) {
		p += "&departWindow=" + Pick(r, []string{"05-12", "12-18", "18-24", "06-10"})
	}
	return p
}

// calendarPath is a month of lowest fares on a route.
func (c *carrier) calendarPath(w *world, t trip) string {
	kind := "return"
	if t.back == 0 {
		kind = "oneway"
	}
	return fmt.Sprintf("%s/fares/calendar?origin=%s&destination=%s&month=%s&currency=%s&tripType=%s",
		c.api, t.out.from, t.out.to, w.date(t.depart)[:7], c.home.currency, kind)
}

// seatmapPath is the seat map of the trip's outbound flight.
func (c *carrier) seatmapPath(w *world, t trip) string {
	return fmt.Sprintf("%s/flights/%s-%s/seatmap?cabin=%s", c.api, t.out.number, strings.ReplaceAll(w.date(t.depart), "-", ""), t.cabin)
}

// statusPath is one flight's status on a day.
func (c *carrier) statusPath(w *world, f flight, day int) string {
	return fmt.Sprintf("%s/flightstatus/%s?date=%s", c.api, f.number, w.date(day))
}

// landing is a page people arrive on from outside, by what they came for.
func (c *carrier) landing(r *rand.Rand, g goal, t trip) string {
	lang := strings.ToLower(c.home.lang)
	switch g {
	case goalManage:
		return "/" + lang + "/manage-booking"
	case goalCheckin:
		return "/" + lang + "/check-in"
	case goalStatus:
		return "/" + lang + "/flight-status"
	case goalMember:
		return "/" + lang + "/loyalty/sign-in"
	}
	switch r.IntN(5) {
	case 0:
		return fmt.Sprintf("/%s/flights/%s-to-%s", lang, strings.ToLower(t.out.from), strings.ToLower(t.out.to))
	case 1:
		return "/" + lang + "/deals/" + Pick(r, c.deals)
	}
	return Pick(r, []string{"/", "/" + lang + "/"})
}

// assets are what a browser with a cold cache loads after the first page.
func (c *carrier) assets(r *rand.Rand) []hit {
	var hs []hit
	for _, a := range []struct {
		path string
		size float64
	}{
		{"/static/js/app." + c.bundle + ".js", 520}, {"/static/js/vendor." + c.bundle[:8] + ".js", 380},
		{"/static/css/app." + c.bundle + ".css", 95}, {"/static/fonts/skyway-sans-v4.woff2", 48},
	} {
		if len(hs) == 0 || Chance(r, 0.8) {
			hs = append(hs, get(r, a.path, clsStatic, kb(r, a.size), ms(r, 25)))
		}
	}
	if Chance(r, 0.3) {
		hs = append(hs, get(r, "/favicon.ico", clsStatic, kb(r, 6), ms(r, 5)))
	}
	return hs
}
