package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"

	"github.com/portcullis/portcullis/tools/internal/simcmd"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// route is a class of endpoint: its latency and response size.
type route int

const (
	rPage     route = iota // server-rendered HTML page
	rProduct               // product page
	rAPI                   // small JSON call
	rSearch                // search and suggest
	rCart                  // cart writes
	rCheckout              // order creation
	rPay                   // payment confirmation (calls the card network)
	rLogin                 // password check (deliberately slow hash)
	rAccount               // member pages
	rUpload                // photo and document uploads
	rHook                  // inbound webhooks
	rFeed                  // product feed export
	rPartner               // partner API
	rHealth                // health checks
)

// shape holds median latency ms, its log sigma, median response bytes, its log sigma.
var shape = map[route][4]float64{
	rPage: {95, .5, 48000, .4}, rProduct: {70, .5, 62000, .5}, rAPI: {18, .5, 2200, .7},
	rSearch: {55, .6, 9000, .6}, rCart: {40, .4, 1300, .3}, rCheckout: {210, .4, 1800, .3},
	rPay: {780, .45, 900, .2}, rLogin: {260, .25, 700, .1}, rAccount: {60, .5, 7000, .6},
	rUpload: {90, .4, 350, .2}, rHook: {35, .5, 60, .2}, rFeed: {1800, .4, 2.4e6, .5},
	rPartner: {120, .6, 26000, .8}, rHealth: {4, .4, 30, .1},
}

// world is one shop on one day.
type world struct {
	log  *Log
	site *rand.Rand // the shop: identities and catalogue
	day  *rand.Rand // the day: behaviour and attackers
	W    int64      // window, ns

	cats, skus, brands []string
	orderMax           int        // highest order number so far
	uploadLimit        int64      // request body limit of upload routes
	mix                [4]float64 // shares of browser, member, app, integration among users
	appKeys            [2]string  // iOS and Android app keys

	sale     window // the flash sale
	saleSlug string
	saleSKUs []string
	saleMult float64

	hookOutage window // the shop's webhook handler is down
	payIssue   window // the card network is slow and failing
}

type window struct{ a, b int64 }

func (w window) has(t int64) bool { return t >= w.a && t < w.b }

// actor issues requests through one client address.
type actor struct {
	w        *world
	c        *Client
	r        *rand.Rand
	ua, key  string
	user     string // signed-in user, if any
	name     string // the user it signs in as
	hdr      int    // request header bytes
	app, atk bool
	// onRotate, if set, lets a phone move to a new IPv6 privacy address
	// between screens.
	onRotate func(t int64)
}

func (a *actor) chance(p float64) bool { return a.r.Float64() < p }

// send records one request and returns its final status: incidents turn
// some successes into errors, the route decides latency and size.
func (a *actor) send(t int64, method, path string, rc route, status int, body int64) int {
	w, r := a.w, a.r
	slow := 1.0
	if rc == rPay && w.payIssue.has(t) {
		slow = 4
		if status < 400 && a.chance(.3) {
			status = Pick(r, []int{502, 504, 503})
		}
	}
	if rc == rHook && w.hookOutage.has(t) {
		status = Pick(r, []int{503, 503, 503, 500, 502})
	}
	if status < 400 && a.chance(.0015) {
		status = 500
	}
	s := shape[rc]
	dur := LogNormal(r, s[0], s[1]) * slow
	resp := LogNormal(r, s[2], s[3])
	switch {
	case status == 304:
		resp, dur = 0, dur*.3
	case status == 429:
		resp, dur = Uniform(r, 40, 90), Uniform(r, .1, 1)
	case status >= 500:
		resp = Uniform(r, 120, 500)
		if status == 504 {
			dur = Uniform(r, 15000, 15050)
		}
	case status >= 400 && rc != rLogin:
		resp, dur = Uniform(r, 90, 400), dur*.25
	case status >= 400:
		resp = Uniform(r, 110, 180)
	}
	if rc == rUpload && status < 300 {
		dur += float64(body) / (LogUniform(r, 2e5, 4e6)) * 1e3 / 8 // body over the uplink
	}
	w.log.Add(Event{T: t, C: a.c, Method: method, Path: path, Status: status,
		ReqBytes: int64(a.hdr+r.IntN(60)+len(path)) + body, RespBytes: int64(resp), DurationMS: dur,
		UA: a.ua, Key: a.key, User: a.user, Attack: a.atk})
	return status
}

// think returns a pause between two screens of a person.
func think(r *rand.Rand) int64 { return Sec(math.Min(240, 2+LogNormal(r, 9, 1))) }

// xhr returns the small gap between calls of one screen.
func xhr(r *rand.Rand) int64 { return Sec(Uniform(r, .02, .35)) }

var (
	catNames   = strings.Fields("women men kids shoes bags jackets dresses knitwear denim sneakers watches jewellery home-decor bedding kitchen audio phones laptops gaming beauty fragrance outdoor running yoga")
	brandWords = strings.Fields("nordvik alba ferro lumen kestrel oakline marlow vireo solenne brava tidewell ashgrove corvo halden")
	sorts      = []string{"relevance", "newest", "price-asc", "price-desc", "rating"}
	queries    = []string{"black dress", "running shoes", "wireless earbuds", "linen shirt", "rain jacket", "gift for her", "levi's 501", "air max", "usb-c charger", "yoga mat", "wool coat", "kids sneakers", "duvet 200x200", "espresso machine", "bag", "size 42", "50% sale", "marc o'polo", "h&m", "café table", "über jacket", "t-shirt 3-pack"}
	colours    = []string{"black", "white", "navy", "beige", "olive", "red", "grey"}
	sizes      = []string{"xs", "s", "m", "l", "xl", "38", "40", "42", "44"}
	firstNames = strings.Fields("anna ben clara david elena felix greta hannah ivan julia karl lena marco nadia oscar paula quentin rosa stefan tara ulrich vera willem yara zeynep")
	lastNames  = strings.Fields("andersen becker costa dimitrov eriksen fischer gallo hoffmann ivanova jensen klein lindqvist meyer novak olsen peeters quist richter schulz thomsen vogel")
)

// browser user agents of this shop's visitors (a European audience).
var browserTpl = []string{
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{c}.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{c}.0.0.0 Safari/537.36 Edg/{c}.0.0.0",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{s} Safari/605.1.15",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:{f}.0) Gecko/20100101 Firefox/{f}.0",
	"Mozilla/5.0 (iPhone; CPU iPhone OS {i} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{s} Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (iPhone; CPU iPhone OS {i} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{s} Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Linux; Android {a}; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{c}.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (Linux; Android {a}; K) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/{b}.0 Chrome/{c}.0.0.0 Mobile Safari/537.36",
}

func browserUA(r *rand.Rand) string {
	return strings.NewReplacer("{c}", strconv.Itoa(124+r.IntN(7)), "{f}", strconv.Itoa(126+r.IntN(8)),
		"{s}", Pick(r, []string{"17.5", "17.6", "18.0", "18.1", "18.2"}), "{i}", Pick(r, []string{"17_5", "17_6_1", "18_0", "18_1_1", "18_2"}),
		"{a}", strconv.Itoa(12+r.IntN(3)), "{b}", strconv.Itoa(25+r.IntN(3))).Replace(Pick(r, browserTpl))
}

func appUA(r *rand.Rand, ios bool) string {
	v := fmt.Sprintf("7.%d.%d", 14+r.IntN(4), r.IntN(3))
	if ios {
		return "Larkspur/" + v + " (iPhone; iOS " + Pick(r, []string{"17.6", "18.1", "18.2"}) + "; Scale/3.00)"
	}
	return "Larkspur/" + v + " (Android " + strconv.Itoa(12+r.IntN(3)) + "; " + Pick(r, []string{"Pixel 8", "SM-S921B", "SM-A556B", "moto g85"}) + ") okhttp/4.12.0"
}

// address blocks: residential broadband, mobile carriers (CGNAT egress), hosting.
var (
	homeV4    = strings.Fields("84. 85. 87. 88. 89. 90. 91. 93. 94. 95. 109. 176. 178. 188. 212. 213. 217. 62. 77. 79. 80. 81. 82. 83.")
	carrierV4 = strings.Fields("100.20. 46.114. 37.80. 176.0. 92.40.")
	hostV4    = strings.Fields("45.134. 185.225. 194.26. 5.161. 37.120. 51.91. 141.95. 159.65. 167.99. 206.81. 104.131. 138.68.")
	cloudV4   = strings.Fields("3.120. 18.195. 35.156. 34.141. 52.57. 20.86.")
	homeV6    = strings.Fields("2a02:810d: 2a01:598: 2003:c5: 2a02:8388: 2001:9e8:")
	mobileV6  = strings.Fields("2a01:599: 2a02:3037: 2a00:20:")
)

func (w *world) sku(r *rand.Rand) string {
	// popularity follows a power law: a few products get most views
	return w.skus[int(float64(len(w.skus))*math.Pow(r.Float64(), 2.6))]
}

func q(s string) string { return url.QueryEscape(s) }

func newWorld(c simcmd.Config) *world {
	w := &world{
		log:  New(c.Start, dur(c.Minutes)),
		site: newRand(c.Site, 0x5409),
		day:  newRand(c.Seed, c.Site^0x3c6ef372fe94f82b),
	}
	w.W = w.log.Window()
	s := w.site
	for _, i := range s.Perm(len(catNames))[:14+s.IntN(8)] {
		w.cats = append(w.cats, catNames[i])
	}
	for range 6 + s.IntN(6) {
		w.brands = append(w.brands, Pick(s, brandWords))
	}
	for range 1500 + s.IntN(2500) {
		w.skus = append(w.skus, fmt.Sprintf("%s-%s-%d", Pick(s, w.brands), Pick(s, w.cats), 10000+s.IntN(90000)))
	}
	w.orderMax = 2_000_000 + s.IntN(6_000_000)
	w.uploadLimit = int64(10+s.IntN(21)) << 20
	b, m, a := Uniform(s, .33, .52), Uniform(s, .1, .2), Uniform(s, .22, .4)
	w.mix = [4]float64{b, b + m, b + m + a, 1}
	w.appKeys = [2]string{"ak_ios_" + Hex(s, 12), "ak_and_" + Hex(s, 12)}

	d := w.day
	W := float64(w.W) / 1e9
	saleLen := Uniform(d, 180, 420)
	saleAt := Uniform(d, .15, .8) * (W - saleLen)
	w.sale = window{Sec(saleAt), Sec(saleAt + saleLen)}
	w.saleMult = Uniform(d, 3, 4)
	w.saleSlug = Pick(d, []string{"midnight-drop", "sneaker-friday", "72h-deals", "summer-clearance", "members-preview", "flash-48"}) + "-" + strconv.Itoa(d.IntN(90)+10)
	for range 8 + d.IntN(12) {
		w.saleSKUs = append(w.saleSKUs, w.sku(d))
	}
	ho := Uniform(d, .1, .85) * W
	w.hookOutage = window{Sec(ho), Sec(ho + Uniform(d, 40, 150))}
	if d.IntN(2) == 0 {
		pi := Uniform(d, .05, .9) * W
		w.payIssue = window{Sec(pi), Sec(pi + Uniform(d, 30, 100))}
	}
	return w
}
