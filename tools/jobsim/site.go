package main

import (
	"fmt"
	"math/rand/v2"
	"slices"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// site is one job board instance. Everything that makes one site differ
// from another (its size, its URL scheme, how many partners it has, how
// its users reach it, which attacks it draws) is drawn from the site
// number, so that both days of a site agree on it.
type site struct {
	brand    string   // product name the app's user agent carries
	scale    float64  // job seekers per -clients
	web      float64  // share of job seekers on a browser rather than the app
	v6       float64  // share of app users on IPv6 rather than carrier NAT
	api      string   // prefix of the JSON API ("/api/v2")
	job      string   // prefix of a posting's page ("/jobs/")
	feed     string   // job feed path the aggregators pull
	hash     string   // build hash in the static asset names
	cvLimit  int64    // largest upload the site accepts, bytes
	nATS     int      // employers' ATS integrations
	nAgg     int      // job aggregators pulling feeds
	nCarrier int      // carrier NAT addresses the app users share
	home     []string // residential prefixes of its users
	lone     [6]int   // lone attackers of each kind a test day holds, or one fewer
	ddosMax  int      // most addresses of its distributed flood
}

// brands name the site's product in the app's user agent.
var brands = []string{"Hirely", "JobNest", "WorkWave", "TalentTap", "CareerPort", "Jobsy"}

// residential holds the ISP prefixes home users, proxies and botnets share.
var residential = []string{"73.", "24.", "98.", "67.", "76.", "108.", "71.", "174.", "81.", "86.", "90.", "2.", "5.", "85.", "92.", "79.", "31.", "46.", "151.", "88."}

// carriers are mobile operators' NAT pools and IPv6 nets.
var (
	carrierV4 = []string{"172.56.", "172.58.", "107.77.", "166.205.", "174.192.", "100.36.", "37.120."}
	carrierV6 = []string{"2607:fb90:", "2600:380:", "2600:1010:", "2a01:598:", "2a02:3030:"}
	homeV6    = []string{"2600:1700:", "2a02:8109:", "2001:56a:", "2a01:e0a:"}
	offices   = []string{"12.", "63.", "64.", "38.", "208.", "65.", "198.", "204."}
	cloud     = []string{"3.", "18.", "34.", "35.", "52.", "54.", "13.", "20.", "40.", "104.196."}
	hosting   = []string{"45.", "185.", "193.", "194.", "91.", "5.188.", "141.98.", "89.248.", "103.", "62.210."}
)

// newSite draws the site numbered n.
func newSite(n uint64) site {
	r := rand.New(rand.NewPCG(n, 0x517e))
	s := site{
		brand:    Pick(r, brands),
		scale:    Uniform(r, 1.05, 1.35),
		web:      Uniform(r, 0.45, 0.65),
		v6:       Uniform(r, 0.15, 0.55),
		api:      Pick(r, []string{"/api/v1", "/api/v2", "/v3/api", "/api"}),
		job:      Pick(r, []string{"/jobs/", "/job/", "/vacancies/", "/positions/"}),
		feed:     Pick(r, []string{"/feeds/jobs.xml", "/partner/feed/jobs.xml", "/xml/jobs"}),
		hash:     fmt.Sprintf("%08x", r.Uint32()),
		cvLimit:  int64(Pick(r, []int{10, 15, 20})) << 20,
		nATS:     6 + r.IntN(8),
		nAgg:     3 + r.IntN(5),
		nCarrier: 4 + r.IntN(6),
		ddosMax:  60 + r.IntN(140),
	}
	home := slices.Clone(residential)
	r.Shuffle(len(home), func(i, j int) { home[i], home[j] = home[j], home[i] })
	s.home = home[:8+r.IntN(6)]
	for i := range s.lone {
		s.lone[i] = 1 + r.IntN(4)
	}
	return s
}
