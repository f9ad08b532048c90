package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// goal is what a traveller came to the site for.
type goal int

const (
	goalBrowse  goal = iota // a page or two, then gone
	goalShop                // searches and compares, books nothing today
	goalBook                // searches, then books and pays
	goalAlert               // searches, then sets a price alert
	goalManage              // changes a booking they hold
	goalCheckin             // checks in and downloads boarding passes
	goalStatus              // follows a flight's status
	goalMember              // signs in to their loyalty account
	goalRebook              // a flight cancelled by the storm: rebook or refund
)

// goalWeights are the ordinary mix of goals, in the order above.
var goalWeights = []float64{5, 30, 11, 3, 9, 11, 14, 8, 0}

// A device is what a traveller uses: a browser on a computer or a phone,
// or the app on a phone.
type device struct {
	app, phone, ios bool
	version         string // the app's
}

// A traveller is one person's visit, a state machine whose state is the
// step they take next.
type traveller struct {
	sender
	r      *rand.Rand
	dev    device
	goal   goal
	st     step
	then   step // where a sign-in returns to
	trip   trip
	member string // loyalty number, if they have one
	pnr    string
	name   string
	entry  string // the page a link brought them to, if any
	sid    string // the search they are looking at
	cart   string
	tries  int // refusals of the current step
	left   int // looks they still take before deciding
	count  int // a step's own counter: keystrokes, polls, attempts
	page   int
	cold   bool // the browser's cache is empty
}

// network is where a traveller reaches the site from.
type network int

const (
	netHome4 network = iota
	netHome6
	netCarrier
	netPhone6
	netVenue
	netAbroad4
	netAbroad6
	netGiven // an address the caller gives the traveller
)

// newTraveller places a traveller of goal g, arriving at start, on a
// network and a device, and gives them a trip and what they hold.
func (w *world) newTraveller(r *rand.Rand, g goal, start int64, netWeights []float64) *traveller {
	tv := &traveller{r: r, goal: g, st: arrive, left: 2 + int(LogNormal(r, 7, 0.7))}
	net := network(Weighted(r, netWeights))
	var venue *Client
	if net == netVenue {
		venue = w.venues[Weighted(r, w.venueWeights())]
	}
	tv.dev = w.device(r, net, venue)
	tv.sender.from = w.address(r, net, venue, tv.dev, start)
	if tv.dev.app {
		tv.ua, tv.dev.version = w.sky.appUA(r, tv.dev.ios)
	} else {
		tv.ua = browserUA(r, tv.dev.phone)
		tv.cold = Chance(r, 0.55)
	}
	tv.trip = w.sky.newTrip(r)
	tv.name = Pick(r, w.sky.home.names)
	tv.pnr = w.sky.pnr(r)
	if g == goalMember || Chance(r, 0.22) {
		tv.member = w.sky.memberNo(r)
	}
	if tv.dev.app && tv.member != "" && Chance(r, 0.8) {
		tv.user = tv.member // the app keeps members signed in
	}
	return tv
}

// device draws what a traveller on net uses.
func (w *world) device(r *rand.Rand, net network, venue *Client) device {
	var web, phoneWeb, app float64
	switch net {
	case netCarrier, netPhone6:
		web, phoneWeb, app = 0, 4, 6
	case netVenue:
		if w.sky.nats[w.venueOf[venue]].kind == "travel-office" {
			web, phoneWeb, app = 9, 0.3, 0.7
		} else {
			web, phoneWeb, app = 1.5, 3.5, 5
		}
	case netAbroad4, netAbroad6:
		web, phoneWeb, app = 5, 3, 2
	default:
		web, phoneWeb, app = 6.2, 1.8, 2
	}
	d := device{ios: Chance(r, 0.55)}
	switch Weighted(r, []float64{web, phoneWeb, app}) {
	case 1:
		d.phone = true
	case 2:
		d.phone, d.app = true, true
	}
	return d
}

// address returns where a traveller's requests come from: an address of
// their own, a shared one, or IPv6 privacy addresses that move.
func (w *world) address(r *rand.Rand, net network, venue *Client, d device, start int64) func(int64) *Client {
	own := func(ip, profile string) func(int64) *Client {
		c := w.log.Client(ip, KindNormal)
		c.Profile = profile + "-" + d.kind()
		return fixed(c)
	}
	home := &w.sky.home
	switch net {
	case netHome6:
		return own(w.log.V6In(r, V6Net(r, home.home6)), "home6")
	case netCarrier:
		c := Pick(r, w.mobile)
		w.sharers[c]++
		return fixed(c)
	case netPhone6:
		n := V6Net(r, home.mobile6)
		c := w.log.Client(w.log.V6In(r, n), KindNormal)
		c.Profile = "phone6-" + d.kind()
		return w.log.RotateV6(r, c, n, start, 90, 900)
	case netVenue:
		w.sharers[venue]++
		return fixed(venue)
	case netAbroad4:
		return own(w.log.V4(r, abroad4), "abroad")
	case netAbroad6:
		return own(w.log.V6In(r, V6Net(r, abroad6)), "abroad6")
	case netGiven:
		return nil
	}
	return own(w.log.V4(r, home.home4), "home")
}

// kind names the device in profiles.
func (d device) kind() string {
	switch {
	case d.app && d.ios:
		return "ios-app"
	case d.app:
		return "android-app"
	case d.phone:
		return "phone-web"
	}
	return "web"
}

// venueWeights are how likely a traveller at a venue is at each.
func (w *world) venueWeights() []float64 {
	ws := make([]float64, len(w.sky.nats))
	for i, v := range w.sky.nats {
		ws[i] = v.weight
	}
	return ws
}

// act takes the traveller's next step, now and then with a beacon after
// it, and says when they take the one after.
func (tv *traveller) act(w *world, now int64) (int64, bool) {
	next, pause := tv.st(tv, w, now)
	if next == nil {
		return 0, false
	}
	tv.st = next
	tv.beacon(w, now+Sec(Uniform(tv.r, 0.2, 1.5)))
	return now + Sec(pause), true
}

// beacon sends a browser's performance beacon or an app's event batch,
// now and then.
func (tv *traveller) beacon(w *world, t int64) {
	switch {
	case tv.dev.app && Chance(tv.r, 0.25):
		tv.say(w, t, post(tv.r, "POST", w.sky.api+"/app/events", clsBeacon, 202, kb(tv.r, 5), 40, ms(tv.r, 15)))
	case !tv.dev.app && Chance(tv.r, 0.18):
		tv.say(w, t, post(tv.r, "POST", w.sky.api+"/rum", clsBeacon, 204, kb(tv.r, 1.5), 0, ms(tv.r, 8)))
	}
}

// say sends h from the traveller at t and returns the status.
func (tv *traveller) say(w *world, t int64, h hit) int { return w.send(&tv.sender, t, h) }

// also sends the calls a screen makes beside its main one, each with
// chance p, a fraction of a second apart after t.
func (tv *traveller) also(w *world, t int64, p float64, hs ...hit) {
	for _, h := range hs {
		if Chance(tv.r, p) {
			t += Sec(Uniform(tv.r, 0.05, 0.6))
			tv.say(w, t, h)
		}
	}
}

// again repeats cur after a refusal, as people do once or twice before
// they give up.
func (tv *traveller) again(cur step, status int) (step, float64) {
	tv.tries++
	if tv.tries > 2 || Chance(tv.r, 0.2) {
		return nil, 0
	}
	if status == 429 {
		return cur, Uniform(tv.r, 4, 25)
	}
	return cur, Uniform(tv.r, 1, 6)
}

// think is how long a traveller reads before the next step.
func (tv *traveller) think(median float64) float64 { return LogNormal(tv.r, median, 0.7) }
