package main

import (
	"math/rand/v2"
	"strconv"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// loneAttacks adds the day's lone attackers, in the mix of variants the
// site draws.
func (w *world) loneAttacks() {
	m := &w.s.mix
	run := []func(*rand.Rand){w.flood, w.scan, w.bruteforce, w.injection, w.uploadAbuse, w.enumeration}
	var kinds []Attack
	for k := range nLone {
		kinds = append(kinds, Attack{Run: run[k], Second: m.second[k]})
	}
	Attacks(Sub(w.r), kinds...)
}

// hostileIP draws an attacker's address: a rented server (with chance
// hosting), an IPv6 host, a phone network's NAT (with chance carrier), or
// else a home line, a residential proxy or the attacker's own, in the
// university's main region with chance local.
func (w *world) hostileIP(r *rand.Rand, hosting, carrier, local float64) string {
	reg := Pick(r, regions)
	if Chance(r, local) {
		reg = w.s.home[0]
	}
	switch x := r.Float64(); {
	case x < hosting:
		return w.l.V4(r, hostingNets)
	case x < hosting+0.1:
		return w.l.V6In(r, V6Net(r, reg.v6))
	case x < hosting+0.1+carrier:
		return w.l.V4(r, reg.carrier)
	}
	return w.l.V4(r, reg.res)
}

// attacker registers a lone attacker.
func (w *world) attacker(r *rand.Rand, kind int, hosting float64) *actor {
	return w.actor(r, w.l.Client(w.hostileIP(r, hosting, 0.03, 0.5), loneKinds[kind]), browserUA(r))
}

// variant draws which way of its kind an attacker works, by the site's mix.
func (w *world) variant(r *rand.Rand, kind int) int { return Weighted(r, w.s.mix.w[kind]) }

// attack sends hit at on and then at rate a second until off, with the
// attacker's ordinary browsing before and after when it hides in it.
func (w *world) attack(a *actor, on, off int64, rate, disguise float64, hit func(t int64)) {
	r := a.r
	hide := Chance(r, disguise)
	a.attack = false
	if hide {
		w.pages(a, on-Sec(Uniform(r, 30, 150)), on-Sec(3))
	}
	a.attack = true
	hit(on)
	Poisson(r, rate, on, off, hit)
	a.attack = false
	if hide {
		w.pages(a, off+think(r, 10), off+Sec(Uniform(r, 20, 200)))
	}
}

// signedIn gives an attacker a session: a student's account, stolen or
// its own.
func (w *world) signedIn(a *actor) *actor {
	a.user = w.s.username(a.r)
	return a
}

// asApp dresses an attacker as the mobile app, with its built-in key.
func (w *world) asApp(a *actor) *actor {
	return a.as(Pick(a.r, w.s.appUA), w.s.appKey)
}

// public are the pages that answer without a session.
var public = map[string]bool{"/": true, "/catalog": true, "/sso/login": true, idpForm: true}

// flood is one address hammering ordinary pages, the quiz page as the
// exam opens, the app's API, or the sign-in page, at 5 to 200 a second.
func (w *world) flood(r *rand.Rand) {
	a := w.attacker(r, kFlood, 0.5)
	on, off := w.span(r, 40, 360)
	rate := LogUniform(r, 5, 200)
	off = min(off, on+Sec(15000/rate))
	var paths []string
	switch w.variant(r, kFlood) {
	case 0:
		if Chance(r, 0.5) {
			w.signedIn(a)
		}
		paths = []string{"/dashboard", "/courses/" + w.s.course(r), "/", "/catalog"}
	case 1:
		w.signedIn(a)
		on = max(0, w.main.at-Sec(Uniform(r, 0, 40)))
		off = min(w.W, on+Sec(Uniform(r, 30, 200)), on+Sec(15000/rate))
		paths = []string{w.main.page, w.main.page, w.main.page + "/take"}
	case 2:
		a = w.signedIn(w.asApp(a))
		c := "/api/v2/courses/" + w.s.course(r)
		paths = []string{"/api/v2/users/self/profile", c + "/activity_stream?per_page=20", "/api/v2/dashboard/dashboard_cards", c + "/modules"}
	default:
		paths = []string{"/sso/login", idpForm, "/login?return_to=%2Fdashboard"}
	}
	w.attack(a, on, off, rate, 0.5, func(t int64) {
		p := Pick(r, paths)
		st := 200
		if a.user == "" && !public[p] {
			st = 302 // to the sign-in
		}
		a.get(t, p, st, okKB(st, 30))
	})
}

// bruteforce guesses one account's password, its second-factor code
// after a stolen password, a quiz's access code, or a password through
// the app's token endpoint.
func (w *world) bruteforce(r *rand.Rand) {
	a := w.attacker(r, kBrute, 0.35)
	on, off := w.span(r, 60, 600)
	rate := LogUniform(r, 0.2, 3)
	victim := w.s.username(r)
	var hit func(t int64)
	switch w.variant(r, kBrute) {
	case 0:
		if Chance(r, 0.4) {
			a.ua = Pick(r, []string{"Mozilla/4.0 (Hydra)", "python-requests/2.31.0", "Go-http-client/1.1"})
		}
		hit = func(t int64) { a.login(t, victim, idpForm, w.s.failStatus, 16) }
	case 1:
		first := true
		hit = func(t int64) {
			if first { // the password is known
				first = false
				a.login(t, victim, idpForm, 302, 0.3)
				return
			}
			a.login(t, victim, idpVerify, 401, 9)
		}
	case 2:
		w.signedIn(a)
		e := w.main
		on = max(0, min(w.W-Sec(20), e.at+Sec(Uniform(r, -30, 120))))
		off = min(w.W, on+Sec(LogUniform(r, 60, 600)))
		hit = func(t int64) { a.write(t, "POST", e.page+"/access", 403, 0.3, 20) }
	default:
		a = w.asApp(a)
		hit = func(t int64) { a.login(t, victim, "/login/oauth2/token", 401, 0.3) }
	}
	w.attack(a, on, off, rate, 0.3, hit)
}

// scanPaths are what scanners probe on any site; lmsProbes what they try
// on learning platforms and their sign-in services.
var (
	scanPaths = []string{
		"/.env", "/.env.bak", "/.git/config", "/.git/HEAD", "/.svn/entries", "/.DS_Store", "/wp-login.php", "/wp-admin/", "/xmlrpc.php",
		"/phpmyadmin/", "/pma/", "/adminer.php", "/server-status", "/server-info", "/actuator/env", "/actuator/health", "/actuator/heapdump",
		"/.aws/credentials", "/config.json", "/config.php.bak", "/backup.zip", "/backup.sql", "/db.sql", "/dump.sql.gz", "/web.config",
		"/admin", "/admin/login", "/administrator/", "/console", "/manager/html", "/jmx-console/", "/solr/admin/", "/_profiler/phpinfo",
		"/phpinfo.php", "/info.php", "/cgi-bin/luci", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", "/boaform/admin/formLogin",
		"/owa/auth/logon.aspx", "/remote/login", "/global-protect/login.esp", "/.well-known/security.txt", "/robots.txt", "/sitemap.xml",
		"/swagger.json", "/swagger-ui.html", "/v2/api-docs", "/openapi.json", "/graphql", "/api/graphql", "/api/v1/users", "/api/v3/admin",
		"/debug/pprof/", "/metrics", "/.idea/workspace.xml", "/.vscode/settings.json", "/docker-compose.yml", "/Dockerfile", "/.npmrc",
	}
	lmsProbes = []string{
		"/moodle/login/index.php", "/login/index.php", "/webservice/rest/server.php?wsfunction=core_webservice_get_site_info",
		"/admin/tool/installaddon/index.php", "/lib/editor/atto/plugins/managefiles/manage.php", "/repository/draftfiles_ajax.php",
		"/webapps/login/", "/webapps/blackboard/execute/courseMain", "/d2l/login", "/api/v1/accounts/self", "/api/v1/users/self/profile",
		"/api/v2/accounts/1/users?per_page=100", "/api/v2/accounts/1/admins", "/courses/1/files", "/mod/assign/view.php?id=1",
		"/backup/backup.php", "/files/1/download", "/api/lti/v1/security/jwks", "/login/oauth2/auth?client_id=1", "/sso/saml/metadata",
		"/idp/shibboleth", "/idp/profile/admin/hello", "/api/v2/sis/imports", "/api/v2/users/1/profile", "/api/v2/quizzes/1/questions",
	}
	scanWords = []string{"admin", "backup", "old", "test", "dev", "api", "upload", "uploads", "config", "db", "private", "tmp", "logs", "export", "grades", "exam", "answers", "staff"}
	scanExts  = []string{"", ".php", ".zip", ".bak", ".sql", ".tar.gz", "/", ".old"}
	scanTools = []string{
		"Mozilla/5.0 (compatible; Nuclei - Open-source project (github.com/projectdiscovery/nuclei))", "gobuster/3.6",
		"Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000412)", "Fuzz Faster U Fool v2.1.0-dev", "python-requests/2.31.0",
	}
)

// probeStatus is how the site answers a probe.
func probeStatus(r *rand.Rand, p string) int {
	switch {
	case strings.HasPrefix(p, "/robots.txt"), strings.HasPrefix(p, "/sitemap.xml"), strings.HasPrefix(p, "/.well-known/"),
		strings.HasPrefix(p, "/sso/saml/metadata"), strings.HasPrefix(p, "/api/lti/v1/security/jwks"), strings.HasPrefix(p, "/idp/shibboleth"):
		return 200
	case strings.HasPrefix(p, "/.git"), strings.HasPrefix(p, "/server-"), strings.HasPrefix(p, "/.ht"):
		return 403
	case strings.HasPrefix(p, "/api/"):
		return either(r, 0.3, 401, 404, 403)
	case strings.HasPrefix(p, "/admin"), strings.HasPrefix(p, "/courses/"):
		return 302
	case strings.HasSuffix(p, "/"):
		return either(r, 0.2, 404, 301)
	}
	return 404
}

// scan probes for what a site exposes: a fast tool through its whole
// list, a slow one hiding among page views, a learning-platform list, or
// the API's routes with the app's key.
func (w *world) scan(r *rand.Rand) {
	a := w.attacker(r, kScan, 0.6)
	on, off := w.span(r, 60, 700)
	var paths []string
	var rate, disguise float64
	switch w.variant(r, kScan) {
	case 0:
		a.ua, rate = Pick(r, scanTools), LogUniform(r, 3, 40)
		paths = append(append(paths, scanPaths...), lmsProbes...)
		for _, wd := range scanWords {
			for _, x := range scanExts {
				paths = append(paths, "/"+wd+x)
			}
		}
	case 1:
		rate, disguise = 1/LogUniform(r, 2, 20), 0.8
		on, off = w.span(r, 300, 900)
		paths = append(append(paths, lmsProbes...), scanPaths[:20]...)
	case 2:
		a.ua, rate = Pick(r, []string{"Go-http-client/1.1", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"}), LogUniform(r, 0.3, 3)
		for i := range 3 {
			n := strconv.Itoa(1 + i*r.IntN(50))
			ids := strings.NewReplacer("/1/", "/"+n+"/", "=1", "="+n)
			for _, p := range lmsProbes {
				paths = append(paths, ids.Replace(p))
			}
		}
	default:
		a, rate = w.asApp(a), LogUniform(r, 0.5, 5)
		for _, v := range []string{"v1", "v2", "v3", "internal", "admin"} {
			for _, p := range []string{"/users", "/accounts/1", "/courses?all=true", "/grades/export", "/debug", "/config", "/sis/imports", "/audit"} {
				paths = append(paths, "/api/"+v+p)
			}
		}
	}
	r.Shuffle(len(paths), func(i, j int) { paths[i], paths[j] = paths[j], paths[i] })
	off = min(off, on+Sec(float64(len(paths))/rate))
	i := 0
	w.attack(a, on, off, rate, disguise, func(t int64) {
		p := paths[i%len(paths)]
		i++
		st := probeStatus(r, p)
		a.get(t, p, st, okKB(st, 3))
	})
}
