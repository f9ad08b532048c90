package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// A tab is one open app or browser tab talking to the exchange: the
// address it sends from at each moment, what it says it is, whose session
// it carries and its own clock.
type tab struct {
	d      *day
	r      *rand.Rand
	from   func(int64) *Client
	ua     string
	user   string
	key    string
	t      int64
	expiry int64 // when the access token of user runs out
	attack bool  // its requests are part of an attack
}

// weight is what a kind of request usually costs: request and response
// bytes and milliseconds at the origin (medians).
type weight struct{ req, resp, ms float64 }

var (
	wPage    = weight{480, 52000, 48}
	wAsset   = weight{390, 120000, 5}
	wTick    = weight{330, 780, 8}
	wTicks   = weight{320, 16000, 18}
	wBook    = weight{340, 7200, 13}
	wCandles = weight{350, 26000, 30}
	wTrades  = weight{340, 5100, 12}
	wAuth    = weight{620, 820, 260}
	wOrder   = weight{560, 690, 36}
	wList    = weight{400, 6100, 41}
	wSmall   = weight{380, 460, 19}
	wStream  = weight{560, 160, 3}
	wHook    = weight{1400, 90, 55}
)

// fixed returns the from of a client that keeps its address.
func fixed(c *Client) func(int64) *Client { return func(int64) *Client { return c } }

// send records one request and moves the tab's clock past it.
func (k *tab) send(method, path string, status int, w weight) {
	k.sized(method, path, status, int64(LogNormal(k.r, w.req, 0.2)), w)
}

// sized is send with the request's size given, for uploads.
func (k *tab) sized(method, path string, status int, req int64, w weight) {
	resp, ms := LogNormal(k.r, w.resp, 0.35), LogNormal(k.r, w.ms, 0.45)
	switch {
	case status == 101 || status == 204:
		resp = 0
	case status == 301 || status == 302:
		resp, ms = LogNormal(k.r, 320, 0.1), ms*0.2
	case status == 304:
		resp, ms = LogNormal(k.r, 210, 0.1), ms*0.3
	case status >= 400:
		resp, ms = LogNormal(k.r, 190, 0.3), ms*0.6
	}
	k.d.log.Add(Event{
		T: k.t, C: k.from(k.t), Method: method, Path: path, Status: status,
		ReqBytes: max(req, 90), RespBytes: int64(resp), DurationMS: ms,
		UA: k.ua, Key: k.key, User: k.user, Attack: k.attack,
	})
	k.t += Sec(ms/1000 + Uniform(k.r, 0.004, 0.05))
}

// get is a GET that the origin answers with 200.
func (k *tab) get(path string, w weight) { k.send("GET", path, 200, w) }

// authed sends a request that needs the access token: if the token has
// run out the origin says 401 and the app renews it before it asks again.
func (k *tab) authed(method, path string, status int, w weight) {
	if k.user != "" && k.t >= k.expiry {
		k.send(method, path, 401, w)
		k.send("POST", k.d.s.refresh, 200, wAuth)
		k.expiry = k.t + Sec(k.d.s.tokenTTL)
	}
	k.send(method, path, status, w)
}

// think waits a person's pause of about median seconds.
func (k *tab) think(median float64) { k.t += Sec(LogNormal(k.r, median, 0.6)) }

// watch keeps a screen open for dwell seconds and calls tick every gap
// seconds or so while it is.
func (k *tab) watch(dwell, gap float64, tick func(i int)) {
	end := k.t + Sec(dwell)
	for i := 0; ; i++ {
		k.t += Sec(gap * Uniform(k.r, 0.8, 1.2))
		if k.t >= end || k.t >= k.d.log.Window() {
			break
		}
		tick(i)
	}
	k.t = max(k.t, end)
}

// done reports whether the tab's clock has left the window.
func (k *tab) done() bool { return k.t >= k.d.log.Window() }
