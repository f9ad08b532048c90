package main

import (
	"iter"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// fixtureClients yields the addresses of the bots in groups.
func fixtureClients(groups [][]*bot) iter.Seq[*Client] {
	return func(yield func(*Client) bool) {
		for _, g := range groups {
			for _, b := range g {
				for _, c := range b.clients {
					if !yield(c) {
						return
					}
				}
			}
		}
	}
}

// machines adds the day's traffic of the site's fixtures. Those that are
// not always busy are labelled heavy on the days they turn out to be.
func (w *world) machines(r *rand.Rand) {
	s := w.s
	every := [][]*bot{s.crawlers, s.peers, s.feeds, s.readers, s.archivers, s.modbots, s.monitors, s.previewers}
	for c := range fixtureClients(every) {
		if !c.Heavy {
			w.busy = append(w.busy, c)
		}
	}
	for _, b := range s.crawlers {
		w.crawler(Sub(r), b)
	}
	for _, b := range s.peers {
		w.peer(Sub(r), b)
	}
	for _, b := range s.feeds {
		w.feedReader(Sub(r), b)
	}
	for _, b := range s.readers {
		w.feedReader(Sub(r), b)
	}
	w.webArchive(Sub(r), s.archivers[0])
	w.apiArchive(Sub(r), s.archivers[1])
	for _, b := range s.modbots {
		w.modbot(Sub(r), b)
	}
	for _, b := range s.monitors {
		w.monitor(Sub(r), b)
	}
	for _, b := range s.previewers {
		w.previews(Sub(r), b, b.rate, 0)
	}
}

// agents returns one agent for each address of b.
func (w *world) agents(r *rand.Rand, b *bot) []*agent {
	var as []*agent
	for _, c := range b.clients {
		a := w.newAgent(r, c, b.uas[0], LogNormal(r, 300, 0.1))
		a.key, a.user = b.key, b.user
		as = append(as, a)
	}
	return as
}

// crawler spreads a search engine's crawl over the addresses it uses
// today.
func (w *world) crawler(r *rand.Rand, b *bot) {
	day := LogNormal(r, 1, 0.3)
	for _, a := range w.agents(r, b) {
		if !Chance(r, 0.85) {
			continue
		}
		Poisson(r, b.rate*day/float64(len(b.clients)), 0, w.win, func(t int64) {
			a.ua = b.ua(r)
			w.crawl(a, t)
		})
	}
}

// crawl is one crawler fetch: mostly old threads (a few moved, gone, or
// unchanged since the last visit), boards page by page, profiles,
// sitemaps, now and then robots.txt.
func (w *world) crawl(a *agent, t int64) {
	r, s := a.r, w.s
	if strings.HasPrefix(a.ua, "Googlebot-Image") {
		a.hit(t, getImage, image(s.oldThread(r), r.IntN(3)), Pick(r, []int{200, 200, 200, 304, 404}))
		return
	}
	switch x := r.Float64(); {
	case x < 0.01:
		a.hit(t, getRobots, "/robots.txt", 200)
	case x < 0.05:
		path := "/sitemap.xml"
		if Chance(r, 0.8) {
			path = "/sitemaps/threads-" + strconv.Itoa(1+r.IntN(s.newest/50_000+1)) + ".xml.gz"
		}
		a.hit(t, getSitemap, path, Pick(r, []int{200, 200, 304}))
	case x < 0.72:
		id := s.oldThread(r)
		status := mostly(r, 200, 0.2, 304, 301, 404, 410)
		path := s.threadPath(id)
		if status == 301 {
			path = "/t/" + strconv.Itoa(id)
		}
		a.hit(t, getPage, path, status)
	case x < 0.87:
		b := s.board(r).name
		a.hit(t, getList, "/c/"+b+Pick(r, []string{"?page=", "/top?t=all&page=", "?sort=new&page="})+strconv.Itoa(1+int(LogUniform(r, 1, 400))), 200)
	case x < 0.96:
		a.hit(t, getPage, "/u/"+name(s.user(r)), mostly(r, 200, 0.25, 404, 410))
	default:
		a.hit(t, getImage, image(s.oldThread(r), 0), 200)
	}
}

// peer is a federated server: it delivers activities (votes, comments,
// edits of its users) to the shared inbox in bursts, and fetches actors
// and objects it has not seen.
func (w *world) peer(r *rand.Rand, b *bot) {
	as := w.agents(r, b)
	rate := b.rate * LogNormal(r, 1, 0.4)
	burst := LogNormal(r, 3, 0.6)
	Poisson(r, rate/burst, 0, w.win, func(t int64) {
		a := Pick(r, as)
		for range 1 + int(r.ExpFloat64()*burst) {
			t += Sec(Uniform(r, 0.004, 0.08))
			w.federate(a, t)
		}
	})
}

// federate is one request of a federated server.
func (w *world) federate(a *agent, t int64) {
	r, s := a.r, w.s
	switch x := r.Float64(); {
	case x < 0.82:
		a.hit(t, postInbox, "/inbox", mostly(r, 202, 0.05, 401, 400))
	case x < 0.9:
		a.hit(t, getObject, "/u/"+name(s.user(r)), mostly(r, 200, 0.2, 404, 410))
	case x < 0.95:
		a.hit(t, getObject, "/ap/"+Pick(r, []string{"threads/" + strconv.Itoa(s.hotThread(r)), "comments/" + strconv.Itoa(s.comment(r))}), mostly(r, 200, 0.1, 404))
	case x < 0.98:
		a.hit(t, getObject, "/.well-known/webfinger?resource="+url.QueryEscape("acct:"+name(s.user(r))+"@"+s.host), Pick(r, []int{200, 200, 200, 200, 404}))
	case x < 0.995:
		a.hit(t, getObject, "/c/"+s.board(r).name+"/outbox?page=true", 200)
	default:
		a.hit(t, getObject, Pick(r, []string{"/.well-known/nodeinfo", "/nodeinfo/2.1"}), 200)
	}
}

// feedReader fetches each feed it follows on its own schedule, asking
// whether it changed (most often it did not); a user feed of a deleted
// account answers 404 every time.
func (w *world) feedReader(r *rand.Rand, b *bot) {
	as := w.agents(r, b)
	for _, f := range b.follows {
		a := Pick(r, as)
		gone := strings.HasPrefix(f, "/u/") && mix(uint64(len(f))^uint64(f[4]))%8 == 0
		every := b.every * Uniform(r, 0.8, 1.2)
		for t := Sec(Uniform(r, 0, every)); t < w.win; t += Sec(every * Uniform(r, 0.97, 1.03)) {
			status := Pick(r, []int{304, 304, 304, 200})
			if gone {
				status = 404
			}
			a.hit(t, getRSS, f, status)
		}
	}
}

// webArchive is the web archive's crawler: thread pages, their pictures,
// boards.
func (w *world) webArchive(r *rand.Rand, b *bot) {
	s := w.s
	for _, a := range w.agents(r, b) {
		Poisson(r, b.rate/float64(len(b.clients)), 0, w.win, func(t int64) {
			switch x := r.Float64(); {
			case x < 0.7:
				id := s.hotThread(r)
				if Chance(r, 0.4) {
					id = s.oldThread(r)
				}
				a.hit(t, getPage, s.threadPath(id), mostly(r, 200, 0.1, 404))
			case x < 0.9:
				a.hit(t, getImage, image(s.hotThread(r), r.IntN(3)), 200)
			default:
				a.hit(t, getList, "/c/"+s.board(r).name, 200)
			}
		})
	}
}

// apiArchive keeps every new thread and comment: it pages through the
// newest of each every few seconds with its token, and fetches the whole
// comment tree of threads it has not stored yet.
func (w *world) apiArchive(r *rand.Rand, b *bot) {
	s := w.s
	a := w.agents(r, b)[0]
	thread, note := s.newest, s.newestNote
	for t := Sec(Uniform(r, 0, b.every)); t < w.win; t += Sec(b.every * Uniform(r, 0.8, 1.2)) {
		a.hit(t, getFeed, "/api/v1/threads?sort=new&limit=100&after=t_"+strconv.Itoa(thread), 200)
		a.hit(t+Sec(Uniform(r, 0.05, 0.3)), getFeed, "/api/v1/comments?sort=new&limit=100&after=c_"+strconv.Itoa(note), 200)
		note += 20 + r.IntN(60)
		if Chance(r, 0.4) {
			thread += 1 + r.IntN(3)
			a.hit(t+Sec(Uniform(r, 0.3, 0.8)), getComms, "/api/v1/threads/"+strconv.Itoa(thread)+"/comments?limit=500&depth=10", 200)
		}
	}
}

// modbot watches its boards' new comments and queue with its token, and
// acts on some: removals, sticky replies, bans.
func (w *world) modbot(r *rand.Rand, b *bot) {
	s := w.s
	a := w.agents(r, b)[0]
	for _, board := range b.follows {
		for i, t := 0, Sec(Uniform(r, 0, b.every)); t < w.win; i, t = i+1, t+Sec(b.every*Uniform(r, 0.9, 1.1)) {
			a.hit(t, getComms, "/api/v1/boards/"+board+"/comments?sort=new&limit=100", 200)
			if i%3 == 0 {
				a.hit(t+Sec(0.2), getFeed, "/api/v1/mod/queue?board="+board+"&limit=100", 200)
			}
			switch x := r.Float64(); {
			case x < 0.04:
				a.hit(t+Sec(Uniform(r, 0.3, 1)), postMod, "/api/v1/mod/comments/"+strconv.Itoa(s.comment(r))+"/remove", Pick(r, []int{200, 200, 200, 404}))
			case x < 0.06:
				a.hit(t+Sec(Uniform(r, 0.3, 1)), postNote, "/api/v1/threads/"+strconv.Itoa(s.hotThread(r))+"/comments", 201)
			case x < 0.065:
				a.hit(t+Sec(Uniform(r, 0.3, 1)), postMod, "/api/v1/boards/"+board+"/bans", 201)
			}
		}
	}
}

// monitor checks the site from each probe of its pool in turn.
func (w *world) monitor(r *rand.Rand, b *bot) {
	as := w.agents(r, b)
	for i, t := 0, Sec(Uniform(r, 0, b.every)); t < w.win; i, t = i+1, t+Sec(b.every) {
		a := as[i%len(as)]
		if strings.HasPrefix(b.uas[0], "Pingdom") {
			a.hit(t, getHealth, "/api/v1/health", 200)
		} else {
			a.hit(t, headHealth, "/", 200)
		}
	}
}

// previews is a chat app unfurling links people paste: the page, for its
// title and picture, then the picture. target is the thread shared, or 0
// for the day's usual mix.
func (w *world) previews(r *rand.Rand, b *bot, rate float64, target int) {
	s := w.s
	as := w.agents(r, b)
	Poisson(r, rate, 0, w.win, func(t int64) {
		a := Pick(r, as)
		id := target
		if id == 0 {
			id = s.hotThread(r)
		}
		a.hit(t, getPage, s.threadPath(id)+Pick(r, []string{"", "", "?utm_source=share", "?context=3"}), 200)
		if !strings.HasPrefix(b.uas[0], "Slackbot") || Chance(r, 0.3) {
			a.hit(t+Sec(Uniform(r, 0.1, 0.8)), getImage, image(id, 0), 200)
		}
		if strings.HasPrefix(b.uas[0], "facebook") && Chance(r, 0.5) {
			a.hit(t+Sec(Uniform(r, 1, 4)), getPage, s.threadPath(id), 200)
		}
	})
}
