// Command streamsim writes the gateway access log of a video streaming
// platform: subscription video on demand plus live sports, with one label
// per client saying what it really is.
//
// The platform's viewers watch on smart TVs, consoles, sticks, phones,
// tablets and browsers. A play is a playback session, a DRM license, a
// manifest and then a segment every few seconds (HLS, or DASH with its
// audio apart), a heartbeat every half minute and telemetry batches; so an
// ordinary viewer sends hundreds of small requests for large responses,
// many from a player whose user agent is not its app's. Around the plays
// people browse rows of artwork, type searches that the app sends letter
// by letter, pick PIN-locked profiles, mistype passwords, get a 401 when a
// token runs out and retry after refreshing it, and now and then add a
// card that is declined. Households share an address; phones sit behind
// the carrier's NAT or move between IPv6 privacy addresses in their /64;
// hotel and campus guests share one.
//
// Every day of a site has the same fixtures: the CDN's shield nodes
// pulling segments from the origin with a key, at a high rate; studios
// uploading films in chunks of 5 to 100 MB; catalogue feeds walking every
// title; uptime monitors; search crawlers. Some days bring newcomers no
// earlier day saw: a new shield node, a studio onboarding, a telco
// bundle's set-top boxes, an app update's new version. On match days a
// live game kicks off inside the window and a flash crowd several times
// the usual load arrives from new addresses, all pulling the same live
// playlists and segments, and the gateway answers some of it with 429 and
// 503.
//
// The attackers: lone floods, scans, brute force (passwords, profile
// PINs, API keys, gift codes), injection, oversized uploads and
// enumeration, many disguised as the apps or browsers, some inside
// signed-in sessions or slow; and campaigns over many addresses of
// credential stuffing, a DDoS riding the match, card testing, and a
// stream-ripping ring that pulls whole seasons at many times real time on
// a few resold accounts ("ripping").
//
// Flags -seed -site -start -minutes -clients -out -labels; -seed 1 is the
// training day and -seed 2 the test day of the same site.
package main

import (
	"math/rand/v2"

	"github.com/portcullis/portcullis/tools/internal/simcmd"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

const (
	seedHelp    = "the day: 1 is the training day, 2 the test day; the site's shields, studios, feeds and monitors recur every day"
	siteHelp    = "the platform: each has its own brand, API, catalogue, audience, fixtures and taste of attacks"
	clientsHelp = "viewers' devices active in an ordinary window (a match brings more)"
)

var model = simcmd.Model{Name: "streamsim", Site: 3, Start: "2027-02-07T19:00:00Z", Generate: generate,
	SeedHelp: seedHelp, SiteHelp: siteHelp, ClientsHelp: clientsHelp}

func main() { model.Main() }

// generate builds one day of one platform: the fixtures' traffic, the
// audience, the match's crowd, the attackers, and what the gateway makes
// of it all. Every part draws from a stream of its own.
func generate(c simcmd.Config) *Log {
	day := rand.New(rand.NewPCG(c.Site*0x9e3779b97f4a7c15+7, c.Seed))
	w := newWorld(c, day)

	w.shields(Sub(day))
	w.studios(Sub(day))
	w.syndicate(Sub(day))
	w.watchdogs(Sub(day))
	w.crawl(Sub(day))

	r := Sub(day)
	for _, v := range w.audience(Sub(day)) {
		liveAt := int64(0)
		if w.live != nil && Chance(r, 0.05) {
			v.fan = true
			liveAt = w.live.kick + Sec(r.NormFloat64()*120-30)
		}
		v.evening(Chance(r, w.s.watching), liveAt)
	}
	if w.live != nil {
		w.crowd(Sub(day))
	}
	w.threats(Sub(day))
	w.campaigns(Sub(day))
	w.gateway(Sub(day))

	for c, n := range w.devices {
		if n >= 4 && (c.Profile == "mobile-nat" || c.Profile == "venue-nat") {
			c.Heavy = true
		}
	}
	return w.log
}
