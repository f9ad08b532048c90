package main

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// customers are the day's ordinary people: fans browsing and now and then
// buying on the web shop or in the app, ticket holders opening their
// tickets before the doors open or listing one for resale, and the link
// previews of chat apps when someone shares an event.
func (w *world) customers(r *rand.Rand, n int) {
	for range n {
		pr := Sub(r)
		// Some were already on the site when the window opened.
		start := Sec(Uniform(pr, -420, float64(w.win)/1e9))
		switch x := pr.Float64(); {
		case x < 0.7:
			w.browse(pr, start)
		case x < 0.985:
			w.holder(pr, start)
		default:
			w.preview(pr, start)
		}
	}
}

// device draws a person's phone or computer: the app (at appShare) or a
// browser, on a phone at mobileShare, and the user agent it sends.
func (w *world) device(r *rand.Rand, appShare, mobileShare float64) (app, mobile bool, ua string) {
	s := w.s
	app = Chance(r, appShare)
	mobile = app || Chance(r, mobileShare)
	switch {
	case app:
		ua = s.appUA(r)
	case mobile:
		ua = Pick(r, phoneBrowserUAs)
	default:
		ua = Pick(r, browserUAs)
	}
	return app, mobile, ua
}

// browse is a fan looking around: the home page or feed, events, searches,
// venues, sometimes the on-sale everyone talks about, and now and then a
// purchase or a new account.
func (w *world) browse(r *rand.Rand, start int64) {
	s := w.s
	app, mobile, ua := w.device(r, 1-s.webShare, s.mobileShare)
	profile := "fan-web"
	if app {
		profile = "fan-app"
	}
	v := w.newVisit(r, w.where(r, mobile, profile, start), start, app, ua)
	user := s.user(r)
	if Chance(r, 0.35) {
		v.user = user
	}
	// Some come back later in the evening, on the same device.
	for v.t < w.win {
		v.session(user)
		if !Chance(r, 0.3) {
			return
		}
		v.t += Sec(LogNormal(r, 240, 0.5))
	}
}

// session is one visit of a fan: the landing, a few looks around, now and
// then a purchase or a new account.
func (v *visit) session(user string) {
	w, s, r := v.w, v.w.s, v.r
	app := v.app
	if v.user != "" && !v.resume(user) {
		return
	}
	switch {
	case app:
		v.get("/api/v3/config?platform="+platform(v.ua)+"&v="+appVersion(v.ua), 200, 2.5, 20)
		v.pause(0.1, 0.5)
		v.gql("HomeFeed", 28, 120)
		if Chance(r, 0.5) {
			v.pause(0.1, 0.5)
			v.gql("Recommendations", 9, 90)
		}
	case Chance(r, 0.45):
		v.page("/", 110)
		v.pause(0.3, 1)
		v.get("/api/v3/events?city="+s.city+"&sort=popular&limit=24", 200, 22, 80)
	case Chance(r, 0.6):
		v.page("/events/"+s.event(r).slug+"?utm_source="+Pick(r, []string{"instagram", "newsletter", "google", "facebook", "tiktok"}), 85)
	default:
		v.search(query(r, s))
	}
	for range 2 + int(LogNormal(r, 5, 0.7)) {
		v.think(12)
		switch Weighted(r, []float64{0.5, 0.14, 0.08, 0.08, 0.08, 0.06, 0.06}) {
		case 0:
			v.eventView(s.event(r))
		case 1:
			v.search(query(r, s))
		case 2:
			ven := Pick(r, s.venues)
			if app {
				v.read("/api/v3/venues/"+ven.slug, "VenueInfo", 7, 40)
			} else {
				v.page("/venues/"+ven.slug, 70)
			}
		case 3:
			cat := Pick(r, []string{"concerts", "sports", "theatre", "comedy", "family"})
			p := "/api/v3/events?category=" + cat + "&city=" + s.city + "&page=" + strconv.Itoa(1+r.IntN(3))
			v.read(p, "BrowseCategory", 20, 75)
		case 4:
			v.eventView(&w.sale.ev)
		case 5:
			if app {
				v.post("/api/v3/telemetry", 204, 2600, 0, 12)
			} else {
				v.get("/api/v3/recommendations?limit=8", 200, 9, 90)
			}
		case 6:
			if v.user != "" {
				v.read("/api/v3/me/tickets", "MyTickets", 6, 70)
			} else if !app {
				v.page("/help/"+Pick(r, []string{"refunds", "delivery", "accessibility", "resale", "contact"}), 30)
			}
		}
	}
	switch {
	case Chance(r, 0.07):
		v.think(10)
		v.buy(s.event(r), user, "")
	case v.user == "" && Chance(r, 0.02):
		v.signup()
	}
	if app {
		v.pause(1, 20)
		v.post("/api/v3/telemetry", 204, 3800, 0, 12)
	}
}

// signup is a new account, with the form failing validation once or twice
// before it goes through (or the visitor gives up).
func (v *visit) signup() {
	if !v.app {
		v.page("/signup", 30)
	}
	v.think(40)
	for range Weighted(v.r, []float64{0.5, 0.3, 0.2}) {
		v.post("/api/v3/account", Pick(v.r, []int{400, 422, 422, 409}), 420, 0.4, 90)
		v.think(20)
	}
	if Chance(v.r, 0.85) {
		v.post("/api/v3/account", 201, 420, 0.8, 230)
	}
}

// holder is someone with tickets: before the doors open they bring up the
// barcode again and again, others look at their orders, pass a ticket on
// to a friend, or list it for resale, which asks for a photo of an ID.
func (w *world) holder(r *rand.Rand, start int64) {
	s := w.s
	app, mobile, ua := w.device(r, 0.7, s.mobileShare)
	v := w.newVisit(r, w.where(r, mobile, "holder", start), start, app, ua)
	if !app {
		v.page("/account/tickets", 45)
	}
	if !v.resume(s.user(r)) {
		return
	}
	v.read("/api/v3/me/tickets", "MyTickets", 6, 70)
	first := s.ticketBase - 1 - r.IntN(3000000)
	n := 1 + r.IntN(4)
	order := s.orderBase - 1 - r.IntN(1500000)
	v.think(6)
	ticket := strconv.Itoa(first + r.IntN(n))
	v.read("/api/v3/tickets/"+ticket, "TicketDetail", 2, 35)
	switch x := r.Float64(); {
	case x < 0.4 && app:
		// At the gate: the rotating barcode renews while the screen is on.
		for range 3 + r.IntN(14) {
			v.pause(12, 30)
			v.get("/api/v3/tickets/"+ticket+"/barcode", 200, 0.6, 18)
		}
	case x < 0.55:
		v.think(8)
		v.read("/api/v3/orders/"+strconv.Itoa(order), "OrderDetail", 3, 50)
		if Chance(r, 0.3) {
			v.think(10)
			v.get("/api/v3/orders/"+strconv.Itoa(order)+"/invoice.pdf", 200, 70, 180)
		}
	case x < 0.65:
		v.think(30)
		for range Weighted(r, []float64{0.8, 0.2}) {
			v.post("/api/v3/tickets/"+ticket+"/transfer", 422, 140, 0.3, 60) // a mistyped address
			v.think(15)
		}
		v.post("/api/v3/tickets/"+ticket+"/transfer", 200, 140, 0.8, 140)
	case x < 0.75:
		v.resale(ticket)
	default:
		for range 1 + r.IntN(3) {
			v.think(10)
			v.read("/api/v3/tickets/"+strconv.Itoa(first+r.IntN(n)), "TicketDetail", 2, 35)
		}
	}
	if Chance(r, 0.3) { // and then looks at what else is on
		v.think(20)
		v.session(v.user)
	}
}

// resale lists a ticket on the box office's own resale: a price, then one
// or two photos of an ID (a phone picture of 1 to 4 MB), sometimes
// refused as unreadable and taken again.
func (v *visit) resale(ticket string) {
	v.think(8)
	v.read("/api/v3/resale/price-guide?ticket="+ticket, "ResalePriceGuide", 1.5, 60)
	v.think(25)
	v.post("/api/v3/resale/listings", 201, 260, 0.9, 150)
	for range 1 + v.r.IntN(2) {
		v.think(20)
		for {
			size := int64(Uniform(v.r, 1, 4) * (1 << 20))
			mbps := LogUniform(v.r, 0.4, 6) // upstream MB a second
			status := 201
			if Chance(v.r, 0.12) {
				status = 422
			}
			v.send("POST", "/api/v3/resale/verify", status, size, kb(v.r, 0.4), 1000*float64(size)/(1<<20)/mbps)
			if status == 201 {
				break
			}
			v.think(25)
		}
	}
}

// preview is a chat app or social network fetching an event page to show
// a card for a link someone shared.
func (w *world) preview(r *rand.Rand, start int64) {
	ua := Pick(r, []string{
		"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
		"WhatsApp/2.24.25.79 A",
		"Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
		"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
		"TelegramBot (like TwitterBot)",
	})
	c := w.l.Client(w.l.V4(r, cloudNets), KindNormal)
	c.Profile = "link-preview"
	v := w.newVisit(r, func(int64) *Client { return c }, start, false, ua)
	v.hdr = 180
	e := w.s.event(r)
	if Chance(r, 0.5) {
		e = &w.sale.ev
	}
	for range 1 + r.IntN(3) {
		v.get("/events/"+e.slug, 200, 85, 60)
		if Chance(r, 0.6) {
			v.pause(0.1, 0.5)
			v.get("/img/events/"+strconv.Itoa(e.id)+"/og-1200.jpg", 200, 120, 25)
		}
		v.pause(5, 60)
	}
}

// boxOffice is the staff at the box office: each keeps the sales dashboard
// open, which polls the sales of an event and the entries of tonight's,
// and now and then looks up an order or reissues a ticket.
func (w *world) boxOffice(r *rand.Rand) {
	s := w.s
	for i := range s.staff {
		if !Chance(r, 0.85) {
			continue
		}
		o := w.offices[i%len(w.offices)]
		o.people++
		c := o.c
		v := w.newVisit(r, func(int64) *Client { return c }, Sec(Uniform(r, -600, 0.5*float64(w.win)/1e9)), false, Pick(r, browserUAs[:5]))
		v.user = fmt.Sprintf("staff.%s%d", strings.ToLower(Hex(r, 3)), i)
		v.page("/boxoffice/dashboard", 140)
		ev := s.tonight(r)
		if Chance(r, 0.5) {
			ev = &w.sale.ev
		}
		id := strconv.Itoa(ev.id)
		sales, scans, act := v.t, v.t+Sec(Uniform(r, 0, 30)), v.t+Sec(LogNormal(r, 180, 0.8))
		every := Uniform(r, 10, 30)
		for v.t < w.win {
			switch v.t = min(sales, scans, act); v.t {
			case sales:
				v.get("/boxoffice/api/sales?event="+id+"&since="+strconv.FormatInt((w.l.Start().Unix()+v.t/1e9)/60*60, 10), 200, 4, 70)
				sales += Sec(every * Uniform(r, 0.95, 1.05))
			case scans:
				v.get("/boxoffice/api/scans?event="+strconv.Itoa(s.tonight(r).id), 200, 2.5, 55)
				scans += Sec(Uniform(r, 30, 60))
			default:
				switch Weighted(r, []float64{0.6, 0.25, 0.15}) {
				case 0:
					v.get("/boxoffice/api/orders?q="+url.QueryEscape(strings.ToLower(Pick(r, surnames))), 200, 6, 120)
				case 1:
					v.post("/boxoffice/api/orders/"+strconv.Itoa(w.s.orderBase-r.IntN(200000))+"/reissue", 200, 90, 0.4, 300)
				case 2:
					v.post("/boxoffice/api/orders/"+strconv.Itoa(w.s.orderBase-r.IntN(200000))+"/refund", Pick(r, []int{200, 200, 422}), 160, 0.4, 420)
				}
				act += Sec(LogNormal(r, 240, 0.8))
			}
		}
	}
}

var surnames = []string{"Okafor", "Schmidt", "Nguyen", "Garcia", "Smith", "Kowalski", "Jansen", "Brown", "Rossi", "Haddad", "Murphy", "Lindqvist"}

// query draws what people type into the search box.
func query(r *rand.Rand, s *site) string {
	var q string
	switch x := r.Float64(); {
	case x < 0.55:
		q = strings.ToLower(Pick(r, artists))
		if Chance(r, 0.15) { // typed too fast
			i := 1 + r.IntN(len(q)-2)
			q = q[:i] + q[i+1:]
		}
	case x < 0.7:
		q = strings.ToLower(Pick(r, teams))
	case x < 0.85:
		q = Pick(r, []string{"concerts this weekend", "comedy", "football", "kids", "festival", "jazz", "tonight"})
	default:
		q = strings.ToLower(Pick(r, artists)) + " " + s.city
	}
	return url.QueryEscape(q)
}

func platform(ua string) string {
	if strings.Contains(ua, "iOS") {
		return "ios"
	}
	return "android"
}

func appVersion(ua string) string {
	v, _, _ := strings.Cut(strings.TrimPrefix(ua, "Gatehouse/"), " ")
	return v
}
