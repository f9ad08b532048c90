package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// partner is a fixture of the site: a company that calls the API from
// fixed addresses on every day, under its own key.
type partner struct {
	profile string
	name    string
	addrs   []string
	key     string
	ua      string
	rate    float64 // requests a second over all its addresses, for 3000 homes
	share   float64 // share of accounts linked to it; 0 if it serves none
	heavy   bool
	users   []*user
	every   float64  // monitors: seconds between checks
	checks  []string // monitors: what they check
	run     func(d *day, r *rand.Rand, p *partner, cs []*Client)
}

type brand struct{ name, ua string }

var (
	voiceBrands = []brand{
		{"voxhub", "Apache-HttpClient/4.5.14 (Java/17.0.10)"},
		{"orbitvoice", "Go-http-client/2.0"},
		{"castleassist", "okhttp/4.12.0"},
		{"homegraph", "Google-HTTP-Java-Client/1.43.3 (gzip)"},
	}
	automationBrands = []brand{
		{"relayflow", "Relayflow-Poller/2.4 (+https://relayflow.example/bots)"},
		{"hookly", "Hookly/1.18 (+https://hookly.example/robot)"},
		{"zapmesh", "axios/1.7.9"},
	}
	monitorBrands = []brand{
		{"uptimerobot", "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)"},
		{"pingdom", "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)"},
		{"datadog", "Datadog/Synthetics"},
		{"betteruptime", "Mozilla/5.0 (compatible; BetterUptimeBot/1.0; +https://betteruptime.com/)"},
	}
	monitorChecks = []string{"/healthz", "/status.json", "/app/v5/config?platform=ios&build=71400", "/device/v3/time", "/api/v1/ping"}
)

// fixtures draws the site's partners and their addresses.
func fixtures(l *Log, r *rand.Rand) []*partner {
	var ps []*partner
	add := func(p *partner, n int, pool []string) {
		for range n {
			p.addrs = append(p.addrs, l.V4(r, pool))
		}
		ps = append(ps, p)
	}
	for _, b := range shuffled(r, voiceBrands)[:2+r.IntN(2)] {
		add(&partner{profile: "voice-assistant", name: b.name, key: "oc_" + b.name + "_prod", ua: b.ua, heavy: true,
			rate: LogUniform(r, 4, 16), share: Uniform(r, 0.12, 0.4), run: voiceTraffic}, 2+r.IntN(5), cloudV4)
	}
	for _, b := range shuffled(r, automationBrands)[:1+r.IntN(2)] {
		add(&partner{profile: "automation", name: b.name, key: "oc_" + b.name, ua: b.ua, heavy: true,
			rate: LogUniform(r, 3, 12), share: Uniform(r, 0.03, 0.1), run: automationTraffic}, 2+r.IntN(3), cloudV4)
	}
	add(&partner{profile: "webhook", name: "pushrelay", key: "oc_pushrelay", ua: "PushRelay-Webhooks/1.0", heavy: true,
		rate: LogUniform(r, 1, 5), run: receiptTraffic}, 2+r.IntN(2), cloudV4)
	add(&partner{profile: "utility", name: "gridwise", key: "oc_gridwise_dr", ua: "python-requests/2.31.0", heavy: true,
		rate: LogUniform(r, 0.5, 3), share: Uniform(r, 0.1, 0.35), run: utilityTraffic}, 1+r.IntN(2), cloudV4)
	add(&partner{profile: "alarm-center", name: "sentinel", key: "oc_sentinel_cms", ua: "SentinelCMS/8.2 (.NET 8.0.4)", heavy: true,
		share: Uniform(r, 0.02, 0.08), run: alarmTraffic}, 2, cloudV4)
	office := Pick(r, regions[:3])
	add(&partner{profile: "support-office", name: "support", heavy: true, rate: Uniform(r, 8, 25), run: supportTraffic},
		1+r.IntN(2), office.v4)
	add(&partner{profile: "factory", name: "factory", key: "pk_line_" + Hex(r, 8), heavy: true,
		rate: float64(2 + r.IntN(5)), run: factoryTraffic}, 1, ispAP)
	for _, b := range shuffled(r, monitorBrands)[:2+r.IntN(2)] {
		p := &partner{profile: "monitor", name: b.name, ua: b.ua, every: Pick(r, []float64{30, 60, 60, 120}), run: monitorTraffic}
		p.checks = shuffled(r, monitorChecks)[:1+r.IntN(3)]
		add(p, 2+r.IntN(3), Pick(r, [][]string{cloudV4, hostingV4}))
	}
	return ps
}

// shuffled returns a shuffled copy of xs.
func shuffled[T any](r *rand.Rand, xs []T) []T {
	ys := append([]T(nil), xs...)
	r.Shuffle(len(ys), func(i, j int) { ys[i], ys[j] = ys[j], ys[i] })
	return ys
}
