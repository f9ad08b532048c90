package main

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/portcullis/portcullis/tools/internal/simcmd"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// generate builds the whole day.
func generate(c simcmd.Config) *Log {
	w := newWorld(c)
	d := w.day
	secs := float64(w.W) / 1e9

	// The shape of the day: the lunchtime push and the incident, which the
	// attackers and the crowd below both follow.
	w.spikeMult = Uniform(d, 3, 5)
	length := min(Uniform(d, 180, 360), .4*secs)
	w.spike.a = Sec(Uniform(d, .15, .55) * secs)
	w.spike.b = w.spike.a + Sec(length)
	w.pushPromo = "lunch-" + Hex(d, 4)
	w.inc = w.incident(d)

	// Newcomers and attackers first in the day's draw order, so that the
	// count of ordinary clients does not shift them.
	w.newcomers(Sub(d))
	for _, run := range []func(*world, *rand.Rand){(*world).flood, (*world).scan, (*world).bruteforce, (*world).injection, (*world).upload, (*world).enumeration} {
		for range 1 + d.IntN(3) {
			run(w, Sub(d))
		}
	}
	w.stuffing(Sub(d))
	w.cardtest(Sub(d))
	w.ddos(Sub(d))
	w.promoabuse(Sub(d))
	w.machines(Sub(d))

	// Drivers on shift (most since before the window), the tablets of the
	// restaurants open for lunch, and the staff at their dashboards.
	for _, i := range d.Perm(len(w.drivers))[:len(w.drivers)*10/13] {
		r := Sub(d)
		a := Sec(Uniform(r, 0, secs))
		if Chance(r, .65) {
			a = -Sec(Uniform(r, 0, 3600))
		}
		b := w.W
		if Chance(r, .1) {
			b = a + Sec(Uniform(r, 300, 900))
		}
		w.drive(r, w.drivers[i], a, b)
	}
	for _, tb := range w.tablets {
		if r := Sub(d); Chance(r, .92) {
			w.counter(r, tb)
		}
	}
	for _, st := range w.staff {
		r := Sub(d)
		a, b := Sec(-1), w.W
		if Chance(r, .3) {
			a = Sec(Uniform(r, 0, secs))
		} else if Chance(r, .1) {
			b = Sec(Uniform(r, 0, secs))
		}
		w.desk(r, st, a, b)
	}

	// Customers: a subset of the pool opening the app at a rate that
	// climbs towards lunch, some of them since before the window; the push
	// brings (mult-1) times the usual arrivals over the spike, most in its
	// first minutes.
	n := max(5, c.Clients-len(w.drivers)*10/13-len(w.tablets)-len(w.staff))
	n = min(n, len(w.phones))
	slope := Uniform(d, 0, .8)
	pre := Sec(300)
	arrival := func(r *rand.Rand) int64 {
		u := r.Float64()
		x := u
		if slope > 0 {
			x = (math.Sqrt(1+slope*(2+slope)*u) - 1) / slope
		}
		return -pre + int64(x*float64(w.W+pre))
	}
	order := d.Perm(len(w.phones))
	for _, i := range order[:n] {
		r := Sub(d)
		w.visit(r, w.phones[i], arrival(r), false)
	}
	crowd := int((w.spikeMult - 1) * float64(n) * float64(w.spike.b-w.spike.a) / float64(w.W+pre))
	for _, i := range order[n:min(n+crowd, len(order))] {
		r := Sub(d)
		w.visit(r, w.phones[i], w.spike.a+int64(math.Pow(r.Float64(), 1.8)*float64(w.spike.b-w.spike.a)), true)
	}
	// People who installed the app today.
	for range max(1, n/80) {
		r := Sub(d)
		p := &phone{user: "u" + strconv.Itoa(w.users+1+r.IntN(40000)), profile: "new-user", via: viaV6}
		if Chance(r, .4) {
			p.via, p.home = viaHome, w.log.V4(r, w.homeV4)
		} else {
			p.v6 = V6Net(r, w.carrierV6)
		}
		w.dress(r, p)
		w.welcome(r, p, arrival(r))
	}

	w.outage(d)
	w.limits()
	return w.log
}

// incident is the day's trouble in one backend service: for a minute or
// two a share of its requests fail.
type incident struct {
	what string // "", "payments", "menus", "tracking" or "search"
	a, b int64
	p    float64 // share of the service's requests that fail
}

func (w *world) incident(d *rand.Rand) incident {
	if !Chance(d, .7) {
		return incident{}
	}
	secs := float64(w.W) / 1e9
	a := Sec(Uniform(d, .05, .85) * secs)
	return incident{
		what: Pick(d, []string{"payments", "menus", "tracking", "search"}),
		a:    a,
		b:    a + Sec(Uniform(d, 30, 150)),
		p:    Uniform(d, .3, .8),
	}
}

// hit reports whether path belongs to the failing service.
func (in incident) hit(path string) bool {
	switch in.what {
	case "payments":
		return strings.HasPrefix(path, "/v2/payment")
	case "menus":
		return strings.HasPrefix(path, "/v2/restaurants/") && strings.Contains(path, "/menu")
	case "tracking":
		return strings.HasSuffix(path, "/track") || path == "/v2/driver/location"
	case "search":
		return strings.HasPrefix(path, "/v2/search") || path == "/graphql"
	}
	return false
}

// outage fails the incident's share of its service's requests. People's
// apps retry some of the failed reads a few seconds later, and those
// retries fail too while the incident lasts.
func (w *world) outage(d *rand.Rand) {
	in := w.inc
	if in.what == "" {
		return
	}
	r := Sub(d)
	fail := func(e *Event) {
		switch in.what {
		case "payments":
			e.Status = Pick(r, []int{502, 504, 504})
		case "tracking":
			e.Status = Pick(r, []int{503, 504})
		default:
			e.Status = 503
		}
		e.RespBytes = int64(LogNormal(r, 150, .2))
		if e.Status == 504 {
			e.DurationMS = Uniform(r, 10000, 30000)
		} else {
			e.DurationMS = LogNormal(r, 8, .5)
		}
	}
	var retries []Event
	evs := w.log.Events()
	for i := range evs {
		e := &evs[i]
		if e.T < in.a || e.T >= in.b || !in.hit(e.Path) || !Chance(r, in.p) {
			continue
		}
		fail(e)
		if e.C.Kind == KindNormal && !e.C.Heavy && e.Method == "GET" && Chance(r, .4) {
			retry := *e
			retry.T += Sec(Uniform(r, 1, 4)) + int64(e.DurationMS*1e6)
			retry.Status, retry.RespBytes, retry.DurationMS = 200, int64(LogNormal(r, 3000, .5)), LogNormal(r, 60, .4)
			if retry.T < in.b && Chance(r, in.p) {
				fail(&retry)
			}
			retries = append(retries, retry)
		}
	}
	for _, e := range retries {
		w.log.Add(e)
	}
}

// limits applies the gateway's limits in time order; excess requests get
// 429. Per signed-in user (or address): order and ride tracking one poll
// every 4 s with a burst of 6, which apps polling every 3 s run into;
// merchant order polls one every 2.5 s, burst 6. Per address: logins one
// every 3 s, burst 20; codes one every 5 s, burst 8; promo redemptions one
// every 8 s, burst 6. Per API key: 15 req/s, burst 40.
func (w *world) limits() {
	w.log.Sort()
	track, merchant := NewBuckets(1/4., 6), NewBuckets(1/2.5, 6)
	login, otp, promo := NewBuckets(1/3., 20), NewBuckets(1/5., 8), NewBuckets(1/8., 6)
	keys := NewBuckets(15, 40)
	for i := range w.log.Events() {
		e := &w.log.Events()[i]
		who := e.User
		if who == "" {
			who = e.C.IP
		}
		ok := true
		switch {
		case e.Key != "":
			ok = keys.Take(e.Key, e.T)
		case e.Method == "GET" && (strings.HasSuffix(e.Path, "/track") || strings.HasPrefix(e.Path, "/v2/rides/")):
			ok = track.Take(who, e.T)
		case e.Method == "GET" && strings.HasPrefix(e.Path, "/v2/merchant/orders?"):
			ok = merchant.Take(who, e.T)
		case e.Method == "POST" && e.Path == "/v2/auth/login":
			ok = login.Take(e.C.IP, e.T)
		case e.Method == "POST" && strings.HasPrefix(e.Path, "/v2/auth/otp/"):
			ok = otp.Take(e.C.IP, e.T)
		case e.Method == "POST" && e.Path == "/v2/promos/redeem":
			ok = promo.Take(e.C.IP, e.T)
		}
		if !ok {
			e.Status, e.RespBytes, e.DurationMS = 429, 72, .5
		}
	}
}
