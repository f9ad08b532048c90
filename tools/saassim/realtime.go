package main

import (
	"math"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// realtime is the channel a browser tab or the desktop app keeps open
// for live updates (new comments, task moves, co-editors' cursors) from
// from to until, beside everything else the device does. Browsers either
// long-poll, the server holding each request until something happens or
// the hold runs out (204), or keep a server-sent event stream that the
// load balancer cuts after a while and the browser reopens; the desktop
// app holds a WebSocket. A failed reconnect is retried with growing
// back-off, as the realtime service's redeploys show. Some sites' web app
// also polls the unread count every minute.
func (w *world) realtime(d *dev, from, until int64) {
	until = min(until, w.win)
	if from >= until {
		return
	}
	rt := *d
	rt.r = Sub(d.r)
	rt.t, rt.expires, rt.retries, rt.attack = from, 0, 0, false
	r := rt.r
	busy := LogUniform(r, 0.004, 0.06) // updates a second that concern this person
	cursor := 80000000 + r.IntN(9000000)
	ws := itoa(d.ten.id)
	fails := 0
	for rt.t < until {
		var st int
		switch {
		case d.kind == desktop:
			st = rt.record("GET", "/realtime/socket?ws="+ws+"&v=3", 101, 0, kb(r, 2+LogNormal(r, 40, 1)), LogNormal(r, 400e3, 0.8))
		case w.s.sse:
			conn := math.Min(LogNormal(r, 300, 0.6), 900)
			st = rt.record("GET", "/realtime/stream?ws="+ws+"&last_event_id="+itoa(cursor), 200, 0, kb(r, 0.2+conn*busy*0.6), conn*1000)
			cursor += int(conn * busy)
		default:
			wait := r.ExpFloat64() / busy
			if wait < w.s.hold {
				st = rt.record("GET", "/realtime/poll?ws="+ws+"&cursor="+itoa(cursor), 200, 0, kb(r, 1.2), wait*1000+LogNormal(r, 15, 0.4))
				cursor++
			} else {
				st = rt.record("GET", "/realtime/poll?ws="+ws+"&cursor="+itoa(cursor), 204, 0, 0, w.s.hold*1000+LogNormal(r, 10, 0.4))
			}
		}
		rt.t += Sec(rt.ms / 1000)
		if st >= 500 {
			fails++
			rt.t += Sec(math.Min(30, math.Pow(2, float64(fails-1))) * Uniform(r, 0.5, 1.5))
			continue
		}
		fails = 0
		rt.t += Sec(Uniform(r, 0.02, 0.4))
		if w.s.sse && d.kind == web {
			rt.t += Sec(Uniform(r, 0.5, 3)) // the event source's retry delay
		}
	}
	if w.s.badge && d.kind == web {
		for rt.t = from + Sec(Uniform(r, 0, 60)); rt.t < until; rt.t += Sec(Uniform(r, 58, 62)) {
			rt.send("GET", "/api/v2/notifications/unread-count", 200, 0, 140+int64(r.IntN(40)), 12)
		}
	}
}

// presence tells the other editors of doc every 20 to 30 seconds from
// from to until that the device has it open.
func (w *world) presence(d *dev, doc int, from, until int64) {
	p := *d
	p.r = Sub(d.r)
	p.retries, p.expires = 0, 0
	path := "/api/v2/docs/" + strconv.Itoa(doc) + "/presence"
	for p.t = from; p.t < until && p.t < w.win; p.t += Sec(Uniform(p.r, 20, 30)) {
		p.send("POST", path, 204, 60+int64(p.r.IntN(60)), 0, 9)
	}
}
