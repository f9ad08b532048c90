package main

import (
	"math/rand/v2"
	"strconv"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// The exchange's market data routes come in two shapes: a resource per
// market (/markets/BTC-USD/ticker) or one resource per kind of data with
// the market in the query (/ticker?symbol=BTCUSD).

func (s *site) market(pair, what, query string) string {
	if s.queryStyle {
		p := s.api + "/" + what + "?symbol=" + pair
		if query != "" {
			p += "&" + query
		}
		return p
	}
	p := s.api + "/markets/" + pair + "/" + what
	if query != "" {
		p += "?" + query
	}
	return p
}

func (s *site) ticker(pair string) string { return s.market(pair, "ticker", "") }

func (s *site) book(pair string, depth int) string {
	if s.queryStyle {
		return s.market(pair, "depth", "limit="+strconv.Itoa(depth))
	}
	return s.market(pair, "book", "depth="+strconv.Itoa(depth))
}

func (s *site) candles(pair, interval string) string {
	if s.queryStyle {
		return s.market(pair, "klines", "interval="+interval+"&limit=500")
	}
	return s.market(pair, "candles", "interval="+interval+"&limit=300")
}

func (s *site) trades(pair string) string { return s.market(pair, "trades", "limit=50") }

func (s *site) tickers() string {
	if s.queryStyle {
		return s.api + "/ticker/24hr"
	}
	return s.api + "/markets/tickers"
}

// orders is where orders are placed (POST) and listed (GET).
func (s *site) orders() string {
	if s.queryStyle {
		return s.api + "/order"
	}
	return s.api + "/orders"
}

// order names one order, to look at or cancel.
func (s *site) order(id, pair string) string {
	if s.queryStyle {
		return s.api + "/order?symbol=" + pair + "&orderId=" + id
	}
	return s.api + "/orders/" + id
}

func (s *site) openOrders(pair string) string {
	if s.queryStyle {
		return s.api + "/openOrders?symbol=" + pair
	}
	return s.api + "/orders?status=open&market=" + pair
}

func (s *site) fills(pair string) string {
	if s.queryStyle {
		return s.api + "/myTrades?symbol=" + pair + "&limit=50"
	}
	return s.api + "/fills?market=" + pair + "&limit=50"
}

func (s *site) balances() string { return s.api + "/accounts/balances" }

// newID draws an order, withdrawal or document id as this exchange writes
// them.
func (s *site) newID(r *rand.Rand) string {
	if s.numericIDs {
		return strconv.FormatInt(4_100_000_000+r.Int64N(900_000_000), 10)
	}
	return Hex(r, 8) + "-" + Hex(r, 4) + "-4" + Hex(r, 3) + "-" + Hex(r, 4) + "-" + Hex(r, 12)
}

// tradeURL is the web app's page of one market.
func (s *site) tradeURL(pair string) string { return s.tradePage + pair }

// asset names one of the web app's static files.
func (s *site) asset(name string) string {
	switch {
	case strings.HasSuffix(name, ".js"):
		return "/static/js/" + strings.TrimSuffix(name, ".js") + "." + s.js + ".js"
	case strings.HasSuffix(name, ".css"):
		return "/static/css/" + strings.TrimSuffix(name, ".css") + "." + s.css + ".css"
	}
	return "/static/" + name
}

// static reports whether a path is served from the CDN's cache, outside
// the gateway's limits and the origin's load.
func static(path string) bool {
	return strings.HasPrefix(path, "/static/") || path == "/favicon.ico" || path == "/robots.txt"
}
