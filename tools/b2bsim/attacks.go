package main

import (
	"fmt"
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// attacker registers an attacking client: a browser look-alike from a
// residential proxy, or a script on a rented server.
func (w *world) attacker(kind string, r *rand.Rand) *actor {
	browser := Chance(r, .45)
	var ip string
	switch {
	case Chance(r, .15):
		ip = w.log.V6In(r, V6Net(r, append(homeV6, "2a0e:97c0:", "2604:a880:800:")))
	case browser && Chance(r, .5):
		ip = w.log.V4(r, homeV4)
	default:
		ip = w.log.V4(r, hostV4)
	}
	a := &actor{w: w, c: w.log.Client(ip, kind), r: r}
	if browser {
		a.ua, a.hdr = browserUA(r), 600+r.IntN(900)
	} else {
		a.ua, a.hdr = Pick(r, []string{"python-requests/2.28.1", "Go-http-client/2.0", "curl/7.81.0", "Wget/1.21.2", "aiohttp/3.8.4", "PostmanRuntime/7.32.2", "Mozilla/5.0 (compatible)"}), 140+r.IntN(160)
	}
	return a
}

func (w *world) at(r *rand.Rand, lo, hi float64) int64 {
	return Sec(Uniform(r, lo, hi) * float64(w.W) / 1e9)
}

// prelude: a browser look-alike first follows a parcel like anyone else.
func (w *world) prelude(a *actor, t int64) {
	if strings.HasPrefix(a.ua, "Mozilla/5.0 (") && a.chance(.6) {
		w.consumer(a, t-Sec(Uniform(a.r, 60, 240)), false)
	}
}

func gap(r *rand.Rand, rate float64, steady bool) int64 {
	if steady {
		return Sec(Uniform(r, .92, 1.08) / rate)
	}
	return Sec(r.ExpFloat64() / rate)
}

func (w *world) flood(r *rand.Rand) {
	a := w.attacker("flood", r)
	t := w.at(r, .05, .85)
	w.prelude(a, t)
	a.atk = true
	rate, steady := LogUniform(r, 13, 260), Chance(r, .4)
	end := t + Sec(min(Uniform(r, 30, 200), 15000/rate))
	n := w.trackNo(r)
	pages := []string{"/track?n=" + n, "/v3/public/tracking/" + n + "/events", "/v3/public/pickup-points?zip=" + Pick(r, w.zips) + "&country=DE", "/", "/v3/public/tracking/" + n + "/eta"}
	r.Shuffle(len(pages), func(i, j int) { pages[i], pages[j] = pages[j], pages[i] })
	pages = pages[:1+r.IntN(3)]
	for ; t < end; t += gap(r, rate, steady) {
		p := Pick(r, pages)
		rc := rTrack
		if strings.HasPrefix(p, "/track") || p == "/" {
			rc = rTrackPage
		}
		a.send(t, "GET", p, rc, 200, 0)
	}
}

var scanPaths = strings.Fields(`/actuator /actuator/env /actuator/mappings /actuator/prometheus /v2/api-docs /v3/api-docs /swagger-ui/index.html /swagger-resources /api/swagger.yaml /openapi.json /v1 /v2 /v3/admin /v3/internal/users /v3/debug/vars /debug/pprof/heap /metrics /.env /.env.prod /.git/config /.gitlab-ci.yml /docker-compose.yml /Dockerfile /k8s/secrets.yaml /.kube/config /api/v1/namespaces/default/secrets /console /h2-console /jolokia/list /heapdump /trace /env /health /info /admin /admin/login /login /wp-login.php /cgi-bin/.%2e/.%2e/bin/sh /owa/ /ecp/ /remote/fgt_lang?lang=/../../../..//////////dev/cmdb/sslvpn_websession /+CSCOE+/logon.html /global-protect/prelogin.esp /vpn/index.html /sap/bc/gui/sap/its/webgui /graphql /graphiql /v3/graphql /api/graphql /.well-known/security.txt /robots.txt /server-status /config.json /settings.py /application.yml /application.properties /WEB-INF/web.xml /META-INF/MANIFEST.MF`)

func (w *world) scan(r *rand.Rand) {
	a := w.attacker("scan", r)
	t := w.at(r, .02, .85)
	w.prelude(a, t)
	a.atk = true
	rate, steady := LogUniform(r, .15, 30), Chance(r, .5)
	paths := append([]string(nil), scanPaths...)
	if Chance(r, .6) {
		r.Shuffle(len(paths), func(i, j int) { paths[i], paths[j] = paths[j], paths[i] })
	}
	for i, n := 0, int(LogUniform(r, 30, 1000)); i < n && t < w.W; i, t = i+1, t+gap(r, rate, steady) {
		p := paths[i%len(paths)]
		if i >= len(paths) {
			p = fmt.Sprintf("/%s/%s", Pick(r, []string{"api", "v3", "internal", "staging", "old", "backup"}), Pick(r, []string{"users", "keys", "export", "config", "admin", "db.sql", "dump.tar.gz"}))
		}
		st := 404
		switch {
		case p == "/robots.txt" || p == "/health":
			st = 200
		case strings.HasPrefix(p, "/v3/"):
			st = Pick(r, []int{401, 401, 404})
		case strings.Contains(p, "admin") || strings.Contains(p, "actuator"):
			st = 403
		}
		a.send(t, Pick(r, []string{"GET", "GET", "GET", "GET", "HEAD", "POST"}), p, rTrack, st, 0)
	}
}

// bruteforce: dashboard passwords or API client secrets.
func (w *world) bruteforce(r *rand.Rand) {
	a := w.attacker("bruteforce", r)
	t := w.at(r, .05, .8)
	w.prelude(a, t)
	a.atk = true
	path, rc := "/auth/session", rSession
	if Chance(r, .4) {
		path, rc = "/v3/oauth/token", rToken
	}
	rate, steady := LogUniform(r, .25, 5), Chance(r, .5)
	for end := t + Sec(Uniform(r, 60, 500)); t < end; t += gap(r, rate, steady) {
		a.send(t, "POST", path, rc, 401, int64(Uniform(r, 100, 190)))
	}
}

var payloads = [][]string{
	{"' or '1'='1", "1' and pg_sleep(3)--", "x' union all select null,current_user,null--", "') or true--", "1;select * from accounts--", "DE' AND 1=(SELECT 1 FROM dual)--", "1' order by 7#"},
	{"<script>alert('x')</script>", "<svg/onload=alert`1`>", "\"><img src=1 onerror=alert(1)>", "<a href=\"javascript&colon;alert(1)\">", "</textarea><script>prompt(1)</script>"},
	{"{{7*7}}", "${{7*7}}", "#{7*7}", "{{self.__init__.__globals__}}", "${T(java.lang.System).getenv()}", "[[${7*7}]]"},
	{"../../../../etc/passwd", "..%2f..%2f..%2f..%2fetc%2fpasswd", "..;/..;/..;/etc/passwd", "/..\\..\\..\\windows\\system.ini", "....//....//....//etc/group"},
}

// encodePayload writes a payload into a query value as real tools do:
// nearly raw, URL-encoded once, or twice.
func encodePayload(r *rand.Rand, s string) string {
	return EncodeQuery(r, s, rawQuery, .25, .75)
}

// rawQuery escapes what would break a query value written raw.
var rawQuery = strings.NewReplacer(" ", "%20", "#", "%23", "&", "%26", "+", "%2B")

// injection: a signed-in operator whose ordinary dashboard calls carry
// payloads in 15-40% of query values.
func (w *world) injection(r *rand.Rand) {
	a := w.attacker("injection", r)
	a.ua, a.hdr = browserUA(r), 900+r.IntN(700)
	name := Pick(r, names) + "." + Pick(r, surnames) + "@" + Pick(r, w.accounts)
	t := w.at(r, .02, .6)
	a.send(t-Sec(Uniform(r, 5, 30)), "POST", "/auth/session", rSession, 200, 150)
	a.user = name
	share, classes := Uniform(r, .15, .4), r.Perm(len(payloads))[:1+r.IntN(len(payloads))]
	pace := Uniform(r, 1.5, 7)
	for end := t + Sec(Uniform(r, 120, 540)); t < end && t < w.W; t += Sec(r.ExpFloat64() * pace) {
		p := ""
		if a.atk = Chance(r, share); a.atk {
			p = encodePayload(r, Pick(r, payloads[Pick(r, classes)]))
		}
		val := func(normal string) string {
			if p != "" {
				return p
			}
			return normal
		}
		st := 200
		if p != "" {
			st = Pick(r, []int{200, 200, 400, 422, 500})
		}
		switch x := r.Float64(); {
		case x < .3:
			a.send(t, "GET", fmt.Sprintf("/app/api/shipments?status=%s&page=1&per_page=50", val(Pick(r, statuses))), rList, st, 0)
		case x < .5:
			a.send(t, "GET", "/app/api/search?q="+val(q(w.trackNo(r))), rDash, st, 0)
		case x < .7:
			a.send(t, "GET", "/app/api/shipments?reference="+val("ORD-"+Hex(r, 6))+"&service="+Pick(r, services), rList, st, 0)
		case x < .85:
			a.send(t, "GET", "/v3/public/pickup-points?zip="+val(Pick(r, w.zips))+"&country="+Pick(r, countries), rTrack, st, 0)
		default:
			a.send(t, "GET", "/app/api/invoices?page=1&sort="+val("-date"), rList, st, 0)
		}
	}
}

func (w *world) upload(r *rand.Rand) {
	a := w.attacker("upload", r)
	a.user = "drv_" + fmt.Sprint(10000+r.IntN(80000))
	path := "/mobile/v2/stops/stp_" + Hex(r, 10) + "/proof"
	if Chance(r, .5) {
		a.user, path = Pick(r, names)+"@"+Pick(r, w.accounts), "/app/api/customs/documents"
	}
	t := w.at(r, .02, .7)
	w.prelude(a, t)
	a.atk = true
	per := Uniform(r, 2, 6) / 60
	for end := t + Sec(Uniform(r, 180, 600)); t < end && t < w.W; t += Sec(r.ExpFloat64() / per) {
		body := int64(Uniform(r, 5, 60) * (1 << 20))
		st := 201
		if body > w.uploadLimit {
			st = 413
		}
		a.send(t, "POST", path, rDoc, st, body)
	}
}

// enumeration: tracking numbers in sequence (addresses of recipients),
// shipments of other accounts, or invoice PDFs.
func (w *world) enumeration(r *rand.Rand) {
	a := w.attacker("enumeration", r)
	t := w.at(r, .02, .75)
	w.prelude(a, t)
	a.atk = true
	rate, steady := LogUniform(r, .3, 10), Chance(r, .5)
	mode, step := r.IntN(3), Pick(r, []int{1, 1, 1, 3, -1})
	id := w.trackMax - r.IntN(200000)
	if mode == 1 {
		a.key = "fl_live_" + Hex(r, 16)
		id = w.shipMax - r.IntN(100000)
	} else if mode == 2 {
		a.user = Pick(r, names) + "@" + Pick(r, w.accounts)
		id = w.invoiceMax - r.IntN(20000)
	}
	for i, n := 0, int(LogUniform(r, 50, 1500)); i < n && t < w.W; i, t, id = i+1, t+gap(r, rate, steady), id+step {
		switch mode {
		case 0:
			a.send(t, "GET", fmt.Sprintf("/v3/public/tracking/FL%010d/events", id), rTrack, Pick(r, []int{200, 200, 404, 404, 404}), 0)
		case 1:
			a.send(t, "GET", fmt.Sprintf("/v3/shipments/shp_%d", id), rGet, Pick(r, []int{403, 403, 403, 404}), 0)
		default:
			a.send(t, "GET", fmt.Sprintf("/app/api/invoices/%d.pdf", id), rLabel, Pick(r, []int{403, 403, 403, 200}), 0)
		}
	}
}

// member registers one address of a campaign.
func (w *world) member(r *rand.Rand, kind, id string) *actor {
	sr := Sub(r)
	var ip string
	if Chance(sr, .2) {
		ip = w.log.V6In(sr, V6Net(sr, append(homeV6, mobileV6...)))
	} else {
		ip = w.log.V4(sr, append(homeV4, carrierV4...))
	}
	a := &actor{w: w, c: w.log.Client(ip, kind), r: sr, ua: browserUA(sr), hdr: 600 + sr.IntN(900), atk: true}
	a.c.Campaign = id
	return a
}

func (w *world) stuffing(r *rand.Rand) {
	id := "stuffing-" + Hex(r, 6)
	begin, span := w.at(r, .02, .45), Sec(Uniform(r, 240, 540))
	for range 60 + r.IntN(21) {
		a := w.member(r, "stuffing", id)
		every := Uniform(a.r, 15, 90)
		for t := begin + Sec(Uniform(a.r, 0, 45)); t < begin+span; t += Sec(every * Uniform(a.r, .85, 1.15)) {
			st := Pick(a.r, []int{401, 401, 401, 401, 401, 403})
			if a.chance(.02) {
				st = 200
			}
			a.send(t, "POST", "/auth/session", rSession, st, int64(Uniform(a.r, 110, 190)))
		}
	}
}

// cardtest: stolen cards checked as postage top-ups from freshly made
// accounts.
func (w *world) cardtest(r *rand.Rand) {
	id := "cardtest-" + Hex(r, 6)
	begin, span := w.at(r, .02, .5), Sec(Uniform(r, 180, 480))
	for range 20 + r.IntN(25) {
		a := w.member(r, "cardtest", id)
		t := begin + Sec(Uniform(a.r, 0, 60))
		a.send(t, "POST", "/auth/signup", rSession, 201, int64(Uniform(a.r, 200, 320)))
		a.user = "acc_" + Hex(a.r, 8)
		every := Uniform(a.r, 10, 40)
		for t += Sec(Uniform(a.r, 5, 15)); t < begin+span; t += Sec(every * Uniform(a.r, .8, 1.2)) {
			st := 402
			if x := a.r.Float64(); x < .06 {
				st = 200
			} else if x < .12 {
				st = 422
			}
			a.send(t, "POST", "/v3/billing/topup", rBilling, st, int64(Uniform(a.r, 380, 600)))
		}
	}
}

// ddos: a botnet rides the tracking rush, each address modest.
func (w *world) ddos(r *rand.Rand) {
	id := "ddos-" + Hex(r, 6)
	begin := w.rush.a + Sec(Uniform(r, 0, .5)*float64(w.rush.b-w.rush.a)/1e9)
	span := Sec(Uniform(r, 60, 180))
	n := w.trackNo(r)
	targets := []string{"/track?n=" + n, "/v3/public/tracking/" + n + "/events", "/"}
	for range 100 + r.IntN(101) {
		a := w.member(r, "ddos", id)
		if a.chance(.25) {
			a.ua = Pick(a.r, []string{"", "Mozilla/5.0", "python-requests/2.31.0"})
		}
		rate := Uniform(a.r, .3, 2)
		for t := begin + Sec(Uniform(a.r, 0, 25)); t < begin+span; t += Sec(a.r.ExpFloat64() / rate) {
			p := Pick(a.r, targets)
			a.send(t, "GET", p, rTrackPage, Pick(a.r, []int{200, 200, 200, 200, 200, 200, 200, 200, 200, 503}), 0)
		}
	}
}
