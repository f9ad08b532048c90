// Command jobsim writes a synthetic quarter hour of a job board's API
// gateway: candidates searching and applying on the web and in the app,
// recruiters working from their offices, employers' applicant tracking
// systems and job aggregators on API keys, crawlers and monitors, and the
// attacks a recruiting marketplace draws, with one label per client.
package main

import (
	"math/rand/v2"
	"time"

	"github.com/portcullis/portcullis/tools/internal/simcmd"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// model is the job board on the shared command line.
var model = simcmd.Model{
	Name:        "jobsim",
	Generate:    generate,
	Site:        3,
	Start:       "2027-08-16T08:00:00Z",
	SeedHelp:    "day to generate: 1 is the calm training day, any other a test day with the full attack mix and a flash crowd",
	SiteHelp:    "which job board: its size, routes, partners, address mix and attacks follow from it",
	ClientsHelp: "job seekers of an ordinary quarter hour (recruiters, partners and attackers come on top)",
}

func main() { model.Main() }

// generate builds one day of one site: first the site's recurring
// addresses, from a stream seeded by the site alone so that both days hold
// them, then the day's traffic from the seed, then the backend's answers
// to the load.
func generate(c simcmd.Config) *Log {
	l := New(c.Start, time.Duration(c.Minutes)*time.Minute)
	s := newSite(c.Site)
	reg := drawRegulars(l, s, rand.New(rand.NewPCG(c.Site, 0x6a6f62)), c.Clients)
	r := rand.New(rand.NewPCG(c.Seed, c.Site^0x5eed))
	d := &day{Log: l, site: s, test: c.Seed != 1, clients: c.Clients}
	d.flash = d.drawFlash(Sub(r))
	d.candidates(Sub(r), reg)
	d.recruiters(Sub(r), reg.offices)
	d.partners(Sub(r), reg)
	d.bots(Sub(r), reg)
	d.attacks(Sub(r))
	d.campaigns(Sub(r))
	d.backend(Sub(r))
	return l
}
