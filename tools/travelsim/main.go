// Command travelsim writes labelled synthetic access logs of "Skyway", an
// airline that sells its own flights on the web, in its phone apps and
// through partners. Travellers type airports into a search box that
// suggests as they type, search a route on a few dates with many
// parameters, page and sort the results, look at a month's fare calendar
// and a seat map, and some of them book: a cart, the passengers' details,
// bags and seats, then a card payment that the bank accepts, declines
// (402) or sends through a 3-D Secure challenge the page polls. Others
// come back for a booking they already hold: they find it by its
// six-character code and their last name, change a seat, upload a
// passport scan, check in during the check-in window and download their
// boarding passes as PDF or wallet passes. Families poll a flight's
// status every minute or so; loyalty members sign in with a password and
// a second factor, read their miles and sometimes spend them; browsers
// send performance beacons, the apps event batches.
//
// People come from home lines (IPv4, or IPv6 that stays put for the day),
// from phones behind the carriers' NAT addresses or on IPv6 privacy
// addresses that move inside their /64, and from the airports' and
// hotels' Wi-Fi and corporate travel offices, where dozens share one
// address. Beside them the machines: fare aggregators querying
// availability with their API keys at a steady few requests a second, a
// distribution system speaking NDC XML, travel agencies' back offices,
// the hub airports' departure boards, search engine crawlers, uptime
// probes, the payment provider's and the messaging service's callbacks,
// and a revenue-management export that sends no user agent; on every day
// one or two integrations that were not there the day before.
//
// Once in the window a rush arrives: a fare sale announced by email, or a
// storm at a hub that cancels flights so that the affected passengers open
// the app to rebook while their families poll the status of every flight.
// The origin sheds what it cannot serve (503), the gateway answers
// addresses and keys over their limits with 429, and people who wait too
// long for a search close the page (499). -site fixes the airline:
// country and address ranges, hubs and routes, app versions, sign-in and
// payment, gateway limits, the partners, airports, hotels and offices;
// -seed is the day: who travels, the rush, new integrations and every
// attacker.
//
//	go run ./tools/travelsim -seed 2 -site 5 -out day2.jsonl -labels day2.labels.jsonl
package main

import "github.com/portcullis/portcullis/tools/internal/simcmd"

func main() { model().Main() }

// model is what travelsim brings to the command line the traffic models
// share.
func model() simcmd.Model {
	return simcmd.Model{
		Name:        "travelsim",
		Site:        2,
		Start:       "2026-11-20T08:00:00Z",
		SeedHelp:    "the day: who travels, the rush (a fare sale or a storm at a hub), new integrations and attackers",
		SiteHelp:    "the airline: country and address ranges, hubs and routes, app versions, sign-in and payment, gateway limits, partners, airports, hotels and offices",
		ClientsHelp: "travellers in the window (airport and hotel Wi-Fi, offices and carrier NAT share addresses, IPv6 phones rotate them; the rush, partners and attackers come on top)",
		Generate:    generate,
	}
}
