package main

import (
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// screens are what a person does on each screen, by its number.
var screens = [nScreens]func(k *tab, pe *person){
	scMarkets: (*tab).markets, scTrade: (*tab).trade, scPortfolio: (*tab).portfolio,
	scHistory: (*tab).history, scDeposit: (*tab).deposit, scWithdraw: (*tab).withdraw,
	scVerify: (*tab).verify, scHelp: (*tab).help, scPrice: (*tab).price, scSettings: (*tab).settings,
}

// markets keeps the list of markets open, polling the tickers unless the
// price stream brings them.
func (k *tab) markets(pe *person) {
	s := k.d.s
	k.screen(pe, "/markets")
	k.get(s.tickers(), wTicks)
	k.openStream(pe)
	gap := Uniform(k.r, 4, 9)
	if pe.streamed {
		gap = 1e9
	}
	k.watch(LogNormal(k.r, 35, 0.7), gap, func(int) { k.get(s.tickers(), wTicks) })
}

// pickPair is the market a person opens: during the rush many open the
// new coin's market, or the one that crashes.
func (k *tab) pickPair(pe *person) string {
	ru := &k.d.rush
	p := 0.45
	if pe.p.rush {
		p = 0.85
	}
	if ru.on(k.t) && Chance(k.r, p) {
		return ru.pair
	}
	return k.d.s.pair(k.d.s.coin(k.r))
}

// trade opens a market: its chart, book and recent trades, refreshed
// every few seconds unless streamed; traders place and cancel orders.
func (k *tab) trade(pe *person) {
	s := k.d.s
	pair := k.pickPair(pe)
	k.screen(pe, s.tradeURL(pair))
	k.get(s.ticker(pair), wTick)
	k.get(s.candles(pair, Pick(k.r, []string{"1m", "5m", "15m", "1h"})), wCandles)
	k.get(s.book(pair, Pick(k.r, []int{20, 50, 100})), wBook)
	k.get(s.trades(pair), wTrades)
	k.openStream(pe)
	if k.user != "" {
		k.authed("GET", s.openOrders(pair), 200, wList)
	}
	gap := Uniform(k.r, 2.5, 6)
	if pe.streamed {
		gap = Uniform(k.r, 15, 40)
	}
	if k.d.rush.on(k.t) {
		gap *= map[bool]float64{true: 0.5, false: 0.8}[pe.p.rush] // the price moves: people look sooner
	}
	var open []string
	k.watch(LogNormal(k.r, 80, 0.7), gap, func(i int) {
		if !pe.streamed {
			k.get(s.ticker(pair), wTick)
			if i%2 == 0 || pe.p.rush {
				k.get(s.book(pair, 50), wBook)
			}
			if i%4 == 3 {
				k.get(s.trades(pair), wTrades)
			}
		} else if k.user != "" {
			k.authed("GET", s.balances(), 200, wList)
		}
		if k.user == "" {
			return
		}
		if Chance(k.r, pe.p.orders) {
			open = k.placeOrder(pair, open)
		} else if len(open) > 0 && Chance(k.r, pe.p.orders) {
			k.cancelOrder(pair, open[0])
			open = open[1:]
		}
	})
}

// placeOrder places a limit or market order and looks at the open ones.
func (k *tab) placeOrder(pair string, open []string) []string {
	s := k.d.s
	k.think(3)
	st := []int{201, 422, 400, 409}[Weighted(k.r, []float64{0.86, 0.07, 0.05, 0.02})]
	k.authed("POST", s.orders(), st, wOrder)
	if st == 201 {
		open = append(open, s.newID(k.r))
		k.authed("GET", s.openOrders(pair), 200, wList)
	}
	return open
}

// cancelOrder cancels an order, which may have filled in the meantime.
func (k *tab) cancelOrder(pair, id string) {
	st := 204
	if Chance(k.r, 0.12) {
		st = 404
	}
	k.authed("DELETE", k.d.s.order(id, pair), st, wOrder)
}

// portfolio shows balances and their worth over a range.
func (k *tab) portfolio(pe *person) {
	s := k.d.s
	if !k.screen(pe, "/portfolio") {
		return
	}
	k.authed("GET", s.balances(), 200, wList)
	k.authed("GET", s.api+"/portfolio/summary?range="+Pick(k.r, []string{"1d", "1w", "1m", "1y"}), 200, wCandles)
	k.watch(LogNormal(k.r, 30, 0.6), Uniform(k.r, 10, 20), func(int) {
		k.authed("GET", s.balances(), 200, wList)
	})
}

// history pages through past orders and transfers.
func (k *tab) history(pe *person) {
	s := k.d.s
	if !k.screen(pe, "/history") {
		return
	}
	kind := Pick(k.r, []string{"orders", "transfers", "all"})
	for p := 1; p <= 1+k.r.IntN(4); p++ {
		st := 200
		if p > 2 && Chance(k.r, 0.1) {
			st = 404 // past the last page
		}
		k.authed("GET", s.api+"/accounts/history?type="+kind+"&page="+strconv.Itoa(p)+"&limit=25", st, wList)
		k.think(6)
	}
	if Chance(k.r, 0.4) {
		k.authed("GET", s.fills(s.pair(s.coin(k.r))), 200, wList)
	}
}
