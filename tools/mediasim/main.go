// Command mediasim writes labeled synthetic access logs of "Meridian", a
// news and media site: readers arriving from search and social links,
// subscribers behind a paywall, a mobile app, live-blog followers whose
// pages poll for updates, video watchers fetching one HLS segment after
// another, feed readers, partners on a public article API, and journalists
// uploading pictures and footage through the contributor portal.
//
// -site fixes the newsroom (sections, articles, route mix, recurring heavy
// clients, the user pool); -seed is the day: who shows up, the breaking
// story and its spike, incidents, newcomers and every attacker. It is a
// traffic model kept apart from portcullis gen, tools/holdout, tools/shopsim
// and tools/b2bsim, so that a backtest on its recordings shows whether
// detection carries over to a site it was not built on. A news site is a
// hard case on purpose: its busiest honest clients (a video watcher, a
// page polling a live blog) repeat one request every few seconds.
//
//	go run ./tools/mediasim -seed 2 -site 4 -out day2.jsonl -labels day2.labels.jsonl
package main

import "github.com/portcullis/portcullis/tools/internal/simcmd"

func main() { model().Main() }

// model is what mediasim brings to the command line the traffic models share.
func model() simcmd.Model {
	return simcmd.Model{
		Name:        "mediasim",
		Site:        4,
		Start:       "2026-07-14T06:00:00Z",
		SeedHelp:    "the day: behaviour, breaking news spike, incidents and attackers",
		SiteHelp:    "the newsroom: sections, articles, route mix, recurring clients, user pool",
		ClientsHelp: "ordinary client addresses (attackers, heavy clients and the breaking news crowd come on top)",
		Generate:    generate,
	}
}
