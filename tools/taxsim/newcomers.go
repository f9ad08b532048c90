package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// researchers adds the day's own scripts on the open data, all with the
// public key: students, journalists, a notebook run once.
func (g *gen) researchers(r *rand.Rand, n int) {
	from := [][]string{universities, g.s.home, g.s.cloud}
	for range n {
		g.researcher(Sub(r), Pick(r, from))
	}
}

// researcher runs one script from an address in nets, for a while.
func (g *gen) researcher(r *rand.Rand, nets []string) {
	p := &partner{profile: "open-data-script", key: g.s.openKey, ua: Pick(r, scripts), rate: LogUniform(r, 0.03, 4)}
	c := g.l.Client(g.l.V4(r, nets), KindNormal)
	c.Profile = p.profile
	a := g.arrival(r)
	g.harvest(r, p, g.agent(r, c, p), a, a+Sec(LogUniform(r, 60, 3600)))
	c.Heavy = g.busier(c)
}

// newcomers adds the day's one or two heavy clients that no day before
// had: a new e-file partner, a preparer's office opened this season, a
// newsroom's live tracker on the open data. Their addresses lie in a
// block of the day's own.
func (g *gen) newcomers(r *rand.Rand) {
	s := g.s
	net := []string{s.newNet + num(int(g.seed%250)+1) + "."}
	reg := func(r *rand.Rand, profile string) *Client {
		c := g.l.Client(g.l.V4(r, net), KindNormal)
		c.Profile, c.Heavy = profile, true
		return c
	}
	for _, k := range r.Perm(3)[:1+r.IntN(2)] {
		rr := Sub(r)
		switch k {
		case 0:
			p := s.partner(rr, "efile-partner")
			p.rate *= 0.6
			for range 1 + rr.IntN(2) {
				c := reg(rr, "new-efile-partner")
				g.onboard(rr, p, c)
				g.partner(rr, p, c, false)
			}
		case 1:
			o := &office{pace: LogUniform(rr, 0.8, 2)}
			for range 3 + rr.IntN(6) {
				o.staff = append(o.staff, "prep-"+Hex(rr, 8))
				o.uas = append(o.uas, Pick(rr, s.desktop))
			}
			g.office(rr, o, reg(rr, "new-preparer"))
		default:
			ua := Pick(rr, []string{"NewsroomLive/1.0 (+https://news.example/live)", "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)", "axios/1.7.2"})
			for range 1 + rr.IntN(3) {
				g.tracker(rr, reg(rr, "new-live-tracker"), ua)
			}
		}
	}
}

// onboard is a new partner's first minutes live: a header misnamed, a
// schema version behind.
func (g *gen) onboard(r *rand.Rand, p *partner, c *Client) {
	w := g.agent(r, c, p)
	a := g.within(r, 0, 0.3)
	Poisson(r, Uniform(r, 0.2, 1), a, a+Sec(Uniform(r, 60, 300)), func(t int64) {
		w.t = t
		if Chance(r, 0.5) {
			w.post(g.s.efile+"/submissions", w.status([]int{400, 401, 422, 202}, []float64{4, 2, 3, 2}), p.batch*6000, 900)
		} else {
			w.get(g.s.efile+"/acknowledgements?since=0&limit=500", w.status([]int{401, 200, 400}, []float64{3, 5, 2}), 900)
		}
	})
}

// tracker polls the open data's live counts for a newsroom's deadline
// page, every few seconds from each of its servers.
func (g *gen) tracker(r *rand.Rand, c *Client, ua string) {
	s := g.s
	w := g.agent(r, c, &partner{key: s.openKey, ua: ua})
	period := Uniform(r, 1, 6)
	metrics := []string{"filings", "refunds", "payments", "e-file-share"}
	for t := Sec(Uniform(r, 0, period)); t < g.win; t += Sec(period * Uniform(r, 0.9, 1.1)) {
		w.t = t
		m := Pick(r, metrics)
		w.get(s.open+"/stats/live?metric="+m+"&region=all&interval=1m", 200, 2600)
		if Chance(r, 0.1) {
			w.get(s.open+"/stats/live?metric="+m+"&region="+num(1+r.IntN(30))+"&interval=1m", 200, 2600)
		}
	}
}
