package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// phone plays one person's app over the window: sessions when they open
// it (more in their evening, more while their devices show offline) and
// the background refreshes the phone does on its own.
func (d *day) phone(r *rand.Rand, u *user) {
	busy := appHour[d.localHour(u.home.reg)]
	Poisson(r, 0.7*busy/3600, 0, d.W, func(t int64) { d.session(r, u, t) })
	if d.out != nil && Chance(r, 0.12) {
		d.session(r, u, d.out.down+Sec(Uniform(r, 20, 400)))
	}
	Poisson(r, (0.2+busy)/3600, 0, d.W, func(t int64) {
		w := d.phoneAt(r, u, t)
		d.send(w, t, hit{"GET", "/app/v5/homes/" + u.home.id + "/summary", 200, 0, size(r, 1400, 0.4), lat(r, 70)})
	})
}

// tap is a session in progress: the phone, the time, and the person's
// pace.
type tap struct {
	d    *day
	r    *rand.Rand
	w    who
	t    int64
	pace float64 // median seconds between taps
}

// do sends h, waits for the answer and for the person to look at it.
func (s *tap) do(h hit) int {
	s.t = s.d.send(s.w, s.t, h) + think(s.r, s.pace)
	return h.status
}

// fan sends hs at once, as the app does when a screen opens.
func (s *tap) fan(hs ...hit) {
	end := s.t
	for _, h := range hs {
		end = max(end, s.d.send(s.w, s.t+Sec(Uniform(s.r, 0, 0.06)), h))
	}
	s.t = end + think(s.r, s.pace)
}

// session is one opening of the app: configuration, credentials (a
// refresh, or now and then a full sign-in with the odd mistyped
// password), the home screen, then a few things the person came for.
func (d *day) session(r *rand.Rand, u *user, t int64) {
	s := &tap{d: d, r: r, w: d.phoneAt(r, u, t), t: t, pace: LogUniform(r, 1.5, 6)}
	h := u.home
	plat := "ios"
	if !u.ios {
		plat = "android"
	}
	s.do(hit{"GET", "/app/v5/config?platform=" + plat + "&build=71400", status(r, 200, alt{304, 0.4}), 0, size(r, 3800, 0.2), lat(r, 15)})
	anon := s.w.as("")
	switch {
	case Chance(r, 0.04):
		for Chance(r, 0.18) {
			s.t = d.send(anon, s.t, hit{"POST", "/app/v5/auth/signin", 401, size(r, 160, 0.2), 90, lat(r, 220)}) + think(r, 6)
		}
		s.t = d.send(anon, s.t, hit{"POST", "/app/v5/auth/signin", 200, size(r, 160, 0.2), 1900, lat(r, 240)}) + think(r, 1)
	case Chance(r, 0.5):
		s.t = d.send(anon, s.t, hit{"POST", "/app/v5/auth/refresh", 200, size(r, 900, 0.1), 1800, lat(r, 50)})
	}
	n := len(h.devices)
	s.fan(hit{"GET", "/app/v5/homes", 200, 0, size(r, 700, 0.3), lat(r, 40)},
		hit{"GET", "/app/v5/homes/" + h.id + "/devices", 200, 0, size(r, 650*float64(n), 0.2), lat(r, 35+8*float64(n))},
		hit{"GET", "/app/v5/homes/" + h.id + "/activity?limit=50", 200, 0, size(r, 9000, 0.5), lat(r, 90)})
	if Chance(r, 0.3) {
		s.do(hit{"POST", "/app/v5/push/register", 204, size(r, 420, 0.1), 0, lat(r, 30)})
	}
	for range 1 + int(LogNormal(r, 1.2, 0.8)) {
		dv := Pick(r, h.devices)
		x := Weighted(r, []float64{35, 25, 18, 8, 6, 4, 2, 1.5, 0.5, 0.5})
		if (x == 2 || x == 3) && dv.m.clips == 0 {
			x = 0
		}
		switch x {
		case 0:
			s.do(hit{"GET", "/app/v5/devices/" + dv.serial + "/state", 200, 0, size(r, 1100, 0.3), lat(r, 30)})
		case 1:
			s.command(dv)
		case 2:
			s.watch(dv)
		case 3:
			s.live(dv)
		case 4:
			s.do(hit{"GET", "/app/v5/homes/" + h.id + "/energy?range=" + Pick(r, []string{"day", "week", "month"}), 200, 0, size(r, 6000, 0.5), lat(r, 180)})
		case 5:
			s.do(hit{"PUT", "/app/v5/devices/" + dv.serial + "/schedule", 200, size(r, 1500, 0.4), size(r, 1500, 0.4), lat(r, 60)})
		case 6:
			s.household(u)
		case 7:
			s.pair(dv)
		case 8:
			code := Hex(r, 8)
			s.do(hit{"GET", "/app/v5/invites/" + code, status(r, 200, alt{404, 0.2}), 0, 300, lat(r, 15)})
			s.do(hit{"POST", "/app/v5/invites/" + code + "/accept", 200, 40, 600, lat(r, 60)})
		default:
			pic := LogNormal(r, 0.15, 0.6)
			s.do(hit{"PUT", "/app/v5/me/avatar", 200, int64(pic * mb), 80, transfer(r, pic, 10)})
		}
	}
}

// household looks at the home's members and their profiles, and filters
// the activity feed by kind.
func (s *tap) household(u *user) {
	r, h := s.r, u.home
	s.do(hit{"GET", "/app/v5/homes/" + h.id + "/members", 200, 0, size(r, 400*float64(len(h.users)), 0.2), lat(r, 30)})
	for _, m := range h.users {
		s.do(hit{"GET", "/app/v5/users/" + m.id + "/profile", 200, 0, 160, lat(r, 20)})
	}
	kind := Pick(r, []string{"motion", "door", "doorbell", "offline", "alarm"})
	s.do(hit{"GET", "/app/v5/homes/" + h.id + "/activity?limit=50&type=" + kind, 200, 0, size(r, 6000, 0.6), lat(r, 90)})
}

// command sends a command (lock, set the temperature, switch) and polls
// until the device confirms; an unreachable device answers 504.
func (s *tap) command(dv *device) {
	r := s.r
	id := "cmd_" + Hex(r, 10)
	code := status(r, 202, alt{504, 0.02})
	if s.d.offline(s.t) {
		code = 504
	}
	s.t = s.d.send(s.w, s.t, hit{"POST", "/app/v5/devices/" + dv.serial + "/commands", code, size(r, 180, 0.3), 140, lat(r, 45)})
	if code != 202 {
		s.t += think(r, s.pace)
		return
	}
	for range 1 + r.IntN(3) {
		s.t = s.d.send(s.w, s.t+Sec(Uniform(r, 0.5, 1.5)), hit{"GET", "/app/v5/commands/" + id, 200, 0, 210, lat(r, 15)})
	}
	s.t += think(r, s.pace)
}

// watch plays a recorded clip: its list, its playlist and its segments.
func (s *tap) watch(dv *device) {
	r := s.r
	s.do(hit{"GET", "/app/v5/devices/" + dv.serial + "/clips?limit=20", 200, 0, size(r, 7000, 0.3), lat(r, 60)})
	id := "c" + Hex(r, 12)
	s.t = s.d.send(s.w, s.t, hit{"GET", "/media/v2/clips/" + id + "/index.m3u8", 200, 0, size(r, 900, 0.2), lat(r, 25)})
	for n := range 2 + r.IntN(14) {
		seg := LogNormal(r, 0.8, 0.3)
		s.t = s.d.send(s.w, s.t+Sec(Uniform(r, 0.5, 3)), hit{"GET", "/media/v2/clips/" + id + "/seg/" + itoa(n) + ".ts", 200, 0,
			int64(seg * mb), transfer(r, seg, LogUniform(r, 8, 80))})
	}
	s.t += think(r, s.pace)
}

// live opens a live view and keeps it alive while the person watches.
func (s *tap) live(dv *device) {
	r := s.r
	code := status(r, 201, alt{504, 0.03})
	if s.d.offline(s.t) {
		code = 504
	}
	sess := "lv_" + Hex(r, 10)
	s.t = s.d.send(s.w, s.t, hit{"POST", "/app/v5/devices/" + dv.serial + "/live", code, size(r, 2600, 0.2), size(r, 2900, 0.2), lat(r, 900)})
	if code != 201 {
		return
	}
	for range int(LogNormal(r, 3, 0.7)) {
		s.t = s.d.send(s.w, s.t+Sec(Uniform(r, 14, 16)), hit{"POST", "/app/v5/live/" + sess + "/keepalive", 204, 60, 0, lat(r, 10)})
	}
	s.t += think(r, s.pace)
}

// pair adds a new device: the code printed on its box is typed by hand,
// and now and then mistyped, before the app waits for the device to join.
func (s *tap) pair(dv *device) {
	r := s.r
	sn := serial(dv.m, 2301+r.IntN(52), r.IntN(100000))
	s.do(hit{"POST", "/app/v5/pairing/start", 201, size(r, 220, 0.2), 340, lat(r, 70)})
	for Chance(r, 0.2) {
		s.do(hit{"POST", "/app/v5/pairing/" + sn + "/claim", 403, size(r, 120, 0.1), 90, lat(r, 60)})
	}
	s.do(hit{"POST", "/app/v5/pairing/" + sn + "/claim", 200, size(r, 120, 0.1), 480, lat(r, 80)})
	for range 3 + r.IntN(10) {
		s.t = s.d.send(s.w, s.t+Sec(Uniform(r, 1.8, 2.2)), hit{"GET", "/app/v5/pairing/" + sn + "/status", 200, 0, 120, lat(r, 12)})
	}
}
