package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// Address pools, as prefixes simlog's V4 and V6Net take: IPv4 ones end in
// a dot, IPv6 ones are the first groups of a /64 and end in a colon.
var (
	// Public clouds, where customers' servers and many attackers run.
	cloudV4 = []string{"3.", "18.", "34.", "35.", "44.", "52.", "54.", "13.", "20.", "40.", "104.196.", "130.211.", "129.146.", "150.136.", "47.88.", "8.209."}
	cloudV6 = []string{"2600:1f14:", "2600:1f18:", "2600:1f1c:", "2a05:d014:", "2a05:d018:", "2600:1900:"}
	// Small hosting companies: self-serve customers, scripts, attackers.
	vpsV4 = []string{"159.89.", "167.99.", "134.209.", "138.68.", "165.22.", "64.227.", "188.166.", "178.128.", "49.12.", "65.108.", "116.203.", "95.216.", "51.77.", "141.94.", "139.162.", "172.105.", "45.77.", "45.32.", "108.61.", "5.161.", "91.107.", "23.94."}
	// Households, and the residential proxy networks that rent them out.
	homeV4 = []string{"73.", "24.", "98.", "71.", "76.", "68.", "174.", "70.", "99.", "108.", "86.", "90.", "81.", "82.", "92.", "2.", "5.", "31.", "37.", "79.", "93.", "109.", "176.", "178.", "188.", "189.", "177.", "187.", "49.", "58.", "110.", "118.", "121.", "122.", "1.", "14.", "27.", "36.", "39.", "42.", "60.", "61.", "101.", "112.", "115.", "180.", "182.", "203.", "211.", "219.", "220.", "41.", "102.", "105.", "197."}
	homeV6 = []string{"2601:1c0:", "2601:281:", "2600:1700:", "2605:a601:", "2603:6010:", "2a02:8109:", "2a02:810d:", "2a01:cb00:", "2a01:e0a:", "2003:e5:", "2003:ca:", "2a02:a44:", "2001:56a:", "240b:10:", "2406:3003:", "2405:201:", "2804:14c:"}
	// Mobile carriers.
	mobileV4 = []string{"172.56.", "172.58.", "172.59.", "174.205.", "174.240.", "166.175.", "107.77.", "80.187.", "46.114.", "109.40.", "31.16.", "176.0.", "223.24.", "106.208.", "49.36.", "117.230."}
	mobileV6 = []string{"2600:380:", "2600:387:", "2607:fb90:", "2607:fb91:", "2600:1000:", "2600:1010:", "2a01:598:", "2a02:3037:", "2a04:4540:", "2409:4070:", "2409:40c0:", "2402:3a80:"}
	// Offices and universities.
	officeV4 = []string{"12.", "38.", "64.", "65.", "66.", "63.", "199.", "208.", "195.", "212.", "213.", "217.", "62.", "80.", "128.", "129.", "131.", "193."}
	// CDN shield nodes pulling tiles on cache misses.
	cdnV4 = []string{"13.224.", "13.249.", "99.84.", "143.204.", "151.101.", "146.75."}
	// Uptime monitoring services.
	monitorV4 = []string{"216.144.248.", "69.162.124.", "63.143.42.", "185.180.12.", "178.255.152.", "52.", "34.", "3."}
	// Search engine crawlers.
	crawlerV4 = []string{"66.249.64.", "66.249.66.", "66.249.68.", "157.55.39.", "40.77.167.", "207.46.13."}
	// The payment provider's webhook senders.
	payV4 = []string{"54.187.174.", "54.187.205.", "54.187.216.", "3.18.12.", "3.130.192.", "13.235.14."}
	// Tor exits and bulletproof hosting.
	darkV4 = []string{"185.220.100.", "185.220.101.", "185.220.102.", "199.249.230.", "45.154.255.", "109.70.100.", "45.134.", "193.32.", "91.219.", "194.26.", "80.94.", "141.98."}
)

// household draws a home address: an IPv6 privacy address in a fresh /64
// a share p6 of the time, else an IPv4 one.
func household(l *Log, r *rand.Rand, p6 float64) string {
	if Chance(r, p6) {
		return l.V6In(r, V6Net(r, homeV6))
	}
	return l.V4(r, homeV4)
}

// server draws a cloud or hosting address, now and then an IPv6 one.
func server(l *Log, r *rand.Rand, pool []string) string {
	if Chance(r, 0.08) {
		return l.V6In(r, V6Net(r, cloudV6))
	}
	return l.V4(r, pool)
}

// workplace draws where a developer sits: an office, home, or a cloud
// workstation.
func workplace(l *Log, r *rand.Rand) string {
	switch x := r.Float64(); {
	case x < 0.45:
		return l.V4(r, officeV4)
	case x < 0.9:
		return household(l, r, 0.35)
	}
	return l.V4(r, cloudV4)
}
