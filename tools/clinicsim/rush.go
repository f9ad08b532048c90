package main

import (
	"math"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// planRelease places the flu-vaccine release: the slots go out at a round
// time in the first two thirds of the window and the rush fades over a few
// minutes.
func (d *day) planRelease() {
	r := d.rnd
	d.release = d.between(r, 0.25, 0.6)
	d.rushEnd = d.release + min(Sec(Uniform(r, 200, 330)), (d.span-d.release)*9/10)
}

// rushLeft is the share of the released slots still free at t.
func (d *day) rushLeft(t int64) float64 {
	if t < d.release {
		return 1
	}
	return math.Exp(-float64(t-d.release) / float64(Sec(75)))
}

// vaccineRush brings patients the site has not seen before, on the web
// and the apps, polling the flu-shot slots from the release on and booking
// when one shows up; late comers meet 409s.
func (d *day) vaccineRush() {
	r := Sub(d.rnd)
	n := int(float64(d.want) * Uniform(r, 0.5, 0.65))
	clinic := num(r, 10, 60)
	for range n {
		pr := Sub(r)
		t0 := d.release - Sec(Uniform(pr, 0, 40)) + Sec(pr.ExpFloat64()*Uniform(pr, 30, 70))
		var who func(int64) *Client
		ua := Pick(pr, browsers)
		switch x := pr.Float64(); {
		case x < 0.35:
			net := V6Net(pr, patientNets.cell6)
			c := d.log.Client(d.log.V6In(pr, net), KindNormal)
			c.Profile = "vaccine-rush"
			who = d.log.RotateV6(pr, c, net, t0, 150, 500)
			ua = iosUA(pr)
			if Chance(pr, 0.45) {
				ua = androidUA(pr)
			}
		case x < 0.45:
			who = one(Pick(pr, d.carriers))
			ua = androidUA(pr)
		default:
			c := d.log.Client(d.log.V4(pr, patientNets.home4), KindNormal)
			c.Profile = "vaccine-rush"
			who = one(c)
		}
		tr := d.trail(pr, who, t0, ua)
		tr.user = "pt-" + Hex(pr, 8)
		if !strings.HasPrefix(ua, "Kestrel") {
			tr.send("GET", "/services/flu-shots", 200, tr.hdr(), size(pr, 31000), 60)
		}
		d.signIn(tr, Chance(pr, 0.4))
		d.pollFlu(tr, clinic)
	}
}

// pollFlu polls availability every few seconds and books what it can.
func (d *day) pollFlu(tr *trail, clinic string) {
	r := tr.r
	every := Uniform(r, 1.5, 4)
	for tries := 0; tries < 2+r.IntN(3) && tr.on(); tries++ {
		for range 2 + r.IntN(25) {
			tr.read("/api/schedule/slots?service=flu-vaccine&clinic="+clinic+"&date=2027-01-"+num(r, 14, 29), size(r, 2300), 140)
			tr.now += Sec(every * Uniform(r, 0.7, 1.3))
		}
		st := 201
		if !Chance(r, d.rushLeft(tr.now)+0.08) {
			st = 409
		}
		tr.call("POST", "/api/schedule/bookings", st, 420, size(r, 700), 350)
		if st == 201 {
			tr.read("/api/appointments/"+num(r, 400000, 990000), size(r, 2100), 35)
			return
		}
		tr.idle(2, 8)
	}
}

// gateway applies what the gateway does in front of the site, in time
// order: per-address limits on availability polling and on everything,
// per-key limits on the partner API, and some 503s while the release
// peaks.
func (d *day) gateway() {
	d.log.Sort()
	r := Sub(d.rnd)
	slots := NewBuckets(0.4, 10)
	each := NewBuckets(18, 90)
	keys := NewBuckets(45, 250)
	peak := d.release + Sec(100)
	ev := d.log.Events()
	for i := range ev {
		e := &ev[i]
		var ok bool
		switch {
		case e.Key != "":
			ok = keys.Take(e.Key, e.T)
		case strings.HasPrefix(e.Path, "/api/schedule/slots"):
			ok = slots.Take(e.C.IP, e.T) && each.Take(e.C.IP, e.T)
		default:
			ok = each.Take(e.C.IP, e.T)
		}
		if !ok {
			e.Status, e.RespBytes, e.DurationMS = 429, 162, Uniform(r, 0.2, 1.5)
			continue
		}
		if e.T >= d.release && e.T < peak && strings.HasPrefix(e.Path, "/api/") && Chance(r, 0.035) {
			e.Status, e.RespBytes, e.DurationMS = 503, 215, Uniform(r, 2000, 10000)
		}
	}
}
