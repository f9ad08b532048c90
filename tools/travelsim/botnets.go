package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// A swarm is one campaign over many addresses: when and how its members
// arrive, where their addresses come from and what they say they are.
type swarm struct {
	kind, id string
	size     int
	start    int64
	spread   int64
	shape    int       // arrival: 0 all at once, 1 one after the other, 2 faster and faster
	sources  []float64 // residential proxies, mobile proxies, IPv6 lines, servers
	ua       func(r *rand.Rand) string
}

// botnets adds the day's campaigns: one of each kind, and now and then a
// second stuffing, scraping or flooding one run by someone else.
func (w *world) botnets(r *rand.Rand) {
	for _, k := range []func(*rand.Rand){w.stuffing, w.cardtest, w.scraping, w.ddos, w.pnrguess, w.milesfraud} {
		k(Sub(r))
	}
	if Chance(r, 0.5) {
		Pick(r, []func(*rand.Rand){w.stuffing, w.scraping, w.ddos})(Sub(r))
	}
}

// newSwarm draws a campaign of kind over lo to hi addresses.
func (w *world) newSwarm(r *rand.Rand, kind string, lo, hi int, sources []float64) *swarm {
	secs := float64(w.end) / 1e9
	sw := &swarm{kind: kind, id: kind + "-" + Hex(r, 4), size: lo + r.IntN(hi-lo+1), shape: r.IntN(3), sources: sources}
	sw.start = Sec(Uniform(r, 0.04, 0.6) * secs)
	sw.spread = Sec(Uniform(r, 0.08, 0.35) * secs)
	sw.ua = w.uaMix(r, 5, 2, 1)
	return sw
}

// uaMix returns how a campaign's members draw their user agents: each a
// browser of its own, the app, or one string all of them send.
func (w *world) uaMix(r *rand.Rand, browsers, app, one float64) func(*rand.Rand) string {
	switch Weighted(r, []float64{browsers, app, one}) {
	case 0:
		return func(r *rand.Rand) string { return browserUA(r, Chance(r, 0.35)) }
	case 1:
		return func(r *rand.Rand) string { ua, _ := w.sky.appUA(r, Chance(r, 0.5)); return ua }
	}
	ua := Pick(r, append([]string{browserUA(r, false), ""}, scriptUAs...))
	return func(*rand.Rand) string { return ua }
}

// recruit registers one address of the swarm.
func (w *world) recruit(r *rand.Rand, sw *swarm) *Client {
	home := &w.sky.home
	var ip string
	switch Weighted(r, sw.sources) {
	case 0:
		if Chance(r, 0.5) {
			ip = w.log.V4(r, home.home4)
		} else {
			ip = w.log.V4(r, slices.Concat(Pick(r, markets).home4, abroad4))
		}
	case 1:
		ip = w.log.V4(r, Pick(r, markets).mobile4)
	case 2:
		m := Pick(r, markets)
		ip = w.log.V6In(r, V6Net(r, Pick(r, [][]string{m.home6, m.mobile6, abroad6})))
	default:
		ip = w.log.V4(r, hosting4)
	}
	c := w.log.Client(ip, sw.kind)
	c.Campaign = sw.id
	return c
}

// arrival draws when member i of the swarm sends its first request.
func (sw *swarm) arrival(r *rand.Rand, i int, end int64) int64 {
	var t int64
	switch sw.shape {
	case 0:
		t = sw.start + Sec(Uniform(r, 0, 8))
	case 1:
		t = sw.start + int64(float64(sw.spread)*(float64(i)+r.Float64())/float64(sw.size))
	default:
		t = sw.start + int64(float64(sw.spread)*math.Sqrt(r.Float64()))
	}
	return min(t, end-Sec(3))
}

// launch schedules every member of sw doing do, each set up by setup
// knowing when it arrives.
func (w *world) launch(r *rand.Rand, sw *swarm, do func(a *raid, w *world, now int64) (float64, bool), setup func(a *raid, at int64)) {
	for i := range sw.size {
		mr := Sub(r)
		a := &raid{r: mr, do: do, until: w.end, max: math.MaxInt}
		a.sender = sender{from: fixed(w.recruit(mr, sw)), ua: sw.ua(mr), attack: true}
		at := sw.arrival(mr, i, w.end)
		setup(a, at)
		w.at(at, a)
	}
}

// stuffing tries leaked e-mail and password pairs on loyalty sign-in, a
// few from each address of residential proxies.
func (w *world) stuffing(r *rand.Rand) {
	sw := w.newSwarm(r, "stuffing", 40, 150, []float64{6, 2, 1.5, 0.5})
	pace := LogUniform(r, 3, 30)
	w.launch(r, sw, stuff, func(a *raid, at int64) {
		a.max, a.rate = 2+a.r.IntN(14), 1/LogNormal(a.r, pace, 0.4)
	})
}

func stuff(a *raid, w *world, now int64) (float64, bool) {
	r := a.r
	if a.stage == 1 { // a pair that worked meets the second factor
		a.stage = 2
		w.send(&a.sender, now, post(r, "POST", w.sky.api+"/auth/mfa", clsLogin, 401, 140, 200, ms(r, 140)))
		return r.ExpFloat64() / a.rate, true
	}
	status := []int{401, 200, 423, 400}[Weighted(r, []float64{88, 3, 5, 4})]
	st := w.send(&a.sender, now, post(r, "POST", w.sky.api+"/auth/login", clsLogin, status, int64(180+r.IntN(120)), 320, ms(r, 330)))
	if st == 200 && a.stage == 0 {
		a.stage = 1
		return Uniform(r, 1, 4), true
	}
	return r.ExpFloat64() / a.rate, true
}

// cardtest checks stolen card numbers on the payment of a cheap fare held
// in a cart, or on gift cards; most are declined (402).
func (w *world) cardtest(r *rand.Rand) {
	sw := w.newSwarm(r, "cardtest", 20, 70, []float64{3, 1, 1, 2})
	sw.ua = w.uaMix(r, 5, 1, 1)
	gift := Chance(r, 0.35)
	w.launch(r, sw, card, func(a *raid, at int64) {
		a.max, a.rate = 4+a.r.IntN(14), 1/LogUniform(a.r, 4, 25)
		a.code = []byte(Hex(a.r, 16))
		if gift {
			a.stage = 2
		}
	})
}

func card(a *raid, w *world, now int64) (float64, bool) {
	r, api := a.r, w.sky.api
	switch a.stage {
	case 0:
		a.stage = 1
		w.send(&a.sender, now, post(r, "POST", api+"/cart", clsBook, 201, kb(r, 1.1), kb(r, 6), ms(r, 350)))
		return Uniform(r, 2, 8), true
	case 1:
		a.stage = 3
		w.send(&a.sender, now, post(r, "PUT", fmt.Sprintf("%s/cart/%s/passengers", api, a.code), clsBook, 200, 560, kb(r, 3), ms(r, 180)))
		return Uniform(r, 2, 8), true
	}
	p := fmt.Sprintf("%s/cart/%s/payment", api, a.code)
	if a.stage == 2 {
		p = api + "/giftcards/purchase"
	}
	status := []int{402, 200, 202}[Weighted(r, []float64{85, 6, 9})]
	if st := w.send(&a.sender, now, post(r, "POST", p, clsPay, status, kb(r, 1.4), kb(r, 1), ms(r, 1700))); !refused(st) {
		w.callback(now, "payments", "/webhooks/payments/"+w.hooks["payments"].p.name, 1)
	}
	return r.ExpFloat64() / a.rate, true
}

// scraping is a fare-scraping botnet behind residential proxies: each
// address searches a few times a minute for a while, then the proxy
// moves on.
func (w *world) scraping(r *rand.Rand) {
	sw := w.newSwarm(r, "scraping", 40, 150, []float64{7, 2, 1, 0.3})
	sw.ua = w.uaMix(r, 6, 2, 1)
	if sw.shape == 0 && Chance(r, 0.7) {
		sw.shape = 1
	}
	pace := LogUniform(r, 8, 30)
	routes := make([]trip, 20+r.IntN(40))
	for i := range routes {
		routes[i] = w.sky.newTrip(r)
	}
	w.launch(r, sw, scrape, func(a *raid, at int64) {
		a.max, a.rate = 4+a.r.IntN(22), 1/LogNormal(a.r, pace, 0.3)
		a.trip = Pick(a.r, routes)
	})
}

func scrape(a *raid, w *world, now int64) (float64, bool) {
	r, sky := a.r, w.sky
	ch := "web"
	if strings.HasPrefix(a.ua, "Skyway/") {
		ch = channel(true, strings.Contains(a.ua, "iOS"))
	}
	a.trip.depart = 1 + (a.trip.depart+r.IntN(5))%200
	switch Weighted(r, []float64{6, 2, 2}) {
	case 0:
		w.send(&a.sender, now, get(r, sky.searchPath(w, a.trip, ch, ""), clsSearch, kb(r, 90), ms(r, 1400)))
	case 1:
		w.send(&a.sender, now, get(r, sky.resultsPath(r, Hex(r, 12), 2+r.IntN(4)), clsSearch, kb(r, 60), ms(r, 300)))
	default:
		w.send(&a.sender, now, get(r, sky.calendarPath(w, a.trip), clsSearch, kb(r, 14), ms(r, 450)))
	}
	return r.ExpFloat64() / a.rate, true
}

// ddos floods the home page, searches and a deal from many addresses at
// once: servers, hijacked home routers, a few IPv6 lines.
func (w *world) ddos(r *rand.Rand) {
	sw := w.newSwarm(r, "ddos", 50, 150, []float64{4, 0.5, 1, 3})
	sw.ua = w.uaMix(r, 3, 0.5, 4)
	if Chance(r, 0.6) {
		sw.shape = 0
	}
	secs := float64(w.end) / 1e9
	length := Sec(math.Min(Uniform(r, 60, 180), 0.4*secs))
	rate := LogUniform(r, 0.6, 4)
	lang := strings.ToLower(w.sky.home.lang)
	t := w.sky.newTrip(r)
	targets := []string{"/", "/" + lang + "/deals/" + Pick(r, w.sky.deals), w.sky.searchPath(w, t, "web", "")}
	fresh := Chance(r, 0.5) // a new search each time rather than one repeated
	w.launch(r, sw, flooding, func(a *raid, at int64) {
		a.rate, a.mode = rate*Uniform(a.r, 0.6, 1.4), 2
		a.paths = targets
		if fresh {
			a.paths = append(slices.Clone(targets[:2]), w.sky.searchPath(w, w.sky.newTrip(a.r), "web", ""))
		}
		a.until = at + int64(float64(length)*Uniform(a.r, 0.7, 1))
	})
}

// pnrguess guesses booking codes with common last names on manage
// booking and check-in, a handful from each address.
func (w *world) pnrguess(r *rand.Rand) {
	sw := w.newSwarm(r, "pnrguess", 25, 100, []float64{4, 3, 2, 1})
	sw.ua = w.uaMix(r, 3, 4, 1)
	pace := LogUniform(r, 1, 8)
	w.launch(r, sw, guessPNR, func(a *raid, at int64) {
		a.max, a.rate = 5+a.r.IntN(36), 1/LogNormal(a.r, pace, 0.4)
		a.mode = Weighted(a.r, []float64{7, 3})
	})
}

func guessPNR(a *raid, w *world, now int64) (float64, bool) {
	r, sky := a.r, w.sky
	p := fmt.Sprintf("%s/bookings/%s?lastName=%s", sky.api, sky.pnr(r), Pick(r, sky.home.names))
	if a.mode == 1 {
		p = fmt.Sprintf("%s/checkin/%s?lastName=%s", sky.api, sky.pnr(r), Pick(r, sky.home.names))
	}
	h := get(r, p, clsLookup, 260, ms(r, 90))
	h.status = 404
	if Chance(r, 0.002) {
		h.status, h.resp = 200, kb(r, 8)
	}
	w.send(&a.sender, now, h)
	return r.ExpFloat64() / a.rate, true
}

// milesfraud signs in to members' accounts with stolen passwords and
// codes, then moves their miles to other accounts or spends them on
// vouchers, from phones on carrier and IPv6 addresses.
func (w *world) milesfraud(r *rand.Rand) {
	sw := w.newSwarm(r, "milesfraud", 20, 50, []float64{2, 3, 4, 0.5})
	sw.ua = w.uaMix(r, 1, 6, 0.5)
	w.launch(r, sw, drain, func(a *raid, at int64) {
		a.max, a.rate = 5+a.r.IntN(8), 1/LogUniform(a.r, 3, 20)
		a.code = []byte(w.sky.memberNo(a.r))
	})
}

func drain(a *raid, w *world, now int64) (float64, bool) {
	r, api := a.r, w.sky.api
	var h hit
	switch a.stage {
	case 0:
		h = post(r, "POST", api+"/auth/login", clsLogin, 200, 240, 420, ms(r, 320))
	case 1:
		h = post(r, "POST", api+"/auth/mfa", clsLogin, 200, 140, 900, ms(r, 150))
	case 2:
		h = get(r, api+"/loyalty/account", clsAccount, kb(r, 7), ms(r, 140))
	default:
		switch r.IntN(3) {
		case 0:
			h = post(r, "POST", api+"/loyalty/transfer", clsAccount, []int{200, 403}[Weighted(r, []float64{3, 1})], 300, 500, ms(r, 450))
		case 1:
			h = post(r, "POST", api+"/loyalty/redeem", clsAccount, []int{200, 409}[Weighted(r, []float64{3, 1})], 380, 700, ms(r, 400))
		default:
			h = get(r, api+"/loyalty/transactions?page=1&pageSize=25", clsAccount, kb(r, 11), ms(r, 210))
		}
	}
	st := w.send(&a.sender, now, h)
	if refused(st) {
		return Uniform(r, 5, 30), true
	}
	if a.stage == 1 {
		a.user = string(a.code)
	}
	a.stage++
	return r.ExpFloat64() / a.rate, true
}
