package main

import (
	"math"
	"math/rand/v2"
	"net/url"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// students sends the day's students: exam takers, people reading their
// courses on laptops and phones, and those handing in the assignment.
func (w *world) students() {
	r := Sub(w.r)
	s := w.s
	takers := int(float64(w.n) * s.examShare)
	others := 0
	if w.other != nil {
		others = int(float64(w.n) * Uniform(r, 0.05, 0.12))
	}
	uploaders := takers + others + int(float64(w.n)*Uniform(r, 0.05, 0.1))
	for i := range w.n {
		sr := Sub(r)
		user := s.username(sr)
		switch {
		case i < takers:
			w.examTaker(w.desk(sr, examUA(sr), s.campusExam, false), user, w.main)
		case i < takers+others:
			w.examTaker(w.desk(sr, examUA(sr), s.campusExam*0.7, false), user, w.other)
		case i < uploaders:
			w.uploader(w.desk(sr, browserUA(sr), 0.25, true), user)
		case Chance(sr, 0.35):
			w.appSession(w.phone(sr), user)
		case Chance(sr, 0.015):
			w.hoarder(w.desk(sr, browserUA(sr), 0.1, false), user)
		default:
			t := Sec(Uniform(sr, -0.5, 1) * w.secs)
			w.browse(w.desk(sr, browserUA(sr), 0.25, true), user, t, t+Sec(LogNormal(sr, 420, 0.8)))
		}
	}
}

// home registers a new off-campus address in one of the site's regions:
// a broadband line, a home IPv6 privacy address, or for a phone the
// carrier's NAT (shared with other phones) or a mobile IPv6 address.
func (w *world) home(r *rand.Rand, phone bool) (*Client, string) {
	reg := w.s.home[Weighted(r, w.s.homeW)]
	switch {
	case phone && Chance(r, 0.7):
		pool := w.carriers[reg]
		if len(pool) == 0 || Chance(r, 0.4) {
			c := w.l.Client(w.l.V4(r, reg.carrier), KindNormal)
			c.Profile = "mobile-cgnat"
			pool = append(pool, c)
			w.carriers[reg] = pool
		}
		return Pick(r, pool), ""
	case phone:
		net := V6Net(r, reg.v6m)
		c := w.l.Client(w.l.V6In(r, net), KindNormal)
		c.Profile = "mobile-v6"
		return c, net
	case Chance(r, 0.3):
		net := V6Net(r, reg.v6)
		c := w.l.Client(w.l.V6In(r, net), KindNormal)
		c.Profile = "student-v6"
		return c, net
	}
	c := w.l.Client(w.l.V4(r, reg.res), KindNormal)
	c.Profile = "student-home"
	return c, ""
}

// onCampus is a hall's NAT address or eduroam's.
func (w *world) onCampus(r *rand.Rand) *Client {
	if Chance(r, 0.15) {
		return Pick(r, w.edu)
	}
	return Pick(r, w.nat)
}

// desk is a laptop's browser, on campus with the chance given; at home
// its IPv6 address may rotate.
func (w *world) desk(r *rand.Rand, ua string, campus float64, rotate bool) *actor {
	if Chance(r, campus) {
		return w.actor(r, w.onCampus(r), ua)
	}
	c, net := w.home(r, false)
	a := w.actor(r, c, ua)
	if rotate && net != "" {
		a.move = w.l.RotateV6(r, c, net, -Sec(Uniform(r, 0, 900)), 120, 900)
	}
	return a
}

// phone is the mobile app on a student's phone, with the key every
// install carries.
func (w *world) phone(r *rand.Rand) *actor {
	var a *actor
	if Chance(r, 0.25) {
		a = w.actor(r, w.onCampus(r), "")
	} else {
		c, net := w.home(r, true)
		a = w.actor(r, c, "")
		if net != "" {
			a.move = w.l.RotateV6(r, c, net, -Sec(Uniform(r, 0, 600)), 60, 600)
		}
	}
	return a.as(w.s.appUA[min(len(w.s.appUA)-1, int(r.ExpFloat64()*2))], w.s.appKey)
}

// enrolled is a student's courses.
func (w *world) enrolled(r *rand.Rand) []string {
	var cs []string
	for range 3 + r.IntN(4) {
		cs = append(cs, w.s.course(r))
	}
	return cs
}

// browse is a student's visit to their courses: already signed in, or
// through the sign-on, or bounced by a session that expired.
func (w *world) browse(a *actor, user string, t, end int64) {
	r := a.r
	switch x := r.Float64(); {
	case x < 0.25:
		t = a.signIn(t, user, "/dashboard")
	case x < 0.31:
		a.user = user
		t = a.get(t, "/api/v2/users/self", 401, 0.1)
		t = a.resume(t, "/dashboard")
	default:
		a.user = user
	}
	w.pages(a, w.dashboard(a, t), end)
}

// pages walks from page to page until end.
func (w *world) pages(a *actor, t, end int64) {
	courses := w.enrolled(a.r)
	for t < end && t < w.W {
		t = w.page(a, t+think(a.r, 22), Pick(a.r, courses))
	}
}

func (w *world) dashboard(a *actor, t int64) int64 {
	r := a.r
	t = a.get(t, "/dashboard", 200, 70)
	a.get(t+step(r), "/api/v2/users/self", 200, 1.2)
	a.get(t+step(r), "/api/v2/dashboard/dashboard_cards", 200, 14)
	a.get(t+step(r), "/api/v2/users/self/todo?per_page=20", 200, 6)
	return a.get(t+step(r), "/api/v2/notifications/unread_count", 200, 0.1)
}

var (
	pageWeights = []float64{20, 14, 12, 10, 8, 8, 6, 5, 4, 3, 5, 3}
	pageSlugs   = []string{"week", "lecture-notes", "lab", "reading-list", "tutorial", "problem-set", "revision", "exam-info"}
	searchWords = []string{"exam", "past paper", "lab report", "rubric", "slides week 9", "formula sheet", "deadline", "office hours"}
)

// page is one page of a course and the calls its script makes.
func (w *world) page(a *actor, t int64, c string) int64 {
	r := a.r
	base, api := "/courses/"+c, "/api/v2/courses/"+c
	switch Weighted(r, pageWeights) {
	case 0:
		t = a.get(t, base, 200, 45)
		a.get(t+step(r), api+"/modules?include[]=items&per_page=50", 200, 30)
		return a.get(t+step(r), api+"/announcements?per_page=10", 200, 8)
	case 1:
		return a.get(t, base+"/pages/"+Pick(r, pageSlugs)+"-"+strconv.Itoa(1+r.IntN(14)), either(r, 0.03, 200, 404, 403), 30)
	case 2:
		return w.download(a, t, base+"/files/")
	case 3:
		id := strconv.Itoa(w.s.assignment + r.IntN(3000))
		t = a.get(t, base+"/assignments/"+id, 200, 35)
		return a.get(t+step(r), api+"/assignments/"+id+"/submissions/self", 200, 2)
	case 4:
		t = a.get(t, base+"/grades", 200, 50)
		return a.get(t+step(r), api+"/assignment_groups?include[]=assignments&include[]=submission", 200, 40)
	case 5:
		d := strconv.Itoa(90000 + r.IntN(9000))
		t = a.get(t, base+"/discussion_topics/"+d, 200, 40)
		t = a.get(t+step(r), api+"/discussion_topics/"+d+"/view?include_new_entries=1", 200, 60)
		if Chance(r, 0.1) {
			t = a.write(t+think(r, 60), "POST", api+"/discussion_topics/"+d+"/entries", 201, 1.5, 2)
		}
		return t
	case 6:
		return a.get(t, "/api/v2/planner/items?start_date="+w.day()+"&per_page=50", 200, 25)
	case 7:
		t = a.get(t, "/conversations", 200, 30)
		return a.get(t+step(r), "/api/v2/conversations?scope=inbox&per_page=20", 200, 18)
	case 8:
		return a.write(t, "POST", base+"/external_tools/"+strconv.Itoa(300+r.IntN(40))+"/launch", 200, 1, 6)
	case 9:
		return a.get(t, base+"/search?q="+url.QueryEscape(Pick(r, searchWords)), 200, 20)
	case 10:
		return w.lecture(a, t)
	}
	if Chance(r, 0.5) { // a stale bookmark
		return a.get(t, base+"/files/"+strconv.Itoa(4000000+r.IntN(900000)), 404, 4)
	}
	t = a.get(t, "/api/v2/users/self", 401, 0.1) // the session ran out
	return a.resume(t, base)
}

func (w *world) day() string { return w.l.Start().Format("2006-01-02") }

// download fetches a file through the LMS, which redirects to a signed
// link served from the file store behind the same gateway.
func (w *world) download(a *actor, t int64, prefix string) int64 {
	r := a.r
	f := strconv.Itoa(5000000 + r.IntN(400000))
	t = a.get(t, prefix+f+"/download?wrap=1", 302, 0.3)
	exp := strconv.FormatInt(w.l.Start().Unix()+3600+int64(r.IntN(600)), 10)
	return a.get(t+step(r), "/files/"+f+"/blob?sig="+Hex(r, 16)+Hex(r, 16)+"&expires="+exp, 200, LogUniform(r, 300, 25000))
}

// lecture plays a recorded lecture: the player, then video segments.
func (w *world) lecture(a *actor, t int64) int64 {
	r := a.r
	m := "/media/" + strconv.Itoa(600000+r.IntN(90000))
	t = a.get(t, m+"/player", 200, 25)
	a.get(t+step(r), m+"/hls/master.m3u8", 200, 1)
	for k := range 2 + r.IntN(20) {
		t = a.get(t+Sec(Uniform(r, 3, 6)), m+"/hls/720p/seg-"+strconv.Itoa(k)+".ts", 200, 1400)
	}
	return t
}

// hoarder is a student saving all of a course's files with a download
// extension before the exam: many downloads at once, which the gateway's
// per-address limit cuts short.
func (w *world) hoarder(a *actor, user string) {
	r := a.r
	a.user = user
	c := "/courses/" + w.s.course(r)
	t := a.get(Sec(Uniform(r, 0, 0.9)*w.secs), c+"/files", 200, 60)
	t = a.get(t+step(r), "/api/v2"+c+"/files?per_page=100&sort=updated_at", 200, 80)
	rate := LogUniform(r, 3, 15)
	Poisson(r, rate, t, t+Sec(float64(30+r.IntN(120))/rate), func(t int64) { w.download(a, t, c+"/files/") })
}

// appSession is a student opening the mobile app now and then: a stale
// token refreshed, then course lists, activity, the planner, files.
func (w *world) appSession(a *actor, user string) {
	r := a.r
	a.user = user
	courses := w.enrolled(r)
	for t := Sec(Uniform(r, -0.3, 1) * w.secs); t < w.W; t += think(r, 400) {
		if Chance(r, 0.15) {
			t = a.get(t, "/api/v2/users/self", 401, 0.1)
			t = a.write(t+step(r), "POST", "/login/oauth2/token", 200, 0.6, 1.2)
		}
		t = a.get(t, "/api/v2/users/self/profile", 200, 1.5)
		a.get(t+step(r), "/api/v2/courses?include[]=term&enrollment_state=active&per_page=50", 200, 22)
		a.get(t+step(r), "/api/v2/dashboard/dashboard_cards", 200, 10)
		if Chance(r, 0.1) {
			a.write(t+step(r), "PUT", "/api/v2/users/self/push_tokens", 204, 0.4, 0)
		}
		for range 1 + r.IntN(8) {
			t += think(r, 12)
			api := "/api/v2/courses/" + Pick(r, courses)
			switch r.IntN(5) {
			case 0:
				t = a.get(t, api+"/activity_stream?per_page=20", 200, 18)
			case 1:
				t = a.get(t, "/api/v2/planner/items?start_date="+w.day()+"&per_page=50", 200, 14)
			case 2:
				t = a.get(t, api+"/discussion_topics?only_announcements=true", 200, 9)
			case 3:
				t = a.get(t, api+"/assignments?bucket=upcoming&include[]=submission", 200, 12)
			default:
				t = w.download(a, t, api+"/files/")
			}
		}
	}
}

// uploader hands in the assignment, most of them in the last minutes
// before the deadline. A PDF goes up whole; a file over the limit is
// refused (413) and goes up again compressed; a video goes up in parts.
func (w *world) uploader(a *actor, user string) {
	r := a.r
	t := w.deadline - Sec(r.ExpFloat64()*Uniform(r, 120, 500))
	if Chance(r, 0.12) {
		t = w.deadline + Sec(Uniform(r, 0, 300)) // late, accepted and marked so
	}
	if Chance(r, 0.3) {
		t = a.signIn(t-Sec(60), user, "/dashboard")
	}
	a.user = user
	page := "/courses/" + w.s.course(r) + "/assignments/" + strconv.Itoa(w.s.assignment+r.IntN(30))
	api := "/api/v2" + page
	t = a.get(t, page, 200, 35)
	t = a.get(t+think(r, 6), page+"/submit", 200, 20) + think(r, 15)
	if w.s.videos && Chance(r, 0.06) {
		t = a.chunked(t, LogUniform(r, 100, 500), 201)
	} else {
		if Chance(r, 0.05) {
			t = a.upload(t, api+"/submissions/files", LogUniform(r, w.s.uploadMB*1.05, w.s.uploadMB*4)) + think(r, 120)
		}
		t = a.upload(t, api+"/submissions/files", math.Min(LogUniform(r, 0.2, 20), w.s.uploadMB*0.9))
	}
	t = a.write(t+step(r), "POST", api+"/submissions", 201, 0.5, 3)
	a.get(t+step(r), page+"?submitted=1", 200, 36)
}

// upload posts a file of mb whole: over the site's limit the gateway
// answers 413 once it has read the first part of the body.
func (a *actor) upload(t int64, path string, mb float64) int64 {
	size := int64(mb * (1 << 20))
	if mb > a.w.s.uploadMB {
		return a.send(t, "POST", path, 413, a.head(path)+min(size, int64(LogUniform(a.r, 64<<10, 8<<20))), 310)
	}
	return a.send(t, "POST", path, 201, a.head(path)+size, a.kb(0.9))
}

// chunked sends a large file through the resumable upload API: it opens
// the upload, puts its parts one after another (retrying one the network
// dropped) and completes it, answered done.
func (a *actor) chunked(t int64, mb float64, done int) int64 {
	r := a.r
	size := int64(mb * (1 << 20))
	chunk := int64(a.w.s.chunkMB * (1 << 20))
	up := "/api/v2/uploads/" + Hex(r, 16) + Hex(r, 4)
	t = a.write(t, "POST", "/api/v2/uploads?kind=video&size="+strconv.FormatInt(size, 10), 201, 0.4, 0.6)
	for k := int64(0); k*chunk < size; k++ {
		part := up + "/parts/" + strconv.FormatInt(k+1, 10)
		n := min(chunk, size-k*chunk)
		if Chance(r, 0.015) {
			t = a.send(t+step(r), "PUT", part, Pick(r, []int{408, 502}), a.head(part)+n/2, 180) + Sec(Uniform(r, 1, 6))
		}
		t = a.send(t+step(r), "PUT", part, 200, a.head(part)+n, 160)
	}
	return a.write(t+step(r), "POST", up+"/complete", done, 0.5, 1.5)
}
