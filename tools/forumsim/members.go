package main

import (
	"math/rand/v2"
	"net/url"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// webMember is a signed-in member in a browser: cookies make their
// headers larger, and the open tab hears of notifications by polling or
// over the event stream, going on in the background after they stop
// reading.
func (w *world) webMember(r *rand.Rand, start int64) {
	a := w.seat(r, Chance(r, 0.45), "member", start)
	a.hdr *= 1.6
	v := &visit{agent: a, t: start, end: start + length(r), cold: Chance(r, 0.2), uid: w.s.user(r)}
	v.listen()
	v.browse()
}

// appMember is a member in the official app or a third-party one: API
// calls with the app's client key, and push notifications instead of
// polling.
func (w *world) appMember(r *rand.Rand, start int64) {
	a := w.seat(r, true, "app-user", start)
	ap := apps[Weighted(r, appWeights)]
	a.ua, a.key, a.hdr = ap.ua(r), ap.key, LogNormal(r, 470, 0.1)
	v := &visit{agent: a, t: start, end: start + length(r), app: true, uid: w.s.user(r), expiry: start + Sec(Uniform(r, 60, 3600))}
	v.browse()
}

// refresh is an app's access token running out mid-visit: the calls in
// flight come back 401, the app trades its refresh token for a new one
// and sends them again.
func (v *visit) refresh() {
	me := v.user
	v.user = ""
	calls := []string{"/api/v1/feed?sort=best&limit=25", "/api/v1/notifications/count", "/api/v1/me"}
	n := 1 + v.r.IntN(3)
	for i, c := range calls[:n] {
		v.hit(v.t+Sec(0.02*float64(i)), getJSON, c, 401)
	}
	v.t += Sec(Uniform(v.r, 0.1, 0.4))
	v.hit(v.t, postToken, "/api/v1/auth/refresh", 200)
	v.user = me
	for i, c := range calls[:n] {
		v.hit(v.later(0.1, 0.3)+Sec(0.02*float64(i)), getJSON, c, 200)
	}
	v.expiry = v.t + Sec(3600)
}

// listen schedules a web member's background requests: a notification
// poll every 15-30 s while the tab is in front and once a minute once it
// is in the background, or a long-lived event stream that the server
// closes every few minutes and the browser opens again.
func (v *visit) listen() {
	tail := v.end + Sec(min(LogNormal(v.r, 400, 1), 3000))
	if Chance(v.r, v.w.s.stream) {
		for t := v.t + Sec(Uniform(v.r, 0.5, 2)); t < tail; {
			v.bg = append(v.bg, t)
			t += Sec(LogUniform(v.r, 60, 600) + Uniform(v.r, 1, 4))
		}
		v.bgSend = func(t int64) {
			dur := LogUniform(v.r, 60, 600)
			v.w.l.Add(Event{T: t, C: v.client(t), Method: "GET", Path: "/api/v1/events", Status: 200,
				ReqBytes: int64(LogNormal(v.r, v.hdr, 0.1)), RespBytes: int64(dur * LogNormal(v.r, 45, 0.6)),
				DurationMS: dur * 1000, UA: v.ua, User: v.user})
		}
		return
	}
	every := Uniform(v.r, 15, 30)
	for t := v.t + Sec(Uniform(v.r, 1, every)); t < tail; {
		v.bg = append(v.bg, t)
		if t < v.end {
			t += Sec(every + Uniform(v.r, -1, 1))
		} else {
			t += Sec(Uniform(v.r, 59, 62))
		}
	}
	v.bgSend = func(t int64) {
		v.hit(t, getTiny, "/api/v1/notifications/count", mostly(v.r, 304, 0.17, 200))
	}
}

// signedIn starts a member's visit: the session is checked, and if it has
// expired the member signs in again (an app first tries its refresh
// token).
func (v *visit) signedIn() {
	me := "/api/v1/me"
	if v.app {
		v.hit(v.t, getJSON, "/api/v1/config?platform=mobile", Pick(v.r, []int{200, 304, 304}))
	}
	if !Chance(v.r, 0.08) {
		v.user = name(v.uid)
		v.hit(v.later(0.01, 0.1), getJSON, me, 200)
		return
	}
	v.hit(v.t, getJSON, me, 401)
	v.t += Sec(Uniform(v.r, 0.1, 0.4))
	if v.app {
		if Chance(v.r, 0.8) {
			v.hit(v.t, postToken, "/api/v1/auth/refresh", 200)
			v.user = name(v.uid)
			v.hit(v.later(0.05, 0.2), getJSON, me, 200)
			return
		}
		v.hit(v.t, postToken, "/api/v1/auth/refresh", 401)
	} else {
		v.page(getForm, "/login?next="+url.QueryEscape("/"), 200, nil)
	}
	v.signIn()
	v.hit(v.later(0.1, 0.5), getJSON, me, 200)
}

// signIn types a password, mistyping it now and then, and the code of a
// second factor if the member has one.
func (v *visit) signIn() {
	v.pause(9)
	for Chance(v.r, 0.12) {
		v.hit(v.t, postLogin, "/api/v1/auth/login", 401)
		v.pause(7)
	}
	v.hit(v.t, postLogin, "/api/v1/auth/login", 200)
	if Chance(v.r, v.w.s.twoFactor) {
		v.pause(12)
		if Chance(v.r, 0.07) {
			v.hit(v.t, postCode, "/api/v1/auth/2fa", 401)
			v.pause(8)
		}
		v.hit(v.t, postCode, "/api/v1/auth/2fa", 200)
	}
	v.user = name(v.uid)
	v.t += Sec(Uniform(v.r, 0.2, 0.8))
}

// vote casts one vote, which members do fast; an archived thread refuses
// it.
func (v *visit) vote(kind string, id int) {
	status := 200
	if Chance(v.r, 0.02) {
		status = 403
	}
	v.hit(v.t, postVote, "/api/v1/"+kind+"/"+strconv.Itoa(id)+"/vote", status)
}

// votes has a member vote on a few listed threads in a quick run, a share
// p of the time.
func (v *visit) votes(p float64) {
	if v.uid == 0 || !Chance(v.r, p) {
		return
	}
	for range 1 + v.r.IntN(4) {
		v.t += Sec(Uniform(v.r, 0.4, 3))
		v.vote("threads", v.w.s.hotThread(v.r))
	}
}

// comment writes a comment under thread id: some preview it as they type,
// a few edit or delete it afterwards.
func (v *visit) comment(id int) {
	v.pause(40)
	if !v.app && Chance(v.r, 0.3) {
		for range 2 + v.r.IntN(4) {
			v.hit(v.t, postRender, "/api/v1/markdown/preview", 200)
			v.t += Sec(Uniform(v.r, 2, 6))
		}
	}
	status := mostly(v.r, 201, 0.04, 403, 404)
	v.hit(v.t, postNote, "/api/v1/threads/"+strconv.Itoa(id)+"/comments", status)
	if status != 201 {
		return
	}
	mine := "/api/v1/comments/" + strconv.Itoa(v.w.s.newestNote+v.r.IntN(90_000))
	switch x := v.r.Float64(); {
	case x < 0.15:
		v.t += Sec(Uniform(v.r, 20, 200))
		v.hit(v.t, patchNote, mine, 200)
	case x < 0.18:
		v.t += Sec(Uniform(v.r, 30, 300))
		v.hit(v.t, deleteItem, mine, 204)
	}
}

// inbox reads private messages and answers one now and then.
func (v *visit) inbox() {
	if !v.app {
		v.page(getPage, "/messages", 200, nil)
		v.t += Sec(Uniform(v.r, 0.1, 0.4))
	}
	v.hit(v.t, getJSON, "/api/v1/messages?folder=inbox&limit=25", 200)
	for range 1 + v.r.IntN(3) {
		v.pause(6)
		v.hit(v.t, getJSON, "/api/v1/messages/"+strconv.Itoa(80_000_000+v.r.IntN(20_000_000)), 200)
	}
	if Chance(v.r, 0.3) {
		v.pause(40)
		v.hit(v.t, postDM, "/api/v1/messages", 201)
	}
	v.hit(v.later(0.2, 1), postEmpty, "/api/v1/notifications/read", 204)
}

// submit posts a thread: text, pictures (a photo straight off a camera is
// over the limit and goes again smaller), a link the server unfurls, or
// now and then a video far larger than any picture.
func (v *visit) submit() {
	b := v.w.s.board(v.r)
	if !v.app {
		v.page(getForm, "/submit?board="+b.name, 200, nil)
	}
	v.pause(30)
	switch Weighted(v.r, []float64{0.45, 0.38, 0.12, 0.05}) {
	case 1:
		for range 1 + v.r.IntN(3)*v.r.IntN(2) {
			size := int64(LogNormal(v.r, 2.4e6, 0.8))
			if size > v.w.s.imageLimit {
				v.send(v.t, postUpload, "/api/v1/uploads?type=image", 413, size)
				v.pause(25)
				size = int64(LogNormal(v.r, 1.2e6, 0.4))
			}
			v.send(v.t, postUpload, "/api/v1/uploads?type=image", 201, size)
			v.t += Sec(float64(size)/v.bw + Uniform(v.r, 1, 6))
		}
	case 2:
		link := "https://" + Pick(v.r, []string{"www.youtube.com/watch?v=", "github.com/", "en.wikipedia.org/wiki/", "www.bbc.co.uk/news/", "arxiv.org/abs/2705."}) + Hex(v.r, 8)
		v.hit(v.t, getJSON, "/api/v1/unfurl?url="+url.QueryEscape(link), Pick(v.r, []int{200, 200, 200, 200, 422}))
	case 3:
		size := int64(LogUniform(v.r, 6e6, 1.6e8))
		status := 201
		if size > v.w.s.videoLimit {
			status = 413
		}
		v.send(v.t, postUpload, "/api/v1/uploads?type=video", status, size)
		v.t += Sec(float64(size) / v.bw)
		if status == 413 {
			return
		}
	}
	v.pause(20)
	status := mostly(v.r, 201, 0.06, 400)
	v.hit(v.t, postThread, "/api/v1/threads", status)
	if status == 201 {
		id := v.w.s.newest + 1 + v.r.IntN(3000)
		v.t += Sec(Uniform(v.r, 0.3, 1))
		if v.app {
			v.get(getThread, "/api/v1/threads/"+strconv.Itoa(id), 200, nil)
		} else {
			v.page(getPage, v.w.s.threadPath(id), 200, nil)
		}
	}
}
