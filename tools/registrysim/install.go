package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// install is how one package-manager run behaves.
type install struct {
	eco  *ecosystem
	deps int
	// fresh is the share of metadata the client still holds and only
	// revalidates (a 304); miss the share of files not in its cache.
	fresh, miss float64
	// private is how many packages of a private organisation the tree
	// holds; token says whether the client sends a token that opens them.
	private int
	token   bool
	// lockfile skips the metadata and goes straight to the files, as
	// `npm ci` does.
	lockfile bool
	mbps     float64 // download bandwidth
}

// run sends the install starting at t and returns when it ends. The
// client keeps several requests in flight, so requests follow each other
// by a fraction of their durations, or by the client's own work between
// them when answers come faster: hundreds of them in a few seconds.
func (in install) run(r *rand.Rand, a *agent, t int64) int64 {
	conc := in.eco.concurrency(r)
	if in.eco.name == "oci" {
		t += a.send(t, a.get(r, "/v2/", 401, 87, 4))
		t += a.send(t, a.get(r, "/token?scope=repository:"+in.eco.cat.top(r, 50).name+":pull&service=registry", 200, 1400, 25))
	}
	tree := in.eco.cat.deps(r, in.deps)
	if rel := a.w.rel; rel.eco == in.eco && t > rel.t && Chance(r, rel.reach) {
		tree = append(tree, rel.p)
	}
	for range min(in.private, len(in.eco.private)) {
		tree = append(tree, Pick(r, in.eco.private))
	}
	pace := func(d int64) int64 { return max(d/int64(conc), Sec(LogUniform(r, 0.003, 0.02))) }
	for _, p := range tree {
		d, ok := in.meta(r, a, t, p)
		if d > 0 {
			t += pace(d)
		}
		if !ok {
			continue
		}
		for i := range p.layers {
			if Chance(r, in.miss) {
				t += pace(in.file(r, a, t, p, i))
			}
		}
	}
	return t
}

// meta fetches p's metadata and reports whether the install goes on to
// its files. Unknown and deleted names answer 404, private ones 401
// without a working token; metadata that changed since the client's copy
// (a release today) comes back whole.
func (in install) meta(r *rand.Rand, a *agent, t int64, p *pkg) (int64, bool) {
	path := in.eco.metaPath(r, p)
	switch {
	case p.org != "" && !in.token:
		return a.send(t, a.get(r, path, 401, 120, 8)), false
	case Chance(r, 0.003):
		return a.send(t, a.get(r, in.eco.metaPath(r, typo(r, p)), 404, 60, 12)), false
	case in.lockfile && p.org == "":
		return 0, true
	case p == a.w.rel.p && t > a.w.rel.t:
		return a.send(t, a.get(r, path, 200, p.meta, 60)), true
	case Chance(r, in.fresh):
		return a.send(t, a.get(r, path, 304, 0, 9)), true
	}
	return a.send(t, a.get(r, path, 200, p.meta, 35+float64(p.meta)/5e4)), true
}

// file downloads layer i of p's version the tree pins.
func (in install) file(r *rand.Rand, a *agent, t int64, p *pkg, i int) int64 {
	ver := Pick(r, p.versions[max(0, len(p.versions)-4):])
	if p == a.w.rel.p && t > a.w.rel.t {
		ver = a.w.rel.version
	}
	return a.send(t, a.fetch(r, in.eco.filePath(r, p, ver, i), p, in.mbps))
}

// typo is a name a person or a stale lockfile asks for that the registry
// does not hold: a misspelling or a package since removed.
func typo(r *rand.Rand, p *pkg) *pkg {
	name := []byte(p.name)
	i := len(name) - 1 - r.IntN(min(3, len(name)))
	if name[i] != '/' && name[i] != '@' {
		name[i] = "aeioustrn"[r.IntN(9)]
	}
	return &pkg{name: string(name) + Pick(r, []string{"", "s", "-js", "x"}), versions: p.versions, layers: 1}
}
