package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// A market is the country an airline is at home in: its airports, its
// currency, the address ranges its people reach the site from and the
// names they book under.
type market struct {
	country, currency, lang string
	airports                []string
	home4, mobile4          []string
	home6, mobile6          []string
	names                   []string
}

var markets = []market{
	{"IE", "EUR", "en-IE", []string{"DUB", "ORK", "SNN", "NOC", "KIR"},
		[]string{"86.40.", "86.41.", "89.101.", "109.78.", "95.44.", "37.228."},
		[]string{"188.141.", "46.7.", "178.167."},
		[]string{"2a02:8084:", "2001:bb6:"}, []string{"2a01:4b00:", "2a02:8440:"},
		[]string{"MURPHY", "KELLY", "OSULLIVAN", "WALSH", "SMITH", "OBRIEN", "BYRNE", "RYAN", "OCONNOR", "DOYLE", "MCCARTHY", "GALLAGHER"}},
	{"CA", "CAD", "en-CA", []string{"YYZ", "YUL", "YVR", "YYC", "YOW", "YHZ", "YEG", "YWG"},
		[]string{"24.114.", "70.26.", "99.228.", "142.112.", "174.88.", "184.145."},
		[]string{"72.136.", "207.236.", "174.93."},
		[]string{"2607:fea8:", "2001:56a:"}, []string{"2605:8d80:", "2605:b100:"},
		[]string{"TREMBLAY", "SMITH", "BROWN", "GAGNON", "ROY", "WILSON", "MACDONALD", "LI", "NGUYEN", "CHEN", "PATEL", "MARTIN"}},
	{"AU", "AUD", "en-AU", []string{"SYD", "MEL", "BNE", "PER", "ADL", "CBR", "OOL"},
		[]string{"101.175.", "110.174.", "120.148.", "124.168.", "203.206."},
		[]string{"1.144.", "1.145.", "49.176.", "120.16."},
		[]string{"2001:8003:", "2403:5800:"}, []string{"2001:8004:", "2001:8000:"},
		[]string{"SMITH", "JONES", "WILLIAMS", "BROWN", "WILSON", "TAYLOR", "NGUYEN", "JOHNSON", "MARTIN", "WHITE", "ANDERSON", "THOMPSON"}},
	{"BR", "BRL", "pt-BR", []string{"GRU", "GIG", "BSB", "CNF", "POA", "REC", "SSA", "FOR"},
		[]string{"177.37.", "179.108.", "187.64.", "189.6.", "200.148.", "201.17."},
		[]string{"191.240.", "177.79.", "179.240."},
		[]string{"2804:14c:", "2804:d59:"}, []string{"2804:18:", "2804:388:"},
		[]string{"SILVA", "SANTOS", "OLIVEIRA", "SOUZA", "RODRIGUES", "FERREIRA", "ALVES", "PEREIRA", "LIMA", "GOMES", "COSTA", "RIBEIRO"}},
	{"JP", "JPY", "ja-JP", []string{"HND", "NRT", "KIX", "ITM", "CTS", "FUK", "OKA", "NGO"},
		[]string{"126.15.", "153.156.", "180.12.", "219.100.", "60.130."},
		[]string{"1.75.", "49.98.", "106.128."},
		[]string{"2400:4050:", "240b:10:"}, []string{"2400:2200:", "2001:240:"},
		[]string{"SATO", "SUZUKI", "TAKAHASHI", "TANAKA", "WATANABE", "ITO", "YAMAMOTO", "NAKAMURA", "KOBAYASHI", "KATO", "YOSHIDA", "YAMADA"}},
	{"NO", "NOK", "nb-NO", []string{"OSL", "BGO", "TRD", "SVG", "TOS", "BOO"},
		[]string{"84.208.", "46.9.", "89.10.", "77.16.", "178.232."},
		[]string{"77.18.", "46.66.", "109.189."},
		[]string{"2a01:79c:", "2001:4640:"}, []string{"2a02:fe1:", "2a01:799:"},
		[]string{"HANSEN", "JOHANSEN", "OLSEN", "LARSEN", "ANDERSEN", "PEDERSEN", "NILSEN", "KRISTIANSEN", "JENSEN", "KARLSEN", "JOHNSEN", "BERG"}},
}

// Airports the airline may fly to abroad; a market's own are left out.
var worldAirports = []string{"LHR", "JFK", "CDG", "AMS", "FRA", "MAD", "BCN", "FCO", "LIS", "DXB", "SIN", "HKG",
	"LAX", "SFO", "ORD", "MIA", "BOS", "NRT", "SYD", "GRU", "CPT", "IST", "DOH", "BKK", "MEX", "ATH", "CPH",
	"ARN", "ZRH", "VIE", "PRG", "KEF", "AKL", "HNL", "CUN", "MUC", "DUB", "OSL", "YYZ", "EWR", "SEA", "DEN",
	"ICN", "TPE", "MNL", "DEL", "BOM", "NBO", "JNB", "LIM", "BOG", "SCL", "EZE", "MXP", "NCE", "EDI", "MAN"}

// Address ranges of travellers abroad and of the clouds machines run in.
var (
	abroad4 = []string{"73.", "98.", "24.", "81.", "91.", "84.", "49.36.", "2.50.", "90.", "79."}
	abroad6 = []string{"2a02:8109:", "2600:1700:", "2a01:cb00:", "2601:"}
	cloud4  = []string{"34.", "35.", "52.", "3.", "13.", "20.", "40.", "104.", "146.", "18."}
)

// A flight is one flight number on one route.
type flight struct{ number, from, to string }

// A carrier is one Skyway site: everything -site fixes.
type carrier struct {
	code     string // the airline's two-letter designator
	home     market
	hubs     []string
	places   []string // every airport it flies to, hubs first
	flights  []flight
	api      string // the path prefix of the site's API
	bundle   string // the hash in the web bundle's file names
	ios      []string
	android  []string
	pnrChars string // characters booking codes are made of
	member   int    // digits of a loyalty number
	mfa      string // the second factor: "sms", "totp" or "push"
	threeDS  float64
	maxBody  int64 // the gateway's request body limit
	limits   limits
	capacity float64 // how many times its ordinary load the origin serves before shedding
	deals    []string
	partners []*partner
	nats     []*venue // airports' and hotels' Wi-Fi, corporate travel offices

	seen map[string]bool // the site's own addresses, kept apart while drawn
}

// limits are the gateway's token buckets: per address for each costly
// kind of request and for everything, per API key for partners.
type limits struct {
	search, searchBurst float64
	login, loginBurst   float64
	lookup, lookupBurst float64
	pay, payBurst       float64
	all, allBurst       float64
}

// A venue is a shared address the site sees every day: an airport's or a
// hotel's Wi-Fi or a company's travel office.
type venue struct {
	ip, kind string
	weight   float64
}

// newCarrier builds the site -site names; it draws from its own stream,
// so the day does not change it.
func newCarrier(site uint64) *carrier {
	r := rand.New(rand.NewPCG(site, 0x5c1e0a7))
	c := &carrier{
		code:     Pick(r, []string{"SY", "KW", "YW", "WK", "SK", "YS"}),
		home:     markets[int(site)%len(markets)],
		api:      Pick(r, []string{"/api/v2", "/api/v3", "/v1/api"}),
		bundle:   Hex(r, 10),
		pnrChars: Pick(r, []string{"ABCDEFGHJKLMNPQRSTUVWXYZ23456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", "BCDFGHJKLMNPQRSTVWXYZ2345678"}),
		member:   Pick(r, []int{9, 10, 8}),
		mfa:      Pick(r, []string{"sms", "totp", "push"}),
		threeDS:  Uniform(r, 0.2, 0.8),
		maxBody:  int64(Pick(r, []int{8, 10, 15, 20})) << 20,
		capacity: Uniform(r, 2.2, 3.2),
		seen:     map[string]bool{},
	}
	c.routes(r)
	c.apps(r)
	c.limits = limits{
		search: Uniform(r, 1.5, 4), searchBurst: Uniform(r, 20, 45),
		login: Uniform(r, 0.1, 0.3), loginBurst: Uniform(r, 6, 15),
		lookup: Uniform(r, 0.3, 1), lookupBurst: Uniform(r, 10, 25),
		pay: Uniform(r, 0.05, 0.15), payBurst: Uniform(r, 4, 8),
		all: Uniform(r, 15, 40), allBurst: Uniform(r, 120, 300),
	}
	for range 2 + r.IntN(3) {
		c.deals = append(c.deals, Pick(r, []string{"black-friday", "winter-sun", "city-breaks", "flash-48h", "ski-season", "family-fares", "long-haul-sale", "members-week"})+"-"+Hex(r, 3))
	}
	c.partners = partners(r, c)
	c.venues(r)
	return c
}

// routes draws the hubs and the network flown from them.
func (c *carrier) routes(r *rand.Rand) {
	dom := slices.Clone(c.home.airports)
	r.Shuffle(len(dom), func(i, j int) { dom[i], dom[j] = dom[j], dom[i] })
	c.hubs = dom[:1+r.IntN(2)]
	c.places = slices.Clone(dom[:min(len(dom), 3+r.IntN(4))])
	far := slices.DeleteFunc(slices.Clone(worldAirports), func(a string) bool { return slices.Contains(c.home.airports, a) })
	r.Shuffle(len(far), func(i, j int) { far[i], far[j] = far[j], far[i] })
	c.places = append(c.places, far[:15+r.IntN(20)]...)
	used := map[string]bool{}
	for _, h := range c.hubs {
		for _, to := range c.places {
			if to == h {
				continue
			}
			for range 1 + r.IntN(3) {
				n := c.code + fmt.Sprint(1+r.IntN(1999))
				for used[n] {
					n = c.code + fmt.Sprint(1+r.IntN(1999))
				}
				used[n] = true
				c.flights = append(c.flights, flight{n, h, to}, flight{c.code + fmt.Sprint(2000+r.IntN(7999)), to, h})
			}
		}
	}
}

// apps draws the app versions in use (newest first) on both platforms.
func (c *carrier) apps(r *rand.Rand) {
	major, minor := 6+r.IntN(3), r.IntN(9)
	for i := range 3 {
		m := max(0, minor-i)
		c.ios = append(c.ios, fmt.Sprintf("%d.%d.%d", major, m, r.IntN(4)))
		c.android = append(c.android, fmt.Sprintf("%d.%d.%d", major, m, r.IntN(4)))
	}
}

// venues draws the shared addresses of the site's airports, hotels and
// travel offices, the same every day.
func (c *carrier) venues(r *rand.Rand) {
	add := func(kind string, w float64) {
		ip := fixedV4(r, c.home.home4, c.seen)
		c.nats = append(c.nats, &venue{ip: ip, kind: kind, weight: w})
	}
	for range c.hubs {
		add("airport-wifi", Uniform(r, 3, 6))
	}
	for range 1 + r.IntN(3) {
		add("airport-wifi", Uniform(r, 0.5, 2))
	}
	for range 3 + r.IntN(4) {
		add("hotel-wifi", Uniform(r, 0.4, 1.5))
	}
	for range 3 + r.IntN(5) {
		add("travel-office", Uniform(r, 0.5, 2.5))
	}
}

// fixedV4 draws an address of the site (not of the day) under one of the
// prefixes; seen keeps the site's addresses apart.
func fixedV4(r *rand.Rand, prefixes []string, seen map[string]bool) string {
	for {
		p := Pick(r, prefixes)
		s := p
		for i := strings.Count(p, "."); i < 4; i++ {
			if i == 3 {
				s += fmt.Sprint(1 + r.IntN(254))
			} else {
				s += fmt.Sprint(r.IntN(256)) + "."
			}
		}
		if !seen[s] {
			seen[s] = true
			return s
		}
	}
}

// pnr draws a booking code.
func (c *carrier) pnr(r *rand.Rand) string {
	b := make([]byte, 6)
	for i := range b {
		b[i] = c.pnrChars[r.IntN(len(c.pnrChars))]
	}
	return string(b)
}

// memberNo draws a loyalty number.
func (c *carrier) memberNo(r *rand.Rand) string {
	b := make([]byte, c.member)
	b[0] = byte('1' + r.IntN(9))
	for i := 1; i < len(b); i++ {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}
