package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// site is one platform: what stays the same on every day of it.
type site struct {
	id      uint64
	brand   string // product name, in SDK user agents
	ver     string // API version in paths
	tileExt string
	styles  []string
	markets []city

	big, mid, small []*customer
	launchApp       *customer // the customer whose app may launch
	byPK            map[string]*customer
	web, app        chooser // customers by the end-user traffic they draw
	leakedPK        []*customer
	leakedSK        []*customer

	uptime, synthetic   []*monitor
	cdn, nats, payhooks []string

	nextAcct, jobBase int

	// How this platform's days differ from other platforms'.
	webShare, appShare, devShare float64 // legitimate populations per -clients
	launchP                      float64 // chance that the launch happens on a day
	lone                         [nLone]int
	disguise                     float64 // share of lone attackers in disguise
	resaleP, secondDDoSP         float64
	campaignScale                float64
}

// monitor is a fixed address that checks the platform on a schedule.
type monitor struct {
	ip, ua string
	every  float64  // seconds between rounds
	paths  []string // public URLs it checks
	keys   []*customer
	heavy  bool
}

var (
	brands   = []string{"meridian", "waypoint", "geoloom", "terrabase", "cartola", "atlasly"}
	styles   = []string{"streets", "outdoors", "light", "dark", "satellite-hybrid", "navigation-day", "navigation-night", "terrain"}
	monitors = []string{"UptimeRobot/2.0 (http://www.uptimerobot.com/)", "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)", "Better Stack Bot",
		"Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)", "StatusCake_Pagespeed_Indev", "Site24x7", "Freshping Bot"}
	synthetics = []string{"Datadog/Synthetics", "Checkly/1.0 (https://www.checklyhq.com)", "Grafana-Synthetic-Monitoring/2.3", "NewRelicSynthetics/1.0"}
)

// buildSite draws the platform of a -site from a stream of the site alone.
// The fixtures that must not depend on -clients (large customers,
// monitors, NATs, CDN nodes) are drawn first.
func buildSite(l *Log, id uint64, clients int) *site {
	r := rand.New(rand.NewPCG(id, 0x6465766170697369))
	s := &site{id: id, byPK: map[string]*customer{}}
	s.brand = Pick(r, brands)
	s.ver = Pick(r, []string{"v1", "v2", "v2", "v3"})
	s.tileExt = Pick(r, []string{"pbf", "mvt", "pbf"})
	for _, i := range r.Perm(len(styles))[:3+r.IntN(4)] {
		s.styles = append(s.styles, styles[i])
	}
	for _, i := range r.Perm(len(cities))[:6+r.IntN(14)] {
		s.markets = append(s.markets, cities[i])
	}
	s.webShare = Uniform(r, 0.35, 0.55)
	s.appShare = Uniform(r, 0.15, 0.3)
	s.devShare = Uniform(r, 0.04, 0.08)
	s.launchP = Uniform(r, 0.3, 0.9)
	for k := range s.lone {
		s.lone[k] = 2 + r.IntN(3)
	}
	s.disguise = Uniform(r, 0.3, 0.7)
	s.resaleP = Pick(r, []float64{0, 0.5, 1})
	s.secondDDoSP = Uniform(r, 0, 0.6)
	s.campaignScale = LogUniform(r, 0.5, 1.5)
	s.nextAcct = 1_000_000 + r.IntN(3_000_000)
	s.jobBase = 40_000_000 + r.IntN(20_000_000)

	for range 8 + r.IntN(12) {
		s.big = append(s.big, s.newCustomer(l, r, tierBig))
	}
	for range 3 + r.IntN(5) {
		s.uptime = append(s.uptime, &monitor{ip: l.V4(r, monitorV4), ua: Pick(r, monitors), every: Pick(r, []float64{30, 60, 60, 300}),
			paths: []string{Pick(r, []string{"/status", "/" + s.ver + "/health", "/console/signin", "/docs/"}), "/" + s.ver + "/health"}[:1+r.IntN(2)]})
	}
	for range 2 + r.IntN(3) {
		s.synthetic = append(s.synthetic, &monitor{ip: l.V4(r, cloudV4), ua: Pick(r, synthetics), every: Pick(r, []float64{60, 60, 120, 300})})
	}
	for range 2 + r.IntN(5) {
		s.cdn = append(s.cdn, l.V4(r, cdnV4))
	}
	for range 2 + r.IntN(4) {
		s.nats = append(s.nats, l.V4(r, mobileV4))
	}
	for range 2 + r.IntN(2) {
		s.payhooks = append(s.payhooks, l.V4(r, payV4))
	}

	for range max(6, int(float64(clients)/12*Uniform(r, 0.7, 1.3))) {
		s.mid = append(s.mid, s.newCustomer(l, r, tierMid))
	}
	for range max(10, clients/8) {
		s.small = append(s.small, s.newCustomer(l, r, tierSmall))
	}

	// The launch: a consumer app that is small today and may take off.
	s.launchApp = s.mid[r.IntN(len(s.mid))]
	s.launchApp.app = true
	s.launchApp.kind = Pick(r, []archetype{archetypes[2], archetypes[3], archetypes[6]})
	s.launchApp.pkRate = LogUniform(r, 30, 90)

	all := append(append(append([]*customer{}, s.big...), s.mid...), s.small...)
	for _, cu := range all {
		s.byPK[cu.pk] = cu
		if cu.web {
			s.web.add(cu, cu.pop)
		}
		if cu.app && cu != s.launchApp {
			s.app.add(cu, cu.pop)
		}
	}
	s.app.add(s.launchApp, s.launchApp.pop)
	if len(s.web.items) == 0 {
		s.big[0].web = true
		s.web.add(s.big[0], s.big[0].pop)
	}
	// Keys that got out: in a public repository, a decompiled app, a
	// page's source. The attackers of every day of the site hold them.
	for range 2 + r.IntN(3) {
		s.leakedPK = append(s.leakedPK, s.web.pick(r))
	}
	for range 1 + r.IntN(3) {
		s.leakedSK = append(s.leakedSK, Pick(r, append(append([]*customer{}, s.big...), s.mid...)))
	}
	for _, m := range s.synthetic {
		for range 5 + r.IntN(30) {
			m.keys = append(m.keys, Pick(r, all))
		}
		m.heavy = float64(len(m.keys))/m.every >= 0.1
	}
	return s
}
