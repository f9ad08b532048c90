package main

import (
	"math/rand/v2"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// walker is one program or person stepping through the portal: each
// request goes out when the one before it has been answered.
type walker struct {
	g             *gen
	r             *rand.Rand
	c             *Client
	move          func(int64) *Client // a phone's next privacy address, if it rotates
	t             int64
	ua, key, user string
	account       string  // whom the person signs in as
	lang          string  // the language of the pages it reads
	hdr           float64 // request headers, grown by cookies once signed in
	bw            float64 // bytes a millisecond its line carries
	attack        bool    // its requests are the attack
}

func (g *gen) walker(r *rand.Rand, c *Client, ua string, t int64) *walker {
	return &walker{g: g, r: r, c: c, t: t, ua: ua, lang: g.s.langs[0], hdr: Uniform(r, 380, 900), bw: LogUniform(r, 300, 6000)}
}

// done reports whether the walker is past the window.
func (w *walker) done() bool { return w.t >= w.g.win }

// send records one request and moves the walker to when its answer is in.
func (w *walker) send(method, path string, status int, body, resp float64) {
	c := w.c
	if w.move != nil {
		c = w.move(w.t)
	}
	req := w.hdr * Uniform(w.r, 0.92, 1.08)
	if body > 0 {
		req += LogNormal(w.r, body, 0.35)
	}
	out := LogNormal(w.r, resp, 0.3)
	switch {
	case status == 204 || status == 304:
		out = Uniform(w.r, 0, 300)
	case status >= 400 && resp > 4000:
		out = Uniform(w.r, 150, 900)
	}
	lat := 28.
	if method != "GET" {
		lat = 110
	}
	ms := LogNormal(w.r, lat, 0.6) + (req+out)/w.bw
	if status >= 400 && status < 500 {
		ms = ms*0.5 + (req-w.hdr)/w.bw
	}
	w.g.l.Add(Event{T: w.t, C: c, Method: method, Path: path, Status: status, ReqBytes: int64(req), RespBytes: int64(out), DurationMS: ms, UA: w.ua, Key: w.key, User: w.user, Attack: w.attack})
	w.t += Sec(ms/1000 + Uniform(w.r, 0.01, 0.12))
}

func (w *walker) get(path string, status int, resp float64) { w.send("GET", path, status, 0, resp) }

func (w *walker) post(path string, status int, body, resp float64) {
	w.send("POST", path, status, body, resp)
}

func (w *walker) put(path string, status int, body float64) { w.send("PUT", path, status, body, 300) }

// wait moves the walker on by lo to hi seconds.
func (w *walker) wait(lo, hi float64) { w.t += Sec(Uniform(w.r, lo, hi)) }

// web returns a page of the walker's language.
func (w *walker) web(p string) string { return "/" + w.lang + "/" + p }

// page loads a page of the portal and the API calls its script makes:
// the session, the translations (cached or not), the notices, the calls
// of the page itself and, now and then, the browser's timing beacon.
func (w *walker) page(p string, calls ...string) {
	w.get(w.web(p), 200, 38000)
	if w.user != "" {
		w.get(w.api("/session"), 200, 1200)
		w.get(w.api("/notifications/count"), 200, 90)
	}
	w.get(w.api("/i18n/"+w.lang+".json?v="+num(w.g.s.year)), w.status([]int{304, 200}, []float64{7, 3}), 24000)
	for _, c := range calls {
		w.get(c, 200, 2600)
	}
	if Chance(w.r, 0.3) {
		w.post("/rum", 204, 1400, 0)
	}
}

// api returns a path of the portal's own API.
func (w *walker) api(p string) string { return w.g.s.api + p }

// status picks a status from the weighted choices, the first most often.
func (w *walker) status(codes []int, weights []float64) int { return codes[Weighted(w.r, weights)] }

func num(n int) string { return strconv.Itoa(n) }
