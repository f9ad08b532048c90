package main

import (
	"math/rand/v2"
	"strconv"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// proxies are the residential and device networks campaigns rent.
var proxies = []string{"89.", "95.", "177.", "186.", "41.", "115.", "36.", "201.", "82.", "188.", "73.", "24.", "98."}

// cohort is one campaign: its members and when each of them joins.
type cohort struct {
	d     *day
	kind  string
	id    string
	joins []int64
	r     *rand.Rand
}

// muster names a campaign of kind and draws its members' joining times
// with join(i), keeping each a little before the end of the window so
// that every member is seen.
func (d *day) muster(r *rand.Rand, kind string, n int, join func(i int) int64) *cohort {
	if d.campaignNo == nil {
		d.campaignNo = map[string]int{}
	}
	d.campaignNo[kind]++
	k := &cohort{d: d, kind: kind, id: kind + "-" + strconv.Itoa(d.campaignNo[kind]), r: r}
	latest := d.at(0.88)
	for i := range n {
		k.joins = append(k.joins, max(0, min(join(i), latest)))
	}
	return k
}

// each runs act for every member at its own address, from its own stream.
func (k *cohort) each(nets []string, act func(tr *trail)) {
	for _, t := range k.joins {
		r := Sub(k.r)
		c := k.d.log.Client(k.d.log.V4(r, nets), k.kind)
		c.Campaign = k.id
		tr := k.d.trail(r, one(c), t, "")
		tr.evil = true
		act(tr)
	}
}

func (d *day) campaigns() {
	r := Sub(d.rnd)
	d.stuffing(Sub(r))
	if Chance(r, 0.35) {
		d.stuffing(Sub(r))
	}
	d.ddos(Sub(r))
	d.cardtest(Sub(r))
	d.slotscalp(Sub(r))
}

// stuffing tries leaked credentials, one account a try, dressed as the
// portal in a browser or as one of the apps. Its members either arrive in
// one burst or drip in one after another across minutes.
func (d *day) stuffing(r *rand.Rand) {
	n := 20 + r.IntN(131)
	base := d.between(r, 0, 0.55)
	burst := Chance(r, 0.4)
	drip := Uniform(r, 120, 540) / float64(n)
	k := d.muster(r, "stuffing", n, func(i int) int64 {
		if burst {
			return base + Sec(Uniform(r, 0, 25))
		}
		return base + Sec(float64(i)*drip*Uniform(r, 0.6, 1.4))
	})
	asApp := Chance(r, 0.5)
	pace := LogUniform(r, 4, 40)
	k.each(proxies, func(tr *trail) {
		rr := tr.r
		if asApp {
			tr.ua = iosUA(rr)
			if Chance(rr, 0.5) {
				tr.ua = androidUA(rr)
			}
			tr.send("GET", "/api/app/config?platform=ios", 200, tr.hdr(), size(rr, 2400), 18)
		} else {
			tr.ua = Pick(rr, browsers)
			tr.send("GET", "/login", 200, tr.hdr(), size(rr, 9000), 25)
		}
		for range 2 + rr.IntN(14) {
			tr.idle(pace*0.5, pace*1.5)
			tr.user = "pt-" + Hex(rr, 8)
			st := 401
			if Chance(rr, 0.02) {
				st = 200
			}
			tr.send("POST", "/api/auth/password", st, tr.hdr()+int64(140+rr.IntN(60)), 140, 220)
			if st == 200 {
				tr.idle(3, 12)
				tr.send("POST", "/api/auth/otp/verify", 401, tr.hdr()+60, 120, 30)
			}
		}
	})
}

// ddos floods from many addresses at once; most days it waits for the
// vaccine release, and its members pile in within seconds of each other.
func (d *day) ddos(r *rand.Rand) {
	n := 50 + r.IntN(101)
	go0 := d.between(r, 0.1, 0.6)
	if Chance(r, 0.7) {
		go0 = d.release + Sec(Uniform(r, -10, 30))
	}
	pile := Uniform(r, 5, 30)
	k := d.muster(r, "ddos", n, func(int) int64 { return go0 + Sec(r.ExpFloat64()*pile) })
	targets := []string{"/", "/services/flu-shots", "/api/schedule/slots?service=flu-vaccine&clinic=" + num(r, 10, 60), "/login"}
	hold := Uniform(r, 50, 180)
	k.each(append(proxies, hosting...), func(tr *trail) {
		rr := tr.r
		tr.ua = Pick(rr, append(browsers, "", "Mozilla/5.0"))
		rate := LogUniform(rr, 0.6, 5)
		stop := min(tr.now+Sec(hold*Uniform(rr, 0.7, 1.3)), d.span)
		first := tr.now
		tr.send("GET", Pick(rr, targets), 200, tr.hdr(), size(rr, 20000), 120)
		Poisson(rr, rate, first, stop, func(t int64) {
			tr.now = t
			tr.send("GET", cacheBust(rr, Pick(rr, targets)), 200, tr.hdr(), size(rr, 20000), 120)
		})
	})
}

// cacheBust returns path with a random query parameter added half the
// time, as a flood does to get past the CDN's cache.
func cacheBust(r *rand.Rand, path string) string {
	if Chance(r, 0.5) {
		return path
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + "_=" + Hex(r, 10)
}

// cardtest runs stolen cards through the copay form with throwaway
// accounts, in waves of a few addresses at a time.
func (d *day) cardtest(r *rand.Rand) {
	n := 20 + r.IntN(41)
	waves := 3 + r.IntN(5)
	first := d.between(r, 0.02, 0.45)
	gap := Uniform(r, 30, 100)
	k := d.muster(r, "cardtest", n, func(i int) int64 {
		return first + Sec(float64(i%waves)*gap+Uniform(r, 0, 8))
	})
	k.each(proxies, func(tr *trail) {
		rr := tr.r
		tr.ua = Pick(rr, browsers[:4])
		tr.user = "pt-" + Hex(rr, 8)
		tr.send("GET", "/api/billing/balance", 200, tr.hdr(), size(rr, 900), 55)
		for range 2 + rr.IntN(9) {
			tr.idle(6, 35)
			st := 402
			switch x := rr.Float64(); {
			case x < 0.12:
				st = 200
			case x < 0.2:
				st = 400
			}
			tr.send("POST", "/api/billing/copay", st, tr.hdr()+int64(480+rr.IntN(80)), size(rr, 300), 850)
		}
	})
}

// slotscalp books scarce slots with the bots' own accounts as soon as
// they show, holds them and cancels to book again; members start on a
// steady cadence.
func (d *day) slotscalp(r *rand.Rand) {
	n := 20 + r.IntN(26)
	cadence := Uniform(r, 2, 9)
	from := d.between(r, 0, 0.4)
	if Chance(r, 0.5) {
		from = d.release - Sec(Uniform(r, 20, 90))
	}
	k := d.muster(r, "slotscalp", n, func(i int) int64 { return from + Sec(float64(i)*cadence) })
	service := Pick(r, []string{"service=flu-vaccine", "specialty=dermatology", "specialty=behavioral-health"})
	k.each(append(proxies[:6:6], hosting...), func(tr *trail) {
		rr := tr.r
		tr.ua = Pick(rr, []string{androidUA(rr), iosUA(rr), browsers[0]})
		tr.user = "pt-" + Hex(rr, 8)
		d.ownAccount(tr)
		poll := Uniform(rr, 0.7, 2.2)
		for tr.on() {
			for range 3 + rr.IntN(12) {
				tr.read("/api/schedule/slots?"+service+"&week="+num(rr, 1, 4), size(rr, 2300), 120)
				tr.now += Sec(poll * Uniform(rr, 0.8, 1.2))
			}
			if !Chance(rr, 0.7) {
				tr.call("POST", "/api/schedule/bookings", 409, 420, 160, 300)
				continue
			}
			id := num(rr, 400000, 990000)
			tr.call("POST", "/api/schedule/bookings", 201, 420, size(rr, 700), 300)
			tr.idle(15, 80)
			tr.call("DELETE", "/api/schedule/bookings/"+id, 204, 0, 0, 90)
		}
	})
}
