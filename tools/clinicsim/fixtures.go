package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// partner is a recurring machine client of the provider.
type partner struct {
	profile string
	ua      string
	nets    []string
	n       [2]int // how many the site has, lo and hi
	work    func(d *day, tr *trail)
}

var partners = []partner{
	{"pharmacy-api", "RxRelay/3.2 (+ops@rxrelay.example)", []string{"52.", "3."}, [2]int{3, 5}, (*day).pharmacy},
	{"insurer-api", "EligibilityGateway/5.0 java/17", []string{"20.", "40."}, [2]int{2, 4}, (*day).insurer},
	{"lab-api", "LabLink-HL7-Bridge/1.9", []string{"34.", "35."}, [2]int{2, 4}, (*day).labFeed},
	{"ehr-webhook", "EHR-Events/2024.3", []string{"13.", "44."}, [2]int{2, 3}, (*day).ehrHooks},
}

// fixtures adds what the provider has every day: hospital NATs, partner
// integrations, uptime probes; then the day's crawlers and, some days, a
// new insurer.
func (d *day) fixtures() {
	s := d.site
	for range 3 + s.IntN(4) {
		c := d.log.Client(d.log.V4(s, []string{"192.80.", "129.176.", "155.37.", "198.178."}), KindNormal)
		c.Profile, c.Heavy = "hospital-nat", true
		d.hospitals = append(d.hospitals, c)
	}
	type booked struct {
		p   partner
		c   *Client
		key string
	}
	var all []booked
	for _, p := range partners {
		for range p.n[0] + s.IntN(p.n[1]-p.n[0]+1) {
			c := d.log.Client(d.log.V4(s, p.nets), KindNormal)
			c.Profile, c.Heavy = p.profile, true
			all = append(all, booked{p, c, "key_" + Hex(s, 12)})
		}
	}
	var probes []*Client
	for range 3 + s.IntN(2) {
		c := d.log.Client(d.log.V4(s, []string{"18.", "54.", "104."}), KindNormal)
		c.Profile = "uptime-probe"
		probes = append(probes, c)
	}
	// the day's own draws from here on
	r := Sub(d.rnd)
	for _, b := range all {
		tr := d.trail(Sub(r), one(b.c), Sec(Uniform(r, 0, 1)), b.p.ua)
		tr.key = b.key
		b.p.work(d, tr)
	}
	for _, c := range probes {
		tr := d.trail(Sub(r), one(c), Sec(Uniform(r, 0, 15)), "UptimeWatch/4.1 (+https://uptimewatch.example/bot)")
		for tr.on() {
			tr.send("GET", "/healthz", 200, tr.hdr(), 17, 3)
			tr.send("GET", "/api/status", 200, tr.hdr(), 640, 25)
			tr.idle(28, 32)
		}
	}
	for range 2 + r.IntN(4) {
		d.crawler(Sub(r))
	}
	if Chance(r, 0.45) {
		c := d.log.Client(d.log.V4(r, []string{"23.", "4."}), KindNormal)
		c.Profile, c.Heavy = "new-insurer", true
		tr := d.trail(Sub(r), one(c), d.between(r, 0, 0.5), "ClaimsHub-Connector/0.9.4 python-httpx/0.27")
		tr.key = "key_" + Hex(r, 12)
		d.insurer(tr)
	}
}

func (d *day) pharmacy(tr *trail) {
	r := tr.r
	gap := LogUniform(r, 0.3, 1.4)
	for tr.on() {
		tr.send("GET", "/partner/v1/rx/queue?since=cursor-"+Hex(r, 6), 200, tr.hdr(), size(r, 2600), 45)
		for range r.IntN(3) {
			tr.send("POST", "/partner/v1/rx/"+num(r, 100000, 999999)+"/status", 200, tr.hdr()+300, 90, 55)
		}
		tr.now += Sec(gap * Uniform(r, 0.8, 1.2))
	}
}

// insurer checks eligibility in batches and follows claims.
func (d *day) insurer(tr *trail) {
	r := tr.r
	for tr.on() {
		for range 5 + r.IntN(40) {
			tr.send("POST", "/partner/v1/eligibility/checks", 200, tr.hdr()+int64(900+r.IntN(900)), size(r, 1400), 180)
		}
		for range r.IntN(12) {
			tr.send("GET", "/partner/v1/claims/"+num(r, 10000000, 99999999), 200, tr.hdr(), size(r, 3100), 70)
		}
		tr.idle(4, 20)
	}
}

func (d *day) labFeed(tr *trail) {
	r := tr.r
	for tr.on() {
		tr.send("GET", "/partner/v1/lab/orders?status=pending", 200, tr.hdr(), size(r, 5200), 90)
		for range r.IntN(6) {
			st := 201
			if Chance(r, 0.02) {
				st = 422
			}
			tr.send("POST", "/partner/v1/lab/results", st, tr.hdr()+int64(LogUniform(r, 3e3, 60e3)), 150, 140)
		}
		tr.idle(3, 7)
	}
}

func (d *day) ehrHooks(tr *trail) {
	r := tr.r
	rate := Uniform(r, 2, 6)
	Poisson(r, rate, tr.now, d.span, func(t int64) {
		tr.now = t
		tr.send("POST", "/hooks/ehr/events", 202, tr.hdr()+int64(LogUniform(r, 600, 9000)), 30, 12)
	})
}

var publicPages = []string{"/", "/find-a-doctor", "/services/virtual-visits", "/services/flu-shots", "/locations", "/insurance-accepted", "/about", "/careers", "/privacy"}

func (d *day) crawler(r *rand.Rand) {
	var c *Client
	ua := "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
	switch x := r.Float64(); {
	case x < 0.4:
		c = d.log.Client(d.log.V4(r, []string{"66.249."}), KindNormal)
	case x < 0.7:
		c = d.log.Client(d.log.V4(r, []string{"157.55.", "40.77."}), KindNormal)
		ua = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"
	default:
		c = d.log.Client(d.log.V4(r, []string{"17.241.", "17.246."}), KindNormal)
		ua = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1)"
	}
	c.Profile = "crawler"
	tr := d.trail(r, one(c), d.between(r, 0, 0.6), ua)
	tr.send("GET", "/robots.txt", 200, tr.hdr(), 420, 4)
	gap := LogUniform(r, 1.5, 12)
	for tr.on() {
		p := Pick(r, publicPages)
		if Chance(r, 0.5) {
			p = "/doctors/" + Pick(r, specialties) + "/" + num(r, 1000, 9000)
		}
		st := 200
		if Chance(r, 0.04) {
			st = 404
		}
		tr.send("GET", p, st, tr.hdr(), size(r, 42000), 70)
		tr.idle(gap*0.5, gap*1.5)
	}
}
