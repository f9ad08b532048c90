package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// fixtures are the site's recurring clients: the same addresses, keys and
// habits every day.
type fixtures struct {
	corps    []*corpNAT
	mirrors  []*mirror
	ciNATs   []*ciNAT
	partners []*partner
}

// corpNAT is a company's egress, which all its developers share.
type corpNAT struct {
	c      *Client
	people int // developers seen behind it today
}

// mirror is an Artifactory- or Nexus-like proxy that replicates the
// registry: it follows the changes feed and fetches what changed.
type mirror struct {
	c    *Client
	key  string
	ua   string
	rate float64 // requests a second
	eco  *ecosystem
}

// ciNAT is a CI provider's (or a company's build farm's) egress, behind
// which many jobs run at once.
type ciNAT struct {
	c        *Client
	provider string
	jobs     float64 // jobs starting a minute
	key      string  // the token its jobs use for private packages
}

// partner is a recurring integration: a security scanner, a dashboard,
// a crawler or an uptime monitor.
type partner struct {
	c     *Client
	kind  string
	key   string
	ua    string
	every float64 // seconds between its rounds
}

// fixtures registers the site's recurring clients, drawing from the
// site's stream only.
func (w *world) fixtures(r *rand.Rand) fixtures {
	var f fixtures
	for range 3 + r.IntN(8) {
		f.corps = append(f.corps, &corpNAT{c: w.newClient(r, corpV4, KindNormal, "corp-nat")})
	}
	for range 2 + r.IntN(4) {
		c := w.newClient(r, dcV4, KindNormal, "mirror")
		c.Heavy = true
		f.mirrors = append(f.mirrors, &mirror{c: c, key: keyID(r), ua: mirrorUA(r), rate: LogUniform(r, 1.5, 12) * w.s.scale, eco: w.s.eco(r)})
	}
	providers := []string{"github-actions", "gitlab-ci", "circleci", "buildkite", "jenkins", "azure-pipelines", "bitbucket-pipelines"}
	for range 3 + r.IntN(5) {
		c := w.newClient(r, cloudV4, KindNormal, "ci-nat")
		c.Heavy = true
		f.ciNATs = append(f.ciNATs, &ciNAT{c: c, provider: Pick(r, providers), jobs: LogUniform(r, 0.5, 3.5) * w.s.scale, key: keyID(r)})
	}
	f.partners = append(f.partners, w.partnerFixtures(r)...)
	return f
}

func (w *world) partnerFixtures(r *rand.Rand) []*partner {
	var out []*partner
	add := func(kind string, prefixes []string, ua string, every float64, key, heavy bool) {
		p := &partner{c: w.newClient(r, prefixes, KindNormal, kind), kind: kind, ua: ua, every: every}
		p.c.Heavy = heavy
		if key {
			p.key = keyID(r)
		}
		out = append(out, p)
	}
	for range 2 + r.IntN(4) {
		add("advisory-scanner", dcV4, Pick(r, scannerUAs), LogUniform(r, 1.5, 12), true, true)
	}
	for range 1 + r.IntN(3) {
		add("dashboard", cloudV4, Pick(r, []string{"python-requests/2.32.3", "axios/1.7.2", "Go-http-client/2.0", "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)"}), LogUniform(r, 10, 60), false, false)
	}
	add("crawler", []string{"66.249."}, "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", LogUniform(r, 0.4, 2), false, true)
	add("crawler", []string{"157.55.", "40.77."}, "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", LogUniform(r, 1, 5), false, false)
	for range 2 + r.IntN(4) {
		add("monitor", dcV4, Pick(r, []string{"UptimeRobot/2.0", "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)", "Datadog/Synthetics", "Better Uptime Bot Mozilla/5.0"}), Pick(r, []float64{30, 60, 60, 300}), false, false)
	}
	return out
}

// markHeavyNATs flags the company NATs behind which enough developers
// worked today to make them much busier than one person.
func (w *world) markHeavyNATs() {
	for _, n := range w.fx.corps {
		n.c.Heavy = n.people >= 4
	}
}

var scannerUAs = []string{
	"snyk-broker/4.190.0", "DependencyTrack/4.11.4", "Mend-Unified-Agent/24.6.1", "Sonatype-Lifecycle/1.178",
	"socket-security/1.2 (+https://socket.dev)", "osv-scanner/1.8.3",
}

func mirrorUA(r *rand.Rand) string {
	return Pick(r, []string{
		"Artifactory/7.90.10 79010900", "Artifactory/7.84.17 78417900", "Nexus/3.70.1-02 (PRO; Linux; 5.15.0-1064-aws; amd64; 17.0.11)",
		"Nexus/3.68.1-02 (OSS; Linux; 5.14.0; amd64; 11.0.22)", "Verdaccio/5.31.1", "ProGet/2024.10 (Windows NT 10.0)",
	})
}
