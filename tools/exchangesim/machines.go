package main

import (
	"math/rand/v2"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// A machine is a heavy legitimate client: who it is (its address, name
// and keys, the same every day for the recurring ones) and what it does.
type machine struct {
	profile string
	ua      string
	ip      string
	keys    []string
	pairs   []string
	rate    float64 // requests a second, roughly
	run     func(d *day, k *tab, m *machine)
}

// A fleet is a kind of machine the exchange has a few of every day.
type fleet struct {
	profile  string
	n        int      // how many, at least
	uas      []string // one each, in turn
	prefixes []string // where they send from; nil: the cloud the site's partners use
	key      string   // the prefix of their API keys; empty: they have none
	keys     int      // how many keys each holds, their users' keys
	rate     [2]float64
	pairs    int
	run      func(d *day, k *tab, m *machine)
}

var fleets = []fleet{
	{"market-maker", 2, []string{"mm-engine/4.2 (Go-http-client/2.0)", "quoter/1.19 rust-reqwest/0.12", "Go-http-client/2.0"}, nil, "mk_", 1, [2]float64{3, 7}, 3, (*day).quote},
	{"trading-bot", 3, []string{"ccxt/4.4.21 (+https://github.com/ccxt/ccxt) Python/3.12.7", "python-requests/2.32.3", "Hummingbot/2.1.0", "axios/1.7.9"},
		[]string{"95.217.", "65.108.", "167.99.", "159.89.", "5.161."}, "bt_", 1, [2]float64{0.6, 2}, 1, (*day).bot},
	{"portfolio-tracker", 2, []string{"Taxfolio-Sync/2.4 (+https://taxfolio.example/bot)", "CoinLedger Portfolio Importer/5.0"}, nil, "ro_", 120, [2]float64{1.5, 4}, 0, (*day).track},
	{"price-aggregator", 3, []string{"CoinQuoteBot/2.1 (+https://coinquotes.example/bot)", "PriceIndex-Collector/1.8", "marketcap-feed/3.0 okhttp/4.11.0"}, nil, "", 0, [2]float64{1, 2}, 0, (*day).aggregate},
	{"uptime-probe", 3, []string{"Pingwatch/3.1 (+https://pingwatch.example; region=us-east)", "Pingwatch/3.1 (+https://pingwatch.example; region=eu-west)", "Pingwatch/3.1 (+https://pingwatch.example; region=ap-south)"},
		[]string{"45.79.", "139.162.", "172.105."}, "", 0, [2]float64{1. / 60, 1. / 15}, 0, (*day).probe},
	{"custody-webhook", 1, []string{"Vaultkeep-Webhooks/1.0"}, []string{"104.18.", "162.159."}, "", 0, [2]float64{0.2, 0.8}, 0, (*day).hooks},
	{"crawler", 1, []string{"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"}, []string{"66.249.66.", "66.249.68."}, "", 0, [2]float64{0.2, 0.7}, 0, (*day).crawl},
	{"crawler", 1, []string{"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"}, []string{"157.55.39.", "40.77.167."}, "", 0, [2]float64{0.1, 0.4}, 0, (*day).crawl},
}

// build draws the i-th machine of a fleet from r.
func (d *day) build(r *rand.Rand, f *fleet, i int) *machine {
	m := &machine{profile: f.profile, ua: f.uas[i%len(f.uas)], rate: LogUniform(r, f.rate[0], f.rate[1]), run: f.run}
	prefixes := f.prefixes
	if prefixes == nil {
		prefixes = d.s.cloud
	}
	m.ip = d.log.V4(r, prefixes)
	for range f.keys * (1 + r.IntN(2)) {
		m.keys = append(m.keys, f.key+Hex(r, 16))
	}
	if f.pairs > 0 {
		m.pairs = d.s.pairsFor(r, f.pairs+i)
	}
	return m
}

// machines adds the exchange's recurring machines. Who they are comes
// from the site's stream id, so that they keep their addresses and keys;
// how busy they are today, and whether the occasional ones come at all,
// from the day's stream r.
func (d *day) machines(id, r *rand.Rand) {
	var ms []*machine
	for _, f := range fleets {
		for i := range f.n + id.IntN(2) {
			ms = append(ms, d.build(id, &f, i))
		}
	}
	for _, m := range ms {
		mr := Sub(r)
		if (m.profile == "trading-bot" || m.profile == "crawler") && Chance(mr, 0.15) {
			continue // not every bot trades, nor every crawler calls, every day
		}
		m.rate *= Uniform(mr, 0.8, 1.25)
		d.start(mr, m)
	}
}

// start registers a machine and runs it for the whole window.
func (d *day) start(r *rand.Rand, m *machine) {
	c := d.log.Client(m.ip, KindNormal)
	c.Profile, c.Heavy = m.profile, true
	k := &tab{d: d, r: r, from: fixed(c), ua: m.ua}
	if len(m.keys) > 0 {
		k.key = m.keys[0]
	}
	m.run(d, k, m)
}

// pairsFor returns n of the site's markets, popular ones first.
func (s *site) pairsFor(r *rand.Rand, n int) []string {
	var ps []string
	for _, c := range s.coins[:min(n+r.IntN(2), len(s.coins))] {
		ps = append(ps, s.pair(coinNames[c][0]))
	}
	return ps
}

// integrations are the kinds of newcomer a day may bring.
var integrations = []fleet{
	{"new-market-maker", 1, []string{"liquidity-engine/0.9 (Go-http-client/2.0)"}, nil, "mk_", 1, [2]float64{2, 5}, 2, (*day).quote},
	{"new-tracker", 1, []string{"Portfolium Sync/1.0 (+https://portfolium.example)"}, nil, "ro_", 40, [2]float64{1, 3}, 0, (*day).track},
	{"new-aggregator", 1, []string{"QuoteStream-Fetcher/0.4"}, nil, "", 0, [2]float64{1, 1}, 0, (*day).aggregate},
	{"new-bot", 1, []string{"ccxt/4.4.30 (+https://github.com/ccxt/ccxt) Node.js/22.11.0"}, nil, "bt_", 1, [2]float64{1.5, 4}, 3, (*day).bot},
}

// newcomers adds the day's one or two new integrations, from a block of
// addresses the exchange has not seen before today.
func (d *day) newcomers(r *rand.Rand) {
	block := []string{"34." + strconv.Itoa(16+int((d.seed*37+d.s.id*11)%200)) + "."}
	for _, i := range r.Perm(len(integrations))[:1+r.IntN(2)] {
		f := integrations[i]
		f.prefixes = block
		d.start(Sub(r), d.build(r, &f, 0))
	}
}
