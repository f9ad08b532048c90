package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// A region is where some of a site's people live: the address blocks of
// its home broadband, its mobile carriers' IPv6 nets and carrier NAT, and
// the language it searches in.
type region struct {
	name   string
	home   []string
	phones []string
	cgnat  []string
}

var regions = []region{
	{"us", []string{"73.", "24.", "67.", "68.", "69.", "71.", "75.", "76.", "96.", "98.", "99.", "108.", "174."},
		[]string{"2600:1700:", "2600:387:", "2607:fb90:", "2600:1012:", "2603:6010:"},
		[]string{"172.56.", "172.58.", "107.77.", "166.205.", "174.205."}},
	{"eu", []string{"2.", "5.", "31.", "37.", "46.", "78.", "79.", "81.", "82.", "84.", "86.", "88.", "90.", "92.", "94.", "109.", "176.", "188."},
		[]string{"2a01:cb00:", "2a02:8109:", "2a00:23c5:", "2a01:598:", "2a02:3032:", "2a04:4540:"},
		[]string{"80.187.", "176.0.", "109.40.", "37.171."}},
	{"br", []string{"177.", "179.", "186.", "187.", "189.", "191.", "200.", "201."},
		[]string{"2804:14c:", "2804:431:", "2804:18:"},
		[]string{"179.240.", "177.79.", "152.250."}},
	{"jp", []string{"60.", "61.", "110.", "114.", "118.", "119.", "121.", "122.", "124.", "126.", "153.", "180."},
		[]string{"240b:10:", "2400:4050:", "2001:268:", "240a:61:"},
		[]string{"49.96.", "49.97.", "106.128.", "126.166."}},
	{"in", []string{"49.", "103.", "106.", "117.", "122.", "157."},
		[]string{"2409:40:", "2401:4900:", "2402:3a80:"},
		[]string{"157.32.", "157.48.", "106.193."}},
	{"au", []string{"1.", "14.", "27.", "58.", "101.", "120.", "124."},
		[]string{"2001:8003:", "2403:580:", "2001:4479:"},
		[]string{"1.128.", "1.145.", "49.180."}},
}

// Hosting blocks: clouds and rented servers, where bots, peers and most
// tools live, legitimate or not.
var (
	cloudV4 = []string{"34.", "35.", "52.", "54.", "3.", "18.", "13.", "65.108.", "95.216.", "135.181.", "116.202.", "51.75.", "51.89.", "141.94.", "159.89.", "143.198.", "164.90.", "172.105.", "139.162.", "45.33.", "45.79.", "104.131.", "167.99."}
	cloudV6 = []string{"2a01:4f8:", "2a01:4f9:", "2001:41d0:", "2600:3c00:", "2604:a880:", "2a03:b0c0:"}
	// shady are blocks that bulletproof hosts, VPNs and exit relays
	// rent out, where attackers sit beside plenty of honest VPN users.
	shady = []string{"185.220.", "45.", "5.188.", "91.240.", "193.32.", "194.26.", "141.98.", "89.248.", "46.161.", "185.100.", "212.102.", "198.54.", "23.129."}
)

// regionOf draws the region of one person of the site.
func (s *site) regionOf(r *rand.Rand) region {
	if len(s.elsewhere) == 0 || Chance(r, 0.7) {
		return s.region
	}
	return Pick(r, s.elsewhere)
}

// homeIP draws a home broadband address of the site's people.
func (w *world) homeIP(r *rand.Rand) string { return w.l.V4(r, w.s.regionOf(r).home) }

// phoneNet draws the /64 of a phone on a mobile carrier.
func (w *world) phoneNet(r *rand.Rand) string { return V6Net(r, w.s.regionOf(r).phones) }

// hostIP draws an address in a cloud or rented server, IPv6 a share v6 of
// the time.
func (w *world) hostIP(r *rand.Rand, v6 float64) string {
	if Chance(r, v6) {
		return w.l.V6In(r, V6Net(r, cloudV6))
	}
	return w.l.V4(r, cloudV4)
}

// attackerIP draws where a lone attacker sits: a rented server, a VPN or
// exit relay, a home line, or a phone.
func (w *world) attackerIP(r *rand.Rand) string {
	switch Weighted(r, []float64{0.35, 0.3, 0.25, 0.1}) {
	case 0:
		return w.hostIP(r, 0.2)
	case 1:
		return w.l.V4(r, shady)
	case 2:
		return w.homeIP(r)
	}
	return w.l.V6In(r, w.phoneNet(r))
}

// proxyIP draws one exit of a residential proxy pool, the addresses that
// campaigns rent so as to look like the site's own people.
func (w *world) proxyIP(r *rand.Rand) string {
	if Chance(r, 0.15) {
		return w.l.V6In(r, w.phoneNet(r))
	}
	rg := Pick(r, regions)
	if Chance(r, 0.55) {
		rg = w.s.region
	}
	return w.l.V4(r, rg.home)
}
