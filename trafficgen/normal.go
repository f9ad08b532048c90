package trafficgen

import (
	"math"
	"strconv"
	"strings"
)

// Search terms people type, a few with characters that also show up in
// attacks (quotes, ampersands, angle brackets, percent signs).
var searchTerms = []string{
	"wireless headphones", "usb c cable", "running shoes", "coffee grinder", "laptop stand", "standing desk", "mechanical keyboard",
	"gaming mouse", "4k monitor", "air fryer", "yoga mat", "water bottle", "backpack", "phone case", "screen protector", "hdmi cable",
	"bluetooth speaker", "smart watch", "desk lamp", "office chair", "winter jacket", "rain boots", "sunglasses", "kids toys", "lego",
	"board games", "puzzle 1000", "camping tent", "sleeping bag", "hiking boots", "bike helmet", "protein powder", "vitamin d",
	"face cream", "shampoo", "dog food", "cat litter", "aquarium filter", "garden hose", "drill", "screwdriver set", "led strip",
	"smart plug", "router", "ssd 1tb", "sd card", "webcam", "microphone", "tripod", "printer ink", "notebook", "fountain pen",
	"harry potter", "cookbook", "o'reilly go", "c++ primer", "rock & roll", "tom & jerry", "50% off", "\"gift card\"", "<3 mug",
	"café", "müsli", "naïve art", "size 10", "xl", "red dress", "black friday", "sale", "new arrivals", "refurbished iphone",
	"ipad pro 11", "airpods", "galaxy s24", "pixel 8", "nintendo switch", "ps5 controller", "kindle", "instant pot", "espresso machine",
	"baby monitor", "stroller", "car seat", "crib sheets", "teething toys", "wool socks", "linen shirt", "ceramic vase", "frame 8x10",
}

// addQuery appends s form-encoded the way browsers do.
func (a *actor) addQuery(s string) *actor {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~', c == '\'':
			a.path = append(a.path, c)
		case c == ' ':
			a.path = append(a.path, '+')
		default:
			a.path = append(a.path, '%', hex[c>>4], hex[c&15])
		}
	}
	return a
}

// gap sleeps a short in-page gap between the requests of one view.
func (a *actor) gap() { a.sleep(lognorm{0.06, 0.9}.draw(a.r)) }

// idle lets sec seconds pass, emitting the polls a logged-in page makes
// meanwhile.
func (a *actor) idle(sec float64, poll *int64) {
	until := a.t + int64(sec*1000)
	if poll != nil && a.w.pollSeconds > 0 && a.user != "" {
		for *poll < until && a.live() {
			a.at(*poll)
			a.begin("/api/v1/notifications?since=").addInt(int(a.t/1000) - int(a.w.pollSeconds))
			a.send("GET", &epNotifications, 0)
			*poll += int64(a.w.pollSeconds*1000) + int64(a.r.IntN(400))
		}
	}
	a.at(until)
}

// sessionStart draws when a visit of about length seconds begins, so that
// it overlaps the recording.
func (a *actor) sessionStart(length float64) int64 {
	span := float64(a.w.end-a.w.start) / 1000
	return a.w.start + int64(uniform(a.r, -0.7*length, span-3)*1000)
}

// browser runs the visits of a person in a web browser.
func (a *actor) browser(p *person, work bool) {
	length := lognorm{480, 0.8}.draw(a.r) * math.Sqrt(p.power)
	if work {
		length = lognorm{900, 0.6}.draw(a.r)
	}
	a.t = a.sessionStart(length)
	for a.live() {
		until := a.t + int64(length*1000)
		a.visit(p, until, work)
		if !chance(a.r, 0.25*p.power) && !work {
			return
		}
		a.sleep(lognorm{180, 0.9}.draw(a.r))
		length = lognorm{200, 0.8}.draw(a.r)
	}
}

// visit is one browser session: a landing page with its assets, an
// optional login, then page views separated by think time.
func (a *actor) visit(p *person, until int64, work bool) {
	r := a.r
	a.user = ""
	remembered := p.account && chance(r, 0.6)
	if work {
		remembered = chance(r, 0.9)
	}
	// Landing.
	switch weighted(r, []float64{0.45, 0.3, 0.12, 0.08, 0.05}) {
	case 0:
		a.begin("/")
	case 1:
		a.begin("/items/").addInt(a.item())
	case 2:
		a.begin("/category/").add(pick(r, a.w.categories))
	case 3:
		a.begin("/search?q=").addQuery(pick(r, searchTerms))
	default:
		a.begin("/help/").add(pick(r, a.w.helpPages))
	}
	a.send("GET", &epPage, 0)
	a.assets(p.cached)
	p.cached = true
	a.begin("/api/v1/me")
	if remembered {
		a.user = p.user
		if chance(r, 0.04) { // the session expired
			a.user = ""
			a.send("GET", &epMe, 401)
			a.login(p)
		} else {
			a.send("GET", &epMe, 0)
		}
	} else {
		a.send("GET", &epMe, 401)
		if p.account && chance(r, 0.6) {
			a.sleep(lognorm{4, 0.8}.draw(r))
			a.login(p)
		}
	}
	a.gap()
	a.begin("/api/v1/categories")
	a.send("GET", &epExtraList, 0)
	if chance(r, 0.5) {
		a.gap()
		a.begin("/api/v1/recommendations?limit=12")
		a.send("GET", &epItemList, 0)
	}
	if a.user != "" && chance(r, 0.7) {
		a.gap()
		a.begin("/api/v1/cart")
		a.send("GET", &epCart, 0)
	}

	poll := a.t + int64(a.w.pollSeconds*1000)
	think := 5.5 / p.power
	if work {
		think = 20
	}
	for a.live() && a.t < until {
		a.page(p)
		if chance(r, 0.5) {
			a.gap()
			a.begin("/api/v1/events")
			a.send("POST", &epTelemetry, 0)
		}
		a.idle(clamp(lognorm{think, 1.0}.draw(r), 0.8, 400), &poll)
	}
	if a.user != "" && chance(r, 0.1) {
		a.begin("/logout")
		a.send("POST", &epLogout, 0)
	}
}

// assets fetches the static files of a full page load.
func (a *actor) assets(cached bool) {
	for _, f := range a.w.assets {
		if cached && !chance(a.r, 0.08) {
			continue // immutable hashed files stay in the browser cache
		}
		a.gap()
		a.begin(f.path)
		if cached {
			a.emit("GET", 304, 0, 0, lognorm{1, 0.6}.draw(a.r))
		} else {
			a.emit("GET", 200, 0, f.size, lognorm{2, 0.6}.draw(a.r)+f.size/2e5)
		}
	}
	if !cached {
		a.gap()
		a.begin("/favicon.ico")
		a.send("GET", &epMisc, 0)
	}
}

// login signs in, mistyping the password now and then.
func (a *actor) login(p *person) {
	r := a.r
	a.sleep(uniform(r, 0.3, 2))
	a.begin("/login")
	a.send("GET", &epLoginPage, 0)
	a.sleep(lognorm{9, 0.6}.draw(r))
	fails := 0
	if p.typo {
		fails = 1 + r.IntN(3)
	} else if chance(r, 0.03) {
		fails = 1
	}
	for i := 0; i <= fails && a.live(); i++ {
		a.begin("/login")
		if a.loginLimited() {
			a.send("POST", &epLogin, 429)
			a.sleep(uniform(r, 20, 60))
			continue
		}
		if i < fails {
			a.send("POST", &epLogin, 401)
			a.sleep(lognorm{7, 0.6}.draw(r))
			continue
		}
		st := a.status("POST", &epLogin)
		if st == 200 {
			st = a.w.loginOK
		}
		a.emit("POST", st, epLogin.req.draw(r), a.w.loginOKBytes(r), epLogin.dur.draw(r))
		if st < 400 {
			a.user = p.user
			a.gap()
			a.begin("/api/v1/me")
			a.send("GET", &epMe, 0)
		}
	}
}

// page is one navigation inside the web app.
func (a *actor) page(p *person) {
	r := a.r
	switch weighted(r, []float64{0.34, 0.18, 0.17, 0.07, 0.09, 0.025, 0.015, 0.06, 0.025, 0.03, 0.008}) {
	case 0: // an item
		id := a.item()
		a.begin("/api/v1/items/").addInt(id)
		a.send("GET", &epItem, 0)
		if chance(r, 0.6) {
			a.gap()
			a.begin("/api/v1/items/").addInt(id).add("/reviews?page=1&limit=10")
			a.send("GET", &epReviews, 0)
		}
		if chance(r, 0.4) {
			a.gap()
			a.begin("/api/v1/items/").addInt(id).add("/related?limit=8")
			a.send("GET", &epItemList, 0)
		}
		if chance(r, 0.5) {
			a.gap()
			a.begin("/api/v1/items/").addInt(id).add("/availability")
			a.send("GET", &epCart, 0)
		}
		if chance(r, 0.3) {
			a.gap()
			a.begin("/api/v1/recommendations?item=").addInt(id).add("&limit=12")
			a.send("GET", &epItemList, 0)
		}
		if a.user != "" && chance(r, 0.7) {
			a.gap()
			a.begin("/api/v1/wishlist/contains?item=").addInt(id)
			a.send("GET", &epMe, 0)
		}
		for i := range r.IntN(6) {
			a.gap()
			a.begin("/assets/img/items/").addInt(id).addByte('-').addInt(i + 1).add(".webp")
			a.send("GET", &epImage, 0)
		}
	case 1: // a list
		a.begin("/api/v1/items?category=").add(pick(r, a.w.categories)).add("&page=").addInt(1 + int(r.ExpFloat64()*1.5))
		a.add("&limit=").addInt(pick(r, []int{24, 24, 48}))
		if chance(r, 0.4) {
			a.add("&sort=").add(pick(r, []string{"price", "-price", "-created", "popular", "rating"}))
		}
		a.send("GET", &epItemList, 0)
		for range r.IntN(11) {
			a.gap()
			a.begin("/assets/img/items/").addInt(a.item()).add("-thumb.webp")
			a.send("GET", &epImage, 0)
		}
	case 2: // a search, often typed with suggestions
		term := pick(r, searchTerms)
		if chance(r, 0.4) {
			for n := 2; n < len(term) && a.live(); n += 1 + r.IntN(3) {
				a.sleep(uniform(r, 0.15, 0.5))
				a.begin("/api/v1/search/suggest?q=").addQuery(term[:n])
				a.send("GET", &epSearch, 0)
			}
		}
		a.sleep(uniform(r, 0.2, 1.5))
		a.begin("/api/v1/search?q=").addQuery(term)
		if chance(r, 0.3) {
			a.add("&category=").add(pick(r, a.w.categories))
		}
		a.send("GET", &epSearch, 0)
		for pg := 2; chance(r, 0.3) && a.live(); pg++ {
			a.sleep(lognorm{6, 0.7}.draw(r))
			a.begin("/api/v1/search?q=").addQuery(term).add("&page=").addInt(pg)
			a.send("GET", &epSearch, 0)
		}
	case 3: // my orders
		a.begin("/api/v1/users/").add(p.uid).add("/orders?page=1")
		if a.user == "" {
			a.send("GET", &epOrders, 401)
			a.login(p)
			return
		}
		a.send("GET", &epOrders, 0)
		if chance(r, 0.5) {
			a.sleep(lognorm{4, 0.7}.draw(r))
			a.begin("/api/v1/orders/").addOrderID()
			a.send("GET", &epOrder, 0)
		}
	case 4: // the cart
		a.begin("/api/v1/cart")
		a.send("GET", &epCart, 0)
		if chance(r, 0.6) {
			a.gap()
			a.begin("/api/v1/cart/items")
			a.send("POST", &epCartAdd, 0)
		}
		if chance(r, 0.15) {
			a.gap()
			a.begin("/api/v1/cart/items/").addInt(a.item())
			a.send("DELETE", &epCartDel, 0)
		}
		if a.user != "" && chance(r, 0.12) {
			a.sleep(lognorm{20, 0.6}.draw(r))
			a.begin("/api/v1/orders")
			st := 0
			if chance(r, 0.04) {
				st = 402 // card declined
			}
			a.send("POST", &epOrderCreate, st)
			a.gap()
			a.begin("/api/v1/orders/").addOrderID()
			a.send("GET", &epOrder, 0)
		}
	case 5: // profile
		a.begin("/api/v1/users/").add(p.uid)
		a.send("GET", &epMe, 0)
		if a.user != "" && chance(r, 0.5) {
			a.sleep(lognorm{15, 0.6}.draw(r))
			st := 0
			if chance(r, 0.06) {
				st = 422
			}
			a.send("PATCH", &epProfile, st)
		}
	case 6: // an upload
		if a.user == "" {
			return
		}
		a.upload(lognorm{400e3, 1.4}.draw(r))
	case 7: // a site-specific collection
		x := pick(r, a.w.extras)
		a.begin("/api/v1/").add(x.name).add("?page=1")
		a.send("GET", &epExtraList, 0)
		if chance(r, 0.6) {
			a.sleep(lognorm{3, 0.7}.draw(r))
			a.begin("/api/v1/").add(x.name).addByte('/')
			if x.uuid {
				a.addUUID()
			} else {
				a.addInt(1 + r.IntN(x.n))
			}
			a.send("GET", &epExtra, 0)
		}
	case 8: // a help page, a full page load
		a.begin("/help/").add(pick(r, a.w.helpPages))
		a.send("GET", &epPage, 0)
		a.assets(true)
	case 9: // a reload
		a.begin("/")
		a.send("GET", &epPage, 0)
		a.assets(true)
		a.begin("/api/v1/me")
		if a.user == "" {
			a.send("GET", &epMe, 401)
		} else {
			a.send("GET", &epMe, 0)
		}
	default: // a stale link
		a.begin("/items/").addInt(a.w.items + 1 + r.IntN(a.w.items/10+10))
		a.send("GET", &epNotFound, 0)
	}
}

// upload posts a file of size bytes.
func (a *actor) upload(size float64) {
	a.begin("/api/v1/upload")
	if int64(size) > a.w.uploadLimit {
		a.emit("POST", 413, size, 183, uniform(a.r, 1, 15))
		return
	}
	bps := logUniform(a.r, 60e3, 4e6) // 0.5 to 30 Mbit/s upstream
	a.emit("POST", 201, size, epUpload.resp.draw(a.r), epUpload.dur.draw(a.r)+size/bps*1000)
}

// mobile runs a native app install: foreground sessions with user actions
// and periodic sync, and background refreshes in between.
func (a *actor) mobile(p *person) {
	r := a.r
	a.user = p.user
	length := lognorm{240, 0.9}.draw(r) * math.Sqrt(p.power)
	a.t = a.sessionStart(length)
	for a.live() {
		until := a.t + int64(length*1000)
		a.appSession(p, until)
		// Background: the OS wakes the app now and then.
		back := a.t + int64(lognorm{300, 1.0}.draw(r)*1000)
		for bg := a.t + int64(uniform(r, 60, 900)*1000); bg < back && a.live(); bg += 900000 {
			a.at(bg)
			a.begin("/api/v1/sync?since=").addInt(int(a.t/1000) - 900)
			a.send("GET", &epSync, 0)
		}
		a.at(back)
		length = lognorm{120, 0.9}.draw(r)
	}
}

// appSession is one foreground use of the app.
func (a *actor) appSession(p *person, until int64) {
	r := a.r
	a.begin("/api/v1/config?platform=")
	if strings.Contains(p.ua, "iOS") {
		a.add("ios")
	} else {
		a.add("android")
	}
	a.send("GET", &epConfig, 0)
	a.gap()
	a.apiCall("GET", &epMe, "/api/v1/me")
	a.gap()
	a.begin("/api/v1/sync?since=").addInt(int(a.t/1000) - int(uniform(r, 600, 86400)))
	a.send("GET", &epSync, 0)
	a.gap()
	a.apiCall("GET", &epItemList, "/api/v1/items?page=1&limit=20")
	sync := a.t + int64(p.period*1000)
	tele := a.t + int64(uniform(r, 20, 60)*1000)
	for a.live() && a.t < until {
		next := a.t + int64(clamp(lognorm{5 / p.power, 0.9}.draw(r), 0.5, 300)*1000)
		for sync < next && a.live() {
			a.at(sync)
			a.begin("/api/v1/sync?since=").addInt(int(a.t/1000) - int(p.period))
			a.send("GET", &epSync, 0)
			sync += int64(p.period * 1000 * uniform(r, 0.97, 1.03))
		}
		if tele < next {
			a.at(tele)
			a.begin("/api/v1/events")
			a.send("POST", &epTelemetry, 0)
			tele += int64(uniform(r, 30, 90) * 1000)
		}
		a.at(next)
		switch weighted(r, []float64{0.4, 0.2, 0.15, 0.08, 0.07, 0.1}) {
		case 0:
			id := a.item()
			a.begin("/api/v1/items/").addInt(id)
			a.retrying("GET", &epItem)
			if chance(r, 0.5) {
				a.gap()
				a.begin("/api/v1/items/").addInt(id).add("/reviews?page=1&limit=5")
				a.retrying("GET", &epReviews)
			}
		case 1: // scrolling a feed
			cat := pick(r, a.w.categories)
			for pg := 1; pg < 2+r.IntN(6) && a.live(); pg++ {
				a.begin("/api/v1/items?category=").add(cat).add("&page=").addInt(pg).add("&limit=20")
				a.retrying("GET", &epItemList)
				a.sleep(lognorm{1.5, 0.6}.draw(r))
			}
		case 2:
			a.begin("/api/v1/search?q=").addQuery(pick(r, searchTerms))
			a.retrying("GET", &epSearch)
		case 3:
			a.begin("/api/v1/cart/items")
			a.retrying("POST", &epCartAdd)
		case 4:
			a.begin("/api/v1/users/").add(p.uid).add("/orders?page=1")
			a.retrying("GET", &epOrders)
		default:
			a.begin("/api/v1/notifications")
			a.retrying("GET", &epNotifications)
		}
	}
}

// apiCall sends a request with a bearer token that may have expired, in
// which case the app refreshes it and tries again.
func (a *actor) apiCall(method string, ep *endpoint, path string) {
	a.begin(path)
	if chance(a.r, 0.03) {
		a.send(method, ep, 401)
		a.gap()
		a.begin("/api/v1/session/refresh")
		a.send("POST", &epRefresh, 0)
		a.gap()
		a.begin(path)
	}
	a.send(method, ep, 0)
}

// retrying sends the current path over a flaky mobile network: now and
// then the app gives up waiting (499) and tries again.
func (a *actor) retrying(method string, ep *endpoint) {
	if chance(a.r, 0.02) {
		wait := uniform(a.r, 3000, 15000)
		a.emit(method, 499, 0, 0, wait)
		a.sleep(wait/1000 + uniform(a.r, 0.5, 3))
	}
	a.send(method, ep, 0)
}

// script runs a developer's script or a small integration: a poller, a
// cron job that pages through a collection, someone trying the API by hand,
// or a forgotten job that fails on every request.
func (a *actor) script(p *person) {
	r := a.r
	a.user = ""
	switch p.mode {
	case 0: // poller
		path := pick(r, []string{"/api/v1/orders?status=pending", "/api/v1/me", "/api/v1/notifications", "/api/v1/items/" + strconv.Itoa(a.item())})
		a.t = a.w.start + int64(uniform(r, -p.period, float64(a.w.end-a.w.start)/1000*0.8)*1000)
		exact := chance(r, 0.5)
		for a.live() {
			a.begin(path)
			ep := &epOrders
			if path == "/api/v1/me" || path == "/api/v1/notifications" {
				ep = &epNotifications
			}
			a.send("GET", ep, 0)
			if exact {
				a.sleep(p.period + uniform(r, -0.02, 0.05))
			} else {
				a.sleep(p.period * uniform(r, 0.6, 1.4))
			}
		}
	case 1: // cron job
		every := pick(r, []float64{60, 60, 120, 300})
		a.t = a.w.start - int64(every*1000) + int64(uniform(r, 0, every)*1000)
		pages := 2 + r.IntN(30)
		for a.live() {
			t0 := a.t
			for pg := 1; pg <= pages && a.live(); pg++ {
				a.begin("/api/v1/orders?updated_since=").addInt(int(t0/1000) - int(every)).add("&page=").addInt(pg).add("&limit=100")
				a.send("GET", &epOrders, 0)
				a.sleep(lognorm{0.12, 0.6}.draw(r))
			}
			a.at(t0 + int64(every*1000) + int64(r.IntN(1500)))
		}
	case 3: // broken: a revoked key or a removed route, retried forever
		status := pick(r, []int{401, 401, 403, 404})
		path := pick(r, []string{"/api/v1/orders?status=pending", "/api/v1/me", "/api/v1/items?page=1", "/api/v1/export/daily"})
		a.t = a.w.start + int64(uniform(r, -p.period, float64(a.w.end-a.w.start)/1000*0.8)*1000)
		for a.live() {
			a.begin(path)
			a.send("GET", &epOrders, status)
			if chance(r, 0.3) { // and a retry right away
				a.sleep(uniform(r, 0.05, 1))
				a.send("GET", &epOrders, status)
			}
			a.sleep(p.period * uniform(r, 0.9, 1.1))
		}
	default: // by hand
		a.t = a.sessionStart(240)
		until := a.t + int64(lognorm{300, 0.7}.draw(r)*1000)
		// Mistakes come early, until the key and the paths are right.
		clumsy := uniform(r, 0.05, 0.5)
		for a.live() && a.t < until {
			action := 5 + r.IntN(5)
			if chance(r, clumsy) {
				action = r.IntN(5)
			}
			clumsy *= 0.85
			switch action {
			case 0, 1: // a typo in the path
				a.begin("/api/v1/").add(pick(r, []string{"item/", "itemz/", "v1/items/", "products/"})).addInt(a.item())
				a.send("GET", &epNotFound, 0)
			case 2: // a bad body
				a.begin("/api/v1/orders")
				a.send("POST", &epOrderCreate, pick(r, []int{400, 422}))
			case 3, 4: // a wrong or missing key
				a.begin("/api/v1/me")
				a.send("GET", &epMe, pick(r, []int{401, 401, 403}))
			case 5:
				a.begin("/api/v1/items/").addInt(a.item())
				a.send("GET", &epItem, 0)
			case 6:
				a.begin("/api/v1/items?page=").addInt(1 + r.IntN(5))
				a.send("GET", &epItemList, 0)
			case 7:
				a.begin("/api/v1/search?q=").addQuery(pick(r, searchTerms))
				a.send("GET", &epSearch, 0)
			case 8:
				a.begin("/api/v1/users/").add(p.uid).add("/orders")
				a.send("GET", &epOrders, 0)
			default:
				a.begin("/api/v1/me")
				a.send("GET", &epMe, 0)
			}
			a.sleep(lognorm{8, 1.0}.draw(r))
		}
	}
}

// partner runs a heavy integration: a steady, slowly varying stream of
// mostly writes, with bulk syncs for some.
func (a *actor) partner(p *partner) {
	r := a.r
	rate := p.rate * lognorm{1, 0.15}.draw(r) // days differ
	phase := uniform(r, 0, 2*math.Pi)
	wave := uniform(r, 120, 600)
	a.t = a.w.start
	nextBatch := int64(math.MaxInt64)
	if p.batchEvery > 0 {
		nextBatch = a.w.start + int64(uniform(r, 0, p.batchEvery)*1000)
	}
	for a.live() {
		if a.t >= nextBatch {
			a.partnerBatch(p)
			nextBatch += int64(p.batchEvery * 1000)
		}
		a.partnerCall(p)
		lam := rate * (1 + 0.3*math.Sin(phase+2*math.Pi*float64(a.t-a.w.start)/1000/wave))
		a.sleep(expSeconds(r, 1/lam))
	}
}

func (a *actor) partnerCall(p *partner) {
	r := a.r
	var method string
	var ep *endpoint
	status := 0
	if chance(r, p.postShare) {
		switch r.IntN(4) {
		case 0, 1:
			method, ep = "POST", &epOrderCreate
			a.begin("/api/v1/orders")
			if chance(r, 0.015) {
				status = 409
			}
		case 2:
			method, ep = "PUT", &epStock
			a.begin("/api/v1/items/").addInt(1 + r.IntN(a.w.items)).add("/stock")
		default:
			method, ep = "POST", &epShipEvent
			a.begin("/api/v1/shipments/").addUUID().add("/events")
		}
		if status == 0 && chance(r, 0.01) {
			status = 422
		}
	} else if chance(r, 0.6) {
		method, ep = "GET", &epOrders
		a.begin("/api/v1/orders?status=").add(pick(r, []string{"pending", "paid", "shipped"})).add("&page=").addInt(1 + r.IntN(5)).add("&limit=100")
	} else {
		method, ep = "GET", &epItem
		a.begin("/api/v1/items/").addInt(1 + r.IntN(a.w.items))
	}
	if status == 0 {
		status = a.status(method, ep)
	}
	a.send(method, ep, status)
	for try := 0; (status == 429 || status >= 500) && try < 3 && a.live(); try++ {
		a.sleep(uniform(r, 0.3, 1.5) * float64(int(1)<<try))
		status = a.status(method, ep)
		a.send(method, ep, status)
	}
}

// partnerBatch is a bulk sync: hundreds of requests in a few seconds.
func (a *actor) partnerBatch(p *partner) {
	r := a.r
	stock := chance(r, 0.5)
	for i := 0; i < p.batchSize && a.live(); i++ {
		if stock {
			a.begin("/api/v1/items/").addInt(1 + r.IntN(a.w.items)).add("/stock")
			a.send("PUT", &epStock, 0)
		} else {
			a.begin("/api/v1/items?updated_since=").addInt(int(a.t/1000) - int(p.batchEvery)).add("&page=").addInt(i + 1).add("&limit=200")
			a.send("GET", &epItemList, 0)
		}
		a.sleep(lognorm{0.04, 0.5}.draw(r))
	}
}

// checker runs a health check: the same paths at a fixed period.
func (a *actor) checker(c *checker) {
	r := a.r
	method := "GET"
	if c.head {
		method = "HEAD"
	}
	a.t = a.w.start + int64(uniform(r, 0, c.period)*1000)
	for a.live() {
		t0 := a.t
		for _, path := range c.paths {
			a.begin(path)
			if path == "/" {
				a.send(method, &epPage, 0)
			} else {
				status := 200
				if in := a.incidentAt(grpOther); in != nil && chance(r, in.p) {
					status = 503
				}
				a.emit(method, status, 0, a.w.healthBytes, epHealth.dur.draw(r))
			}
			a.sleep(0.002 + 0.01*r.Float64())
		}
		a.at(t0 + int64(c.period*1000) + int64(r.NormFloat64()*8))
	}
}

// spider runs a search crawler: many distinct pages, steady but bursty.
func (a *actor) spider(c *spider) {
	r := a.r
	rate := c.rate * lognorm{1, 0.3}.draw(r)
	a.t = a.w.start + int64(expSeconds(r, 1/rate)*1000)
	if chance(r, 0.3) {
		a.begin("/robots.txt")
		a.send("GET", &epMisc, 0)
		a.sleep(uniform(r, 0.5, 3))
	}
	for a.live() {
		switch weighted(r, []float64{0.62, 0.18, 0.05, 0.01, 0.02, 0.12}) {
		case 0:
			// Crawlers reach the long tail, and old links to removed items.
			id := 1 + r.IntN(a.w.items+a.w.items/15)
			a.begin("/items/").addInt(id)
			if id > a.w.items || chance(r, 0.02) {
				a.send("GET", &epNotFound, 0)
			} else {
				a.crawlPage()
			}
		case 1:
			a.begin("/category/").add(pick(r, a.w.categories)).add("?page=").addInt(1 + int(r.ExpFloat64()*4))
			a.crawlPage()
		case 2:
			a.begin("/help/").add(pick(r, a.w.helpPages))
			a.crawlPage()
		case 3:
			a.begin("/sitemap.xml")
			a.send("GET", &epSitemap, 0)
		case 4: // an old URL scheme that redirects
			a.begin("/product/").addInt(1 + r.IntN(a.w.items))
			a.emit("GET", 301, 0, 162, uniform(r, 0.5, 3))
		default:
			if c.images {
				a.begin("/assets/img/items/").addInt(1 + r.IntN(a.w.items)).add("-1.webp")
				a.send("GET", &epImage, 0)
			} else {
				a.begin(pick(r, a.w.assets).path)
				a.send("GET", &epMisc, 0)
			}
		}
		a.sleep(expSeconds(r, 1/rate))
		if chance(r, 0.002) { // the crawler moves on for a while
			a.sleep(uniform(r, 20, 120))
		}
	}
}

// crawlPage fetches an HTML page the way a crawler does: some pages are
// unchanged since the last visit (304).
func (a *actor) crawlPage() {
	if chance(a.r, 0.1) {
		a.send("GET", &epPage, 304)
		return
	}
	a.send("GET", &epPage, 0)
}
