package main

import (
	"math/rand/v2"
	"strconv"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// people are the day's ordinary people: players on PC and consoles in the
// middle of an evening's session or starting one, people on the
// companion app, visitors of the web store, and a LAN party on the days
// there is one.
func (w *world) people(r *rand.Rand, n int) {
	s := w.s
	for range n {
		pr := Sub(r)
		switch x := pr.Float64(); {
		case x < s.companionShare:
			w.companion(pr, Sec(Uniform(pr, -240, float64(w.win)/1e9)))
		case x < s.companionShare+s.webShare:
			w.webStore(pr, Sec(Uniform(pr, -300, float64(w.win)/1e9)))
		default:
			// Sessions last most of an hour: many were already on when the
			// window opened.
			w.newPlayer(pr, Sec(Uniform(pr, -3000, float64(w.win)/1e9)), "", nil).run()
		}
	}
	if w.lan != nil {
		w.lanParty(Sub(r))
	}
}

// lanParty is 8 to 30 players on one line, in a hall or a club: the
// party has been going for a while or starts in the window, everyone
// sitting down within a few minutes, nearly all on PCs.
func (w *world) lanParty(r *rand.Rand) {
	begin := Sec(Uniform(r, -3600, 0.6*float64(w.win)/1e9))
	for range 8 + r.IntN(23) {
		pr := Sub(r)
		p := w.newPlayer(pr, begin+Sec(Uniform(pr, 0, 300)), "", join(w.lan))
		if Chance(pr, 0.85) && p.plat != pc {
			p.plat, p.ua = pc, w.s.clientUA(pr, pc, p.build)
		}
		p.run()
	}
}

// player is one PC or console player's game client.
type player struct {
	*dev
	plat     int
	build    string
	match    int      // the match it is in or has just played
	party    string   // its party, if in one
	met      []string // players it has just played with
	account  string
	sessions []session // the game sessions it held, for the heartbeats
	open     int64     // start of the current session
	live     bool      // a session is open
}

// session is when a client held a game session, and as what build.
type session struct {
	from, to int64
	ua       string
}

// newPlayer is a player whose client starts at start, on the platform it
// draws, from at (or from an address it draws if nil); profile names what
// kind of player it is ("" for one of the day's ordinary ones).
func (w *world) newPlayer(r *rand.Rand, start int64, profile string, at func(int64) *Client) *player {
	s := w.s
	plat := Weighted(r, s.platW)
	kind := "pc"
	if plat != pc {
		kind = "console"
	}
	if profile == "" {
		profile = "player"
	}
	p := &player{plat: plat, build: s.build, account: s.user(r)}
	if at == nil {
		at = w.console(r, plat, profile+"-"+kind)
	}
	p.dev = w.newDev(r, at, start, s.clientUA(r, plat, s.build), token(r))
	if Chance(r, 0.01) {
		p.ua = "" // a build of the client whose HTTP layer sends no user agent
	}
	return p
}

// run plays one session: boot, then menus, queues and matches until the
// session ends (or the window closes), with the session's heartbeats,
// presence polls and token refreshes alongside.
func (p *player) run() {
	w, r := p.w, p.r
	end := p.t + Sec(LogNormal(r, 3000, 0.6))
	p.boot()
	for p.live && p.t < end && p.t < w.win {
		if p.build != w.liveBuild(p.t) {
			p.restart()
			continue
		}
		p.lobby()
		if Chance(r, 0.05) {
			p.think(400) // away from the keyboard in the menus
			continue
		}
		m := w.s.mode(r)
		if p.queue(m) {
			p.play(m)
		}
	}
	p.quit()
	p.timers()
}

// liveBuild is the build the backend serves at t: the day's patch once
// the launch is out.
func (w *world) liveBuild(t int64) string {
	if t >= w.launch.at {
		return w.s.nextBuild
	}
	return w.s.build
}

// boot starts the client: is the build current (if not, the patch is
// fetched from the CDN and the client starts again), the client config,
// the sign-in of its platform, what the main menu shows, a new session.
func (p *player) boot() {
	w, r := p.w, p.r
	plat := platformName(p.plat)
	p.user = ""
	manifest := p.api("/patch/manifest?platform=" + plat + "&build=" + p.build)
	if live := w.liveBuild(p.t); live != p.build {
		p.get(manifest, 200, 420, 90)
		if Chance(r, w.launch.preload) {
			p.pause(5, 25) // downloaded ahead, only unpacked
		} else {
			p.t += Sec(LogNormal(r, 60, 0.5))
		}
		p.ua = strings.Replace(p.ua, p.build, live, 1)
		p.build = live
		manifest = p.api("/patch/manifest?platform=" + plat + "&build=" + p.build)
	}
	p.send("GET", manifest, 304, 0, 0, 15)
	p.pause(0.2, 1.5)
	if !p.call("GET", p.api("/config/client?platform="+plat+"&build="+p.build), 0.15, 0, 6, 25) {
		return
	}
	p.pause(0.1, 0.8)
	if !p.signIn() {
		p.user = ""
		return
	}
	p.pause(0.3, 2)
	p.get(p.api("/players/me"), 200, 2, 35)
	for _, c := range []struct {
		path    string
		kbs, ms float64
	}{{"/players/me/inventory", 60, 90}, {"/players/me/wallet", 0.4, 25}, {"/store/offers/featured", 14, 60}, {"/news?lang=" + p.w.s.region.lang, 9, 30}, {"/friends", 4, 45}, {"/players/me/notifications", 1.2, 30}} {
		p.pause(0.05, 0.6)
		p.get(p.api(c.path), 200, c.kbs, c.ms)
	}
	p.pause(0.2, 2)
	if p.call("POST", p.api("/session/start"), 0.15, 320, 0.4, 60) {
		p.open, p.live = p.t, true
	}
}

// signIn gets the client a token the way its platform does: the
// launcher's remembered login (or a password and a code now and then)
// exchanged with the game, Steam's session ticket, or the console's
// platform account. It reports whether the client got in.
func (p *player) signIn() bool {
	r, s, user := p.r, p.w.s, p.account
	switch {
	case p.plat != pc:
		provider := []string{"", "psn", "xbl", "nso"}[p.plat]
		if !p.auth(p.api("/auth/platform?provider="+provider), 1400) {
			return false
		}
	case Chance(r, s.steamShare):
		if !p.auth(p.api("/auth/steam"), 700) {
			return false
		}
	default:
		ua := p.ua
		p.ua = s.launcherUA(r)
		ok := true
		if Chance(r, 0.12) {
			ok = p.password(user, s.twoFA)
		} else {
			ok = p.auth(p.api("/auth/token/refresh"), 450)
		}
		if ok {
			p.pause(0.5, 3)
			p.post(p.api("/auth/exchange"), 200, 120, 0.3, 30)
		}
		p.ua = ua
		if !ok {
			return false
		}
		p.pause(2, 8) // the game starts
		ok = p.auth(p.api("/auth/exchange/redeem"), 160)
		if !ok {
			return false
		}
	}
	p.user = user
	return true
}

// password is a sign-in with a password, mistyped now and then, and a
// code from an authenticator app on a share of the accounts.
func (d *dev) password(user string, twoFA float64) bool {
	r := d.r
	d.think(8)
	for range Weighted(r, []float64{0.88, 0.09, 0.03}) {
		d.post(d.api("/auth/login"), 401, 190, 0.1, 220)
		d.think(9)
	}
	if !d.auth(d.api("/auth/login"), 190) {
		return false
	}
	if Chance(r, twoFA) {
		d.user = user
		d.pause(8, 30)
		if Chance(r, 0.07) {
			d.post(d.api("/auth/2fa/verify"), 401, 70, 0.1, 60)
			d.pause(8, 25)
		}
		d.post(d.api("/auth/2fa/verify"), 200, 70, 1.1, 80)
	}
	return true
}

// auth sends a sign-in call; while the launch crowd is in, the auth
// service sheds some (retried) and puts others in a login queue, polled
// until the player's turn comes.
func (d *dev) auth(path string, body float64) bool {
	w, r := d.w, d.r
	if load := w.load(d.t); load > 0.5 && Chance(r, 0.25) {
		d.post(path, 202, body, 0.3, 40)
		ticket := Hex(r, 16)
		wait := d.t + Sec(LogNormal(r, 60*load, 0.6))
		for d.t < wait && d.t < w.win {
			d.pause(4, 7)
			d.get(d.api("/auth/queue/"+ticket), 200, 0.2, 10)
		}
		d.pause(0.2, 1)
		return d.call("POST", d.api("/auth/queue/"+ticket+"/claim"), 0.1, 60, 1.2, 60)
	}
	return d.call("POST", path, 0.3, body, 1.2, 110)
}

// call sends a request that a service may shed under the launch crowd
// (with a chance of shed times the load): a 503 is retried after a
// growing back-off, as the client's SDK does, up to five times. It
// reports whether the call got through.
func (d *dev) call(method, path string, shed, body, kbs, ms float64) bool {
	w, r := d.w, d.r
	back := Uniform(r, 1, 3)
	var b int64
	if body > 0 {
		b = int64(LogNormal(r, body, 0.3)) + 1
	}
	for range 6 {
		if !Chance(r, shed*w.load(d.t)) {
			d.send(method, path, 200, b, kb(r, kbs), ms)
			return true
		}
		d.send(method, path, 503, b, kb(r, 0.15), 4)
		d.t += Sec(back * Uniform(r, 0.7, 1.3))
		back *= 2
	}
	return false
}

// restart is the client being told the patch is out: it ends its
// session, updates and starts again.
func (p *player) restart() {
	p.quit()
	p.pause(1, 20)
	p.boot()
}

// quit ends the session (a client closed hard sends nothing).
func (p *player) quit() {
	if !p.live {
		return
	}
	if Chance(p.r, 0.7) {
		p.post(p.api("/session/end"), 204, 90, 0, 30)
	}
	p.sessions = append(p.sessions, session{p.open, p.t, p.ua})
	p.live = false
}

// timers are what the client sends on its own while a session is open:
// the heartbeat, friends' presence where the client polls it, and the
// refresh of its access token before it expires.
func (p *player) timers() {
	s := p.w.s
	p.user = p.account
	for _, sn := range p.sessions {
		p.ua = sn.ua
		p.every(s.heartbeat, sn.from, sn.to, func() {
			p.post(p.api("/session/heartbeat"), 200, 140, 0.1, 12)
		})
		if s.presencePoll {
			p.every(Uniform(p.r, 55, 95), sn.from, sn.to, func() {
				p.get(p.api("/friends/presence"), 200, 1.5, 25)
			})
		}
		p.every(s.tokenTTL*0.9, sn.from, sn.to, func() {
			if Chance(p.r, 0.02) {
				p.post(p.api("/auth/token/refresh"), 401, 450, 0.1, 25)
				p.t += Sec(Uniform(p.r, 0.2, 1))
			}
			p.post(p.api("/auth/token/refresh"), 200, 450, 1.2, 45)
		})
	}
}

// someone returns a player id the player came across: one it played
// with, or any.
func (p *player) someone() string {
	if len(p.met) > 0 && Chance(p.r, 0.7) {
		return Pick(p.r, p.met)
	}
	return p.w.s.user(p.r)
}

func itoa(n int) string { return strconv.Itoa(n) }
