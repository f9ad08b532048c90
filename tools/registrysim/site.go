package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// site is one registry instance: what it serves and how its gateway and
// backends behave. Everything here is drawn from the site's own stream, so
// it is the same on every day.
type site struct {
	id    uint64
	scale float64 // machine traffic relative to a mid-sized registry
	ecos  []*ecosystem
	// orgs are the private organisation scopes whose packages answer only
	// to a token of a member.
	orgs []string
	// companies are the firms whose developers sit behind the corporate
	// NATs; their internal package names are what dependency confusion
	// guesses at.
	companies []string
	cdn       float64 // share of tarballs answered with a 302 to the CDN
	// limit and burst are the gateway's per-address token bucket; partners
	// with a contract get trusted times more.
	limit, burst, trusted float64
	overload              float64  // chance of an overloaded backend spell in a quarter hour
	corpShare, v6Share    float64  // shares of developers behind a company NAT, on IPv6
	campaignSize          float64  // scales the campaigns' address counts
	second                float64  // chance of a second lone attacker of a kind
	webShare              float64  // share of people who come for the web UI only
	assets                []string // the web UI's static files
}

func newSite(id uint64, r *rand.Rand) *site {
	s := &site{
		id:           id,
		scale:        LogUniform(r, 0.6, 1.4),
		cdn:          Pick(r, []float64{0, 0.15, 0.4, 0.7}),
		limit:        Uniform(r, 40, 90),
		burst:        Uniform(r, 250, 700),
		trusted:      Uniform(r, 5, 12),
		overload:     Uniform(r, 0.2, 0.9),
		corpShare:    Uniform(r, 0.15, 0.4),
		v6Share:      Uniform(r, 0.08, 0.25),
		campaignSize: Uniform(r, 0.5, 1),
		second:       Uniform(r, 0.1, 0.5),
		webShare:     Uniform(r, 0.25, 0.45),
	}
	s.companies = pickDistinct(r, companyNames, 4+r.IntN(6))
	s.orgs = pickDistinct(r, s.companies, 2+r.IntN(3))
	s.ecos = []*ecosystem{newEcosystem(r, "npm", 1, s)}
	if Chance(r, 0.6) {
		s.ecos = append(s.ecos, newEcosystem(r, "pypi", Uniform(r, 0.15, 0.5), s))
	}
	if Chance(r, 0.45) {
		s.ecos = append(s.ecos, newEcosystem(r, "oci", Uniform(r, 0.05, 0.2), s))
	}
	s.assets = siteAssets(r)
	return s
}

// eco draws the ecosystem of one install, by the site's weights.
func (s *site) eco(r *rand.Rand) *ecosystem {
	ws := make([]float64, len(s.ecos))
	for i, e := range s.ecos {
		ws[i] = e.weight
	}
	return s.ecos[Weighted(r, ws)]
}

// npm returns the site's main ecosystem, which every instance serves.
func (s *site) npm() *ecosystem { return s.ecos[0] }

// pickDistinct returns n different elements of xs (all of them if n is
// larger), in a random order.
func pickDistinct(r *rand.Rand, xs []string, n int) []string {
	p := r.Perm(len(xs))
	out := make([]string, 0, min(n, len(xs)))
	for _, i := range p[:min(n, len(xs))] {
		out = append(out, xs[i])
	}
	return out
}

var companyNames = []string{
	"acme", "globex", "initech", "umbrella", "hooli", "vandelay", "wayne", "stark",
	"tyrell", "cyberdyne", "soylent", "wonka", "gringotts", "oscorp", "piedpiper",
	"massive", "monarch", "nakatomi", "wernham", "dunder",
}

// Address prefixes by who holds them. Home and mobile ones are where
// people and residential proxies are; cloud ones where CI runners, VPSs
// and attackers' servers are.
var (
	homeV4   = []string{"73.", "98.", "24.", "71.", "86.", "81.", "92.", "151.", "176.", "109.", "2.", "90.", "84.", "79.", "187.", "177.", "49.", "110.", "122.", "61."}
	mobileV4 = []string{"172.56.", "172.58.", "107.77.", "166.175.", "100.4.", "37.160.", "46.114."}
	homeV6   = []string{"2a02:8109:", "2600:1700:", "2a01:cb00:", "2001:569:", "2607:fb90:", "2a02:a210:", "2400:4050:"}
	cloudV4  = []string{"20.", "52.", "13.", "40.", "4.", "34.", "35.", "3.", "18.", "54."}
	corpV4   = []string{"12.", "63.", "198.", "208.", "64.", "199.", "193."}
	dcV4     = []string{"185.", "195.", "45.", "88.198.", "136.243.", "5.9.", "51.", "94.130."}
	vpsV4    = []string{"45.", "91.", "103.", "185.", "193.", "194.", "89.", "141.98.", "167.94.", "80.82."}
)
