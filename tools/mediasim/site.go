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
	rFront    route = iota // home page or section front (HTML)
	rArticle               // article page with its full text
	rTeaser                // premium article served to a non-subscriber: a teaser and the paywall
	rImage                 // picture from the media origin
	rPlaylist              // HLS playlist
	rSegment               // HLS video segment
	rLive                  // live blog poll for new posts
	rComments              // a page of comments
	rPost                  // comment post, newsletter signup: a small write
	rJSON                  // small page call (meter, session, counters)
	rSearch                // full text search
	rSignin                // password check, a deliberately slow hash
	rPay                   // subscription checkout; calls the card processor
	rFeed                  // RSS feed
	rSitemap               // sitemap
	rUpload                // contributor upload
	rCMS                   // newsroom editor calls
	rPartner               // public article API
	rApp                   // mobile app API
	rHealth                // health check
)

// shape holds median latency ms, its log sigma, median response bytes, its log sigma.
var shape = map[route][4]float64{
	rFront: {85, .5, 160000, .25}, rArticle: {60, .6, 120000, .35}, rTeaser: {40, .5, 42000, .25},
	rImage: {11, .8, 90000, .9}, rPlaylist: {7, .4, 1500, .3}, rSegment: {30, .6, 1.1e6, .35},
	rLive: {13, .5, 1600, 1}, rComments: {35, .5, 9000, .7}, rPost: {70, .4, 380, .3},
	rJSON: {15, .5, 1200, .6}, rSearch: {150, .6, 26000, .5}, rSignin: {300, .2, 640, .1},
	rPay: {950, .4, 820, .2}, rFeed: {30, .5, 70000, .5}, rSitemap: {380, .5, 1.4e6, .5},
	rUpload: {160, .4, 450, .2}, rCMS: {55, .5, 6000, .8}, rPartner: {85, .6, 16000, .8},
	rApp: {28, .5, 11000, .7}, rHealth: {3, .4, 25, .1},
}

// article is one published piece. Its id also numbers galleries, videos
// and tag pages that share the counter, so the ids of articles have gaps.
type article struct {
	id      int
	section string
	path    string // the canonical page
	ym      string // yyyy/mm of publication, for its pictures
	premium bool
	images  int
	video   int // the id of its video, or 0
}

type window struct{ a, b int64 }

func (w window) has(t int64) bool { return t >= w.a && t < w.b }

// world is one newsroom on one day.
type world struct {
	log  *Log
	site *rand.Rand // the newsroom: identities and catalogue
	day  *rand.Rand // the day: behaviour and attackers
	W    int64      // window, ns

	sections    []string
	articles    []*article // newest first
	byID        map[int]*article
	maxID       int        // highest id issued before the day
	segSec      float64    // length of a video segment, s
	livePoll    float64    // how often a live blog page asks for new posts, s
	uploadLimit int64      // body limit of the contributor portal
	mix         [3]float64 // cumulative shares of subscribers, app users and feed readers; the rest read in a browser
	appKeys     [2]string  // iOS and Android app keys

	breaking  []*article // the day's breaking story, published at the spike
	lives     []int      // live blogs running today; the first covers the story
	spike     window
	spikeMult float64

	mediaTrouble window // the video origin is slow and failing
	commentsDown window // the comment service is down
}

// actor issues requests through one client address.
type actor struct {
	w             *world
	c             *Client
	r             *rand.Rand
	ua, key, user string
	name          string // the account it signs in as, if it has one
	hdr           int    // request header bytes
	width         int    // picture width its screen asks for
	app, atk      bool
	plan, sub     bool // has a subscription; is signed in to it and reads premium articles in full
	// onRotate, if set, lets a phone move to a new IPv6 privacy address
	// between screens.
	onRotate func(t int64)
}

func (a *actor) chance(p float64) bool { return a.r.Float64() < p }

// send records one request and returns its final status: the day's
// incidents turn some successes into errors, the route decides latency and
// response size.
func (a *actor) send(t int64, method, path string, rc route, status int, body int64) int {
	w, r := a.w, a.r
	slow := 1.0
	switch {
	case (rc == rSegment || rc == rPlaylist) && w.mediaTrouble.has(t):
		slow = 3
		if status < 400 && a.chance(.25) {
			status = Pick(r, []int{502, 504, 503})
		}
	case (rc == rComments || rc == rPost && strings.HasPrefix(path, "/api/comments/")) && w.commentsDown.has(t):
		status = Pick(r, []int{503, 503, 502})
	case (rc == rArticle || rc == rFront || rc == rLive) && w.spike.has(t):
		slow = 1.6 // the origin is busy even with the cache in front
		if status < 400 && a.chance(.008) {
			status = 503
		}
	}
	if status < 400 && a.chance(.0012) {
		status = 500
	}
	s := shape[rc]
	dur := LogNormal(r, s[0], s[1]) * slow
	resp := LogNormal(r, s[2], s[3])
	switch {
	case status == 301 || status == 302:
		resp, dur = Uniform(r, 0, 240), dur*.1
	case status == 304 || status == 204:
		resp, dur = 0, dur*.3
	case status == 429:
		resp, dur = Uniform(r, 40, 90), Uniform(r, .1, 1)
	case status >= 500:
		resp = Uniform(r, 150, 600)
		if status == 504 {
			dur = Uniform(r, 30000, 30040)
		}
	case status >= 400 && rc != rSignin && rc != rPay:
		resp, dur = Uniform(r, 120, 2500), dur*.3
	case status >= 400:
		resp = Uniform(r, 110, 200)
	}
	if rc == rUpload && status < 300 {
		dur += float64(body) / LogUniform(r, 1e6, 2e7) * 1e3 // the body over the uplink, bytes/s
	}
	w.log.Add(Event{T: t, C: a.c, Method: method, Path: path, Status: status,
		ReqBytes: int64(a.hdr+r.IntN(80)+len(path)) + body, RespBytes: int64(resp), DurationMS: dur,
		UA: a.ua, Key: a.key, User: a.user, Attack: a.atk})
	return status
}

// think returns a pause between two pages of a reader: reading takes time.
func think(r *rand.Rand) int64 { return Sec(math.Min(300, 3+LogNormal(r, 16, .9))) }

// xhr returns the small gap between the calls of one page load.
func xhr(r *rand.Rand) int64 { return Sec(Uniform(r, .02, .4)) }

var (
	sectionNames = strings.Fields("politics world business markets tech science climate health sport football culture film music books travel food opinion local education cities weather obituaries motoring money")
	slugWords    = strings.Fields("minister vote budget storm flood heatwave strike talks deal court ruling election poll council housing rents energy prices inflation bank rates trial verdict match final injury transfer album review festival wildfire drought rail airport fares school exam hospital vaccine study researchers city mayor police protest summit treaty ceasefire border tariffs shares jobs startup chip outage record season coach league")
	queries      = []string{"election results", "heatwave", "train strike", "interest rates", "weather weekend", "crossword", "obituary", "transfer news", "budget 2026", "wildfire map", "school holidays", "horoscope", "petrol prices", "live scores", "mayor", "café reviews", "über fares", "rent cap", "o'neill", "c++ jobs", "covid-19", "flood warning"}
	firstNames   = strings.Fields("amara ben chloe dev eilidh farid grace hamish isla jonah kaya liam maya nikos olu priya quinn rhys sofia tomas uma vik wen yusuf zoe")
	lastNames    = strings.Fields("adeyemi brennan chowdhury duarte evans fraser garcia hughes iqbal jones kowalski lewis morgan nguyen okafor patel reid singh taylor walsh young")
)

// browser user agents of this site's readers (mostly phones).
var browserTpl = []string{
	"Mozilla/5.0 (iPhone; CPU iPhone OS {i} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{s} Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (iPhone; CPU iPhone OS {i} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{s} Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (iPhone; CPU iPhone OS {i} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/{b}.0.0.45.117]",
	"Mozilla/5.0 (Linux; Android {a}; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{c}.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (Linux; Android {a}; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{c}.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{c}.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{s} Safari/605.1.15",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:{f}.0) Gecko/20100101 Firefox/{f}.0",
}

func browserUA(r *rand.Rand) string {
	return strings.NewReplacer("{c}", strconv.Itoa(125+r.IntN(7)), "{f}", strconv.Itoa(127+r.IntN(8)), "{b}", strconv.Itoa(470+r.IntN(30)),
		"{s}", Pick(r, []string{"17.6", "18.1", "18.3", "18.5", "26.0"}), "{i}", Pick(r, []string{"17_6_1", "18_1", "18_3_2", "18_5", "26_0"}),
		"{a}", strconv.Itoa(13+r.IntN(3))).Replace(Pick(r, browserTpl))
}

func appUA(r *rand.Rand, ios bool) string {
	v := fmt.Sprintf("%d.%d.%d", 11+r.IntN(2), r.IntN(8), r.IntN(4))
	if ios {
		return "Meridian/" + v + " (com.meridian.news; build:" + strconv.Itoa(4000+r.IntN(600)) + "; iOS " + Pick(r, []string{"18.3.2", "18.5", "26.0"}) + ") Alamofire/5.9.1"
	}
	return "Meridian/" + v + " (Android " + strconv.Itoa(13+r.IntN(3)) + "; " + Pick(r, []string{"Pixel 9", "SM-S931B", "SM-A566B", "CPH2581", "moto g75"}) + ") okhttp/4.12.0"
}

// address blocks: home broadband, mobile carriers (CGNAT egress), hosting.
var (
	homeV4    = strings.Fields("81. 82. 86. 90. 92. 94. 109. 151. 176. 178. 185.69. 188. 212. 213. 217. 31. 46. 62. 77. 78. 79. 80.")
	carrierV4 = strings.Fields("100.64. 100.88. 92.40. 31.94. 148.252. 172.58.")
	hostV4    = strings.Fields("45.137. 185.220. 193.42. 5.188. 23.94. 51.89. 141.98. 162.243. 167.71. 178.62. 104.248. 209.97.")
	cloudV4   = strings.Fields("3.8. 18.130. 35.176. 34.89. 52.56. 20.77.")
	homeV6    = strings.Fields("2a00:23c5: 2a02:c7c: 2a01:4b00: 2a00:23c7: 2a0a:ef40:")
	mobileV6  = strings.Fields("2a01:4c8: 2a02:6b8c: 2a00:1028: 2607:fb90:")
)

// pick draws an article by popularity: most reads go to the newest few,
// with a long tail into the archive.
func (w *world) pick(r *rand.Rand) *article {
	return w.articles[int(float64(len(w.articles))*math.Pow(r.Float64(), 3.2))]
}

// any draws an article evenly, as crawlers and scrapers walk the archive.
func (w *world) any(r *rand.Rand) *article { return Pick(r, w.articles) }

// image returns the path of the k-th picture of art at a width.
func image(art *article, k, width int) string {
	return fmt.Sprintf("/media/img/%s/%d-%d-w%d.webp", art.ym, art.id, k, width)
}

func (w *world) front(r *rand.Rand) string {
	if Chance(r, .4) {
		return "/"
	}
	return "/news/" + Pick(r, w.sections)
}

// clock returns the Unix time of offset t, as the pages write it in since=.
func (w *world) clock(t int64) string {
	return strconv.FormatInt(w.log.Start().Add(time.Duration(t)).Unix(), 10)
}

func q(s string) string { return url.QueryEscape(s) }

func newRand(a, b uint64) *rand.Rand { return rand.New(rand.NewPCG(a, b)) }

func slug(r *rand.Rand) string {
	words := make([]string, 3+r.IntN(5))
	for i := range words {
		words[i] = Pick(r, slugWords)
	}
	return strings.Join(words, "-")
}

func newWorld(c simcmd.Config) *world {
	w := &world{
		log:  New(c.Start, time.Duration(c.Minutes)*time.Minute),
		site: newRand(c.Site, 0x6d65646961),
		day:  newRand(c.Seed, c.Site^0x9e3779b97f4a7c15),
		byID: map[int]*article{},
	}
	w.W = w.log.Window()
	s := w.site
	for _, i := range s.Perm(len(sectionNames))[:10+s.IntN(8)] {
		w.sections = append(w.sections, sectionNames[i])
	}
	// The archive: a steady number of pieces a day, newest first.
	w.maxID = 3_000_000 + s.IntN(6_000_000)
	perDay, premium := Uniform(s, 60, 160), Uniform(s, .12, .3)
	id := w.maxID
	for i := range 2500 + s.IntN(3500) {
		pub := c.Start.AddDate(0, 0, -int(float64(i)/perDay))
		w.addArticle(s, id, pub, Chance(s, premium))
		id -= 1 + int(s.ExpFloat64()*3)
	}
	w.segSec = Pick(s, []float64{2, 4, 4, 6})
	w.livePoll = Pick(s, []float64{10, 15, 20, 30})
	w.uploadLimit = int64(Pick(s, []int{250, 300, 400})) << 20
	sb, a, f := Uniform(s, .12, .2), Uniform(s, .16, .28), Uniform(s, .02, .05)
	w.mix = [3]float64{sb, sb + a, sb + a + f}
	w.appKeys = [2]string{"mk_ios_" + Hex(s, 14), "mk_and_" + Hex(s, 14)}

	// The day: a story breaks at some point of the window, with a live
	// blog and one to three articles, and the crowd follows.
	d := w.day
	W := float64(w.W) / 1e9
	spikeLen := min(Uniform(d, 180, 420), .6*W)
	at := Uniform(d, .15, .75) * (W - spikeLen)
	w.spike = window{Sec(at), Sec(at + spikeLen)}
	w.spikeMult = Uniform(d, 3, 5)
	sec := Pick(d, w.sections)
	for k := range 1 + d.IntN(3) {
		art := &article{id: w.maxID + 40 + 7*k + d.IntN(5), section: sec, images: 1 + d.IntN(4)}
		art.ym = c.Start.Format("2006/01")
		art.path = fmt.Sprintf("/news/%s/%s/%s-%d", sec, art.ym, slug(d), art.id)
		w.breaking = append(w.breaking, art)
	}
	w.lives = []int{w.maxID + 30}
	for range d.IntN(3) {
		// Older live blogs (a trial, a tournament) run all day; their ids
		// are free slots of the shared counter.
		id := w.maxID - d.IntN(400)
		for w.byID[id] != nil {
			id--
		}
		w.lives = append(w.lives, id)
	}
	mt := Uniform(d, .05, .85) * W
	w.mediaTrouble = window{Sec(mt), Sec(mt + Uniform(d, 30, 120))}
	if Chance(d, .5) {
		cd := Uniform(d, .1, .9) * W
		w.commentsDown = window{Sec(cd), Sec(cd + Uniform(d, 40, 160))}
	}
	return w
}

func (w *world) addArticle(s *rand.Rand, id int, pub time.Time, premium bool) {
	art := &article{id: id, section: Pick(s, w.sections), ym: pub.Format("2006/01"), premium: premium, images: 1 + s.IntN(6)}
	art.path = fmt.Sprintf("/news/%s/%s/%s-%d", art.section, art.ym, slug(s), id)
	if Chance(s, .14) {
		art.video = 100000 + s.IntN(900000)
	}
	w.articles = append(w.articles, art)
	w.byID[id] = art
}
