package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

func dur(minutes int) time.Duration { return time.Duration(minutes) * time.Minute }

func newRand(a, b uint64) *rand.Rand { return rand.New(rand.NewPCG(a, b)) }

// person is a member of the shop's user pool: who they are is fixed by
// the site, so that the same people (and their addresses) come back on
// other days.
type person struct {
	profile string // browser, member, app, integration
	ip      string // home address, or "" for a phone on IPv6
	net6    string // the /64 of a phone on IPv6
	ua      string
	name    string
	key     string
	hdr     int
}

// pool draws the site's users; each day a subset of them visits.
func (w *world) pool(n int) []*person {
	s := w.site
	out := make([]*person, 0, n)
	for range n {
		p := &person{name: Pick(s, firstNames) + "." + Pick(s, lastNames) + strconv.Itoa(s.IntN(100))}
		switch x := s.Float64(); {
		case x < w.mix[0]:
			p.profile, p.ua, p.hdr = "browser", browserUA(s), 600+s.IntN(900)
		case x < w.mix[1]:
			p.profile, p.ua, p.hdr = "member", browserUA(s), 700+s.IntN(900)
		case x < w.mix[2]:
			ios := s.IntN(2) == 0
			p.profile, p.ua, p.hdr = "app", appUA(s, ios), 350+s.IntN(300)
			p.key = w.appKeys[map[bool]int{true: 0, false: 1}[ios]]
		default:
			p.profile, p.hdr = "integration", 200+s.IntN(200)
			p.ua = Pick(s, []string{"python-requests/2.32.3", "Go-http-client/2.0", "axios/1.7.7", "WooSync/1.4 (+https://woosync.example)", "Shopbridge-Connector/3.0", "curl/8.9.1", "Java-http-client/21.0.4"})
			p.key = "pk_live_" + Hex(s, 16)
		}
		if (p.profile == "app" || p.profile != "integration" && Chance(s, .15)) && Chance(s, .3) {
			p.net6 = V6Net(s, mobileV6)
		} else if Chance(s, .08) {
			p.net6 = V6Net(s, homeV6)
		} else {
			p.ip = w.log.V4(s, homeV4)
		}
		out = append(out, p)
	}
	return out
}

// arrival draws a session start in [-4 min, W) from a rate that drifts
// over the window (the evening rises or falls) and wobbles, by thinning.
func (w *world) arrival(r *rand.Rand, slope, amp, phase float64) int64 {
	lo, hi := -Sec(240), w.W
	for {
		t := lo + int64(r.Float64()*float64(hi-lo))
		x := float64(t) / float64(w.W)
		rate := 1 + slope*(x-.5) + amp*math.Sin(2*math.Pi*x*1.3+phase)
		if r.Float64()*(1+math.Abs(slope)/2+amp) < rate {
			return t
		}
	}
}

// visit runs one day of a pool person through its client address (or
// addresses, for a phone rotating its IPv6 privacy address).
func (w *world) visit(p *person, start int64, sale bool) {
	r := Sub(w.day)
	a := &actor{w: w, r: r, ua: p.ua, key: p.key, name: p.name, hdr: p.hdr, app: p.profile == "app"}
	rotate := false
	if p.ip != "" {
		a.c = w.log.Client(p.ip, KindNormal)
	} else {
		a.c = w.log.Client(w.log.V6In(r, p.net6), KindNormal)
		rotate = Chance(r, .45)
	}
	a.c.Profile = p.profile
	if rotate {
		a.c.Profile = p.profile + "-v6"
		rot := w.log.RotateV6(r, a.c, p.net6, start, 60, 360)
		a.onRotate = func(t int64) { a.c = rot(t) }
	}
	switch p.profile {
	case "integration":
		w.integration(a, start)
	default:
		if p.profile == "member" || a.app && Chance(r, .6) {
			a.user = p.name // remembered session or app token
		}
		sessions := 1 + r.IntN(2)
		for s := 0; s < sessions && start < w.W; s++ {
			start = w.session(a, start, 3+int(r.ExpFloat64()*14), sale) + Sec(Uniform(r, 30, 400))
		}
	}
}

// session is one visit of a browser or the app: a few screens, each a page
// or app call and the calls it makes. It returns when the visit ends.
func (w *world) session(a *actor, t int64, screens int, sale bool) int64 {
	r := a.r
	if a.app {
		a.send(t, "GET", "/api/m/bootstrap?v=2", rAPI, 200, 0)
		if a.user != "" {
			a.send(t+xhr(r), "POST", "/api/m/push/register", rAPI, 204, 180)
		}
	} else {
		landing := Pick(r, []string{"/", "/", "/c/" + Pick(r, w.cats), "/p/" + w.sku(r)})
		if sale {
			landing = "/sale/" + w.saleSlug
		}
		a.send(t, "GET", landing, rPage, 200, 0)
		a.send(t+xhr(r), "GET", "/api/session", rAPI, 200, 0)
	}
	for i := 0; i < screens && t < w.W; i++ {
		t += think(r)
		if a.onRotate != nil {
			a.onRotate(t)
		}
		t = w.screen(a, t, sale && w.sale.has(t))
	}
	return t
}

func (w *world) screen(a *actor, t int64, sale bool) int64 {
	r := a.r
	page := func(path string, rc route, st int) int {
		s := a.send(t, "GET", path, rc, st, 0)
		t += xhr(r)
		return s
	}
	m, cart := "", "/api/cart" // app routes live under /api/m
	if a.app {
		m, cart = "/api/m", "/api/m/cart"
	}
	switch x := r.Float64(); {
	case sale && x < .55:
		sku := Pick(r, w.saleSKUs)
		page(m+"/sale/"+w.saleSlug+"?page="+strconv.Itoa(1+r.IntN(3)), rPage, 200)
		page(m+"/p/"+sku, rProduct, 200)
		if Chance(r, .45) {
			st := 201
			if Chance(r, .12) {
				st = 409 // sold out in the meantime
			}
			a.send(t, "POST", cart+"/lines", rCart, st, int64(Uniform(r, 120, 260)))
			t += xhr(r)
			if st == 201 && Chance(r, .25) {
				t = w.checkout(a, t+think(r))
			}
		}
	case x < .25:
		path := fmt.Sprintf("%s/c/%s?page=%d&sort=%s", m, Pick(r, w.cats), 1+int(r.ExpFloat64()*1.5), Pick(r, sorts))
		if Chance(r, .3) {
			path += "&colour=" + Pick(r, colours) + "&size=" + Pick(r, sizes)
		}
		page(path, rPage, 200)
	case x < .55:
		sku := w.sku(r)
		st := 200
		if !a.app && Chance(r, .08) {
			st = 304
		}
		if Chance(r, .015) {
			st = 404 // discontinued, link from an old search result
		}
		if page(m+"/p/"+sku, rProduct, st) == 404 {
			break
		}
		page("/api/recs?sku="+sku+"&n=12", rAPI, 200)
		if Chance(r, .35) {
			page(fmt.Sprintf("/api/reviews?sku=%s&page=%d", sku, 1+r.IntN(3)), rAPI, 200)
		}
		if Chance(r, .05) {
			page("/api/stores/stock?sku="+sku+"&zip="+strconv.Itoa(10000+r.IntN(89999)), rAPI, 200)
		}
	case x < .7:
		term := []rune(Pick(r, queries))
		for k := 2; k < len(term) && k < 6 && !a.app; k += 1 + r.IntN(3) {
			page("/api/suggest?q="+q(string(term[:k])), rSearch, 200)
			t += Sec(Uniform(r, .1, .4))
		}
		page(m+"/search?q="+q(string(term)), rSearch, 200)
	case x < .8:
		st := 201
		if Chance(r, .03) {
			st = 409
		}
		a.send(t, "POST", cart+"/lines", rCart, st, int64(Uniform(r, 120, 260)))
		t += xhr(r)
		page(cart, rCart, 200)
		if Chance(r, .12) {
			t = w.checkout(a, t+think(r))
		}
	case x < .9:
		if a.user == "" {
			if a.name != "" && Chance(r, .5) {
				t = w.login(a, t)
			} else {
				page(m+"/account", rAccount, 401)
			}
			break
		}
		page(m+"/account/orders?page=1", rAccount, 200)
		if Chance(r, .4) {
			page(fmt.Sprintf("%s/order/%d", m, w.orderMax-r.IntN(400000)), rAccount, 200)
		}
		if Chance(r, .2) {
			page(m+"/account/wishlist", rAccount, 200)
		}
	default:
		page(cart, rCart, 200)
		if Chance(r, .3) {
			a.send(t, "DELETE", cart+"/lines/"+strconv.Itoa(1+r.IntN(3)), rCart, 204, 0)
		}
	}
	return t
}

// login signs a person in; some mistype their password first.
func (w *world) login(a *actor, t int64) int64 {
	r := a.r
	if !a.app {
		a.send(t, "GET", "/account/login", rPage, 200, 0)
		t += think(r) / 2
	}
	for range 3 {
		st := 200
		if Chance(r, .1) {
			st = 401
		}
		a.send(t, "POST", "/account/login", rLogin, st, int64(Uniform(r, 90, 160)))
		t += Sec(Uniform(r, .3, .9))
		if st == 200 {
			a.user = a.name
			return t
		}
		t += Sec(Uniform(r, 4, 20))
	}
	return t
}

// checkout creates an order and pays for it; some cards are declined.
func (w *world) checkout(a *actor, t int64) int64 {
	r := a.r
	if a.send(t, "POST", "/api/checkout", rCheckout, 201, int64(Uniform(r, 400, 900))) >= 400 {
		return t
	}
	order := w.orderMax + r.IntN(5000)
	t += Sec(Uniform(r, 15, 70)) // typing the card
	for try := 0; try < 2; try++ {
		st := 200
		if Chance(r, .05) {
			st = 402
		}
		st = a.send(t, "POST", "/api/payments/confirm", rPay, st, int64(Uniform(r, 500, 1100)))
		t += Sec(Uniform(r, .5, 2))
		if st < 400 {
			a.send(t, "GET", fmt.Sprintf("/order/%d/confirmation", order), rAccount, 200, 0)
			return t
		}
		t += Sec(Uniform(r, 20, 60))
	}
	return t
}

// integration: a small merchant tool or affiliate script with its own key,
// polling on a schedule.
func (w *world) integration(a *actor, t int64) {
	r := a.r
	every := Uniform(r, 30, 300)
	st := 200
	if Chance(r, .05) {
		st = 401 // a revoked key nobody switched off
	}
	for t = max(t, 0) + Sec(Uniform(r, 0, every)); t < w.W; t += Sec(every * Uniform(r, .9, 1.1)) {
		switch x := r.Float64(); {
		case x < .5:
			for pg := 1; pg <= 1+r.IntN(4); pg++ {
				a.send(t, "GET", fmt.Sprintf("/api/partner/v1/products?updated_since=%s&page=%d", w.log.Start().Add(time.Duration(t)-time.Hour).Format("2006-01-02T15:04:00Z"), pg), rPartner, st, 0)
				t += Sec(Uniform(r, .2, .8))
			}
		case x < .8:
			a.send(t, "GET", "/api/partner/v1/orders?status=paid&limit=50", rPartner, st, 0)
		default:
			a.send(t, "PUT", "/api/partner/v1/stock/"+w.sku(r), rPartner, map[bool]int{true: 204, false: st}[st == 200], int64(Uniform(r, 80, 200)))
		}
	}
}
