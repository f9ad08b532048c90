package main

import (
	"math/rand/v2"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// archetype is a line of business among the platform's customers: which
// products its servers call, whether it puts maps in web pages or an app,
// and whether it runs batch and minute jobs.
type archetype struct {
	name     string
	mix      [nProducts]float64
	web, app float64 // chance of embedding a publishable key in web pages / an app
	batch    float64 // chance of running batch geocoding jobs
	cron     float64 // chance of jobs at the top of the minute
	cronP    int     // the product those jobs call
}

var archetypes = []archetype{
	{"logistics", [nProducts]float64{pGeocode: .25, pReverse: .1, pRoute: .3, pMatrix: .2, pIsochrone: .05, pTimezone: .1}, .2, .5, .6, .7, pMatrix},
	{"realestate", [nProducts]float64{pGeocode: .45, pPlaces: .2, pReverse: .1, pIsochrone: .15, pElevation: .1}, .95, .3, .4, .2, pGeocode},
	{"delivery", [nProducts]float64{pGeocode: .2, pReverse: .25, pRoute: .35, pAutocomplete: .1, pTimezone: .1}, .5, .95, .05, .5, pRoute},
	{"weather", [nProducts]float64{pWeather: .45, pForecast: .45, pReverse: .1}, .5, .9, 0, .8, pForecast},
	{"checkout", [nProducts]float64{pAutocomplete: .35, pGeocode: .55, pTimezone: .1}, .95, .4, .1, .1, pGeocode},
	{"telematics", [nProducts]float64{pReverse: .55, pRoute: .15, pElevation: .15, pTimezone: .05, pWeather: .1}, .1, .2, .3, .9, pReverse},
	{"travel", [nProducts]float64{pPlaces: .35, pPlace: .25, pGeocode: .15, pForecast: .15, pRoute: .1}, .9, .8, .1, .3, pPlace},
	{"analytics", [nProducts]float64{pGeocode: .4, pWeather: .25, pElevation: .2, pIsochrone: .15}, .1, 0, .9, .5, pGeocode},
}

// Sizes of customer.
const (
	tierBig   = iota // enterprise: several fixed egress addresses, heavy
	tierMid          // business: one or two fixed servers
	tierSmall        // self-serve: whatever address its function runs from today
)

// customer is one account of the platform.
type customer struct {
	num, tier         int
	acct, name        string
	kind              archetype
	plan              string
	rate, burst       float64 // secret-key limit per second, and its burst
	pkRate            float64 // publishable-key limit per second
	secret, pk, test  string
	keyID             string
	servers           []string // fixed egress addresses
	pool              []string // where its servers run
	lang, sdkVer, raw string   // server SDK, or a raw client when lang is ""
	home              city
	web, app          bool
	appID             string
	pop               float64 // how much end-user traffic its pages and app draw
	batch             bool
	cron              int     // minutes between minute jobs, 0 for none
	cronSize          float64 // median requests of a minute job
	cronRate          float64 // how fast a minute job sends, per second
	base              float64 // steady requests per second per server
	bursty            bool
	scoped            bool // its key is restricted to the products it uses
	heavy             bool
}

var (
	namePre = []string{"swift", "blue", "north", "urban", "parcel", "ride", "home", "trip", "fleet", "geo", "cargo", "nest", "route", "metro", "harbor",
		"pine", "cloud", "rapid", "terra", "lumen", "quick", "open", "vista", "atlas", "bright", "civic", "tide", "orbit", "field", "stack"}
	nameSuf = []string{"ly", "hub", "go", "io", "app", "labs", "works", "way", "scout", "loop", "base", "dash", "spot", "path", "ware"}
)

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// token draws n characters of an API key.
func token(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alnum[r.IntN(len(alnum))]
	}
	return string(b)
}

func secretKey(r *rand.Rand) string { return "sk_live_" + token(r, 24) }
func publicKey(r *rand.Rand) string { return "pk_live_" + token(r, 24) }

// newCustomer draws an account of a tier; its fixed servers take their
// addresses from the log now, so that no one else gets them on any day.
func (s *site) newCustomer(l *Log, r *rand.Rand, tier int) *customer {
	s.nextAcct += 1 + r.IntN(300)
	cu := &customer{num: s.nextAcct, tier: tier, kind: Pick(r, archetypes), home: Pick(r, s.markets)}
	cu.acct = "acct_" + strconv.Itoa(cu.num)
	cu.name = Pick(r, namePre) + Pick(r, nameSuf)
	cu.appID = "com." + cu.name + "." + Pick(r, []string{"app", "mobile", "driver", "client"})
	cu.secret, cu.pk, cu.test = secretKey(r), publicKey(r), "sk_test_"+token(r, 24)
	cu.keyID = "key_" + strconv.Itoa(100000+r.IntN(900000))
	cu.web, cu.app = Chance(r, cu.kind.web), Chance(r, cu.kind.app)
	cu.batch = Chance(r, cu.kind.batch)
	cu.scoped = Chance(r, 0.3)
	if Chance(r, 0.75) {
		cu.lang, cu.sdkVer = Pick(r, languages), version(r)
	} else {
		cu.raw = Pick(r, rawAgents)
	}
	cu.pool = cloudV4
	if Chance(r, 0.3) {
		cu.pool = vpsV4
	}
	switch tier {
	case tierBig:
		cu.plan = "enterprise"
		cu.rate = LogUniform(r, 120, 500)
		cu.pkRate = LogUniform(r, 300, 1500)
		cu.base = LogUniform(r, 0.08, 1.0)
		cu.bursty = Chance(r, 0.4)
		cu.pop = LogUniform(r, 4, 40)
		cu.heavy = true
		if Chance(r, 0.7) {
			cu.cron = Pick(r, []int{1, 1, 2, 5, 5, 10})
			cu.cronSize = LogUniform(r, 30, 400)
			cu.cronRate = LogUniform(r, 60, 800)
		}
		for range 2 + r.IntN(5) {
			cu.servers = append(cu.servers, server(l, r, cu.pool))
		}
	case tierMid:
		cu.plan = Pick(r, []string{"growth", "growth", "starter", "scale", "prepaid"})
		cu.rate = LogUniform(r, 15, 120)
		cu.pkRate = LogUniform(r, 40, 250)
		cu.base = LogUniform(r, 0.004, 0.2)
		cu.bursty = Chance(r, 0.3)
		cu.pop = LogUniform(r, 0.3, 6)
		if Chance(r, cu.kind.cron*0.5) {
			cu.cron = Pick(r, []int{1, 5, 5, 10, 15})
			cu.cronSize = LogUniform(r, 8, 150)
			cu.cronRate = LogUniform(r, 10, 120)
		}
		for range 1 + r.IntN(2) {
			cu.servers = append(cu.servers, server(l, r, cu.pool))
		}
		cu.heavy = cu.base >= 0.06 || cu.cron > 0 && cu.cron <= 5
	default:
		cu.plan = Pick(r, []string{"free", "free", "starter", "prepaid"})
		cu.rate = LogUniform(r, 5, 20)
		cu.pkRate = LogUniform(r, 10, 40)
		cu.base = LogUniform(r, 0.002, 0.04)
		cu.pop = LogUniform(r, 0.05, 1)
		cu.batch = cu.batch && Chance(r, 0.3)
	}
	cu.burst = 2 * cu.rate
	return cu
}

// mix draws a product the customer's servers call.
func (cu *customer) product(r *rand.Rand) int { return Weighted(r, cu.kind.mix[:]) }

// allowed reports whether the customer's key may call a product.
func (cu *customer) allowed(p int) bool { return !cu.scoped || cu.kind.mix[p] > 0 }

// serverUA is what the customer's servers send as user agent.
func (cu *customer) serverUA(s *site) string {
	if cu.lang == "" {
		return cu.raw
	}
	return sdk(s.brand, cu.lang, cu.sdkVer)
}

// mobileVer is the release of the mobile SDK the customer's app ships.
func (cu *customer) mobileVer() string {
	return strconv.Itoa(5+cu.num%3) + "." + strconv.Itoa(cu.num/7%12) + "." + strconv.Itoa(cu.num/3%6)
}

// chooser draws customers in proportion to a weight.
type chooser struct {
	items []*customer
	cum   []float64
}

func (ch *chooser) add(cu *customer, w float64) {
	last := 0.
	if n := len(ch.cum); n > 0 {
		last = ch.cum[n-1]
	}
	ch.items = append(ch.items, cu)
	ch.cum = append(ch.cum, last+w)
}

func (ch *chooser) pick(r *rand.Rand) *customer {
	x := r.Float64() * ch.cum[len(ch.cum)-1]
	lo, hi := 0, len(ch.cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if ch.cum[m] > x {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return ch.items[lo]
}
