// Command forumsim writes a synthetic access log of Hearth, a large
// community discussion site (a forum crossed with a link aggregator), as
// its API gateway records it, with one label per client address saying
// what the client really is.
//
// Communities (/c/name) list threads (/t/id/slug) that members vote on and
// comment under. Anonymous readers come from desktop and phone browsers:
// a page brings the site's scripts on a cold cache, avatars and thumbnails,
// and infinite scroll fetches the next comments of a thread from the API.
// Phones move between IPv6 privacy addresses of their /64, or share a
// carrier's NAT address with many strangers; offices and households share
// one address too. Members sign in on the web or in the official and
// third-party apps: they vote in quick bursts, comment, edit, post threads
// with image uploads (and now and then a legitimately large video), search
// (quoted phrases, operators, non-Latin text, emoji, and pasted code whose
// SQL and HTML looks much like an attack), read private messages, and get
// notifications by polling every 15-30 s or over a long-lived event stream.
// Sessions expire (401, then a sign-in), passwords and two-factor codes are
// mistyped. Moderators work through queues in bulk, meeting many 403 and
// 404 answers on content already removed.
//
// Machines make a large share of the traffic: search-engine crawlers,
// feed services and self-hosted feed readers, archive services (one of them
// reading the API with a token), moderation bots, federated servers pushing
// activities to the shared inbox at high rates from fixed addresses,
// uptime monitors and the link-preview fetchers of chat apps. Some days a
// thread goes viral: a flash crowd of new addresses loads that one thread
// and its comments, reloads it (many 304s, some 429s), votes on it, and
// chat apps unfurl its link again and again. Each day brings a newcomer or
// two that no earlier day saw: a new archiver, a newly federated server, a
// new crawler, a new integration.
//
// Lone attackers (flood, scan, bruteforce, injection, upload, enumeration)
// come in several variants each, of which every site draws its own mix,
// many disguised: browser user agents, signed-in sessions with ordinary
// browsing around the attack, payloads in search terms encoded once or
// twice, slow rates. Campaigns spread one
// attack over 20-150 addresses: credential stuffing from residential
// proxies, distributed floods (on the viral thread itself when there is
// one, often with cache-busting parameters), comment spam from throwaway
// accounts, and vote rings in which many accounts behind many addresses
// sign in, upvote one thread and its ring comments and leave, every
// request served.
//
// The gateway's rate limits (per address, member, token and kind of
// request) turn what exceeds them into 429s, legitimate or not.
//
// Each -site is another community with its own size, regions, languages,
// bots, federated peers and attack mix; the site's fixtures (crawlers,
// peers, feed services, archivers, moderation bots, monitors, preview
// fetchers, with their addresses, user agents and tokens) recur on every
// day (-seed) of the site, while people, attackers and newcomers change.
package main

import (
	"math/rand/v2"
	"time"

	"github.com/portcullis/portcullis/tools/internal/simcmd"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

func main() { model.Main() }

// model is the command line of the site, shared with every traffic model.
var model = func() simcmd.Model {
	m := simcmd.Model{Name: "forumsim", Site: 3, Start: "2027-05-24T20:00:00Z", Generate: generate}
	m.SeedHelp = "day of the recording (1 is the training day, 2 the test day); the site's fixtures recur on every day"
	m.SiteHelp = "which community: its size, regions, bots, federated peers and the attacks it draws"
	m.ClientsHelp = "people visiting during the window (readers and members); machines and attackers come on top"
	return m
}()

// generate builds one day of one site: the site's fixtures first, from the
// site's own stream so that they are the same every day, then the day's
// people, machines, viral thread, attackers and campaigns, each from a
// sub-stream of the day, and last what the gateway's rate limits refuse.
func generate(c simcmd.Config) *Log {
	l := New(c.Start, time.Duration(c.Minutes)*time.Minute)
	s := newSite(l, rand.New(rand.NewPCG(c.Site, 0x68656172746873)))
	day := rand.New(rand.NewPCG(c.Seed*0x9e3779b97f4a7c15+c.Site, c.Seed))
	w := newWorld(l, s, c, Sub(day))
	w.machines(Sub(day))
	w.newcomers(Sub(day))
	w.people(Sub(day))
	w.flashCrowd(Sub(day))
	w.loneAttackers(Sub(day))
	w.campaigns(Sub(day))
	w.gateway(Sub(day))
	w.markBusy()
	return l
}
