package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/portcullis/portcullis/decision/apikey"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// site is what -site fixes: the country and the addresses its people come
// from, the venues and the catalog on sale, how fans split between the web
// shop and the app, whether a CDN serves the assets, the gateway's limits,
// and the partners and offices that call the box office every day.
type site struct {
	region  *region
	city    string
	venues  []venue
	events  []event
	weights []float64 // popularity of events
	cheap   []int     // the events with the cheapest tickets

	cdn         bool    // assets come from a CDN; only misses reach the gateway
	assets      []asset // what a browser loads with its first page
	webShare    float64 // of fans who shop on the web rather than in the app
	gqlShare    float64 // of the app's reads that go through /graphql
	mobileShare float64 // of web fans on a phone's mobile data
	natShare    float64 // of phones on mobile data behind carrier NAT v4
	v6Share     float64 // of broadband homes on IPv6
	otpShare    float64 // of logins that ask for a one-time code
	appVersions []string
	appWeights  []float64

	users      int // size of the user pool
	userBase   int
	orderBase  int // order ids below it are past orders
	ticketBase int // ticket ids below it are issued tickets
	nextEvent  int // id of the next event the box office announces

	uploadLimit int64 // bytes the verify endpoint accepts
	limits      limits

	partners []partner
	offices  []string // the box office's addresses
	staff    int      // people at the box office who keep its dashboard open
}

// limits are the gateway's per-address token buckets on the routes a
// crowd or a script would hammer.
type limits struct {
	queue, cart, pay, login, avail [2]float64 // rate a second, burst
}

type venue struct {
	name, slug string
	scanners   int // access-control hubs at its gates
}

type event struct {
	id      int
	slug    string
	title   string
	venue   int
	price   int  // cheapest ticket, in whole units of the currency
	tonight bool // doors open during the window
}

type asset struct {
	path string
	kb   float64
}

// partner is one address of a business that calls the API every day.
type partner struct {
	profile string
	ip      string
	key     string
	ua      string
	venue   int     // the venue a scanner hub stands in
	rate    float64 // its requests a second on an ordinary minute
}

// region is a country: its cities, and the prefixes its broadband homes
// and mobile carriers hand out.
type region struct {
	cities   []string
	home     []string // broadband IPv4
	carrier  []string // mobile carriers' NAT IPv4
	mobileV6 []string // mobile carriers' IPv6
	homeV6   []string // broadband IPv6
	foreign  []string // IPv4 of neighbouring countries: visitors, roaming
}

var regions = []region{
	{
		cities:   []string{"austin", "denver", "chicago", "nashville", "seattle", "atlanta"},
		home:     []string{"73.", "24.", "98.", "174.", "71.", "76.", "68.", "99.", "107.", "47."},
		carrier:  []string{"172.56.", "172.58.", "166.205.", "107.77."},
		mobileV6: []string{"2607:fb90:", "2600:380:", "2600:1000:"},
		homeV6:   []string{"2601:", "2600:1700:", "2603:8000:", "2605:a601:"},
		foreign:  []string{"70.24.", "142.114.", "189.203.", "187.190."},
	},
	{
		cities:   []string{"manchester", "glasgow", "leeds", "bristol", "london", "cardiff"},
		home:     []string{"81.", "86.", "90.", "92.", "31.48.", "109.150.", "151.224.", "2.24."},
		carrier:  []string{"82.132.", "31.94.", "85.255.", "148.252."},
		mobileV6: []string{"2a01:4c8:", "2a00:23ee:", "2a02:c7f:"},
		homeV6:   []string{"2a00:23c5:", "2a02:c7c:", "2a01:4b00:"},
		foreign:  []string{"86.44.", "89.100.", "37.228.", "176.61."},
	},
	{
		cities:   []string{"berlin", "hamburg", "koeln", "muenchen", "leipzig", "frankfurt"},
		home:     []string{"84.", "91.", "93.", "79.", "87.", "94.", "95.90."},
		carrier:  []string{"80.187.", "109.40.", "176.2.", "46.114."},
		mobileV6: []string{"2a01:598:", "2a02:3032:", "2a02:8070:"},
		homeV6:   []string{"2003:", "2a02:8109:", "2a02:810d:", "2a01:c22:"},
		foreign:  []string{"83.164.", "178.191.", "85.5.", "213.55."},
	},
	{
		cities:   []string{"amsterdam", "rotterdam", "utrecht", "eindhoven", "groningen"},
		home:     []string{"77.", "83.", "84.24.", "145.", "86.80.", "62.45."},
		carrier:  []string{"62.140.", "31.201.", "92.66.", "188.88."},
		mobileV6: []string{"2a02:a46:", "2a02:a58:", "2a02:a45:"},
		homeV6:   []string{"2a02:a44:", "2001:1c00:", "2a02:a212:"},
		foreign:  []string{"81.164.", "91.181.", "84.192.", "78.21."},
	},
}

// Address prefixes of hosting: partners run in clouds, attackers rent
// machines or proxies.
var (
	cloudNets = []string{"3.", "18.", "52.", "54.", "34.", "35.", "20.", "40.", "13."}
	vpsNets   = []string{"159.65.", "167.99.", "64.227.", "45.76.", "139.59.", "5.161.", "95.216.", "51.68.", "188.166.", "103.152.", "185.220.", "91.92."}
)

var (
	artists = []string{
		"The Lanterns", "Mira Sol", "Northbound", "Velvet Static", "Ada Kestrel", "Glass Harbor",
		"Juno & The Pines", "Orbit Kids", "Saint Ivory", "Lowland Choir", "Dario Venn", "Paper Comets",
		"Nightjar", "Rosa Temple", "The Quiet Engines", "Kilo Mae", "Blue Arcade", "Tamsin Reyes",
		"Hollow Coast", "Marlowe Vance", "Sister Fjord", "Neon Harvest", "Cass Oduya", "Wildfern",
	}
	tours   = []string{"World Tour", "Live", "Arena Tour", "Unplugged", "Summer Nights", "Farewell Tour", "In Concert"}
	teams   = []string{"Harbor City FC", "Rivermouth United", "Northfield Rovers", "Eastgate Wolves", "Lakeside Comets", "Iron Bay Giants", "Westbrook Falcons", "Kingsmoor Athletic"}
	shows   = []string{"Comedy Night with Priya Lal", "Swan Lake", "The Phantom Ballroom", "Magic of the Movies", "Late Night Laughs", "The Nutcracker", "Symphony Under the Stars", "Lumen Circus"}
	venueNs = []string{"Arena", "Stadium", "Civic Hall", "Foundry", "Olympia Theatre", "Riverside Park", "Amphitheatre", "Ballroom", "Coliseum"}
)

// newSite builds the box office of -site n.
func newSite(n uint64) *site {
	r := rand.New(rand.NewPCG(n, 0x6761746568))
	s := &site{region: &regions[r.IntN(len(regions))]}
	s.city = Pick(r, s.region.cities)
	for i, name := range pickN(r, venueNs, 2+r.IntN(3)) {
		full := name
		if i == 0 || Chance(r, 0.5) {
			full = titleCase(s.city) + " " + name
		}
		s.venues = append(s.venues, venue{name: full, slug: slugify(full), scanners: 1 + r.IntN(3)})
	}
	s.nextEvent = 400000 + r.IntN(500000)
	day := time.Date(2026, 9, 10, 0, 0, 0, 0, time.UTC)
	for i := range 40 + r.IntN(80) {
		var title string
		price := 0
		switch x := r.Float64(); {
		case x < 0.55:
			title = Pick(r, artists) + " " + Pick(r, tours)
			price = 35 + r.IntN(90)
		case x < 0.8:
			a, b := pickN(r, teams, 2)[0], ""
			for b == "" || b == a {
				b = Pick(r, teams)
			}
			title = a + " vs " + b
			price = 20 + r.IntN(60)
		default:
			title = Pick(r, shows)
			price = 12 + r.IntN(50)
		}
		on := day
		if i > 3 { // the first few are tonight, the rest over the coming months
			on = day.AddDate(0, 0, 1+r.IntN(200))
		}
		s.events = append(s.events, event{
			id:      s.nextEvent - 9000 + i*37 + r.IntN(30),
			slug:    slugify(title) + "-" + s.city + "-" + on.Format("2006-01-02"),
			title:   title,
			venue:   r.IntN(len(s.venues)),
			price:   price,
			tonight: i <= 3,
		})
		s.weights = append(s.weights, 1/float64(1+i)+0.02)
	}
	r.Shuffle(len(s.weights), func(i, j int) { s.weights[i], s.weights[j] = s.weights[j], s.weights[i] })
	idx := make([]int, len(s.events))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return s.events[a].price - s.events[b].price })
	s.cheap = idx[:5]

	s.cdn = Chance(r, 0.5)
	h := func() string { return Hex(r, 8) }
	s.assets = []asset{
		{"/static/js/runtime." + h() + ".js", 4},
		{"/static/js/vendor." + h() + ".js", 780},
		{"/static/js/app." + h() + ".js", 420},
		{"/static/css/main." + h() + ".css", 95},
		{"/static/fonts/gh-sans-var.woff2", 88},
		{"/static/img/logo.svg", 6},
		{"/favicon.ico", 15},
		{"/static/js/seatmap." + h() + ".js", 260},
		{"/static/img/sprite." + h() + ".svg", 40},
		{"/manifest.webmanifest", 1},
	}
	s.webShare = Uniform(r, 0.3, 0.65)
	s.gqlShare = Uniform(r, 0.7, 0.95)
	s.mobileShare = Uniform(r, 0.25, 0.5)
	s.natShare = Uniform(r, 0.15, 0.45)
	s.v6Share = Uniform(r, 0.05, 0.35)
	s.otpShare = Pick(r, []float64{0, 0.15, 0.4})
	major := 5 + r.IntN(2)
	minor := 3 + r.IntN(12)
	for i := range 4 {
		s.appVersions = append(s.appVersions, fmt.Sprintf("%d.%d.%d", major, max(0, minor-i*2+r.IntN(2)), r.IntN(4)))
		s.appWeights = append(s.appWeights, []float64{0.55, 0.25, 0.12, 0.08}[i])
	}
	s.users = 40000 + r.IntN(160000)
	s.userBase = 100000 + r.IntN(900000)
	s.orderBase = 10000000 + r.IntN(80000000)
	s.ticketBase = 30000000 + r.IntN(60000000)
	s.uploadLimit = int64(Pick(r, []int{15, 25, 50})) << 20
	s.limits = limits{
		queue: [2]float64{Uniform(r, 0.6, 1.2), float64(10 + r.IntN(11))},
		cart:  [2]float64{Uniform(r, 0.2, 0.5), float64(4 + r.IntN(5))},
		pay:   [2]float64{Uniform(r, 0.15, 0.3), float64(3 + r.IntN(4))},
		login: [2]float64{Uniform(r, 0.15, 0.35), float64(5 + r.IntN(6))},
		avail: [2]float64{Uniform(r, 0.3, 0.6), float64(8 + r.IntN(8))},
	}
	s.staff = 4 + r.IntN(10)
	s.partners, s.offices = s.newPartners(r)
	return s
}

// newPartners draws the addresses, keys and rates of the site's recurring
// partners and its box-office addresses: the same on every day.
func (s *site) newPartners(r *rand.Rand) ([]partner, []string) {
	draw := New(time.Time{}, 0) // only keeps the addresses apart
	key := func(prefix string) string { return apikey.ID(prefix + Hex(r, 16) + Hex(r, 16)) }
	var ps []partner
	for v, ven := range s.venues {
		k := key("gh_live_venue_")
		ua := fmt.Sprintf("GateLine-Hub/%d.%d.%d (Linux; %s)", 3+r.IntN(2), r.IntN(10), r.IntN(20), ven.slug)
		net := Pick(r, s.region.home)
		for range ven.scanners {
			ps = append(ps, partner{profile: "venue-scanner", ip: draw.V4(r, []string{net}), key: k, ua: ua, venue: v, rate: Uniform(r, 0.3, 1.5)})
		}
	}
	k := key("gh_live_resale_")
	ua := Pick(r, []string{"python-requests/2.32.3", "ResaleHub-Sync/2.8.1 (+https://resalehub.example/bot)", "Go-http-client/2.0"})
	rate := Uniform(r, 4, 12)
	for i := range 1 + r.IntN(2) {
		ps = append(ps, partner{profile: "resale-market", ip: draw.V4(r, cloudNets), key: k, ua: ua, rate: rate / float64(i+1)})
	}
	probe := Pick(r, []string{"Datadog/Synthetics", "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)", "Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)"})
	for range 2 + r.IntN(3) {
		ps = append(ps, partner{profile: "monitor", ip: draw.V4(r, cloudNets), ua: probe, rate: Uniform(r, 0.1, 0.4)})
	}
	psp := Pick(r, []string{"PayFlow-Webhooks/1.0", "Stripe/1.0 (+https://stripe.com/docs/webhooks)", "Adyen HttpClient 1.0"})
	for range 2 + r.IntN(2) {
		ps = append(ps, partner{profile: "payment-webhook", ip: draw.V4(r, cloudNets), ua: psp, rate: Uniform(r, 0.04, 0.12)})
	}
	if Chance(r, 0.7) {
		for range 1 + r.IntN(2) {
			ps = append(ps, partner{profile: "crawler", ip: draw.V4(r, []string{"66.249.66.", "66.249.68.", "66.249.79."}), ua: Pick(r, crawlerUAs), rate: Uniform(r, 0.3, 1.2)})
		}
	}
	var offices []string
	net := Pick(r, s.region.home)
	for range 1 + r.IntN(3) {
		offices = append(offices, draw.V4(r, []string{net}))
	}
	return ps, offices
}

// user returns one of the site's registered users.
func (s *site) user(r *rand.Rand) string {
	return "u" + strconv.Itoa(s.userBase+r.IntN(s.users))
}

// event draws an event of the catalog by popularity.
func (s *site) event(r *rand.Rand) *event { return &s.events[Weighted(r, s.weights)] }

// tonight draws one of the events whose doors open in the window.
func (s *site) tonight(r *rand.Rand) *event { return &s.events[r.IntN(4)] }

// appUA returns the user agent of the site's app on a phone.
func (s *site) appUA(r *rand.Rand) string {
	v := s.appVersions[Weighted(r, s.appWeights)]
	build := strings.ReplaceAll(v, ".", "")
	if Chance(r, 0.55) {
		return fmt.Sprintf("Gatehouse/%s (com.gatehouse.tickets; build:%s; iOS %s) Alamofire/5.9.1", v, build, Pick(r, iosVersions))
	}
	return fmt.Sprintf("Gatehouse/%s (Linux; Android %d; %s; build %s) okhttp/4.12.0", v, 11+r.IntN(5), Pick(r, androidModels), build)
}

var (
	browserUAs = []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/132.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/132.0.0.0 Safari/537.36 Edg/132.0.0.0",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Safari/605.1.15",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:134.0) Gecko/20100101 Firefox/134.0",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
	}
	phoneBrowserUAs = []string{
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_2_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_6_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
		"Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.135 Mobile Safari/537.36",
		"Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-A536B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/27.0 Chrome/125.0.0.0 Mobile Safari/537.36",
		"Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
	}
	iosVersions   = []string{"18.2.1", "18.3", "18.1.1", "17.6.1", "17.5", "16.7.10"}
	androidModels = []string{"Pixel 8", "SM-S921B", "SM-A546B", "moto g54 5G", "2201117TY", "CPH2451", "Pixel 7a", "SM-G991B"}
	crawlerUAs    = []string{
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.139 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
	}
)

// pickN returns n distinct elements of xs in random order (n <= len(xs)).
func pickN[T any](r *rand.Rand, xs []T, n int) []T {
	out := slices.Clone(xs)
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out[:min(n, len(out))]
}

func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(s) {
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			b.WriteRune(c)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

func titleCase(s string) string { return strings.ToUpper(s[:1]) + s[1:] }
