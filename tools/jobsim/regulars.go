package main

import (
	"fmt"
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// regulars are the site's recurring addresses: integrations, partners,
// offices, carriers, crawlers and the job seekers who come back each day.
// They are drawn before anything else from the site's own stream, so both
// days hold the same ones.
type regulars struct {
	ats       []partner
	newATS    partner // an integration that goes live on the test day
	aggs      []partner
	offices   []office
	carriers  []string // carrier-grade NAT addresses of the app's users
	returning []string // home addresses of job seekers who come back
	crawlers  []bot
	monitors  []bot
}

// partner is a program on an API key: an employer's applicant tracking
// system or a job aggregator.
type partner struct {
	ip, key, name, ua string
	pace              float64 // its usual requests a second
}

// office is a company's single NAT address and the recruiters behind it.
type office struct {
	ip, company string
	users       []string
}

// bot is a well-behaved robot at one address.
type bot struct{ ip, ua string }

// atsVendors are the applicant tracking systems employers connect.
var atsVendors = []string{"HireFlow", "TalentSync", "Recruitly", "StaffCore", "PeopleDesk", "OnboardIQ", "TeamTailor-Connector", "Hirebridge"}

// drawRegulars draws the site's recurring addresses from r, seeded by the
// site alone; their number grows with the site's size.
func drawRegulars(l *Log, s site, r *rand.Rand, clients int) regulars {
	var g regulars
	ats := func(i int) partner {
		v := atsVendors[i%len(atsVendors)]
		return partner{ip: l.V4(r, cloud), key: "ats_" + slug(v) + "_" + Hex(r, 12), name: v,
			ua: fmt.Sprintf("%s/%d.%d (+https://%s.example/integrations)", v, 1+r.IntN(4), r.IntN(10), slug(v)), pace: LogUniform(r, 0.8, 4)}
	}
	for i := range s.nATS {
		g.ats = append(g.ats, ats(i))
	}
	g.newATS = ats(s.nATS)
	g.newATS.pace *= 1.5
	for i := range s.nAgg {
		name := Pick(r, []string{"jobrollup", "careerjet", "worklist", "jobfeeder", "vacancyhub", "hireindex"})
		g.aggs = append(g.aggs, partner{ip: l.V4(r, cloud), key: fmt.Sprintf("agg_%s%d_%s", name, i, Hex(r, 10)), name: name,
			ua: fmt.Sprintf("%sBot/%d.%d (+https://%s.example/bot)", name, 1+r.IntN(3), r.IntN(9), name), pace: LogUniform(r, 0.4, 2.5)})
	}
	for range max(3, clients*int(s.scale*100)/100/120) {
		o := office{ip: l.V4(r, offices), company: Pick(r, companies)}
		for range 1 + int(LogUniform(r, 1, 14)) {
			o.users = append(o.users, "rec_"+o.company+"_"+Hex(r, 6))
		}
		g.offices = append(g.offices, o)
	}
	for range s.nCarrier {
		g.carriers = append(g.carriers, l.V4(r, carrierV4))
	}
	for range clients / 12 {
		g.returning = append(g.returning, l.V4(r, s.home))
	}
	g.crawlers, g.monitors = drawBots(l, r)
	return g
}

// drawBots draws the search engines' crawlers and the uptime monitors.
func drawBots(l *Log, r *rand.Rand) (crawlers, monitors []bot) {
	google := "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
	googleMobile := "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.126 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
	bing := "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36"
	for range 2 + r.IntN(3) {
		crawlers = append(crawlers, bot{l.V4(r, []string{"66.249.66.", "66.249.68.", "66.249.79."}), Pick(r, []string{google, googleMobile})})
	}
	for range 1 + r.IntN(2) {
		crawlers = append(crawlers, bot{l.V4(r, []string{"40.77.167.", "157.55.39.", "207.46.13."}), bing})
	}
	crawlers = append(crawlers, bot{l.V4(r, []string{"17.241.219.", "17.241.227."}), "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)"})
	for range 2 + r.IntN(3) {
		monitors = append(monitors, bot{l.V4(r, []string{"216.144.250.", "69.162.124.", "63.143.42."}), "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)"})
	}
	monitors = append(monitors, bot{l.V4(r, []string{"178.255.152.", "185.180.12."}), "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)"})
	return crawlers, monitors
}
