package main

import (
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// loneAttacks adds the day's attackers that work from one address each:
// every kind once, some twice.
func (w *world) loneAttacks(r *rand.Rand) {
	second := w.s.second
	if w.training() {
		second = 0
	}
	Attacks(r,
		Attack{Run: w.flood, Second: second},
		Attack{Run: w.scan, Second: second},
		Attack{Run: w.bruteforce, Second: second},
		Attack{Run: w.injection, Second: second / 2},
		Attack{Run: w.maliciousUpload, Second: second / 2},
		Attack{Run: w.enumeration, Second: second},
	)
}

// attacker registers a lone attacker of kind at a fresh address.
func (w *world) attacker(r *rand.Rand, kind string, prefixes ...[]string) *agent {
	c := w.newClient(r, Pick(r, prefixes), kind, "")
	return &agent{w: w, c: c, attack: true}
}

// span draws when a lone attack runs: it starts in the first half of the
// window and lasts from one minute to ten.
func (w *world) span(r *rand.Rand) (int64, int64) {
	t0 := w.at(r, 0.03, 0.5)
	return t0, min(w.win, t0+Sec(LogUniform(r, 60, 600)))
}

// flood downloads one large tarball over and over to exhaust the
// registry's bandwidth, a few to dozens of times a second; it picks one
// the origin serves itself, not the CDN.
func (w *world) flood(r *rand.Rand) {
	a := w.attacker(r, "flood", vpsV4, homeV4, cloudV4)
	eco := w.s.npm()
	a.ua = Pick(r, []string{eco.ua(r, ""), "curl/8.5.0", "Wget/1.21.4", "python-requests/2.31.0", "Go-http-client/1.1", "aria2/1.37.0"})
	p := eco.cat.top(r, 30)
	for range 40 {
		if q := eco.cat.top(r, 300); !q.cdn && (p.cdn || q.size > p.size) {
			p = q
		}
	}
	path := eco.filePath(r, p, p.latest(), 0)
	t0, t1 := w.span(r)
	a.send(t0, a.get(r, eco.metaPath(r, p), 200, p.meta, 40))
	Poisson(r, LogUniform(r, 3, 40), t0+Sec(0.5), t1, func(t int64) {
		a.send(t, a.fetch(r, path, p, LogUniform(r, 50, 600)))
	})
}

// scan probes for files and consoles a registry should not expose.
func (w *world) scan(r *rand.Rand) {
	a := w.attacker(r, "scan", vpsV4, dcV4)
	a.ua = Pick(r, []string{browserUA(r), "Mozilla/5.0 zgrab/0.x", "Mozilla/5.0 (compatible; Nuclei - Open-source project (github.com/projectdiscovery/nuclei))", "python-requests/2.28.1", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/93.0.4577.63 Safari/537.36"})
	t, t1 := w.span(r)
	rate := LogUniform(r, 1, 10)
	for t < t1 {
		path, status := Pick(r, scanPaths), 404
		switch {
		case strings.Contains(path, "admin") || strings.HasPrefix(path, "/_"):
			status = Pick(r, []int{403, 401, 302})
		case Chance(r, 0.05):
			status = 200
		}
		if Chance(r, 0.3) {
			path = "/" + w.s.npm().cat.draw(r).name + path
		}
		t += a.send(t, a.get(r, path, status, int64(Uniform(r, 60, 9e3)), 15)) + Sec(r.ExpFloat64()/rate)
	}
}

var scanPaths = []string{
	"/.env", "/.env.local", "/.env.production", "/.git/config", "/.git/HEAD", "/.npmrc", "/.pypirc", "/.docker/config.json",
	"/admin", "/admin/login", "/-/admin", "/_utils/", "/_all_dbs", "/_config", "/server-status", "/actuator/env",
	"/backup.zip", "/backup.tar.gz", "/db.sql", "/dump.sql", "/registry.tar.gz", "/config.json", "/config.yml",
	"/wp-login.php", "/phpinfo.php", "/.aws/credentials", "/.DS_Store", "/debug/pprof/", "/metrics", "/v2/_catalog",
	"/api/v1/storage", "/artifactory/api/repositories", "/service/rest/v1/repositories", "/.htpasswd", "/id_rsa",
}

// bruteforce guesses tokens against whoami, or passwords of one account
// against the legacy login.
func (w *world) bruteforce(r *rand.Rand) {
	a := w.attacker(r, "bruteforce", vpsV4, homeV4)
	a.ua = w.s.npm().ua(r, "")
	t, t1 := w.span(r)
	rate := LogUniform(r, 0.5, 8)
	target := userName(r)
	tokens := Chance(r, 0.5)
	for t < t1 {
		if tokens {
			a.key = keyID(r)
			t += a.send(t, a.get(r, "/-/whoami", 401, 90, 6))
		} else {
			h := a.upload(r, "PUT", "/-/user/org.couchdb.user:"+target, 401, int64(Uniform(r, 120, 220)), 5)
			t += a.send(t, h)
		}
		t += Sec(r.ExpFloat64() / rate)
	}
}
