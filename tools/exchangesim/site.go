package main

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// locale is the country an exchange serves: its money and the networks
// its customers come from.
type locale struct {
	quote                           string
	home, cgnat, office             []string // IPv4 prefixes
	home6, mobile6                  []string // IPv6 prefixes
	android                         float64  // share of phones on Android
	langs                           []string // help centre languages
	phones                          []string // Android models
	browserShare, appShare, mwShare float64
}

var locales = []locale{
	{"USD", []string{"73.", "98.", "24.", "71.", "108.", "67."}, []string{"172.56.", "172.58.", "166.205."}, []string{"12.", "64.124.", "208.67."},
		[]string{"2601:", "2600:1700:"}, []string{"2607:fb90:", "2600:387:"}, 0.4, []string{"en-us"}, []string{"SM-S928U", "Pixel 8", "moto g 5G"}, .42, .48, .10},
	{"EUR", []string{"84.", "91.", "87.", "93.", "79."}, []string{"80.187.", "109.43.", "176.4."}, []string{"195.", "212.", "217."},
		[]string{"2a02:8109:", "2003:"}, []string{"2a01:598:", "2a02:3032:"}, 0.6, []string{"de", "en"}, []string{"SM-S921B", "Pixel 7a", "2311DRK48G"}, .38, .50, .12},
	{"GBP", []string{"86.", "81.", "82.", "90.", "109."}, []string{"92.40.", "148.252.", "82.132."}, []string{"194.", "62.", "185.86."},
		[]string{"2a00:23c5:", "2a02:c7c:"}, []string{"2a01:4c8:", "2a00:1098:"}, 0.5, []string{"en-gb"}, []string{"SM-A556B", "Pixel 8a", "CPH2581"}, .40, .49, .11},
	{"BRL", []string{"177.", "187.", "189.", "200.", "179."}, []string{"177.79.", "191.5.", "179.240."}, []string{"201.", "186.", "143.107."},
		[]string{"2804:7f0:", "2804:14d:"}, []string{"2804:14c:", "2804:18:"}, 0.8, []string{"pt-br", "en"}, []string{"SM-A155M", "moto g84 5G", "23129RAA4G"}, .30, .58, .12},
	{"JPY", []string{"126.", "153.", "60.", "114.", "220."}, []string{"49.96.", "1.66.", "110.163."}, []string{"210.", "61.", "202.32."},
		[]string{"240b:10:", "2400:4051:"}, []string{"2001:268:", "240a:61:"}, 0.35, []string{"ja", "en"}, []string{"SO-51D", "SH-52D", "Pixel 8"}, .36, .54, .10},
}

var coinNames = [][2]string{
	{"BTC", "bitcoin"}, {"ETH", "ethereum"}, {"SOL", "solana"}, {"XRP", "xrp"}, {"DOGE", "dogecoin"},
	{"ADA", "cardano"}, {"AVAX", "avalanche"}, {"LINK", "chainlink"}, {"LTC", "litecoin"}, {"DOT", "polkadot"},
	{"SHIB", "shiba-inu"}, {"UNI", "uniswap"}, {"ATOM", "cosmos"}, {"XLM", "stellar"}, {"NEAR", "near"},
	{"APT", "aptos"}, {"ARB", "arbitrum"}, {"OP", "optimism"}, {"PEPE", "pepe"}, {"USDC", "usd-coin"},
}

// site is one exchange: its brand, routes, limits and address ranges.
type site struct {
	locale
	id          uint64
	brand, app  string
	coins       []int // indexes into coinNames, most traded first
	api         string
	pairStyle   int // BTC-USD, btc_usd or BTCUSD
	queryStyle  bool
	tradePage   string
	ws          string
	login, mfa  string
	refresh     string
	numericIDs  bool
	tokenTTL    float64
	appVers     []string
	appWeights  []float64
	chrome      []int
	js, css     string
	articles    []string
	cloud       []string // data-centre IPv4 prefixes of the machines
	lim         limits
	capacityMul float64 // origin capacity over its quiet seconds' load
}

// limits are the gateway's token buckets.
type limits struct {
	ip, ipBurst, pub, pubBurst, login, loginBurst, priv, privBurst float64
	hot                                                            float64 // per address on the rush's market, while it lasts
	orders                                                         float64 // all orders of people during the rush, over their usual rate
}

func newSite(id uint64) *site {
	r := rand.New(rand.NewPCG(id, 0xe8c4a17))
	s := &site{locale: locales[id%uint64(len(locales))], id: id}
	s.brand = Pick(r, []string{"Ledgerline", "Coinvale", "Satsmith", "Blockquay", "Tallybit", "Mintgate"})
	s.app = strings.ToLower(s.brand)
	s.coins = []int{0, 1} // bitcoin and ether lead everywhere
	for _, i := range r.Perm(len(coinNames) - 3)[:10+r.IntN(6)] {
		s.coins = append(s.coins, i+2)
	}
	s.api = Pick(r, []string{"/api/v3", "/api/v2", "/v1", "/api/exchange/v1"})
	s.pairStyle, s.queryStyle = r.IntN(3), Chance(r, 0.5)
	s.tradePage = Pick(r, []string{"/trade/", "/exchange/", "/app/trade/"})
	s.ws = Pick(r, []string{"/ws", "/stream", "/ws/v2", "/realtime"})
	auth := Pick(r, []string{"/auth", "/session", "/account/auth"})
	s.login, s.mfa = s.api+auth+"/login", s.api+auth+Pick(r, []string{"/2fa", "/mfa/verify", "/otp"})
	s.refresh = s.api + Pick(r, []string{"/auth/refresh", "/oauth/token", "/session/renew"})
	s.numericIDs, s.tokenTTL = Chance(r, 0.5), Pick(r, []float64{300, 600, 900})
	major := 4 + r.IntN(6)
	minor := 8 + r.IntN(30)
	for i := range 3 {
		s.appVers = append(s.appVers, fmt.Sprintf("%d.%d.%d", major, minor-i*2, r.IntN(4)))
	}
	s.appWeights = []float64{0.62, 0.28, 0.10}
	c := 141 + r.IntN(3)
	s.chrome = []int{c, c - 1, c - 2}
	s.js, s.css = Hex(r, 10), Hex(r, 8)
	for _, a := range []string{"verify-identity", "withdrawal-limits", "2fa-reset", "deposit-not-arrived", "fees", "order-types", "api-keys", "tax-statements", "close-account", "staking"} {
		if Chance(r, 0.8) {
			s.articles = append(s.articles, a)
		}
	}
	s.cloud = []string{"3." + strconv.Itoa(200+r.IntN(50)) + ".", "52." + strconv.Itoa(r.IntN(100)) + ".", "35." + strconv.Itoa(150+r.IntN(90)) + ".", "18." + strconv.Itoa(130+r.IntN(100)) + "."}
	strict := LogUniform(r, 0.7, 1.4) // how tight this gateway is
	l := limits{ip: 22 / strict, pub: 13 / strict, login: 0.13 / strict, priv: 26 / strict, hot: 1.1 / strict, orders: 2.5}
	l.ipBurst, l.pubBurst, l.loginBurst, l.privBurst = 3.2*l.ip, 3.5*l.pub, 70*l.login, 2.6*l.priv
	s.lim = l
	s.capacityMul = Uniform(r, 2.2, 2.8)
	return s
}

// pair writes a market symbol the way this exchange spells it.
func (s *site) pair(coin string) string {
	switch s.pairStyle {
	case 0:
		return coin + "-" + s.quote
	case 1:
		return strings.ToLower(coin + "_" + s.quote)
	}
	return coin + s.quote
}

// coin returns a traded coin, popular ones more often.
func (s *site) coin(r *rand.Rand) string {
	for i, c := range s.coins {
		if Chance(r, 0.3) || i == len(s.coins)-1 {
			return coinNames[c][0]
		}
	}
	return "BTC"
}

// slug returns a coin's public price page name.
func slug(coin string) string {
	for _, c := range coinNames {
		if c[0] == coin {
			return c[1]
		}
	}
	return strings.ToLower(coin)
}
