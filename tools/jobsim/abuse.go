package main

import (
	"fmt"
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// abusiveUpload fills the site's storage from one signed-in account on a
// fast server link, several uploads in flight at once: either huge files
// (10 to 100 MB, refused at once past the site's limit) every few
// seconds, or dozens of mid-size files a minute to the CV, photo and
// portfolio endpoints.
func (d *day) abusiveUpload(r *rand.Rand) {
	s := d.site
	v := d.attackVisit(r, "upload", disguise(r, 0.5, toolUAs...))
	v.user = user(r, "u_")
	end := v.t + Sec(LogUniform(r, 90, 480))
	huge := Chance(r, 0.5)
	targets := []string{s.api + "/uploads/cv?filename=cv.pdf", s.api + "/me/photo", s.api + "/uploads/portfolio"}
	mbps := LogUniform(r, 80, 900)
	for t := v.t; t < end && t < d.Window(); {
		size := int64(LogUniform(r, 1e6, 8e6))
		gap := Uniform(r, 0.6, 3)
		if huge {
			size, gap = int64(LogUniform(r, 10e6, 100e6)), Uniform(r, 1, 10)
		}
		status, ms := 201, 80+float64(size)*8/(mbps*1e6)*1000
		if size > s.cvLimit {
			status, ms = 413, Uniform(r, 5, 40)
		}
		v.t = t
		v.send("POST", Pick(r, targets), status, size, int64(200+r.IntN(400)), ms)
		t += Sec(gap)
	}
}

// enumeration walks candidate profiles, CV files or applications by id
// from an account entitled to few of them: mostly 403 and 404.
func (d *day) enumeration(r *rand.Rand) {
	s := d.site
	v := d.attackVisit(r, "enumeration", disguise(r, 0.4, toolUAs...))
	v.user = user(r, Pick(r, []string{"u_", "rec_trial_"}))
	route := Pick(r, []string{"/recruiter/candidates/%d", "/files/cv/%d", "/applications/%d", "/candidates/%d/public"})
	id := candidateID(r)
	rate := LogUniform(r, 0.8, 9)
	step := Pick(r, []int{1, 1, 1, 2, 7})
	for n := 200 + r.IntN(1500); n > 0 && !v.over(); n-- {
		status, size := Pick(r, []int{403, 403, 403, 404, 404, 200}), int64(180)
		if status == 200 {
			size = int64(3000 + r.IntN(12000))
		}
		v.get(fmt.Sprintf(s.api+route, id), status, size, 35)
		id += step
		v.t += Sec(r.ExpFloat64() / rate)
	}
}
