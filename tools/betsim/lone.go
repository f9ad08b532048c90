package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// loneKinds are the label kinds of the attackers that work from one
// address each.
var loneKinds = []string{"flood", "scan", "bruteforce", "injection", "upload", "enumeration"}

// lone adds the day's lone attackers: on the derby as many of each kind as
// the site draws, on the training day a few at most.
func (d *day) lone() {
	run := map[string]func(*rand.Rand, *actor){
		"flood": d.flood, "scan": d.scan, "bruteforce": d.bruteforce,
		"injection": d.injection, "upload": d.upload, "enumeration": d.enumeration,
	}
	for _, k := range loneKinds {
		n := 0
		if d.test {
			n = 1 + d.r.IntN(d.s.loneMax[k])
		} else if Chance(d.r, 0.3) {
			n = 1
		}
		for range n {
			r := Sub(d.r)
			run[k](r, d.attacker(r, k))
		}
	}
}

// attacker registers a lone attacker's address: rented servers mostly,
// a home line or a proxy sometimes, and a browser's or the app's user
// agent as often as a tool's.
func (d *day) attacker(r *rand.Rand, kind string) *actor {
	nets := Pick(r, [][]string{cloud, hostile, proxyNets, d.s.home.isp})
	a := &actor{d: d, attack: true, hdr: int64(Uniform(r, 200, 1200))}
	a.c = d.l.Client(d.l.V4(r, nets), kind)
	switch x := r.Float64(); {
	case x < 0.4:
		a.ua = Pick(r, browsers)
	case x < 0.55:
		a.ua = d.s.appUA(r)
	default:
		a.ua = Pick(r, []string{"python-requests/2.31.0", "Go-http-client/1.1", "curl/8.4.0", "okhttp/4.9.3", "axios/1.6.7", "Mozilla/5.0 (compatible; Nmap Scripting Engine)"})
	}
	return a
}

// flood hammers one to three ordinary URLs, an event's odds most of all,
// at tens to over a hundred requests a second for a minute or a few.
func (d *day) flood(r *rand.Rand, a *actor) {
	from, to := d.span(r, 0.1)
	to = min(to, from+Sec(LogUniform(r, 40, 300)))
	m, seq := d.s.pickMatch(r), r.IntN(90000)
	urls := []func() Event{
		func() Event { return oddsPoll(r, m, seq) },
		func() Event { return liveList(r) },
		func() Event { return matchPage(r, m) },
		func() Event { return markets(r, m) },
	}
	urls = urls[:1+r.IntN(3)]
	Poisson(r, LogUniform(r, 10, 120), from, to, func(t int64) { a.send(t, Pick(r, urls)()) })
}

// scanPaths are what scanners probe for: leaked configuration, version
// control, admin consoles, framework endpoints and backups.
var scanPaths = []string{
	"/.env", "/.env.local", "/.env.production", "/.git/config", "/.git/HEAD", "/.svn/entries", "/.DS_Store",
	"/admin", "/admin/login", "/wp-admin/", "/wp-login.php", "/phpmyadmin/", "/pma/", "/manager/html",
	"/actuator", "/actuator/env", "/actuator/heapdump", "/actuator/health", "/server-status", "/console",
	"/api/v1/swagger.json", "/swagger-ui.html", "/v2/api-docs", "/graphql", "/debug/pprof/", "/.aws/credentials",
	"/config.json", "/backup.zip", "/db.sql", "/dump.sql", "/backoffice/", "/trading/v1/admin", "/jenkins/login",
	"/solr/admin/info/system", "/cgi-bin/luci", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", "/.well-known/security.txt",
	"/api/v2/internal/metrics", "/metrics", "/_profiler/", "/telescope/requests", "/.vscode/sftp.json", "/config/database.yml",
}

// scan walks the probe list, some paths more than once, at a few
// requests a second: 404s, 403s and an odd 200.
func (d *day) scan(r *rand.Rand, a *actor) {
	from, to := d.span(r, 0.1)
	to = min(to, from+Sec(LogUniform(r, 30, 400)))
	if Chance(r, 0.5) {
		a.ua = Pick(r, []string{"Mozilla/5.0 (compatible; Nuclei - Open-source project (github.com/projectdiscovery/nuclei))", "Mozilla/5.0 zgrab/0.x", "Fuzz Faster U Fool v2.1.0"})
	}
	Poisson(r, LogUniform(r, 1, 15), from, to, func(t int64) {
		p := Pick(r, scanPaths)
		status := Pick(r, []int{404, 404, 404, 404, 403, 401, 400})
		switch p {
		case "/actuator/health", "/.well-known/security.txt":
			status = 200
		}
		a.send(t, req(r, "GET", p, status, 0, 180, 4))
	})
}

// bruteforce guesses the password of an account or a few, or the 2FA
// code of one whose password it has, every second or few.
func (d *day) bruteforce(r *rand.Rand, a *actor) {
	from, to := d.span(r, 0.3)
	codes := Chance(r, 0.35)
	if codes {
		a.user = userName(r)
		a.send(from, login(r, true))
	}
	Poisson(r, LogUniform(r, 0.3, 4), from, to, func(t int64) {
		if codes {
			a.send(t, twoFA(r, Chance(r, 0.002)))
			return
		}
		e := login(r, false)
		if Chance(r, 0.1) {
			e.Status = 423
		}
		a.send(t, e)
	})
}
