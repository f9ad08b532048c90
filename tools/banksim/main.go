// Command banksim writes labelled synthetic access logs of the API
// gateway of a retail bank: its mobile app on iOS and Android, web
// banking in browsers, and the open-banking API that licensed third
// parties call with their own keys and client certificates.
//
// Customers open the app (configuration, feature flags, a biometric token
// refresh or a password login), look at their accounts and balances, page
// and search their transactions, freeze and unfreeze a card, send money to
// a payee or a friend's phone number (with a one-time code to confirm it,
// sometimes mistyped; some payments refused for lack of funds or over a
// limit), pay bills, download statements as PDF, upload photos of an ID or
// a proof of address for a check, poll their notifications and talk to
// support in the chat. Web banking loads its pages and assets, asks for a
// second factor (a code or an approval in the app) and keeps its session
// alive while open. Phones reach the gateway through carrier NAT, one
// address carrying many people, or from IPv6 privacy addresses that move
// inside their /64; employees bank from their office's NAT; families share
// a home address; an accountant signs in as one client after another.
//
// Around them the machines: account aggregators, budgeting apps and
// lenders polling the accounts their users have consented to share, a
// checkout provider initiating payments, the card processor asking the
// bank to approve every card payment, the payment scheme announcing
// incoming credits, the identity-check vendor's callbacks, the bank's own
// batch jobs and uptime probes. On some days a newly licensed third party
// starts calling.
//
// Once in the window a crowd arrives within a couple of minutes: on a
// payday, salaries are credited and their notifications sent, and people
// open the app to see them; on a day of market-moving news, they check
// balances, exchange rates and investments. The backend slows down and
// answers a share of the requests with 503 or 429, which the app retries.
//
// Among them the day's attackers, most dressed as the app or a browser:
// one address flooding balances or exchange rates, one scanning for
// management and debugging paths, one guessing a one-time code, a card
// PIN or a password a few seconds apart into the lock, one hiding
// injection payloads in the searches and filters of a signed-in session,
// one sending oversized identity documents, one walking account numbers
// through the payee name check; and campaigns over dozens to hundreds of
// addresses: credential stuffing, card testing on the top-up, a
// distributed flood riding the crowd, one-time codes guessed a few per
// address (otpspray) and account numbers shared out among many accounts
// for the name check (payeelookup).
//
// -site fixes the country (its account numbers and open-banking
// standard), the bank, its routes, app builds and channel mix, the
// gateway's limits, the recurring third parties, jobs and offices, and the
// customer pool; -seed is the day: who shows up, the crowd and its minute,
// incidents, a new third party and every attacker. Like the other traffic
// models under tools/, it is a world of its own.
//
//	go run ./tools/banksim -seed 2 -site 5 -out day2.jsonl -labels day2.labels.jsonl
package main

import "github.com/portcullis/portcullis/tools/internal/simcmd"

func main() { model().Main() }

// model is what banksim brings to the command line the traffic models
// share.
func model() simcmd.Model {
	return simcmd.Model{
		Name:        "banksim",
		Site:        2,
		Start:       "2026-10-30T11:30:00Z",
		SeedHelp:    "the day: who shows up, the payday or news crowd and its minute, incidents, a new third party and attackers",
		SiteHelp:    "the bank: country and open-banking standard, routes, app builds and channel mix, gateway limits, recurring third parties, jobs and offices, customer pool",
		ClientsHelp: "ordinary customers in the window (carrier NAT and offices share addresses, IPv6 phones rotate them; the crowd, attackers and machines come on top)",
		Generate:    generate,
	}
}
