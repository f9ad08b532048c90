package main

import (
	"math/rand/v2"
	"strconv"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// attacks are the day's lone attackers: each kind once or twice, from its
// own address, at its own time.
func (w *world) attacks(r *rand.Rand) {
	Attacks(r,
		Attack{Run: w.flood, Second: 0.35},
		Attack{Run: w.scan, Second: 0.4},
		Attack{Run: w.bruteforce, Second: 0.4},
		Attack{Run: w.injection, Second: 0.3},
		Attack{Run: w.upload, Second: 0.25},
		Attack{Run: w.enumeration, Second: 0.35},
	)
}

// attacker returns a new address of kind: a rented server, a residential
// proxy in the players' country, a VPN, a line abroad, now and then IPv6.
func (w *world) attacker(r *rand.Rand, kind string) *Client {
	reg := w.s.region
	var ip string
	switch Weighted(r, []float64{0.35, 0.3, 0.12, 0.15, 0.08}) {
	case 0:
		ip = w.l.V4(r, vpsNets)
	case 1:
		ip = w.l.V4(r, reg.home)
	case 2:
		ip = w.l.V4(r, vpnNets)
	case 3:
		ip = w.l.V4(r, reg.foreign)
	default:
		ip = w.l.V6In(r, V6Net(r, reg.homeV6))
	}
	return w.l.Client(ip, kind)
}

// disguise returns the user agent an attacker shows: mostly the game
// client's or the launcher's, sometimes the companion app's or a
// browser's, now and then its tool's own or none.
func (w *world) disguise(r *rand.Rand, tools ...string) string {
	s := w.s
	switch x := r.Float64(); {
	case x < 0.45:
		return s.clientUA(r, Weighted(r, s.platW), s.build)
	case x < 0.55:
		return s.launcherUA(r)
	case x < 0.65:
		return s.companionUA(r)
	case x < 0.8 || len(tools) == 0:
		return Pick(r, browserUAs)
	case x < 0.95:
		return Pick(r, tools)
	}
	return ""
}

// span draws when an attack runs: it starts somewhere in the window and
// lasts lo to hi seconds (or until the window closes).
func (w *world) span(r *rand.Rand, lo, hi float64) (start, end int64) {
	start = w.at(Uniform(r, 0.03, 0.7))
	return start, min(w.win, start+Sec(Uniform(r, lo, hi)))
}

// foe starts an attacker's program of kind at start, with a bearer token
// most of the time (a throwaway account's, or a stolen one).
func (w *world) foe(r *rand.Rand, kind string, start int64, tools ...string) *dev {
	c := w.attacker(r, kind)
	d := w.newDev(r, func(int64) *Client { return c }, start, w.disguise(r, tools...), token(r))
	if Chance(r, 0.7) {
		d.user = w.s.user(r)
	}
	return d
}

// flood is one address sending 10 to 200 requests a second to a few of
// the calls a game client makes all the time: its matchmaking ticket, new
// tickets, a leaderboard, a streamer's profile, the featured offers, the
// heartbeat. Most answers are ordinary ones.
func (w *world) flood(r *rand.Rand) {
	s := w.s
	start, end := w.span(r, 45, 240)
	d := w.foe(r, "flood", start, "python-requests/2.31.0", "Go-http-client/1.1", "okhttp/4.9.3")
	d.attack = true
	lb := "/leaderboards/s" + strconv.Itoa(s.season) + "/" + s.mode(r).name
	type target struct {
		method, path string
		kbs, ms      float64
	}
	targets := pickN(r, []target{
		{"GET", d.api("/matchmaking/tickets/" + Hex(r, 16)), 0.3, 12},
		{"POST", d.api("/matchmaking/tickets"), 0.4, 60},
		{"GET", d.api(lb + "?region=" + s.regionTag + "&page=1"), 6, 90},
		{"GET", d.api("/players/" + s.user(r) + "/profile"), 3, 40},
		{"GET", d.api("/store/offers/featured"), 14, 60},
		{"POST", d.api("/session/heartbeat"), 0.1, 12},
		{"GET", d.api("/friends/presence"), 1.5, 25},
		{"GET", d.api("/news?lang=en"), 9, 30},
	}, 1+r.IntN(3))
	Poisson(r, LogUniform(r, 10, 200), start, end, func(t int64) {
		d.t = t
		g := Pick(r, targets)
		status := 200
		switch {
		case Chance(r, 0.03):
			status = Pick(r, []int{502, 503})
		case g.method == "POST" && strings.HasSuffix(g.path, "/tickets"):
			status = 201
		}
		var body int64
		if g.method == "POST" {
			body = 360
		}
		d.send(g.method, g.path, status, body, kb(r, g.kbs), g.ms)
	})
}

// scan walks a list of paths that exist on other game backends and web
// servers: admin and game-master tools, debug endpoints, leaked
// configuration and builds. Nearly all are missing here.
func (w *world) scan(r *rand.Rand) {
	start, end := w.span(r, 60, 420)
	d := w.foe(r, "scan", start, "Mozilla/5.0 zgrab/0.x", "Mozilla/5.0 (compatible; Nuclei - Open-source project (github.com/projectdiscovery/nuclei))", "ffuf/v2.1.0", "curl/8.5.0")
	d.user = ""
	d.hdr = 220
	d.attack = true
	paths := append([]string(nil), scanPaths...)
	for _, p := range []string{"/admin", "/internal/debug", "/dev/cheats", "/gm/players", "/servers/register", "/debug/matchmaking", "/players/0/inventory/grant", "/store/admin/prices", "/graphql"} {
		paths = append(paths, w.s.api+p)
	}
	r.Shuffle(len(paths), func(i, j int) { paths[i], paths[j] = paths[j], paths[i] })
	paths = paths[:len(paths)/2+r.IntN(len(paths)/2)]
	rate := LogUniform(r, 0.5, 15)
	d.get("/", 404, 0.2, 4)
	for _, p := range paths {
		d.t += Sec(r.ExpFloat64() / rate)
		if d.t >= end {
			break
		}
		status := 404
		switch {
		case p == "/robots.txt" || p == "/.well-known/security.txt":
			status = 200
		case strings.HasPrefix(p, "/.git") || p == "/server-status" || strings.HasPrefix(p, "/WEB-INF"):
			status = 403
		case strings.Contains(p, "admin") || strings.Contains(p, "/gm") || strings.Contains(p, "/servers/") || strings.Contains(p, "grant"):
			status = Pick(r, []int{401, 403})
		case strings.Contains(p, ".."):
			status = 400
		}
		d.get(p, status, 0.3, 6)
	}
}

var scanPaths = []string{
	"/.env", "/.env.production", "/.git/config", "/.git/HEAD", "/.DS_Store", "/robots.txt", "/.well-known/security.txt",
	"/admin", "/admin/login", "/gm", "/gmtool/", "/gm/console", "/console", "/debug/pprof/", "/debug/vars", "/_debug/",
	"/actuator/env", "/actuator/heapdump", "/server-status", "/metrics", "/swagger-ui.html", "/swagger.json", "/openapi.yaml",
	"/api/admin/users", "/api/internal/config", "/internal/healthz", "/phpmyadmin/", "/wp-login.php", "/xmlrpc.php",
	"/jolokia/list", "/jenkins/login", "/grafana/login", "/kibana/app", "/_cat/indices", "/config.json", "/appsettings.json",
	"/DefaultGame.ini", "/Saved/Config/WindowsNoEditor/Game.ini", "/builds/latest.zip", "/builds/server-linux.tar.gz",
	"/backup.sql", "/db.sql.gz", "/dump.tar.gz", "/steam_appid.txt", "/crossdomain.xml", "/WEB-INF/web.xml",
	"/static/../../../../etc/passwd", "/cgi-bin/luci", "/HNAP1/", "/boaform/admin/formLogin", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php",
	"/redis", "/.aws/credentials", "/docker-compose.yml", "/id_rsa", "/.vscode/sftp.json", "/telescope/requests",
}

// bruteforce is one address guessing the password of one to three
// accounts, fast or a guess every few seconds, until they lock; or,
// holding an account's password, guessing its two-factor code, asking
// for a new code after every few wrong ones.
func (w *world) bruteforce(r *rand.Rand) {
	s := w.s
	start, end := w.span(r, 120, 600)
	d := w.foe(r, "bruteforce", start, "python-requests/2.32.3", "Hydra", "okhttp/4.9.0")
	d.user = ""
	d.hdr = 400 + int64(r.IntN(300))
	every := func() float64 { return Uniform(r, 2, 6) }
	if Chance(r, 0.5) {
		fast := LogUniform(r, 0.25, 1.5)
		every = func() float64 { return fast * Uniform(r, 0.7, 1.3) }
	}
	d.attack = true
	if Chance(r, 0.35) {
		d.post(d.api("/auth/login"), 200, 190, 1.2, 110)
		d.user = s.user(r)
		for wrong := 1; d.t < end; wrong++ {
			d.t += Sec(every())
			d.post(d.api("/auth/2fa/verify"), 401, 70, 0.1, 60)
			if wrong%5 == 0 {
				d.pause(1, 4)
				d.post(d.api("/auth/2fa/resend"), Pick(r, []int{202, 202, 429}), 40, 0.1, 90)
			}
		}
		return
	}
	lock := 10 + r.IntN(20)
	for a := 0; a < 1+r.IntN(3) && d.t < end; a++ {
		for i := 0; i < lock+3+r.IntN(5) && d.t < end; i++ {
			d.t += Sec(every())
			switch {
			case i >= lock:
				d.post(d.api("/auth/login"), 423, 190, 0.1, 50)
			case Chance(r, 0.01):
				d.post(d.api("/auth/login"), 200, 190, 1.2, 110)
				d.user = s.user(r)
				d.pause(0.5, 2)
				d.get(d.api("/players/me/wallet"), 200, 0.4, 25)
				return
			default:
				d.post(d.api("/auth/login"), 401, 190, 0.1, 220)
			}
		}
	}
}
