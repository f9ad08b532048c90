package main

import (
	"fmt"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// page loads a web page as a browser does: the HTML, then its assets in
// parallel (all of them the first time, the few new ones or
// revalidations after), then an analytics beacon for some pages.
func (v *visit) page(path string) {
	r, s := v.r, v.d.site
	v.get(path, 200, int64(28000+r.IntN(90000)), 90)
	base, end := v.t, v.t
	asset := func(p string, status int, size int64) {
		v.t = base + Sec(Uniform(r, 0.01, 0.7))
		if status == 304 {
			size = 0
		}
		v.get(p, status, size, 12)
		end = max(end, v.t)
	}
	if !v.warm {
		for _, a := range []string{"app", "vendor", "runtime"} {
			asset(fmt.Sprintf("/static/js/%s.%s.js", a, s.hash), 200, int64(40000+r.IntN(400000)))
		}
		asset("/static/css/main."+s.hash+".css", 200, int64(30000+r.IntN(60000)))
		asset("/static/fonts/inter-var.woff2", 200, 98000)
		asset("/static/img/logo.svg", 200, 4200)
		asset("/favicon.ico", 200, 15086)
		if Chance(r, 0.6) {
			asset("/manifest.webmanifest", 200, 640)
		}
	}
	for range 1 + r.IntN(5) {
		status := 200
		if v.warm && Chance(r, 0.4) {
			status = 304
		}
		asset(fmt.Sprintf("/img/company/%d.png", 1000+r.IntN(9000)), status, int64(3000+r.IntN(30000)))
	}
	if Chance(r, 0.5) {
		asset(fmt.Sprintf("/static/js/chunk-%d.%s.js", r.IntN(40), s.hash), 200, int64(5000+r.IntN(80000)))
	}
	v.t = end
	v.warm = true
	if Chance(r, 0.4) {
		v.send("POST", s.api+"/events", 204, int64(300+r.IntN(2500)), 0, 15)
	}
}

// viewPosting opens one posting: its page and data on the web, its data,
// similar postings and logo in the app. Expired postings answer 404.
func (d *day) viewPosting(v *visit, id int, web bool) {
	r, s := v.r, d.site
	if Chance(r, 0.02) {
		v.get(fmt.Sprintf("%s/jobs/%d", s.api, id), 404, 160, 20)
		return
	}
	if web {
		v.page(s.postingPage(r, id))
	} else {
		v.get(fmt.Sprintf("/img/company/%d.png", 1000+r.IntN(9000)), 200, int64(3000+r.IntN(30000)), 12)
	}
	v.get(fmt.Sprintf("%s/jobs/%d", s.api, id), 200, int64(4000+r.IntN(12000)), 45)
	if Chance(r, 0.6) {
		v.get(fmt.Sprintf("%s/jobs/%d/similar?limit=6", s.api, id), 200, int64(3000+r.IntN(9000)), 80)
	}
	if Chance(r, 0.3) {
		v.get(fmt.Sprintf("%s/companies/%s/reviews/summary", s.api, Pick(r, companies)), 200, int64(800+r.IntN(3000)), 35)
	}
}
