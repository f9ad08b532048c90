package main

import (
	"net/url"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// ownScanner is the web scanner one customer's security team runs
// against its own workspace, signed in with a test account on the
// customer's behalf and on the SaaS's allowlist: for several minutes it
// crawls the workspace's pages and API, replays each route with probes
// in its parameters (quotes, script tags, template expressions), tries
// neighbouring ids for access-control holes, and asks for the usual
// leaked-file paths. Most answers are 400, 403 and 404, a few 500.
func (w *world) ownScanner(d *dev, p partner) {
	r := d.r
	t := d.ten
	d.key = ""
	d.kind = web
	d.user = "u" + itoa(w.s.userBase-1-r.IntN(1000))
	start := w.at(Uniform(r, 0, 0.5))
	end := min(w.win, start+Sec(Uniform(r, 300, 720)))
	d.t = start
	d.cached = false
	d.shell("/w/" + t.slug + "/projects/" + itoa(t.projects[0]))
	ws := itoa(t.id)
	routes := []string{
		"/api/v2/workspaces/" + ws + "/projects?limit=",
		"/api/v2/projects/" + itoa(t.projects[0]) + "/tasks?view=",
		"/api/v2/search?ws=" + ws + "&q=",
		"/api/v2/search/suggest?ws=" + ws + "&q=",
		"/api/v2/me/tasks?due=",
		"/api/v2/notifications?limit=",
		"/api/v2/workspaces/" + ws + "/members?q=",
	}
	probes := []string{"'", `"><svg onload=alert(1)>`, "{{7*7}}", "1 OR 1=1", "../../etc/passwd", "%00", "${7*7}", "-1", "99999999999"}
	for d.t < end {
		d.t += Sec(d.r.ExpFloat64() / p.rate)
		switch x := r.Float64(); {
		case x < 0.5:
			pr := Pick(r, probes)
			st := []int{400, 200, 422, 500}[Weighted(r, []float64{0.5, 0.35, 0.12, 0.03})]
			d.send("GET", Pick(r, routes)+url.QueryEscape(pr), st, 0, kb(r, 1), 40)
		case x < 0.7:
			id := itoa(w.tasks - r.IntN(5000))
			d.send("GET", "/api/v2/tasks/"+id, Pick(r, []int{403, 403, 404, 200}), 0, kb(r, 0.5), 20)
		case x < 0.8:
			d.send("GET", Pick(r, ownScanPaths), 404, 0, kb(r, 0.3), 5)
		case x < 0.9:
			d.send(Pick(r, []string{"OPTIONS", "HEAD", "PUT", "DELETE"}), strings.TrimSuffix(Pick(r, routes), "="), Pick(r, []int{204, 405, 405, 403}), 0, 150, 5)
		default:
			d.get(entry(r, t), 200, 4, 35)
		}
	}
}

var ownScanPaths = []string{"/.env", "/.git/HEAD", "/server-status", "/phpinfo.php", "/.DS_Store", "/backup.zip",
	"/api/v2/debug", "/admin", "/crossdomain.xml", "/WEB-INF/web.xml", "/actuator/env", "/config.json"}
