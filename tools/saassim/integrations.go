package main

import (
	"math/rand/v2"
	"net/url"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// integrations is what the customers' connected services send all day,
// each from the address it holds every day: CI servers posting build
// statuses, warehouse syncs paging through everything, automation
// platforms polling for many workspaces at once, a backup service, a
// security scanner one customer points at its own workspace on some
// days, uptime probes, and the webhooks of GitHub, Slack and the billing
// provider; and a customer's cron job with a personal token.
func (w *world) integrations(r *rand.Rand) {
	clients := w.l.Clients()
	for i, p := range w.s.partners {
		c := clients[i]
		pr := Sub(r)
		d := w.newDev(pr, func(int64) *Client { return c }, 0, machine, p.ua)
		d.retries = 3
		d.ten = w.s.tenants[i%len(w.s.tenants)]
		if len(p.keys) > 0 {
			d.key = p.keys[0]
		}
		switch p.profile {
		case "ci-bot":
			w.ciBot(d, p)
		case "warehouse-sync":
			w.warehouse(d, p)
		case "automation":
			w.automation(d, p)
		case "backup":
			w.backup(d, p)
		case "tenant-scanner":
			if Chance(pr, w.s.scanDays) {
				w.ownScanner(d, p)
			}
		case "uptime":
			w.uptime(d, p)
		case "github-hooks", "slack", "billing-hooks":
			w.hooks(d, p)
		case "customer-script":
			w.cron(d, p)
		}
	}
}

// tenantOf returns the workspace the i-th key of an integration belongs to.
func (w *world) tenantOf(i int, key string) *tenant {
	n := 0
	for _, c := range key {
		n = n*31 + int(c)
	}
	return w.s.tenants[(n+i)%len(w.s.tenants)]
}

// ciBot is a customer's CI server: every build posts a pending check on
// the task its branch names, and when it finishes the result, with a
// comment when it failed. A 5xx is retried with back-off.
func (w *world) ciBot(d *dev, p partner) {
	r := d.r
	Poisson(r, p.rate, -Sec(600), w.win, func(t int64) {
		b := *d
		b.t = t
		task := b.taskID()
		b.post("/api/v2/integrations/ci/runs", 201, 700, 0.6, 80)
		run := itoa(3000000 + r.IntN(900000))
		b.t += Sec(LogNormal(r, 300, 0.6))
		ok := Chance(r, 0.8)
		b.patch("/api/v2/integrations/ci/runs/"+run, 200, 500, 0.6, 60)
		if !ok {
			b.pause(0.2, 1)
			b.post("/api/v2/tasks/"+task+"/comments", 201, 900, 1.5, 70)
		}
	})
}

// warehouse is a data-warehouse sync: every few minutes, for each
// workspace that connected it, it pages through the tasks, projects and
// documents changed since the last run, then fetches every changed task
// and its comments (some deleted in between: 404). It keeps to the key's
// limit by the 429s it gets, waiting as long as they say.
func (w *world) warehouse(d *dev, p partner) {
	limit := w.s.limits.apiKey
	for i, key := range p.keys {
		k := *d
		k.r = Sub(d.r)
		k.key = key
		k.ten = w.tenantOf(i, key)
		every := Uniform(k.r, 180, 420)
		b := NewBuckets(limit, 2*limit)
		k.t = -Sec(3600)
		for t := -Sec(Uniform(k.r, 0, every)); t < w.win; t += Sec(every * Uniform(k.r, 0.95, 1.05)) {
			k.t = max(k.t, t) // a run that overran delays the next
			k.sync(b, p.rate)
		}
	}
}

// sync is one run of the warehouse sync at rate requests a second.
func (d *dev) sync(b *Buckets, rate float64) {
	r := d.r
	ws := d.ws()
	since := url.QueryEscape(d.w.l.Start().Add(-6 * 60e9).Format("2006-01-02T15:04:05Z"))
	next := func() { d.t += Sec(r.ExpFloat64() / rate) }
	paced := func(path string, status int, kbs, ms float64) {
		for b != nil && !b.Take(d.key, d.t) {
			d.send("GET", path, 429, 0, 140, 2)
			d.pause(1, 5) // Retry-After
		}
		d.get(path, status, kbs, ms)
		next()
	}
	pages := 1 + int(LogNormal(r, 4, 0.8))
	for i := range pages {
		cursor := ""
		if i > 0 {
			cursor = "&cursor=" + Hex(r, 12)
		}
		paced("/api/v2/workspaces/"+ws+"/tasks?updated_since="+since+"&limit=100"+cursor, 200, 90, 180)
	}
	paced("/api/v2/workspaces/"+ws+"/projects?limit=100", 200, 20, 60)
	paced("/api/v2/workspaces/"+ws+"/docs?updated_since="+since+"&limit=100", 200, 30, 90)
	for range pages * (10 + r.IntN(40)) {
		id := d.taskID()
		status := 200
		if Chance(r, 0.05) {
			status = 404
		}
		paced("/api/v2/tasks/"+id, status, 5, 40)
		if status == 200 && Chance(r, 0.5) {
			paced("/api/v2/tasks/"+id+"/comments?limit=100", 200, 6, 40)
		}
	}
}

// automation is one address of an automation platform: for each of the
// many workspaces that connected it, a few automations poll their trigger
// every one to fifteen minutes and, when something new turned up, run
// their action (create a task, post a comment). A connection whose token
// was revoked keeps polling into 401 until the platform turns it off.
func (w *world) automation(d *dev, p partner) {
	for i, key := range p.keys {
		k := *d
		k.r = Sub(d.r)
		k.key = key
		k.ten = w.tenantOf(i, key)
		revoked := Chance(k.r, 0.03)
		ws := k.ws()
		for range 1 + Weighted(k.r, []float64{0.5, 0.3, 0.2}) {
			every := Pick(k.r, []float64{60, 120, 300, 600, 900})
			trigger := Pick(k.r, []string{
				"/api/v2/workspaces/" + ws + "/tasks?sort=-created&limit=25",
				"/api/v2/workspaces/" + ws + "/events?types=task.completed&limit=25",
				"/api/v2/projects/" + k.project() + "/tasks?sort=-updated&limit=25",
				"/api/v2/workspaces/" + ws + "/docs?sort=-updated&limit=10",
			})
			for k.t = -Sec(Uniform(k.r, 0, every)); k.t < w.win; k.t += Sec(every * Uniform(k.r, 0.98, 1.05)) {
				if revoked {
					k.send("GET", trigger, 401, 0, 110, 8)
					continue
				}
				k.get(trigger, 200, 3, 45)
				if Chance(k.r, 0.12) {
					k.pause(0.5, 3)
					if Chance(k.r, 0.6) {
						k.post("/api/v2/projects/"+k.project()+"/tasks", 201, 500, 4, 90)
					} else {
						k.post("/api/v2/tasks/"+k.taskID()+"/comments", 201, 400, 1.5, 70)
					}
				}
			}
		}
	}
}

// backup is a backup service working through its customers' workspaces
// one after the other all day: the document list, each document's export,
// the files (redirected to storage).
func (w *world) backup(d *dev, p partner) {
	r := d.r
	d.t = -Sec(Uniform(r, 0, 60))
	for i := 0; d.t < w.win; i++ {
		key := p.keys[i%len(p.keys)]
		d.key = key
		d.ten = w.tenantOf(i, key)
		ws := d.ws()
		for pg := range 1 + r.IntN(4) {
			d.get("/api/v2/workspaces/"+ws+"/docs?limit=100&page="+itoa(pg+1), 200, 30, 90)
			d.t += Sec(r.ExpFloat64() / p.rate)
		}
		for range 20 + r.IntN(120) {
			if Chance(r, 0.7) {
				d.get("/api/v2/docs/"+itoa(Pick(r, d.ten.docs))+"/export?format=md", 200, 25, 120)
			} else {
				d.get("/api/v2/files/"+itoa(w.files-r.IntN(3000000))+"/download", 302, 0.3, 25)
			}
			d.t += Sec(r.ExpFloat64() / p.rate)
		}
		d.pause(5, 60)
	}
}

// uptime is one region's probe: health, the status API and, every fifth
// round, a sign-in with its test account, on a fixed period.
func (w *world) uptime(d *dev, p partner) {
	r := d.r
	d.key = ""
	period := 1 / p.rate
	step := r.IntN(5)
	for d.t = Sec(Uniform(r, 0, period)); d.t < w.win; d.t += Sec(period * Uniform(r, 0.995, 1.005)) {
		d.get("/healthz", 200, 0.05, 2)
		d.pause(0.05, 0.3)
		d.get("/api/v2/status", 200, 0.4, 8)
		if step++; step%5 == 0 {
			d.pause(0.1, 0.4)
			d.post("/api/v2/auth/login", 200, 190, 0.9, 260)
			d.user = "u-synthetic"
			d.get("/api/v2/me", 200, 1.5, 25)
			d.user = ""
		}
	}
}

// hooks are the webhooks other services deliver: GitHub's push and pull
// request events for the repositories customers linked, Slack's events
// and slash commands, the billing provider's invoices and subscriptions.
func (w *world) hooks(d *dev, p partner) {
	r := d.r
	d.key = ""
	installs := make([]string, 4+r.IntN(20))
	for i := range installs {
		installs[i] = itoa(40000000 + r.IntN(9000000))
	}
	Poisson(r, p.rate, 0, w.win, func(t int64) {
		d.t = t
		switch p.profile {
		case "github-hooks":
			d.post("/hooks/github/"+Pick(r, installs), Pick(r, []int{200, 200, 200, 202}), 9000, 0.1, 60)
		case "slack":
			if Chance(r, 0.8) {
				d.post("/hooks/slack/events", 200, 1500, 0.05, 40)
			} else {
				d.post("/hooks/slack/commands", 200, 700, 0.6, 300)
			}
		default:
			d.post("/hooks/billing/stripe", 200, 3500, 0.05, 90)
		}
	})
}

// cron is a customer's own script with a personal token and no user
// agent, reading the open tasks of a project every minute or so.
func (w *world) cron(d *dev, p partner) {
	r := d.r
	proj := d.project()
	for d.t = Sec(Uniform(r, 0, 1/p.rate)); d.t < w.win; d.t += Sec(1 / p.rate * Uniform(r, 0.99, 1.01)) {
		d.get("/api/v2/projects/"+proj+"/tasks?status=open&limit=100", 200, 25, 90)
	}
}
