package main

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// sink takes one request of a device at t and returns when it ends.
type sink func(t int64, h hit) int64

// runDevice plays one device over the window: its reports, its command
// polls, firmware checks, camera clips and upkeep. On a day with a broker
// outage its reconnection replaces what it would have sent meanwhile, so
// its requests are gathered first and written after.
func (d *day) runDevice(r *rand.Rand, h *home, dv *device, c *Client, load int) {
	w := who{c: c, ua: dv.m.ua(d.fw(dv))}
	if dv.m.gen == 2 {
		w.key, w.hdr = dv.key, 20
	} else {
		w.user, w.hdr = "d/"+dv.serial, 780
	}
	var evs []Event
	put := func(t int64, h hit) int64 {
		evs = append(evs, w.ev(t, h))
		return t + int64(h.ms*1e6)
	}
	m := dv.m
	if m.battery {
		d.wakes(r, dv, put)
	} else {
		d.reports(r, dv, put)
		if m.wait > 0 {
			d.polls(r, dv, put)
		}
	}
	d.firmware(r, dv, put)
	if m.clips > 0 {
		busy := 0.3 + appHour[d.localHour(h.reg)]
		d.clips(r, dv, busy, put)
	}
	d.upkeep(r, dv, put)
	slices.SortStableFunc(evs, func(a, b Event) int { return cmp.Compare(a.T, b.T) })
	if d.out != nil {
		evs = d.out.reconnect(r, dv, w, evs, load)
	}
	for _, e := range evs {
		d.l.Add(e)
	}
}

// report is one telemetry report: the old API answers with any pending
// command, the new one with nothing; hubs batch their sensors' readings.
func (dv *device) report(r *rand.Rand) hit {
	m := dv.m
	switch {
	case m.gen == 2:
		return hit{"POST", "/dv/v2/report?sn=" + dv.serial, 200, size(r, m.body, 0.3), size(r, 90, 0.4), lat(r, 40)}
	case dv.children > 0:
		return hit{"POST", "/device/v3/telemetry/batch", 202, size(r, m.body+float64(140*dv.children), 0.35), 0, lat(r, 45)}
	}
	return hit{"POST", "/device/v3/telemetry", 204, size(r, m.body, 0.3), 0, lat(r, 22)}
}

// refresh renews the device's credentials: a new bearer token, or on the
// old API a new session opened with the device key.
func (dv *device) refresh(r *rand.Rand, code int) hit {
	h := hit{"POST", "/device/v3/token/refresh", code, size(r, 880, 0.1), 1150, lat(r, 60)}
	if dv.m.gen == 2 {
		h = hit{"POST", "/dv/v2/session?sn=" + dv.serial, code, size(r, 190, 0.1), 310, lat(r, 45)}
	}
	if code != 200 {
		h = h.fails(code)
	}
	return h
}

// fails turns h into a quick refusal.
func (h hit) fails(code int) hit {
	h.status, h.out, h.ms = code, 64, min(h.ms, 6)
	return h
}

func (d *day) reports(r *rand.Rand, dv *device, put sink) {
	for t := Sec(Uniform(r, 0, dv.every)); t < d.W; t += Sec(dv.every * Uniform(r, 0.93, 1.07)) {
		put(t, dv.report(r))
		if dv.m.gen == 2 && Chance(r, dv.m.cmds*dv.every/3600) { // a command rode on the answer
			put(t+Sec(Uniform(r, 0.3, 2)), hit{"POST", "/dv/v2/ack?sn=" + dv.serial, 200, size(r, 120, 0.3), 16, lat(r, 25)})
		}
	}
}

// polls holds a long-poll open for commands at all times: it ends when a
// command comes or the wait runs out, and the next one starts at once.
func (d *day) polls(r *rand.Rand, dv *device, put sink) {
	wait := dv.m.wait
	p := 1 - math.Exp(-dv.m.cmds*wait/3600)
	cursor := 1 + r.IntN(90000)
	for t := -Sec(Uniform(r, 0, wait)); t < d.W; {
		hold, code, out := wait, 204, int64(0)
		got := Chance(r, p)
		if got {
			hold, code, out = Uniform(r, 0.05, wait), 200, size(r, 420, 0.4)
		}
		path := "/device/v3/commands?wait=" + itoa(int(wait)) + "&cursor=" + itoa(cursor)
		t = put(t, hit{"GET", path, code, 0, out, hold*1000 + lat(r, 6)}) + Sec(Uniform(r, 0.02, 0.3))
		if got {
			cursor++
			ack := hit{"POST", "/device/v3/commands/" + itoa(cursor) + "/ack", 204, size(r, 150, 0.3), 0, lat(r, 18)}
			t = put(t, ack) + Sec(Uniform(r, 0.02, 0.2))
		}
	}
}

// wakes is a battery device: it sleeps, wakes every few minutes to report
// and ask for commands, and a lock also reports each time the door is
// locked or unlocked.
func (d *day) wakes(r *rand.Rand, dv *device, put sink) {
	p := 1 - math.Exp(-dv.m.cmds*dv.every/3600)
	for t := Sec(Uniform(r, 0, dv.every)); t < d.W; t += Sec(dv.every * Uniform(r, 0.9, 1.1)) {
		end := put(t, dv.report(r))
		code, out := 204, int64(0)
		if Chance(r, p) {
			code, out = 200, size(r, 300, 0.3)
		}
		put(end+Sec(Uniform(r, 0.01, 0.1)), hit{"GET", "/device/v3/commands?wait=0", code, 0, out, lat(r, 20)})
	}
	if dv.m.family == "lock" {
		Poisson(r, 0.8/3600, 0, d.W, func(t int64) {
			put(t, hit{"POST", "/device/v3/events", 202, size(r, 380, 0.3), 0, lat(r, 30)})
		})
	}
}

// clips uploads motion clips: a snapshot, then the clip in parts, then a
// completion call. A camera uploads one clip at a time.
func (d *day) clips(r *rand.Rand, dv *device, busy float64, put sink) {
	next := int64(0)
	Poisson(r, dv.m.clips*d.s.clipRate*busy/3600, 0, d.W, func(t int64) {
		if t < next {
			return
		}
		id := "c" + Hex(r, 12)
		snap := float64(size(r, 120e3, 0.5))
		t = put(t, hit{"POST", "/media/v2/snapshots", 201, int64(snap), 180, transfer(r, snap/mb, dv.uplink)})
		t = put(t+Sec(Uniform(r, 0.05, 0.3)), hit{"POST", "/media/v2/clips", 201, size(r, 650, 0.2), 310, lat(r, 45)})
		left := LogUniform(r, 1, 20)
		for n := 1; left > 0; n++ {
			part := min(left, dv.m.part)
			left -= part
			t = put(t+Sec(Uniform(r, 0.01, 0.1)), hit{"PUT", "/media/v2/clips/" + id + "/parts/" + itoa(n), 200,
				int64(part * mb), 90, transfer(r, part, dv.uplink)})
		}
		next = put(t+Sec(0.05), hit{"POST", "/media/v2/clips/" + id + "/complete", 200, size(r, 240, 0.2), 420, lat(r, 80)})
	})
}

// upkeep is what a device does now and then: renew its token once a day
// (some let it lapse and learn from a 401), upload diagnostics, and on the
// old API set its clock.
func (d *day) upkeep(r *rand.Rand, dv *device, put sink) {
	if Chance(r, d.perWindow(1.0/24)) {
		t := d.at(r, 0, 1)
		if Chance(r, 0.25) {
			t = put(t, dv.report(r).fails(401)) + Sec(Uniform(r, 0.05, 0.5))
		}
		put(t, dv.refresh(r, 200))
	}
	if Chance(r, d.perWindow(0.02)) {
		path := "/device/v3/diagnostics"
		if dv.m.gen == 2 {
			path = "/dv/v2/log?sn=" + dv.serial
		}
		body := float64(size(r, 80e3, 0.9))
		put(d.at(r, 0, 1), hit{"POST", path, 202, int64(body), 40, transfer(r, body/mb, dv.uplink)})
	}
	if dv.m.gen == 2 && Chance(r, d.perWindow(6)) {
		put(d.at(r, 0, 1), hit{"GET", "/dv/v2/time", 200, 0, 48, lat(r, 4)})
	}
}
