package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// runPartners plays the site's partners, each from its usual addresses.
func (d *day) runPartners() {
	for _, p := range d.s.partners {
		r := Sub(d.r)
		var cs []*Client
		for _, ip := range p.addrs {
			cs = append(cs, d.client(ip, p.profile, p.heavy))
		}
		p.run(d, r, p, cs)
	}
}

// stream sends a partner's requests as one Poisson stream spread over its
// addresses; pick draws each request and the account it is for. Small
// fleets still see each address now and then.
func (d *day) stream(r *rand.Rand, p *partner, cs []*Client, pick func(t int64) (hit, string)) {
	rate := max(p.rate*d.scale, 0.2*float64(len(cs)))
	w := who{ua: p.ua, key: p.key, hdr: 900}
	Poisson(r, rate, 0, d.W, func(t int64) {
		h, u := pick(t)
		w.c = Pick(r, cs)
		d.send(w.as(u), t, h)
	})
}

// voiceTraffic is a voice assistant: spoken commands, state queries,
// discovery after a user adds a device, and token refreshes for its
// users' linked accounts.
func voiceTraffic(d *day, r *rand.Rand, p *partner, cs []*Client) {
	d.stream(r, p, cs, func(t int64) (hit, string) {
		u := Pick(r, p.users)
		n := float64(len(u.home.devices))
		switch Weighted(r, []float64{0.35, 0.4, 0.12, 0.05, 0.08}) {
		case 0:
			code := status(r, 200, alt{404, 0.02}, alt{503, 0.03})
			if d.offline(t) && Chance(r, 0.7) {
				code = 503
			}
			return hit{"POST", "/api/v1/smarthome/directive", code, size(r, 900, 0.3), size(r, 600, 0.4), lat(r, 380)}, u.id
		case 1:
			return hit{"POST", "/api/v1/smarthome/state", 200, size(r, 350, 0.3), size(r, 220*n, 0.3), lat(r, 60)}, u.id
		case 2:
			return hit{"POST", "/api/v1/oauth/token", status(r, 200, alt{400, 0.04}), size(r, 420, 0.1), 1300, lat(r, 70)}, ""
		case 3:
			return hit{"POST", "/api/v1/smarthome/discovery", 200, size(r, 300, 0.2), size(r, 1800*n, 0.3), lat(r, 240)}, u.id
		}
		return hit{"GET", "/api/v1/users/me", 200, 0, size(r, 500, 0.2), lat(r, 25)}, u.id
	})
}

var (
	triggers = []string{"motion_detected", "door_unlocked", "temperature_above", "device_offline", "doorbell_pressed", "energy_report"}
	actions  = []string{"set_mode", "lock", "unlock", "turn_on", "turn_off", "set_temperature", "snapshot"}
)

// automationTraffic is an automation platform: it polls each linked
// account's triggers (mostly finding nothing new) and runs actions. It
// keeps polling with tokens users revoked long ago, so a steady few per
// cent of its requests fail.
func automationTraffic(d *day, r *rand.Rand, p *partner, cs []*Client) {
	d.stream(r, p, cs, func(t int64) (hit, string) {
		u := Pick(r, p.users)
		h := hit{"GET", "/api/v1/triggers/" + Pick(r, triggers) + "?limit=50&cursor=" + Hex(r, 8), 200, 0, 42, lat(r, 35)}
		if Chance(r, 0.05) {
			h.out = size(r, 1200, 0.5)
		}
		if Chance(r, 0.15) {
			h = hit{"POST", "/api/v1/actions/" + Pick(r, actions), 200, size(r, 260, 0.3), 180, lat(r, 320)}
		}
		if u.revoked {
			h = h.fails(401)
		}
		return h, u.id
	})
}

// receiptTraffic is the push provider posting delivery receipts in
// batches to the site's webhook.
func receiptTraffic(d *day, r *rand.Rand, p *partner, cs []*Client) {
	d.stream(r, p, cs, func(t int64) (hit, string) {
		return hit{"POST", "/hooks/v1/push/receipts", status(r, 204, alt{500, 0.002}), size(r, 9000, 0.9), 0, lat(r, 18)}, ""
	})
}

// utilityTraffic is an energy utility's demand-response program. It pages
// through its enrollments, then pulls yesterday's usage of every enrolled
// thermostat (its list has devices that left, hence 404s). On event days
// it sends every enrolled thermostat a new setpoint within a minute or
// two: a legitimate walk over many serials at a high rate.
func utilityTraffic(d *day, r *rand.Rand, p *partner, cs []*Client) {
	var enrolled []string
	for _, u := range p.users {
		for _, dv := range u.home.devices {
			if dv.m.family == "thermostat" {
				enrolled = append(enrolled, dv.serial)
			}
		}
	}
	for range len(enrolled)/20 + 1 {
		enrolled = append(enrolled, serial(models[0], 2301+r.IntN(52), r.IntN(100000)))
	}
	prog := "/api/v1/programs/dr-" + Hex(r, 4)
	w := who{ua: p.ua, key: p.key, hdr: 900}
	t := d.at(r, 0, 0.3)
	for page := 1; page <= len(enrolled)/100+1; page++ {
		w.c = Pick(r, cs)
		t = d.send(w, t, hit{"GET", prog + "/enrollments?page=" + itoa(page) + "&per_page=100", 200, 0, size(r, 14000, 0.2), lat(r, 120)})
	}
	gap := 1 / max(p.rate*d.scale, 0.3)
	for _, sn := range shuffled(r, enrolled) {
		t += Sec(r.ExpFloat64() * gap)
		w.c = Pick(r, cs)
		d.send(w, t, hit{"GET", prog + "/devices/" + sn + "/usage?date=yesterday", status(r, 200, alt{404, 0.05}), 0, size(r, 2400, 0.3), lat(r, 90)})
	}
	if !Chance(r, 0.4) {
		return
	}
	t = d.at(r, 0.2, 0.7)
	rate := Uniform(r, 15, 45)
	for _, sn := range shuffled(r, enrolled) {
		t += Sec(r.ExpFloat64() / rate)
		w.c = Pick(r, cs)
		d.send(w, t, hit{"POST", prog + "/devices/" + sn + "/setpoint", status(r, 202, alt{404, 0.05}, alt{409, 0.03}),
			size(r, 160, 0.1), 120, lat(r, 150)})
	}
}

// alarmTraffic is a professional monitoring center: each of its two
// addresses keeps a long-poll on the alarm stream, acknowledges alarms
// and fetches the contacts of the home in alarm.
func alarmTraffic(d *day, r *rand.Rand, p *partner, cs []*Client) {
	for _, c := range cs {
		w := who{c: c, ua: p.ua, key: p.key, hdr: 900}
		for t := Sec(Uniform(r, 0, 25)); t < d.W; {
			if !Chance(r, 0.03) {
				t = d.send(w, t, hit{"GET", "/api/v1/alarms/stream?wait=25", 204, 0, 0, 25000 + lat(r, 5)}) + Sec(0.05)
				continue
			}
			u := Pick(r, p.users)
			t = d.send(w, t, hit{"GET", "/api/v1/alarms/stream?wait=25", 200, 0, size(r, 900, 0.3), Uniform(r, 50, 25000)})
			t = d.send(w, t+Sec(Uniform(r, 1, 8)), hit{"POST", "/api/v1/alarms/al_" + Hex(r, 10) + "/ack", 200, size(r, 200, 0.2), 90, lat(r, 40)})
			t = d.send(w, t+Sec(Uniform(r, 2, 20)), hit{"GET", "/api/v1/homes/" + u.home.id + "/contacts", 200, 0, size(r, 1300, 0.3), lat(r, 50)})
		}
	}
}

// monitorTraffic is an uptime monitor: each probe address checks the same
// URLs on a fixed clock. The device endpoint check fails during an
// outage.
func monitorTraffic(d *day, r *rand.Rand, p *partner, cs []*Client) {
	for _, c := range cs {
		w := who{c: c, ua: p.ua}
		for _, path := range p.checks {
			for t := Sec(Uniform(r, 0, p.every)); t < d.W; t += Sec(p.every + Uniform(r, -0.3, 0.3)) {
				code := 200
				if path == "/device/v3/time" && d.offline(t) {
					code = 503
				}
				d.send(w, t, hit{"GET", path, code, 0, size(r, 300, 0.3), lat(r, 15)})
			}
		}
	}
}
