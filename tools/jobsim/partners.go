package main

import (
	"fmt"
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// partners adds the programs on API keys: the employers' applicant
// tracking systems (with a new one live on the test day) and the job
// aggregators pulling the feed. Each is busier than any person.
func (d *day) partners(r *rand.Rand, g regulars) {
	for _, p := range g.ats {
		d.ats(Sub(r), p, "ats")
	}
	fresh := Sub(r)
	if d.test {
		d.ats(fresh, g.newATS, "new-ats")
	}
	for _, p := range g.aggs {
		d.aggregator(Sub(r), p)
	}
}

// partnerVisit registers a partner's address as a heavy normal client and
// starts its visit on its key.
func (d *day) partnerVisit(r *rand.Rand, p partner, profile string) *visit {
	c := d.Client(p.ip, KindNormal)
	c.Profile, c.Heavy = profile, true
	v := d.newVisit(r, c, Sec(Uniform(r, 0, 8)), p.ua)
	v.key = p.key
	return v
}

// ats is one employer's applicant tracking system: it polls new
// applications and fetches their CVs, reports stage changes back, and
// now and then syncs its open postings in bulk. A new integration
// backfills, so it starts with a long sync.
func (d *day) ats(r *rand.Rand, p partner, profile string) {
	v := d.partnerVisit(r, p, profile)
	s := d.site
	if profile == "new-ats" {
		d.jobSync(v, 300+r.IntN(500), p.pace*4)
	}
	for !v.over() {
		start, n := v.t, len(d.Events())
		v.get(fmt.Sprintf("%s/partner/applications?since=%d&limit=100", s.api, d.Start().Unix()+v.t/1e9-300), 200, int64(800+r.IntN(60000)), 120)
		for range r.IntN(5) {
			app := 90000000 + r.IntN(9000000)
			v.get(fmt.Sprintf("%s/partner/applications/%d", s.api, app), 200, int64(2000+r.IntN(6000)), 50)
			v.get(fmt.Sprintf("%s/partner/applications/%d/cv", s.api, app), 200, int64(LogUniform(r, 1e5, 4e6)), 200)
			if Chance(r, 0.4) {
				v.send("POST", fmt.Sprintf("/hooks/ats/%s?event=application.stage_changed", slug(p.name)), 202, int64(400+r.IntN(900)), 60, 30)
			}
		}
		if Chance(r, 0.08) {
			d.jobSync(v, 20+r.IntN(180), p.pace*3)
		}
		sent := float64(max(1, len(d.Events())-n))
		v.t = start + Sec(Uniform(r, 0.5, 1.5)*sent/p.pace)
	}
}

// jobSync pushes n postings one by one at about rate a second; a few fail
// validation or conflict with an edit made on the site.
func (d *day) jobSync(v *visit, n int, rate float64) {
	r, s := v.r, d.site
	for range n {
		status := 200
		switch x := r.Float64(); {
		case x < 0.03:
			status = 422
		case x < 0.04:
			status = 409
		case x < 0.15:
			status = 201
		}
		method := map[bool]string{true: "POST", false: "PUT"}[status == 201]
		path := fmt.Sprintf("%s/partner/jobs/ext-%d", s.api, 10000+r.IntN(90000))
		if method == "POST" {
			path = s.api + "/partner/jobs"
		}
		v.send(method, path, status, int64(2000+r.IntN(12000)), int64(300+r.IntN(900)), 110)
		v.t += Sec(r.ExpFloat64() / rate)
	}
}

// aggregator is a job aggregator pulling the site's feed page by page and
// starting over from the top with only what changed since.
func (d *day) aggregator(r *rand.Rand, p partner) {
	v := d.partnerVisit(r, p, "aggregator")
	s := d.site
	json := Chance(r, 0.4)
	pages := 50 + r.IntN(350)
	for page := 1 + r.IntN(pages); !v.over(); page++ {
		if page > pages {
			page, pages = 1, 5+r.IntN(40)
		}
		status, size := 200, int64(LogUniform(r, 2e5, 1.5e6))
		if Chance(r, 0.06) {
			status, size = 304, 0
		}
		if json {
			v.get(fmt.Sprintf("%s/partner/feed/jobs?cursor=%s&limit=500", s.api, Hex(r, 12)), status, size, 600)
		} else {
			v.get(fmt.Sprintf("%s?page=%d&per_page=1000&since=%s", s.feed, page, d.Start().Format("2006-01-02")), status, size, 900)
		}
		v.t += Sec(r.ExpFloat64() / p.pace)
	}
}
