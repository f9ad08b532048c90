package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// candidates adds the day's job seekers: on the web from home addresses
// (some of which come back every day), and in the app behind carrier NAT
// or on IPv6 privacy addresses that move inside their /64.
func (d *day) candidates(r *rand.Rand, g regulars) {
	n := int(float64(d.clients) * d.site.scale)
	nWeb := int(float64(n) * d.site.web)
	nats := d.carrierNATs(g.carriers)
	for i := range nWeb {
		var ip string
		switch {
		case i < len(g.returning) && Chance(r, 0.8):
			ip = g.returning[i]
		case Chance(r, 0.08):
			ip = d.V6In(r, V6Net(r, homeV6))
		default:
			ip = d.V4(r, d.site.home)
		}
		c := d.Client(ip, KindNormal)
		c.Profile = "candidate-web"
		d.webPerson(Sub(r), c, d.startIn(r, -0.3, 1), nil)
	}
	for range n - nWeb {
		d.appPerson(Sub(r), nats, d.startIn(r, -0.3, 1), nil)
	}
	d.flashCrowd(Sub(r), nats)
}

// carrierNATs registers the carriers' NAT addresses: each carries many of
// the app's users at once, so each is a legitimate heavy client.
func (d *day) carrierNATs(ips []string) []*Client {
	var cs []*Client
	for _, ip := range ips {
		c := d.Client(ip, KindNormal)
		c.Profile, c.Heavy = "carrier-nat", true
		cs = append(cs, c)
	}
	return cs
}

// webPerson is one job seeker on a browser: one visit, and a second one a
// few minutes later for some. A flash crowd visitor comes for the hot
// postings.
func (d *day) webPerson(r *rand.Rand, c *Client, t int64, hot []int) {
	v := d.newVisit(r, c, t, browser(r))
	if Chance(r, 0.3) {
		v.user = user(r, "u_")
	}
	d.webVisit(v, hot)
	if Chance(r, 0.3) {
		v.wait(90, 400)
		d.webVisit(v, hot)
	}
}

// webVisit is one pass on the web: the landing page (the home page, a
// posting found on a search engine, or a shared link to a hot posting),
// a few searches, and now and then saving, applying or editing the
// profile.
func (d *day) webVisit(v *visit, hot []int) {
	r, s := v.r, d.site
	entry := "/"
	switch {
	case hot != nil:
		entry = s.postingPage(r, Pick(r, hot)) + Pick(r, []string{"?utm_source=linkedin&utm_medium=social", "?utm_source=newsletter", "?ref=news", ""})
	case Chance(r, 0.3):
		entry = s.postingPage(r, jobID(r)) + "?utm_source=google_jobs_apply&utm_medium=organic"
	}
	v.page(entry)
	v.get(s.api+"/me", map[bool]int{true: 200, false: 401}[v.user != ""], 240, 25)
	pApply := 0.12
	if hot != nil {
		pApply = 0.55
		d.viewPosting(v, Pick(r, hot), true)
	}
	for range searches(r, hot != nil) {
		d.search(v, true)
	}
	if v.user != "" && Chance(r, 0.25) {
		v.send("POST", s.api+"/saved-jobs", 201, 90, 180, 40)
	}
	if Chance(r, pApply) {
		id := jobID(r)
		if hot != nil {
			id = Pick(r, hot)
		}
		d.apply(v, id, true)
	} else if v.user != "" && Chance(r, 0.08) {
		d.editProfile(v)
	}
}

// searches draws how many searches a visit runs; a flash crowd visitor
// came for one posting and searches less.
func searches(r *rand.Rand, hot bool) int {
	if hot {
		return r.IntN(2)
	}
	return 1 + r.IntN(3)
}

// search is one search: the suggestions while typing, the results, a
// page or two more for some, and a few postings opened.
func (d *day) search(v *visit, web bool) {
	r, s := v.r, d.site
	term := searchTerm(r)
	for n := 2 + r.IntN(2); n < len(term); n += 1 + r.IntN(3) {
		v.get(s.api+"/suggest?q="+queryValue(term[:n]), 200, int64(300+r.IntN(1500)), 18)
		v.t += Sec(Uniform(r, 0.12, 0.5))
	}
	for page := 1; page == 1 || Chance(r, 0.3) && page < 6; page++ {
		v.get(s.searchQuery(r, term, page), 200, int64(6000+r.IntN(40000)), 140)
		v.wait(3, 25)
		for range r.IntN(4) {
			d.viewPosting(v, jobID(r), web)
			v.wait(5, 60)
		}
	}
}
