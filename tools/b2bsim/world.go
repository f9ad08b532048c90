package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/portcullis/portcullis/tools/internal/simcmd"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// route is a class of endpoint: its latency and response size.
type route int

const (
	rTrackPage route = iota // public tracking page (HTML)
	rTrack                  // tracking JSON
	rList                   // shipment lists and reports
	rGet                    // one shipment, one invoice
	rCreate                 // shipment creation
	rLabel                  // label rendering (PDF)
	rRates                  // rate quotes (calls carriers)
	rToken                  // OAuth client-credentials token
	rSession                // dashboard sign-in (slow hash)
	rDash                   // dashboard calls
	rDoc                    // document and photo uploads
	rInbound                // partners' webhooks
	rMobile                 // driver app calls
	rBilling                // prepaid postage top-ups by card
	rHealth
)

// shape holds median latency ms, its log sigma, median response bytes, its log sigma.
var shape = map[route][4]float64{
	rTrackPage: {60, .4, 21000, .2}, rTrack: {25, .5, 3800, .5}, rList: {140, .6, 38000, .8},
	rGet: {30, .4, 4200, .4}, rCreate: {260, .4, 2100, .3}, rLabel: {620, .4, 85000, .3},
	rRates: {420, .5, 3300, .4}, rToken: {70, .3, 900, .05}, rSession: {310, .2, 650, .1},
	rDash: {45, .5, 6500, .7}, rDoc: {110, .4, 400, .2}, rInbound: {28, .5, 80, .3},
	rMobile: {38, .5, 2600, .6}, rBilling: {950, .4, 700, .2}, rHealth: {3, .4, 25, .1},
}

type window struct{ a, b int64 }

func (w window) has(t int64) bool { return t >= w.a && t < w.b }

// world is one service on one day.
type world struct {
	log  *Log
	site *rand.Rand
	day  *rand.Rand
	W    int64

	accounts    []string // merchant account ids
	zips        []string
	trackMax    int // highest tracking serial issued
	shipMax     int
	invoiceMax  int
	uploadLimit int64
	mix         [5]float64 // consumer, operator, merchant, driver, developer
	driverKey   string

	rush        window // consumers following a big dispatch e-mail
	rushMult    float64
	inboundDown window // the inbound webhook endpoint fails
	ratesSlow   window // a carrier's rating API is slow
}

// actor issues requests through one client address.
type actor struct {
	w        *world
	c        *Client
	r        *rand.Rand
	ua, key  string
	user     string
	hdr      int
	atk      bool
	onRotate func(t int64)
}

func (a *actor) chance(p float64) bool { return a.r.Float64() < p }

func (a *actor) send(t int64, method, path string, rc route, status int, body int64) int {
	w, r := a.w, a.r
	slow := 1.0
	if rc == rRates && w.ratesSlow.has(t) {
		slow = 5
		if status < 400 && a.chance(.2) {
			status = 504
		}
	}
	if rc == rInbound && w.inboundDown.has(t) {
		status = Pick(r, []int{503, 503, 502, 500})
	}
	if status < 400 && a.chance(.001) {
		status = 500
	}
	s := shape[rc]
	dur, resp := LogNormal(r, s[0], s[1])*slow, LogNormal(r, s[2], s[3])
	switch {
	case status == 304:
		resp, dur = 0, dur*.4
	case status == 429:
		resp, dur = Uniform(r, 100, 160), Uniform(r, .2, 1.5)
	case status == 504:
		resp, dur = Uniform(r, 150, 200), Uniform(r, 29000, 30050)
	case status >= 500:
		resp = Uniform(r, 150, 400)
	case status >= 400 && rc != rSession && rc != rToken:
		resp, dur = Uniform(r, 110, 520), dur*.3
	case status >= 400:
		resp = Uniform(r, 120, 200)
	}
	if rc == rDoc && status < 300 {
		dur += float64(body) * 8 / LogUniform(r, 5e3, 5e4) // kbit/ms uplink
	}
	w.log.Add(Event{T: t, C: a.c, Method: method, Path: path, Status: status,
		ReqBytes: int64(a.hdr+r.IntN(80)+len(path)) + body, RespBytes: int64(resp), DurationMS: dur,
		UA: a.ua, Key: a.key, User: a.user, Attack: a.atk})
	return status
}

func (w *world) iso(t int64) string {
	return w.log.Start().Add(time.Duration(t)).Truncate(time.Minute).Format("2006-01-02T15:04:05Z")
}

func q(s string) string { return url.QueryEscape(s) }

// trackNo is a tracking number: recent ones are looked up most.
func (w *world) trackNo(r *rand.Rand) string {
	return fmt.Sprintf("FL%010d", w.trackMax-int(float64(400000)*math.Pow(r.Float64(), 3)))
}

func (w *world) shipID(r *rand.Rand) string { return "shp_" + strconv.Itoa(w.shipMax-r.IntN(300000)) }

var (
	statuses  = []string{"created", "label_printed", "in_transit", "out_for_delivery", "delivered", "exception", "returned"}
	services  = []string{"standard", "express", "economy", "same_day", "freight_pallet"}
	countries = []string{"DE", "NL", "BE", "FR", "PL", "AT", "DK", "SE", "IT", "ES", "CZ", "GB"}
	names     = strings.Fields("amelie bruno chiara dario emil frida gustav hedda ilse jonas katja luca mila niels oskar petra rasmus sanne tobias ulla viktor wiebke")
	surnames  = strings.Fields("albers brandt de-vries engel friis graaf haas iversen janssen kowalczyk lang mertens nowak ostrowski pohl ruiz smit van-dijk wagner")
)

var browsers = []string{
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{c}.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{c}.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{c}.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:{f}.0) Gecko/20100101 Firefox/{f}.0",
	"Mozilla/5.0 (iPhone; CPU iPhone OS {i} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{s} Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Linux; Android {a}; {d}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{c}.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (Linux; Android {a}; {d}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{c}.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (iPad; CPU OS {i} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{s} Mobile/15E148 Safari/604.1",
}

func browserUA(r *rand.Rand) string {
	return strings.NewReplacer("{c}", strconv.Itoa(121+r.IntN(10)), "{f}", strconv.Itoa(122+r.IntN(12)), "{s}", Pick(r, []string{"17.4", "17.6", "18.1"}),
		"{i}", Pick(r, []string{"17_4_1", "17_6", "18_1"}), "{a}", strconv.Itoa(11+r.IntN(4)), "{d}", Pick(r, []string{"SM-G991B", "Pixel 7", "CPH2581", "22101316G"})).Replace(Pick(r, browsers))
}

func driverUA(r *rand.Rand) string {
	return fmt.Sprintf("Freightline-Driver/4.%d.%d (Android %d; %s; build %d)", 2+r.IntN(3), r.IntN(10), 11+r.IntN(4), Pick(r, []string{"Zebra TC58", "Samsung SM-A146B", "Honeywell CT45", "Pixel 6a"}), 4200+r.IntN(90))
}

var (
	homeV4    = strings.Fields("31. 37. 46. 62. 77. 78. 80. 81. 82. 83. 84. 86. 87. 89. 92. 94. 95. 145. 178. 188. 213. 217.")
	carrierV4 = strings.Fields("80.187. 109.40. 176.4. 31.16.")
	hostV4    = strings.Fields("45.141. 185.243. 193.233. 89.185. 5.255. 23.94. 64.225. 107.189. 144.76. 161.35. 172.104.")
	cloudV4   = strings.Fields("3.64. 3.72. 18.153. 34.89. 35.198. 20.79. 40.113. 52.29.")
	homeV6    = strings.Fields("2a02:a44b: 2001:1c02: 2a00:1028: 2003:ed:")
	mobileV6  = strings.Fields("2a01:59f: 2a02:3032: 2a02:c7f: 2a04:4540:")
)

func newWorld(c simcmd.Config) *world {
	w := &world{
		log:  New(c.Start, time.Duration(c.Minutes)*time.Minute),
		site: rand.New(rand.NewPCG(c.Site, 0xb2b)),
		day:  rand.New(rand.NewPCG(c.Seed, c.Site^0xdaa66d2c7ddf743f)),
	}
	w.W = w.log.Window()
	s := w.site
	for range 300 + s.IntN(500) {
		w.accounts = append(w.accounts, "acc_"+Hex(s, 8))
	}
	for range 200 {
		w.zips = append(w.zips, fmt.Sprintf("%04d", 1000+s.IntN(8999)))
	}
	w.trackMax = 300_000_000 + s.IntN(500_000_000)
	w.shipMax = 10_000_000 + s.IntN(20_000_000)
	w.invoiceMax = 100_000 + s.IntN(300_000)
	w.uploadLimit = int64(20+s.IntN(31)) << 20
	co, op, me, dr := Uniform(s, .4, .58), Uniform(s, .1, .18), Uniform(s, .07, .14), Uniform(s, .14, .24)
	w.mix = [5]float64{co, co + op, co + op + me, co + op + me + dr, 1}
	w.driverKey = "fl_app_" + Hex(s, 12)

	d, W := w.day, float64(w.W)/1e9
	rl := Uniform(d, 180, 420)
	ra := Uniform(d, .1, .85) * (W - rl)
	w.rush, w.rushMult = window{Sec(ra), Sec(ra + rl)}, Uniform(d, 3, 4)
	ia := Uniform(d, .05, .85) * W
	w.inboundDown = window{Sec(ia), Sec(ia + Uniform(d, 30, 120))}
	if d.IntN(3) > 0 {
		sa := Uniform(d, 0, .9) * W
		w.ratesSlow = window{Sec(sa), Sec(sa + Uniform(d, 40, 120))}
	}
	return w
}
