package main

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"time"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// Customers' servers call the API with the account's secret key in a
// header, from their egress addresses. The gateway limits each key to the
// plan's rate: a minute job bigger than the plan allows meets 429s, which
// the SDKs retry with backoff and raw HTTP clients do not.

func (d *day) bigCustomers(r *rand.Rand) {
	for _, cu := range d.plat.big {
		d.serve(cu, Sub(r), 0.97)
	}
}

func (d *day) midCustomers(r *rand.Rand) {
	for _, cu := range d.plat.mid {
		d.serve(cu, Sub(r), 0.8)
	}
}

func (d *day) smallCustomers(r *rand.Rand) {
	for _, cu := range d.plat.small {
		d.serve(cu, Sub(r), 0.3)
	}
}

// job is one request a customer's servers mean to send.
type job struct {
	t           int64
	srv, p, try int // which server sends it, the product, the retries so far
}

// jobs are a customer's planned calls; drain puts them in time order and
// slots each retry in where it falls.
type jobs []job

func byTime(a, b job) int { return cmp.Compare(a.t, b.t) }

func (q *jobs) retry(j job) {
	i, _ := slices.BinarySearchFunc(*q, j, byTime)
	*q = slices.Insert(*q, i, j)
}

// shift is a customer's day: its servers and what goes wrong for it.
type shift struct {
	cu        *customer
	actors    []*actor
	legacy    int   // server still holding a key rotated away, -1 if none
	creditOut int64 // when a prepaid account runs dry, -1 if never
	rotAt     int64 // when the key is rolled in the window, -1 if not
	redeploy  int64 // when the servers get the new key
	newKey    string
	sdk       bool
}

func newShift(cu *customer) *shift {
	return &shift{cu: cu, legacy: -1, creditOut: -1, rotAt: -1, sdk: cu.lang != ""}
}

func (d *day) serve(cu *customer, r *rand.Rand, active float64) {
	if !Chance(r, active) {
		return
	}
	sh := newShift(cu)
	ua := cu.serverUA(d.plat)
	for _, ip := range cu.servers {
		c := d.normal(ip, "customer-server")
		c.Heavy = cu.heavy
		sh.actors = append(sh.actors, d.actor(r, c, ua, cu.secret))
	}
	if len(sh.actors) == 0 {
		sh.actors = append(sh.actors, d.actor(r, d.normal(server(d.log, r, cu.pool), "customer-serverless"), ua, cu.secret))
	}
	if cu.plan == "prepaid" && Chance(r, 0.2) {
		sh.creditOut = d.at(Uniform(r, 0.05, 0.85))
	}
	if cu.tier != tierSmall && Chance(r, 0.05) {
		sh.rotAt = d.at(Uniform(r, 0.1, 0.7))
		sh.redeploy = sh.rotAt + Sec(LogUniform(r, 45, 900))
		sh.newKey = secretKey(r)
	}
	if cu.tier != tierSmall && Chance(r, 0.07) {
		// A deployment nobody updated after yesterday's key rotation.
		sh.legacy = len(sh.actors)
		c := d.normal(server(d.log, r, cu.pool), "customer-server")
		c.Heavy = cu.heavy
		sh.actors = append(sh.actors, d.actor(r, c, ua, secretKey(r)))
	}
	d.work(r, sh, 0)
	batches := 0.3
	if cu.tier == tierBig {
		batches = 0.7
	}
	if cu.batch && Chance(r, batches) {
		for range 1 + r.IntN(2) {
			d.batchJob(Sub(r), sh.actors[r.IntN(len(sh.actors))], d.at(Uniform(r, -0.1, 0.9)))
		}
	}
}

// work plans a shift's calls from a time on and sends them.
func (d *day) work(r *rand.Rand, sh *shift, from int64) {
	mult := LogNormal(r, 1, 0.35)
	q := &jobs{}
	for i := range sh.actors {
		d.steady(r, sh.cu, i, sh.cu.base*mult, from, q)
	}
	if sh.cu.cron > 0 {
		d.minuteJobs(r, sh.cu, len(sh.actors), from, q)
	}
	d.drain(r, sh, q)
}

// steady plans a server's everyday calls: a Poisson stream, or bursts
// of a queue worker with idle spells between them.
func (d *day) steady(r *rand.Rand, cu *customer, srv int, rate float64, from int64, q *jobs) {
	add := func(t int64) { *q = append(*q, job{t: t, srv: srv, p: cu.product(r)}) }
	if !cu.bursty {
		Poisson(r, rate, from, d.win, add)
		return
	}
	on, off := LogUniform(r, 5, 60), LogUniform(r, 20, 240)
	for t := from - Sec(Uniform(r, 0, on+off)); t < d.win; {
		end := t + Sec(r.ExpFloat64()*on)
		Poisson(r, rate*(on+off)/on, max(t, from), min(end, d.win), add)
		t = end + Sec(r.ExpFloat64()*off)
	}
}

// minuteJobs plans the jobs a scheduler starts at the top of the minute
// every cron minutes: a burst as fast as the job's workers go.
func (d *day) minuteJobs(r *rand.Rand, cu *customer, servers int, from int64, q *jobs) {
	spread := Chance(r, 0.5)
	for m := d.minute0; m < d.win; m += Sec(60) {
		if m < from || d.log.Start().Add(time.Duration(m)).Minute()%cu.cron != 0 || !Chance(r, 0.92) {
			continue
		}
		n := int(LogNormal(r, cu.cronSize, 0.4))
		srv := r.IntN(servers)
		t := m + Sec(Uniform(r, 0.01, 0.8))
		for range n {
			if spread {
				srv = r.IntN(servers)
			}
			p := cu.kind.cronP
			if Chance(r, 0.2) {
				p = cu.product(r)
			}
			*q = append(*q, job{t: t, srv: srv, p: p})
			t += Sec(r.ExpFloat64() / cu.cronRate)
		}
	}
}

// drain sends the planned calls in time order through the key's limit.
func (d *day) drain(r *rand.Rand, sh *shift, q *jobs) {
	cu := sh.cu
	limit := NewBuckets(cu.rate, cu.burst)
	dry := 0
	giveUp := Chance(r, 0.4)
	slices.SortStableFunc(*q, byTime)
	for i := 0; i < len(*q); i++ {
		j := (*q)[i]
		if j.t >= d.win {
			break
		}
		a := sh.actors[j.srv]
		c := cu.home
		if Chance(r, 0.25) {
			c = Pick(r, d.plat.markets)
		}
		k := d.plat.product(r, j.p, c)
		valid := true
		switch {
		case j.srv == sh.legacy:
			valid = false
		case sh.rotAt >= 0 && j.t >= sh.rotAt:
			valid = j.t >= sh.redeploy
			if valid {
				a.key = sh.newKey
			}
		}
		switch {
		case !valid:
			k = k.with(401)
		case sh.creditOut >= 0 && j.t >= sh.creditOut:
			if dry++; giveUp && dry > 30 {
				continue
			}
			k = k.with(402)
		case !cu.allowed(j.p):
			k = k.with(403)
		case !limit.Take("key", j.t):
			k = k.with(429)
			if sh.sdk && j.try < 3 {
				j.try++
				j.t += Sec(0.5*float64(int(1)<<j.try) + Uniform(r, 0, 0.5))
				q.retry(j)
			}
		case Chance(r, 0.003):
			k = k.with(400)
		case (j.p == pRoute || j.p == pMatrix) && Chance(r, 0.002):
			k = k.with(504)
		case Chance(r, 0.0003):
			k = k.with(502)
		}
		a.do(j.t, k)
	}
}

// batchJob uploads an address file, polls the job until it is done and
// fetches the results.
func (d *day) batchJob(r *rand.Rand, a *actor, t int64) {
	size := int64(LogUniform(r, 1e6, 30e6))
	job := jobID(d.plat.jobBase + int(d.seed)*500_000 + r.IntN(400_000))
	sub := d.plat.batchSubmit(r, size)
	a.do(t, sub)
	t += Sec(sub.ms / 1000)
	done := t + Sec(float64(size)/LogUniform(r, 30e3, 300e3))
	every := Uniform(r, 4, 15)
	for t += Sec(every); t < done; t += Sec(every * Uniform(r, 0.9, 1.1)) {
		a.do(t, d.plat.batchPoll(r, job))
	}
	a.do(t, d.plat.batchResults(r, job, size))
}
