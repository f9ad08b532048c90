package main

import (
	"math/rand/v2"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// companion is someone on the companion app: short looks at the phone, a
// few over the evening, each reading the home screen, stats, friends and
// chat, the daily offers, now and then following a friend's match live
// or buying something for the account.
func (w *world) companion(r *rand.Rand, start int64) {
	s := w.s
	d := w.newDev(r, w.phone(r, "companion", start), start, s.companionUA(r), token(r))
	user := s.user(r)
	for d.t < w.win {
		d.user = user
		if Chance(r, 0.25) { // back after a while: the access token has expired
			d.get(d.api("/companion/home"), 401, 0.1, 10)
			d.pause(0.1, 0.5)
			d.post(d.api("/auth/token/refresh"), 200, 450, 1.2, 45)
		}
		d.get(d.api("/companion/home"), 200, 12, 60)
		if Chance(r, 0.05) {
			d.post(d.api("/devices/push-token"), 204, 260, 0, 30)
		}
		for range 1 + int(LogNormal(r, 2, 0.7)) {
			d.think(6)
			d.companionStep(user)
		}
		if !Chance(r, 0.4) {
			return
		}
		d.t += Sec(LogNormal(r, 300, 0.7))
	}
}

// companionStep is one screen of the companion app.
func (d *dev) companionStep(user string) {
	r, s := d.r, d.w.s
	switch Weighted(r, []float64{0.22, 0.2, 0.16, 0.14, 0.1, 0.08, 0.06, 0.04}) {
	case 0:
		d.get(d.api("/players/"+user+"/stats?season="+strconv.Itoa(s.season)), 200, 5, 60)
	case 1:
		d.get(d.api("/friends/presence"), 200, 1.5, 25)
	case 2:
		ch := "dm-" + s.user(r)
		d.get(d.api("/chat/channels/"+ch+"/messages?limit=50"), 200, 4, 35)
		for range r.IntN(3) {
			d.think(8)
			d.post(d.api("/chat/channels/"+ch+"/messages"), 201, 150, 0.2, 30)
		}
	case 3:
		d.get(d.api("/store/offers/daily"), 200, 10, 50)
		if Chance(r, 0.08) {
			d.think(12)
			d.post(d.api("/store/purchase"), Pick(r, []int{200, 200, 402}), 160, 1.2, 140)
		}
	case 4:
		d.get(d.api("/players/"+user+"/matches?limit=20"), 200, 14, 80)
		d.pause(1, 5)
		d.get(d.api("/matches/"+strconv.Itoa(d.w.matches-r.IntN(50000))+"/summary"), 200, 9, 70)
	case 5:
		lb := "/leaderboards/s" + strconv.Itoa(s.season) + "/" + s.mode(r).name
		d.get(d.api(lb+"?region="+s.regionTag+"&page=1"), 200, 6, 90)
	case 6:
		// Following a friend's match live: the app refreshes it while
		// the screen is on.
		id := s.user(r)
		for range 4 + r.IntN(20) {
			d.get(d.api("/players/"+id+"/live"), 200, 0.8, 20)
			d.pause(8, 12)
		}
	case 7:
		d.redeem()
	}
}

// webStore is a visitor of the web store in a browser: the store's pages
// and their assets, a sign-in, and now and then coins bought with a card,
// with the declines, the bank's challenges and the retries of real
// checkouts; others read the patch notes or look up a gift card.
func (w *world) webStore(r *rand.Rand, start int64) {
	s := w.s
	ua, mobile := Pick(r, browserUAs), Chance(r, 0.35)
	var at func(int64) *Client
	if mobile {
		ua, at = Pick(r, phoneUAs), w.phone(r, "web-store", start)
	} else {
		at = w.fixed(w.l.V4(r, s.region.home), "web-store")
	}
	d := w.newDev(r, at, start, ua, 500+int64(r.IntN(900)))
	cached := Chance(r, 0.4)
	page := func(path string, kbs float64) {
		d.get(path, 200, kbs, 60)
		d.assets(cached)
		cached = true
	}
	user := s.user(r)
	switch Weighted(r, []float64{0.55, 0.3, 0.15}) {
	case 0:
		page("/store", 80)
		for range 1 + r.IntN(5) {
			d.think(10)
			it := s.item(r)
			page("/store/items/"+it.slug, 60)
			d.get(d.api("/store/items/"+it.sku), 200, 4, 35)
		}
		if Chance(r, 0.3) {
			d.buyCoins(user, page)
		}
	case 1:
		page("/news/season-"+strconv.Itoa(s.season)+"-patch-notes", 140)
		d.think(60)
		page("/news", 60)
	default:
		page("/account", 40)
		if d.password(user, s.twoFA) {
			d.user = user
			d.get(d.api("/players/me/wallet"), 200, 0.4, 25)
			d.think(8)
			d.get(d.api("/giftcards/"+strconv.Itoa(700000000+r.IntN(90000000))), Pick(r, []int{200, 200, 404}), 0.5, 30)
		}
	}
}

// assets loads what the store's pages need that the browser does not
// hold yet.
func (d *dev) assets(cached bool) {
	as := d.w.s.assets
	t0 := d.t
	for _, a := range as {
		d.t = t0 + Sec(Uniform(d.r, 0.05, 0.9))
		switch {
		case !cached:
			d.get(a.path, 200, a.kb, 10+a.kb/25)
		case Chance(d.r, 0.15):
			d.send("GET", a.path, 304, 0, 0, 6)
		}
	}
	d.t = t0 + Sec(Uniform(d.r, 0.4, 1.5))
}

// buyCoins signs in and pays for a currency pack with a card: some cards
// are declined (and another tried), some banks ask for a challenge that
// the page polls until it is done.
func (d *dev) buyCoins(user string, page func(string, float64)) {
	r, s, w := d.r, d.w.s, d.w
	page("/store/coins", 50)
	if !d.password(user, s.twoFA) {
		return
	}
	d.user = user
	pack := Pick(r, s.packs)
	d.think(15)
	d.post(d.api("/payments/checkout?sku="+pack.sku), 201, 240, 1.2, 120)
	for attempt := 0; attempt < 3; attempt++ {
		d.think(30)
		switch x := r.Float64(); {
		case x < 0.08:
			d.post(d.api("/payments/authorize"), 402, 700, 0.4, 900)
			if Chance(r, 0.4) {
				return
			}
			continue
		case x < 0.11:
			d.post(d.api("/payments/authorize"), 422, 700, 0.3, 60) // a typo in the card form
			continue
		case x < 0.25:
			d.post(d.api("/payments/authorize"), 202, 700, 0.8, 800)
			co := Hex(r, 12)
			for range 2 + r.IntN(5) {
				d.pause(2, 4)
				d.get(d.api("/payments/status?checkout="+co), 200, 0.2, 25)
			}
		default:
			d.post(d.api("/payments/authorize"), 200, 700, 0.9, 850)
		}
		w.payments = append(w.payments, d.t)
		d.pause(0.5, 2)
		d.get(d.api("/players/me/wallet"), 200, 0.4, 25)
		return
	}
}
