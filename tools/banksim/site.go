package main

import (
	"fmt"
	"hash/fnv"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// site is what -site fixes: the country (its account numbers, phone
// numbers and open-banking standard), the bank and the routes of its app
// and web banking, the app's builds, how customers split between app and
// browser and how they sign in, the gateway's limits, and the third
// parties, jobs and offices that call the bank every day.
type site struct {
	region   *region
	bank     string // the bank's name, as its app names itself
	slug     string // its short name, in bundle ids, keys and user agents
	bankCode string // the bank's part of its own account numbers
	app, web string // prefixes of the app's and web banking's APIs
	pages    string // prefix of web banking's HTML pages

	appStyle    int // how the app writes its user agent
	appVersions []string
	appWeights  []float64
	iosShare    float64 // of the app's users on an iPhone
	webShare    float64 // of customers who bank in a browser
	phoneWeb    float64 // of browser users on a phone's mobile data
	natShare    float64 // of phones on mobile data behind carrier NAT v4
	v6Share     float64 // of broadband homes on IPv6
	bioShare    float64 // of app starts signed in by a biometric token refresh
	approve     float64 // of web logins confirmed in the app rather than by a code
	appPoll     float64 // seconds between the open app's notification polls; 0: push only
	lookupGET   bool    // the payee check takes the account in the query, not the body

	cdn    bool // web banking's assets come from a CDN; only misses reach the gateway
	assets []asset

	customers, custBase int   // the customer pool and its first id
	uploadLimit         int64 // bytes a document upload accepts
	limits              limits
	shed                float64 // of core reads the backend refuses at the crowd's peak

	partners []partner
	offices  []string // employers' NAT addresses near the bank's customers
}

// limits are the gateway's token buckets (rate a second, burst): per
// address on logins, one-time codes, payee checks, payments and uploads,
// on balance reads at some banks, and per key on the open-banking API.
type limits struct {
	login, otp, lookup, pay, upload, reads, tpp [2]float64
}

type asset struct {
	path string
	kb   float64
}

// region is a country: how its accounts and phones are numbered, which
// open-banking standard its third parties speak, and the prefixes its
// homes, carriers and offices hand out.
type region struct {
	country  string // ISO code, in IBANs
	currency string
	dial     string // calling code of its phone numbers
	std      int    // obUK, obBerlin or obFDX
	home     []string
	carrier  []string // mobile carriers' NAT IPv4
	mobileV6 []string
	homeV6   []string
	business []string // leased lines of offices
	foreign  []string // neighbouring countries: travellers, roaming
}

// The open-banking standards the regions' third parties speak.
const (
	obUK     = iota // UK Open Banking Read/Write API
	obBerlin        // Berlin Group NextGenPSD2
	obFDX           // Financial Data Exchange
)

var regions = []region{
	{
		country: "GB", currency: "GBP", dial: "44", std: obUK,
		home:     []string{"86.", "81.", "90.", "109.145.", "2.96.", "31.52.", "92.", "82.1."},
		carrier:  []string{"82.132.", "31.94.", "148.252.", "85.255."},
		mobileV6: []string{"2a01:4c8:", "2a00:23ee:", "2a02:c7f:"},
		homeV6:   []string{"2a00:23c7:", "2a02:c7c:", "2a01:4b00:"},
		business: []string{"194.72.", "62.6.", "212.36.", "195.99."},
		foreign:  []string{"89.101.", "86.45.", "176.61.", "83.70."},
	},
	{
		country: "DE", currency: "EUR", dial: "49", std: obBerlin,
		home:     []string{"93.", "79.", "87.", "91.", "84.1.", "95.91.", "178.2."},
		carrier:  []string{"80.187.", "109.43.", "176.3.", "46.114."},
		mobileV6: []string{"2a01:598:", "2a02:3037:", "2a02:8071:"},
		homeV6:   []string{"2003:", "2a02:8108:", "2a02:810b:", "2a01:c23:"},
		business: []string{"217.6.", "194.25.", "212.185.", "62.154."},
		foreign:  []string{"83.164.", "178.190.", "85.6.", "212.51."},
	},
	{
		country: "ES", currency: "EUR", dial: "34", std: obBerlin,
		home:     []string{"88.", "83.32.", "79.145.", "2.136.", "95.", "81.38.", "90.167."},
		carrier:  []string{"37.223.", "176.83.", "31.4.", "188.78."},
		mobileV6: []string{"2a0c:5a80:", "2a01:c50f:", "2a02:9130:"},
		homeV6:   []string{"2a0c:5a81:", "2a02:9120:", "2a01:c51e:"},
		business: []string{"195.53.", "213.0.", "80.26.", "62.97."},
		foreign:  []string{"89.155.", "148.63.", "82.154.", "90.105."},
	},
	{
		country: "US", currency: "USD", dial: "1", std: obFDX,
		home:     []string{"73.", "24.", "98.", "71.", "76.", "68.", "99.", "108."},
		carrier:  []string{"172.56.", "172.58.", "166.205.", "107.77."},
		mobileV6: []string{"2607:fb91:", "2600:381:", "2600:1001:"},
		homeV6:   []string{"2601:", "2600:1701:", "2603:8001:", "2605:a600:"},
		business: []string{"12.", "63.", "65.", "208."},
		foreign:  []string{"70.26.", "142.112.", "189.204.", "187.191."},
	},
}

// Address prefixes of hosting: third parties run in clouds, attackers
// rent machines, some customers route through a VPN.
var (
	cloudNets = []string{"3.", "18.", "52.", "54.", "34.", "35.", "20.", "40.", "13."}
	vpsNets   = []string{"159.65.", "167.99.", "64.227.", "45.77.", "139.59.", "5.161.", "95.217.", "51.75.", "188.166.", "103.153.", "185.220.", "91.93."}
	vpnNets   = []string{"185.107.", "89.187.", "156.146.", "212.102.", "146.70.", "37.120."}
)

var bankNames = []string{"Harbourline", "Kestrel Bank", "Lumen", "Northmoor", "Tally", "Cobalt Bank", "Fernwood", "Meridian Direct", "Ostra", "Quay Bank"}

// newSite builds the bank of -site n.
func newSite(n uint64) *site {
	r := rand.New(rand.NewPCG(n, 0x6b6e6162))
	s := &site{region: &regions[r.IntN(len(regions))]}
	s.bank = Pick(r, bankNames)
	s.slug = strings.ToLower(strings.Fields(s.bank)[0])
	s.bankCode = newBankCode(r, s.region, s.slug)
	s.app = Pick(r, []string{"/mobile/v4", "/app-api/v2", "/api/mobile/v3", "/mb/v5"})
	s.pages = Pick(r, []string{"/ib", "/online", "/banking"})
	s.web = s.pages + Pick(r, []string{"/api", "/api/v2", "/rest"})
	s.appStyle = r.IntN(3)
	major, minor := 6+r.IntN(6), 10+r.IntN(30)
	for i, w := range []float64{0.6, 0.22, 0.1, 0.08} {
		s.appVersions = append(s.appVersions, fmt.Sprintf("%d.%d.%d", major, max(0, minor-2*i-r.IntN(2)), r.IntN(5)))
		s.appWeights = append(s.appWeights, w)
	}
	s.iosShare = Uniform(r, 0.35, 0.6)
	if s.region.std == obFDX {
		s.iosShare += 0.1
	}
	s.webShare = Uniform(r, 0.15, 0.4)
	s.phoneWeb = Uniform(r, 0.1, 0.3)
	s.natShare = Uniform(r, 0.2, 0.5)
	s.v6Share = Uniform(r, 0.05, 0.35)
	s.bioShare = Uniform(r, 0.6, 0.9)
	s.approve = Pick(r, []float64{0, 0.5, 0.85})
	s.appPoll = Pick(r, []float64{0, 0, 30, 60})
	s.lookupGET = Chance(r, 0.5)
	s.cdn = Chance(r, 0.5)
	h := func() string { return Hex(r, 10) }
	s.assets = []asset{
		{s.pages + "/static/js/runtime." + h() + ".js", 3},
		{s.pages + "/static/js/vendor." + h() + ".js", 690},
		{s.pages + "/static/js/main." + h() + ".js", 380},
		{s.pages + "/static/css/main." + h() + ".css", 70},
		{s.pages + "/static/fonts/" + s.slug + "-sans.woff2", 64},
		{s.pages + "/static/img/logo.svg", 5},
		{"/favicon.ico", 9},
		{s.pages + "/static/js/charts." + h() + ".js", 150},
	}
	s.customers = 200000 + r.IntN(2500000)
	s.custBase = 10000000 + r.IntN(80000000)
	s.uploadLimit = int64(Pick(r, []int{8, 10, 15, 20})) << 20
	s.limits = newLimits(r)
	s.shed = Uniform(r, 0.04, 0.14)
	s.partners, s.offices = s.newPartners(r)
	return s
}

func newLimits(r *rand.Rand) limits {
	l := limits{
		login:  [2]float64{Uniform(r, 0.1, 0.3), float64(5 + r.IntN(6))},
		otp:    [2]float64{Uniform(r, 0.05, 0.2), float64(4 + r.IntN(4))},
		lookup: [2]float64{Uniform(r, 0.05, 0.25), float64(5 + r.IntN(10))},
		pay:    [2]float64{Uniform(r, 0.1, 0.3), float64(4 + r.IntN(5))},
		upload: [2]float64{Uniform(r, 0.05, 0.2), float64(4 + r.IntN(5))},
		tpp:    [2]float64{Uniform(r, 20, 50), float64(60 + r.IntN(90))},
	}
	if Chance(r, 0.5) {
		l.reads = [2]float64{Uniform(r, 3, 8), float64(20 + r.IntN(20))}
	}
	return l
}

// newBankCode draws the bank's part of its account numbers: four letters
// and a sort code in the UK, a bank code on the continent, a routing
// number in the US.
func newBankCode(r *rand.Rand, reg *region, slug string) string {
	switch {
	case reg.std == obUK:
		code := strings.ToUpper((slug + "xxxx")[:4])
		return code + fmt.Sprintf("%02d%04d", 10+r.IntN(80), r.IntN(10000))
	case reg.country == "ES": // bank, branch and the two control digits
		return fmt.Sprintf("%04d%04d%02d", 100+r.IntN(3000), r.IntN(10000), r.IntN(100))
	case reg.std == obBerlin:
		return fmt.Sprintf("%08d", 10000000+r.IntN(89999999))
	}
	return fmt.Sprintf("%09d", 21000000+r.IntN(300000000))
}

// accountRef is how account number n of the bank is written in a payee
// check: an IBAN, a sort code and account number, a routing and account
// number.
func (s *site) accountRef(n int) string {
	switch s.region.std {
	case obUK:
		return "sortCode=" + s.bankCode[4:] + "&accountNumber=" + fmt.Sprintf("%08d", n%100000000)
	case obFDX:
		return "routingNumber=" + s.bankCode + "&accountNumber=" + fmt.Sprintf("%010d", n)
	}
	return "iban=" + iban(s.region.country, s.bankCode+fmt.Sprintf("%010d", n%10000000000))
}

// iban writes an IBAN of country and BBAN with its check digits.
func iban(country, bban string) string {
	var digits strings.Builder
	for _, c := range strings.ToUpper(bban + country + "00") {
		if c >= 'A' && c <= 'Z' {
			digits.WriteString(strconv.Itoa(int(c-'A') + 10))
		} else {
			digits.WriteRune(c)
		}
	}
	n, _ := new(big.Int).SetString(digits.String(), 10)
	check := 98 - new(big.Int).Mod(n, big.NewInt(97)).Int64()
	return fmt.Sprintf("%s%02d%s", country, check, bban)
}

// customer returns one of the bank's customers.
func (s *site) customer(r *rand.Rand) string {
	return "c" + strconv.Itoa(s.custBase+r.IntN(s.customers))
}

// accounts returns the ids of a customer's accounts: the current account
// first, then savings or a credit card.
func accounts(user string, n int) []string {
	out := make([]string, n)
	for i := range out {
		h := fnv.New64a()
		h.Write([]byte(user + "/" + strconv.Itoa(i)))
		out[i] = fmt.Sprintf("%016x", h.Sum64())
	}
	return out
}

// card returns the id of a customer's debit card.
func card(user string) string {
	h := fnv.New32a()
	h.Write([]byte(user + "/card"))
	return fmt.Sprintf("crd_%08x", h.Sum32())
}

// phone draws a mobile number of the country, as a P2P lookup takes it.
func (s *site) phone(r *rand.Rand) string {
	switch s.region.dial {
	case "44":
		return "%2B447" + fmt.Sprintf("%09d", r.IntN(1000000000))
	case "49":
		return "%2B4915" + fmt.Sprintf("%09d", r.IntN(1000000000))
	case "34":
		return "%2B346" + fmt.Sprintf("%08d", r.IntN(100000000))
	}
	return "%2B1" + fmt.Sprintf("%03d%07d", 201+r.IntN(700), r.IntN(10000000))
}
