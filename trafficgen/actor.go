package trafficgen

import (
	"math"
	"math/rand/v2"
	"strconv"
)

// event is one request as the writer needs it. path aliases the buffer of
// the actor that made it and is valid until that actor runs again.
type event struct {
	ts        int64 // Unix milliseconds
	method    string
	path      []byte
	status    int
	reqBytes  int64
	respBytes int64
	durMS     float64
	ua        string
	apiKey    string
	user      string
}

// Route groups, which backend incidents affect together.
const (
	grpStatic = iota
	grpCatalog
	grpSearch
	grpAccount
	grpOrders
	grpAuth
	grpUpload
	grpOther
	numGroups
)

// endpoint holds the statistics of one route: sizes, latency and how
// often it answers with something other than its success status.
type endpoint struct {
	group int
	resp  lognorm // response body bytes on success
	req   lognorm // request body bytes, zero for none
	dur   lognorm // milliseconds on success
	ok    int
	p404  float64
	p304  float64 // share of conditional GETs answered 304
	p5xx  float64
	html  bool // errors are HTML pages
}

var (
	epPage          = endpoint{group: grpStatic, resp: lognorm{38000, 0.3}, dur: lognorm{22, 0.5}, ok: 200, p5xx: 0.0005, html: true}
	epImage         = endpoint{group: grpStatic, resp: lognorm{42000, 0.9}, dur: lognorm{3, 0.7}, ok: 200, p304: 0.3, p404: 0.003, html: true}
	epItem          = endpoint{group: grpCatalog, resp: lognorm{2400, 0.5}, dur: lognorm{14, 0.6}, ok: 200, p404: 0.012, p304: 0.08, p5xx: 0.0008}
	epItemList      = endpoint{group: grpCatalog, resp: lognorm{16000, 0.4}, dur: lognorm{28, 0.5}, ok: 200, p304: 0.05, p5xx: 0.0008}
	epReviews       = endpoint{group: grpCatalog, resp: lognorm{5000, 0.8}, dur: lognorm{22, 0.6}, ok: 200, p304: 0.05, p5xx: 0.0008}
	epSearch        = endpoint{group: grpSearch, resp: lognorm{11000, 0.7}, dur: lognorm{55, 0.7}, ok: 200, p5xx: 0.002}
	epMe            = endpoint{group: grpAccount, resp: lognorm{700, 0.2}, dur: lognorm{6, 0.5}, ok: 200, p5xx: 0.0005}
	epOrders        = endpoint{group: grpOrders, resp: lognorm{6000, 0.8}, dur: lognorm{35, 0.6}, ok: 200, p5xx: 0.001}
	epOrder         = endpoint{group: grpOrders, resp: lognorm{3000, 0.4}, dur: lognorm{18, 0.5}, ok: 200, p404: 0.004, p5xx: 0.001}
	epOrderCreate   = endpoint{group: grpOrders, resp: lognorm{1300, 0.3}, req: lognorm{1400, 0.6}, dur: lognorm{95, 0.5}, ok: 201, p5xx: 0.004}
	epCart          = endpoint{group: grpOrders, resp: lognorm{1800, 0.5}, dur: lognorm{12, 0.5}, ok: 200, p5xx: 0.001}
	epCartAdd       = endpoint{group: grpOrders, resp: lognorm{1900, 0.5}, req: lognorm{220, 0.3}, dur: lognorm{25, 0.5}, ok: 200, p5xx: 0.002}
	epCartDel       = endpoint{group: grpOrders, dur: lognorm{18, 0.5}, ok: 204, p404: 0.01, p5xx: 0.001}
	epProfile       = endpoint{group: grpAccount, resp: lognorm{900, 0.3}, req: lognorm{400, 0.5}, dur: lognorm{30, 0.5}, ok: 200, p5xx: 0.002}
	epUpload        = endpoint{group: grpUpload, resp: lognorm{350, 0.2}, dur: lognorm{60, 0.5}, ok: 201, p5xx: 0.004}
	epLoginPage     = endpoint{group: grpAuth, resp: lognorm{12000, 0.1}, dur: lognorm{9, 0.4}, ok: 200, html: true}
	epLogin         = endpoint{group: grpAuth, req: lognorm{300, 0.15}, dur: lognorm{140, 0.25}, ok: 200, p5xx: 0.001}
	epLogout        = endpoint{group: grpAuth, dur: lognorm{8, 0.4}, ok: 204}
	epRefresh       = endpoint{group: grpAuth, resp: lognorm{600, 0.1}, req: lognorm{250, 0.1}, dur: lognorm{15, 0.4}, ok: 200, p5xx: 0.001}
	epNotifications = endpoint{group: grpAccount, resp: lognorm{900, 1.0}, dur: lognorm{10, 0.5}, ok: 200, p304: 0.35, p5xx: 0.0008}
	epTelemetry     = endpoint{group: grpOther, req: lognorm{1800, 0.7}, dur: lognorm{4, 0.5}, ok: 204, p5xx: 0.001}
	epSync          = endpoint{group: grpAccount, resp: lognorm{3000, 1.2}, dur: lognorm{40, 0.7}, ok: 200, p304: 0.25, p5xx: 0.002}
	epConfig        = endpoint{group: grpOther, resp: lognorm{4200, 0.1}, dur: lognorm{5, 0.4}, ok: 200, p304: 0.5}
	epHealth        = endpoint{group: grpOther, dur: lognorm{0.9, 0.4}, ok: 200}
	epStock         = endpoint{group: grpCatalog, resp: lognorm{250, 0.2}, req: lognorm{300, 0.4}, dur: lognorm{20, 0.5}, ok: 200, p404: 0.005, p5xx: 0.002}
	epShipEvent     = endpoint{group: grpOrders, resp: lognorm{200, 0.2}, req: lognorm{600, 0.4}, dur: lognorm{30, 0.5}, ok: 201, p404: 0.004, p5xx: 0.002}
	epExtra         = endpoint{group: grpOther, resp: lognorm{2000, 0.7}, dur: lognorm{15, 0.6}, ok: 200, p404: 0.01, p304: 0.05, p5xx: 0.001}
	epExtraList     = endpoint{group: grpOther, resp: lognorm{8000, 0.6}, dur: lognorm{30, 0.6}, ok: 200, p5xx: 0.001}
	epMisc          = endpoint{group: grpStatic, resp: lognorm{600, 1.5}, dur: lognorm{2, 0.6}, ok: 200, html: true}
	epSitemap       = endpoint{group: grpStatic, resp: lognorm{60000, 0.3}, dur: lognorm{40, 0.4}, ok: 200, p304: 0.3, html: true}
	epNotFound      = endpoint{group: grpStatic, dur: lognorm{2, 0.6}, ok: 404, html: true}
)

// incident is a stretch of time when a route group misbehaves for
// everyone: a share p of its requests fail with status, and all of them
// are slower by the factor slow.
type incident struct {
	from, to int64
	group    int // numGroups for all
	p        float64
	status   int
	slow     float64
}

// world is the read-only context that every actor of a recording shares.
type world struct {
	*site
	start, end int64 // Unix milliseconds, end excluded
	incidents  []incident
}

// actor makes the requests of one stream: a user, a machine or an
// attacker. Its methods advance its clock and emit events; once the clock
// passes the end of the recording or the consumer stops, emits are no-ops
// and live reports false.
type actor struct {
	r     *rand.Rand
	w     *world
	t     int64 // the actor's clock, Unix milliseconds
	last  int64
	ua    string
	key   string
	user  string
	hdr   int // typical size of the request line and headers
	path  []byte
	ev    event
	yield func(*event) bool
	done  bool
	count int

	bucket, loginBucket float64
	bucketT, loginT     int64
	zipf                *rand.Zipf
}

// live reports whether the actor's clock is inside the recording and the
// consumer still wants events.
func (a *actor) live() bool { return !a.done && a.t < a.w.end }

// sleep advances the clock by sec seconds.
func (a *actor) sleep(sec float64) {
	if sec > 0 {
		a.t += int64(sec * 1000)
	}
}

// at sets the clock; a clock never goes back.
func (a *actor) at(t int64) {
	if t > a.t {
		a.t = t
	}
}

// Path building.

func (a *actor) begin(s string) *actor { a.path = append(a.path[:0], s...); return a }
func (a *actor) add(s string) *actor   { a.path = append(a.path, s...); return a }
func (a *actor) addByte(c byte) *actor { a.path = append(a.path, c); return a }
func (a *actor) addInt(n int) *actor   { a.path = strconv.AppendInt(a.path, int64(n), 10); return a }

// addUUID appends a random version 4 UUID.
func (a *actor) addUUID() *actor {
	const hex = "0123456789abcdef"
	x, y := a.r.Uint64(), a.r.Uint64()
	for i := range 32 {
		switch i {
		case 8, 12, 16, 20:
			a.path = append(a.path, '-')
		}
		var n uint64
		switch {
		case i == 12:
			n = 4
		case i == 16:
			n = 8 | (x & 3)
		case i < 16:
			n = x >> (4 * uint(i)) & 15
		default:
			n = y >> (4 * uint(i-16)) & 15
		}
		a.path = append(a.path, hex[n])
	}
	return a
}

// addUserID appends a user id, or a random one if uid is empty, of the site's kind.
func (a *actor) addUserID(uid string) *actor {
	if uid == "" {
		if a.w.userUUID {
			return a.addUUID()
		}
		return a.addInt(1 + a.r.IntN(a.w.users))
	}
	return a.add(uid)
}

// addOrderID appends an order id of the site's kind.
func (a *actor) addOrderID() *actor {
	if a.w.orderUUID {
		return a.addUUID()
	}
	return a.addInt(a.w.orders - int(a.r.ExpFloat64()*float64(a.w.orders)/20)%a.w.orders)
}

// item draws an item id by popularity.
func (a *actor) item() int {
	if a.zipf == nil {
		a.zipf = rand.NewZipf(a.r, 1.07, 8, uint64(a.w.items-1))
	}
	return a.w.itemID(a.zipf.Uint64())
}

// limited applies the site's per-client rate limit to one request.
func (a *actor) limited() bool {
	if a.w.rateLimit == 0 {
		return false
	}
	a.bucket = math.Min(a.w.rateBurst, a.bucket+float64(a.t-a.bucketT)/1000*a.w.rateLimit)
	a.bucketT = a.t
	if a.bucket >= 1 {
		a.bucket--
		return false
	}
	return true
}

// loginLimited applies the site's login throttle to one attempt.
func (a *actor) loginLimited() bool {
	if a.w.loginPerMinute == 0 {
		return false
	}
	a.loginBucket = math.Min(5, a.loginBucket+float64(a.t-a.loginT)/60000*a.w.loginPerMinute)
	a.loginT = a.t
	if a.loginBucket >= 1 {
		a.loginBucket--
		return false
	}
	return true
}

// incidentAt returns the incident that touches the group now, if any.
func (a *actor) incidentAt(group int) *incident {
	for i := range a.w.incidents {
		in := &a.w.incidents[i]
		if a.t >= in.from && a.t < in.to && (in.group == group || in.group == numGroups) {
			return in
		}
	}
	return nil
}

// status draws the answer to a request to ep.
func (a *actor) status(method string, ep *endpoint) int {
	if a.limited() {
		return 429
	}
	if in := a.incidentAt(ep.group); in != nil && chance(a.r, in.p) {
		return in.status
	}
	u := a.r.Float64()
	if u < ep.p5xx {
		if chance(a.r, 0.7) {
			return 500
		}
		return pick(a.r, []int{502, 503, 504})
	}
	u -= ep.p5xx
	if u < ep.p404 {
		return 404
	}
	u -= ep.p404
	if method == "GET" && u < ep.p304 {
		return 304
	}
	return ep.ok
}

// send emits a request to ep with the current path; status 0 draws one.
func (a *actor) send(method string, ep *endpoint, status int) {
	if status == 0 {
		status = a.status(method, ep)
	}
	var body float64
	if ep.req.median > 0 && method != "GET" && method != "HEAD" {
		body = ep.req.draw(a.r)
	}
	resp := a.respSize(ep, status)
	if method == "HEAD" {
		resp = 0
	}
	a.emit(method, status, body, resp, a.duration(ep, status))
}

// respSize draws the size of the response body for a status.
func (a *actor) respSize(ep *endpoint, status int) float64 {
	r := a.r
	switch {
	case status == 304 || status == 204:
		return 0
	case status < 300:
		return ep.resp.draw(r)
	case status < 400:
		return uniform(r, 0, 170)
	case status == 404 && ep.html:
		return a.w.notFoundHTML
	case status == 404:
		return uniform(r, 60, 140)
	case status == 401:
		return uniform(r, 100, 140)
	case status == 403:
		if a.w.waf {
			return uniform(r, 540, 620)
		}
		return uniform(r, 90, 160)
	case status == 429:
		return uniform(r, 60, 110)
	case status == 413:
		return 183
	case status < 500:
		return uniform(r, 110, 320)
	case status == 502 || status == 504:
		return uniform(r, 150, 170)
	default:
		return uniform(r, 120, 600)
	}
}

// duration draws the latency of a request in milliseconds.
func (a *actor) duration(ep *endpoint, status int) float64 {
	r := a.r
	slow := 1.0
	if in := a.incidentAt(ep.group); in != nil {
		slow = in.slow
	}
	switch {
	case status < 300:
		return ep.dur.draw(r) * slow
	case status == 304:
		return ep.dur.draw(r) * 0.5 * slow
	case status < 400:
		return uniform(r, 1, 12)
	case status == 401 && ep.group == grpAuth:
		return ep.dur.draw(r) * slow
	case status == 429:
		return uniform(r, 0.1, 0.8)
	case status < 500:
		return lognorm{4, 0.7}.draw(r) * slow
	case status == 504:
		return a.w.gatewayTimeoutMS + uniform(r, 0, 40)
	case status == 502:
		return uniform(r, 1, 60)
	case status == 503:
		return uniform(r, 0.2, 8)
	default:
		return ep.dur.draw(r) * uniform(r, 0.5, 3) * slow
	}
}

// emit sends one event with the current clock and path. Events before the
// start of the recording are dropped; the first one after its end stops
// the actor.
func (a *actor) emit(method string, status int, body, resp, durMS float64) {
	if a.done {
		return
	}
	if a.t >= a.w.end {
		a.done = true
		return
	}
	if a.t < a.w.start {
		return
	}
	ts := max(a.t, a.last)
	a.last = ts
	req := a.hdr + len(a.path) + a.r.IntN(24) + int(body)
	a.ev = event{
		ts:        ts,
		method:    method,
		path:      a.path,
		status:    status,
		reqBytes:  int64(req),
		respBytes: int64(resp),
		durMS:     math.Max(0.1, math.Round(durMS*10)/10),
		ua:        a.ua,
		apiKey:    a.key,
		user:      a.user,
	}
	a.count++
	if !a.yield(&a.ev) {
		a.done = true
	}
}
