package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// Where attackers rent servers.
var (
	hosting4 = []string{"45.", "185.", "193.", "5.", "194.", "152.", "167.", "46.101.", "139.59.", "64.227."}
	hosting6 = []string{"2a01:4f8:", "2001:19f0:", "2604:a880:", "2a03:b0c0:"}
)

// A raid is one attacker's address at work, alone or one of a campaign's:
// do sends what it sends at a wakeup and returns the seconds to the
// next, or false when it stops.
type raid struct {
	sender
	r     *rand.Rand
	do    func(a *raid, w *world, now int64) (float64, bool)
	n     int     // requests sent
	max   int     // requests it means to send
	until int64   // when it stops at the latest
	rate  float64 // requests a second
	mode  int     // a kind's variant
	paths []string
	code  []byte // the enumeration's cursor
	tv    *traveller
	trip  trip
	stage int
}

func (a *raid) act(w *world, now int64) (int64, bool) {
	gap, more := a.do(a, w, now)
	a.n++
	if !more || a.n >= a.max || now >= a.until {
		return 0, false
	}
	return now + Sec(gap), true
}

// intruders adds the day's lone attackers.
func (w *world) intruders(r *rand.Rand) {
	Attacks(r,
		Attack{Run: w.flood, Second: 0.3},
		Attack{Run: w.scan, Second: 0.4},
		Attack{Run: w.bruteforce, Second: 0.3},
		Attack{Run: w.inject, Second: 0.3},
		Attack{Run: w.upload, Second: 0.2},
		Attack{Run: w.enumerate, Second: 0.35},
	)
}

// lair registers a lone attacker's address: a rented server, a home line
// somewhere, or IPv6 on a server.
func (w *world) lair(r *rand.Rand, kind string) *Client {
	var ip string
	switch Weighted(r, []float64{5, 3, 1.5}) {
	case 0:
		ip = w.log.V4(r, hosting4)
	case 1:
		ip = w.log.V4(r, append(slices.Clone(Pick(r, markets).home4), abroad4...))
	default:
		ip = w.log.V6In(r, V6Net(r, hosting6))
	}
	return w.log.Client(ip, kind)
}

// guise draws how an attacker presents itself, in proportions of a
// browser, the airline's app and a tool that says what it is.
func (w *world) guise(r *rand.Rand, browser, app, tool float64, tools []string) string {
	switch Weighted(r, []float64{browser, app, tool}) {
	case 0:
		return browserUA(r, Chance(r, 0.3))
	case 1:
		ua, _ := w.sky.appUA(r, Chance(r, 0.5))
		return ua
	}
	return Pick(r, tools)
}

// window draws an attack's start between shares lo and hi of the window
// and how long it may last, at most length seconds and never past the end.
func (w *world) window(r *rand.Rand, lo, hi, length float64) (start, until int64) {
	secs := float64(w.end) / 1e9
	start = Sec(Uniform(r, lo, hi) * secs)
	return start, start + Sec(math.Min(length, secs))
}

// flood is one address hammering a few ordinary pages: steadily, in
// random bursts, or in pulses with pauses between.
func (w *world) flood(r *rand.Rand) {
	sky := w.sky
	lang := strings.ToLower(sky.home.lang)
	a := &raid{r: r, rate: LogUniform(r, 6, 60), mode: r.IntN(3), max: math.MaxInt}
	a.sender = sender{from: fixed(w.lair(r, "flood")), ua: w.guise(r, 4, 1, 3, scriptUAs), attack: true}
	t := sky.newTrip(r)
	pages := []string{"/", "/" + lang + "/", sky.searchPath(w, t, "web", ""), sky.statusPath(w, t.out, 0),
		"/" + lang + "/deals/" + Pick(r, sky.deals), fmt.Sprintf("%s/offers?market=%s&placement=home", sky.api, sky.home.country)}
	r.Shuffle(len(pages), func(i, j int) { pages[i], pages[j] = pages[j], pages[i] })
	a.paths = pages[:1+r.IntN(3)]
	var start int64
	start, a.until = w.window(r, 0.05, 0.7, Uniform(r, 60, 300))
	a.do = flooding
	w.at(start, a)
}

func flooding(a *raid, w *world, now int64) (float64, bool) {
	r := a.r
	p := Pick(r, a.paths)
	k := clsPage
	if strings.Contains(p, "/flights/search") {
		k = clsSearch
	}
	w.send(&a.sender, now, get(r, p, k, kb(r, 40), ms(r, 70)))
	switch a.mode {
	case 0: // a loop with a fixed sleep
		return Uniform(r, 0.9, 1.1) / a.rate, true
	case 1:
		if a.n%200 == 199 {
			return Uniform(r, 5, 30), true
		}
	}
	return r.ExpFloat64() / a.rate, true
}

// scan is a vulnerability scanner walking its list of paths: fast, or
// slow to stay under limits; some say what they are, some pose as a
// browser.
func (w *world) scan(r *rand.Rand) {
	a := &raid{r: r}
	a.sender = sender{from: fixed(w.lair(r, "scan")), ua: w.guise(r, 3, 0, 5, scannerUAs), attack: true}
	a.paths = append(slices.Clone(probes), w.sky.api+"/admin/users", w.sky.api+"/internal/debug/vars",
		"/"+strings.ToLower(w.sky.home.lang)+"/manage-booking.bak", w.sky.api+"/../../../../etc/passwd", "/robots.txt")
	r.Shuffle(len(a.paths), func(i, j int) { a.paths[i], a.paths[j] = a.paths[j], a.paths[i] })
	for _, p := range a.paths[:r.IntN(20)] {
		a.paths = append(a.paths, p+Pick(r, []string{".bak", ".old", "~", ".swp", ".zip"}))
	}
	a.rate = LogUniform(r, 2, 15)
	if Chance(r, 0.4) {
		a.rate = LogUniform(r, 0.15, 1)
	}
	a.max = 30 + r.IntN(len(a.paths)-30)
	var start int64
	start, a.until = w.window(r, 0.03, 0.75, 900)
	a.do = scanning
	w.at(start, a)
}

func scanning(a *raid, w *world, now int64) (float64, bool) {
	r := a.r
	p := a.paths[a.n%len(a.paths)]
	h := get(r, p, clsPage, kb(r, 4), ms(r, 12))
	switch {
	case p == "/robots.txt":
		h.resp = 600
	case strings.Contains(p, ".."):
		h.status = 400
	case strings.HasPrefix(p, "/.git") || strings.HasPrefix(p, "/.env") || strings.Contains(p, "admin"):
		h.status = Pick(r, []int{403, 404, 404})
	case p == "/graphql" || strings.HasSuffix(p, "xmlrpc.php"):
		h.method, h.status, h.req = "POST", 404, h.req+kb(r, 0.3)
	default:
		h.status = 404
	}
	w.send(&a.sender, now, h)
	return r.ExpFloat64() / a.rate, true
}

// bruteforce is one address guessing one member's password: it reads the
// sign-in page, then posts guess after guess; the account locks (423),
// the gateway limits it (429), and a patient one waits when told to.
func (w *world) bruteforce(r *rand.Rand) {
	a := &raid{r: r, rate: LogUniform(r, 0.2, 4), mode: r.IntN(2), max: 60 + r.IntN(700)}
	a.sender = sender{from: fixed(w.lair(r, "bruteforce")), ua: w.guise(r, 3, 3.5, 3.5, scriptUAs)}
	var start int64
	start, a.until = w.window(r, 0.05, 0.7, 900)
	a.do = guessing
	w.at(start, a)
}

func guessing(a *raid, w *world, now int64) (float64, bool) {
	r := a.r
	if a.n == 0 {
		w.send(&a.sender, now, get(r, "/"+strings.ToLower(w.sky.home.lang)+"/loyalty/sign-in", clsPage, kb(r, 60), ms(r, 80)))
		a.attack = true
		return Uniform(r, 1, 5), true
	}
	status := 401
	if a.n > 15 && a.mode == 0 {
		status = 423 // the member's account is locked
	}
	st := w.send(&a.sender, now, post(r, "POST", w.sky.api+"/auth/login", clsLogin, status, int64(200+r.IntN(80)), 300, ms(r, 350)))
	if st == 429 && a.mode == 1 {
		return Uniform(r, 10, 60), true
	}
	return r.ExpFloat64() / a.rate, true
}

// queryRaw is what a tool replaces in a payload it writes into a query
// nearly raw.
var queryRaw = strings.NewReplacer(" ", "+", "&", "%26", "#", "%23", "\n", "%0A")

// inject starts as a real visit (a page, the airport box, a search) and
// then writes payloads into the query values of the site's own requests,
// now and then between ordinary ones.
func (w *world) inject(r *rand.Rand) {
	start, until := w.window(r, 0.05, 0.7, 900)
	tv := w.newTraveller(Sub(r), goalShop, start, []float64{0, 0, 0, 0, 0, 0, 0, 1})
	c := w.lair(r, "injection")
	tv.from = fixed(c)
	switch Weighted(r, []float64{5, 1.5, 3}) {
	case 1:
		tv.ua, tv.dev.app = w.guise(r, 0, 1, 0, nil), true
	case 2:
		tv.ua, tv.cold = Pick(r, []string{"sqlmap/1.8.11#stable (https://sqlmap.org)", "python-requests/2.32.3", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36"}), false
	}
	a := &raid{r: r, tv: tv, until: until, rate: LogUniform(r, 0.3, 3), max: 20 + r.IntN(120), mode: r.IntN(3)}
	a.sender = tv.sender
	a.attack = true
	a.do = injecting
	w.at(start, a)
}

func injecting(a *raid, w *world, now int64) (float64, bool) {
	r, tv := a.r, a.tv
	if a.n < 3 || Chance(r, 0.2) { // the real session around the payloads
		tv.sid = Hex(r, 12)
		steps := []step{arrive, suggest, search, results, calendar}
		tv.st = steps[min(a.n, len(steps)-1)]
		if a.n >= 3 {
			tv.st = steps[2+r.IntN(3)]
		}
		tv.st(tv, w, now)
		return Uniform(r, 2, 8), true
	}
	sky := w.sky
	t := tv.trip
	bad := EncodeQuery(r, Pick(r, payloads), queryRaw, 0.35, 0.85)
	var p string
	k := clsSearch
	switch a.mode + r.IntN(3) {
	case 0, 1:
		p = strings.Replace(sky.searchPath(w, t, "web", ""), "destination="+t.out.to, "destination="+bad, 1)
		if Chance(r, 0.5) {
			p = sky.searchPath(w, t, "web", bad)
		}
	case 2:
		p, k = fmt.Sprintf("%s/bookings/%s?lastName=%s", sky.api, sky.pnr(r), bad), clsLookup
	case 3:
		p, k = fmt.Sprintf("%s/flightstatus/%s?date=%s", sky.api, t.out.number, bad), clsPage
	default:
		p = strings.Replace(sky.resultsPath(r, tv.sid, 1), "sort=", "sort="+bad+"&x=", 1)
	}
	h := get(r, p, k, kb(r, 2), ms(r, 60))
	h.status = []int{400, 500, 200, 404}[Weighted(r, []float64{60, 8, 25, 7})]
	if h.status == 200 {
		h.resp = kb(r, 30)
	}
	w.send(&a.sender, now, h)
	return r.ExpFloat64() / a.rate, true
}

// upload sends large bodies: passport scans of tens of megabytes, a
// passenger list of megabytes, or beacons stuffed to the limit.
func (w *world) upload(r *rand.Rand) {
	a := &raid{r: r, mode: Weighted(r, []float64{5, 2, 1.5}), max: 8 + r.IntN(55)}
	a.sender = sender{from: fixed(w.lair(r, "upload")), ua: w.guise(r, 4, 1, 3, scriptUAs), attack: true}
	a.rate = 1 / LogUniform(r, 1, 15)
	a.paths = []string{w.sky.pnr(r), Hex(r, 16)}
	var start int64
	start, a.until = w.window(r, 0.05, 0.75, 900)
	a.do = uploading
	w.at(start, a)
}

func uploading(a *raid, w *world, now int64) (float64, bool) {
	r, api := a.r, w.sky.api
	var h hit
	switch a.mode {
	case 0:
		size := int64(LogUniform(r, 4<<20, 120<<20))
		p := fmt.Sprintf("%s/documents?pnr=%s&type=%s&passenger=%d", api, a.paths[0], Pick(r, []string{"visa", "passport"}), 1+r.IntN(4))
		h = post(r, "POST", p, clsUpload, 201, size, 380, 0)
	case 1:
		h = post(r, "PUT", fmt.Sprintf("%s/cart/%s/passengers", api, a.paths[1]), clsBook, 400, int64(LogUniform(r, 1<<20, 12<<20)), 600, 0)
	default:
		h = post(r, "POST", api+"/rum", clsBeacon, 204, int64(LogUniform(r, 2<<20, 9<<20)), 0, 0)
	}
	h.ms = float64(h.req) / LogUniform(r, 1e3, 2e4) // the time the body takes to arrive
	w.send(&a.sender, now, h)
	return r.ExpFloat64() / a.rate, true
}

// enumerate walks identifiers one after the other: booking codes with a
// common last name, loyalty numbers on the family-pooling card lookup, or
// boarding passes by code.
func (w *world) enumerate(r *rand.Rand) {
	a := &raid{r: r, rate: LogUniform(r, 0.5, 8), mode: Weighted(r, []float64{5, 3, 2}), max: 150 + r.IntN(2400)}
	a.sender = sender{from: fixed(w.lair(r, "enumeration")), ua: w.guise(r, 2, 4, 4, scriptUAs), attack: true}
	a.code = []byte(w.sky.pnr(r))
	if a.mode == 1 {
		a.code = []byte(w.sky.memberNo(r))
	}
	a.paths = []string{Pick(r, w.sky.home.names)}
	var start int64
	start, a.until = w.window(r, 0.05, 0.7, 900)
	a.do = walking
	w.at(start, a)
}

func walking(a *raid, w *world, now int64) (float64, bool) {
	r, sky := a.r, w.sky
	var h hit
	switch a.mode {
	case 0:
		next(a.code, sky.pnrChars)
		h = get(r, fmt.Sprintf("%s/bookings/%s?lastName=%s", sky.api, a.code, a.paths[0]), clsLookup, 260, ms(r, 90))
		h.status = 404
		if Chance(r, 0.003) {
			h.status, h.resp = 200, kb(r, 8)
		}
	case 1:
		next(a.code, "0123456789")
		h = get(r, fmt.Sprintf("%s/loyalty/members/%s/card", sky.api, a.code), clsAccount, 220, ms(r, 50))
		h.status = 404
		if Chance(r, 0.35) {
			h.status, h.resp = 200, kb(r, 0.6)
		}
	default:
		next(a.code, sky.pnrChars)
		h = get(r, fmt.Sprintf("%s/checkin/%s/boardingpass/1.pdf", sky.api, a.code), clsLookup, 240, ms(r, 70))
		h.status = Pick(r, []int{404, 404, 404, 403})
	}
	st := w.send(&a.sender, now, h)
	if st == 429 && Chance(r, 0.5) {
		return Uniform(r, 5, 20), true
	}
	return r.ExpFloat64() / a.rate, true
}

// next steps code to the one after it in the alphabet of its characters.
func next(code []byte, alphabet string) {
	for i := len(code) - 1; i >= 0; i-- {
		j := strings.IndexByte(alphabet, code[i])
		if j+1 < len(alphabet) {
			code[i] = alphabet[j+1]
			return
		}
		code[i] = alphabet[0]
	}
}
