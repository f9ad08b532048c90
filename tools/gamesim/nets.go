package main

// region is a country the game's players connect from: the prefixes its
// broadband homes, mobile carriers and universities hand out, how common
// IPv6, carrier-grade NAT on home lines and internet cafés are there, and
// the server region its players queue in.
type region struct {
	home     []string // broadband IPv4
	homeV6   []string // broadband IPv6
	carrier  []string // mobile carriers' NAT IPv4
	mobileV6 []string // mobile carriers' IPv6
	campus   []string // universities' IPv4
	foreign  []string // IPv4 of neighbouring countries: travellers, cross-border players
	tags     []string // server regions
	lang     string   // the language most of its players read the news in
	cgnat    float64  // of home lines behind their ISP's carrier-grade NAT
	v6       float64  // of homes on IPv6
	rooms    float64  // of PC players in a campus network or an internet café
}

var regions = []region{
	{ // United States
		home:     []string{"73.", "24.", "98.", "174.", "71.", "76.", "68.", "99.", "108.", "47.", "67."},
		homeV6:   []string{"2601:", "2600:1700:", "2603:8000:", "2605:a601:", "2600:6c40:"},
		carrier:  []string{"172.56.", "172.58.", "166.205.", "107.77.", "174.205."},
		mobileV6: []string{"2607:fb90:", "2600:380:", "2600:1000:"},
		campus:   []string{"128.97.", "129.21.", "130.126.", "171.64.", "141.211."},
		foreign:  []string{"70.24.", "142.114.", "189.203.", "187.190."},
		tags:     []string{"na-east", "na-central", "na-west"},
		lang:     "en",
		cgnat:    0.04, v6: 0.35, rooms: 0.03,
	},
	{ // France
		home:     []string{"90.", "86.", "92.", "78.", "88.", "82.", "83.", "109.", "176.16."},
		homeV6:   []string{"2a01:cb00:", "2a01:e0a:", "2a02:8424:", "2a01:cb1c:"},
		carrier:  []string{"37.164.", "37.165.", "77.136.", "92.184.", "176.128."},
		mobileV6: []string{"2a04:cec0:", "2a01:cd00:", "2a02:8428:"},
		campus:   []string{"193.50.", "194.254.", "195.83.", "134.157."},
		foreign:  []string{"81.164.", "91.181.", "85.5.", "213.55."},
		tags:     []string{"eu-west", "eu-central"},
		lang:     "fr",
		cgnat:    0.06, v6: 0.4, rooms: 0.03,
	},
	{ // Brazil
		home:     []string{"177.", "179.", "186.", "189.", "191.", "201.", "187."},
		homeV6:   []string{"2804:7f0:", "2804:d59:", "2804:14d:", "2804:431:"},
		carrier:  []string{"177.79.", "179.247.", "191.241.", "187.26.", "152.250."},
		mobileV6: []string{"2804:14c:", "2804:18:", "2804:388:"},
		campus:   []string{"143.107.", "200.17.", "150.161.", "143.54."},
		foreign:  []string{"181.", "190.", "200.", "186.48."},
		tags:     []string{"sa-east"},
		lang:     "pt",
		cgnat:    0.3, v6: 0.25, rooms: 0.1,
	},
	{ // South Korea
		home:     []string{"175.", "211.", "121.", "222.", "112.", "58.", "14."},
		homeV6:   []string{"2001:2d8:", "2001:e60:", "2406:5900:"},
		carrier:  []string{"223.38.", "223.62.", "39.7.", "106.101.", "211.234."},
		mobileV6: []string{"2001:2d8:8000:", "2001:e60:a000:", "2001:4430:"},
		campus:   []string{"147.46.", "143.248.", "165.132.", "163.152."},
		foreign:  []string{"133.", "126.", "153.", "219.100."},
		tags:     []string{"asia-ne"},
		lang:     "ko",
		cgnat:    0.05, v6: 0.05, rooms: 0.18,
	},
	{ // Poland
		home:     []string{"83.", "89.", "31.", "46.", "78.", "188.", "37.", "91."},
		homeV6:   []string{"2a02:a310:", "2a01:110f:", "2a02:a311:", "2a00:f41:"},
		carrier:  []string{"5.173.", "31.0.", "37.47.", "188.146."},
		mobileV6: []string{"2a00:f44:", "2a02:a319:", "2a01:115f:"},
		campus:   []string{"149.156.", "150.254.", "156.17.", "153.19."},
		foreign:  []string{"84.2.", "178.41.", "37.48.", "85.13."},
		tags:     []string{"eu-central", "eu-north"},
		lang:     "pl",
		cgnat:    0.12, v6: 0.15, rooms: 0.05,
	},
}

// Address prefixes of hosting: the game's servers and partners run in
// clouds, attackers rent machines or proxies, players route through VPNs,
// and the patch CDN's edges check the origin.
var (
	cloudNets = []string{"3.", "18.", "52.", "54.", "34.", "35.", "20.", "40.", "13.", "44."}
	vpsNets   = []string{"159.65.", "167.99.", "64.227.", "45.76.", "139.59.", "5.161.", "95.216.", "51.68.", "188.166.", "103.152.", "185.220.", "91.92.", "194.26.", "45.141."}
	vpnNets   = []string{"185.159.", "146.70.", "89.187.", "37.19.", "212.102.", "138.199.", "156.146."}
	cdnNets   = []string{"151.101.", "23.32.", "23.48.", "104.16.", "199.27.", "2.16."}
)

var (
	browserUAs = []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/132.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/116.0.0.0 (Edition GX)",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/132.0.0.0 Safari/537.36 Edg/132.0.0.0",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:134.0) Gecko/20100101 Firefox/134.0",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Safari/605.1.15",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
	}
	phoneUAs = []string{
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_2_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
		"Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.135 Mobile Safari/537.36",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_6_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
	}
	statUAs = []string{"python-requests/2.32.3", "StatForge-Collector/3.1 (+https://statforge.example/bot)", "Go-http-client/2.0", "RankTrackr/1.8", "Java/21.0.4"}
)
