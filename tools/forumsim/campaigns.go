package main

import (
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// campaigns adds the day's coordinated attacks, each spread over 20-150
// addresses that share its campaign label: credential stuffing, a
// distributed flood, comment spam and a vote ring. A long window holds
// more of them.
func (w *world) campaigns(r *rand.Rand) {
	for range 1 + int(w.minutes)/240 {
		w.stuffing(Sub(r))
		w.ddos(Sub(r))
		w.commentSpam(Sub(r))
		w.voteRing(Sub(r))
	}
}

// A campaign is one coordinated attack: its label and the window of time
// it runs in.
type campaign struct {
	w          *world
	kind, id   string
	start, end int64
}

func (w *world) campaign(r *rand.Rand, kind string, lo, hi float64) *campaign {
	t0 := w.onset(r)
	return &campaign{w: w, kind: kind, id: kind + "-" + Hex(r, 6), start: t0, end: t0 + Sec(Uniform(r, lo, hi))}
}

// size draws how many addresses a campaign uses, between lo and hi.
func size(r *rand.Rand, lo, hi int) int { return max(20, min(150, lo+r.IntN(hi-lo+1))) }

// member registers one address of the campaign and draws when it joins
// and leaves: its first attack request falls inside the window.
func (c *campaign) member(r *rand.Rand, ip, ua string, hdr float64) (*agent, int64, int64) {
	cl := c.w.l.Client(ip, c.kind)
	cl.Campaign = c.id
	a := c.w.newAgent(r, cl, ua, hdr)
	join := c.start + int64(Uniform(r, 0, 0.3)*float64(c.end-c.start))
	join = min(join, c.w.win-Sec(Uniform(r, 1, 20)))
	leave := join + int64(Uniform(r, 0.5, 1)*float64(max(c.end-join, Sec(30))))
	return a, join, leave
}

// browserUA draws a browser's user agent, desktop or phone.
func browserUA(r *rand.Rand) string {
	if Chance(r, 0.6) {
		return Pick(r, desktopUAs)
	}
	return Pick(r, phoneUAs)
}

// stuffing tries leaked email and password pairs, one account a try,
// from a residential proxy pool: each exit every 10-90 s, some of them
// loading the sign-in page first as a browser would. A rare pair works,
// and the tool checks the account it got into. Some campaigns aim at
// the apps' token endpoint with an app's key instead.
func (w *world) stuffing(r *rand.Rand) {
	c := w.campaign(r, "stuffing", 240, 900)
	path, rt := "/api/v1/auth/login", postLogin
	ap := apps[Weighted(r, appWeights)]
	viaApp := Chance(r, 0.3)
	if viaApp {
		path, rt = "/api/v1/oauth/token", postToken
	}
	pages := Uniform(r, 0.2, 0.7)
	shared := ""
	if Chance(r, 0.3) {
		shared = Pick(r, desktopUAs)
	}
	for range size(r, w.s.campSize[0], w.s.campSize[1]) {
		p := Sub(r)
		ua := shared
		if ua == "" {
			ua = browserUA(p)
		}
		a, join, leave := c.member(p, w.proxyIP(p), ua, LogNormal(p, 600, 0.15))
		if viaApp {
			a.ua, a.key = ap.ua(p), ap.key
		}
		loads := !viaApp && Chance(p, pages)
		pace(p, 1/Uniform(p, 10, 90), 0.4, join, leave, func(t int64) {
			if loads && Chance(p, 0.4) {
				a.attack = false
				a.hit(t-Sec(Uniform(p, 1.5, 6)), getForm, "/login", 200)
			}
			a.attack = true
			status := mostly(p, 401, 0.012, 200)
			a.hit(t, rt, path, status)
			if status == 200 {
				a.user = name(w.s.user(p))
				a.hit(t+Sec(Uniform(p, 0.4, 2)), getJSON, "/api/v1/me", 200)
				a.hit(t+Sec(Uniform(p, 2, 5)), getJSON, "/api/v1/me/settings", 200)
				a.user = ""
			}
		})
	}
}

// ddos floods one target from a botnet of home routers, cameras, phones
// and rented servers: the viral thread itself when the day has one (its
// page and its comments), or the front page, the search, the feed API.
// Many bust the cache with a random parameter or slug; the origin,
// overloaded, fails some requests.
func (w *world) ddos(r *rand.Rand) {
	s := w.s
	c := w.campaign(r, "ddos", 120, 360)
	n := size(r, w.s.campSize[0], w.s.campSize[1])
	per := LogUniform(r, 40, 150) / float64(n)
	var target func(r *rand.Rand) (route, string)
	switch {
	case w.viral != nil && Chance(r, 0.6):
		id := w.viral.id
		target = func(r *rand.Rand) (route, string) {
			if Chance(r, 0.5) {
				return getComms, "/api/v1/threads/" + strconv.Itoa(id) + "/comments?sort=new&limit=50"
			}
			return getPage, s.threadPath(id)
		}
	default:
		rt, path := Pick(r, []route{getList, getSearch, getFeed, getPage}), ""
		switch rt {
		case getList:
			path = "/"
		case getSearch:
			path = "/search?q=" + url.QueryEscape(Pick(r, s.board(r).words)) + "&type=comments"
		case getFeed:
			path = "/api/v1/feed?sort=new&limit=100"
		default:
			path = s.threadPath(s.hotThread(r))
		}
		target = func(*rand.Rand) (route, string) { return rt, path }
	}
	bust := Chance(r, 0.6)
	param := Pick(r, []string{"cb", "_", "v", "nocache", "r"})
	for range n {
		p := Sub(r)
		var ip string
		switch Weighted(p, []float64{0.5, 0.2, 0.3}) {
		case 0:
			ip = w.proxyIP(p)
		case 1:
			ip = w.l.V4(p, shady)
		default:
			ip = w.hostIP(p, 0.15)
		}
		a, join, leave := c.member(p, ip, browserUA(p), LogNormal(p, 450, 0.3))
		a.attack = true
		rotate := Chance(p, 0.5)
		pace(p, per*LogNormal(p, 1, 0.4), 0.9, join, leave, func(t int64) {
			if rotate {
				a.ua = browserUA(p)
			}
			rt, path := target(p)
			if bust {
				path += sep(path) + param + "=" + Hex(p, 8)
			}
			// the origin fails more the longer the flood lasts
			status := mostly(p, 200, min(0.3, float64(t-c.start)/float64(c.end-c.start+1)*0.4), 503, 502, 504)
			a.hit(t, rt, path, status)
		})
	}
}

// sep is the separator that adds one more parameter to path.
func sep(path string) string {
	if strings.Contains(path, "?") {
		return "&"
	}
	return "?"
}

// spamDomains are where the spam links lead.
var spamDomains = []string{"cheap-meds-rx.shop", "crypto-doubler.io", "bestvpn-deals.top", "replica-watches.biz", "free-robux.win", "casino-bonus.bet", "essay-writers.pro"}

// commentSpam posts links under threads from throwaway accounts, a few
// per address, each account posting every half minute to three minutes
// until the site flags it (403 from then on); some open the thread
// first, some post a thread of their own with the link unfurled, some
// write to members directly.
func (w *world) commentSpam(r *rand.Rand) {
	s := w.s
	c := w.campaign(r, "commentspam", 240, 900)
	domain := Pick(r, spamDomains)
	var boards []string
	for range 2 + r.IntN(3) {
		boards = append(boards, s.board(r).name)
	}
	for range size(r, s.campSize[0], min(s.campSize[1], 90)) {
		p := Sub(r)
		a, join, leave := c.member(p, w.proxyIP(p), browserUA(p), LogNormal(p, 900, 0.15))
		if Chance(p, 0.3) {
			ap := apps[Weighted(p, appWeights)]
			a.ua, a.key = ap.ua(p), ap.key
		}
		t := join
		for t < leave {
			a.user = spammerName(p)
			// most accounts post at a pace that passes for a person's,
			// some as fast as the write limit lets them
			every := [2]float64{30, 180}
			if Chance(p, 0.3) {
				every = [2]float64{3, 12}
			}
			flagged := 3 + p.IntN(8)
			a.attack = true
			if Chance(p, 0.5) {
				a.hit(t, postLogin, "/api/v1/auth/login", 200)
				t += Sec(Uniform(p, 1, 4))
			}
			for i := 0; i < 12 && t < leave; i++ {
				id := s.hotThread(p)
				if Chance(p, 0.4) {
					a.attack = false
					a.hit(t-Sec(Uniform(p, 3, 20)), getPage, s.threadPath(id), 200)
					a.attack = true
				}
				status := 201
				if i >= flagged {
					status = 403
				}
				switch x := p.Float64(); {
				case x < 0.1:
					a.hit(t, getJSON, "/api/v1/unfurl?url="+url.QueryEscape("https://"+domain+"/?ref="+Hex(p, 6)), 200)
					a.hit(t+Sec(Uniform(p, 2, 8)), postThread, "/api/v1/threads?board="+Pick(p, boards), status)
				case x < 0.2:
					a.hit(t, postDM, "/api/v1/messages", status)
				default:
					a.hit(t, postNote, "/api/v1/threads/"+strconv.Itoa(id)+"/comments", status)
				}
				t += Sec(Uniform(p, every[0], every[1]))
			}
			t += Sec(Uniform(p, 10, 60))
		}
	}
}

// spammerName draws the name of a throwaway account.
func spammerName(r *rand.Rand) string {
	return Pick(r, []string{"deals", "bestoffer", "crypto_gains", "promo", "freebies", "topvpn", "luckyspin"}) + Pick(r, []string{"_", "", "-"}) + strconv.Itoa(100+r.IntN(99_900))
}

// voteRing pushes one thread up: many aged accounts, bought or farmed,
// sign in one after another behind each of many residential exits, upvote
// the thread and the ring's comments under it, downvote a rival or two,
// and sign out. Every request is served; the tell is many accounts
// voting alike from few requests each.
func (w *world) voteRing(r *rand.Rand) {
	s := w.s
	c := w.campaign(r, "votering", 240, 900)
	target := s.newest - r.IntN(60)
	var ring, rivals []int
	for range 3 + r.IntN(6) {
		ring = append(ring, s.newestNote-r.IntN(20_000))
	}
	for range 1 + r.IntN(4) {
		rivals = append(rivals, s.hotThread(r))
	}
	for range size(r, s.ringSize[0], s.ringSize[1]) {
		p := Sub(r)
		a, join, leave := c.member(p, w.proxyIP(p), browserUA(p), LogNormal(p, 800, 0.15))
		if Chance(p, 0.3) {
			ap := apps[Weighted(p, appWeights)]
			a.ua, a.key = ap.ua(p), ap.key
		}
		for t := join; t < leave; t += Sec(Uniform(p, 20, 150)) {
			// a fresh sign-in, or a session kept from before; the
			// thread is opened (no part of the attack) or not
			login := Chance(p, 0.7)
			if login {
				a.attack = true
				a.hit(t, postLogin, "/api/v1/auth/login", 200)
			}
			a.user = name(s.user(p))
			if Chance(p, 0.6) {
				a.attack = false
				if login {
					t += Sec(Uniform(p, 0.5, 3))
					a.hit(t, getPage, s.threadPath(target), 200)
					t += Sec(Uniform(p, 2, 15))
				} else {
					a.hit(t-Sec(Uniform(p, 2, 15)), getPage, s.threadPath(target), 200)
				}
			} else if login {
				t += Sec(Uniform(p, 0.5, 3))
			}
			a.attack = true
			a.hit(t, postVote, "/api/v1/threads/"+strconv.Itoa(target)+"/vote", 200)
			for _, id := range ring {
				if Chance(p, 0.4) {
					t += Sec(Uniform(p, 0.5, 4))
					a.hit(t, postVote, "/api/v1/comments/"+strconv.Itoa(id)+"/vote", 200)
				}
			}
			for _, id := range rivals {
				if Chance(p, 0.3) {
					t += Sec(Uniform(p, 1, 6))
					a.hit(t, postVote, "/api/v1/threads/"+strconv.Itoa(id)+"/vote", 200)
				}
			}
			if Chance(p, 0.6) {
				t += Sec(Uniform(p, 0.5, 3))
				a.hit(t, postEmpty, "/api/v1/auth/logout", 204)
			}
			a.user = ""
		}
	}
}
