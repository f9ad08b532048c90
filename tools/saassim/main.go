// Command saassim writes labelled synthetic access logs of "Loomdesk", a
// collaboration SaaS that companies run their projects in: projects and
// tasks on boards, documents written together, comments, file
// attachments, search, a REST API and a GraphQL endpoint. The gateway
// sees the single-page web app load its bundle and then make many small
// calls (a board, a task and its comments, suggestions at each keystroke
// the search box lets through, an autosave every few seconds while
// someone writes, a presence beat to the co-editors) while every open tab
// keeps a channel for live updates (long-polls held for half a minute, or
// event streams the load balancer cuts and the browser reopens); the
// desktop app doing the same over a WebSocket; the phone apps' short
// sessions; single sign-on round trips through the customers' identity
// providers and password sign-ins with MFA codes; attachments of a few
// MB and a design team's videos uploaded in parts; exports, invitations,
// webhook settings; access tokens expiring and refreshed.
//
// Beside the people, the machines the customers connected: CI servers
// posting build statuses, data-warehouse syncs paging through everything
// every few minutes, automation platforms polling for hundreds of
// workspaces from a few addresses, a backup service, a security scanner
// one customer runs against its own workspace on some days, uptime
// probes, GitHub, Slack and billing webhooks, and a customer's cron job
// that sends no user agent; on some days a newly connected importer, BI
// connector or automation agent. Whole offices reach the SaaS through one
// NAT address, others through their company's cloud VPN, phones through
// carrier NAT or IPv6 privacy addresses that move inside their /64.
//
// Once in the window a crowd arrives within a couple of minutes: the
// working day starting, everyone signing in again after the weekend, or
// one big customer's company-wide announcement linking a document. The
// services that start sessions and serve documents slow down and shed
// part of it (503, retried), the gateway's sign-in limits answer offices
// 429. -site fixes the country, the customer workspaces and their
// offices, single sign-on and MFA, the app's bundle and how it reads and
// gets updates, the mix of browsers, desktop and phones, the gateway's
// limits and the integrations; -seed is the day: who works, the crowd,
// incidents, new integrations and every attacker.
//
//	go run ./tools/saassim -seed 2 -site 5 -out day2.jsonl -labels day2.labels.jsonl
package main

import "github.com/portcullis/portcullis/tools/internal/simcmd"

func main() { model().Main() }

// model is what saassim brings to the command line the traffic models
// share.
func model() simcmd.Model {
	return simcmd.Model{
		Name:        "saassim",
		Site:        2,
		Start:       "2026-10-05T06:52:00Z",
		SeedHelp:    "the day: who works, the crowd (the day starting or an announcement), incidents, new integrations and attackers",
		SiteHelp:    "the SaaS: country, customer workspaces and offices, sign-on, app bundle and update channel, device mix, gateway limits, integrations",
		ClientsHelp: "ordinary people at work in the window (offices, VPN exits and carrier NAT share addresses, IPv6 phones rotate them; the crowd, attackers and integrations come on top)",
		Generate:    generate,
	}
}
