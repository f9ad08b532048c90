// Command b2bsim writes labeled synthetic access logs of "Freightline", a
// B2B shipping API: merchants' systems create shipments and labels with API
// keys, carriers and partners post status webhooks, drivers' phones on
// IPv6 scan parcels, operators work in a dashboard, and consumers follow
// their parcels on a public tracking page.
//
// -site fixes the service (accounts, route mix, recurring integrations, the
// user pool); -seed is the day: who shows up, the tracking rush after a
// big retailer's dispatch e-mail, incidents, newcomers and every attacker.
// It is a traffic model kept apart from portcullis gen, tools/holdout and
// tools/shopsim, so that a backtest on its recordings shows whether
// detection carries over to a site it was not built on.
//
//	go run ./tools/b2bsim -seed 2 -site 3 -out day2.jsonl -labels day2.labels.jsonl
package main

import "github.com/portcullis/portcullis/tools/internal/simcmd"

func main() { model().Main() }

// model is what b2bsim brings to the command line the traffic models share.
func model() simcmd.Model {
	return simcmd.Model{
		Name:        "b2bsim",
		Site:        3,
		Start:       "2026-06-02T07:30:00Z",
		SeedHelp:    "the day: behaviour, tracking rush, incidents and attackers",
		SiteHelp:    "the service: accounts, route mix, recurring clients, user pool",
		ClientsHelp: "ordinary client addresses (attackers, heavy clients and the rush come on top)",
		Generate:    generate,
	}
}
