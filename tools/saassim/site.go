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

// site is what -site fixes: the country most customers work in, the
// customer workspaces (their size, offices, single sign-on, MFA, VPN), the
// web app's bundle and how it reads (REST or persisted GraphQL queries),
// how updates reach the client (long-polling or server-sent events), the
// share of browsers, the desktop app and phones, the gateway's limits, and
// the integrations that call the API every day.
type site struct {
	region   *region
	tenants  []*tenant
	tweights []float64

	assets    []asset
	apq       bool    // the web app reads through persisted GraphQL GETs
	gqlWeb    float64 // of the web app's reads that go through GraphQL
	gqlMobile float64 // of the phone apps' reads that go through GraphQL
	hashes    map[string]string
	sse       bool    // updates come as an event stream, not long-polls
	hold      float64 // seconds a long-poll is held, or an idle stream kept
	badge     bool    // the web app also polls its unread count

	webShare, desktopShare float64 // of people's devices; the rest are phones
	v6Share                float64 // of homes on IPv6
	natShare               float64 // of phones on mobile data behind carrier NAT
	tokenTTL               float64 // seconds an access token lives
	desktopVersion         string
	electron               string
	mobileVersions         []string

	uploadLimit int64 // bytes one request may carry
	partSize    int64 // bytes of one part of a multipart upload
	limits      limits

	users, userBase int
	taskBase        int // task ids run from here up to w.tasks
	docBase         int
	fileBase        int

	offices  []string // customer offices' NAT addresses
	vpns     []string // corporate VPN egress
	partners []partner
	scanDays float64 // chance the customer's own scanner runs on a day
}

// limits are the gateway's per-address and per-user token buckets on the
// routes people hammer by accident and scripts on purpose.
type limits struct {
	login, search, invite, signup [2]float64 // rate a second, burst
	apiKey                        float64    // requests a second one API key may send
}

// tenant is one customer workspace.
type tenant struct {
	id       int
	slug     string
	domain   string
	sso      string  // the identity provider it signs in with, or ""
	mfa      float64 // of its password sign-ins that ask for a code
	offices  []int   // indexes of site.offices
	inOffice float64 // of its laptops in the office on a workday
	vpn      bool    // its people work through the corporate VPN
	design   bool    // a design team that shares video
	projects []int
	docs     []int
}

type asset struct {
	path string
	kb   float64
}

// partner is one address of an integration that calls the API every day.
type partner struct {
	profile string
	ip      string
	ua      string
	keys    []string // one per customer that connected it
	rate    float64
}

// region is a country: the prefixes of its broadband homes, mobile
// carriers and business lines.
type region struct {
	home     []string
	homeV6   []string
	carrier  []string
	mobileV6 []string
	business []string // offices' fixed lines
	abroad   []string // colleagues and contractors elsewhere
}

var regions = []region{
	{ // United Kingdom
		home:     []string{"81.", "86.", "90.", "92.", "31.48.", "109.150.", "151.224.", "2.24."},
		homeV6:   []string{"2a00:23c5:", "2a02:c7c:", "2a01:4b00:"},
		carrier:  []string{"82.132.", "31.94.", "85.255.", "148.252."},
		mobileV6: []string{"2a01:4c8:", "2a00:23ee:", "2a02:c7f:"},
		business: []string{"195.171.", "212.36.", "81.145.", "194.73.", "62.172."},
		abroad:   []string{"73.", "24.", "49.36.", "103.21.", "86.44."},
	},
	{ // Germany
		home:     []string{"84.", "91.", "93.", "79.", "87.", "94.", "95.90."},
		homeV6:   []string{"2003:", "2a02:8109:", "2a02:810d:", "2a01:c22:"},
		carrier:  []string{"80.187.", "109.40.", "176.2.", "46.114."},
		mobileV6: []string{"2a01:598:", "2a02:3032:", "2a02:8070:"},
		business: []string{"217.6.", "62.153.", "212.204.", "193.158.", "80.156."},
		abroad:   []string{"83.164.", "85.5.", "178.191.", "49.36.", "46.205."},
	},
	{ // Netherlands
		home:     []string{"77.", "83.", "84.24.", "145.", "86.80.", "62.45."},
		homeV6:   []string{"2a02:a44:", "2001:1c00:", "2a02:a212:"},
		carrier:  []string{"62.140.", "31.201.", "92.66.", "188.88."},
		mobileV6: []string{"2a02:a46:", "2a02:a58:", "2a02:a45:"},
		business: []string{"213.126.", "195.240.", "212.78.", "82.94.", "194.109."},
		abroad:   []string{"81.164.", "91.181.", "84.192.", "103.21.", "73."},
	},
	{ // France
		home:     []string{"90.", "86.", "92.", "78.", "88.", "82.", "109."},
		homeV6:   []string{"2a01:cb00:", "2a01:e0a:", "2a02:8424:"},
		carrier:  []string{"37.164.", "37.165.", "77.136.", "92.184."},
		mobileV6: []string{"2a04:cec0:", "2a01:cd00:", "2a02:8428:"},
		business: []string{"193.251.", "194.2.", "212.234.", "62.160.", "80.13."},
		abroad:   []string{"81.164.", "85.5.", "41.249.", "105.157.", "24."},
	},
	{ // Sweden
		home:     []string{"90.224.", "78.72.", "83.248.", "155.4.", "213.64.", "94.254."},
		homeV6:   []string{"2001:9b1:", "2a02:aa1:", "2001:2042:"},
		carrier:  []string{"90.229.", "2.64.", "37.123.", "213.89."},
		mobileV6: []string{"2a02:aa1:1000:", "2001:2043:", "2a05:f6c7:"},
		business: []string{"195.198.", "194.236.", "212.247.", "193.12."},
		abroad:   []string{"84.208.", "88.112.", "85.76.", "49.36."},
	},
}

// Address prefixes of hosting: integrations run in clouds, attackers rent
// machines or proxies, companies route their people through cloud VPNs.
var (
	cloudNets  = []string{"3.", "18.", "52.", "54.", "34.", "35.", "20.", "40.", "13.", "44."}
	vpsNets    = []string{"159.65.", "167.99.", "64.227.", "45.76.", "139.59.", "5.161.", "95.216.", "51.68.", "188.166.", "103.152.", "185.220.", "91.92.", "194.26.", "45.141."}
	vpnNets    = []string{"165.225.", "136.226.", "147.161.", "185.46.212.", "104.129."}
	githubNets = []string{"140.82.112.", "140.82.113.", "140.82.114.", "140.82.115.", "192.30.252."}
)

var (
	brands = []string{"acme", "northwind", "bluefin", "orbital", "kestrel", "harbor", "quill", "lumen", "cobalt", "tandem",
		"fernway", "atlas", "brightline", "summit", "oakridge", "pioneer", "nimbus", "veridian", "copperleaf", "meridian",
		"stonebridge", "wavelength", "redwood", "halcyon", "juniper", "polaris", "saltmarsh", "ironclad", "lattice", "foxglove"}
	kinds = []string{"labs", "studio", "group", "logistics", "health", "capital", "systems", "digital", "foods", "legal",
		"energy", "media", "robotics", "design", "consulting", "analytics", "bio", "retail", "works", "partners"}
	idps = []string{"okta", "entra", "google", "onelogin", "jumpcloud"}
)

// newSite builds the SaaS of -site n.
func newSite(n uint64) *site {
	r := rand.New(rand.NewPCG(n, 0x6c6f6f6d))
	s := &site{region: &regions[r.IntN(len(regions))]}
	draw := New(time.Time{}, 0) // only keeps the fixed addresses apart
	s.users = 30000 + r.IntN(200000)
	s.userBase = 100000 + r.IntN(800000)
	s.taskBase = 2000000 + r.IntN(6000000)
	s.docBase = 300000 + r.IntN(900000)
	s.fileBase = 9000000 + r.IntN(20000000)
	s.newTenants(r, draw)
	h := func() string { return Hex(r, 10) }
	s.assets = []asset{
		{"/assets/runtime." + h() + ".js", 6},
		{"/assets/vendor." + h() + ".js", 1400},
		{"/assets/app." + h() + ".js", 900},
		{"/assets/app." + h() + ".css", 180},
		{"/assets/editor." + h() + ".js", 520},
		{"/assets/fonts/inter-var.woff2", 310},
		{"/assets/icons." + h() + ".svg", 60},
		{"/favicon.ico", 5},
		{"/manifest.webmanifest", 1},
	}
	s.apq = Chance(r, 0.5)
	s.gqlWeb = Pick(r, []float64{0.2, 0.5, 0.8})
	s.gqlMobile = Uniform(r, 0.6, 1)
	s.hashes = map[string]string{}
	for _, op := range gqlOps {
		s.hashes[op] = Hex(r, 16) + Hex(r, 16) + Hex(r, 16) + Hex(r, 16)
	}
	s.sse = Chance(r, 0.5)
	s.hold = Pick(r, []float64{20, 25, 30, 55})
	s.badge = Chance(r, 0.4)
	s.webShare = Uniform(r, 0.5, 0.7)
	s.desktopShare = Uniform(r, 0.12, 0.3)
	s.v6Share = Uniform(r, 0.1, 0.4)
	s.natShare = Uniform(r, 0.2, 0.5)
	s.tokenTTL = Pick(r, []float64{300, 600, 900, 1800})
	s.desktopVersion = fmt.Sprintf("3.%d.%d", 10+r.IntN(9), r.IntN(6))
	s.electron = Pick(r, []string{"Chrome/128.0.6613.186 Electron/32.2.5", "Chrome/130.0.6723.137 Electron/33.2.1", "Chrome/126.0.6478.234 Electron/31.7.6"})
	major, minor := 5+r.IntN(2), 2+r.IntN(12)
	for i := range 3 {
		s.mobileVersions = append(s.mobileVersions, fmt.Sprintf("%d.%d.%d", major, max(0, minor-i), r.IntN(5)))
	}
	s.uploadLimit = int64(Pick(r, []int{50, 100, 250})) << 20
	s.partSize = int64(Pick(r, []int{5, 8, 16})) << 20
	s.limits = limits{
		login:  [2]float64{Uniform(r, 0.3, 0.6), float64(15 + r.IntN(16))},
		search: [2]float64{Uniform(r, 2, 5), float64(25 + r.IntN(26))},
		invite: [2]float64{Uniform(r, 0.05, 0.15), float64(5 + r.IntN(6))},
		signup: [2]float64{Uniform(r, 0.02, 0.05), float64(3 + r.IntN(3))},
		apiKey: Pick(r, []float64{5, 10, 20}),
	}
	s.newPartners(r, draw)
	s.scanDays = Uniform(r, 0.3, 0.6)
	return s
}

// newTenants draws the customer workspaces: a few big companies with
// offices of their own and most of the people, and a long tail of small
// teams working from home.
func (s *site) newTenants(r *rand.Rand, draw *Log) {
	names := map[string]bool{}
	for i := range 40 + r.IntN(80) {
		slug := ""
		for slug == "" || names[slug] {
			slug = Pick(r, brands) + "-" + Pick(r, kinds)
		}
		names[slug] = true
		t := &tenant{id: 10000 + i*97 + r.IntN(90), slug: slug, domain: strings.ReplaceAll(slug, "-", "") + Pick(r, []string{".com", ".io", ".eu", ".co"})}
		weight := 1 / (2.5 + float64(i)*Uniform(r, 0.5, 1.5))
		if Chance(r, 0.5) {
			t.sso = Pick(r, idps)
		}
		t.mfa = Pick(r, []float64{0, 0, 0.3, 1})
		// The bigger customers have offices, and their people are in them
		// on a workday morning.
		if i < 12 || Chance(r, 0.15) {
			n := 1 + Weighted(r, []float64{0.6, 0.3, 0.1})
			if i < 3 {
				n += 1 + r.IntN(2) // headquarters and regional offices
			}
			for range n {
				s.offices = append(s.offices, draw.V4(r, s.region.business))
				t.offices = append(t.offices, len(s.offices)-1)
			}
			t.inOffice = Uniform(r, 0.3, 0.8)
		}
		t.vpn = Chance(r, 0.25)
		t.design = Chance(r, 0.2)
		base := 1000 + r.IntN(90000)
		for range 3 + r.IntN(30) {
			base += 1 + r.IntN(400)
			t.projects = append(t.projects, base)
		}
		for range 10 + r.IntN(60) {
			t.docs = append(t.docs, s.docBase+r.IntN(400000))
		}
		s.tenants = append(s.tenants, t)
		s.tweights = append(s.tweights, weight)
	}
	for range 3 + r.IntN(6) {
		s.vpns = append(s.vpns, draw.V4(r, vpnNets))
	}
}

// newPartners draws the integrations the customers connected: the same
// addresses, user agents and keys on every day.
func (s *site) newPartners(r *rand.Rand, draw *Log) {
	keys := func(prefix string, n int) []string {
		var ks []string
		for range n {
			ks = append(ks, apikey.ID(prefix+Hex(r, 16)+Hex(r, 16)))
		}
		return ks
	}
	add := func(profile string, nets []string, ua string, ks []string, rate float64) {
		s.partners = append(s.partners, partner{profile: profile, ip: draw.V4(r, nets), ua: ua, keys: ks, rate: rate})
	}
	for range 2 + r.IntN(3) {
		ua := Pick(r, []string{"Jenkins/2.479.2", "buildkite-agent/3.87.1 (linux; amd64)", "GitLab-Runner 17.6.0 (17-6-stable; go1.22.7; linux/amd64)", "curl/8.5.0", "loomdesk-ci-action/1.4.2 node/20.18.1"})
		add("ci-bot", append(cloudNets, s.region.business...), ua, keys("ld_live_ci_", 1), Uniform(r, 0.01, 0.05))
	}
	ua := Pick(r, []string{"Fivetran/1.0 (+https://fivetran.com)", "Airbyte/1.2.0 (source-loomdesk 0.4.11)", "Stitch-Loomdesk-Tap/2.3", "python-httpx/0.27.2"})
	for range 1 + r.IntN(2) {
		add("warehouse-sync", cloudNets, ua, keys("ld_live_sync_", 2+r.IntN(5)), Uniform(r, 4, 12))
	}
	auto := Pick(r, []string{"Zapier", "Make/production (https://www.make.com)", "n8n"})
	for range 2 + r.IntN(3) {
		add("automation", cloudNets, auto, keys("ld_oauth_", 30+r.IntN(120)), Uniform(r, 0.5, 2.5))
	}
	add("backup", cloudNets, Pick(r, []string{"Rewind-Backups/4.2 (+https://rewind.com)", "BackupLoom/1.9.0", "Go-http-client/2.0"}), keys("ld_live_bak_", 3+r.IntN(8)), Uniform(r, 2, 6))
	add("tenant-scanner", cloudNets, Pick(r, scannerUAs), keys("ld_live_sec_", 1), Uniform(r, 3, 12))
	probe := Pick(r, []string{"Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)", "Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)", "Better Uptime Bot Mozilla/5.0", "Checkly/1.0 (https://www.checklyhq.com)"})
	for range 3 + r.IntN(4) {
		add("uptime", cloudNets, probe, nil, Uniform(r, 1.0/60, 1.0/20))
	}
	for range 2 + r.IntN(3) {
		add("github-hooks", githubNets, "GitHub-Hookshot/"+Hex(r, 7), nil, Uniform(r, 0.1, 0.8))
	}
	for range 2 + r.IntN(2) {
		add("slack", cloudNets, "Slackbot 1.0 (+https://api.slack.com/robots)", nil, Uniform(r, 0.05, 0.4))
	}
	add("billing-hooks", cloudNets, "Stripe/1.0 (+https://stripe.com/docs/webhooks)", nil, Uniform(r, 0.01, 0.04))
	for range 1 + r.IntN(3) {
		// A customer's own cron job with a personal token and no user agent.
		add("customer-script", s.region.business, "", keys("ld_pat_", 1), Uniform(r, 1.0/60, 1.0/15))
	}
}

// user returns one of the site's registered people.
func (s *site) user(r *rand.Rand) string { return "u" + strconv.Itoa(s.userBase+r.IntN(s.users)) }

// tenant draws a workspace by its share of the day's people.
func (s *site) tenant(r *rand.Rand) *tenant { return s.tenants[Weighted(r, s.tweights)] }

// desktopUA returns the user agent of the desktop app on a person's
// laptop.
func (s *site) desktopUA(r *rand.Rand) string {
	os := Pick(r, []string{"Windows NT 10.0; Win64; x64", "Macintosh; Intel Mac OS X 10_15_7", "Macintosh; Intel Mac OS X 10_15_7", "X11; Linux x86_64"})
	return "Mozilla/5.0 (" + os + ") AppleWebKit/537.36 (KHTML, like Gecko) Loomdesk/" + s.desktopVersion + " " + s.electron + " Safari/537.36"
}

// mobileUA returns the user agent of the phone app.
func (s *site) mobileUA(r *rand.Rand) string {
	v := s.mobileVersions[Weighted(r, []float64{0.6, 0.3, 0.1})]
	if Chance(r, 0.5) {
		return fmt.Sprintf("Loomdesk-iOS/%s (%s; iOS %s; Scale/3.00)", v, Pick(r, []string{"iPhone15,3", "iPhone14,5", "iPhone16,1", "iPhone13,2", "iPad13,4"}), Pick(r, []string{"18.2.1", "18.3", "17.6.1", "18.1.1"}))
	}
	return fmt.Sprintf("Loomdesk-Android/%s (Linux; U; Android %d; %s) okhttp/4.12.0", v, 12+r.IntN(4), Pick(r, []string{"Pixel 8", "SM-S921B", "SM-A546B", "Pixel 7a", "CPH2451", "moto g84 5G"}))
}

var (
	browserUAs = []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/132.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Safari/605.1.15",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:134.0) Gecko/20100101 Firefox/134.0",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
	}
	phoneBrowserUAs = []string{
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_2_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
		"Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
	}
	scannerUAs = []string{
		"Mozilla/5.0 (compatible; Detectify) +https://detectify.com/bot/",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Tenable.io WAS",
		"Mozilla/5.0 (compatible; QualysWAS/2.0)",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
	}
	toolUAs = []string{"python-requests/2.32.3", "curl/8.5.0", "Go-http-client/1.1", "axios/1.7.9", ""}
)

// pickN returns n distinct elements of xs in random order.
func pickN[T any](r *rand.Rand, xs []T, n int) []T {
	out := slices.Clone(xs)
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out[:min(n, len(out))]
}

func itoa(n int) string { return strconv.Itoa(n) }
