package main

import (
	"fmt"
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// attacks adds the day's lone attackers: on a test day the site's number
// of each kind, or one fewer, (flood, scan, bruteforce, injection, upload,
// enumeration, in the order of site.lone), on the training day only one
// or two.
func (d *day) attacks(r *rand.Rand) {
	runs := [...]func(*rand.Rand){d.flood, d.scan, d.bruteforce, d.injection, d.abusiveUpload, d.enumeration}
	if !d.test {
		for range 1 + r.IntN(2) {
			Pick(r, runs[:])(Sub(r))
		}
		return
	}
	for i, run := range runs {
		for range max(1, d.site.lone[i]-r.IntN(2)) {
			run(Sub(r))
		}
	}
}

// attacker registers a lone attacker's address: mostly rented servers,
// some home connections and IPv6.
func (d *day) attacker(r *rand.Rand, kind string) *Client {
	var ip string
	switch x := r.Float64(); {
	case x < 0.6:
		ip = d.V4(r, hosting)
	case x < 0.9:
		ip = d.V4(r, residential)
	default:
		ip = d.V6In(r, V6Net(r, homeV6))
	}
	return d.Client(ip, kind)
}

// attackVisit starts an attacker's visit somewhere in the window.
func (d *day) attackVisit(r *rand.Rand, kind string, ua string) *visit {
	v := d.newVisit(r, d.attacker(r, kind), d.startIn(r, 0.02, 0.75), ua)
	v.attack = true
	return v
}

// disguise draws an attacker's user agent: a real browser for some, a
// tool for the rest.
func disguise(r *rand.Rand, pBrowser float64, tools ...string) string {
	if Chance(r, pBrowser) {
		return browser(r)
	}
	return Pick(r, tools)
}

// flood hammers one to three ordinary URLs at ten to over a hundred
// requests a second for a minute or a few.
func (d *day) flood(r *rand.Rand) {
	s := d.site
	v := d.attackVisit(r, "flood", disguise(r, 0.5, toolUAs...))
	targets := []string{"/", s.searchQuery(r, searchTerm(r), 1), s.postingPage(r, jobID(r)), fmt.Sprintf("%s/jobs/%d", s.api, jobID(r))}
	r.Shuffle(len(targets), func(i, j int) { targets[i], targets[j] = targets[j], targets[i] })
	targets = targets[:1+r.IntN(3)]
	rate := LogUniform(r, 10, 130)
	end := v.t + Sec(min(LogUniform(r, 40, 360), 14000/rate))
	Poisson(r, rate, v.t, end, func(t int64) {
		v.t = t
		v.get(Pick(r, targets), 200, int64(5000+r.IntN(60000)), 45)
	})
}

// scanPaths are what vulnerability scanners probe for.
var scanPaths = []string{"/.env", "/.env.production", "/.git/config", "/.git/HEAD", "/wp-login.php", "/wp-admin/", "/phpmyadmin/",
	"/admin", "/admin/login", "/administrator/", "/actuator/env", "/actuator/health", "/server-status", "/.aws/credentials",
	"/config.json", "/backup.zip", "/db.sql", "/.DS_Store", "/debug/pprof/", "/swagger.json", "/v2/api-docs", "/graphql",
	"/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", "/cgi-bin/luci", "/solr/admin/", "/jenkins/login", "/.svn/entries",
	"/console", "/_profiler", "/telescope/requests", "/.well-known/security.txt", "/xmlrpc.php", "/api/admin/users",
	"/manager/html", "/owa/auth/logon.aspx", "/remote/login", "/.htpasswd", "/web.config", "/app/etc/env.php", "/info.php"}

// scan probes for forgotten files and admin consoles; nearly everything
// answers 404, what exists answers 403, 401 or a redirect.
func (d *day) scan(r *rand.Rand) {
	v := d.attackVisit(r, "scan", disguise(r, 0.25, "Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)",
		"Fuzz Faster U Fool v2.1.0", "l9explore/1.2.2", "Mozilla/5.0 zgrab/0.x", "Nuclei - Open-source project (github.com/projectdiscovery/nuclei)"))
	rate := LogUniform(r, 0.8, 15)
	for range 1 + r.IntN(4) {
		prefix := Pick(r, []string{"", "", d.site.api, "/static", "/old", "/backup"})
		for _, p := range scanPaths {
			if Chance(r, 0.3) {
				continue
			}
			status := Pick(r, []int{404, 404, 404, 404, 404, 403, 401, 301})
			v.get(prefix+p, status, int64(150+r.IntN(600)), 15)
			v.t += Sec(r.ExpFloat64() / rate)
		}
	}
}

// bruteforce guesses the passwords of one to three accounts, some after
// loading the sign-in page like a browser.
func (d *day) bruteforce(r *rand.Rand) {
	s := d.site
	v := d.attackVisit(r, "bruteforce", disguise(r, 0.5, "python-requests/2.31.0", "Hydra", "okhttp/4.9.3", "curl/8.5.0"))
	if Chance(r, 0.4) {
		v.page("/login")
	}
	path := Pick(r, []string{s.api + "/auth/login", s.api + "/auth/login", s.api + "/recruiter/auth/login"})
	rate := LogUniform(r, 0.2, 4)
	for n := int(LogUniform(r, 60, 900)); n > 0 && !v.over(); n-- {
		v.send("POST", path, 401, int64(120+r.IntN(60)), 120, 230)
		v.t += Sec(r.ExpFloat64() / rate)
	}
}
