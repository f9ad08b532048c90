package main

import (
	"math/rand/v2"
	"slices"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// campaigns adds the day's campaigns, each of many addresses under one id.
func (g *gen) campaigns(r *rand.Rand) {
	n := 0
	id := func(kind string) string {
		n++
		return "tax-" + kind + "-" + num(n)
	}
	g.stuffing(Sub(r), id("stuffing"))
	if Chance(r, 0.3) {
		g.stuffing(Sub(r), id("stuffing"))
	}
	g.idspray(Sub(r), id("idspray"))
	g.refundfraud(Sub(r), id("refundfraud"))
	g.ddos(Sub(r), id("ddos"))
}

// member registers one address of campaign id and returns a walker for it
// whose first request is in [a, b) of the window.
func (g *gen) member(r *rand.Rand, kind, id, ip string, a, b int64) *walker {
	c := g.l.Client(ip, kind)
	c.Campaign = id
	b = min(b, g.win-Sec(2))
	w := g.walker(r, c, Pick(r, slices.Concat(g.s.desktop, g.s.mobile)), a+int64(r.Float64()*float64(max(b-a, 1))))
	w.attack = true
	return w
}

// residential draws a proxy's address: the site's broadband, its phones,
// and with chance abroad other countries'.
func (g *gen) residential(r *rand.Rand, abroad, v6 float64) string {
	switch x := r.Float64(); {
	case x < v6:
		return g.l.V6In(r, V6Net(r, g.s.v6))
	case x < v6+abroad:
		return g.l.V4(r, g.s.foreign)
	case x < v6+abroad+0.1:
		return g.l.V4(r, g.s.carrier)
	}
	return g.l.V4(r, g.s.home)
}

func size(r *rand.Rand, n [2]int) int { return n[0] + r.IntN(n[1]-n[0]+1) }

// stuffing tries leaked passwords through residential proxies, one
// attempt per address every so often, many loading the sign-in page as a
// browser would.
func (g *gen) stuffing(r *rand.Rand, id string) {
	s := g.s
	start := g.within(r, 0, 0.5)
	end := start + Sec(LogUniform(r, 300, 3000))
	gap, withPage := Uniform(r, 30, 90), Uniform(r, 0.3, 0.9)
	for range size(r, s.stuffSize) {
		rr := Sub(r)
		w := g.member(rr, "stuffing", id, g.residential(rr, 0.25, 0.1), start, end)
		page := Chance(rr, withPage)
		for !w.done() && w.t < end {
			if page {
				w.page("signin", w.api("/auth/config"))
				w.wait(0.5, 3)
			}
			w.user = "u" + Hex(rr, 12)
			st := w.status([]int{401, 200, 423}, []float64{95, 1.5, 3.5})
			w.post(w.api("/auth/signin"), st, 420, 300)
			if st == 200 {
				w.post(w.api("/auth/otp"), 401, 200, 250)
			}
			w.user = ""
			w.wait(10, gap)
		}
	}
}

// idspray runs stolen personal data through identity verification, a few
// identities per address, most of them failing.
func (g *gen) idspray(r *rand.Rand, id string) {
	s := g.s
	start := g.within(r, 0, 0.6)
	for range size(r, s.spraySize) {
		rr := Sub(r)
		w := g.member(rr, "idspray", id, g.residential(rr, 0.15, s.sprayV6), start, g.win)
		for range 2 + rr.IntN(5) {
			if w.done() {
				break
			}
			if Chance(rr, 0.5) {
				w.page("verify-identity")
			}
			st := w.status([]int{201, 422, 404}, []float64{70, 20, 10})
			w.post(w.api("/idv/start"), st, 900, 500)
			if st == 201 {
				w.get(w.api("/idv/questions"), 200, 2400)
				w.wait(4, 25)
				w.post(w.api("/idv/answers"), w.status([]int{403, 200, 422}, []float64{80, 8, 12}), 700, 400)
			}
			w.wait(20, 150)
		}
	}
}

// refundfraud files returns in stolen names from many accounts: each
// signs up, passes the checks with the victim's data and phone number,
// fills the return in a hurry and sends it.
func (g *gen) refundfraud(r *rand.Rand, id string) {
	s := g.s
	start := g.within(r, 0, 0.4)
	for range size(r, s.fraudSize) {
		rr := Sub(r)
		w := g.member(rr, "refundfraud", id, g.residential(rr, 0.1, 0.2), start, g.win)
		app := Chance(rr, s.fraudApp)
		if app {
			w.ua, w.key = Pick(rr, s.appUA), s.appKey
		}
		for range 1 + rr.IntN(2) {
			if w.done() {
				break
			}
			w.account = "u" + Hex(rr, 12)
			w.fraud(app)
			w.wait(30, 300)
		}
	}
}

// fraud files one return in a stolen name, as fast as the forms allow.
func (w *walker) fraud(app bool) {
	base := w.g.s.api
	if app {
		base = w.g.s.app
	} else {
		w.page("register")
	}
	w.post(base+"/accounts", 201, 700, 500)
	w.user = w.account
	w.post(base+"/auth/signin", 200, 400, 900)
	w.wait(3, 15)
	w.post(base+"/auth/otp", 200, 200, 700)
	w.hdr += 1100
	w.post(base+"/idv/start", 201, 900, 500)
	w.get(base+"/idv/questions", 200, 2400)
	w.wait(5, 30)
	w.post(base+"/idv/answers", w.status([]int{200, 403}, []float64{85, 15}), 700, 600)
	rid := base + "/returns/R" + Hex(w.r, 10)
	w.post(base+"/returns", 201, 400, 1200)
	for range 2 + w.r.IntN(3) {
		w.wait(5, 20)
		w.put(rid+"/draft", 200, LogUniform(w.r, 3000, 12000))
	}
	w.put(rid+"/refund-account", 200, 600)
	w.post(rid+"/validate", 200, 600, 1800)
	w.post(rid+"/submit", w.status([]int{202, 422}, []float64{92, 8}), 1200, 800)
	w.user = ""
	w.hdr -= 1100
}

var ddosUAs = []string{"Mozilla/5.0", "", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1)", "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1", "Wget", "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0"}

// ddos floods the pages the deadline crowd needs from a botnet of
// servers, routers and phones, many busting the cache.
func (g *gen) ddos(r *rand.Rand, id string) {
	s := g.s
	start := g.within(r, 0.15, 0.7)
	end := start + Sec(LogUniform(r, 60, 300))
	home := "/" + s.langs[0] + "/"
	targets := []string{"/", home, home + "refund-status", s.api + "/refunds/status?year=" + num(s.year), home + "pay"}
	focus := r.IntN(len(targets))
	for range size(r, s.ddosSize) {
		rr := Sub(r)
		var ip string
		if Chance(rr, 0.3) {
			ip = g.l.V4(rr, hosting)
		} else {
			ip = g.residential(rr, 0.35, 0.05)
		}
		w := g.member(rr, "ddos", id, ip, start, start+Sec(15))
		if Chance(rr, 0.5) {
			w.ua = Pick(rr, ddosUAs)
		}
		bust := Chance(rr, s.ddosBust)
		every(rr, LogUniform(rr, 0.3, 4), w.t, end, func(t int64) {
			w.t = t
			p := targets[focus]
			if Chance(rr, 0.2) {
				p = Pick(rr, targets)
			}
			if bust {
				sep := "?"
				if strings.Contains(p, "?") {
					sep = "&"
				}
				p += sep + Pick(rr, []string{"_", "cb", "v", "nocache", "t"}) + "=" + num(rr.IntN(1e9))
			}
			w.get(p, 200, 36000)
		})
	}
}
