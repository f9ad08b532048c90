package main

import (
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// session is one customer's use of the app, from the moment it comes to
// the foreground.
type session struct {
	*actor
	p     *phone
	crowd bool // opened from the lunchtime push
	rest  int  // the restaurant the customer looked at last
}

// visit plays one session of p starting at t.
func (w *world) visit(r *rand.Rand, p *phone, t int64, crowd bool) {
	s := &session{actor: w.actor(r, w.reach(r, p, t), p.ua, p.user), p: p, crowd: crowd}
	s.run(t)
	s.flush()
}

// welcome plays a newcomer: a fresh install signing up, confirming the
// phone number, then using the app as anyone does.
func (w *world) welcome(r *rand.Rand, p *phone, t int64) {
	s := &session{actor: w.actor(r, w.reach(r, p, t), p.ua, ""), p: p}
	plat, v := s.platform()
	s.get(t, "/v2/config?platform="+plat+"&version="+v, 200, 4200, 25)
	s.get(t+Sec(Uniform(r, .05, .8)), "/v2/flags?platform="+plat+"&version="+v, 200, 1800, 18)
	t += Sec(LogNormal(r, 30, .5))
	s.post(t, "/v2/auth/signup", 201, 420, 600, 140)
	s.post(t+Sec(Uniform(r, .3, 1)), "/v2/auth/otp/send", 202, 120, 90, 260)
	t += Sec(LogNormal(r, 25, .4))
	if Chance(r, .12) {
		s.post(t, "/v2/auth/otp/verify", 400, 90, 140, 30)
		t += Sec(LogNormal(r, 8, .4))
	}
	s.post(t, "/v2/auth/otp/verify", 200, 90, 1100, 45)
	s.user = p.user
	t = s.open(t + Sec(Uniform(r, .2, 1)))
	for range 3 + r.IntN(8) {
		t = s.browse(t + Sec(LogNormal(r, 8, .7)))
	}
	if Chance(r, .35) {
		s.food(t+Sec(LogNormal(r, 10, .5)), true)
	}
	s.flush()
}

func (s *session) platform() (plat, version string) {
	plat = "ios"
	if strings.Contains(s.p.ua, "Android") {
		plat = "android"
	}
	return plat, appVersions()[s.p.version]
}

// sdk sends f's requests under the user agent of the phone's networking
// stack, as analytics and push libraries do.
func (s *session) sdk(f func()) {
	ua := s.ua
	s.ua = s.p.sdkUA
	f()
	s.ua = ua
}

func (s *session) run(t int64) {
	r, w := s.r, s.w
	if Chance(r, .04) {
		s.user = ""
		if t = s.signIn(t); t < 0 {
			return
		}
	}
	t = s.open(t)
	// A customer whose order is already on its way opens the app to
	// follow it, and little else.
	if !s.crowd && Chance(r, .12) {
		id := w.order(r, -Sec(Uniform(r, 120, 2400)))
		s.get(t, "/v2/orders/"+strconv.FormatInt(id, 10), 200, 3200, 30)
		s.track(t+Sec(Uniform(r, .3, 1)), id, LogNormal(r, 240, .7))
		return
	}
	n := int(LogNormal(r, 6, .7))
	if s.crowd {
		n = int(LogNormal(r, 4, .6))
		s.get(t-Sec(Uniform(r, .2, 1.2)), "/v2/promos/"+w.pushPromo, 200, 5200, 35)
	}
	for range min(n, 40) {
		t = s.browse(t + Sec(LogNormal(r, 7, .8)))
	}
	order := .13
	if s.crowd {
		order = .3
	}
	if Chance(r, order) {
		if Chance(r, w.rides) && !s.crowd {
			s.ride(t + Sec(LogNormal(r, 8, .5)))
		} else {
			s.food(t+Sec(LogNormal(r, 8, .5)), false)
		}
	}
}

// signIn is a signed-out customer logging in, by password or by a code
// sent to the phone; a few mistype once, fewer twice, and some of those
// give up and ask for a reset. It returns when the session goes on, or -1.
func (s *session) signIn(t int64) int64 {
	r := s.r
	plat, v := s.platform()
	s.get(t, "/v2/config?platform="+plat+"&version="+v, 200, 4200, 25)
	t += Sec(LogNormal(r, 12, .5))
	fails := 0
	if x := r.Float64(); x < .03 {
		fails = 2
	} else if x < .15 {
		fails = 1
	}
	if Chance(r, .4) {
		s.post(t, "/v2/auth/otp/send", 202, 120, 90, 260)
		t += Sec(LogNormal(r, 20, .4))
		for range fails {
			s.post(t, "/v2/auth/otp/verify", 400, 90, 140, 30)
			t += Sec(LogNormal(r, 9, .4))
		}
		s.post(t, "/v2/auth/otp/verify", 200, 90, 1100, 45)
		s.user = s.p.user
		return t + Sec(Uniform(r, .2, .8))
	}
	for range fails {
		s.post(t, "/v2/auth/login", 401, 380, 150, 180)
		t += Sec(LogNormal(r, 10, .5))
	}
	if fails == 2 && Chance(r, .5) {
		s.post(t, "/v2/auth/password/forgot", 202, 140, 80, 90)
		return -1
	}
	s.post(t, "/v2/auth/login", 200, 380, 1200, 190)
	s.user = s.p.user
	return t + Sec(Uniform(r, .2, .8))
}

// open is the burst the app sends when it comes to the foreground: config,
// flags, the user, the home feed and a handful of small calls, all within
// a second or two. It returns when the home screen is up.
func (s *session) open(t int64) int64 {
	r, w := s.r, s.w
	plat, v := s.platform()
	soon := func() int64 { return t + Sec(LogUniform(r, .03, 1.8)) }
	s.get(t, "/v2/config?platform="+plat+"&version="+v, 200, 4200, 25)
	s.get(soon(), "/v2/flags?platform="+plat+"&version="+v, 200, 1800, 18)
	if Chance(r, .2) {
		s.post(t+Sec(Uniform(r, .05, .3)), "/v2/auth/refresh", 200, 420, 1100, 40)
	}
	s.get(soon(), "/v2/me", 200, 1400, 22)
	s.get(soon(), "/v2/orders/active", 200, 300, 20)
	s.get(soon(), "/v2/notifications/unread-count", 200, 60, 12)
	switch {
	case s.p.stale():
		// Builds from before the new home screen ask for routes that are gone.
		s.get(soon(), "/v2/feed?"+w.near(r), 404, 0, 6)
		s.get(soon(), "/v2/banners", 404, 0, 5)
		if Chance(r, .5) {
			s.get(soon()+Sec(Uniform(r, 2, 6)), "/v2/feed?"+w.near(r), 404, 0, 6)
		}
	case Chance(r, w.graphql):
		s.gql(soon(), "HomeFeed")
		s.get(soon(), "/v2/promos/banners", 200, 2600, 30)
	default:
		s.get(soon(), "/v2/home/feed?"+w.near(r), 200, 38000, 85)
		s.get(soon(), "/v2/promos/banners", 200, 2600, 30)
	}
	s.get(soon(), "/v2/addresses", 200, 900, 18)
	if Chance(r, .5) {
		s.get(soon(), "/v2/restaurants/recent", 200, 6000, 40)
	}
	if Chance(r, .4) {
		s.get(soon(), "/v2/payment-methods", 200, 700, 25)
	}
	s.sdk(func() {
		s.post(soon(), "/v2/analytics/events", 202, 4000, 40, 15)
		if Chance(r, .1) {
			s.call(soon(), "PUT", "/v2/devices/push-token", 204, 260, 0, 20)
		}
	})
	return t + Sec(Uniform(r, 1.5, 3))
}

// gql posts one GraphQL operation; its body is the query text and
// variables, a few hundred bytes to a few kilobytes.
func (a *actor) gql(t int64, op string) {
	body, resp, ms := 900., 6000., 60.
	switch op {
	case "HomeFeed":
		body, resp, ms = 3200, 42000, 110
	case "RestaurantMenu":
		body, resp, ms = 1300, 30000, 70
	case "Search":
		body, resp, ms = 700, 9000, 55
	case "Me":
		body, resp, ms = 380, 1500, 20
	case "OrderHistory":
		body, resp, ms = 800, 12000, 45
	}
	status := 200
	if Chance(a.r, .004) {
		status = 400
	}
	a.call(t, "POST", "/graphql", status, min(max(LogNormal(a.r, body, .15), 300), 4000), resp, ms)
}

func searchTerms() []string {
	return []string{"pizza", "sushi", "burger", "pho", "ramen", "pad thai", "kebab", "salad", "tacos", "poke", "curry", "falafel", "bubble tea", "dumplings", "fried chicken", "pasta", "coffee", "bakery", "bibimbap", "burrito", "ice cream", "noodles"}
}

// browse is one screen of the app: a search typed letter by letter, a
// list, a restaurant and its menu, past orders. It returns when the
// screen's last call was sent.
func (s *session) browse(t int64) int64 {
	r, w := s.r, s.w
	switch x := r.Float64(); {
	case x < .2:
		term := Pick(r, searchTerms())
		for k := min(2, len(term)); ; k = min(k+1+r.IntN(3), len(term)) {
			q := url.QueryEscape(term[:k])
			if Chance(r, w.graphql) {
				s.gql(t, "Search")
			} else {
				s.get(t, "/v2/search?q="+q+"&"+w.near(r), 200, 7000, 60)
			}
			if k == len(term) {
				break
			}
			t += Sec(Uniform(r, .3, .9))
		}
	case x < .35:
		s.get(t, "/v2/restaurants?cuisine="+Pick(r, w.cuisines)+"&"+w.near(r)+"&sort="+Pick(r, []string{"eta", "rating", "eta", "fee"})+"&page="+strconv.Itoa(1+r.IntN(3)), 200, 14000, 70)
	case x < .8:
		s.rest = w.restaurant(r)
		id := strconv.Itoa(s.rest)
		s.get(t, "/v2/restaurants/"+id, 200, 2500, 25)
		switch {
		case s.p.stale():
			s.get(t+Sec(Uniform(r, .02, .3)), "/v2/restaurants/"+id+"/items", 404, 0, 5)
		case Chance(r, w.graphql):
			s.gql(t+Sec(Uniform(r, .02, .3)), "RestaurantMenu")
		default:
			s.get(t+Sec(Uniform(r, .02, .3)), "/v2/restaurants/"+id+"/menu", 200, 35000, 45)
		}
		if Chance(r, .3) {
			t += Sec(LogNormal(r, 5, .6))
			s.get(t, "/v2/restaurants/"+id+"/reviews?page=1", 200, 8000, 40)
		}
		if Chance(r, .25) {
			t += Sec(LogNormal(r, 4, .6))
			s.get(t, "/v2/restaurants/"+id+"/menu/items/"+strconv.Itoa(100000+r.IntN(900000)), 200, 3000, 20)
		}
	case x < .88:
		if Chance(r, w.graphql) {
			s.gql(t, "OrderHistory")
		} else {
			s.get(t, "/v2/orders?status=delivered&page=1", 200, 9000, 45)
		}
	case x < .94:
		s.get(t, Pick(r, []string{"/v2/me/rewards", "/v2/payment-methods", "/v2/me/favourites", "/v2/support/faq"}), 200, 3000, 25)
	default:
		if s.p.stale() {
			s.get(t, "/v2/feed?"+w.near(r), 404, 0, 6)
		} else {
			s.get(t, "/v2/home/feed?"+w.near(r), 200, 38000, 85)
		}
	}
	return t
}

// food fills a cart, places the order, pays, and follows the delivery.
// Some cards are declined; most of those customers try once more.
func (s *session) food(t int64, welcome bool) {
	r, w := s.r, s.w
	if s.rest == 0 {
		s.rest = w.restaurant(r)
	}
	for range 1 + r.IntN(4) {
		s.post(t, "/v2/cart/items", 201, 320, 1800, 40)
		t += Sec(LogNormal(r, 6, .6))
	}
	if Chance(r, .15) {
		s.call(t, "DELETE", "/v2/cart/items/"+strconv.Itoa(1+r.IntN(4)), 204, 0, 0, 25)
		t += Sec(LogNormal(r, 4, .5))
	}
	s.get(t, "/v2/cart", 200, 2400, 30)
	s.post(t+Sec(Uniform(r, .1, .5)), "/v2/cart/quote", 200, 260, 900, 120)
	if welcome || Chance(r, .12) || s.crowd && Chance(r, .5) {
		t += Sec(LogNormal(r, 9, .5))
		code := Pick(r, w.promos)
		if welcome {
			code = "WELCOME" + strconv.Itoa(10+5*r.IntN(3))
		} else if s.crowd {
			code = strings.ToUpper(w.pushPromo[:5]) + w.pushPromo[6:]
		}
		st := 200
		if x := r.Float64(); x < .12 {
			st = 400
		} else if x < .25 {
			st = 409
		}
		s.post(t, "/v2/promos/redeem", st, len64(code)+30, 450, 35)
	}
	t += Sec(LogNormal(r, 12, .5))
	if Chance(r, .02) {
		s.post(t, "/v2/orders", Pick(r, []int{409, 422}), 900, 200, 80)
		return
	}
	s.post(t, "/v2/orders", 201, 900, 2200, 160)
	id := w.order(r, t)
	t += Sec(Uniform(r, .3, 1.5))
	if !s.pay(t, id) {
		return
	}
	t += Sec(LogNormal(r, 2, .3))
	s.get(t, "/v2/orders/"+strconv.FormatInt(id, 10), 200, 3200, 30)
	s.track(t+Sec(Uniform(r, 1, 4)), id, LogNormal(r, 200, .7))
}

func len64(s string) float64 { return float64(len(s)) }

// pay posts the payment of an order and reports whether it went through.
func (s *session) pay(t int64, id int64) bool {
	r := s.r
	body := 600.
	if x := r.Float64(); x < .955 {
		s.post(t, "/v2/payments", Pick(r, []int{201, 201, 200}), body, 900, 900)
		return true
	} else if x < .995 {
		s.post(t, "/v2/payments", 402, body, 300, 800)
	} else {
		s.post(t, "/v2/payments", 502, body, 150, 9000)
	}
	if !Chance(r, .65) {
		return false
	}
	t += Sec(Uniform(r, 10, 40))
	if Chance(r, .5) {
		s.post(t, "/v2/payment-methods", 201, 700, 600, 700)
		t += Sec(Uniform(r, 2, 6))
	}
	if Chance(r, .8) {
		s.post(t, "/v2/payments", 201, body, 900, 900)
		return true
	}
	s.post(t, "/v2/payments", 402, body, 300, 800)
	return false
}

// track polls an order's position while the app is in the foreground, at
// the interval the build uses; some customers put the phone away for a
// while and look again.
func (s *session) track(t, id int64, secs float64) {
	r := s.r
	iv := Pick(r, []float64{3, 4, 5, 5, 6, 8, 10})
	path := "/v2/orders/" + strconv.FormatInt(id, 10) + "/track"
	end := t + Sec(min(secs, 2400))
	away := int64(-1)
	if Chance(r, .25) {
		away = t + Sec(Uniform(r, 0, secs))
	}
	for n := 0; t < end; n++ {
		if away > 0 && t >= away {
			t += Sec(Uniform(r, 60, 300))
			s.get(t, "/v2/orders/active", 200, 300, 20)
			away = -1
		}
		s.get(t, path, 200, 700, 15)
		if n%12 == 11 {
			s.get(t+Sec(Uniform(r, .05, .3)), "/v2/orders/"+strconv.FormatInt(id, 10), 200, 3200, 30)
		}
		t += Sec(iv * Uniform(r, .92, 1.08))
	}
}

// ride estimates a few destinations, books a ride, and follows the car:
// often while waiting for it, less often once aboard.
func (s *session) ride(t int64) {
	r, w := s.r, s.w
	for range 1 + r.IntN(3) {
		s.post(t, "/v2/rides/estimate", 200, 300, 1500, 150)
		t += Sec(LogNormal(r, 6, .5))
	}
	s.post(t, "/v2/rides", 201, 500, 1200, 200)
	path := "/v2/rides/" + strconv.FormatInt(w.order(r, t)+300_000_000, 10)
	wait := t + Sec(Uniform(r, 120, 480))
	aboard := wait + Sec(LogNormal(r, 420, .5))
	iv := Uniform(r, 3, 6)
	for t += Sec(1); t < aboard; {
		s.get(t, path, 200, 900, 18)
		if t < wait {
			t += Sec(iv * Uniform(r, .9, 1.1))
		} else {
			t += Sec(Uniform(r, 10, 15))
		}
	}
}
