// Command appsim writes labeled synthetic access logs of "Parcelo", the
// backend of a mobile-first delivery and ride app. The gateway only sees
// API calls: the consumer app opening with a burst of config, flag and feed
// requests and then browsing sparsely, customers polling the tracking of an
// order that is out, drivers' phones posting their position every few
// seconds and proofs of delivery as photos, restaurant tablets polling for
// new orders, a web dashboard for the operations staff, and the machines
// around the business: a payment provider's webhooks, an analytics partner
// exporting orders, monitoring probes, a messaging provider and a
// restaurant chain's point-of-sale integration.
//
// Most phones reach the gateway through carrier NAT, so one address often
// carries many people; IPv6 phones move between privacy addresses in their
// /64 net. At lunchtime a push notification brings a crowd of customers
// back into the app at once.
//
// -site fixes the city (restaurants, route mix, app versions, carriers,
// recurring heavy clients, the user pool); -seed is the day: who shows up,
// the push spike, incidents, newcomers and every attacker. It is a traffic
// model kept apart from the other models under tools/, so that a backtest
// on its recordings shows whether detection carries over to a site it was
// not built on.
//
//	go run ./tools/appsim -seed 2 -site 3 -out day2.jsonl -labels day2.labels.jsonl
package main

import "github.com/portcullis/portcullis/tools/internal/simcmd"

func main() { model().Main() }

// model is what appsim brings to the command line the traffic models share.
func model() simcmd.Model {
	return simcmd.Model{
		Name:        "appsim",
		Site:        3,
		Start:       "2026-08-20T11:00:00Z",
		SeedHelp:    "the day: who opens the app, the lunchtime push spike, incidents, newcomers and attackers",
		SiteHelp:    "the city: restaurants, route mix, app versions, carriers, recurring clients, user pool",
		ClientsHelp: "ordinary phones, driver phones, restaurant tablets and staff browsers in the window (carrier NAT shares addresses, IPv6 phones rotate them; attackers, heavy clients and the push crowd come on top)",
		Generate:    generate,
	}
}
