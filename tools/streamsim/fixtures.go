package main

import (
	"fmt"
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// fixtures are the clients a platform has every day: the CDN's shield
// nodes, the studios that deliver content, catalogue feeds, monitors,
// crawlers, the hotels and campuses whose guests stream, and the mobile
// carrier's NAT pool. They are drawn from the site alone, before anything
// else of the day, so their addresses and keys are the same on every day.
// The day's newcomers (a shield node just brought up, a studio onboarding,
// a telco bundle's first customers) come from address blocks that depend
// on the day, so no earlier day has seen them.
type fixtures struct {
	edges    []*edge
	partners []*partner
	feeds    []*feed
	monitors []*monitor
	crawlers []*crawler
	venues   []*Client
	mobile   []*Client // the carrier's NAT egress pool
	isp      string    // the /24 of the day's newly bundled telco customers
}

type edge struct {
	c        *Client
	pop      string
	key, ua  string
	missRate float64 // VOD cache fills a second
	fresh    bool    // brought up today: a cold cache
}

type partner struct {
	name    string
	cs      []*Client
	key, ua string
	partMB  int     // size of one chunk of a multipart upload
	lanes   int     // chunks in flight at once
	mbps    float64 // upload throughput of one lane, MB/s
	jobs    float64 // uploads started per hour
	fresh   bool    // onboarding today
}

type feed struct {
	c       *Client
	key, ua string
	pace    float64 // seconds between pages
}

type monitor struct {
	cs     []*Client
	ua     string
	period float64
	deep   bool // also plays a probe asset: manifest and first segment
}

type crawler struct {
	c    *Client
	ua   string
	rate float64 // pages a second
}

var studioNames = []string{"northlight", "blue-quarry", "kestrel-media", "harborline-docs", "sable-finch", "orbit-kids", "redwall-pictures", "meridian-sports", "lowtide-films", "paperlantern"}

var uploaderUAs = []string{
	"%s-ingest/2.4.1 python-requests/2.31.0",
	"aws-sdk-go-v2/1.24.1 os/linux lang/go#1.21.6 md/GOOS#linux app/%s-uploader",
	"rclone/v1.65.2 (%s)",
	"%s-mam-connector/5.2 (Java/17.0.10)",
	"Signiant-Media-Shuttle/3.9 (%s)",
}

func newFixtures(l *Log, s *site, seed uint64, day *rand.Rand) *fixtures {
	r := rand.New(rand.NewPCG(s.id, 0xf1c5_7e5))
	fx := &fixtures{}
	cdn := func(lo, hi int) []string {
		var ps []string
		for k := lo; k < hi; k++ {
			ps = append(ps, fmt.Sprintf("%s%d.", s.cdnBlock, k))
		}
		return ps
	}
	for i := range s.edges {
		pop := fmt.Sprintf("%s%d", s.reg.pops[i%len(s.reg.pops)], 1+i/len(s.reg.pops)+r.IntN(2))
		e := &edge{pop: pop, key: "edg_" + Hex(r, 16), missRate: LogUniform(r, 0.05, 0.3)}
		e.c = l.Client(l.V4(r, cdn(0, 100)), KindNormal)
		fx.edges = append(fx.edges, e)
	}
	names := append([]string(nil), studioNames...)
	r.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	for i := range s.partners {
		p := &partner{name: names[i], key: "pk_live_" + Hex(r, 16) + Hex(r, 8), partMB: Pick(r, []int{5, 8, 16, 32, 64, 100}),
			lanes: 1 + r.IntN(4), mbps: LogUniform(r, 8, 90), jobs: LogUniform(r, 1, 8)}
		p.ua = fmt.Sprintf(Pick(r, uploaderUAs), p.name)
		pre := hosting
		if Chance(r, 0.4) {
			pre = s.reg.home
		}
		for range 1 + r.IntN(2) {
			p.cs = append(p.cs, l.Client(l.V4(r, pre), KindNormal))
		}
		fx.partners = append(fx.partners, p)
	}
	for range s.feeds {
		f := &feed{key: "fd_" + Hex(r, 16), pace: Uniform(r, 0.8, 3)}
		f.ua = Pick(r, []string{"WatchGuide-Catalog-Sync/3.2 (+https://watchguide.example/bot)", "StreamFinder Aggregator/1.9", "EPG-Importer/4.0 (Java/11)"})
		f.c = l.Client(l.V4(r, hosting), KindNormal)
		fx.feeds = append(fx.feeds, f)
	}
	for _, m := range []struct {
		ua     string
		period float64
		deep   bool
		probes int
	}{
		{"Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)", 60, false, 2},
		{"Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)", 60, false, 3},
		{"Datadog/Synthetics", 30, true, 2},
		{"Mozilla/5.0 (compatible; Site24x7)", 60, false, 2},
		{"Prometheus/blackbox-exporter/0.24.0", 15, true, 1},
	} {
		if !Chance(r, 0.6) {
			continue
		}
		mo := &monitor{ua: m.ua, period: m.period, deep: m.deep}
		for range m.probes {
			mo.cs = append(mo.cs, l.Client(l.V4(r, hosting), KindNormal))
		}
		fx.monitors = append(fx.monitors, mo)
	}
	for _, c := range []struct {
		ua     string
		blocks []string
		n      int
		rate   float64
	}{
		{"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", []string{"66.249.66.", "66.249.68.", "66.249.79."}, 3, 0.6},
		{"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", []string{"157.55.39.", "40.77.167.", "207.46.13."}, 2, 0.25},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)", []string{"17.241.219.", "17.241.75."}, 1, 0.1},
		{"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", []string{"69.171.249.", "173.252.107."}, 2, 0.04},
	} {
		for range c.n {
			cr := &crawler{ua: c.ua, rate: c.rate * LogUniform(r, 0.5, 2)}
			cr.c = l.Client(l.V4(r, c.blocks), KindNormal)
			cr.c.Profile = "crawler"
			cr.c.Heavy = cr.rate > 0.3
			fx.crawlers = append(fx.crawlers, cr)
		}
	}
	for range s.venues {
		v := l.Client(l.V4(r, s.reg.home), KindNormal)
		v.Profile = "venue-nat"
		fx.venues = append(fx.venues, v)
	}
	for range 30 + r.IntN(90) {
		m := l.Client(l.V4(r, s.reg.mobile), KindNormal)
		m.Profile = "mobile-nat"
		fx.mobile = append(fx.mobile, m)
	}
	for _, e := range fx.edges {
		e.c.Profile, e.c.Heavy = "edge-node", true
		e.ua = fmt.Sprintf("%sEdge/5.%d (shield; pop=%s)", s.brand, 3+s.id%4, e.pop)
	}
	for _, p := range fx.partners {
		for _, c := range p.cs {
			c.Profile, c.Heavy = "partner", true
		}
	}
	for _, f := range fx.feeds {
		f.c.Profile, f.c.Heavy = "catalog-feed", true
	}
	for _, m := range fx.monitors {
		for _, c := range m.cs {
			c.Profile = "monitor"
		}
	}
	fx.newcomers(l, s, seed, day)
	return fx
}

// newcomers adds the day's new fixtures. Their addresses come from blocks
// chosen by the day, which no other day and no other client uses.
func (fx *fixtures) newcomers(l *Log, s *site, seed uint64, r *rand.Rand) {
	// Each comes with its chance; a day without any gets one of them.
	come := []bool{Chance(r, 0.6), Chance(r, 0.45), Chance(r, 0.5)}
	if !come[0] && !come[1] && !come[2] {
		come[r.IntN(3)] = true
	}
	if come[0] {
		pop := Pick(r, []string{"sin", "bom", "jnb", "scl", "waw", "mad", "mxp", "yyz"})
		e := &edge{pop: fmt.Sprintf("%s%d", pop, 1+seed%3), key: "edg_" + Hex(r, 16), missRate: LogUniform(r, 0.5, 1.5), fresh: true}
		e.c = l.Client(l.V4(r, []string{fmt.Sprintf("%s%d.", s.cdnBlock, 128+seed%120)}), KindNormal)
		e.c.Profile, e.c.Heavy = "new-edge", true
		e.ua = fmt.Sprintf("%sEdge/5.%d (shield; pop=%s)", s.brand, 4+s.id%4, e.pop)
		fx.edges = append(fx.edges, e)
	}
	if come[1] {
		name := Pick(r, []string{"tidewater-studios", "greenroom-originals", "fjord-docs", "copperline-anime"})
		p := &partner{name: name, key: "pk_live_" + Hex(r, 16) + Hex(r, 8), partMB: Pick(r, []int{5, 10, 25}), lanes: 1, mbps: LogUniform(r, 4, 30), jobs: 4, fresh: true}
		p.ua = fmt.Sprintf(Pick(r, uploaderUAs), strings.SplitN(name, "-", 2)[0])
		c := l.Client(l.V4(r, []string{fmt.Sprintf("%s%d.", s.newBlock, seed%120)}), KindNormal)
		c.Profile, c.Heavy = "new-partner", true
		p.cs = []*Client{c}
		fx.partners = append(fx.partners, p)
	}
	if come[2] {
		fx.isp = fmt.Sprintf("%s%d.", s.newBlock, 120+seed%120)
	}
}
