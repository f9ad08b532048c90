package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// ciJobs runs the jobs behind the CI providers' NATs: many at once behind
// one address, each a full install from a lockfile with a warm or a cold
// cache.
func (w *world) ciJobs(r *rand.Rand) {
	for _, n := range w.fx.ciNATs {
		r := Sub(r)
		rate := n.jobs / 60
		if w.training() {
			rate *= 0.8
		}
		Poisson(r, rate, -Sec(60), w.win, func(t int64) {
			a := &agent{w: w, c: n.c}
			w.job(r, a, t, n.provider, n.key)
		})
	}
}

// job is one CI job's install; a job whose cache was evicted downloads
// its whole tree.
func (w *world) job(r *rand.Rand, a *agent, t int64, provider, key string) int64 {
	eco := w.s.eco(r)
	a.ua = eco.ua(r, provider)
	in := install{
		eco: eco, deps: eco.treeSize(r, 150, 1400), fresh: Uniform(r, 0.3, 0.8), miss: LogUniform(r, 0.02, 0.3),
		lockfile: Chance(r, 0.7), mbps: LogUniform(r, 40, 250),
	}
	if key != "" && Chance(r, 0.4) {
		a.key = key
		in.private, in.token = 1+r.IntN(12), true
	}
	if Chance(r, 0.2) {
		in.miss = 1
	}
	t = in.run(r, a, t)
	if Chance(r, 0.15) {
		t += a.send(t, a.upload(r, "POST", "/-/npm/v1/security/advisories/bulk", 200, int64(LogUniform(r, 5e3, 200e3)), 50))
	}
	return t
}

// runners are ephemeral CI machines on cloud addresses nobody saw before
// and nobody will see again: one or two jobs, then the machine is gone.
// Those whose cache missed fetch hundreds of files in a minute, heavier
// than anything in a training day's people.
func (w *world) runners(r *rand.Rand) {
	rate := Uniform(r, 3, 9) * w.s.scale / 60
	providers := []string{"github-actions", "gitlab-ci", "circleci", "azure-pipelines"}
	Poisson(r, rate, -Sec(120), w.win, func(t int64) {
		r := Sub(r)
		c := w.newClient(r, cloudV4, KindNormal, "new-ci-runner")
		a := &agent{w: w, c: c}
		provider := Pick(r, providers)
		cold := Chance(r, 0.35)
		for range 1 + r.IntN(2) {
			eco := w.s.eco(r)
			a.ua = eco.ua(r, provider)
			in := install{eco: eco, deps: eco.treeSize(r, 200, 1200), miss: 1, lockfile: Chance(r, 0.6), mbps: LogUniform(r, 60, 300)}
			if !cold {
				in.miss, in.deps = LogUniform(r, 0.05, 0.3), in.deps/2
			}
			t = in.run(r, a, t) + Sec(LogUniform(r, 20, 240))
		}
		c.Heavy = cold
	})
}
