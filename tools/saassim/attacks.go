package main

import (
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"

	"github.com/portcullis/portcullis/decision/apikey"
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
		Attack{Run: w.bigUploads, Second: 0.2},
		Attack{Run: w.enumeration, Second: 0.3},
	)
}

// attacker returns a new address of kind: a rented server, a residential
// proxy in the site's country, a line abroad, now and then an IPv6 one.
func (w *world) attacker(r *rand.Rand, kind string) *Client {
	reg := w.s.region
	var ip string
	switch Weighted(r, []float64{0.4, 0.3, 0.2, 0.1}) {
	case 0:
		ip = w.l.V4(r, vpsNets)
	case 1:
		ip = w.l.V4(r, reg.home)
	case 2:
		ip = w.l.V4(r, reg.abroad)
	default:
		ip = w.l.V6In(r, V6Net(r, reg.homeV6))
	}
	return w.l.Client(ip, kind)
}

// disguise returns what an attacker's device claims to be: mostly a
// browser, sometimes the desktop app, now and then its tool.
func (w *world) disguise(r *rand.Rand, tools ...string) (ua string, kind int) {
	switch x := r.Float64(); {
	case x < 0.7 || len(tools) == 0:
		return Pick(r, browserUAs), web
	case x < 0.82:
		return w.s.desktopUA(r), desktop
	}
	return Pick(r, tools), machine
}

// span draws when an attack runs: it starts somewhere in the window and
// lasts lo to hi seconds (or until the window closes).
func (w *world) span(r *rand.Rand, lo, hi float64) (start, end int64) {
	start = w.at(Uniform(r, 0.03, 0.7))
	return start, min(w.win, start+Sec(Uniform(r, lo, hi)))
}

// insider returns an attacker's device holding a valid session of an
// account of its own (a free workspace, or one bought from a breach),
// which loads the app like anyone before it starts and, most of the
// time, keeps the app's update channel open until end.
func (w *world) insider(r *rand.Rand, c *Client, start, end int64, ua string, kind int) *dev {
	d := w.newDev(r, func(int64) *Client { return c }, start-Sec(Uniform(r, 5, 40)), kind, ua)
	d.ten = w.s.tenant(r)
	d.signedIn(w.s.user(r))
	d.expires = 0
	if kind == web {
		d.shell("/app")
	}
	d.boot()
	if kind != machine && Chance(r, 0.7) {
		w.realtime(d, d.t, end)
	}
	return d
}

// flood is one address with a browser's user agent and a valid session
// sending 8 to 120 requests a second to the search, the suggestions or
// GraphQL, varying the query so that no cache answers; the gateway's
// per-user search limit refuses much of it.
func (w *world) flood(r *rand.Rand) {
	c := w.attacker(r, "flood")
	ua, kind := w.disguise(r, "python-requests/2.32.3", "Go-http-client/2.0")
	start, end := w.span(r, 60, 300)
	d := w.insider(r, c, start, end, ua, kind)
	ws := d.ws()
	d.attack = true
	targets := pickN(r, []func(q string){
		func(q string) {
			d.send("GET", "/api/v2/search?q="+q+"&ws="+ws+"&types=task,doc,file", 200, 0, kb(r, 18), 160)
		},
		func(q string) { d.send("GET", "/api/v2/search/suggest?q="+q+"&ws="+ws, 200, 0, kb(r, 1.8), 35) },
		func(q string) { d.send("POST", "/graphql", 200, 1400, kb(r, 20), 150) },
		func(q string) {
			d.send("GET", "/graphql?operationName=SearchEverything&variables="+url.QueryEscape(`{"q":"`+q+`"}`), 200, 0, kb(r, 18), 150)
		},
		func(q string) {
			d.send("GET", "/api/v2/projects/"+d.project()+"/tasks?view=board&limit=200", 200, 0, kb(r, 45), 120)
		},
	}, 1+r.IntN(3))
	Poisson(r, LogUniform(r, 8, 120), start, end, func(t int64) {
		d.t = t
		Pick(r, targets)(url.QueryEscape(Pick(r, searchTerms) + " " + Hex(r, 3)))
	})
}

// scan walks a list of paths that exist on other stacks: leaked
// configuration, repositories, admin consoles, framework debug endpoints,
// API docs and old API versions. Nearly all are missing here.
func (w *world) scan(r *rand.Rand) {
	c := w.attacker(r, "scan")
	ua := Pick(r, []string{"Mozilla/5.0 zgrab/0.x", "Mozilla/5.0 (compatible; Nuclei - Open-source project (github.com/projectdiscovery/nuclei))", "curl/8.5.0", "", browserUAs[0], browserUAs[3]})
	d := w.newDev(r, func(int64) *Client { return c }, 0, machine, ua)
	paths := slices.Clone(scanPaths)
	for _, name := range []string{"backup", "db", "dump", "loomdesk", "prod", "site"} {
		for _, ext := range []string{".zip", ".sql", ".tar.gz", ".bak"} {
			paths = append(paths, "/"+name+ext)
		}
	}
	r.Shuffle(len(paths), func(i, j int) { paths[i], paths[j] = paths[j], paths[i] })
	paths = paths[:len(paths)/2+r.IntN(len(paths)/2)]
	start, end := w.span(r, 60, 420)
	rate := LogUniform(r, 0.5, 12)
	d.t = start
	d.attack = true
	d.send("GET", "/", 302, 0, 200, 10)
	for _, p := range paths {
		d.t += Sec(r.ExpFloat64() / rate)
		if d.t >= end {
			break
		}
		status := 404
		switch {
		case p == "/robots.txt" || p == "/.well-known/openid-configuration" || p == "/.well-known/security.txt":
			status = 200
		case strings.HasPrefix(p, "/.git"), strings.HasPrefix(p, "/.svn"), p == "/server-status":
			status = 403
		case strings.HasPrefix(p, "/api/v2/admin"), strings.HasPrefix(p, "/api/internal"):
			status = Pick(r, []int{401, 403})
		case strings.HasPrefix(p, "/graphql"), strings.Contains(p, ".."):
			status = 400
		}
		d.send("GET", p, status, 0, kb(r, 0.6), 6)
	}
}

var scanPaths = []string{
	"/.env", "/.env.production", "/.env.local", "/.env.backup", "/.git/config", "/.git/HEAD", "/.svn/entries", "/.DS_Store",
	"/actuator", "/actuator/env", "/actuator/health", "/actuator/heapdump", "/actuator/mappings", "/admin", "/admin/login",
	"/administrator/", "/api/v2/admin/tenants", "/api/v2/admin/users?limit=1000", "/api/internal/config", "/api/v1/users",
	"/api/swagger.json", "/swagger-ui/index.html", "/v3/api-docs", "/openapi.yaml", "/graphql?query=%7B__schema%7Btypes%7Bname%7D%7D%7D",
	"/graphiql", "/playground", "/debug/pprof/", "/debug/vars", "/metrics", "/server-status", "/config.json", "/config.yml",
	"/.aws/credentials", "/docker-compose.yml", "/.circleci/config.yml", "/.gitlab-ci.yml", "/wp-login.php", "/xmlrpc.php",
	"/phpinfo.php", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", "/_ignition/execute-solution", "/telescope/requests",
	"/console", "/jenkins/login", "/jolokia/list", "/solr/admin/info/system", "/.well-known/openid-configuration",
	"/.well-known/security.txt", "/robots.txt", "/assets/../../../../etc/passwd", "/storage/logs/laravel.log", "/id_rsa",
	"/firebase.json", "/.npmrc", "/web.config", "/.htpasswd", "/api/v2/workspaces/1/members", "/uploads/",
}

// bruteforce guesses, slowly, one try every few seconds: the password of
// one to three accounts (which lock after a number of failures), the MFA
// code of an account whose password it has (a wrong code five times
// voids the challenge, so it signs in again), or API keys.
func (w *world) bruteforce(r *rand.Rand) {
	c := w.attacker(r, "bruteforce")
	ua, kind := w.disguise(r, "python-requests/2.32.3", "Hydra", "curl/8.5.0")
	start, end := w.span(r, 180, 600)
	d := w.newDev(r, func(int64) *Client { return c }, start-Sec(Uniform(r, 3, 20)), kind, ua)
	d.ten = w.s.tenant(r)
	every := func() float64 { return LogUniform(r, 1.5, 8) }
	switch Weighted(r, []float64{0.5, 0.25, 0.25}) {
	case 0:
		if kind == web {
			d.shell("/login")
		}
		d.t = start
		d.attack = true
		for a := 0; a < 1+r.IntN(3) && d.t < end; a++ {
			lock := 10 + r.IntN(20)
			for i := 0; i < lock+3+r.IntN(5) && d.t < end; i++ {
				status := 401
				if i >= lock {
					status = 423
				}
				d.send("POST", "/api/v2/auth/login", status, 190, 240, 240)
				d.t += Sec(every())
			}
		}
	case 1:
		d.t = start
		d.attack = true
		for d.t < end {
			d.send("POST", "/api/v2/auth/login", 200, 190, kb(r, 0.9), 260) // the password is known
			for i := 0; i < 5 && d.t < end; i++ {
				d.t += Sec(every())
				d.send("POST", "/api/v2/auth/mfa/verify", 401, 70, 110, 60)
			}
			d.t += Sec(every())
		}
	default:
		d.t = start
		d.attack = true
		for d.t < end {
			d.key = apikey.ID("ld_live_" + Hex(r, 16) + Hex(r, 16))
			d.send("GET", Pick(r, []string{"/api/v2/me", "/api/v2/workspaces", "/api/v2/me"}), 401, 0, 110, 9)
			d.t += Sec(every())
		}
	}
}
