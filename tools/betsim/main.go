// Command betsim writes a quarter hour of a sports-betting operator's API
// gateway log during live matches, with a label for every client address:
// punters on the web and the app, partners, shops and crawlers, and the
// lone attackers and campaigns a bookmaker sees on a big match day.
package main

import (
	"time"

	"math/rand/v2"

	"github.com/portcullis/portcullis/tools/internal/simcmd"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// model is betsim's command line.
var model = simcmd.Model{
	Name:        "betsim",
	Generate:    generate,
	Site:        3,
	Start:       "2027-09-18T17:00:00Z",
	SeedHelp:    "the day: 1 is a calm match day to train on, any other a derby with goal spikes and the full attack mix",
	SiteHelp:    "the operator instance: its size, markets, countries, partners and attackers",
	ClientsHelp: "punters on an ordinary day, before the site's own scale",
}

func main() { model.Main() }

// generate builds the day: the site's recurring clients first (from the
// site's stream alone), then the day's punters, machines and attacks, and
// last what the gateway itself does to them.
func generate(c simcmd.Config) *Log {
	l := New(c.Start, time.Duration(c.Minutes)*time.Minute)
	s := newSite(l, c.Site, c.Clients)
	d := &day{l: l, s: s, w: l.Window(), test: c.Seed != 1}
	d.r = rand.New(rand.NewPCG(c.Seed, c.Site))
	d.n = int(float64(c.Clients) * s.scale * LogNormal(d.r, 1, 0.08))
	if d.test {
		d.n = int(float64(d.n) * 1.1)
	}
	d.drawGoals()
	d.punters()
	d.servers()
	d.venues()
	d.lone()
	d.campaigns()
	d.gateway()
	return l
}
