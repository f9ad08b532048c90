package main

import (
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// quote is a market maker: it replaces its quotes several times a second,
// cancelling the old ones, and keeps an eye on its orders, fills and
// balances; in the rush it quotes the listed market too, and faster.
func (d *day) quote(k *tab, m *machine) {
	s := d.s
	var live []string
	pairs := m.pairs
	k.send("GET", s.ws+"?v=2", 101, wStream)
	Poisson(k.r, m.rate, 0, d.log.Window(), func(t int64) {
		k.t = t
		if d.rush.on(t) && d.rush.listing && len(pairs) == len(m.pairs) {
			pairs = append(pairs, d.rush.pair)
		}
		pair := Pick(k.r, pairs)
		switch x := k.r.Float64(); {
		case x < 0.45 || len(live) == 0:
			st := []int{201, 400, 422, 409}[Weighted(k.r, []float64{0.95, 0.03, 0.01, 0.01})]
			k.send("POST", s.orders(), st, wOrder)
			if st == 201 {
				live = append(live, s.newID(k.r))
			}
		case x < 0.85:
			i := k.r.IntN(len(live))
			k.send("DELETE", s.order(live[i], pair), []int{204, 404}[Weighted(k.r, []float64{0.92, 0.08})], wOrder)
			live = append(live[:i], live[i+1:]...)
		case x < 0.93:
			k.get(s.fills(pair), wList)
		case x < 0.98:
			k.get(s.openOrders(pair), wList)
		default:
			k.get(s.balances(), wList)
		}
		if d.rush.on(t) && Chance(k.r, 0.5) {
			k.send("POST", s.orders(), 201, wOrder)
			live = append(live, s.newID(k.r))
		}
	})
}

// bot is a customer's trading bot: it polls a market or two and trades now
// and then on what it sees.
func (d *day) bot(k *tab, m *machine) {
	s := d.s
	Poisson(k.r, m.rate, 0, d.log.Window(), func(t int64) {
		k.t = t
		pair := Pick(k.r, m.pairs)
		switch x := k.r.Float64(); {
		case x < 0.5:
			k.get(s.ticker(pair), wTick)
		case x < 0.75:
			k.get(s.book(pair, 20), wBook)
		case x < 0.85:
			k.get(s.candles(pair, "1m"), wCandles)
		case x < 0.92:
			k.get(s.balances(), wList)
		case x < 0.97:
			k.send("POST", s.orders(), []int{201, 422}[Weighted(k.r, []float64{0.9, 0.1})], wOrder)
		default:
			k.send("DELETE", s.order(s.newID(k.r), pair), []int{204, 404}[Weighted(k.r, []float64{0.7, 0.3})], wOrder)
		}
	})
}

// track reads its users' accounts one key after the other: balances,
// fills, deposits and withdrawals; revoked keys answer 401 every time.
func (d *day) track(k *tab, m *machine) {
	s := d.s
	paths := []string{s.balances(), s.api + "/fills?limit=500", s.api + "/deposits?limit=100", s.api + "/withdrawals?limit=100"}
	i := k.r.IntN(len(m.keys) * len(paths))
	Poisson(k.r, m.rate, 0, d.log.Window(), func(t int64) {
		k.t = t
		k.key = m.keys[i/len(paths)%len(m.keys)]
		st := 200
		if k.key[len(k.key)-1] == '7' {
			st = 401 // revoked by its owner
		}
		k.send("GET", paths[i%len(paths)], st, wList)
		i++
	})
}

// aggregate fetches every market's ticker on a clock, for a price site.
func (d *day) aggregate(k *tab, m *machine) {
	s := d.s
	period := Sec(1 / m.rate)
	for t := Sec(k.r.Float64()); t < d.log.Window(); t += period + Sec(k.r.NormFloat64()*0.01) {
		k.t = t
		k.get(s.tickers(), wTicks)
		if t/period%30 == 0 {
			k.get(s.api+"/markets", wList)
		}
	}
}

// probe checks from one region that the exchange answers.
func (d *day) probe(k *tab, m *machine) {
	s := d.s
	period := Sec(1 / m.rate)
	for t := Sec(k.r.Float64() / m.rate); t < d.log.Window(); t += period {
		k.t = t
		k.get("/health", weight{220, 40, 2})
		k.get(s.api+"/time", weight{230, 60, 2})
		k.get(s.ticker(s.pair("BTC")), wTick)
	}
}

var hookEvents = []string{"deposit.detected", "deposit.confirmed", "withdrawal.broadcast", "withdrawal.confirmed", "address.created"}

// hooks are the custody provider's callbacks on deposits and
// withdrawals, more of them while the rush moves coins.
func (d *day) hooks(k *tab, m *machine) {
	Poisson(k.r, m.rate, 0, d.log.Window(), func(t int64) {
		n := 1
		if d.rush.on(t) {
			n += k.r.IntN(4)
		}
		k.t = t
		for range n {
			st := []int{200, 409, 500}[Weighted(k.r, []float64{0.985, 0.01, 0.005})]
			k.send("POST", "/hooks/custody/"+Pick(k.r, hookEvents), st, wHook)
		}
	})
}

var topics = []string{"what-is-bitcoin", "how-to-buy-crypto", "staking-explained", "what-is-a-stablecoin", "crypto-taxes", "limit-vs-market-orders", "self-custody"}

// crawl is a search engine walking the public pages.
func (d *day) crawl(k *tab, m *machine) {
	s := d.s
	k.get("/robots.txt", weight{240, 600, 2})
	k.get("/sitemap.xml", weight{240, 48000, 20})
	Poisson(k.r, m.rate, 0, d.log.Window(), func(t int64) {
		k.t = t
		var path string
		switch x := k.r.Float64(); {
		case x < 0.5:
			path = "/price/" + slug(coinNames[k.r.IntN(len(coinNames))][0])
		case x < 0.7:
			path = "/learn/" + Pick(k.r, topics)
		case x < 0.85:
			path = "/support/articles/" + Pick(k.r, s.articles)
		default:
			path = Pick(k.r, []string{"/", "/markets", "/fees", "/listings", "/security", "/careers"})
		}
		st := []int{200, 301, 404}[Weighted(k.r, []float64{0.93, 0.04, 0.03})]
		k.send("GET", path, st, wPage)
	})
}
