package main

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// cvscrape copies the candidate database through many stolen recruiter
// accounts, one per address: searches paged through in order, every
// profile opened and most CVs downloaded, at a steady pace; nearly all of
// it succeeds.
func (d *day) cvscrape(r *rand.Rand, c campaign) {
	s := d.site
	from, to := d.span(r)
	for range c.size {
		rr := Sub(r)
		v := d.newVisit(rr, d.member(rr, c, slices.Concat(residential, hosting)), from+Sec(Uniform(rr, 0, 90)), browser(rr))
		v.attack = true
		v.user = "rec_" + Pick(rr, companies) + "_" + Hex(rr, 6)
		pace := LogUniform(rr, 0.3, 1.5)
		q := url.Values{"skills": {Pick(rr, skills)}}
		for page := 1; v.t < to && !v.over(); page++ {
			q.Set("page", fmt.Sprint(page))
			v.get(s.api+"/recruiter/candidates/search?"+q.Encode(), 200, int64(12000+rr.IntN(50000)), 260)
			for range 10 + rr.IntN(10) {
				v.t += Sec(rr.ExpFloat64() / pace)
				id := candidateID(rr)
				status := Pick(rr, []int{200, 200, 200, 200, 200, 200, 200, 200, 200, 404})
				v.get(fmt.Sprintf("%s/recruiter/candidates/%d", s.api, id), status, int64(5000+rr.IntN(15000)), 70)
				if status == 200 && Chance(rr, 0.8) {
					v.t += Sec(rr.ExpFloat64() / pace)
					v.get(fmt.Sprintf("%s/recruiter/candidates/%d/cv", s.api, id), 200, int64(LogUniform(rr, 1e5, 3e6)), 180)
				}
			}
		}
	}
}

// ddos floods a few ordinary pages from a botnet: each address alone is
// only a few requests a second; on a test day it comes during the flash
// crowd, when the site is weakest.
func (d *day) ddos(r *rand.Rand, c campaign) {
	s := d.site
	from, to := d.span(r)
	if d.flash.on && Chance(r, 0.7) {
		from, to = d.flash.from+d.startIn(r, 0, 0.1), d.flash.to
	}
	targets := []string{"/", "/jobs", s.searchQuery(r, searchTerm(r), 1), s.postingPage(r, jobID(r))}
	if d.flash.on {
		targets = append(targets, s.postingPage(r, d.flash.hot[0]))
	}
	uas := []string{browser(r), browser(r), "Mozilla/5.0", Pick(r, toolUAs)}
	for range c.size {
		rr := Sub(r)
		m := d.member(rr, c, slices.Concat(residential, hosting, carrierV4))
		v := d.newVisit(rr, m, from+Sec(Uniform(rr, 0, 20)), Pick(rr, uas))
		v.attack = true
		end := min(to, v.t+Sec(LogUniform(rr, 60, 240)))
		Poisson(rr, LogUniform(rr, 0.5, 4), v.t, end, func(t int64) {
			v.t = t
			v.get(Pick(rr, targets), 200, int64(5000+rr.IntN(90000)), 70)
		})
	}
}

// fakejobs are fake employer accounts posting scam jobs and writing to
// job seekers: sign-up, a company page and logo, a few postings (some
// stopped by moderation), then messages, at a person's pace.
func (d *day) fakejobs(r *rand.Rand, c campaign) {
	s := d.site
	from, _ := d.span(r)
	for range c.size {
		rr := Sub(r)
		v := d.newVisit(rr, d.member(rr, c, slices.Concat(hosting, residential)), from+Sec(Uniform(rr, 0, 120)), browser(rr))
		v.attack = true
		v.page("/employers/signup")
		v.send("POST", s.api+"/auth/signup?role=employer", 201, 600, 900, 320)
		v.user = user(rr, "emp_")
		v.send("POST", s.api+"/employer/company", 201, int64(1500+rr.IntN(3000)), 800, 140)
		v.upload("POST", s.api+"/employer/company/logo", 201, int64(50000+rr.IntN(250000)))
		for range 3 + rr.IntN(10) {
			v.wait(8, 40)
			v.send("POST", s.api+"/employer/jobs", Pick(rr, []int{201, 201, 201, 201, 422}), int64(3000+rr.IntN(6000)), 700, 210)
		}
		for n := 10 + rr.IntN(40); n > 0 && !v.over(); n-- {
			v.wait(3, 15)
			v.send("POST", s.api+"/employer/messages", 201, int64(600+rr.IntN(1500)), 300, 90)
		}
	}
}
