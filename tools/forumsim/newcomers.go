package main

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// newcomers adds the legitimate heavy clients that this day brings for
// the first time: a new archiver, a newly federated server backfilling,
// a new crawler, a new integration with an API token. Their addresses
// come from the day, so no earlier day saw them.
func (w *world) newcomers(r *rand.Rand) {
	kinds := []func(*rand.Rand){w.newArchiver, w.newPeer, w.newCrawler, w.newIntegration}
	for _, i := range r.Perm(len(kinds))[:1+r.IntN(2)] {
		kinds[i](Sub(r))
	}
}

// newcomer registers one address of a newcomer.
func (w *world) newcomer(r *rand.Rand, profile, ua string) *agent {
	c := w.l.Client(w.hostIP(r, 0.3), KindNormal)
	c.Profile, c.Heavy = profile, true
	return w.newAgent(r, c, ua, LogNormal(r, 320, 0.1))
}

// newArchiver saves thread pages and their comment trees at a steady
// clip from one or two servers, with the API token it registered today.
func (w *world) newArchiver(r *rand.Rand) {
	ua := fmt.Sprintf("Mozilla/5.0 (compatible; %s/0.%d; +https://%s/bot)", Pick(r, []string{"ThreadVault", "Keepsake", "Palimpsest", "Stacks"}), 1+r.IntN(9), Pick(r, []string{"threadvault.io", "keepsake.dev", "palimpsest.net", "stacks.archive"}))
	s := w.s
	key := "ak_" + Hex(r, 16)
	for range 1 + r.IntN(2) {
		a := w.newcomer(r, "new-archive", ua)
		a.key = key
		Poisson(r, Uniform(r, 1, 4), w.at(Uniform(r, -0.2, 0.4)), w.win, func(t int64) {
			id := s.oldThread(r)
			if Chance(r, 0.5) {
				a.hit(t, getPage, s.threadPath(id), mostly(r, 200, 0.08, 404, 410))
				return
			}
			a.hit(t, getComms, "/api/v1/threads/"+strconv.Itoa(id)+"/comments?limit=500&depth=10", mostly(r, 200, 0.08, 404))
		})
	}
}

// newPeer is a server that federated today: it reads the site's nodeinfo
// and boards, backfills their outboxes page by page and the objects in
// them, then settles down to delivering activities.
func (w *world) newPeer(r *rand.Rand) {
	host := Pick(r, []string{"lemmy.", "fedi.", "social.", "mbin."}) + Pick(r, []string{"acorn", "tidepool", "lowlands", "quarry", "bramble"}) + Pick(r, []string{".social", ".net", ".eu", ".club"})
	a := w.newcomer(r, "new-federation", Pick(r, peerSoftware)(r, host))
	s := w.s
	t := w.at(Uniform(r, 0, 0.5))
	a.hit(t, getObject, "/.well-known/nodeinfo", 200)
	a.hit(t+Sec(0.2), getObject, "/nodeinfo/2.1", 200)
	for range 2 + r.IntN(5) {
		b := s.board(r).name
		t += Sec(Uniform(r, 0.5, 3))
		a.hit(t, getObject, "/c/"+b, 200)
		a.hit(t+Sec(0.1), postInbox, "/inbox", 202)
		for p := range 5 + r.IntN(30) {
			t += Sec(Uniform(r, 0.2, 0.8))
			a.hit(t, getObject, "/c/"+b+"/outbox?page="+strconv.Itoa(p+1), 200)
			for range r.IntN(6) {
				t += Sec(Uniform(r, 0.05, 0.3))
				a.hit(t, getObject, "/ap/threads/"+strconv.Itoa(s.oldThread(r)), mostly(r, 200, 0.05, 404, 410))
			}
		}
	}
	Poisson(r, Uniform(r, 0.3, 2), t, w.win, func(t int64) { w.federate(a, t) })
}

// newCrawler is a search or research crawler that asks robots.txt first
// and then fetches pages from a few addresses.
func (w *world) newCrawler(r *rand.Rand) {
	ua := fmt.Sprintf("Mozilla/5.0 (compatible; %sBot/1.%d; +https://%s/crawler)", Pick(r, []string{"Lumen", "Quarry", "Fathom", "Seek"}), r.IntN(5), Pick(r, []string{"lumen-search.com", "quarry.ai", "fathom.dev", "seek.eu"}))
	for range 2 + r.IntN(4) {
		a := w.newcomer(r, "new-crawler", ua)
		start := w.at(Uniform(r, -0.3, 0.5))
		a.hit(start, getRobots, "/robots.txt", 200)
		Poisson(r, Uniform(r, 0.3, 1.5), start+Sec(1), w.win, func(t int64) { w.crawl(a, t) })
	}
}

// newIntegration is a new bridge (to a chat server, say) that follows a
// few boards through the API with its token, polling every few seconds.
func (w *world) newIntegration(r *rand.Rand) {
	a := w.newcomer(r, "new-integration", fmt.Sprintf("%s/1.%d (+https://github.com/%s)", Pick(r, []string{"hearth-discord-bridge", "hearth2matrix", "embertide"}), r.IntN(10), Pick(r, []string{"bridges/hearth", "kfoss/hb", "tide/embertide"})))
	a.key = "ik_" + Hex(r, 16) + Hex(r, 4)
	s := w.s
	every := Uniform(r, 3, 12)
	var boards []string
	for range 1 + r.IntN(4) {
		boards = append(boards, s.board(r).name)
	}
	for t := w.at(Uniform(r, -0.2, 0.3)); t < w.win; t += Sec(every * Uniform(r, 0.95, 1.05)) {
		for i, b := range boards {
			a.hit(t+Sec(0.15*float64(i)), getFeed, "/api/v1/boards/"+b+"/threads?sort=new&limit=25", 200)
		}
	}
}
