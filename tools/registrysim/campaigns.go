package main

import (
	"fmt"
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// campaign is one attack spread over many addresses, each of them slow:
// an attempt every so often, so that no address stands out by its rate.
type campaign struct {
	kind     string
	members  int
	t0, join int64      // the first member starts at t0, the last by t0+join
	gap      [2]float64 // seconds between one member's attempts
	prefixes [][]string
	// ua draws a member's user agent; attempt sends one attempt of member
	// a at t, its n-th.
	ua      func(*rand.Rand) string
	attempt func(r *rand.Rand, a *agent, t int64, n int) int64
}

// campaigns adds the day's campaigns. Every day but the training day has
// each kind; the training day has two small ones, as a calm day of a real
// registry would.
func (w *world) campaigns(r *rand.Rand) {
	kinds := []func(*rand.Rand) campaign{w.spray, w.confusion, w.ddos, w.stuffing, w.typosquat}
	if w.training() {
		kinds = []func(*rand.Rand) campaign{w.spray, w.confusion}
	}
	for i, k := range kinds {
		r := Sub(r)
		cp := k(r)
		w.runCampaign(r, cp, fmt.Sprintf("%s-%d%s", cp.kind, w.cfg.Seed, Hex(r, 4)))
		if i == 1 && !w.training() && Chance(r, w.s.second) {
			cp := k(r)
			w.runCampaign(r, cp, fmt.Sprintf("%s-%d%s", cp.kind, w.cfg.Seed, Hex(r, 4)))
		}
	}
}

// members draws a campaign's address count: 20 to 150 by the site, 20 to
// 30 on the training day.
func (w *world) members(r *rand.Rand) int {
	if w.training() {
		return 20 + r.IntN(11)
	}
	return max(20, int(Uniform(r, 20, 150)*w.s.campaignSize))
}

// runCampaign registers the members and sends their attempts. Each joins
// at a time of its own and keeps on until the end of the window.
func (w *world) runCampaign(r *rand.Rand, cp campaign, id string) {
	for range cp.members {
		r := Sub(r)
		c := w.newClient(r, Pick(r, cp.prefixes), cp.kind, "")
		c.Campaign = id
		a := &agent{w: w, c: c, ua: cp.ua(r), attack: true}
		t := cp.t0 + int64(r.Float64()*float64(cp.join))
		for n := 0; t < w.win; n++ {
			t += cp.attempt(r, a, t, n) + Sec(Uniform(r, cp.gap[0], cp.gap[1]))
		}
	}
}

// start draws a campaign's start and the time over which its members join.
func (w *world) start(r *rand.Rand) (int64, int64) {
	return w.at(r, 0.04, 0.4), min(w.win*35/100, Sec(LogUniform(r, 60, 600)))
}

// spray tries stolen tokens against whoami and against publishing: most
// were revoked (401), a few still work.
func (w *world) spray(r *rand.Rand) campaign {
	t0, join := w.start(r)
	npm := w.s.npm()
	target := npm.cat.top(r, 40)
	return campaign{
		kind: "spray", members: w.members(r), t0: t0, join: join, gap: [2]float64{10, 90},
		prefixes: [][]string{homeV4, mobileV4, vpsV4},
		ua:       func(r *rand.Rand) string { return npm.ua(r, "") },
		attempt: func(r *rand.Rand, a *agent, t int64, n int) int64 {
			a.key = keyID(r)
			status := 401
			if Chance(r, 0.04) {
				status = 200
			}
			if Chance(r, 0.3) {
				if status == 200 {
					status = 403
				}
				return a.send(t, a.upload(r, "PUT", "/"+target.name, status, int64(LogUniform(r, 2e4, 2e6)), 20))
			}
			return a.send(t, a.get(r, "/-/whoami", status, 60, 6))
		},
	}
}

// confusion probes for internal package names of the site's companies,
// looking for one to publish publicly before the company does.
func (w *world) confusion(r *rand.Rand) campaign {
	t0, join := w.start(r)
	eco := w.s.eco(r)
	return campaign{
		kind: "confusion", members: w.members(r), t0: t0, join: join, gap: [2]float64{10, 90},
		prefixes: [][]string{homeV4, vpsV4, cloudV4},
		ua: func(r *rand.Rand) string {
			return Pick(r, []string{eco.ua(r, ""), eco.ua(r, "github-actions"), "python-requests/2.32.3"})
		},
		attempt: func(r *rand.Rand, a *agent, t int64, n int) int64 {
			co := Pick(r, w.s.companies)
			name := co + "-" + Pick(r, stems) + Pick(r, []string{"", "-internal", "-private", "-build", "-shared", "-common"})
			status := 404
			if Chance(r, 0.04) {
				status = 200
			}
			p := &pkg{name: name, versions: []string{"latest"}, layers: 1}
			if eco.name == "npm" && Chance(r, 0.4) {
				p.name = "@" + co + "/" + Pick(r, stems)
				status = Pick(r, []int{404, 404, 401})
			}
			return a.send(t, a.get(r, eco.metaPath(r, p), status, 70, 10))
		},
	}
}

// ddos downloads the day's release tarball from many addresses during its
// flash crowd, each address like one more member of the crowd, except that
// it never stops.
func (w *world) ddos(r *rand.Rand) campaign {
	rel := w.rel
	t0 := min(w.win*6/10, rel.t+Sec(Uniform(r, 15, 120)))
	return campaign{
		kind: "ddos", members: w.members(r), t0: t0, join: min(w.win*3/10, Sec(Uniform(r, 30, 180))), gap: [2]float64{10, 40},
		prefixes: [][]string{homeV4, mobileV4, cloudV4, vpsV4},
		ua: func(r *rand.Rand) string {
			return Pick(r, []string{rel.eco.ua(r, ""), browserUA(r), "Go-http-client/1.1", "curl/8.4.0"})
		},
		attempt: func(r *rand.Rand, a *agent, t int64, n int) int64 {
			return a.send(t, a.fetch(r, rel.eco.filePath(r, rel.p, rel.version, 0), rel.p, LogUniform(r, 5, 100)))
		},
	}
}

// stuffing tries leaked email and password pairs on the web login, each
// address a few, most refused.
func (w *world) stuffing(r *rand.Rand) campaign {
	t0, join := w.start(r)
	return campaign{
		kind: "stuffing", members: w.members(r), t0: t0, join: join, gap: [2]float64{10, 90},
		prefixes: [][]string{homeV4, mobileV4, vpsV4},
		ua:       browserUA,
		attempt: func(r *rand.Rand, a *agent, t int64, n int) int64 {
			d := int64(0)
			if n == 0 || Chance(r, 0.3) {
				d = a.send(t, a.get(r, "/login", 200, int64(Uniform(r, 20e3, 30e3)), 40)) + Sec(Uniform(r, 1, 4))
			}
			status := 401
			if Chance(r, 0.02) {
				status = 302
			}
			return d + a.send(t+d, a.upload(r, "POST", "/login", status, int64(Uniform(r, 90, 180)), 5))
		},
	}
}

// typosquat registers throwaway accounts and publishes lookalikes of
// popular packages, which the registry mostly accepts.
func (w *world) typosquat(r *rand.Rand) campaign {
	t0, join := w.start(r)
	npm := w.s.npm()
	return campaign{
		kind: "typosquat", members: w.members(r), t0: t0, join: join, gap: [2]float64{20, 90},
		prefixes: [][]string{homeV4, vpsV4, cloudV4},
		ua:       func(r *rand.Rand) string { return npm.ua(r, "") },
		attempt: func(r *rand.Rand, a *agent, t int64, n int) int64 {
			if n == 0 {
				a.user = userName(r) + Hex(r, 3)
				d := a.send(t, a.upload(r, "PUT", "/-/user/org.couchdb.user:"+a.user, 201, int64(Uniform(r, 150, 260)), 5))
				a.key = keyID(r)
				return d
			}
			name := lookalike(r, npm.cat.top(r, 100).name)
			status := 200
			if Chance(r, 0.15) {
				status = 403
			}
			return a.send(t, a.upload(r, "PUT", "/"+strings.Replace(name, "/", "%2f", 1), status, int64(LogUniform(r, 4e3, 3e6)), 10))
		},
	}
}

// lookalike misspells name as typosquatters do: a doubled or dropped
// letter, a swapped pair, a hyphen taken out or put in.
func lookalike(r *rand.Rand, name string) string {
	b := []byte(name)
	i := strings.LastIndex(name, "/") + 1 + r.IntN(max(1, len(b)-strings.LastIndex(name, "/")-2))
	switch r.IntN(4) {
	case 0:
		return string(b[:i]) + string(b[i]) + string(b[i:])
	case 1:
		return string(b[:i]) + string(b[i+1:])
	case 2:
		if i+1 < len(b) {
			b[i], b[i+1] = b[i+1], b[i]
		}
		return string(b)
	}
	if strings.Contains(name, "-") {
		return strings.Replace(name, "-", "", 1)
	}
	return name + "-js"
}
