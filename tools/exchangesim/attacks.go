package main

import (
	"math/rand/v2"
	"strconv"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// hosting is where rented servers and VPNs send from.
var hosting = []string{"45.", "185.", "193.", "194.", "91.", "5.", "146.70.", "89.187.", "103.", "23.94."}

// attacker registers a new address of the kind and returns its tab.
func (d *day) attacker(r *rand.Rand, prefixes []string, kind, ua string) *tab {
	c := d.log.Client(d.log.V4(r, prefixes), kind)
	return &tab{d: d, r: r, from: fixed(c), ua: ua}
}

// withQuery adds a parameter to a path's query.
func withQuery(path, kv string) string {
	if strings.Contains(path, "?") {
		return path + "&" + kv
	}
	return path + "?" + kv
}

// when draws the start of an attack, early enough for it to show.
func (d *day) when(r *rand.Rand) int64 {
	win := d.log.Window()
	return min(int64(Uniform(r, 0.03, 0.75)*float64(win)), win-Sec(40))
}

// abroad returns the home lines of the other countries, where residential
// proxies are bought.
func (d *day) abroad() []string {
	var ps []string
	for _, l := range locales {
		if l.quote != d.s.quote {
			ps = append(ps, l.home...)
		}
	}
	return ps
}

// residential returns address prefixes of home lines here and abroad.
func (d *day) residential() []string { return append(d.abroad(), d.s.home...) }

// loners are the lone attackers, with the chance of a second one of each.
var loners = []struct {
	run    func(*day, *rand.Rand)
	second float64
}{{(*day).flood, 0.4}, {(*day).scan, 0.5}, {(*day).bruteforce, 0.3}, {(*day).injection, 0.4}, {(*day).upload, 0.2}, {(*day).enumeration, 0.4}}

// attacks adds the day's lone attackers.
func (d *day) attacks(r *rand.Rand) {
	var kinds []Attack
	for _, a := range loners {
		kinds = append(kinds, Attack{Run: func(r *rand.Rand) { a.run(d, r) }, Second: a.second})
	}
	Attacks(r, kinds...)
}

// flood is one address hammering ordinary pages with a browser's name,
// a few to hundreds of times a second, after a look at the site.
func (d *day) flood(r *rand.Rand) {
	s := d.s
	k := d.attacker(r, Pick(r, [][]string{hosting, d.residential()}), "flood", s.browserUA(r, Chance(r, 0.2)))
	pe := &person{ua: k.ua}
	k.t = d.when(r)
	k.page(pe, "/")
	pair := s.pair(s.coin(r))
	targets := [][]string{
		{"/"},
		{"/markets", s.tradeURL(pair), s.tickers()},
		{s.tradeURL(pair), s.ticker(pair), s.book(pair, 100), s.candles(pair, "1m")},
		{"/price/" + slug(s.coin(r)), "/support", "/login"},
	}[r.IntN(4)]
	bust := Chance(r, 0.4) // a random query defeats the caches
	rate := LogUniform(r, 4, 250)
	end := k.t + Sec(min(Uniform(r, 20, 150), 6000/rate))
	k.attack = true
	Poisson(r, rate, k.t+Sec(Uniform(r, 1, 8)), end, func(t int64) {
		k.t = t
		path := Pick(r, targets)
		if bust {
			path = withQuery(path, "_="+strconv.FormatInt(t/1e6, 10))
		}
		k.get(path, wPage)
	})
}

var probes = []string{
	"/.env", "/.git/config", "/.git/HEAD", "/wp-login.php", "/wp-admin/", "/phpmyadmin/", "/server-status",
	"/actuator/env", "/actuator/health", "/swagger.json", "/v2/api-docs", "/openapi.yaml", "/graphql",
	"/.aws/credentials", "/config.json", "/backup.sql", "/db.sql.gz", "/admin", "/admin/login", "/console",
	"/debug/pprof/", "/.DS_Store", "/cgi-bin/luci", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php",
	"/_next/static/../../.env", "/.well-known/security.txt", "/?XDEBUG_SESSION_START=phpstorm", "/solr/admin/info/system",
	"/telescope/requests", "/api/.env", "/.vscode/sftp.json", "/web.config", "/jenkins/login", "/owa/auth/logon.aspx",
	"/hnap1/", "/boaform/admin/formLogin", "/containers/json", "/.svn/entries", "/wallet.dat", "/keystore.json",
}

// scan is a vulnerability scanner walking known weak spots, the site's
// API among them, once or a few times with variations.
func (d *day) scan(r *rand.Rand) {
	s := d.s
	ua := Pick(r, []string{s.browserUA(r, false), s.browserUA(r, false), "Mozilla/5.0 (compatible; Nuclei - Open-source project (github.com/projectdiscovery/nuclei))", "Mozilla/5.0 zgrab/0.x"})
	k := d.attacker(r, hosting, "scan", ua)
	k.t = d.when(r)
	paths := append([]string{}, probes...)
	for _, p := range []string{"/admin/users", "/internal/health", "/debug/vars", "/../admin", "/swagger-ui.html", "/keys"} {
		paths = append(paths, s.api+p)
	}
	r.Shuffle(len(paths), func(i, j int) { paths[i], paths[j] = paths[j], paths[i] })
	gap := 1 / LogUniform(r, 1.5, 20)
	k.attack = true
	for pass := range 1 + r.IntN(3) {
		for _, p := range paths {
			if pass > 0 {
				p = Pick(r, []string{"/static", "/app", s.api, "/backup"}) + p
			}
			st := []int{404, 403, 400, 200}[Weighted(r, []float64{0.82, 0.1, 0.05, 0.03})]
			k.send(Pick(r, []string{"GET", "GET", "GET", "HEAD", "POST"}), p, st, wSmall)
			k.t += Sec(r.ExpFloat64() * gap)
		}
	}
}

// bruteforce guesses one account's password, or, with the password
// already stolen, its one-time code.
func (d *day) bruteforce(r *rand.Rand) {
	s := d.s
	app := Chance(r, 0.35)
	ua := s.browserUA(r, false)
	if app {
		ua = s.appUA(r, Chance(r, s.android))
	}
	k := d.attacker(r, Pick(r, [][]string{hosting, d.residential()}), "bruteforce", ua)
	k.t = d.when(r)
	if !app {
		k.page(&person{}, "/login")
	}
	path := s.login
	k.attack = true
	if Chance(r, 0.4) {
		k.send("POST", s.login, 200, wAuth)
		path = s.mfa
	}
	gap := LogUniform(r, 0.3, 5)
	for range 40 + r.IntN(600) {
		k.t += Sec(LogNormal(r, gap, 0.4))
		if k.done() {
			return
		}
		k.send("POST", path, 401, wAuth)
	}
}
