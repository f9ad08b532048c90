package main

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// browse sends a visit of pages pages to the web UI: each page, the
// static assets the browser lacks (all of them on the first page of a
// new visitor, revalidations for a returning one), the page's own API
// calls, and a reading pause.
func (w *world) browse(r *rand.Rand, a *agent, t int64, pages int) int64 {
	returning := Chance(r, 0.4)
	for i := range pages {
		path, status := w.page(r, i)
		t += a.send(t, a.get(r, path, status, int64(LogUniform(r, 18e3, 160e3)), 70))
		t = w.assets(r, a, t, i == 0, returning)
		if status == 200 && Chance(r, 0.5) {
			p := w.s.npm().cat.draw(r)
			t += a.send(t, a.get(r, "/downloads/range/last-year/"+p.name, 200, int64(Uniform(r, 3e3, 9e3)), 30))
		}
		t += Sec(LogUniform(r, 2, 60))
	}
	return t
}

// page draws the path of the i-th page of a visit.
func (w *world) page(r *rand.Rand, i int) (string, int) {
	cat := w.s.npm().cat
	switch x := r.Float64(); {
	case x < 0.15 && i == 0:
		return "/", 200
	case x < 0.5:
		p := cat.draw(r)
		if Chance(r, 0.2) {
			return "/package/" + p.name + "/v/" + Pick(r, p.versions), 200
		}
		return "/package/" + p.name, 200
	case x < 0.7:
		return "/search?q=" + url.QueryEscape(searchText(r)), 200
	case x < 0.78:
		return "/package/" + typo(r, cat.draw(r)).name, 404
	case x < 0.86:
		return "/~" + userName(r), 200
	case x < 0.93:
		return "/package/" + cat.draw(r).name + "?activeTab=" + Pick(r, []string{"versions", "dependencies", "dependents", "readme"}), 200
	}
	return Pick(r, []string{"/docs", "/policies/terms", "/support", "/signup", "/login", "/products"}), 200
}

// assets loads the static files of a page: the bundle and styles on the
// first page, lazy chunks later.
func (w *world) assets(r *rand.Rand, a *agent, t int64, first, returning bool) int64 {
	n := r.IntN(3)
	if first {
		n = 4 + r.IntN(len(w.s.assets)-4)
	}
	for _, path := range w.s.assets[:n] {
		if returning {
			t += a.send(t, a.get(r, path, 304, 0, 3)) / 4
		} else {
			t += a.send(t, a.get(r, path, 200, int64(LogUniform(r, 2e3, 400e3)), 12)) / 4
		}
	}
	return t + Sec(Uniform(r, 0.05, 0.4))
}

// siteAssets names the web UI's static files of the site's current build.
func siteAssets(r *rand.Rand) []string {
	out := []string{"/static/js/main." + Hex(r, 8) + ".js", "/static/css/main." + Hex(r, 8) + ".css"}
	for i := range 4 + r.IntN(6) {
		out = append(out, fmt.Sprintf("/static/js/%d.%s.chunk.js", 100+i*37, Hex(r, 8)))
	}
	return append(out, "/static/images/logo."+Hex(r, 6)+".svg", "/favicon.ico", "/static/fonts/source-sans."+Hex(r, 6)+".woff2")
}

// browserUA composes a desktop browser's user agent of this summer:
// mostly Chrome and its kin, some Firefox and Safari.
func browserUA(r *rand.Rand) string {
	switch x := r.Float64(); {
	case x < 0.15:
		v := fmt.Sprint(126 + r.IntN(4))
		return "Mozilla/5.0 (" + Pick(r, []string{"X11; Linux x86_64", "Windows NT 10.0; Win64; x64", "Macintosh; Intel Mac OS X 14.5"}) +
			"; rv:" + v + ".0) Gecko/20100101 Firefox/" + v + ".0"
	case x < 0.3:
		v := Pick(r, []string{"17.5", "17.4.1", "18.0"})
		return "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/" + v + " Safari/605.1.15"
	}
	os := Pick(r, []string{"Windows NT 10.0; Win64; x64", "Macintosh; Intel Mac OS X 10_15_7", "X11; Linux x86_64"})
	ua := "Mozilla/5.0 (" + os + ") AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + fmt.Sprint(125+r.IntN(4)) + ".0.0.0 Safari/537.36"
	if Chance(r, 0.15) {
		ua += " Edg/" + fmt.Sprint(125+r.IntN(4)) + ".0.0.0"
	}
	return ua
}

// mobileUA composes a phone browser's user agent.
func mobileUA(r *rand.Rand) string {
	if Chance(r, 0.45) {
		v := Pick(r, []string{"17_5", "17_6", "18_0"})
		return "Mozilla/5.0 (iPhone; CPU iPhone OS " + v + " like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/" +
			strings.ReplaceAll(v, "_", ".") + " Mobile/15E148 Safari/604.1"
	}
	phone := Pick(r, []string{"Pixel 8", "SM-S911B", "SM-A546B", "moto g 5G", "2201116SG"})
	return "Mozilla/5.0 (Linux; Android " + fmt.Sprint(12+r.IntN(3)) + "; " + phone +
		") AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + fmt.Sprint(124+r.IntN(4)) + ".0.0.0 Mobile Safari/537.36"
}
