package main

import (
	"math/rand/v2"
	"net/url"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// people are the day's ordinary users of the customers' workspaces: half
// of them were already at work when the window opened (a tab or the
// desktop app open since the morning, signed in), the others arrive
// during it. They use the web app in a browser, the desktop app or the
// phone app, in the site's proportions.
func (w *world) people(r *rand.Rand, n int) {
	s := w.s
	for range n {
		pr := Sub(r)
		t := s.tenant(pr)
		start, open := Sec(Uniform(pr, 0, float64(w.win)/1e9)), false
		if Chance(pr, 0.5) {
			start, open = -Sec(Uniform(pr, 0, 240)), true
		}
		switch x := pr.Float64(); {
		case x < 0.015:
			w.invitee(pr, t, start)
		case x < s.webShare:
			w.browser(pr, t, start, open, false)
		case x < s.webShare+s.desktopShare:
			w.desktopApp(pr, t, start, open)
		default:
			w.phoneApp(pr, t, start)
		}
	}
}

// style draws how a person uses the app this morning.
func style(r *rand.Rand) int { return Weighted(r, []float64{0.3, 0.47, 0.1, 0.13}) }

// browser is a person in the web app. open says the tab was already
// open and signed in; otherwise the person lands on the app, a project
// or a document (a link from email or chat), loads the bundle it does
// not hold, signs in if the session cookie has expired, and the app makes
// its first calls. fresh marks the morning's first sessions after a
// weekend and a deploy: no session, no cached bundle. A few keep two or
// three tabs open, each with its own update channel.
func (w *world) browser(r *rand.Rand, t *tenant, start int64, open, fresh bool) {
	s := w.s
	ua := Pick(r, browserUAs)
	at := w.laptop(r, t, "web")
	if Chance(r, 0.05) {
		ua = Pick(r, phoneBrowserUAs)
		at = w.phone(r, t, "web", start)
	}
	d := w.newDev(r, at, start, web, ua)
	d.ten, d.retries = t, 1
	user := s.user(r)
	leave := start + Sec(LogNormal(r, 3000, 0.9))
	if open {
		d.signedIn(user)
		d.expires = start + Sec(Uniform(r, 0, s.tokenTTL))
	} else {
		if fresh {
			d.cached = Chance(r, 0.15)
		}
		d.shell(entry(r, t))
		if fresh || Chance(r, 0.25) {
			if !d.signIn(user) {
				return
			}
			d.get("/app", 200, 4, 30) // back from the sign-in
		} else {
			d.signedIn(user)
		}
		d.boot()
	}
	for range 1 + Weighted(r, []float64{0.88, 0.09, 0.03}) {
		w.realtime(d, d.t, leave)
	}
	d.work(style(r), leave)
}

// invitee is someone a colleague invited, following the link in the
// email: the invitation page looks the token up (now and then it has
// expired, and they ask for a new one), they accept it, create their
// account or come back through single sign-on, and start looking around.
func (w *world) invitee(r *rand.Rand, t *tenant, start int64) {
	d := w.newDev(r, w.laptop(r, t, "web"), max(start, 0), web, Pick(r, browserUAs))
	d.ten, d.retries, d.cached = t, 1, false
	token := Hex(r, 16) + Hex(r, 6)
	d.shell("/invite/" + token)
	if Chance(r, 0.06) {
		d.get("/api/v2/invitations/"+token, 410, 0.2, 20)
		d.think(20)
		d.post("/api/v2/invitations/"+token+"/resend", 202, 60, 0.1, 80)
		return
	}
	d.get("/api/v2/invitations/"+token, 200, 0.8, 25)
	d.think(15)
	d.post("/api/v2/invitations/"+token+"/accept", 201, 120, 0.6, 120)
	user := w.newUser(r)
	if t.sso != "" {
		if !d.sso(user) {
			return
		}
	} else {
		d.think(30)
		d.post("/api/v2/signup", 201, 320, 0.6, 280)
		d.signedIn(user)
	}
	d.get("/app", 200, 4, 30)
	d.boot()
	leave := d.t + Sec(LogNormal(r, 1200, 0.6))
	w.realtime(d, d.t, leave)
	d.work(worker, leave)
}

// entry draws where a browser lands: the app, a project, a document or
// the inbox, as a bookmark, an email or a chat link sends it.
func entry(r *rand.Rand, t *tenant) string {
	switch Weighted(r, []float64{0.4, 0.25, 0.25, 0.1}) {
	case 0:
		return "/app"
	case 1:
		return "/w/" + t.slug + "/projects/" + itoa(Pick(r, t.projects))
	case 2:
		return "/w/" + t.slug + "/docs/" + itoa(Pick(r, t.docs)) + "-" + strings.ReplaceAll(Pick(r, searchTerms), " ", "-")
	}
	return "/w/" + t.slug + "/inbox"
}

// boot is the web and desktop app's first calls: who is signed in, the
// feature flags, the workspace, its projects, the unread count.
func (d *dev) boot() {
	ws := d.ws()
	d.get("/api/v2/me", 200, 1.5, 25)
	d.pause(0.02, 0.15)
	d.get("/api/v2/flags?client="+d.client(), 200, 2, 15)
	d.pause(0.02, 0.15)
	d.read("/api/v2/workspaces/"+ws, "Workspace", `{"id":"`+ws+`"}`, 5, 40)
	d.pause(0.02, 0.2)
	d.get("/api/v2/workspaces/"+ws+"/projects?limit=100", 200, 14, 60)
	d.get("/api/v2/notifications/unread-count", 200, 0.1, 12)
	if Chance(d.r, 0.5) {
		d.pause(1, 5)
		d.send("POST", "/api/v2/telemetry", 204, 1500+int64(d.r.IntN(3000)), 0, 8)
	}
}

// desktopApp is a person in the desktop app: it checks for an update when
// started, signs in through the system browser when its tokens are gone,
// makes the same calls as the web app without loading a bundle, and holds
// a WebSocket for updates.
func (w *world) desktopApp(r *rand.Rand, t *tenant, start int64, open bool) {
	s := w.s
	d := w.newDev(r, w.laptop(r, t, "desktop"), start, desktop, s.desktopUA(r))
	d.ten, d.retries = t, 2
	user := s.user(r)
	leave := start + Sec(LogNormal(r, 5000, 0.8))
	if open {
		d.signedIn(user)
		d.expires = start + Sec(Uniform(r, 0, s.tokenTTL))
	} else {
		plat := "win"
		if strings.Contains(d.ua, "Mac") {
			plat = "mac"
		}
		d.get("/desktop/update/"+plat+"/latest.yml?current="+s.desktopVersion, 200, 0.6, 20)
		d.pause(0.3, 2)
		if Chance(r, 0.2) {
			if !d.signIn(user) {
				return
			}
		} else {
			d.signedIn(user)
			d.refresh()
		}
		d.boot()
	}
	w.realtime(d, d.t, leave)
	d.work(style(r), leave)
}

// phoneApp is a person on the phone app: short sessions, often opened
// from a push notification, reading the inbox and a task or two, now and
// then a comment; the app refreshes its token when it comes back after a
// while.
func (w *world) phoneApp(r *rand.Rand, t *tenant, start int64) {
	s := w.s
	d := w.newDev(r, w.phone(r, t, "mobile", start), start, mobile, s.mobileUA(r))
	d.ten, d.retries = t, 2
	d.signedIn(s.user(r))
	d.expires = start + Sec(Uniform(r, -s.tokenTTL, s.tokenTTL))
	ws := d.ws()
	for d.t < w.win {
		d.read("/api/v2/me", "Viewer", `{}`, 1.5, 25)
		d.pause(0.05, 0.3)
		d.read("/api/v2/notifications?limit=20", "Inbox", `{"first":20}`, 9, 50)
		if Chance(r, 0.05) {
			d.send("POST", "/api/v2/devices/push-token", 204, 260, 0, 30)
		}
		for range 1 + int(LogNormal(r, 2, 0.7)) {
			d.think(12)
			switch Weighted(r, []float64{0.6, 0.15, 0.1, 0.1, 0.05}) {
			case 0:
				d.task()
			case 1:
				d.myTasks()
			case 2:
				d.board()
			case 3:
				d.readDoc()
			default:
				d.read("/api/v2/search?q="+url.QueryEscape(Pick(r, searchTerms[:10]))+"&ws="+ws, "SearchEverything", `{}`, 12, 150)
			}
		}
		if !Chance(r, 0.45) {
			return
		}
		d.t += Sec(LogNormal(r, 300, 0.6))
	}
}
