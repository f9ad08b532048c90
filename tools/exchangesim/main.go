// Command exchangesim writes a labelled quarter of an hour of a retail
// crypto-currency exchange's gateway: a brokerage where people buy, sell,
// hold and move coins through a web app, two phone apps and a public
// trading API.
//
// Customers sign in with a password and a one-time code (a few mistype
// either and try again), keep the markets list and a market's chart open
// while the price moves (the web app polls the ticker and the order book
// every few seconds, the phone apps open a price stream and ask for little
// else), place and cancel limit orders, look at their balances and fills,
// fetch a deposit address, withdraw to an address book entry and confirm
// the withdrawal with a code (accounts that have not finished identity
// checks are refused), and photograph their passport for the identity
// check. Others only read the help centre or a coin's public price page.
// Phones come through carrier NAT addresses that many subscribers share or
// from IPv6 privacy addresses that change within their /64; offices and
// VPNs put several traders behind one address. Access tokens live a few
// minutes: an app that meets a 401 renews its token at once.
//
// The machines are the exchange's busiest clients: market makers that
// quote and cancel several times a second with API keys, retail trading
// bots, portfolio and tax tools that read many users' balances with
// read-only keys, price aggregators that fetch the public tickers every
// second, uptime probes from several regions, the custody provider's
// webhooks and the search engines' crawlers. Most of them come every day;
// each day one or two new integrations appear.
//
// Once in the window the exchange has its rush: a new coin is listed, or
// the market crashes, and for some minutes three to four times the usual
// traffic arrives, much of it from addresses never seen before, on the
// listed market's pages and the order endpoints. The gateway refuses what
// is over its per-address, per-user and per-key limits (429) and the
// origin sheds load (503).
//
// The attackers: floods on ordinary pages from one address, vulnerability
// scans, password and one-time-code brute force, injection payloads inside
// an otherwise ordinary signed-in session, oversized uploads on the
// identity check, enumeration of order, wallet and account ids; and
// campaigns from many addresses: credential stuffing, distributed floods,
// API-key spraying and sign-up bonus farming with referral codes, dressed
// as browsers or the phone apps.
package main

import "github.com/portcullis/portcullis/tools/internal/simcmd"

func main() { model().Main() }

func model() simcmd.Model {
	return simcmd.Model{
		Name:        "exchangesim",
		Site:        2,
		Start:       "2026-12-01T13:00:00Z",
		SeedHelp:    "the day: who trades, when the listing or crash comes, which integrations are new, every attacker",
		SiteHelp:    "the exchange: its country and address ranges, routes and API shape, limits, app versions",
		ClientsHelp: "ordinary customers in the window, before the rush brings more",
		Generate:    generate,
	}
}
