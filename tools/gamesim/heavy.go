package main

import (
	"math/rand/v2"
	"strconv"

	"github.com/portcullis/portcullis/decision/apikey"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// partnerTraffic is what the site's machines send all day: the dedicated
// game servers, the anti-cheat uploaders, the stat sites and the overlay
// service polling the public API with their keys, the CDN's origin
// checks, the uptime probes and the console platforms' notifications.
func (w *world) partnerTraffic(r *rand.Rand) {
	byIP := map[string]*Client{}
	for _, c := range w.l.Clients() {
		byIP[c.IP] = c
	}
	for _, p := range w.s.partners {
		c := byIP[p.ip]
		pr := Sub(r)
		d := w.newDev(pr, func(int64) *Client { return c }, 0, p.ua, 300+int64(pr.IntN(200)))
		d.key = p.key
		switch p.profile {
		case "game-server":
			w.gameServer(d, p.rate)
		case "anticheat":
			w.anticheat(d, p.rate)
		case "stats-partner":
			w.statsPoller(d, p.rate, 0)
		case "stream-overlay":
			w.overlay(d, p.rate)
		case "cdn-check":
			w.cdnCheck(d, p.rate)
		case "monitor":
			w.monitor(d, p.rate)
		case "platform-webhook":
			Poisson(pr, p.rate, 0, w.win, func(t int64) {
				d.t = t
				d.post(d.api("/webhooks/entitlements"), 200, 1200, 0.05, 40)
			})
		case "payment-webhook":
			// Refunds, disputes and payouts come in on their own.
			Poisson(pr, Uniform(pr, 0.003, 0.02), 0, w.win, func(t int64) {
				d.t = t
				d.post("/webhooks/payments", 200, 1500, 0.01, 35)
			})
		}
	}
}

// gameServer is one machine of the dedicated server fleet: it reports its
// health every few seconds and asks for allocations, and each of the game
// instances it runs registers a match, reports the players who join,
// streams batches of match events and posts the result at the end. After
// the launch it drains, updates and registers again.
func (w *world) gameServer(d *dev, rate float64) {
	r := d.r
	sid := Hex(r, 10)
	down := w.launch.at + Sec(Uniform(r, 30, 300))
	up := down + Sec(Uniform(r, 40, 120))
	alive := func(a, b int64) {
		d.every(Uniform(r, 5, 10), a, b, func() { d.post(d.api("/servers/"+sid+"/heartbeat"), 200, 520, 0.1, 8) })
		d.every(Uniform(r, 3, 6), a, b, func() { d.get(d.api("/servers/"+sid+"/allocation"), 200, 0.2, 6) })
	}
	alive(0, down)
	alive(up, w.win)
	d.t = up
	d.post(d.api("/servers/register?build="+w.s.nextBuild), 201, 900, 0.6, 60)
	for range max(1, int(rate*8)) {
		for d.t = Sec(-Uniform(r, 0, 1800)); d.t < w.win; {
			if d.t >= down && d.t < up {
				d.t = up + Sec(Uniform(r, 1, 30))
			}
			w.instance(d, sid)
			d.pause(5, 60)
		}
	}
}

// instance is one match on a game server, from registration to result.
func (w *world) instance(d *dev, sid string) {
	r, s := d.r, d.w.s
	m := s.mode(r)
	mid := strconv.Itoa(w.matches - 2000 + r.IntN(4000))
	base := d.api("/servers/" + sid + "/matches/" + mid)
	d.post(d.api("/servers/"+sid+"/matches"), 201, 700, 0.3, 40)
	d.pause(5, 40)
	d.post(base+"/players", 200, LogUniform(r, 600, 4000), 0.5, 40)
	end := d.t + Sec(LogNormal(r, m.match*60, 0.25))
	for d.t += Sec(Uniform(r, 20, 60)); d.t < end; d.t += Sec(Uniform(r, 20, 60)) {
		d.post(base+"/events", 202, LogUniform(r, 3000, 40000), 0.05, 15)
		if Chance(r, 0.05) {
			d.post(base+"/players", 200, 500, 0.3, 30) // a player left or reconnected
		}
	}
	d.t = end
	d.post(base+"/result", Pick(r, []int{200, 200, 200, 200, 200, 200, 200, 200, 200, 409}), LogUniform(r, 5000, 30000), 0.3, 120)
}

// anticheat is the anti-cheat vendor's uploader: batches of client
// telemetry and detections for the live matches, more while the launch
// crowd plays, and a poll of the bans issued since its last one.
func (w *world) anticheat(d *dev, rate float64) {
	r := d.r
	since := w.l.Start().Unix() - 60
	next := Sec(Uniform(r, 0, 30))
	Poisson(r, rate*1.6, 0, w.win, func(t int64) {
		if !Chance(r, (1+w.load(t))/1.6) {
			return
		}
		d.t = t
		if t >= next {
			d.get(d.api("/integrations/anticheat/bans?since="+strconv.FormatInt(since, 10)), 200, 1.5, 40)
			since = w.l.Start().Unix() + t/1e9
			next = t + Sec(Uniform(r, 28, 32))
			return
		}
		if Chance(r, 0.01) {
			d.post(d.api("/integrations/anticheat/bans"), 201, 600, 0.2, 60)
			return
		}
		d.post(d.api("/integrations/anticheat/reports"), 202, LogUniform(r, 20000, 250000), 0.1, 35)
	})
}

// statsPoller is a stat site or esports data partner: it lists the
// matches finished since its last poll every few seconds, then fetches
// each with its players' stats; its key's quota refuses a few calls.
func (w *world) statsPoller(d *dev, rate float64, from int64) {
	r, s := d.r, w.s
	list := from
	seen := w.matches - 3000
	Poisson(r, rate, from, w.win, func(t int64) {
		d.t = t
		status := 200
		if Chance(r, 0.01) {
			status = 429
		}
		if t >= list {
			d.get("/public/v1/matches?since_id="+strconv.Itoa(seen)+"&limit=100&region="+s.regionTag, status, 22, 90)
			list = t + Sec(Uniform(r, 8, 20))
			return
		}
		if Chance(r, 0.5) {
			seen += r.IntN(4)
			d.get("/public/v1/matches/"+strconv.Itoa(seen), status, 16, 60)
			return
		}
		d.get("/public/v1/players/"+s.user(r)+"/stats?season="+strconv.Itoa(s.season), status, 5, 60)
	})
}

// overlay is the stream-overlay service: for every streamer using it, it
// polls their live match and rank; most answers have not changed.
func (w *world) overlay(d *dev, rate float64) {
	r, s := d.r, w.s
	streamers := make([]string, 20+r.IntN(130))
	for i := range streamers {
		streamers[i] = s.user(rand.New(rand.NewPCG(uint64(i), uint64(s.userBase))))
	}
	next := r.IntN(len(streamers))
	Poisson(r, rate, 0, w.win, func(t int64) {
		d.t = t
		id := streamers[next%len(streamers)]
		next++
		if Chance(r, 0.6) {
			d.send("GET", "/public/v1/players/"+id+"/live", 304, 0, 0, 8)
			return
		}
		d.get("/public/v1/players/"+id+"/live", 200, 1.1, 25)
	})
}

// cdnCheck is one edge of the patch CDN checking its origin; once the
// launch is out it fetches the new manifests and chunk index it then
// serves to the crowd.
func (w *world) cdnCheck(d *dev, rate float64) {
	r := d.r
	d.every(1/rate, 0, w.win, func() {
		d.send("HEAD", d.api("/patch/manifest?platform=win64&branch=live"), 200, 0, 0, 6)
	})
	d.t = w.launch.at + Sec(Uniform(r, 1, 30))
	for _, plat := range []string{"win64", "ps5", "xsx", "switch"} {
		d.get(d.api("/patch/manifest?platform="+plat+"&build="+w.s.nextBuild), 200, 420, 120)
		d.pause(0.2, 2)
		d.get(d.api("/patch/chunks/index?platform="+plat+"&build="+w.s.nextBuild), 200, 2600, 400)
		d.pause(0.5, 4)
	}
}

// monitor is one region's uptime probe: health, the public status, the
// news, and every few minutes a sign-in with its own test account.
func (w *world) monitor(d *dev, rate float64) {
	step := 0
	d.every(1/rate, 0, w.win, func() {
		switch step % 4 {
		case 0:
			d.get("/healthz", 200, 0.05, 2)
		case 1:
			d.get(d.api("/status"), 200, 0.6, 15)
		case 2:
			d.get(d.api("/news?lang=en"), 200, 9, 30)
		default:
			if step%24 == 3 {
				d.post(d.api("/auth/login"), 200, 190, 1.2, 110)
			} else {
				d.get(d.api("/patch/status?branch=live"), 200, 0.3, 10)
			}
		}
		step++
	})
}

// newcomers are the partners that start calling the public API today
// (on some days none): a tournament platform running its brackets, a new
// stat site backfilling leaderboards, a community bot answering commands
// on a chat server. The site has not seen them before.
func (w *world) newcomers(r *rand.Rand) {
	s := w.s
	for range Weighted(r, []float64{0.4, 0.45, 0.15}) {
		pr := Sub(r)
		c := w.l.Client(w.l.V4(pr, cloudNets), KindNormal)
		c.Heavy = true
		d := w.newDev(pr, func(int64) *Client { return c }, Sec(Uniform(pr, 0, 60)), "", 320)
		d.key = apikey.ID(s.code + "_pub_" + Hex(pr, 16) + Hex(pr, 16))
		switch pr.IntN(3) {
		case 0:
			c.Profile = "new-tournament-platform"
			d.ua = Pick(pr, []string{"BracketHub/0.9", "axios/1.7.9", "Go-http-client/2.0"})
			tid := strconv.Itoa(1000 + pr.IntN(9000))
			Poisson(pr, Uniform(pr, 1, 4), d.t, w.win, func(t int64) {
				d.t = t
				if Chance(pr, 0.3) {
					d.get("/public/v1/tournaments/"+tid+"/lobbies", 200, 6, 50)
					return
				}
				d.get("/public/v1/matches/"+strconv.Itoa(w.matches-pr.IntN(3000)), 200, 16, 60)
			})
		case 1:
			c.Profile = "new-stats-site"
			d.ua = Pick(pr, statUAs)
			for page := 1; page <= 40+pr.IntN(80) && d.t < w.win; page++ {
				d.get("/public/v1/leaderboards/s"+strconv.Itoa(s.season)+"/"+s.mode(pr).name+"?page="+strconv.Itoa(page)+"&limit=200", 200, 40, 150)
				d.pause(0.3, 1.5)
			}
			w.statsPoller(d, Uniform(pr, 1, 4), d.t)
		default:
			c.Profile = "new-community-bot"
			d.ua = "DiscordBot (https://github.com/discordjs/discord.js, 14.16.3)"
			Poisson(pr, Uniform(pr, 0.1, 0.4), d.t, w.win, func(t int64) {
				// A command in the chat server: a few lookups at once.
				d.t = t
				for range 1 + pr.IntN(4) {
					d.get("/public/v1/players/"+s.user(pr)+"/stats?season="+strconv.Itoa(s.season), Pick(pr, []int{200, 200, 200, 404}), 5, 60)
					d.pause(0.05, 0.4)
				}
			})
		}
	}
}

// webhooks are the payment provider's calls back: one for every card
// payment it authorized, a few seconds later, from one of its addresses.
func (w *world) webhooks(r *rand.Rand) {
	var hooks []*Client
	ua := ""
	for _, c := range w.l.Clients() {
		if c.Profile == "payment-webhook" {
			hooks = append(hooks, c)
		}
	}
	for _, p := range w.s.partners {
		if p.profile == "payment-webhook" {
			ua = p.ua
		}
	}
	for _, t := range w.payments {
		c := Pick(r, hooks)
		d := w.newDev(r, func(int64) *Client { return c }, t+Sec(Uniform(r, 0.5, 6)), ua, 480)
		d.post("/webhooks/payments", 200, 1500, 0.01, 35)
		if Chance(r, 0.03) { // the first delivery timed out and is sent again
			d.pause(20, 60)
			d.post("/webhooks/payments", 200, 1500, 0.01, 35)
		}
	}
}
