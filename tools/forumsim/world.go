package main

import (
	"math/rand/v2"

	"github.com/portcullis/portcullis/tools/internal/simcmd"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// A world is one day of one site: the log it writes to, the window, and
// what the day's actors share (the deploy's assets, the viral thread,
// the carriers' and offices' shared addresses).
type world struct {
	l       *Log
	s       *site
	win     int64   // length of the window, ns
	minutes float64 // the same in minutes
	clients int     // people visiting in the window
	assets  []asset
	viral   *viral
	nat     []*Client       // carriers' shared addresses
	offices []*Client       // offices' and campuses' shared addresses
	homes   []*Client       // home addresses already in use, for a second person of a household
	sharing map[*Client]int // people seen behind each shared address
	busy    []*Client       // clients labelled heavy if they turn out busy
}

// An asset is one of the files every page needs, fetched once per cold
// cache.
type asset struct {
	rt   route
	path string
}

func newWorld(l *Log, s *site, c simcmd.Config, r *rand.Rand) *world {
	w := &world{l: l, s: s, win: l.Window(), minutes: float64(c.Minutes), clients: c.Clients, sharing: map[*Client]int{}}
	// A deploy on most days gives the assets new names, so that every
	// browser fetches them again once.
	build := s.deploy
	if Chance(r, 0.7) {
		build = Hex(r, 8)
	}
	w.assets = []asset{
		{getScript, "/static/js/runtime." + build[:6] + ".js"},
		{getScript, "/static/js/vendor." + s.deploy + ".js"},
		{getScript, "/static/js/app." + build + ".js"},
		{getStyle, "/static/css/app." + build + ".css"},
		{getFont, "/static/fonts/inter-var." + s.deploy[2:8] + ".woff2"},
		{getAvatar, "/static/img/sprite." + build[1:7] + ".svg"},
	}
	if Chance(r, s.viral) {
		w.viral = newViral(w, r)
	}
	// Carriers put many phones behind few addresses; a bigger day has
	// more of them, and some offices and campuses read the site too.
	for range max(3, c.Clients/40) {
		ip := w.l.V4(r, w.s.regionOf(r).cgnat)
		w.nat = append(w.nat, w.shared(ip, "carrier-nat"))
	}
	for range max(2, c.Clients/500) {
		w.offices = append(w.offices, w.shared(w.homeIP(r), "office-nat"))
	}
	return w
}

// shared registers an address many people sit behind; it is labelled
// heavy if the day makes it busy.
func (w *world) shared(ip, profile string) *Client {
	c := w.l.Client(ip, KindNormal)
	c.Profile = profile
	w.busy = append(w.busy, c)
	return c
}

// at converts a share of the window into a time.
func (w *world) at(share float64) int64 { return int64(share * float64(w.win)) }

// onset draws when an attack begins: inside the window, leaving it time
// to show.
func (w *world) onset(r *rand.Rand) int64 { return w.at(Uniform(r, 0, 0.6)) }

// markBusy labels heavy the shared addresses, preview fetchers and small
// machines that the day made much busier than one person: many people
// behind one address, or a rate no person keeps up.
func (w *world) markBusy() {
	for _, c := range w.busy {
		if w.sharing[c] >= 5 || float64(c.Events()) > 12*w.minutes {
			c.Heavy = true
		}
	}
}
