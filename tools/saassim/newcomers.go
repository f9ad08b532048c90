package main

import (
	"math/rand/v2"

	"github.com/portcullis/portcullis/decision/apikey"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// newcomers are integrations a customer connects today, from an address
// the SaaS has not seen before: an importer moving a team's projects over
// from another tool, a BI connector refreshing its reports, a self-hosted
// automation agent polling for events. Some days bring none.
func (w *world) newcomers(r *rand.Rand) {
	s := w.s
	for range Weighted(r, []float64{0.3, 0.5, 0.2}) {
		pr := Sub(r)
		c := w.l.Client(w.l.V4(pr, cloudNets), KindNormal)
		c.Heavy = true
		d := w.newDev(pr, func(int64) *Client { return c }, w.at(Uniform(pr, 0, 0.6)), machine, "")
		d.key = apikey.ID("ld_live_" + Hex(pr, 16) + Hex(pr, 16))
		d.ten, d.retries = s.tenant(pr), 3
		switch Weighted(pr, []float64{0.4, 0.35, 0.25}) {
		case 0:
			c.Profile = "new-migration"
			d.ua = Pick(pr, []string{"python-requests/2.32.3", "trello2loomdesk/0.3.1", "asana-export-import/1.0 node-fetch"})
			w.migration(d)
		case 1:
			c.Profile = "new-bi-connector"
			d.ua = Pick(pr, []string{"Microsoft.Data.Mashup (https://go.microsoft.com/fwlink/?LinkID=304225)", "Tableau/2024.3 (Web Data Connector)", "Looker/24.18"})
			w.biConnector(d)
		default:
			c.Profile = "new-agent"
			d.ua = Pick(pr, []string{"node-fetch/1.0 (+https://github.com/bitinn/node-fetch)", "n8n", "Go-http-client/2.0"})
			w.agent(d)
		}
	}
}

// migration creates the projects, then posts the tasks in batches as
// fast as the key's limit lets it, with their attachments.
func (w *world) migration(d *dev) {
	r := d.r
	b := NewBuckets(w.s.limits.apiKey, 2*w.s.limits.apiKey)
	rate := Uniform(r, 1, 4)
	end := min(w.win, d.t+Sec(Uniform(r, 180, 600)))
	for range 1 + r.IntN(4) {
		d.post("/api/v2/workspaces/"+d.ws()+"/projects", 201, 300, 2, 120)
		d.pause(0.3, 1)
	}
	for d.t < end {
		path := "/api/v2/import/tasks"
		if !b.Take(d.key, d.t) {
			d.send("POST", path, 429, 80000, 140, 3)
			d.pause(2, 6)
			continue
		}
		if Chance(r, 0.15) {
			d.upload(LogNormal(r, 1, 1))
		} else {
			d.post(path, 201, 90000, 6, 900)
			d.w.tasks += 50
		}
		d.t += Sec(r.ExpFloat64() / rate)
	}
}

// biConnector refreshes its reports every five minutes, paging through
// the workspace's tasks.
func (w *world) biConnector(d *dev) {
	r := d.r
	ws := d.ws()
	rate := Uniform(r, 3, 8)
	for t := d.t; t < w.win; t += Sec(300 * Uniform(r, 0.98, 1.02)) {
		d.t = t
		for pg := range 5 + r.IntN(35) {
			d.get("/api/v2/reports/tasks?workspace="+ws+"&page="+itoa(pg+1)+"&per_page=500", 200, 240, 300)
			d.t += Sec(r.ExpFloat64() / rate)
		}
	}
}

// agent polls the workspace's events every 15 to 30 seconds and now and
// then acts on one.
func (w *world) agent(d *dev) {
	r := d.r
	ws := d.ws()
	cursor := 90000000 + r.IntN(9000000)
	every := Uniform(r, 15, 30)
	for ; d.t < w.win; d.t += Sec(every * Uniform(r, 0.9, 1.1)) {
		d.get("/api/v2/workspaces/"+ws+"/events?after="+itoa(cursor)+"&limit=100", 200, 2, 40)
		cursor += r.IntN(5)
		if Chance(r, 0.1) {
			d.pause(0.2, 1)
			d.patch("/api/v2/tasks/"+d.taskID(), 200, 200, 4, 60)
		}
	}
}
