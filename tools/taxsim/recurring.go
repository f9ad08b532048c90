package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// fixtures adds the day's traffic of the site's recurring clients. Their
// addresses are registered before anything else of the day draws one.
func (g *gen) fixtures(r *rand.Rand) {
	s := g.s
	reg := func(ip, profile string, heavy bool) *Client {
		c := g.l.Client(ip, KindNormal)
		c.Profile, c.Heavy = profile, heavy
		return c
	}
	for _, p := range append(s.partners[:len(s.partners):len(s.partners)], s.scholars...) {
		for _, ip := range p.ips {
			c := reg(ip, p.profile, false)
			g.partner(Sub(r), p, c, p.profile != "research-group" && Chance(r, 0.12))
			c.Heavy = g.busier(c)
		}
	}
	for _, o := range s.offices {
		c := reg(o.ip, "preparer-office", true)
		if o.coworkSpace {
			c.Profile = "coworking"
			g.coworks = append(g.coworks, c)
		}
		g.office(Sub(r), o, c)
	}
	for _, ip := range s.libraries {
		g.libraries = append(g.libraries, reg(ip, "library", false))
	}
	for _, b := range s.bots {
		var cs []*Client
		for _, ip := range b.ips {
			cs = append(cs, reg(ip, b.profile, false))
		}
		g.bot(Sub(r), b, cs)
		for _, c := range cs {
			c.Heavy = g.busier(c)
		}
	}
}

// busier reports whether c sent more than a busy person would.
func (g *gen) busier(c *Client) bool {
	return float64(c.Events()) >= 10*float64(g.win)/60e9
}

// agent is a walker for a partner's program at c.
func (g *gen) agent(r *rand.Rand, c *Client, p *partner) *walker {
	w := g.walker(r, c, p.ua, 0)
	w.key, w.hdr, w.bw = p.key, Uniform(r, 220, 520), LogUniform(r, 8000, 60000)
	return w
}

// partner adds a day of one partner address's calls; a standby server
// only answers the health checks.
func (g *gen) partner(r *rand.Rand, p *partner, c *Client, standby bool) {
	s := g.s
	w := g.agent(r, c, p)
	at := func(f func()) func(int64) {
		return func(t int64) {
			w.t = t
			f()
		}
	}
	if standby {
		g.busy(r, 0.1, 0, g.win, at(func() { w.get(s.efile+"/health", 200, 60) }))
		return
	}
	switch p.profile {
	case "efile-partner":
		cursor := 900000 + r.IntN(9000000)
		g.busy(r, p.rate, 0, g.win, at(func() {
			n := r.IntN(int(p.batch))
			cursor += n
			w.get(s.efile+"/acknowledgements?since="+num(cursor)+"&limit=500", 200, 400+float64(n)*350)
		}))
		g.busy(r, p.rate*Uniform(r, 0.02, 0.08), 0, g.win, at(func() {
			w.post(s.efile+"/submissions", w.status([]int{202, 400, 413, 422}, []float64{95, 2, 0.5, 2.5}), p.batch*LogUniform(r, 4000, 14000), 1500)
		}))
		g.busy(r, p.rate*Uniform(r, 0.2, 0.8), 0, g.win, at(func() {
			w.get(s.efile+"/submissions/S"+Hex(r, 12)+"/status", w.status([]int{200, 404}, []float64{97, 3}), 900)
		}))
	case "payroll-provider":
		g.busy(r, p.rate*0.15, 0, g.win, at(func() {
			w.post(s.pay+"/wage-statements", w.status([]int{202, 422, 413}, []float64{93, 5, 2}), p.batch*LogUniform(r, 900, 2500), 1200)
		}))
		g.busy(r, p.rate, 0, g.win, at(func() { w.get(s.pay+"/batches/B"+Hex(r, 10)+"/status", 200, 700) }))
		g.busy(r, p.rate*0.1, 0, g.win, at(func() { w.put(s.pay+"/wage-statements/W"+Hex(r, 12), 200, 3000) }))
	case "bank":
		page := 1
		g.busy(r, p.rate, 0, g.win, at(func() {
			w.post(s.bank+"/account-verifications", w.status([]int{200, 404, 422}, []float64{95, 3, 2}), 450, 380)
		}))
		g.busy(r, p.rate*0.01, 0, g.win, at(func() {
			w.get(s.bank+"/refund-batches/"+g.l.Start().Format("2006-01-02")+"?page="+num(page), 200, 250000)
			page++
		}))
	default:
		g.harvest(r, p, w, 0, g.win)
	}
}

var datasets = []string{"filings-by-region", "refunds-issued", "benefit-payments", "returns-by-age", "tax-gap-estimates", "municipal-revenue", "deductions-claimed", "e-file-share"}

// harvest walks the open data page by page, dataset after dataset.
func (g *gen) harvest(r *rand.Rand, p *partner, w *walker, a, b int64) {
	s := g.s
	ds, off, last := Pick(r, datasets), 0, 1000*(5+r.IntN(200))
	g.busy(r, p.rate, a, b, func(t int64) {
		w.t = t
		switch {
		case Chance(r, 0.03):
			w.get(s.open+"/datasets", 200, 18000)
		case off > last:
			w.get(s.open+"/datasets/"+ds+"/records?offset="+num(off)+"&limit=1000", 404, 200)
			ds, off, last = Pick(r, datasets), 0, 1000*(5+r.IntN(200))
		case Chance(r, 0.1):
			w.get(s.open+"/stats/filings?region="+num(1+r.IntN(30))+"&date="+g.l.Start().Format("2006-01-02"), 200, 4000)
		default:
			w.get(s.open+"/datasets/"+ds+"/records?offset="+num(off)+"&limit=1000", 200, 350000)
			off += 1000
		}
	})
}

// office adds a day of a preparer's office: each of its staff signed in
// since the morning, filing for one client after another.
func (g *gen) office(r *rand.Rand, o *office, c *Client) {
	for i, u := range o.staff {
		if i > 0 && Chance(r, 0.15) { // not in today
			continue
		}
		w := g.walker(Sub(r), c, o.uas[i], -Sec(Uniform(r, 0, 1800)))
		w.account = u
		w.preparer(o.pace)
	}
}

// preparer files returns for the office's clients.
func (w *walker) preparer(pace float64) {
	s := w.g.s
	w.user = w.account
	w.hdr += 1400
	w.get(w.api("/preparer/dashboard"), 200, 9000)
	for !w.done() {
		w.get(w.api("/preparer/clients?page="+num(1+w.r.IntN(8))), 200, 16000)
		for range w.r.IntN(8) { // where the returns sent last week are
			w.get(w.api("/preparer/clients/"+s.tin(w.r)+"/returns?year="+num(s.year)), w.status([]int{200, 404}, []float64{95, 5}), 2500)
			w.wait(2/pace, 15/pace)
		}
		tin := s.tin(w.r)
		w.get(w.api("/preparer/clients/"+tin), w.status([]int{200, 404}, []float64{94, 6}), 3500)
		id := "R" + Hex(w.r, 10)
		base := w.api("/returns/" + id)
		w.post(w.api("/returns?taxpayer="+tin), 201, 500, 1200)
		for range 2 + w.r.IntN(8) {
			sec := Pick(w.r, s.sections)
			w.get(base+"/sections/"+sec, 200, 6000)
			for range 1 + w.r.IntN(3) {
				w.wait(8/pace, 30/pace)
				w.put(base+"/draft", w.status([]int{200, 409}, []float64{99, 1}), LogUniform(w.r, 3000, 40000))
				w.post(base+"/calculate", 200, 3000, 1800)
			}
		}
		if Chance(w.r, 0.03) { // the session ran out
			w.get(base+"/summary", 401, 200)
			w.signIn(false)
		}
		w.receipts(base, w.r.IntN(9))
		w.post(base+"/validate", w.status([]int{200, 422}, []float64{70, 30}), 600, 2000)
		w.post(base+"/signature-requests", 201, 600, 500)
		if Chance(w.r, 0.7) {
			w.post(base+"/submit", 202, 1200, 800)
		}
		w.wait(20/pace, 120/pace)
	}
}
