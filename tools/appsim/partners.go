package main

import (
	"math/rand/v2"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// photo draws a photo upload's size and the milliseconds a phone on
// mobile data takes to send it.
func photo(r *rand.Rand, lo, hi float64) (size, ms float64) {
	size = LogUniform(r, lo, hi)
	return size, size * 8 / (LogUniform(r, 1, 12) * 1e6) * 1000
}

// drive plays a driver's shift over [a, b): the app posts its position
// every four to five seconds, in a batch after a dead zone, takes offers,
// reports each step of a job and photographs receipts and deliveries.
func (w *world) drive(r *rand.Rand, p *phone, a, b int64) {
	s := w.actor(r, w.reach(r, p, a), p.ua, p.user)
	if a >= 0 {
		s.get(a, "/v2/driver/config", 200, 3000, 25)
		s.get(a+Sec(Uniform(r, .05, .8)), "/v2/driver/me", 200, 1800, 20)
		s.get(a+Sec(Uniform(r, .05, .8)), "/v2/driver/jobs/current", 200, 400, 20)
		s.call(a+Sec(Uniform(r, .5, 2)), "PUT", "/v2/driver/availability", 200, 60, 120, 25)
	}
	iv := Uniform(r, 4, 5)
	dead := a + Sec(r.ExpFloat64()*1200)
	for t := a + Sec(Uniform(r, 0, iv)); t < b; t += Sec(iv * Uniform(r, .95, 1.05)) {
		points := 1.
		if t >= dead {
			gap := Uniform(r, 30, 150)
			t += Sec(gap)
			points = gap / iv
			dead = t + Sec(r.ExpFloat64()*1200)
		}
		s.post(t, "/v2/driver/location", Pick(r, []int{200, 200, 200, 202}), 240+points*70, 60, 18)
	}
	for t := a + Sec(Uniform(r, 20, 150)); t < b; t += Sec(Uniform(r, 60, 150)) {
		s.get(t, "/v2/driver/heatmap?"+w.near(r), 200, 12000, 60)
	}
	for t := a + Sec(Uniform(r, 0, 600)); t < b; t += Sec(Uniform(r, 480, 900)) {
		s.get(t, "/v2/driver/earnings/today", 200, 1400, 35)
	}
	Poisson(r, 1/360., a, b, func(t int64) { w.job(s, t) })
	s.flush()
}

// job is one delivery from the offer to the photo at the door.
func (w *world) job(s *actor, t int64) {
	r := s.r
	offer := strconv.FormatInt(w.order(r, t)*3+int64(r.IntN(3)), 10)
	s.get(t, "/v2/driver/offers/"+offer, 200, 1600, 30)
	t += Sec(LogNormal(r, 6, .5))
	if Chance(r, .2) {
		s.post(t, "/v2/driver/offers/"+offer+"/decline", 200, 80, 60, 30)
		return
	}
	s.post(t, "/v2/driver/offers/"+offer+"/accept", 200, 80, 900, 60)
	job := "/v2/driver/jobs/" + strconv.FormatInt(w.order(r, t-Sec(Uniform(r, 60, 600))), 10)
	// At the restaurant, picked up (with the receipt photographed now and
	// then), delivered (with a photo at the door most of the time).
	t += Sec(Uniform(r, 180, 480))
	s.call(t, "PUT", job+"/status", 200, 120, 300, 40)
	t += Sec(Uniform(r, 60, 300))
	s.call(t, "PUT", job+"/status", 200, 120, 300, 40)
	if Chance(r, .3) {
		size, ms := photo(r, 200e3, 1.5e6)
		s.call(t+Sec(Uniform(r, 1, 20)), "POST", "/v2/uploads/receipts", 201, size, 300, ms)
	}
	t += Sec(Uniform(r, 300, 900))
	s.call(t, "PUT", job+"/status", 200, 120, 300, 40)
	if Chance(r, .7) {
		size, ms := photo(r, 300e3, 4e6)
		s.call(t+Sec(Uniform(r, 1, 8)), "POST", job+"/proof", 201, size, 300, ms)
	}
}

// counter plays a restaurant's tablet: it polls for new orders every few
// seconds all through lunch, accepts them, prints the ticket, marks them
// ready, and now and then marks a dish sold out.
func (w *world) counter(r *rand.Rand, tb *tablet) {
	s := w.actor(r, fixedAt(w.at(tb.ip, "merchant-tablet")), tb.ua, tb.user)
	store := strconv.Itoa(tb.store)
	start := w.log.Start().UnixMilli()
	rate := LogUniform(r, 1/900., 1/90.)
	next := Sec(r.ExpFloat64() / rate)
	prev := -Sec(tb.poll)
	for t := Sec(Uniform(r, 0, tb.poll)); t < w.W; t += Sec(tb.poll * Uniform(r, .97, 1.03)) {
		path := "/v2/merchant/orders?since=" + strconv.FormatInt(start+prev/1e6, 10) + "&store=" + store
		prev = t
		if t < next {
			s.get(t, path, 200, 220, 20)
			continue
		}
		s.get(t, path, 200, 5000, 35)
		// Lunch orders come faster while the push crowd is in the app.
		boost := 1.
		if t >= w.spike.a && t < w.spike.b {
			boost = w.spikeMult
		}
		next = t + Sec(r.ExpFloat64()/(rate*boost))
		id := strconv.FormatInt(w.order(r, t-Sec(Uniform(r, 5, 60))), 10)
		at := t + Sec(LogNormal(r, 15, .7))
		s.call(at, "PUT", "/v2/merchant/orders/"+id+"/accept", 200, 90, 400, 40)
		s.get(at+Sec(Uniform(r, .5, 2)), "/v2/merchant/orders/"+id, 200, 3500, 30)
		s.call(at+Sec(Uniform(r, 400, 1200)), "PUT", "/v2/merchant/orders/"+id+"/ready", 200, 90, 400, 40)
	}
	Poisson(r, 1/600., 0, w.W, func(t int64) {
		s.call(t, "PATCH", "/v2/merchant/menu/items/"+strconv.Itoa(100000+r.IntN(900000)), 200, 60, 500, 45)
	})
	for t := Sec(Uniform(r, 0, 60)); t < w.W; t += Sec(60) {
		s.post(t, "/v2/merchant/heartbeat", 204, 90, 0, 8)
	}
	s.flush()
}

// desk plays a staff member on the web dashboard over [a, b): the live
// summary and the driver map refresh on their own, and between them the
// person looks up late orders and customers and issues refunds.
func (w *world) desk(r *rand.Rand, st *staffer, a, b int64) {
	ip, profile := w.offices[st.office], "staff-office"
	if st.home != "" {
		ip, profile = st.home, "staff-home"
	}
	s := w.actor(r, fixedAt(w.at(ip, profile)), st.ua, st.user)
	if a >= 0 {
		if Chance(r, .06) {
			s.post(a-Sec(Uniform(r, 5, 15)), "/admin/api/auth/login", 401, 300, 120, 150)
		}
		s.post(a, "/admin/api/auth/login", 200, 300, 900, 160)
		s.get(a+Sec(Uniform(r, .2, 1)), "/admin/api/me", 200, 1200, 25)
	}
	for t := a + Sec(Uniform(r, 0, 20)); t < b; t += Sec(Uniform(r, 15, 30)) {
		s.get(t, "/admin/api/live/summary", 200, 4500, 80)
	}
	if Chance(r, .5) {
		zone := strconv.Itoa(1 + r.IntN(12))
		for t := a + Sec(Uniform(r, 0, 15)); t < b; t += Sec(Uniform(r, 10, 20)) {
			s.get(t, "/admin/api/drivers/positions?zone="+zone, 200, 26000, 120)
		}
	}
	Poisson(r, 1/80., a, b, func(t int64) {
		order := strconv.FormatInt(w.order(r, t-Sec(Uniform(r, 0, 3600))), 10)
		switch x := r.Float64(); {
		case x < .3:
			s.get(t, "/admin/api/orders?status="+Pick(r, []string{"late", "late", "cancelled", "disputed"})+"&page="+strconv.Itoa(1+r.IntN(3)), 200, 22000, 140)
		case x < .6:
			s.get(t, "/admin/api/orders/"+order, 200, 6000, 50)
		case x < .75:
			s.get(t, "/admin/api/users/"+w.customer(r)[1:], 200, 4000, 45)
		case x < .85:
			s.post(t, "/admin/api/orders/"+order+"/refund", 201, 200, 500, 600)
		case x < .93:
			s.call(t, "PATCH", "/admin/api/restaurants/"+strconv.Itoa(Pick(r, w.rest)), 200, 400, 1500, 80)
		default:
			s.get(t, "/admin/api/tickets?status=open", 200, 15000, 90)
		}
	})
	s.flush()
}
