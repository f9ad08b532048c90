package main

import (
	"math/rand/v2"
	"slices"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// attacks are the day's lone attackers: each kind once or twice, from its
// own address, at its own time.
func (w *world) attacks(r *rand.Rand) {
	for _, a := range []struct {
		run   func(*rand.Rand)
		extra float64 // chance of a second attacker of the kind
	}{
		{w.flood, 0.3},
		{w.scan, 0.4},
		{w.bruteforce, 0.35},
		{w.injection, 0.3},
		{w.upload, 0.2},
		{w.enumeration, 0.3},
	} {
		for range 1 + Weighted(r, []float64{1 - a.extra, a.extra}) {
			a.run(Sub(r))
		}
	}
}

// attacker returns a new address of kind: a rented server, a residential
// proxy in the bank's country, a phone behind a carrier, a line abroad,
// now and then an IPv6 one.
func (w *world) attacker(r *rand.Rand, kind string) *Client {
	reg := w.s.region
	var ip string
	switch Weighted(r, []float64{0.35, 0.3, 0.1, 0.2, 0.05}) {
	case 0:
		ip = w.l.V4(r, vpsNets)
	case 1:
		ip = w.l.V4(r, reg.home)
	case 2:
		ip = w.l.V4(r, reg.carrier)
	case 3:
		ip = w.l.V4(r, reg.foreign)
	default:
		ip = w.l.V6In(r, V6Net(r, reg.homeV6))
	}
	return w.l.Client(ip, kind)
}

// disguise returns the user agent an attacker shows and whether it
// passes for the bank's app: mostly the app's or a browser's, now and
// then its tool's own.
func (w *world) disguise(r *rand.Rand, tools ...string) (string, bool) {
	switch x := r.Float64(); {
	case x < 0.4:
		ua, _ := w.s.appUA(r)
		return ua, true
	case x < 0.85 || len(tools) == 0:
		return browser(r, Chance(r, 0.2)), false
	}
	return Pick(r, tools), false
}

// span draws when an attack runs: it starts somewhere in the window and
// lasts lo to hi seconds (or until the window closes).
func (w *world) span(r *rand.Rand, lo, hi float64) (start, end int64) {
	start = w.at(Uniform(r, 0.03, 0.75))
	return start, min(w.win, start+Sec(Uniform(r, lo, hi)))
}

// lone starts a lone attacker's visit: its address, its disguise, and,
// when it passes for a customer, a signed-in session of its own.
func (w *world) lone(r *rand.Rand, kind string, tools ...string) *visit {
	c := w.attacker(r, kind)
	ua, app := w.disguise(r, tools...)
	return w.newVisit(r, func(int64) *Client { return c }, 0, app, ua)
}

// flood is one address, the bank's app by its user agent, asking for a
// balance, the accounts or the exchange rates 10 to 150 times a second:
// a scraper of rates, or a broken client's loop turned weapon.
func (w *world) flood(r *rand.Rand) {
	s := w.s
	c := w.attacker(r, "flood")
	ua, _ := s.appUA(r)
	if Chance(r, 0.15) {
		ua = Pick(r, []string{"okhttp/4.12.0", "python-requests/2.31.0", ""})
	}
	v := w.newVisit(r, func(int64) *Client { return c }, 0, true, ua)
	start, end := w.span(r, 60, 300)
	v.t = start - Sec(Uniform(r, 2, 10))
	var paths []string
	if Chance(r, 0.55) {
		user, accs := w.holdings(r)
		v.appStart(user)
		paths = []string{s.app + "/accounts/" + accs[0] + "/balance", s.app + "/accounts", s.app + "/accounts/" + accs[0] + "/balance"}
	} else {
		cur := s.region.currency
		paths = []string{s.app + "/fx/rates?base=" + cur, s.app + "/fx/rates?base=" + cur + "&symbols=USD,EUR,GBP,CHF,JPY", s.app + "/config?platform=" + platform(ua)}
	}
	paths = paths[:2+r.IntN(2)]
	v.attack = true
	w.begin(v, start)
	w.pace(r, v, LogUniform(r, 10, 150), end, func() { v.read(Pick(r, paths), 0.6, 40) })
}

// begin moves an attacker's clock to the start of its attack, or on to
// where its preparations left it, keeping the first attack request inside
// the window.
func (w *world) begin(v *visit, start int64) {
	v.t = max(0, min(max(v.t, start), w.win-Sec(0.5)))
}

// pace sends f at the visit's clock, then at the arrivals of a Poisson
// process of rate a second until end.
func (w *world) pace(r *rand.Rand, v *visit, rate float64, end int64, f func()) {
	f()
	Poisson(r, rate, v.t, end, func(t int64) {
		v.t = t
		f()
	})
}

// scan walks a list of paths that exist on other sites: admin consoles,
// the framework's management endpoints, API descriptions, leaked
// configuration, backups. Nearly all are missing or closed here.
func (w *world) scan(r *rand.Rand) {
	s := w.s
	v := w.lone(r, "scan", "Mozilla/5.0 zgrab/0.x", "Mozilla/5.0 (compatible; Nuclei - Open-source project (github.com/projectdiscovery/nuclei))", "curl/8.5.0", "Go-http-client/1.1")
	v.hdr = 180
	paths := slices.Clone(scanPaths)
	for _, pre := range []string{s.app, s.web, "/api", "/internal"} {
		for _, p := range []string{"/actuator", "/actuator/health", "/actuator/env", "/actuator/heapdump", "/swagger-ui/index.html", "/v3/api-docs", "/admin/users", "/debug/vars", "/graphql"} {
			paths = append(paths, pre+p)
		}
	}
	r.Shuffle(len(paths), func(i, j int) { paths[i], paths[j] = paths[j], paths[i] })
	paths = paths[:len(paths)/3+r.IntN(2*len(paths)/3)]
	start, end := w.span(r, 60, 480)
	rate := LogUniform(r, 0.3, 12)
	v.t = start - Sec(Uniform(r, 1, 5))
	v.get(s.pages+"/login", 200, 30, 45)
	v.attack = true
	w.begin(v, start)
	for i, p := range paths {
		if i > 0 {
			if v.t += Sec(r.ExpFloat64() / rate); v.t >= end {
				break
			}
		}
		status := 404
		switch {
		case p == "/robots.txt" || p == "/.well-known/security.txt" || p == "/actuator/health" || p == "/.well-known/openid-configuration":
			status = 200
		case strings.Contains(p, "/admin") || strings.HasPrefix(p, "/internal") || strings.Contains(p, "/actuator/"):
			status = Pick(r, []int{401, 403, 403})
		case strings.HasPrefix(p, "/.git") || p == "/server-status" || strings.Contains(p, ".."):
			status = Pick(r, []int{400, 403})
		}
		resp := kb(r, 0.4)
		if status == 200 {
			resp = kb(r, 1.5)
		}
		v.send("GET", p, status, 0, resp, 6)
	}
}

var scanPaths = []string{
	"/.env", "/.env.production", "/.git/config", "/.git/HEAD", "/.DS_Store", "/config.json", "/application.yml", "/application.properties",
	"/actuator", "/actuator/env", "/actuator/heapdump", "/actuator/mappings", "/actuator/loggers", "/actuator/health", "/jolokia/list",
	"/admin", "/admin/login", "/administrator/", "/manager/html", "/console", "/h2-console", "/phpmyadmin/", "/wp-login.php",
	"/swagger-ui.html", "/swagger-ui/index.html", "/v2/api-docs", "/v3/api-docs", "/openapi.json", "/api/swagger.json", "/graphql",
	"/debug/pprof/", "/debug/vars", "/server-status", "/metrics", "/prometheus", "/trace", "/heapdump", "/env",
	"/backup.zip", "/db.sql", "/dump.sql", "/backup.tar.gz", "/.aws/credentials", "/id_rsa", "/web.config", "/WEB-INF/web.xml",
	"/internal/v1/ledger/postings", "/internal/v1/customers", "/api/v1/users", "/api/admin/accounts", "/ib/api/../../../../etc/passwd",
	"/robots.txt", "/.well-known/security.txt", "/.well-known/openid-configuration", "/cgi-bin/test.cgi", "/owa/auth/logon.aspx",
	"/remote/login", "/vpn/index.html", "/global-protect/login.esp", "/+CSCOE+/logon.html", "/_next/static/", "/.vscode/sftp.json",
}
