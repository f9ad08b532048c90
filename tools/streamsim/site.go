package main

import (
	"fmt"
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// region is where a platform's audience lives: the address blocks its
// viewers reach the gateway from and the cities its CDN has shields in.
type region struct {
	name              string
	home, home6       []string // fixed broadband, IPv4 and IPv6
	mobile, mobile6   []string // carrier egress: CGNAT pools and phone /64s
	pops              []string // CDN shield locations, as they name their nodes
	country, language string
}

// regions, each as its name, country and language, then its blocks as
// lists: broadband v4, broadband v6, carrier v4, carrier v6, and the
// cities of its shields.
var regions = []region{
	newRegion("us US en", "73. 98. 24. 67. 76. 71. 108. 99. 47. 68.", "2601:14a: 2601:601: 2600:1700: 2603:8000: 2603:6010:",
		"172.58. 172.56. 174.205. 166.205.", "2607:fb90: 2600:387: 2600:1012:", "iad ord dfw lax sea atl mia ewr den sjc"),
	newRegion("de DE de", "84. 87. 91. 93. 79. 95. 188. 178.", "2003:e2: 2003:c6: 2a02:8108: 2a02:810d: 2a01:c22:",
		"176.0. 109.40. 80.187. 92.116.", "2a01:598: 2a02:3030: 2a01:599:", "fra muc ber dus ham vie zrh"),
	newRegion("uk GB en", "86. 81. 82. 90. 92. 109. 31. 2.", "2a00:23c5: 2a00:23c8: 2a02:c7c: 2a01:4b00:",
		"92.40. 148.252. 82.132. 213.205.", "2a01:4c8: 2a00:1028:", "lhr man edi dub ams bhx"),
	newRegion("br BR pt", "177. 179. 186. 187. 189. 191. 201.", "2804:14c: 2804:7f0: 2804:d41: 2804:431:",
		"177.79. 191.13. 170.233. 179.240.", "2804:18: 2804:214:", "gru gig poa for bsb cwb"),
	newRegion("nordics SE sv", "83. 85. 88. 94. 130. 155. 213.", "2001:2020: 2a01:79d: 2a00:801: 2001:4660:",
		"46.194. 90.130. 37.123.", "2a00:801:3: 2a05:f6c4:", "arn osl cph hel got"),
}

func newRegion(id, home, home6, mobile, mobile6, pops string) region {
	f := strings.Fields(id)
	return region{name: f[0], country: f[1], language: f[2], home: strings.Fields(home), home6: strings.Fields(home6),
		mobile: strings.Fields(mobile), mobile6: strings.Fields(mobile6), pops: strings.Fields(pops)}
}

// hosting holds the blocks of cloud and VPS providers: attackers rent
// them, and so do monitors and a few partners.
var hosting = []string{
	"45.77.", "104.248.", "159.65.", "165.232.", "167.99.", "5.188.", "193.32.",
	"194.165.", "91.92.", "146.70.", "23.94.", "198.98.", "141.98.", "89.248.",
	"80.94.", "139.59.", "206.189.", "64.227.", "178.128.", "51.158.",
}

// torExits is where the anonymity network leaves the internet.
var torExits = []string{"185.220.100.", "185.220.101.", "185.220.102.", "199.249.230.", "204.85.191."}

// site is one streaming platform: its brand, API, catalogue size,
// audience and habits, and the taste of the attackers it draws. Every field
// follows from -site alone, so that every day of a site is the same
// platform.
type site struct {
	id         uint64
	brand      string
	api        string // prefix of the JSON API
	reg        region
	signed     bool    // media URLs carry a per-session token query
	vodSeg     float64 // VOD segment length, s
	liveSeg    float64 // live segment length, s
	sports     float64 // chance that a day has a match starting inside the window
	devices    []float64
	v6         float64 // share of broadband households on IPv6
	mobileNat  float64 // share of phones behind the carrier's NAT rather than IPv6
	kids       float64 // share of households with a kids profile
	titles     int
	edges      int
	partners   int
	feeds      int
	venues     int
	watching   float64 // share of devices already playing when the window opens
	cdnBlock   string  // the CDN's /16, its shields live in it
	newBlock   string  // a /16 that only the day's newcomers use
	taste      map[string][]float64
	extraCamps []string // campaigns this platform draws a second time
}

var brands = []string{"Reelhouse", "Kinora", "Brightwave", "Tessera", "Lumenplay", "Arcfield", "Viewport", "Northstream", "Cinelux", "Skylark"}

var apiPrefixes = []string{"/api/v3", "/api/2", "/v1", "/gw/api/v4", "/api/v5", "/svc/api/v2"}

// newSite derives the platform of -site.
func newSite(id uint64) *site {
	r := rand.New(rand.NewPCG(id, 0x5ee5_57e3))
	s := &site{id: id}
	s.brand = Pick(r, brands)
	s.api = Pick(r, apiPrefixes)
	s.reg = regions[r.IntN(len(regions))]
	s.signed = Chance(r, 0.55)
	s.vodSeg = Pick(r, []float64{4, 5, 6, 6})
	s.liveSeg = Pick(r, []float64{3, 4, 4, 6})
	s.sports = Pick(r, []float64{0.35, 0.55, 0.7, 0.85})
	// tv, console, phone, tablet, web, stick
	s.devices = []float64{Uniform(r, 25, 45), Uniform(r, 4, 12), Uniform(r, 20, 35), Uniform(r, 4, 10), Uniform(r, 8, 20), Uniform(r, 5, 15)}
	s.v6 = Uniform(r, 0.15, 0.5)
	s.mobileNat = Uniform(r, 0.4, 0.8)
	s.kids = Uniform(r, 0.15, 0.4)
	s.titles = 600 + r.IntN(3400)
	s.edges = 4 + r.IntN(8)
	s.partners = 2 + r.IntN(5)
	s.feeds = r.IntN(3)
	s.venues = 1 + r.IntN(4)
	s.watching = Uniform(r, 0.06, 0.09)
	s.cdnBlock = fmt.Sprintf("%d.%d.", Pick(r, []int{162, 205, 192, 63}), 1+r.IntN(250))
	s.newBlock = fmt.Sprintf("%d.%d.", Pick(r, []int{62, 195, 212, 217}), 1+r.IntN(250))
	// Each lone kind has variants (see threats.go); a platform draws the
	// weights it meets them with, so one site sees mostly tool floods on
	// its API and another mostly slow disguised ones.
	s.taste = map[string][]float64{}
	for _, k := range loneKinds {
		ws := make([]float64, len(k.variants))
		for i := range ws {
			ws[i] = LogUniform(r, 0.2, 3)
		}
		s.taste[k.name] = ws
	}
	for _, c := range []string{"stuffing", "ddos", "cardtest", "ripping"} {
		if Chance(r, 0.25) {
			s.extraCamps = append(s.extraCamps, c)
		}
	}
	return s
}
