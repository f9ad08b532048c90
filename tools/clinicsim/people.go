package main

import (
	"fmt"
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// nets says where the provider's patients connect from.
type nets struct {
	home4, home6 []string // home broadband
	cell6, cell4 []string // mobile carriers: IPv6 /64s for phones, v4 NAT pools for the rest
}

var patientNets = nets{
	home4: []string{"73.", "98.", "24.", "71.", "68.", "76.", "99.", "108.", "174.", "47."},
	home6: []string{"2601:18c:", "2600:1700:", "2603:6011:", "2600:6c50:"},
	cell6: []string{"2607:fb90:", "2600:387:", "2600:1010:", "2600:100e:"},
	cell4: []string{"172.56.", "172.58.", "107.77.", "174.205.", "166.205."},
}

var browsers = []string{
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
}

func iosUA(r *rand.Rand) string {
	return fmt.Sprintf("Kestrel/%s (%s; iOS %s) CFNetwork/1568.200.51 Darwin/24.1.0",
		Pick(r, []string{"7.4.0", "7.4.1", "7.3.2"}), Pick(r, []string{"iPhone15,2", "iPhone16,1", "iPhone14,5", "iPhone13,2", "iPhone17,3"}), Pick(r, []string{"18.1", "18.1.1", "17.6.1", "18.2"}))
}

func androidUA(r *rand.Rand) string {
	return fmt.Sprintf("Kestrel-Android/%s (Android %d; %s) okhttp/4.12.0",
		Pick(r, []string{"7.4.0", "7.3.5", "7.2.9"}), 12+r.IntN(4), Pick(r, []string{"SM-S921U", "Pixel 7a", "SM-A156U", "moto g play - 2024", "Pixel 9"}))
}

// crowd adds the day's patients and clinicians.
func (d *day) crowd() {
	r := Sub(d.rnd)
	nat := max(3, d.want/110)
	for range nat {
		c := d.log.Client(d.log.V4(r, patientNets.cell4), KindNormal)
		c.Profile, c.Heavy = "carrier-nat", true
		d.carriers = append(d.carriers, c)
	}
	for range d.want {
		pr := Sub(r)
		switch x := pr.Float64(); {
		case x < 0.075:
			d.clinician(pr)
		case x < 0.5:
			d.webPatient(pr)
		default:
			d.appPatient(pr, x < 0.78)
		}
	}
}

// arrival draws when someone already at it or just coming turns up.
func (d *day) arrival(r *rand.Rand) int64 {
	return int64(r.Float64()*float64(d.span+Sec(720))) - Sec(720)
}

func (d *day) webPatient(r *rand.Rand) {
	var c *Client
	if Chance(r, 0.2) {
		c = d.log.Client(d.log.V6In(r, V6Net(r, patientNets.home6)), KindNormal)
	} else {
		c = d.log.Client(d.log.V4(r, patientNets.home4), KindNormal)
	}
	c.Profile = "portal-web"
	tr := d.trail(r, one(c), d.arrival(r), Pick(r, browsers))
	tr.user = "pt-" + Hex(r, 8)
	tr.send("GET", "/", 200, tr.hdr(), size(r, 38000), 45)
	for _, f := range []string{"portal.js", "vendor.js", "portal.css"} {
		tr.send("GET", "/static/"+Hex(r, 8)+"/"+f, 200, tr.hdr(), size(r, 160000), 30)
	}
	tr.send("GET", "/api/public/banner", 200, tr.hdr(), size(r, 600), 15)
	tr.idle(2, 8)
	tr.send("GET", "/login", 200, tr.hdr(), size(r, 9000), 25)
	tr.idle(5, 20)
	d.visit(tr, false)
}

// appPatient is a phone on the iOS or the Android app: on a rotating IPv6
// address, behind a carrier NAT or on home Wi-Fi.
func (d *day) appPatient(r *rand.Rand, ios bool) {
	ua, profile := androidUA(r), "android-app"
	if ios {
		ua, profile = iosUA(r), "ios-app"
	}
	t0 := d.arrival(r)
	var who func(int64) *Client
	switch x := r.Float64(); {
	case x < 0.45:
		net := V6Net(r, patientNets.cell6)
		c := d.log.Client(d.log.V6In(r, net), KindNormal)
		c.Profile = profile
		who = d.log.RotateV6(r, c, net, t0, 120, 600)
	case x < 0.7:
		who = one(Pick(r, d.carriers))
	default:
		c := d.log.Client(d.log.V4(r, patientNets.home4), KindNormal)
		c.Profile = profile
		who = one(c)
	}
	tr := d.trail(r, who, t0, ua)
	tr.app = true
	tr.user = "pt-" + Hex(r, 8)
	if Chance(r, 0.35) {
		tr.expires = t0 + Sec(Uniform(r, 20, 900))
	}
	tr.send("GET", "/api/app/config?platform="+profile[:len(profile)-4], 200, tr.hdr(), size(r, 2400), 18)
	d.visit(tr, Chance(r, 0.65))
}

// signIn is the password then the SMS code; a remembered app only
// refreshes its token.
func (d *day) signIn(tr *trail, remembered bool) {
	r := tr.r
	if remembered {
		tr.send("POST", "/api/auth/token/refresh", 200, tr.hdr()+210, 1180, 38)
		return
	}
	if Chance(r, 0.14) {
		for range 1 + r.IntN(2) {
			tr.send("POST", "/api/auth/password", 401, tr.hdr()+160, 140, 210)
			tr.idle(4, 18)
		}
	}
	tr.send("POST", "/api/auth/password", 200, tr.hdr()+160, 310, 230)
	tr.idle(9, 40) // the SMS
	if Chance(r, 0.06) {
		tr.send("POST", "/api/auth/otp/verify", 401, tr.hdr()+60, 120, 30)
		tr.idle(6, 20)
	}
	tr.send("POST", "/api/auth/otp/verify", 200, tr.hdr()+60, 1350, 42)
}

// visit is a signed-in patient doing one or two things and leaving.
func (d *day) visit(tr *trail, remembered bool) {
	r := tr.r
	d.signIn(tr, remembered)
	tr.read("/api/me", size(r, 1800), 22)
	tr.read("/api/appointments?upcoming=true", size(r, 3200), 40)
	tr.read("/api/inbox/unread", 90, 12)
	errands := []func(*trail){d.bookVisit, d.waitingRoom, d.messages, d.labs, d.refill, d.copay, d.cardPhoto}
	weights := []float64{26, 14, 20, 16, 10, 8, 6}
	for n := 2 + r.IntN(3); n > 0 && tr.on(); n-- {
		tr.idle(3, 25)
		errands[Weighted(r, weights)](tr)
	}
	if Chance(r, 0.4) {
		tr.idle(5, 60)
		tr.send("POST", "/api/auth/logout", 204, tr.hdr(), 0, 15)
	}
}

var specialties = []string{"primary-care", "dermatology", "behavioral-health", "pediatrics", "urgent-care", "womens-health", "cardiology"}

func (d *day) bookVisit(tr *trail) {
	r := tr.r
	spec := Pick(r, specialties)
	tr.read("/api/schedule/providers?specialty="+spec+"&zip="+num(r, 10000, 99999), size(r, 14000), 120)
	for range 1 + r.IntN(3) {
		prov := num(r, 1000, 9000)
		for range 1 + r.IntN(5) {
			tr.idle(2, 12)
			tr.read("/api/schedule/slots?provider="+prov+"&week="+num(r, 2, 6), size(r, 5200), 85)
		}
		tr.idle(4, 30)
	}
	if Chance(r, 0.7) {
		st := 201
		if Chance(r, 0.05) {
			st = 409
		}
		tr.call("POST", "/api/schedule/bookings", st, 380, size(r, 900), 160)
		if st == 201 {
			tr.read("/api/appointments/"+num(r, 400000, 990000), size(r, 2100), 35)
		}
	}
}

// waitingRoom polls the lobby of a video visit until the clinician joins,
// then keeps the call alive with heartbeats.
func (d *day) waitingRoom(tr *trail) {
	r := tr.r
	id := num(r, 400000, 990000)
	tr.read("/api/visits/"+id, size(r, 2500), 30)
	tr.call("POST", "/api/visits/"+id+"/checkin", 200, 240, 420, 60)
	every := Uniform(r, 4, 6)
	for range 6 + r.IntN(60) {
		tr.now += Sec(every + Uniform(r, -0.4, 0.4))
		if !tr.read("/api/visits/"+id+"/lobby", 180, 14) {
			return
		}
	}
	tr.call("POST", "/api/visits/"+id+"/join", 200, 300, 1900, 95)
	beat := Uniform(r, 14, 20)
	for range 10 + r.IntN(45) {
		tr.now += Sec(beat)
		if !tr.call("POST", "/api/visits/"+id+"/heartbeat", 204, 120, 0, 8) {
			return
		}
	}
	tr.call("POST", "/api/visits/"+id+"/leave", 200, 90, 60, 20)
	tr.call("POST", "/api/visits/"+id+"/survey", 201, 650, 40, 30)
}

func (d *day) messages(tr *trail) {
	r := tr.r
	tr.read("/api/inbox/threads?page=1", size(r, 7000), 70)
	for range 1 + r.IntN(3) {
		th := num(r, 10000000, 99999999)
		tr.read("/api/inbox/threads/"+th, size(r, 4800), 50)
		tr.idle(15, 90)
		if Chance(r, 0.5) {
			tr.call("POST", "/api/inbox/threads/"+th+"/messages", 201, int64(200+r.IntN(2400)), 520, 110)
		}
	}
	for range r.IntN(6) {
		tr.idle(25, 35)
		tr.read("/api/inbox/unread", 90, 12)
	}
}

func (d *day) labs(tr *trail) {
	r := tr.r
	tr.read("/api/records/labs?range=12m", size(r, 9000), 140)
	for range 1 + r.IntN(3) {
		id := num(r, 3000000, 9000000)
		tr.idle(3, 25)
		tr.read("/api/records/labs/"+id, size(r, 3800), 60)
		if Chance(r, 0.55) {
			tr.idle(5, 40)
			tr.read("/api/records/labs/"+id+"/report.pdf", int64(LogUniform(r, 90e3, 1.6e6)), 420)
		}
	}
}

func (d *day) refill(tr *trail) {
	r := tr.r
	tr.read("/api/rx/active", size(r, 4200), 75)
	tr.idle(5, 30)
	tr.read("/api/pharmacies/preferred", size(r, 800), 25)
	rx := num(r, 100000, 999999)
	tr.call("POST", "/api/rx/"+rx+"/refill", 202, 210, 340, 240)
	tr.idle(2, 10)
	tr.read("/api/rx/"+rx+"/status", 260, 20)
}

func (d *day) copay(tr *trail) {
	r := tr.r
	tr.read("/api/billing/balance", size(r, 900), 55)
	tr.read("/api/billing/statements?limit=6", size(r, 3400), 80)
	tr.idle(10, 60)
	for try := 0; try < 3; try++ {
		st := 200
		if Chance(r, 0.1) {
			st = 402
		}
		tr.call("POST", "/api/billing/copay", st, 520, size(r, 600), 900)
		if st == 200 {
			tr.read("/api/billing/receipts/latest", size(r, 1500), 40)
			return
		}
		tr.idle(20, 70) // finds another card
		if Chance(r, 0.3) {
			return
		}
	}
}

// cardPhoto uploads both sides of the insurance card: a few MB each.
func (d *day) cardPhoto(tr *trail) {
	r := tr.r
	tr.read("/api/coverage", size(r, 1900), 45)
	tr.idle(10, 45)
	for _, side := range []string{"front", "back"} {
		tr.call("POST", "/api/coverage/card-images?side="+side, 201, int64(LogUniform(r, 1.2e6, 6e6)), 380, 1800)
		tr.idle(5, 25)
	}
	for range 1 + r.IntN(4) {
		tr.idle(4, 9)
		tr.read("/api/coverage/verification", 220, 25)
	}
}

// clinician works through a worklist from a hospital NAT or, now and
// then, from home.
func (d *day) clinician(r *rand.Rand) {
	var c *Client
	if len(d.hospitals) > 0 && Chance(r, 0.85) {
		c = Pick(r, d.hospitals)
	} else {
		c = d.log.Client(d.log.V4(r, patientNets.home4), KindNormal)
		c.Profile = "clinician"
	}
	tr := d.trail(r, one(c), d.arrival(r)-Sec(300), Pick(r, browsers[:4]))
	tr.user = "dr-" + Hex(r, 6)
	for tr.on() {
		tr.read("/clinic/api/worklist?status=open", size(r, 11000), 130)
		tr.idle(5, 40)
		switch Weighted(r, []float64{5, 3, 2}) {
		case 0:
			pid := num(r, 100000, 999999)
			tr.read("/clinic/api/patients/"+pid+"/chart", size(r, 48000), 260)
			tr.read("/clinic/api/patients/"+pid+"/labs", size(r, 12000), 140)
			tr.idle(30, 180)
			tr.call("POST", "/clinic/api/notes", 201, int64(800+r.IntN(6000)), 300, 180)
		case 1:
			v := num(r, 400000, 990000)
			tr.call("POST", "/clinic/api/visits/"+v+"/start", 200, 200, 1700, 90)
			for range 15 + r.IntN(30) {
				tr.idle(14, 16)
				tr.call("POST", "/clinic/api/visits/"+v+"/heartbeat", 204, 120, 0, 8)
			}
			tr.call("POST", "/clinic/api/visits/"+v+"/end", 200, 900, 200, 70)
		default:
			tr.read("/clinic/api/inbox?pool=team", size(r, 6500), 90)
			tr.idle(20, 90)
			tr.call("POST", "/clinic/api/rx/"+num(r, 100000, 999999)+"/approve", 200, 340, 260, 120)
		}
		tr.idle(20, 120)
	}
}
