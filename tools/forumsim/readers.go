package main

import (
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// A visit is one person's time on the site: the pages (or, in an app, the
// API calls) they open one after the other, and what runs beside them in
// the background (notification polls, the event stream).
type visit struct {
	*agent
	t, end int64
	app    bool  // in an app: API calls only, no pages or site assets
	cold   bool  // the browser holds none of the site's assets yet
	uid    int   // the signed-in member, 0 if anonymous
	mod    bool  // a moderator on duty
	expiry int64 // when an app's access token runs out
	bg     []int64
	bgSend func(t int64)
}

// pause moves the visit's clock on by a think time of about median s.
func (v *visit) pause(median float64) { v.t += Sec(LogNormal(v.r, median, 0.7)) }

// later returns a time shortly after the visit's clock, for what a page
// fetches right after itself.
func (v *visit) later(lo, hi float64) int64 { return v.t + Sec(Uniform(v.r, lo, hi)) }

// catchUp sends the background requests due by the visit's clock.
func (v *visit) catchUp(until int64) {
	for len(v.bg) > 0 && v.bg[0] <= until {
		v.bgSend(v.bg[0])
		v.bg = v.bg[1:]
	}
}

// browse runs the visit: it arrives, then opens one thing after another
// until its time is up; a member's background requests go on meanwhile.
func (v *visit) browse() {
	v.arrive()
	habits := []float64{0.55, 0.3, 0.07, 0.05, 0, 0}
	if v.uid != 0 {
		habits = []float64{0.5, 0.28, 0.07, 0.04, 0.07, 0.025}
	}
	for v.t < v.end && v.t < v.w.win {
		v.pause(Pick(v.r, []float64{8, 25, 45}))
		v.catchUp(v.t)
		if v.app && v.uid != 0 && v.t >= v.expiry {
			v.refresh()
		}
		if v.mod && Chance(v.r, 0.35) {
			v.moderate()
			continue
		}
		switch Weighted(v.r, habits) {
		case 0:
			v.thread(v.w.s.hotThread(v.r), false)
		case 1:
			v.listing(v.board())
		case 2:
			v.search()
		case 3:
			v.profile(v.w.s.user(v.r))
		case 4:
			v.inbox()
		case 5:
			v.submit()
		}
	}
	v.catchUp(1 << 62)
}

// arrive is a visit's first page: a thread from a search engine or a
// shared link, the front page, or a board.
func (v *visit) arrive() {
	if v.uid != 0 {
		v.signedIn()
	}
	switch x := v.r.Float64(); {
	case v.app:
		v.listing("")
	case x < 0.25:
		v.thread(v.w.s.oldThread(v.r), true)
	case x < 0.45:
		v.thread(v.w.s.hotThread(v.r), false)
	case x < 0.8:
		v.listing("")
	default:
		v.listing(v.w.s.board(v.r).name)
	}
}

// board draws the board the next listing shows: the front page ("") most
// often.
func (v *visit) board() string {
	if Chance(v.r, 0.5) {
		return ""
	}
	return v.w.s.board(v.r).name
}

// page loads a document and what it needs: the site's assets on a cold
// cache (or a revalidation now and then on a warm one), then the pictures
// it shows that the browser has not cached.
func (v *visit) page(rt route, path string, status int, media []string) {
	v.hit(v.t, rt, path, status)
	at := v.later(0.08, 0.4)
	if v.cold {
		for _, a := range v.w.assets {
			v.hit(at, a.rt, a.path, 200)
			at += Sec(Uniform(v.r, 0.002, 0.05))
		}
		if Chance(v.r, 0.3) {
			v.hit(at, getAvatar, "/favicon.ico", 200)
		}
		v.cold = false
	} else if Chance(v.r, 0.06) {
		a := Pick(v.r, v.w.assets)
		v.hit(at, a.rt, a.path, 304)
	}
	for _, m := range media {
		at += Sec(Uniform(v.r, 0.005, 0.15))
		v.hit(at, mediaRoute(m), m, 200)
	}
}

// mediaRoute is the route of a picture under /media/.
func mediaRoute(path string) route {
	switch path[7] {
	case 'a':
		return getAvatar
	case 'i':
		return getImage
	}
	return getThumb
}

// get sends an API call of an app or of a page's script, with pictures
// it brings into view.
func (v *visit) get(rt route, path string, status int, media []string) {
	v.hit(v.t, rt, path, status)
	at := v.later(0.05, 0.25)
	for _, m := range media {
		at += Sec(Uniform(v.r, 0.005, 0.12))
		v.hit(at, mediaRoute(m), m, 200)
	}
}

// thumbs returns the pictures of n listed threads.
func (v *visit) thumbs(n int) ([]string, int) {
	var ms []string
	last := 0
	for range n {
		last = v.w.s.hotThread(v.r)
		if Chance(v.r, 0.6) {
			ms = append(ms, thumb(last))
		}
	}
	return ms, last
}

// avatars returns the avatars of n commenters, of which a browser has
// some cached already.
func (v *visit) avatars(n int) []string {
	var ms []string
	for range n {
		if Chance(v.r, 0.7) {
			ms = append(ms, avatar(v.w.s.user(v.r), 48))
		}
	}
	return ms
}

// listing opens the front page or a board and scrolls down it, loading
// the next threads as it goes; a member votes on some on the way.
func (v *visit) listing(board string) {
	path := "/"
	if board != "" {
		path = "/c/" + board
	}
	path += Pick(v.r, []string{"", "", "", "?sort=new", "?sort=top&t=day", "?sort=rising"})
	media, last := v.thumbs(8 + v.r.IntN(8))
	if v.app {
		api := "/api/v1/feed?sort=best&limit=25"
		if board != "" {
			api = "/api/v1/boards/" + board + "/threads?sort=hot&limit=25"
		}
		v.get(getFeed, api, 200, media)
		path = api
	} else {
		v.page(getList, path, 200, media)
		path = "/api/v1/feed?sort=hot&limit=25"
		if board != "" {
			path += "&board=" + board
		}
	}
	v.votes(0.3)
	for range v.r.IntN(5) {
		v.pause(12)
		media, next := v.thumbs(8 + v.r.IntN(10))
		v.get(getFeed, path+"&after=t_"+strconv.Itoa(last), 200, media)
		last = next
		v.votes(0.2)
	}
}

// thread opens a thread and reads it, scrolling through its comments and
// opening some reply chains; an old link now and then finds it deleted.
// A member votes, and sometimes comments.
func (v *visit) thread(id int, old bool) {
	s := v.w.s
	status := 200
	if old {
		status = mostly(v.r, 200, 0.15, 404, 410, 301)
	}
	comments := "/api/v1/threads/" + strconv.Itoa(id) + "/comments"
	media := v.avatars(2 + v.r.IntN(8))
	for i := range v.r.IntN(3) {
		media = append(media, image(id, i))
	}
	if v.app {
		v.get(getThread, "/api/v1/threads/"+strconv.Itoa(id), status, nil)
		if status != 200 {
			return
		}
		v.t += Sec(Uniform(v.r, 0.05, 0.3))
		v.get(getComms, comments+"?sort=top&limit=100&depth=6", 200, media)
	} else {
		v.page(getPage, s.threadPath(id)+Pick(v.r, []string{"", "", "", "", "?sort=new", "?context=3"}), status, media)
		if status == 301 {
			v.t += Sec(Uniform(v.r, 0.05, 0.2))
			v.page(getPage, s.threadPath(id), 200, media)
		} else if status != 200 {
			return
		}
	}
	if v.uid != 0 && Chance(v.r, 0.35) {
		v.pause(20)
		v.vote("threads", id)
	}
	for range v.r.IntN(5) {
		v.pause(18)
		if Chance(v.r, 0.3) {
			v.get(getComms, "/api/v1/comments/"+strconv.Itoa(s.comment(v.r))+"/replies?limit=20", 200, v.avatars(3))
			continue
		}
		v.get(getComms, comments+"?sort=best&limit=50&cursor="+Hex(v.r, 12), 200, v.avatars(3+v.r.IntN(6)))
		if v.uid != 0 {
			for range v.r.IntN(4) * v.r.IntN(2) {
				v.t += Sec(Uniform(v.r, 0.6, 7))
				v.vote("comments", s.comment(v.r))
			}
		}
	}
	if v.uid != 0 && Chance(v.r, 0.1) {
		v.comment(id)
	}
}

// profile opens a user's page and maybe their comments.
func (v *visit) profile(uid int) {
	status := mostly(v.r, 200, 0.08, 404)
	n := name(uid)
	if v.app {
		v.get(getJSON, "/api/v1/users/"+n, status, []string{avatar(uid, 128)})
	} else {
		v.page(getPage, "/u/"+n, status, []string{avatar(uid, 128)})
	}
	if status == 200 && Chance(v.r, 0.4) {
		v.pause(10)
		v.get(getComms, "/api/v1/users/"+n+"/comments?limit=25&after=c_"+strconv.Itoa(v.w.s.comment(v.r)), 200, nil)
	}
}
