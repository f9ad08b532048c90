package main

import (
	"fmt"
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// release is the day's release of a popular package: after t, installs
// that hold it fetch the new version, and a crowd comes for it.
type release struct {
	eco     *ecosystem
	p       *pkg
	version string
	t       int64
	reach   float64 // chance an install after t pulls it in
	crowd   float64 // people who come for it, per person of the day
}

func (w *world) pickRelease(r *rand.Rand) release {
	eco := w.s.npm()
	p := eco.cat.top(r, 12)
	v := p.latest()
	var major, minor, patch int
	fmt.Sscanf(v, "%d.%d.%d", &major, &minor, &patch)
	return release{
		eco: eco, p: p, version: fmt.Sprintf("%d.%d.0", major, minor+1),
		t: w.at(r, 0.1, 0.45), reach: Uniform(r, 0.2, 0.6), crowd: Uniform(r, 0.1, 0.3),
	}
}

// publishers are maintainers at work: a login, a whoami, a publish of a
// new version (megabytes of body), a dist-tag, some organisation admin.
// One of them publishes the day's release.
func (w *world) publishers(r *rand.Rand) {
	n := 2 + w.people(Uniform(r, 0.004, 0.012))
	for i := range n {
		r := Sub(r)
		a := w.personAgent(r, 0, true)
		a.ua = w.s.npm().ua(r, "")
		a.user = userName(r)
		t := w.at(r, -0.05, 1)
		p := w.s.npm().cat.draw(r)
		if i == 0 {
			p, t = w.rel.p, w.rel.t-Sec(Uniform(r, 8, 40))
		}
		t = w.login(r, a, t)
		t = w.publish(r, a, t, p, i == 0)
		if Chance(r, 0.3) && len(w.s.orgs) > 0 {
			w.orgAdmin(r, a, t, Pick(r, w.s.orgs))
		}
	}
}

// login is the CLI's web login: the session, the browser step polled
// until done, then the token the CLI keeps.
func (w *world) login(r *rand.Rand, a *agent, t int64) int64 {
	t += a.send(t, a.upload(r, "POST", "/-/v1/login", 200, int64(Uniform(r, 60, 200)), 5))
	session := Hex(r, 16)
	for range 1 + r.IntN(5) {
		t += Sec(Uniform(r, 1, 3))
		t += a.send(t, a.get(r, "/-/v1/done?sessionId="+session, 202, 2, 5))
	}
	t += a.send(t, a.get(r, "/-/v1/done?sessionId="+session, 200, 120, 20))
	a.key = keyID(r)
	return t + a.send(t, a.get(r, "/-/whoami", 200, 40, 10))
}

// publish sends a new version of p and tags it; a republished version is
// refused, as the registry never lets a version change.
func (w *world) publish(r *rand.Rand, a *agent, t int64, p *pkg, release bool) int64 {
	t += a.send(t, a.get(r, "/"+p.name, 200, p.meta, 40)) + Sec(Uniform(r, 2, 20))
	status := 200
	if !release && Chance(r, 0.1) {
		status = 403
	}
	body := int64(LogNormal(r, float64(p.size)*1.4+5e5, 0.8))
	t += a.send(t, a.upload(r, "PUT", "/"+strings.Replace(p.name, "/", "%2f", 1), status, body, LogUniform(r, 2, 30)))
	if status != 200 {
		return t
	}
	tag := "latest"
	if Chance(r, 0.3) {
		tag = Pick(r, []string{"next", "beta", "canary"})
	}
	t += Sec(Uniform(r, 1, 30))
	t += a.send(t, a.upload(r, "PUT", "/-/package/"+p.name+"/dist-tags/"+tag, 200, 20, 5))
	return t + a.send(t, a.get(r, "/-/package/"+p.name+"/dist-tags", 200, 90, 10))
}

// orgAdmin lists and changes an organisation's members, teams and hooks.
func (w *world) orgAdmin(r *rand.Rand, a *agent, t int64, org string) {
	steps := []func() hit{
		func() hit { return a.get(r, "/-/org/"+org+"/user", 200, int64(Uniform(r, 200, 4e3)), 20) },
		func() hit { return a.get(r, "/-/org/"+org+"/package", 200, int64(Uniform(r, 300, 6e3)), 25) },
		func() hit { return a.get(r, "/-/team/"+org+"/developers/user", 200, int64(Uniform(r, 100, 2e3)), 15) },
		func() hit {
			return a.upload(r, "PUT", "/-/org/"+org+"/user", 200, int64(Uniform(r, 40, 90)), 5)
		},
		func() hit {
			return a.get(r, "/-/npm/v1/hooks?package=@"+org+"/*", 200, int64(Uniform(r, 100, 3e3)), 20)
		},
		func() hit {
			return a.upload(r, "POST", "/-/npm/v1/hooks/hook", 201, int64(Uniform(r, 150, 300)), 5)
		},
	}
	for range 2 + r.IntN(4) {
		t += a.send(t, Pick(r, steps)()) + Sec(LogUniform(r, 1, 30))
	}
}

// crowd is the release's flash crowd: people and bots who come for the new
// version within minutes, each with a handful of requests for it.
func (w *world) crowd(r *rand.Rand) {
	rel := w.rel
	n := w.people(rel.crowd)
	for range n {
		r := Sub(r)
		t := rel.t + Sec(r.ExpFloat64()*Uniform(r, 60, 240))
		a := w.personAgent(r, t, true)
		if a.c.Profile != "corp-nat" {
			a.c.Profile = "release-crowd"
		}
		a.ua = rel.eco.ua(r, "")
		t += a.send(t, a.get(r, rel.eco.metaPath(r, rel.p), 200, rel.p.meta, 60))
		t += a.send(t, a.fetch(r, rel.eco.filePath(r, rel.p, rel.version, 0), rel.p, LogUniform(r, 3, 80)))
		for range r.IntN(4) {
			t += a.send(t, a.get(r, rel.eco.metaPath(r, rel.eco.cat.draw(r)), 304, 0, 9))
		}
		if Chance(r, 0.3) {
			w.browse(r, a.with(browserUA(r)), t+Sec(Uniform(r, 5, 60)), 1+r.IntN(3))
		}
	}
}
