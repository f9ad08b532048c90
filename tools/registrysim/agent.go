package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// agent is one program or person sending requests: the address the
// gateway sees it at, and what each of its requests carries.
type agent struct {
	w  *world
	c  *Client
	at func(int64) *Client // the address at a time, for rotating IPv6; nil keeps c
	// ua, key and user are what the gateway logs of each request.
	ua, key, user string
	// attack marks the requests sent from now on as attack requests.
	attack bool
}

// hit is one request and the answer it gets.
type hit struct {
	method, path string
	status       int
	in, out      int64   // request and response bytes
	ms           float64 // time to the last byte of the answer
}

// send records h at t and returns how long it took, in ns, so that a
// client waiting for answers can pace itself by it.
func (a *agent) send(t int64, h hit) int64 {
	c := a.c
	if a.at != nil {
		c = a.at(t)
	}
	a.w.log.Add(Event{
		T: t, C: c, Method: h.method, Path: h.path, Status: h.status,
		ReqBytes: h.in, RespBytes: h.out, DurationMS: h.ms,
		UA: a.ua, Key: a.key, User: a.user, Attack: a.attack,
	})
	return int64(h.ms * 1e6)
}

// with returns a copy of a that sends with another user agent, as a
// person who leaves the terminal for the browser.
func (a *agent) with(ua string) *agent {
	b := *a
	b.ua = ua
	return &b
}

// reqBytes draws the size of a request's line and headers; a token adds
// its header.
func (a *agent) reqBytes(r *rand.Rand) int64 {
	n := int64(Uniform(r, 220, 620)) + int64(len(a.ua))
	if a.key != "" {
		n += 60
	}
	return n
}

// get is a read answered with status and out bytes after a backend time
// drawn around ms.
func (a *agent) get(r *rand.Rand, path string, status int, out int64, ms float64) hit {
	return hit{method: "GET", path: path, status: status, in: a.reqBytes(r), out: out, ms: LogNormal(r, ms, 0.5)}
}

// download is a file of size bytes sent at a client's bandwidth.
func (a *agent) download(r *rand.Rand, path string, size int64, mbps float64) hit {
	ms := 15 + float64(size)/(mbps*1e3)
	return hit{method: "GET", path: path, status: 200, in: a.reqBytes(r), out: size, ms: ms * Uniform(r, 0.8, 1.3)}
}

// fetch is a download of one of p's files at path: the file itself, or
// for a package the CDN serves, the gateway's 302 to it (the CDN's own
// log is not this one).
func (a *agent) fetch(r *rand.Rand, path string, p *pkg, mbps float64) hit {
	if p.cdn {
		return a.get(r, path, 302, 0, 6)
	}
	return a.download(r, path, int64(LogNormal(r, float64(p.size), 0.3)), mbps)
}

// upload is a write of body bytes answered with status.
func (a *agent) upload(r *rand.Rand, method, path string, status int, body int64, mbps float64) hit {
	ms := 40 + float64(body)/(mbps*1e3) + LogNormal(r, 120, 0.6)
	return hit{method: method, path: path, status: status, in: a.reqBytes(r) + body, out: int64(Uniform(r, 60, 900)), ms: ms}
}

// keyID makes up the id the gateway logs for an API key.
func keyID(r *rand.Rand) string { return "key_" + Hex(r, 12) }

// newClient registers a fresh address under prefixes with a profile.
func (w *world) newClient(r *rand.Rand, prefixes []string, kind, profile string) *Client {
	c := w.log.Client(w.log.V4(r, prefixes), kind)
	c.Profile = profile
	return c
}

// at draws a time in [lo, hi) shares of the window.
func (w *world) at(r *rand.Rand, lo, hi float64) int64 {
	return int64(Uniform(r, lo, hi) * float64(w.win))
}
