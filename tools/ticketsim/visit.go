package main

import (
	"math/rand/v2"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// visit is one device's run of requests: where the gateway sees it from,
// what every request of it carries, and the clock of its next request.
type visit struct {
	w      *world
	r      *rand.Rand
	at     func(t int64) *Client
	t      int64
	ua     string
	hdr    int64 // bytes of request line and headers beyond the path: cookies, tokens
	user   string
	key    string
	app    bool
	cached bool // the browser holds the site's assets already
	attack bool // every request of the visit is part of an attack
}

// newVisit starts a visit at t from the device at; app says whether it is
// the site's app or a browser.
func (w *world) newVisit(r *rand.Rand, at func(int64) *Client, t int64, app bool, ua string) *visit {
	v := &visit{w: w, r: r, at: at, t: t, ua: ua, app: app, cached: Chance(r, 0.45)}
	if app {
		v.hdr = 280 + int64(r.IntN(200))
	} else {
		v.hdr = 450 + int64(r.IntN(900))
	}
	return v
}

// send records one request at the visit's clock.
func (v *visit) send(method, path string, status int, body, resp int64, ms float64) {
	v.w.l.Add(Event{
		T: v.t, C: v.at(v.t), Method: method, Path: path, Status: status,
		ReqBytes: v.hdr + int64(len(path)) + body, RespBytes: resp,
		DurationMS: v.w.latency(v.r, v.t, ms),
		UA:         v.ua, Key: v.key, User: v.user, Attack: v.attack,
	})
}

// get records a GET of a JSON or HTML answer around kbs kilobytes.
func (v *visit) get(path string, status int, kbs, ms float64) {
	v.send("GET", path, status, 0, kb(v.r, kbs), ms)
}

// post records a POST of a body around bodyB bytes.
func (v *visit) post(path string, status int, bodyB, kbs, ms float64) {
	v.send("POST", path, status, int64(LogNormal(v.r, bodyB, 0.3))+1, kb(v.r, kbs), ms)
}

// pause moves the clock by lo to hi seconds.
func (v *visit) pause(lo, hi float64) { v.t += Sec(Uniform(v.r, lo, hi)) }

// think moves the clock by a reading pause around median seconds.
func (v *visit) think(median float64) { v.t += Sec(LogNormal(v.r, median, 0.7)) }

// page loads an HTML page of the web shop, with the assets the browser
// does not hold yet (few of them where a CDN serves the assets).
func (v *visit) page(path string, kbs float64) {
	v.get(path, 200, kbs, 55)
	v.assets()
	// The page's script asks who is signed in and what is in the cart.
	if v.user != "" && Chance(v.r, 0.7) {
		v.get("/api/v3/me", 200, 1.2, 40)
		v.pause(0.05, 0.3)
	}
	if Chance(v.r, 0.35) {
		v.get("/api/v3/cart/summary", 200, 0.3, 25)
		v.pause(0.05, 0.3)
	}
}

func (v *visit) assets() {
	s := v.w.s
	t0 := v.t
	var n int
	switch {
	case s.cdn:
		if Chance(v.r, 0.05) {
			n = 1
		}
	case !v.cached:
		n = len(s.assets)
	default:
		n = Weighted(v.r, []float64{0.55, 0.25, 0.15, 0.05})
	}
	for i := range n {
		a := s.assets[i]
		if v.cached {
			a = Pick(v.r, s.assets)
		}
		v.t = t0 + Sec(Uniform(v.r, 0.04, 0.8))
		if v.cached && Chance(v.r, 0.6) {
			v.send("GET", a.path, 304, 60, 0, 6)
		} else {
			v.send("GET", a.path, 200, 0, kb(v.r, a.kb), 9+a.kb/20)
		}
	}
	v.t = t0 + Sec(Uniform(v.r, 0.3, 1.2))
	v.cached = true
	if !s.cdn && Chance(v.r, 0.5) {
		// Event artwork is served by the origin too.
		v.t += Sec(Uniform(v.r, 0.05, 0.4))
		v.send("GET", "/img/events/"+strconv.Itoa(s.event(v.r).id)+"/hero-1280.webp", 200, 0, kb(v.r, 160), 20)
	}
}

// read is one read of data: the app asks GraphQL for it most of the time,
// the web shop (and the rest of the app) its REST route.
func (v *visit) read(rest, op string, kbs, ms float64) { v.readAs(rest, op, 200, kbs, ms) }

// readAs is read answered with status.
func (v *visit) readAs(rest, op string, status int, kbs, ms float64) {
	if v.app && Chance(v.r, v.w.s.gqlShare) {
		// GraphQL reports most errors inside a 200, but not a missing token.
		if status != 401 {
			status = 200
		}
		v.post("/graphql?op="+op, status, 420, kbs, ms)
		return
	}
	v.get(rest, status, kbs, ms)
}

// gql records a GraphQL operation of the app.
func (v *visit) gql(op string, kbs, ms float64) {
	v.post("/graphql?op="+op, 200, 420, kbs, ms)
}

// eventView looks at one event: its page on the web, its details in the
// app, and most of the time its availability.
func (v *visit) eventView(e *event) {
	id := strconv.Itoa(e.id)
	if v.app {
		v.read("/api/v3/events/"+id, "EventDetails", 14, 45)
	} else {
		v.page("/events/"+e.slug, 85)
	}
	if Chance(v.r, 0.75) {
		v.pause(0.2, 1.5)
		v.read("/api/v3/events/"+id+"/availability", "EventAvailability", 3, 30)
	}
}

// search runs one search for q.
func (v *visit) search(q string) {
	if v.app {
		v.read("/api/v3/search?q="+q, "SearchEvents", 9, 60)
		return
	}
	v.page("/search?q="+q, 60)
	v.pause(0.3, 1)
	v.get("/api/v3/search?q="+q+"&page=1", 200, 9, 60)
}

// login signs user in, with the mistakes people make: a mistyped password
// retried a few times (some give up and ask for a reset), a one-time code
// typed wrong. It reports whether the user got in.
func (v *visit) login(user string) bool {
	if !v.app {
		v.page("/login", 25)
	}
	v.pause(4, 18)
	if Chance(v.r, 0.13) {
		for i := range 1 + Weighted(v.r, []float64{0.5, 0.3, 0.2}) {
			if i > 0 {
				v.pause(5, 25)
			}
			v.post("/api/v3/auth/login", 401, 180, 0.1, 240)
		}
		if Chance(v.r, 0.25) {
			v.pause(6, 30)
			v.post("/api/v3/auth/password-reset", 202, 70, 0.05, 180)
			return false
		}
		v.pause(5, 25)
	}
	v.post("/api/v3/auth/login", 200, 180, 1.1, 260)
	if Chance(v.r, v.w.s.otpShare) {
		v.user = user
		v.pause(12, 45)
		if Chance(v.r, 0.08) {
			v.post("/api/v3/auth/otp", 401, 60, 0.1, 90)
			v.pause(6, 20)
		}
		v.post("/api/v3/auth/otp", 200, 60, 0.9, 90)
	}
	v.user = user
	return true
}

// resume brings back a signed-in user whose access token may have expired
// in the meantime: the first call fails, the refresh renews it (or not,
// and the user signs in again). It reports whether the user is in.
func (v *visit) resume(user string) bool {
	v.user = user
	if !Chance(v.r, 0.15) {
		return true
	}
	v.readAs("/api/v3/me", "Viewer", 401, 0.1, 15)
	v.pause(0.1, 0.6)
	if Chance(v.r, 0.85) {
		v.post("/api/v3/auth/refresh", 200, 350, 0.9, 70)
		v.pause(0.1, 0.4)
		v.read("/api/v3/me", "Viewer", 1.2, 40)
		return true
	}
	v.post("/api/v3/auth/refresh", 401, 350, 0.1, 60)
	v.user = ""
	return v.login(user)
}

// buy goes from the seats of an event to a paid order, or to where people
// drop out: seats taken under them (409), a form that fails validation and
// is sent again, a card the bank declines. queue is the waiting-room token
// of an on-sale, if any. It reports whether the order was paid.
func (v *visit) buy(e *event, user, queue string) bool {
	w, r := v.w, v.r
	id := strconv.Itoa(e.id)
	sale := w.sale.ev.id == e.id
	switch {
	case v.app:
		v.gql("SeatSelection", 6, 80)
	case queue != "":
		v.page("/events/"+e.slug+"/tickets?queue="+queue, 70)
	default:
		v.page("/events/"+e.slug+"/tickets", 70)
	}
	v.pause(0.2, 1)
	v.get("/api/v3/events/"+id+"/seatmap", 200, 340, 140)
	v.pause(0.2, 1)
	v.get("/api/v3/events/"+id+"/availability", 200, 3, 30)
	qty := 1 + Weighted(r, []float64{0.25, 0.45, 0.15, 0.15})
	body := 140 + 40*float64(qty)
	// In an on-sale people grab the next seats fast and keep trying.
	choose, tries := [2]float64{4, 30}, 1+r.IntN(4)
	if sale {
		choose, tries = [2]float64{1, 8}, 2+r.IntN(6)
	}
	for try := 0; ; try++ {
		if sale {
			// The on-sale seat picker refreshes what is left while one chooses.
			end := v.t + Sec(Uniform(r, choose[0], choose[1]))
			for v.t += Sec(Uniform(r, 1.5, 3)); v.t < end; v.t += Sec(Uniform(r, 1.5, 3)) {
				v.get("/api/v3/events/"+id+"/availability", 200, 3, 30)
			}
			v.t = end
		} else {
			v.pause(choose[0], choose[1])
		}
		if sale && w.sale.soldOut(v.t) {
			v.post("/api/v3/cart", 409, body, 0.2, 90)
			v.pause(1, 5)
			v.get("/api/v3/events/"+id+"/availability", 200, 0.4, 25)
			return false
		}
		taken := 0.02
		if sale {
			taken = w.sale.taken(v.t)
		}
		if !Chance(r, taken) {
			v.post("/api/v3/cart", 201, body, 1.8, 110)
			break
		}
		v.post("/api/v3/cart", 409, body, 0.2, 90)
		if try >= tries {
			return false
		}
		v.pause(0.5, 3)
		v.get("/api/v3/events/"+id+"/availability", 200, 3, 30)
	}
	if Chance(r, 0.06) {
		v.pause(3, 12)
		v.send("DELETE", "/api/v3/cart/items/"+strconv.Itoa(1+r.IntN(qty)), 204, 0, 0, 40)
	}
	if v.user == "" && !v.login(user) {
		return false
	}
	v.pause(1, 5)
	v.get("/api/v3/cart", 200, 2, 40)
	v.think(35)
	for range Weighted(r, []float64{0.86, 0.1, 0.04}) {
		v.post("/api/v3/checkout", Pick(r, []int{400, 422, 422}), 900, 0.5, 70)
		v.think(15)
	}
	v.post("/api/v3/checkout", 200, 900, 2.4, 180)
	v.think(25)
	for attempt := 0; attempt < 2; attempt++ {
		switch x := r.Float64(); {
		case x < 0.07:
			v.post("/api/v3/payments/authorize", 402, 650, 0.4, 900)
			if Chance(r, 0.5) {
				return false
			}
			v.think(30) // another card
			continue
		case x < 0.12:
			// The bank asks for a challenge: the app polls its result.
			v.post("/api/v3/payments/authorize", 202, 650, 0.8, 800)
			for range 2 + r.IntN(4) {
				v.pause(2, 4)
				v.get("/api/v3/payments/status?order="+strconv.Itoa(w.orders), 200, 0.2, 25)
			}
		default:
			v.post("/api/v3/payments/authorize", 200, 650, 0.9, 850)
		}
		w.payments = append(w.payments, v.t)
		w.orders++
		w.tickets += qty
		v.pause(0.5, 2)
		v.read("/api/v3/orders/"+strconv.Itoa(w.orders), "OrderConfirmation", 3, 50)
		return true
	}
	return false
}
