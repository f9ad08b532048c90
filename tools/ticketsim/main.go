// Command ticketsim writes labeled synthetic access logs of "Gatehouse", a
// box office that sells concert, sports and theatre tickets through a web
// shop and a mobile app. The gateway sees fans browsing event pages and
// searching, the app reading nearly everything through one GraphQL path,
// ticket holders opening their wallet before the doors open, sellers
// uploading photos of an ID to list a ticket for resale, box-office staff
// watching sales on a dashboard, and the machines around the business: the
// venues' access-control scanners syncing entries, a resale marketplace
// polling availability, monitoring probes, a search crawler and a payment
// provider's webhooks.
//
// Once in the window a big event goes on sale: within about a minute a
// crowd several times the size of the ordinary traffic arrives, most of it
// from addresses never seen before, each fan polling the waiting room with
// a queue token every few seconds until let in, then racing for seats; many
// find them taken (409) and many are held back by the gateway's
// per-address limits (429). Phones reach the gateway through carrier NAT,
// one address carrying many people, or from IPv6 privacy addresses that
// move inside their /64.
//
// -site fixes the country, venues and catalog, the split between web and
// app, whether a CDN serves the assets, the gateway's limits, the
// recurring partners and the user pool; -seed is the day: who shows up,
// the on-sale minute and the size of its crowd, incidents, new partners and
// every attacker. It is a traffic model kept apart from the other models
// under tools/, so that a backtest on its recordings shows whether
// detection carries over to a site it was not built on.
//
//	go run ./tools/ticketsim -seed 2 -site 6 -out day2.jsonl -labels day2.labels.jsonl
package main

import "github.com/portcullis/portcullis/tools/internal/simcmd"

func main() { model().Main() }

// model is what ticketsim brings to the command line the traffic models
// share.
func model() simcmd.Model {
	return simcmd.Model{
		Name:        "ticketsim",
		Site:        2,
		Start:       "2026-09-10T18:00:00Z",
		SeedHelp:    "the day: who shows up, the on-sale minute and its crowd, incidents, new partners and attackers",
		SiteHelp:    "the box office: country, venues and catalog, web and app mix, CDN, gateway limits, recurring partners, user pool",
		ClientsHelp: "ordinary fans, ticket holders and box-office staff in the window (carrier NAT shares addresses, IPv6 phones rotate them; the on-sale crowd, attackers and partners come on top)",
		Generate:    generate,
	}
}
