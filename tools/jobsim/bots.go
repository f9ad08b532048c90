package main

import (
	"fmt"
	"math/rand/v2"
	"slices"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// bots adds the robots a public site draws that mean no harm: search
// engine crawlers, uptime monitors, link previews of shared postings and
// a few odd scripts.
func (d *day) bots(r *rand.Rand, g regulars) {
	for _, b := range g.crawlers {
		d.crawler(Sub(r), b)
	}
	for _, b := range g.monitors {
		d.monitor(Sub(r), b)
	}
	d.previews(Sub(r))
	d.oddBots(Sub(r))
}

// crawler is a search engine crawling postings, company pages and the
// sitemaps; expired postings answer 404 or 410 and old URLs redirect.
func (d *day) crawler(r *rand.Rand, b bot) {
	c := d.Client(b.ip, KindNormal)
	c.Profile, c.Heavy = "crawler", true
	v := d.newVisit(r, c, Sec(Uniform(r, 0, 5)), b.ua)
	s := d.site
	pace := LogUniform(r, 0.4, 2)
	v.get("/robots.txt", 200, 1200, 8)
	for !v.over() {
		switch x := r.Float64(); {
		case x < 0.05:
			v.get(fmt.Sprintf("/sitemaps/jobs-%d.xml.gz", 1+r.IntN(60)), 200, int64(LogUniform(r, 5e4, 9e5)), 120)
		case x < 0.15:
			v.get("/companies/"+Pick(r, companies), Pick(r, []int{200, 200, 200, 301}), int64(20000+r.IntN(60000)), 110)
		case x < 0.22:
			v.get(s.postingPage(r, 3600000+r.IntN(500000)), Pick(r, []int{404, 410, 301}), 900, 40)
		default:
			v.get(s.postingPage(r, jobID(r)), 200, int64(30000+r.IntN(80000)), 95)
		}
		v.t += Sec(r.ExpFloat64() / pace)
	}
}

// monitor checks the site's health from one place every half minute or
// so.
func (d *day) monitor(r *rand.Rand, b bot) {
	c := d.Client(b.ip, KindNormal)
	c.Profile = "monitor"
	v := d.newVisit(r, c, Sec(Uniform(r, 0, 30)), b.ua)
	every := Pick(r, []float64{30, 60})
	for !v.over() {
		v.hit("HEAD", "/", 200, 180, 0, 60)
		if Chance(r, 0.5) {
			v.get(d.site.api+"/status", 200, 90, 12)
		}
		v.t += Sec(every + Uniform(r, -0.5, 0.5))
	}
}

// previews are the link-preview fetchers of chat and social apps, each
// fetching a shared posting once or twice; the flash crowd's postings
// are shared far more.
func (d *day) previews(r *rand.Rand) {
	uas := []string{"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
		"WhatsApp/2.24.12.78 A", "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)", "TelegramBot (like TwitterBot)", "Discordbot/2.0; +https://discordapp.com"}
	n := 5 + r.IntN(10)
	if d.flash.on {
		n += 20 + r.IntN(30)
	}
	for range n {
		c := d.Client(d.V4(r, cloud), KindNormal)
		c.Profile = "link-preview"
		v := d.newVisit(r, c, d.startIn(r, 0, 1), Pick(r, uas))
		id := jobID(r)
		if d.flash.on && Chance(r, 0.7) {
			id = Pick(r, d.flash.hot)
			v.t = d.flash.from + int64(r.Float64()*float64(d.flash.to-d.flash.from))
		}
		v.get(d.site.postingPage(r, id), 200, int64(30000+r.IntN(80000)), 90)
		if Chance(r, 0.5) {
			v.get(fmt.Sprintf("/img/og/jobs/%d.png", id), 200, int64(40000+r.IntN(80000)), 60)
		}
	}
}

// oddBots are the harmless strange ones: a student's script reading a
// few postings slowly, a feed reader, an SEO tool, a checker with no user
// agent at all.
func (d *day) oddBots(r *rand.Rand) {
	kinds := []struct {
		ua         string
		every, max float64
		path       func() string
	}{
		{"python-requests/2.31.0", 20, 40, func() string { return fmt.Sprintf("%s/jobs/%d", d.site.api, jobID(r)) }},
		{"Go-http-client/1.1", 60, 60, func() string { return d.site.feed + "?page=1&per_page=50" }},
		{"Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", 8, 30, func() string { return d.site.postingPage(r, jobID(r)) }},
		{"Feedly/1.0 (+http://www.feedly.com/fetcher.html; 3 subscribers; like FeedFetcher-Google)", 120, 120, func() string { return "/rss/jobs?category=engineering" }},
		{"-", 45, 90, func() string { return "/" }},
	}
	for _, k := range kinds {
		if !Chance(r, 0.7) {
			continue
		}
		c := d.Client(d.V4(r, slices.Concat(cloud, d.site.home)), KindNormal)
		c.Profile = "odd-bot"
		v := d.newVisit(r, c, d.startIn(r, 0, 0.6), k.ua)
		for !v.over() {
			v.get(k.path(), 200, int64(2000+r.IntN(50000)), 80)
			v.t += Sec(Uniform(r, k.every, k.max+k.every))
		}
	}
}
