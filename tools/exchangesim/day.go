package main

import (
	"math/rand/v2"
	"time"

	"github.com/portcullis/portcullis/tools/internal/simcmd"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// day is one recording of one exchange.
type day struct {
	s    *site
	log  *Log
	seed uint64
	rush rush
	nets *nets
}

// generate builds the day: the machines first, for the recurring ones
// keep their addresses from day to day, then the customers, the rush,
// the attackers, and last the gateway's verdicts on all of it.
func generate(c simcmd.Config) *Log {
	d := &day{s: newSite(c.Site), seed: c.Seed}
	d.log = New(c.Start, time.Duration(c.Minutes)*time.Minute)
	r := rand.New(rand.NewPCG(c.Seed, c.Site^0x51ed270b27c0f3a9))
	d.planRush(Sub(r))
	d.machines(rand.New(rand.NewPCG(c.Site, 0x3c6ef372fe94f82b)), Sub(r))
	d.newcomers(Sub(r))
	d.nets = d.planNets(Sub(r), c.Clients)
	d.customers(Sub(r), c.Clients)
	d.rushCrowd(Sub(r))
	d.nets.settle()
	d.attacks(Sub(r))
	d.campaigns(Sub(r))
	d.gateway(Sub(r))
	return d.log
}
