package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// A route is one kind of request the site answers, with the size and time
// of a typical successful answer.
type route struct {
	method string
	body   float64 // median request body, bytes
	resp   float64 // median answer, bytes
	ms     float64 // median time to answer, ms
	page   bool    // an HTML page: its errors are pages too
	hashes bool    // checks a password, which takes as long when it fails
}

var (
	getPage    = route{method: "GET", resp: 58e3, ms: 90, page: true}
	getList    = route{method: "GET", resp: 74e3, ms: 120, page: true}
	getForm    = route{method: "GET", resp: 19e3, ms: 30, page: true}
	getSearch  = route{method: "GET", resp: 52e3, ms: 210, page: true}
	getScript  = route{method: "GET", resp: 310e3, ms: 3}
	getStyle   = route{method: "GET", resp: 58e3, ms: 2}
	getFont    = route{method: "GET", resp: 41e3, ms: 2}
	getAvatar  = route{method: "GET", resp: 3.8e3, ms: 5}
	getThumb   = route{method: "GET", resp: 13e3, ms: 7}
	getImage   = route{method: "GET", resp: 260e3, ms: 14}
	getComms   = route{method: "GET", resp: 22e3, ms: 48}
	getFeed    = route{method: "GET", resp: 28e3, ms: 60}
	getThread  = route{method: "GET", resp: 6e3, ms: 30}
	getTiny    = route{method: "GET", resp: 260, ms: 9}
	getJSON    = route{method: "GET", resp: 4e3, ms: 25}
	getSuggest = route{method: "GET", resp: 1.4e3, ms: 30}
	getFound   = route{method: "GET", resp: 16e3, ms: 180}
	getRSS     = route{method: "GET", resp: 46e3, ms: 40}
	getRobots  = route{method: "GET", resp: 1.1e3, ms: 2}
	getSitemap = route{method: "GET", resp: 180e3, ms: 60}
	getObject  = route{method: "GET", resp: 3.2e3, ms: 28}
	getHealth  = route{method: "GET", resp: 60, ms: 2}
	headHealth = route{method: "HEAD", ms: 2}
	postVote   = route{method: "POST", body: 40, resp: 80, ms: 16}
	postNote   = route{method: "POST", body: 600, resp: 1.6e3, ms: 75}
	patchNote  = route{method: "PATCH", body: 650, resp: 1.6e3, ms: 60}
	deleteItem = route{method: "DELETE", resp: 60, ms: 40}
	postThread = route{method: "POST", body: 900, resp: 1.9e3, ms: 140}
	postUpload = route{method: "POST", body: 2e6, resp: 320, ms: 90}
	postLogin  = route{method: "POST", body: 120, resp: 420, ms: 240, hashes: true}
	postCode   = route{method: "POST", body: 60, resp: 380, ms: 30}
	postToken  = route{method: "POST", body: 300, resp: 900, ms: 20}
	postEmpty  = route{method: "POST", resp: 30, ms: 8}
	postSmall  = route{method: "POST", body: 90, resp: 200, ms: 25}
	postRender = route{method: "POST", body: 800, resp: 2.2e3, ms: 35}
	postInbox  = route{method: "POST", body: 2.4e3, ms: 12}
	postMod    = route{method: "POST", body: 140, resp: 300, ms: 55}
	postDM     = route{method: "POST", body: 500, resp: 900, ms: 60}
)

// answer draws the size and time of the answer to rt with status.
func answer(r *rand.Rand, rt route, status int) (int64, float64) {
	size, ms := LogNormal(r, rt.resp, 0.45), LogNormal(r, rt.ms, 0.55)
	switch {
	case status == 204:
		size = 0
	case status == 202:
		size = Uniform(r, 0, 30)
	case status == 304:
		size, ms = 0, ms*0.3
	case status == 301 || status == 302:
		size, ms = Uniform(r, 150, 260), LogNormal(r, 4, 0.4)
	case status == 429:
		size, ms = Uniform(r, 110, 170), LogNormal(r, 0.6, 0.4)
	case status == 413:
		size, ms = Uniform(r, 170, 200), LogNormal(r, 3, 0.5)
	case status >= 500:
		size, ms = Uniform(r, 300, 600), ms*Uniform(r, 2, 8)
		if status == 504 {
			ms = Uniform(r, 29_000, 30_500)
		}
	case status >= 400 && rt.page:
		size, ms = LogNormal(r, 11e3, 0.1), LogNormal(r, 14, 0.5)
	case status >= 400:
		size = Uniform(r, 90, 320)
		if !rt.hashes {
			ms = LogNormal(r, 9, 0.5)
		}
	}
	return int64(size), ms
}

// An agent sends one client's requests: its address (or the address of
// the moment, for a phone that moves in its /64), user agent, token and
// signed-in user.
type agent struct {
	w      *world
	r      *rand.Rand
	c      *Client
	move   func(int64) *Client // nil if the address stays
	ua     string
	key    string
	user   string
	hdr    float64 // median size of its request headers
	bw     float64 // upload speed, bytes a second
	attack bool    // marks the requests it sends now as part of an attack
}

// newAgent returns an agent at c with headers of about hdr bytes.
func (w *world) newAgent(r *rand.Rand, c *Client, ua string, hdr float64) *agent {
	return &agent{w: w, r: r, c: c, ua: ua, hdr: hdr, bw: LogUniform(r, 0.6e6, 6e6)}
}

// client returns the address the agent sends from at t.
func (a *agent) client(t int64) *Client {
	if a.move != nil {
		a.c = a.move(t)
	}
	return a.c
}

// hit sends one request with the route's usual body.
func (a *agent) hit(t int64, rt route, path string, status int) { a.send(t, rt, path, status, 0) }

// send sends one request with a body of body bytes (the route's usual
// body if 0); a large body takes as long as the agent's line needs.
func (a *agent) send(t int64, rt route, path string, status int, body int64) {
	if body == 0 && rt.body > 0 {
		body = int64(LogNormal(a.r, rt.body, 0.6)) + 1
	}
	size, ms := answer(a.r, rt, status)
	if body > 64<<10 {
		ms += float64(body) / a.bw * 1000
	}
	a.w.l.Add(Event{
		T: t, C: a.client(t), Method: rt.method, Path: path, Status: status,
		ReqBytes: int64(LogNormal(a.r, a.hdr, 0.12)) + body, RespBytes: size, DurationMS: ms,
		UA: a.ua, Key: a.key, User: a.user, Attack: a.attack,
	})
}

// mostly returns ok, or one of other a share p of the time.
func mostly(r *rand.Rand, ok int, p float64, other ...int) int {
	if Chance(r, p) {
		return Pick(r, other)
	}
	return ok
}
