// Command shopsim writes labeled synthetic access logs of "Larkspur", an
// online shop with card payments: browsers with carts and checkouts, a
// mobile app, signed-in members, merchants' API integrations, a payment
// provider's webhooks, and a flash sale.
//
// -site fixes the shop (catalogue, route mix, recurring heavy clients, the
// user pool); -seed is the day: who shows up, the flash sale, incidents,
// newcomers and every attacker. It is a traffic model kept apart from
// portcullis gen and tools/holdout, so that a backtest on its recordings
// shows whether detection carries over to a site it was not built on.
//
//	go run ./tools/shopsim -seed 2 -site 5 -out day2.jsonl -labels day2.labels.jsonl
package main

import "github.com/portcullis/portcullis/tools/internal/simcmd"

func main() { model().Main() }

// model is what shopsim brings to the command line the traffic models share.
func model() simcmd.Model {
	return simcmd.Model{
		Name:        "shopsim",
		Site:        5,
		Start:       "2026-05-12T18:00:00Z",
		SeedHelp:    "the day: behaviour, flash sale, incidents and attackers",
		SiteHelp:    "the shop: catalogue, route mix, recurring clients, user pool",
		ClientsHelp: "ordinary client addresses (attackers, heavy clients and the flash crowd come on top)",
		Generate:    generate,
	}
}
