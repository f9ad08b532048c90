// Command registrysim writes a synthetic recording of a public software
// package registry (npm-like, with PyPI and container images on some
// instances) behind an API gateway, and one label per client address.
//
// The registry's traffic is dominated by machines: install bursts of
// developers' package managers, CI jobs behind shared egress addresses and
// on fresh cloud runners, mirrors replicating everything, and partners
// polling APIs. Attacks hide in that: tarball floods, scanners, token
// brute force and spraying, dependency-confusion probes, typosquat
// publishing. A detector tuned on other sites meets a site here that
// nobody tuned it for.
package main

import (
	"math/rand/v2"
	"time"

	"github.com/portcullis/portcullis/tools/internal/simcmd"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// The flags' help in the registry's own words.
const (
	seedHelp    = "the day: 1 is the training day, with only small campaigns; every other seed is another day of the same registry"
	siteHelp    = "the registry instance: its size, ecosystems, mirrors, CI providers, partners and attack mix"
	clientsHelp = "developers and web visitors over the recording; CI, mirrors and partners follow the site's size"
)

var model = simcmd.Model{Name: "registrysim", Generate: generate,
	Site: 3, Start: "2027-07-05T09:00:00Z",
	SeedHelp: seedHelp, SiteHelp: siteHelp, ClientsHelp: clientsHelp}

func main() { model.Main() }

// generate builds one recording. The site's recurring addresses are drawn
// first, from a stream that only the site seeds, so that they are the same
// on every day; each group of actors then draws from a stream of its own
// so that changing one group leaves the others' traffic as it was.
func generate(c simcmd.Config) *Log {
	siteR := rand.New(rand.NewPCG(c.Site, 0x7265676973747279))
	s := newSite(c.Site, siteR)
	w := &world{
		log: New(c.Start, time.Duration(c.Minutes)*time.Minute),
		s:   s,
		cfg: c,
	}
	w.win = w.log.Window()
	w.fx = w.fixtures(siteR)
	r := rand.New(rand.NewPCG(c.Seed, c.Site))
	w.rel = w.pickRelease(Sub(r))
	for _, group := range []func(*rand.Rand){
		w.developers, w.visitors, w.mobile, w.ciJobs, w.runners,
		w.mirrorsRun, w.partnersRun, w.publishers, w.crowd,
		w.loneAttacks, w.campaigns,
	} {
		group(Sub(r))
	}
	w.markHeavyNATs()
	w.gateway(Sub(r))
	return w.log
}

// world is one recording being built: the site, the day's release and the
// log that collects it.
type world struct {
	log *Log
	s   *site
	cfg simcmd.Config
	win int64
	fx  fixtures
	rel release
}

// training reports whether this is the day detection learns from, on which
// campaigns are fewer and smaller, as on a calm day of a real registry.
func (w *world) training() bool { return w.cfg.Seed == 1 }

// people scales a count of people per quarter hour by -clients.
func (w *world) people(share float64) int {
	return int(float64(w.cfg.Clients)*share + 0.5)
}
