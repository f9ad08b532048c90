package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

var agentBrowsers = []string{
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/134.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.3 Safari/605.1.15",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:136.0) Gecko/20100101 Firefox/136.0",
}

// supportTraffic is the customer support office behind its NAT: agents
// work tickets, each a search, a look at the home and its devices, their
// logs, and sometimes a remote reboot. Between them they look up many
// serials and accounts, all legitimately.
func supportTraffic(d *day, r *rand.Rand, p *partner, cs []*Client) {
	agents := max(2, int(p.rate*min(1, 0.3+d.scale)))
	for range agents {
		w := who{c: Pick(r, cs), ua: Pick(r, agentBrowsers), user: "agent." + Hex(r, 6), hdr: 1400}
		t := d.at(r, 0, 0.2)
		for t < d.W {
			u := Pick(r, d.s.users)
			s := &tap{d: d, r: r, w: w, t: t, pace: 5}
			s.do(hit{"GET", "/support/v1/search?q=" + u.id, 200, 0, size(r, 2200, 0.4), lat(r, 140)})
			s.do(hit{"GET", "/support/v1/homes/" + u.home.id, 200, 0, size(r, 5200, 0.4), lat(r, 60)})
			for _, dv := range u.home.devices[:1+r.IntN(len(u.home.devices))] {
				s.do(hit{"GET", "/support/v1/devices/" + dv.serial, 200, 0, size(r, 3100, 0.3), lat(r, 50)})
				if Chance(r, 0.4) {
					s.do(hit{"GET", "/support/v1/devices/" + dv.serial + "/logs?limit=500", 200, 0, size(r, 180e3, 0.6), lat(r, 600)})
				}
				if Chance(r, 0.08) {
					s.do(hit{"POST", "/support/v1/devices/" + dv.serial + "/reboot", 202, size(r, 90, 0.1), 70, lat(r, 80)})
				}
			}
			t = s.t + Sec(LogNormal(r, 240, 0.6))
		}
	}
}

// factoryTraffic is the production line on the days it runs: each
// station registers the next serial of a batch, gets its certificate,
// and reports the test result; the line fetches the firmware image to
// flash once per station. A sequential serial walk that is not an
// attack.
func factoryTraffic(d *day, r *rand.Rand, p *partner, cs []*Client) {
	if !Chance(r, 0.7) {
		return
	}
	m := Pick(r, models)
	next := 1 + r.IntN(20000)
	week := 2301 + r.IntN(52)
	for st := range int(p.rate) {
		w := who{c: cs[0], ua: "lumio-provision/3.2 (station-" + itoa(st+1) + ")", key: p.key, hdr: 40}
		t := d.at(r, 0, 0.1)
		t = d.send(w, t, hit{"GET", "/firmware/v3/" + m.code + "/" + m.newest() + "/image.bin", 200, 0, int64(m.image * mb), transfer(r, m.image, 200)})
		for t < d.W {
			sn := serial(m, week, next)
			next++
			s := &tap{d: d, r: r, w: w, t: t, pace: 1.5}
			if s.do(hit{"POST", "/provision/v1/devices", status(r, 201, alt{409, 0.02}), size(r, 320, 0.1), 260, lat(r, 40)}) == 201 {
				s.do(hit{"POST", "/provision/v1/devices/" + sn + "/certificate", 201, size(r, 1150, 0.05), 2600, lat(r, 180)})
				s.do(hit{"POST", "/provision/v1/devices/" + sn + "/test-report", 200, size(r, 4200, 0.3), 60, lat(r, 30)})
			}
			t = s.t + Sec(Uniform(r, 20, 45))
		}
	}
}

// selfhosted is a home's own automation server polling the public API
// with a personal key: the device list now and then, each device's state
// on its polling interval. The API allows a key one request a second, so
// a busy home is refused now and then (by the gateway).
func (d *day) selfhosted(r *rand.Rand, h *home) {
	w := who{c: d.homeClient(r, h), ua: h.hubAgent, key: h.hubKey, hdr: 30}
	for t := Sec(Uniform(r, 0, 300)); t < d.W; t += Sec(300) {
		d.send(w, t, hit{"GET", "/api/v1/devices", 200, 0, size(r, 700*float64(len(h.devices)), 0.2), lat(r, 60)})
	}
	for _, dv := range h.devices {
		for t := Sec(Uniform(r, 0, h.hubEvery)); t < d.W; t += Sec(h.hubEvery + Uniform(r, -0.2, 0.2)) {
			d.send(w, t, hit{"GET", "/api/v1/devices/" + dv.serial + "/state", 200, 0, size(r, 900, 0.2), lat(r, 30)})
		}
	}
}
