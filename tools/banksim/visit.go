package main

import (
	"math/rand/v2"
	"strconv"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// visit is one device's run of requests: where the gateway sees it from,
// what every request carries, and the clock of its next request.
type visit struct {
	w      *world
	r      *rand.Rand
	at     func(t int64) *Client
	t      int64
	ua     string
	hdr    int64 // bytes of request line and headers beyond the path: cookies, tokens
	user   string
	key    string
	app    bool   // the bank's app, not a browser
	api    string // the prefix of the API it calls
	cached bool   // the browser holds web banking's assets already
	attack bool   // its requests are part of an attack
	alive  int64  // when web banking's session next needs a keep-alive
	poll   int64  // when the open app or page next polls its notifications
}

// newVisit starts a visit at t from the device at: the bank's app, or
// web banking in a browser.
func (w *world) newVisit(r *rand.Rand, at func(int64) *Client, t int64, app bool, ua string) *visit {
	v := &visit{w: w, r: r, at: at, t: t, ua: ua, app: app, cached: Chance(r, 0.5)}
	v.api = w.s.web
	v.hdr = 500 + int64(r.IntN(900)) // session cookies
	if app {
		v.api = w.s.app
		v.hdr = 700 + int64(r.IntN(400)) // a bearer token and device headers
	}
	v.alive = t + Sec(Uniform(r, 60, 120))
	v.poll = t + Sec(Uniform(r, 20, 60))
	return v
}

// send records one request at the visit's clock, answered in around ms.
func (v *visit) send(method, path string, status int, body, resp int64, ms float64) {
	v.took(method, path, status, body, resp, v.w.latency(v.r, v.t, ms))
}

// took records one request that took exactly ms to answer. The client
// takes a few milliseconds before its next request.
func (v *visit) took(method, path string, status int, body, resp int64, ms float64) {
	v.w.l.Add(Event{
		T: v.t, C: v.at(v.t), Method: method, Path: path, Status: status,
		ReqBytes: v.hdr + int64(len(path)) + body, RespBytes: resp, DurationMS: ms,
		UA: v.ua, Key: v.key, User: v.user, Attack: v.attack,
	})
	v.t += Sec(Uniform(v.r, 0.002, 0.03))
}

// get records a GET of an answer around kbs kilobytes.
func (v *visit) get(path string, status int, kbs, ms float64) {
	v.send("GET", path, status, 0, kb(v.r, kbs), ms)
}

// post records a POST of a body around bodyB bytes.
func (v *visit) post(path string, status int, bodyB, kbs, ms float64) {
	v.send("POST", path, status, int64(LogNormal(v.r, bodyB, 0.3))+1, kb(v.r, kbs), ms)
}

// pause moves the clock by lo to hi seconds.
func (v *visit) pause(lo, hi float64) { v.t += Sec(Uniform(v.r, lo, hi)) }

// think moves the clock by a reading pause around median seconds.
func (v *visit) think(median float64) { v.t += Sec(LogNormal(v.r, median, 0.7)) }

// idle is the person reading for around median seconds while the app or
// page stays open: web banking keeps its session alive and both poll the
// notifications, each on its own timer.
func (v *visit) idle(median float64) {
	s := v.w.s
	// Timers that fell due while the visit was elsewhere (another task, a
	// gap before it came back) start again from now.
	if v.alive < v.t {
		v.alive = v.t + Sec(Uniform(v.r, 5, 60))
	}
	if v.poll < v.t {
		v.poll = v.t + Sec(Uniform(v.r, 5, 45))
	}
	until := v.t + Sec(LogNormal(v.r, median, 0.7))
	for {
		next := until
		if !v.app {
			next = min(next, v.alive)
		}
		if !v.app || s.appPoll > 0 {
			next = min(next, v.poll)
		}
		if next >= until {
			v.t = until
			return
		}
		v.t = next
		switch {
		case !v.app && next == v.alive:
			v.post(v.api+"/session/keepalive", 204, 20, 0, 15)
			v.alive = v.t + Sec(Uniform(v.r, 55, 65))
		default:
			v.get(v.api+"/notifications/unread-count", 200, 0.1, 20)
			every := s.appPoll
			if !v.app {
				every = 45
			}
			v.poll = v.t + Sec(every*Uniform(v.r, 0.9, 1.1))
		}
	}
}

// read is a GET of the core banking system's data: accounts, balances,
// transactions, rates. While the crowd is in, the backend refuses a share
// (503, or the gateway's 429 when it sheds load) and the app and web
// banking retry with back-off, up to three times. It reports whether the
// data came.
func (v *visit) read(path string, kbs, ms float64) bool {
	shed := v.w.s.shed * v.w.rush.load(v.t)
	for try := 0; ; try++ {
		if !Chance(v.r, shed) {
			v.get(path, 200, kbs, ms)
			return true
		}
		status := 503
		if Chance(v.r, 0.3) {
			status = 429
		}
		v.send("GET", path, status, 0, kb(v.r, 0.15), Uniform(v.r, 2, 40))
		if try == 3 || v.attack {
			return false
		}
		v.pause(float64(int(1)<<try), float64(int(3)<<try))
	}
}

// page loads an HTML page of web banking, with the assets the browser
// does not hold yet (few of them where a CDN serves the assets).
func (v *visit) page(path string, kbs float64) {
	s := v.w.s
	v.get(path, 200, kbs, 45)
	t0 := v.t
	var n int
	switch {
	case s.cdn:
		if Chance(v.r, 0.04) {
			n = 1
		}
	case !v.cached:
		n = len(s.assets)
	default:
		n = Weighted(v.r, []float64{0.6, 0.25, 0.15})
	}
	load := s.assets[:n]
	if v.cached {
		load = pickN(v.r, s.assets, n)
	}
	for _, a := range load {
		v.t = t0 + Sec(Uniform(v.r, 0.05, 0.7))
		if v.cached && Chance(v.r, 0.6) {
			v.send("GET", a.path, 304, 80, 0, 5)
		} else {
			v.send("GET", a.path, 200, 0, kb(v.r, a.kb), 8+a.kb/25)
		}
	}
	v.t = t0 + Sec(Uniform(v.r, 0.3, 1.1))
	v.cached = true
}

// stepUp is the second factor a payment or a new payee asks for: the app
// may sign it with the phone's biometrics; otherwise a code comes by text
// message and is typed in, now and then wrongly once or twice. Three wrong
// codes void the challenge. It reports whether the step-up passed.
func (v *visit) stepUp() bool {
	r := v.r
	if v.app && Chance(r, 0.5) {
		v.pause(1, 4)
		v.post(v.api+"/auth/step-up/biometric", 200, 900, 0.3, 90)
		v.pause(0.1, 0.5)
		return true
	}
	v.pause(0.2, 0.8)
	v.post(v.api+"/auth/step-up", 201, 120, 0.3, 220)
	v.pause(8, 35)
	wrong := Weighted(r, []float64{0.9, 0.065, 0.025, 0.01})
	for i := range wrong {
		if i == 2 {
			v.post(v.api+"/auth/step-up/verify", 423, 60, 0.2, 60)
			return false
		}
		v.post(v.api+"/auth/step-up/verify", 401, 60, 0.2, 70)
		v.pause(4, 15)
	}
	v.post(v.api+"/auth/step-up/verify", 200, 60, 0.4, 80)
	v.pause(0.1, 0.5)
	return true
}

// login signs a customer in with a password, now and then mistyped, and
// a code by text message when the device is new or web banking asks for
// one (or an approval in the app, which the page polls). It reports
// whether the customer got in.
func (v *visit) login(user string) bool {
	r := v.r
	v.pause(4, 16)
	for range Weighted(r, []float64{0.88, 0.09, 0.03}) {
		v.post(v.api+"/auth/login", 401, 260, 0.2, 280)
		v.pause(5, 20)
	}
	if Chance(r, 0.01) {
		v.post(v.api+"/auth/password-reset", 202, 90, 0.1, 150)
		return false
	}
	v.post(v.api+"/auth/login", 200, 260, 1.1, 300)
	v.pause(0.2, 1)
	switch {
	case v.app && !Chance(r, 0.12): // a device it knows
	case !v.app && Chance(r, v.w.s.approve):
		id := Hex(r, 12)
		v.post(v.api+"/auth/approvals", 201, 80, 0.2, 120)
		for range 2 + r.IntN(8) {
			v.pause(1.8, 2.2)
			v.get(v.api+"/auth/approvals/"+id, 202, 0.1, 25)
		}
		v.pause(1.8, 2.2)
		v.get(v.api+"/auth/approvals/"+id, 200, 0.8, 30)
	default:
		v.pause(10, 40)
		for range Weighted(r, []float64{0.9, 0.08, 0.02}) {
			v.post(v.api+"/auth/otp/verify", 401, 60, 0.2, 70)
			v.pause(5, 15)
		}
		v.post(v.api+"/auth/otp/verify", 200, 60, 0.9, 90)
	}
	v.user = user
	return true
}

// signIn is a login by someone who holds every factor of the account:
// the password and the phone the code is sent to.
func (v *visit) signIn(user string) {
	v.post(v.api+"/auth/login", 200, 260, 1.1, 300)
	if !v.app || Chance(v.r, 0.3) {
		v.pause(6, 20)
		v.post(v.api+"/auth/otp/verify", 200, 60, 0.9, 90)
	}
	v.user = user
}

// overview is what the app's home screen or web banking's overview loads:
// the customer, the accounts, a balance each, the latest transactions of
// the first and the unread notifications.
func (v *visit) overview(accs []string) {
	v.pause(0.1, 0.6)
	v.read(v.api+"/customers/me", 1.4, 50)
	v.pause(0.05, 0.3)
	v.read(v.api+"/accounts", 2+float64(len(accs)), 110)
	for _, a := range accs {
		v.pause(0.02, 0.2)
		v.read(v.api+"/accounts/"+a+"/balance", 0.4, 70)
	}
	v.pause(0.05, 0.3)
	v.read(v.api+"/accounts/"+accs[0]+"/transactions?limit="+strconv.Itoa(Pick(v.r, []int{20, 30, 50})), 14, 170)
	v.pause(0.05, 0.4)
	v.get(v.api+"/notifications/unread-count", 200, 0.1, 20)
	if v.app && Chance(v.r, 0.6) {
		// The home screen's offers and the card tile.
		v.get(v.api+"/content/banners?placement=home", 200, 2.5, 35)
		v.pause(0.05, 0.3)
		v.read(v.api+"/cards", 1.6, 80)
	}
}

// platform names the phone the app runs on, as its calls put it.
func platform(ua string) string {
	if strings.Contains(ua, "iOS") || strings.Contains(ua, "Darwin") || strings.Contains(ua, "iPhone") {
		return "ios"
	}
	return "android"
}
