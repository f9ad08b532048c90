package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// bot adds a day of one bot over its addresses.
func (g *gen) bot(r *rand.Rand, b *bot, cs []*Client) {
	ws := make([]*walker, len(cs))
	for i, c := range cs {
		ws[i] = g.walker(Sub(r), c, b.ua, 0)
		ws[i].bw = LogUniform(r, 20000, 80000)
		ws[i].hdr = Uniform(r, 180, 420)
	}
	switch b.profile {
	case "monitor":
		period := float64(len(cs)) / b.rate
		for _, w := range ws {
			for next := Sec(Uniform(r, 0, period)); next < g.win; next += Sec(period * Uniform(r, 0.98, 1.02)) {
				w.t = next
				w.check(b.pages)
			}
		}
	case "link-preview":
		g.busy(r, b.rate, 0, g.win, func(t int64) {
			w := Pick(r, ws)
			w.t = t
			w.lang = Pick(r, g.s.langs)
			p := w.web("news/" + num(g.s.year+1) + "/" + Pick(r, news))
			if Chance(r, 0.4) {
				p = w.web("guidance/" + Pick(r, g.s.topics))
			}
			w.get(p, w.status([]int{200, 301}, []float64{93, 7}), 41000)
			if Chance(r, 0.6) {
				w.get("/static/og/"+Pick(r, news)+".png", 200, 90000)
			}
		})
	default:
		for _, w := range ws {
			Poisson(r, b.rate/float64(len(ws)), 0, g.win, func(t int64) {
				w.t = t
				w.crawl(b.pages)
			})
		}
	}
}

var (
	news  = []string{"filing-deadline-reminder", "online-services-maintenance", "refund-timelines", "scam-warning-text-messages", "new-identity-verification", "extension-requests", "record-filings", "benefit-payment-dates"}
	moved = []string{"efile", "refunds.html", "tax-forms/index.aspx", "contact-us.php", "guidance/2023-changes", "myaccount/login.jsp"}
)

// check is one round of an uptime monitor; the synthetic ones sign in to
// a test account as well.
func (w *walker) check(n int) {
	s := w.g.s
	targets := []string{"/health", w.web(""), s.api + "/status", w.web("refund-status"), w.web("signin"), s.api + "/auth/config"}
	for i := range min(n, len(targets)) {
		w.get(targets[i], 200, []float64{40, 38000, 180, 36000, 30000, 900}[i])
	}
	if n >= len(targets) {
		w.user = "synthetic-check-" + num(int(w.g.s.year))
		w.post(s.api+"/auth/signin", 200, 400, 900)
		w.post(s.api+"/auth/signout", 204, 100, 0)
		w.user = ""
	}
}

// crawl reads n public pages: guidance, forms, news, and links that have
// moved or died.
func (w *walker) crawl(n int) {
	s := w.g.s
	for range n {
		lang := Pick(w.r, s.langs)
		st, size := w.status([]int{200, 304, 404}, []float64{88, 9, 3}), 42000.
		var p string
		switch x := w.r.Float64(); {
		case x < 0.02:
			p, st, size = "/robots.txt", 200, 600
		case x < 0.05:
			p, size = "/"+lang+"/sitemap.xml", 120000
		case x < 0.65:
			p = "/" + lang + "/guidance/" + Pick(w.r, s.topics)
		case x < 0.78:
			p, size = "/forms/"+Pick(w.r, s.forms)+"-"+num(s.year)+".pdf", 900000
		case x < 0.9:
			p = "/" + lang + "/news/" + num(s.year+1) + "/" + Pick(w.r, news)
		default:
			p, st = "/"+lang+"/"+Pick(w.r, moved), w.status([]int{301, 404, 410}, []float64{60, 35, 5})
		}
		w.get(p, st, size)
		w.wait(0.2, 2)
	}
}
