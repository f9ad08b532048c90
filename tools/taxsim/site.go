package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// region is one part of a country as the gateway sees it: its languages
// and the address blocks of its broadband, its carriers and its data
// centres.
type region struct {
	langs   []string
	home    []string // broadband IPv4
	carrier []string // carrier-grade NAT IPv4 of the phone networks
	v6      []string // broadband and phone IPv6
	cloud   []string // hosting the partners run in
}

var regions = []region{
	{[]string{"en", "es"}, []string{"73.", "98.207.", "24.4.", "71.212.", "76.104."}, []string{"172.56.", "172.58.", "174.240."}, []string{"2601:18a:", "2600:1700:", "2607:fb90:", "2600:387:"}, []string{"3.210.", "52.22.", "34.74.", "20.84."}},
	{[]string{"fr"}, []string{"90.", "86.24.", "92.184.", "78.192."}, []string{"37.170.", "80.215."}, []string{"2a01:cb00:", "2a01:e0a:", "2a04:cec0:"}, []string{"51.15.", "51.38.", "163.172."}},
	{[]string{"de"}, []string{"84.150.", "91.64.", "93.220.", "79.248."}, []string{"176.0.", "109.40."}, []string{"2a02:8109:", "2003:e3:", "2a02:3100:"}, []string{"49.12.", "88.198.", "3.120."}},
	{[]string{"es", "ca"}, []string{"83.44.", "88.12.", "79.153.", "90.167."}, []string{"85.84.", "188.77."}, []string{"2a0c:5a80:", "2a02:9130:"}, []string{"34.175.", "212.227."}},
	{[]string{"sv", "fi"}, []string{"81.226.", "85.228.", "94.254."}, []string{"90.224.", "213.64."}, []string{"2001:2040:", "2a00:801:"}, []string{"13.48.", "95.216."}},
	{[]string{"pt"}, []string{"177.", "189.", "200.158."}, []string{"191.", "179.240."}, []string{"2804:14c:", "2804:7f0:"}, []string{"18.228.", "54.233."}},
	{[]string{"nl", "en"}, []string{"84.241.", "31.20.", "145.53."}, []string{"62.140.", "77.160."}, []string{"2a02:a440:", "2001:1c00:"}, []string{"5.79.", "185.107."}},
	{[]string{"en", "cy", "ga"}, []string{"81.", "86.128.", "2.96.", "109.150."}, []string{"92.40.", "31.94."}, []string{"2a00:23c5:", "2a02:c7c:"}, []string{"13.40.", "18.130."}},
	{[]string{"it", "de"}, []string{"79.", "151.38.", "93.38."}, []string{"5.90.", "37.161."}, []string{"2001:b07:", "2a01:e11:"}, []string{"15.160.", "35.152."}},
	{[]string{"pl"}, []string{"83.24.", "89.64.", "31.60."}, []string{"46.76.", "5.173."}, []string{"2a02:a31a:", "2a01:110f:"}, []string{"51.68.", "34.118."}},
}

// newNets are the hosting blocks no fixture, person or attacker uses: a
// day's newcomers get their addresses there, in a /16 of their own day.
var newNets = []string{"104.", "138.", "139."}

// place is where a citizen connects from.
type place int

const (
	atHome    place = iota // broadband, one household
	atHomeV6               // dual-stack broadband, a stable address
	onPhone6               // a phone with IPv6 privacy addresses rotating in its /64
	onPhone4               // a phone behind the carrier's NAT, shared with strangers
	atLibrary              // public computers of a library
	atOffice               // an employer's network
	atCowork               // the shared address of a coworking space
	places
)

// site is one country's tax and benefits agency: what stays the same on
// every day of it.
type site struct {
	langs                       []string
	home, carrier, v6, cloud    []string
	foreign                     []string // broadband of other countries
	api, app, efile, pay, bank  string   // route prefixes of the portal's APIs
	open                        string   // the open-data API
	year                        int      // the tax year being filed
	forms, topics, sections     []string
	refPrefix                   string
	tinDigits                   int
	size, rush                  float64 // citizens per -clients; growth of the crowd through the window
	where                       []float64
	desktop, mobile             []string // the people's browsers
	appName                     string
	appUA                       []string
	appKey, openKey             string
	uploadMax                   float64 // bytes the attachment endpoint accepts
	ipRate, ipBurst, keyRate    float64 // the gateway's limits
	openRate                    float64 // an address's limit on the open data
	headroom                    float64 // backend capacity over the load of the window's start
	newNet                      string
	partners                    []*partner
	offices                     []*office
	libraries                   []string
	bots                        []*bot
	scholars                    []*partner // research groups that harvest the open data every day
	attackMix                   map[string]*attackMix
	stuffSize, spraySize        [2]int
	fraudSize, ddosSize         [2]int
	fraudApp, ddosBust, sprayV6 float64
}

// attackMix is how a site's attackers of one kind come: the chance of a
// second one on a day, and the weights of the variants.
type attackMix struct {
	second   float64
	variants []float64
}

func newSite(id uint64) *site {
	r := rand.New(rand.NewPCG(id, 0x7a9c1f3e5d2b4a68))
	s := &site{}
	n := 1 + r.IntN(3)
	for _, i := range r.Perm(len(regions))[:n] {
		g := regions[i]
		for _, l := range g.langs {
			if !slices.Contains(s.langs, l) {
				s.langs = append(s.langs, l)
			}
		}
		s.home = append(s.home, g.home...)
		s.carrier = append(s.carrier, g.carrier...)
		s.v6 = append(s.v6, g.v6...)
		s.cloud = append(s.cloud, g.cloud...)
	}
	for _, g := range regions {
		if !slices.Contains(s.home, g.home[0]) {
			s.foreign = append(s.foreign, g.home...)
		}
	}
	s.routes(r)
	s.people(r)
	s.limits(r)
	s.fixtures(r)
	s.mix(r)
	return s
}

// routes draws the portal's paths and the shape of its identifiers.
func (s *site) routes(r *rand.Rand) {
	s.api = Pick(r, []string{"/api/v1", "/api/v2", "/services/api", "/gw/api/v3"})
	s.app = Pick(r, []string{"/app/v3", "/mobile/api/v2", "/m/v4"})
	s.efile = Pick(r, []string{"/efile/v2", "/mef/v1", "/b2b/efile/v1"})
	s.pay = Pick(r, []string{"/payroll/v1", "/employer/v2/wages"})
	s.bank = Pick(r, []string{"/banking/v1", "/fi/v2"})
	s.open = Pick(r, []string{"/opendata/v1", "/data/api/v2", "/stats/v1"})
	s.year = 2026
	s.forms = pickN(r, []string{"income-return", "self-assessment", "form-1040", "t1-general", "sa100", "2042", "ir3", "modelo-100", "pit-37", "ink1", "declaration-revenus", "estv-1", "household-schedule", "rental-schedule"}, 4, 7)
	s.topics = pickN(r, []string{"deductions", "dependants", "home-office", "pension-contributions", "medical-expenses", "charitable-gifts", "self-employment", "rental-income", "capital-gains", "late-filing-penalties", "payment-plans", "refund-timing", "child-benefit", "housing-allowance", "students", "seniors", "foreign-income", "filing-deadline", "direct-deposit", "identity-verification", "amend-a-return", "crypto-assets", "tips", "childcare-costs", "disability-credit", "energy-credit", "commuting", "union-dues"}, 12, 22)
	s.sections = pickN(r, []string{"personal", "household", "employment", "pensions", "benefits", "interest", "dividends", "rental", "business", "deductions", "credits", "donations", "childcare", "property", "foreign", "bank-details", "summary"}, 9, 15)
	s.refPrefix = Pick(r, []string{"RF", "TR", "DR", "FI"}) + num(s.year%100)
	s.tinDigits = 8 + r.IntN(4)
}

// people draws how many citizens come, from where, and with what.
func (s *site) people(r *rand.Rand) {
	s.size = Uniform(r, 1.35, 2.2)
	s.rush = Uniform(r, 0.35, 1.1)
	s.where = []float64{Uniform(r, 30, 50), Uniform(r, 4, 14), Uniform(r, 10, 25), Uniform(r, 8, 20), Uniform(r, 2, 5), Uniform(r, 5, 12), Uniform(r, 0.5, 2)}
	s.desktop, s.mobile = browsers(r)
	s.appName = Pick(r, []string{"MyTaxes", "TaxPortal", "MinSkatt", "ImpotsMobile", "SmartTax", "FiscoApp", "MeuImposto", "BelastingApp", "TaxHub", "eTax"})
	for _, v := range []string{fmt.Sprintf("%d.%d.%d", 4+r.IntN(4), r.IntN(20), r.IntN(4)), fmt.Sprintf("%d.%d.0", 4+r.IntN(4), r.IntN(20))} {
		s.appUA = append(s.appUA,
			fmt.Sprintf("%s/%s (iPhone; iOS %d.%d; Scale/3.00)", s.appName, v, 17+r.IntN(2), r.IntN(6)),
			fmt.Sprintf("%s/%s (Linux; Android %d; %s) okhttp/4.12.0", s.appName, v, 12+r.IntN(3), Pick(r, phones)),
			fmt.Sprintf("Dalvik/2.1.0 (Linux; U; Android %d; %s Build/UP1A.%d.00%d) %s/%s", 13+r.IntN(2), Pick(r, phones), 231005+r.IntN(90000), r.IntN(9), s.appName, v))
	}
	s.appKey = "app_" + Hex(r, 16)
	s.openKey = "pub_" + Hex(r, 12)
}

// limits draws what the gateway and the backend allow.
func (s *site) limits(r *rand.Rand) {
	s.uploadMax = LogUniform(r, 20e6, 400e6)
	s.ipRate = Uniform(r, 6, 20)
	s.ipBurst = Uniform(r, 40, 120)
	s.keyRate = Uniform(r, 15, 45)
	s.openRate = Uniform(r, 2.5, 6)
	s.headroom = Uniform(r, 1.25, 1.7)
	s.newNet = Pick(r, newNets)
}

var phones = []string{"SM-S918B", "SM-A546B", "SM-A155F", "Pixel 7", "Pixel 8a", "moto g54 5G", "M2101K6G", "CPH2581", "2201117TG", "SM-G991B", "VOG-L29"}

// browsers draws the versions the site's people run, desktops and phones.
func browsers(r *rand.Rand) (desktop, mobile []string) {
	ch, ff, sf := 131+r.IntN(6), 133+r.IntN(5), 17+r.IntN(2)
	for i := range 3 {
		v := ch - i
		desktop = append(desktop,
			fmt.Sprintf("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Safari/537.36", v),
			fmt.Sprintf("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Safari/537.36 Edg/%d.0.0.0", v, v),
			fmt.Sprintf("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Safari/537.36", v),
			fmt.Sprintf("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Safari/537.36", v))
		mobile = append(mobile,
			fmt.Sprintf("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Mobile Safari/537.36", v),
			fmt.Sprintf("Mozilla/5.0 (iPhone; CPU iPhone OS %d_%d like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/%d.%d Mobile/15E148 Safari/604.1", sf, i+1, sf, i+1))
	}
	desktop = append(desktop,
		fmt.Sprintf("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:%d.0) Gecko/20100101 Firefox/%d.0", ff, ff),
		fmt.Sprintf("Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:%d.0) Gecko/20100101 Firefox/%d.0", ff-1, ff-1),
		fmt.Sprintf("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/%d.%d Safari/605.1.15", sf, 3),
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Windows NT 6.1; Win64; x64; Trident/7.0; rv:11.0) like Gecko")
	mobile = append(mobile,
		fmt.Sprintf("Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/%d.0 Chrome/%d.0.0.0 Mobile Safari/537.36", 25+r.IntN(3), ch-6),
		fmt.Sprintf("Mozilla/5.0 (Android 14; Mobile; rv:%d.0) Gecko/%d.0 Firefox/%d.0", ff, ff, ff),
		fmt.Sprintf("Mozilla/5.0 (iPhone; CPU iPhone OS 18_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/%d.0.6998.99 Mobile/15E148 Safari/604.1", ch))
	return desktop, mobile
}

// pickN returns between lo and hi distinct elements of xs.
func pickN(r *rand.Rand, xs []string, lo, hi int) []string {
	n := min(len(xs), lo+r.IntN(hi-lo+1))
	out := make([]string, 0, n)
	for _, i := range r.Perm(len(xs))[:n] {
		out = append(out, xs[i])
	}
	return out
}

// tin draws a taxpayer number of the site's shape.
func (s *site) tin(r *rand.Rand) string {
	var b strings.Builder
	b.WriteByte(byte('1' + r.IntN(9)))
	for range s.tinDigits - 1 {
		b.WriteByte(byte('0' + r.IntN(10)))
	}
	return b.String()
}

// ref draws the reference a filed return gets.
func (s *site) ref(r *rand.Rand) string {
	return s.refPrefix + num(10000000+r.IntN(89999999))
}
