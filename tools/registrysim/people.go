package main

import (
	"math/rand/v2"
	"net/url"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// developers are people at a terminal: installs (bursts of metadata
// reads, most of them revalidations, then the tarballs the cache lacks),
// a few lookups, and now and then a look at the web UI.
func (w *world) developers(r *rand.Rand) {
	for range w.people(1 - w.s.webShare) {
		w.developer(Sub(r))
	}
}

func (w *world) developer(r *rand.Rand) {
	t := w.at(r, -0.15, 1)
	eco := w.s.eco(r)
	a := w.personAgent(r, t, true)
	a.ua = eco.ua(r, "")
	corp := a.c.Profile == "corp-nat"
	if corp && Chance(r, 0.8) || Chance(r, 0.25) {
		a.key, a.user = keyID(r), userName(r)
	}
	private := 0
	if corp && eco.private != nil {
		private = 1 + r.IntN(8)
	}
	for range 1 + r.IntN(3) {
		switch x := r.Float64(); {
		case x < 0.3:
			t = install{
				eco: eco, deps: eco.treeSize(r, 25, 550), fresh: Uniform(r, 0.55, 0.97), miss: Uniform(r, 0.02, 0.35),
				private: private, token: a.key != "" && !Chance(r, 0.1), mbps: LogUniform(r, 3, 60),
			}.run(r, a, t)
		case x < 0.7:
			t = w.lookups(r, a, t, eco)
		default:
			t = w.browse(r, a.with(browserUA(r)), t, 1+r.IntN(8))
		}
		t += Sec(LogUniform(r, 15, 600))
	}
}

// personAgent gives a person an address: a company's NAT (developers
// only), a rotating IPv6 privacy address, or a home address of their own.
func (w *world) personAgent(r *rand.Rand, t int64, dev bool) *agent {
	a := &agent{w: w}
	switch {
	case dev && Chance(r, w.s.corpShare):
		nat := Pick(r, w.fx.corps)
		nat.people++
		a.c = nat.c
	case Chance(r, w.s.v6Share):
		net := V6Net(r, homeV6)
		a.c = w.log.Client(w.log.V6In(r, net), KindNormal)
		a.c.Profile = "ipv6-person"
		a.at = w.log.RotateV6(r, a.c, net, t, 240, 1800)
	default:
		a.c = w.newClient(r, homeV4, KindNormal, "person")
	}
	return a
}

// lookups are the small commands between installs: view, whoami, search,
// audit, outdated.
func (w *world) lookups(r *rand.Rand, a *agent, t int64, eco *ecosystem) int64 {
	for range 1 + r.IntN(4) {
		p := eco.cat.draw(r)
		var h hit
		switch x := r.Float64(); {
		case x < 0.15:
			h = a.get(r, eco.metaPath(r, p), 200, p.meta, 40)
		case x < 0.3:
			h = a.get(r, eco.versionPath(r, p), 200, p.meta/int64(len(p.versions))+800, 20)
		case x < 0.45 && a.key != "":
			h = a.get(r, "/-/whoami", 200, 40, 12)
		case x < 0.45:
			h = a.get(r, "/-/whoami", 401, 90, 6)
		case x < 0.65:
			h = a.get(r, "/-/v1/search?text="+url.QueryEscape(searchText(r))+"&size=20", 200, int64(Uniform(r, 4e3, 30e3)), 90)
		case x < 0.8:
			h = a.upload(r, "POST", "/-/npm/v1/security/advisories/bulk", 200, int64(LogUniform(r, 2e3, 80e3)), 5)
			h.out = int64(LogUniform(r, 200, 40e3))
		case x < 0.9:
			h = a.get(r, eco.metaPath(r, typo(r, p)), 404, 60, 10)
		default:
			h = a.get(r, "/-/package/"+p.name+"/dist-tags", 200, 120, 15)
		}
		t += a.send(t, h) + Sec(LogUniform(r, 0.5, 20))
	}
	return t
}

// visitors come for the web UI only: a page from a search engine, a look
// around, a search.
func (w *world) visitors(r *rand.Rand) {
	for range w.people(w.s.webShare * 0.85) {
		r := Sub(r)
		t := w.at(r, -0.1, 1)
		a := w.personAgent(r, t, false)
		a.ua = browserUA(r)
		w.browse(r, a, t, 1+int(LogUniform(r, 1, 25)))
	}
}

// mobile users sit behind a few carrier NAT addresses, many on each.
func (w *world) mobile(r *rand.Rand) {
	users := w.people(w.s.webShare * 0.15)
	nats := make([]*Client, 1+users/8)
	for i := range nats {
		nats[i] = w.newClient(r, mobileV4, KindNormal, "carrier-nat")
	}
	for range users {
		a := &agent{w: w, c: Pick(r, nats), ua: mobileUA(r)}
		w.browse(r, a, w.at(r, -0.1, 1), 1+r.IntN(10))
	}
}

func userName(r *rand.Rand) string {
	return Pick(r, []string{"sam", "alex", "jo", "kim", "lee", "max", "noor", "ravi", "mia", "tom", "ana", "li"}) +
		Pick(r, []string{"", "dev", "_", "-"}) + Pick(r, stems) + Hex(r, 2)
}

func searchText(r *rand.Rand) string {
	switch r.IntN(3) {
	case 0:
		return Pick(r, stems)
	case 1:
		return Pick(r, stems) + " " + Pick(r, stems)
	}
	return Pick(r, leads["npm"]) + " " + Pick(r, stems)
}
