package main

import (
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// runThreats adds the day's lone attackers: every kind two to four
// times, more or less often by the site's habits.
func (d *day) runThreats() {
	r := Sub(d.r)
	kinds := []func(*rand.Rand){d.flood, d.scan, d.bruteforce, d.injection, d.upload, d.enumeration}
	var plan []Attack
	for i, k := range kinds {
		plan = append(plan, Attack{Run: k, Second: d.s.lone[i]}, Attack{Run: k, Second: d.s.lone[i] / 3})
	}
	Attacks(r, plan...)
}

// flood is one address sending far more than anyone: a signed-in app
// reloading the device list, a stolen plug token posting telemetry, a
// script pulling the largest firmware image over and over, or a headless
// client fetching the app configuration all window long.
func (d *day) flood(r *rand.Rand) {
	a, b := d.span(r, 40, 200)
	switch d.variant(r, 0) {
	case 0:
		w := d.fakeApp(r, d.attacker(r, "flood", Pick(r, []int{fromHome, fromMobile6})))
		t := d.signIn(r, w, a)
		w.attack = true
		path := "/app/v5/homes/" + Pick(r, d.s.homes).id + "/devices"
		Poisson(r, Uniform(r, 12, 50), t, b, func(t int64) {
			d.send(w, t, hit{"GET", path, 200, 0, size(r, 2600, 0.2), lat(r, 40)})
		})
	case 1:
		w := d.deviceWho(d.attacker(r, "flood", fromHome), d.someDevice(r, "plug"))
		Poisson(r, Uniform(r, 20, 70), a, b, func(t int64) {
			d.send(w, t, hit{"POST", "/device/v3/telemetry", 204, size(r, 210, 0.2), 0, lat(r, 22)})
		})
	case 2:
		w := who{c: d.attacker(r, "flood", fromHosting), ua: Pick(r, []string{"curl/8.5.0", "Wget/1.21.4", "aria2/1.37.0"}), attack: true}
		m := Pick(r, models[:5])
		for t := a; t < b; t += Sec(Uniform(r, 0.3, 3)) {
			d.send(w, t, hit{"GET", "/firmware/v3/" + m.code + "/" + m.newest() + "/image.bin", 200, 0, int64(m.image * mb), Uniform(r, 800, 6000)})
		}
	default:
		w := who{c: d.attacker(r, "flood", fromCloud), attack: true}
		Poisson(r, Uniform(r, 4, 10), 0, d.W, func(t int64) {
			d.send(w, t, hit{"GET", "/app/v5/config?platform=android&build=71400", 200, 0, size(r, 3800, 0.2), lat(r, 15)})
		})
	}
}

var scanPaths = []string{
	"/.env", "/.git/config", "/.aws/credentials", "/config.json", "/backup.zip", "/actuator/env", "/actuator/health",
	"/swagger-ui.html", "/v2/api-docs", "/api/v1/swagger.json", "/openapi.yaml", "/graphql", "/wp-login.php", "/admin",
	"/admin/login", "/server-status", "/debug/pprof/", "/metrics", "/console", "/mqtt", "/ws", "/cgi-bin/luci",
	"/HNAP1/", "/boaform/admin/formLogin", "/GponForm/diag_Form?images/", "/setup.cgi?next_file=netgear.cfg",
	"/shell?cd+/tmp;rm+-rf+*", "/device/v3/debug", "/device/v3/shell", "/device/v3/config", "/dv/v1/report",
	"/dv/v2/admin", "/firmware/v3/", "/firmware/internal/keys", "/firmware/v3/LH-3/signing.pem",
	"/provision/v1/devices", "/support/v1/search", "/app/v4/config", "/app/v6/config", "/api/v0/devices",
	"/api/internal/users", "/api/v1/admin/keys", "/media/v2/", "/hooks/v1/", "/.well-known/security.txt",
}

var scanAgents = []string{
	"Mozilla/5.0 zgrab/0.x", "Nuclei - Open-source project (github.com/projectdiscovery/nuclei)",
	"Mozilla/5.0 (compatible; CensysInspect/1.1; +https://about.censys.io/)", "fasthttp", "",
}

// scan walks paths the site does not serve: a fast scanner from a
// hosting range, a slow one dressed as a camera probing device API
// versions, or a trickle from a home IPv6 address.
func (d *day) scan(r *rand.Rand) {
	var w who
	var gap float64
	paths := shuffled(r, scanPaths)
	switch d.variant(r, 1) {
	case 0:
		w = who{c: d.attacker(r, "scan", fromHosting), ua: Pick(r, scanAgents)}
		gap = 1 / Uniform(r, 2, 12)
		for _, p := range shuffled(r, scanPaths) {
			paths = append(paths, p+Pick(r, []string{".bak", ".old", "~", "/", ".json"}))
		}
	case 1:
		w = d.deviceWho(d.attacker(r, "scan", fromHome), d.someDevice(r, "camera"))
		gap = Uniform(r, 3, 15)
		paths = nil
		for _, v := range []string{"v1", "v2", "v3", "v4", "beta", "internal"} {
			for _, e := range []string{"debug", "shell", "config", "logs", "ota", "keys", "factory-reset", "ssh"} {
				paths = append(paths, "/device/"+v+"/"+e)
			}
		}
	default:
		w = who{c: d.attacker(r, "scan", fromHome6), ua: Pick(r, agentBrowsers)}
		gap = Uniform(r, 10, 40)
	}
	w.attack = true
	t := d.at(r, 0.02, 0.5)
	for _, p := range paths {
		if t >= d.W {
			return
		}
		code := status(r, 404, alt{401, 0.12}, alt{403, 0.08}, alt{405, 0.04})
		d.send(w, t, hit{"GET", p, code, 0, size(r, 150, 0.3), lat(r, 4)})
		t += Sec(r.ExpFloat64() * gap)
	}
}

// bruteforce guesses one secret many times: an account's password, the
// claim code of one device, a lock's PIN through the public API (from a
// home, dressed as its automation server), or a plug's device key.
func (d *day) bruteforce(r *rand.Rand) {
	a, b := d.span(r, 60, 600)
	var w who
	var h hit
	var rate float64
	switch d.variant(r, 2) {
	case 0:
		w = d.fakeApp(r, d.attacker(r, "bruteforce", Pick(r, []int{fromHosting, fromHome, fromMobile6})))
		w.user = ""
		h, rate = hit{"POST", "/app/v5/auth/signin", 401, 160, 90, 220}, Uniform(r, 0.5, 3)
	case 1:
		w = d.fakeApp(r, d.attacker(r, "bruteforce", fromHome))
		a = d.signIn(r, w, a)
		sn := d.someDevice(r, "camera", "lock", "doorbell").serial
		h, rate = hit{"POST", "/app/v5/pairing/" + sn + "/claim", 403, 120, 90, 60}, Uniform(r, 0.3, 1.5)
	case 2:
		w = who{c: d.attacker(r, "bruteforce", fromHome), ua: Pick(r, selfhostAgents), key: "lk_live_" + Hex(r, 16) + Hex(r, 4), hdr: 30}
		sn := d.someDevice(r, "lock").serial
		h, rate = hit{"POST", "/api/v1/locks/" + sn + "/pin/verify", 401, 40, 70, 90}, 1/Uniform(r, 4, 15)
	default:
		w = who{c: d.attacker(r, "bruteforce", fromHosting), ua: "ESP8266HTTPClient", hdr: 20}
		sn := d.someDevice(r, "plug").serial
		h, rate = hit{"POST", "/dv/v2/session?sn=" + sn, 401, 190, 64, 30}, Uniform(r, 1, 4)
	}
	w.attack = true
	guess := w.key == "" && strings.HasPrefix(h.path, "/dv/")
	Poisson(r, rate, a, b, func(t int64) {
		if guess {
			w.key = "dk_" + Hex(r, 16) + Hex(r, 8)
		}
		e := h
		e.ms = lat(r, h.ms)
		d.send(w, t, e)
	})
}
