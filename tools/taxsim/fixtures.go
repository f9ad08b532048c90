package main

import (
	"fmt"
	"math/rand/v2"
	"time"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// partner is an organisation that calls the agency with a key of its own
// from fixed addresses: e-file software, a payroll provider, a bank, a
// research group on the open data.
type partner struct {
	profile, key, ua string
	ips              []string
	rate             float64 // its busiest call a second per address
	batch            float64 // returns or wage statements per submission
}

// office is a tax preparer's office: one address, a few staff filing for
// dozens of clients each.
type office struct {
	ip          string
	staff, uas  []string
	pace        float64 // how fast its staff work, 1 for the usual
	coworkSpace bool
}

// bot is a crawler, an uptime monitor, an accessibility checker or a
// link-preview fetcher.
type bot struct {
	profile, ua string
	ips         []string
	rate        float64 // requests a second over all its addresses
	pages       int     // pages a visit reads
}

type botKind struct {
	profile, ua string
	nets        []string // nil: the site's own hosting
	n           [2]int
	rate        [2]float64
	pages       int
	chance      float64
}

var botKinds = []botKind{
	{"crawler", "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Googlebot/2.1; +http://www.google.com/bot.html) Chrome/134.0.6998.165 Safari/537.36", []string{"66.249.66.", "66.249.79.", "66.249.68."}, [2]int{3, 8}, [2]float64{0.6, 3}, 1, 1},
	{"crawler", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", []string{"157.55.39.", "40.77.167.", "207.46.13."}, [2]int{2, 6}, [2]float64{0.3, 2}, 1, 0.9},
	{"crawler", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)", []string{"17.241.219.", "17.241.227."}, [2]int{1, 4}, [2]float64{0.1, 0.8}, 1, 0.6},
	{"crawler", "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)", []string{"5.255.231.", "213.180.203."}, [2]int{1, 3}, [2]float64{0.05, 0.5}, 1, 0.4},
	{"crawler", "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", []string{"54.36.148.", "51.222.253."}, [2]int{1, 4}, [2]float64{0.2, 1.5}, 1, 0.7},
	{"crawler", "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)", []string{"185.191.171."}, [2]int{1, 3}, [2]float64{0.1, 1}, 1, 0.5},
	{"crawler", "Mozilla/5.0 (Linux; Android 7.0;) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; PetalBot;+https://webmaster.petalsearch.com/site/petalbot)", []string{"114.119.134.", "114.119.146."}, [2]int{1, 3}, [2]float64{0.05, 0.6}, 1, 0.4},
	{"archive", "Mozilla/5.0 (compatible; heritrix/3.4.0 +https://webarchive.gov.example/crawler)", nil, [2]int{1, 2}, [2]float64{0.2, 1.2}, 1, 0.5},
	{"monitor", "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)", []string{"216.144.250.", "69.162.124.", "63.143.42."}, [2]int{2, 5}, [2]float64{0.05, 0.3}, 3, 0.8},
	{"monitor", "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)", []string{"5.178.78.", "185.180.12.", "178.255.152."}, [2]int{2, 6}, [2]float64{0.05, 0.4}, 3, 0.6},
	{"monitor", "Site24x7", []string{"87.252.213.", "136.143.176."}, [2]int{2, 4}, [2]float64{0.03, 0.2}, 2, 0.4},
	{"monitor", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36 Checkly/2.0", nil, [2]int{2, 4}, [2]float64{0.05, 0.25}, 6, 0.8},
	{"accessibility", "Mozilla/5.0 (compatible; Siteimprove Accessibility Checker; +https://siteimprove.com)", []string{"185.229.145.", "94.231.107."}, [2]int{1, 3}, [2]float64{0.1, 1}, 12, 0.7},
	{"accessibility", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Chrome-Lighthouse", nil, [2]int{1, 2}, [2]float64{0.02, 0.2}, 6, 0.5},
	{"link-preview", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", []string{"69.171.249.", "173.252.83.", "66.220.149."}, [2]int{4, 12}, [2]float64{0.02, 0.3}, 1, 0.9},
	{"link-preview", "Twitterbot/1.0", []string{"199.16.157.", "199.59.150."}, [2]int{2, 6}, [2]float64{0.01, 0.1}, 1, 0.6},
	{"link-preview", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", []string{"54.209.84.", "3.85.233."}, [2]int{2, 5}, [2]float64{0.01, 0.1}, 1, 0.6},
	{"link-preview", "WhatsApp/2.24.6.77 A", []string{"31.13.103.", "157.240.22."}, [2]int{3, 10}, [2]float64{0.02, 0.3}, 1, 0.8},
	{"link-preview", "TelegramBot (like TwitterBot)", []string{"149.154.161."}, [2]int{1, 3}, [2]float64{0.01, 0.1}, 1, 0.5},
	{"link-preview", "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", []string{"35.227.62."}, [2]int{1, 3}, [2]float64{0.005, 0.05}, 1, 0.4},
	{"link-preview", "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)", []string{"108.174.2."}, [2]int{1, 3}, [2]float64{0.005, 0.05}, 1, 0.4},
}

var universities = []string{"128.32.", "130.237.", "141.2.", "193.136.", "145.97.", "129.215.", "134.91.", "147.142."}

var scripts = []string{"python-requests/2.32.3", "python-requests/2.31.0", "Python-urllib/3.11", "R (4.4.1 x86_64-pc-linux-gnu x86_64 linux-gnu) httr/1.4.7", "curl/8.5.0", "Go-http-client/2.0", "Wget/1.21.4", "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)", "aiohttp/3.9.5", "Julia/1.10 HTTP.jl"}

// fixtures draws what recurs on every day of the site: partners, offices,
// libraries, bots, each at addresses of its own.
func (s *site) fixtures(r *rand.Rand) {
	pool := New(time.Time{}, 0)
	addrs := func(nets []string, n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = pool.V4(r, nets)
		}
		return out
	}
	for i, n := range []int{2 + r.IntN(5), 1 + r.IntN(3), 2 + r.IntN(4), 2 + r.IntN(4)} {
		for range n {
			p := s.partner(r, []string{"efile-partner", "payroll-provider", "bank", "research-group"}[i])
			if i == 3 {
				p.ips = addrs(universities, 1+r.IntN(2))
				s.scholars = append(s.scholars, p)
				continue
			}
			n := 1 + r.IntN(3)
			if i == 0 { // e-file software runs on a few servers
				n += r.IntN(3)
			}
			p.ips = addrs(s.cloud, n)
			s.partners = append(s.partners, p)
		}
	}
	for i := range 5 + r.IntN(10) {
		o := &office{ip: addrs(s.home, 1)[0], pace: LogUniform(r, 0.6, 1.8), coworkSpace: i < 1+r.IntN(2)}
		for range 2 + r.IntN(8) {
			o.staff = append(o.staff, "prep-"+Hex(r, 8))
			o.uas = append(o.uas, Pick(r, s.desktop))
		}
		s.offices = append(s.offices, o)
	}
	s.libraries = addrs(s.home, 3+r.IntN(8))
	for _, k := range botKinds {
		if !Chance(r, k.chance) {
			continue
		}
		nets := k.nets
		if nets == nil {
			nets = s.cloud
		}
		b := &bot{profile: k.profile, ua: k.ua, rate: Uniform(r, k.rate[0], k.rate[1]), pages: k.pages}
		b.ips = addrs(nets, k.n[0]+r.IntN(k.n[1]-k.n[0]+1))
		s.bots = append(s.bots, b)
	}
}

var (
	brandA = []string{"Tax", "File", "Ledger", "Return", "Quick", "Clear", "Summit", "North", "Harbor", "Beacon", "Civic", "Pay", "Fjord", "Alto"}
	brandB = []string{"Wise", "Pro", "Direct", "Flow", "Point", "Works", "Stream", "Line", "Desk", "Hub", "Soft", "Logic"}
)

// partner draws one organisation of the profile.
func (s *site) partner(r *rand.Rand, profile string) *partner {
	name := Pick(r, brandA) + Pick(r, brandB)
	p := &partner{profile: profile, key: "k_" + Hex(r, 16) + Hex(r, 8)}
	switch profile {
	case "efile-partner":
		p.rate, p.batch = LogUniform(r, 0.5, 3.5), LogUniform(r, 20, 300)
		p.ua = Pick(r, []string{
			fmt.Sprintf("%sEFile/%d.%d (+https://%s.example/efile)", name, 2+r.IntN(6), r.IntN(20), name),
			fmt.Sprintf("Apache-HttpClient/4.5.%d (Java/17.0.%d)", 10+r.IntN(5), 2+r.IntN(10)),
			fmt.Sprintf("%s-Transmitter/%d.%d .NET/8.0", name, 1+r.IntN(9), r.IntN(10))})
	case "payroll-provider":
		p.rate, p.batch = LogUniform(r, 0.1, 0.6), LogUniform(r, 200, 5000)
		p.ua = fmt.Sprintf("%s Payroll Connector/%d.%d (okhttp/4.11.0)", name, 1+r.IntN(5), r.IntN(10))
	case "bank":
		p.rate = LogUniform(r, 0.3, 3.5)
		p.ua = Pick(r, []string{"Java-http-client/21.0.2", "Go-http-client/1.1", fmt.Sprintf("%sBank-IntegrationHub/%d.%d", Pick(r, brandA), 3+r.IntN(4), r.IntN(10))})
	default:
		p.key = s.openKey
		p.rate = LogUniform(r, 0.15, 2)
		p.ua = Pick(r, scripts)
	}
	return p
}
