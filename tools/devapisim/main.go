// Command devapisim writes synthetic gateway access logs of a developer API
// platform that sells maps, geocoding, routing, places and weather by the
// request, with one label per client address saying what it really is.
//
// The platform's gateway sees very different callers side by side:
//
//   - customer servers calling with secret keys (sk_live_...) from cloud
//     egress addresses, several per large customer, steady or bursty, with
//     batch jobs that fire at the top of the minute and trip the plan's rate
//     limit (429, retried by the SDKs); prepaid accounts that run out of
//     credit (402); deployments still holding a rotated key (401); keys
//     restricted to some products (403); batch geocoding uploads of 1-30 MB;
//   - end users' browsers and phones sending a customer's publishable key
//     (pk_live_...): one key from thousands of addresses, map views that
//     fetch dozens of tiles at once, type-ahead search, routes;
//   - carrier NAT addresses and CDN shield nodes that carry many users'
//     keys at once, uptime monitors, synthetic checks of customers, the
//     payment provider's webhooks, search engine crawlers on the docs;
//   - developers in the dashboard (sign-in, usage charts, keys, billing,
//     webhooks), with curl, Postman and local SDK scripts; newcomers who
//     sign up on the day and put a server to work at once;
//   - on some days the launch of a popular customer app: a flash crowd of
//     new phone addresses all sending that app's publishable key.
//
// The attackers are lone clients (flood, scan, bruteforce, injection,
// upload, enumeration), many in disguise with SDK or browser user agents
// and real customers' leaked keys, and campaigns spread over 20-150
// addresses: credential stuffing on the dashboard sign-in, a distributed
// flood, spraying of stolen API keys, and a farm of free-tier sign-ups
// each burning its own free quota (freetier); some platforms also see a
// leaked publishable key resold through a residential proxy network
// (resale).
//
// -site chooses the platform: its customers, their servers and keys, its
// monitors, NATs and CDN nodes are the same on every day of a site; -seed
// chooses the day (1 the training day, 2 the test day).
package main

import (
	"time"

	"github.com/portcullis/portcullis/tools/internal/simcmd"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

func main() { model.Main() }

// model is the shared command line with this platform's defaults. A day
// builds the site's fixtures first, so that they hold the same addresses
// on every day, then plays the day.
var model = simcmd.Model{Name: "devapisim", Site: 3, Start: "2027-04-19T14:00:00Z",
	SeedHelp: flagHelp[0], SiteHelp: flagHelp[1], ClientsHelp: flagHelp[2],
	Generate: func(c simcmd.Config) *Log {
		l := New(c.Start, time.Duration(c.Minutes)*time.Minute)
		newDay(l, buildSite(l, c.Site, c.Clients), c).play()
		return l
	}}

// flagHelp explains -seed, -site and -clients.
var flagHelp = [...]string{
	"day of the recording (1 the training day, 2 the test day); the site's customers and fixtures stay the same",
	"which platform: its customers, servers, keys, monitors and the attacks it sees",
	"about how many legitimate addresses the window holds",
}
