package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// runCampaigns adds the day's coordinated attacks, each from 24 to 150
// addresses under one campaign name; some days bring a second one of a
// kind.
func (d *day) runCampaigns() {
	r := Sub(d.r)
	for _, c := range []struct {
		kind string
		run  func(r *rand.Rand, id string, crew []*Client)
		from []float64 // weights of fromHosting, fromHome, fromHome6, fromMobile6, fromCloud
	}{
		{"stuffing", d.stuffing, []float64{0.15, 0.55, 0.15, 0.15, 0}},
		{"ddos", d.ddos, []float64{0.1, 0.75, 0.1, 0, 0.05}},
		{"tokenspray", d.tokenspray, []float64{0.3, 0.4, 0.15, 0, 0.15}},
		{"claimjack", d.claimjack, []float64{0, 0.5, 0.1, 0.4, 0}},
	} {
		for n := range 1 + b2i(Chance(r, d.s.extra)) {
			sub := Sub(r)
			id := c.kind + "-" + itoa(int(d.c.Site)) + "." + itoa(int(d.c.Seed)) + string(rune('a'+n))
			var crew []*Client
			for range d.campaignSize(sub) {
				m := d.attacker(sub, c.kind, Weighted(sub, c.from))
				m.Campaign = id
				crew = append(crew, m)
			}
			c.run(sub, id, crew)
		}
	}
}

// stuffing tries leaked email and password pairs on the app sign-in from
// residential addresses, each a try every 10 to 90 s under an app agent.
// Most fail; the few that work go on to look at the account's homes.
func (d *day) stuffing(r *rand.Rand, id string, crew []*Client) {
	start, end := d.span(r, 120, 900)
	for _, c := range crew {
		w := d.fakeApp(r, c)
		t := d.join(r, start, end, 60)
		d.send(w.as(""), t, hit{"GET", "/app/v5/config?platform=ios&build=71400", 200, 0, size(r, 3800, 0.2), lat(r, 15)})
		w.attack = true
		gap := Uniform(r, 10, 90)
		for t += Sec(Uniform(r, 1, 5)); t < end; t += Sec(gap * Uniform(r, 0.6, 1.4)) {
			code := status(r, 401, alt{200, 0.015}, alt{423, 0.03})
			after := d.send(w.as(""), t, hit{"POST", "/app/v5/auth/signin", code, size(r, 170, 0.2), 90 + 1800*int64(b2i(code == 200)), lat(r, 230)})
			if code == 200 {
				d.send(w.as(userID(r)), after+Sec(1), hit{"GET", "/app/v5/homes", 200, 0, size(r, 700, 0.3), lat(r, 40)})
			}
		}
	}
}

var botAgents = []string{"", "Hello World", "Mozilla/5.0", "Go-http-client/1.1", "python-requests/2.25.1",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
	"Dahua-DVR/3.2", "HiSilicon/1.0 (Linux; U; mips)"}

// ddos is a botnet of other vendors' cameras and routers hammering a few
// of the site's URLs at a few requests a second each, joining within
// half a minute of each other.
func (d *day) ddos(r *rand.Rand, id string, crew []*Client) {
	targets := shuffled(r, []hit{
		{"GET", "/", 404, 0, 150, 2},
		{"POST", "/app/v5/auth/signin", 401, 180, 90, 200},
		{"GET", "/app/v5/config?platform=ios&build=71400", 200, 0, 3800, 15},
		{"POST", "/device/v3/telemetry", 401, 300, 64, 5},
		{"GET", "/firmware/v3/LC-4K/manifest?current=5.2.4", 200, 0, 900, 12},
		{"GET", "/status.json", 200, 0, 300, 8},
	})[:2+r.IntN(3)]
	start, end := d.span(r, 60, 180)
	for _, c := range crew {
		w := who{c: c, ua: Pick(r, botAgents), attack: true}
		rate := Uniform(r, 0.5, 4)
		for t := d.join(r, start, end, 30); t < end; t += Sec(r.ExpFloat64() / rate) {
			h := Pick(r, targets)
			h.ms = lat(r, h.ms*3)
			if Chance(r, 0.15) {
				h = h.fails(503)
			}
			d.send(w, t, h)
		}
	}
}

// tokenspray tries stolen or guessed device credentials from many
// addresses, a new one on every request: old-API device keys (which the
// gateway logs) and bearer tokens whose subject names a random serial.
// Nearly all are refused; now and then a stolen one is still valid.
func (d *day) tokenspray(r *rand.Rand, id string, crew []*Client) {
	start, end := d.span(r, 120, 900)
	for _, c := range crew {
		dv := d.someDevice(r, "plug", "thermostat", "camera")
		old := dv.m.gen == 2
		w := who{c: c, ua: dv.m.ua(dv.m.newest()), attack: true}
		rate := Uniform(r, 0.1, 1)
		for t := d.join(r, start, end, 45); t < end; t += Sec(r.ExpFloat64() / rate) {
			code := status(r, 401, alt{200, 0.005}, alt{403, 0.02})
			sn := serial(dv.m, 2301+r.IntN(52), r.IntN(100000))
			if old {
				w.key, w.hdr = "dk_"+Hex(r, 16)+Hex(r, 8), 20
				d.send(w, t, hit{"POST", "/dv/v2/report?sn=" + sn, code, size(r, dv.m.body, 0.3), 64, lat(r, 6)})
				continue
			}
			w.user, w.hdr = "d/"+sn, 780
			d.send(w, t, hit{"GET", "/device/v3/commands?wait=55&cursor=1", code, 0, 64, lat(r, 6)})
		}
	}
}

// claimjack hijacks devices that were sold but not yet set up: throwaway
// accounts, each behind a phone or home address, try to claim serials of
// a fresh production batch with guessed codes, splitting the batch
// between them, a try every 15 to 60 s. Most serials are not pending
// (404) or the code is wrong (403); a few claims succeed, and the device
// is theirs.
func (d *day) claimjack(r *rand.Rand, id string, crew []*Client) {
	m := d.someDevice(r, "camera", "lock", "doorbell").m
	week, next := 2301+r.IntN(52), r.IntN(90000)
	start, end := d.span(r, 150, 900)
	for i, c := range crew {
		w := d.fakeApp(r, c)
		t := d.signIn(r, w, d.join(r, start, end, 90))
		w.attack = true
		gap := Uniform(r, 15, 60)
		for j := 0; t < end; j++ {
			sn := serial(m, week, next+j*len(crew)+i)
			code := status(r, 404, alt{403, 0.28}, alt{200, 0.01})
			t = d.send(w, t, hit{"POST", "/app/v5/pairing/" + sn + "/claim", code, size(r, 120, 0.1), 90, lat(r, 60)})
			if code == 200 {
				d.send(w, t+Sec(2), hit{"GET", "/app/v5/pairing/" + sn + "/status", 200, 0, 120, lat(r, 12)})
			}
			t += Sec(gap * Uniform(r, 0.7, 1.3))
		}
	}
}
