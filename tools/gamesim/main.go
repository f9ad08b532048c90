// Command gamesim writes labelled synthetic access logs of the backend of
// an online multiplayer game played on PC, consoles and phones. The
// gateway sees game clients booting (patch manifest, config, the sign-in
// of their platform, the main menu), then sending a session heartbeat
// every few seconds, polling their matchmaking ticket until a match is
// found, and between matches opening the locker, the store, the party,
// friends and chat, leaderboards and profiles; the match itself runs on
// the game servers, so a client in a match sends little but heartbeats
// and telemetry. Beside them the companion app on phones, the web store
// in browsers with card payments, and the machines around the game: the
// dedicated server fleet, the anti-cheat uploaders, stat sites and a
// stream-overlay service polling the public API with their keys, the
// patch CDN's origin checks, uptime probes, payment and platform
// webhooks.
//
// Once in the window a patch or a new season goes live on a whole minute:
// the online players finish their match and update, and within a minute
// or two a crowd of players arrives from addresses never seen that day,
// fetches the patch and signs in all at once, into 503s retried with
// back-off, a login queue, longer matchmaking and the gateway's 429s.
// Many players share an address: phones behind carrier NAT, home lines
// behind their ISP's carrier-grade NAT, campus networks, internet cafés,
// a LAN party, VPN exits; others use IPv6 privacy addresses that move
// inside their /64.
//
// -site fixes the game (title, engine, routes, builds, modes and timers),
// the country its players connect from and the mix of platforms, the
// gateway's limits, the partners, campuses and cafés, and the player
// pool; -seed is the day: who plays, the launch minute and its crowd,
// incidents, new partners and every attacker. Like the other traffic
// models under tools/, it is a world of its own, for backtests on a site
// unlike the others.
//
//	go run ./tools/gamesim -seed 2 -site 5 -out day2.jsonl -labels day2.labels.jsonl
package main

import "github.com/portcullis/portcullis/tools/internal/simcmd"

func main() { model().Main() }

// model is what gamesim brings to the command line the traffic models
// share.
func model() simcmd.Model {
	return simcmd.Model{
		Name:        "gamesim",
		Site:        2,
		Start:       "2026-10-16T19:00:00Z",
		SeedHelp:    "the day: who plays, the launch minute and its crowd, incidents, new partners and attackers",
		SiteHelp:    "the game: title, routes, builds, modes and timers, country and platform mix, gateway limits, partners, campuses and cafés, player pool",
		ClientsHelp: "ordinary players, companion-app users and web-store visitors in the window (shared addresses carry many, IPv6 phones rotate theirs; the launch crowd, attackers and partners come on top)",
		Generate:    generate,
	}
}
