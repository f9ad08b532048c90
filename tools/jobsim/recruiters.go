package main

import (
	"fmt"
	"math/rand/v2"
	"net/url"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// recruiters adds the recruiters at work: all of an office's recruiters
// share its NAT address, so a busy office is a legitimate heavy client.
func (d *day) recruiters(r *rand.Rand, offices []office) {
	for _, o := range offices {
		c := d.Client(o.ip, KindNormal)
		c.Profile, c.Heavy = "recruiter-office", len(o.users) >= 4
		for _, u := range o.users {
			rr := Sub(r)
			if Chance(rr, 0.85) {
				d.recruiter(rr, c, u)
			}
		}
	}
}

// recruiter is one recruiter's working quarter hour: searching
// candidates, opening their profiles and CVs, working a job's pipeline,
// and messaging candidates, one at a time or in bulk.
func (d *day) recruiter(r *rand.Rand, c *Client, u string) {
	v := d.newVisit(r, c, d.startIn(r, -0.5, 0.5), browser(r))
	v.user = u
	v.page("/recruiter/dashboard")
	for !v.over() {
		switch Weighted(r, []float64{35, 30, 20, 15}) {
		case 0:
			d.candidateSearch(v)
		case 1:
			d.pipeline(v)
		case 2:
			d.message(v)
		default:
			v.page(Pick(r, []string{"/recruiter/dashboard", "/recruiter/jobs", "/recruiter/inbox"}))
		}
		v.wait(5, 45)
	}
}

// candidateSearch is one search of the candidate database and the
// profiles and CVs the recruiter opens from it.
func (d *day) candidateSearch(v *visit) {
	r, s := v.r, d.site
	q := url.Values{}
	q.Set("skills", Pick(r, skills)+","+Pick(r, skills))
	q.Set("location", Pick(r, places))
	if Chance(r, 0.3) {
		q.Set("experience_min", fmt.Sprint(1+r.IntN(10)))
	}
	for page := 1; page == 1 || Chance(r, 0.35) && page < 8; page++ {
		q.Set("page", fmt.Sprint(page))
		v.get(s.api+"/recruiter/candidates/search?"+q.Encode(), 200, int64(12000+r.IntN(50000)), 260)
		for range 1 + r.IntN(6) {
			v.wait(4, 40)
			id := candidateID(r)
			if Chance(r, 0.03) {
				v.get(fmt.Sprintf("%s/recruiter/candidates/%d", s.api, id), 404, 150, 25)
				continue
			}
			v.get(fmt.Sprintf("%s/recruiter/candidates/%d", s.api, id), 200, int64(5000+r.IntN(15000)), 70)
			if Chance(r, 0.4) {
				v.get(fmt.Sprintf("%s/recruiter/candidates/%d/cv", s.api, id), 200, int64(LogUniform(r, 1e5, 3e6)), 180)
			}
		}
	}
}

// pipeline works the applicants of one of the recruiter's postings:
// reading applications, downloading CVs and moving them on.
func (d *day) pipeline(v *visit) {
	r, s := v.r, d.site
	job := jobID(r)
	v.get(fmt.Sprintf("%s/recruiter/jobs/%d/applicants?status=new&sort=recent", s.api, job), 200, int64(8000+r.IntN(30000)), 150)
	for range 1 + r.IntN(5) {
		v.wait(5, 50)
		app := 90000000 + r.IntN(9000000)
		v.get(fmt.Sprintf("%s/recruiter/applications/%d", s.api, app), 200, int64(3000+r.IntN(8000)), 50)
		if Chance(r, 0.6) {
			v.get(fmt.Sprintf("%s/files/cv/%d", s.api, 50000000+r.IntN(40000000)), 200, int64(LogUniform(r, 1e5, 4e6)), 160)
		}
		if Chance(r, 0.5) {
			v.send("PATCH", fmt.Sprintf("%s/recruiter/applications/%d", s.api, app), 200, 90, 600, 60)
		}
	}
}

// message sends one message to a candidate, or now and then the same
// message to a shortlist.
func (d *day) message(v *visit) {
	r, s := v.r, d.site
	if Chance(r, 0.2) {
		v.send("POST", s.api+"/recruiter/messages/bulk", 202, int64(2000+r.IntN(20000)), 300, 320)
		return
	}
	v.get(fmt.Sprintf("%s/recruiter/messages/threads/%d", s.api, 300000+r.IntN(600000)), 200, int64(2000+r.IntN(9000)), 45)
	v.wait(15, 120)
	v.send("POST", s.api+"/recruiter/messages", 201, int64(300+r.IntN(3000)), 400, 85)
}
