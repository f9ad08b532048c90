package main

import (
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

var webFiles = []string{"runtime.js", "vendor.js", "app.js", "main.css", "fonts/inter-var.woff2", "img/logo.svg", "img/coins-sprite.svg"}

// page opens one of the web app's pages: the document, and the app's
// files unless the browser has them already.
func (k *tab) page(pe *person, path string) {
	k.send("GET", path, 200, wPage)
	if !pe.loaded {
		for _, f := range webFiles {
			k.get(k.d.s.asset(f), wAsset)
		}
		k.send("GET", "/favicon.ico", 200, weight{350, 4200, 2})
		pe.loaded = true
	} else if Chance(k.r, 0.2) {
		k.send("GET", "/favicon.ico", 304, wAsset)
	}
}

// screen opens a screen: the web app loads its page, the phone apps only
// ask for its data. It reports whether the person is signed in.
func (k *tab) screen(pe *person, page string) bool {
	if pe.web() {
		k.page(pe, page)
	}
	return k.user != ""
}

// arrive opens the web app on its landing page or starts the phone app.
func (k *tab) arrive(pe *person) {
	s := k.d.s
	if pe.web() {
		switch {
		case pe.p.anon && Chance(k.r, 0.5):
			k.page(pe, "/price/"+slug(s.coin(k.r)))
		case Chance(k.r, 0.4):
			k.page(pe, "/")
		default:
			k.page(pe, s.tradeURL(s.pair(s.coin(k.r))))
		}
		k.get(s.tickers(), wTicks)
		return
	}
	platform := map[bool]string{true: "android", false: "ios"}[pe.device == androidApp]
	st := 200
	if Chance(k.r, 0.6) {
		st = 304
	}
	k.send("GET", s.api+"/app/config?platform="+platform, st, wSmall)
	k.get(s.tickers(), wTicks)
}

// openStream opens the price stream once per visit.
func (k *tab) openStream(pe *person) {
	if pe.stream && !pe.streamed {
		k.send("GET", k.d.s.ws+"?v=2", 101, wStream)
		pe.streamed = true
	}
}

// signIn is a fresh sign-in: the password, then the one-time code; a few
// people mistype one of them once or twice.
func (k *tab) signIn(pe *person) {
	s := k.d.s
	if pe.web() {
		k.page(pe, "/login")
		k.think(9)
	}
	for range 2 {
		if !Chance(k.r, 0.09) {
			break
		}
		k.send("POST", s.login, 401, wAuth)
		k.think(7)
	}
	k.send("POST", s.login, 200, wAuth)
	k.think(11)
	if Chance(k.r, 0.07) {
		k.send("POST", s.mfa, 401, wAuth)
		k.think(8)
	}
	k.send("POST", s.mfa, 200, wAuth)
	k.user, k.expiry = pe.user, k.t+Sec(s.tokenTTL)
	k.get(s.api+"/me", wSmall)
	if !pe.web() && Chance(k.r, 0.5) {
		k.send("POST", s.api+"/devices/push-token", 204, wSmall)
	}
	k.authed("GET", s.balances(), 200, wList)
}

// resume carries on a kept session, whose token may have run out already.
func (k *tab) resume(pe *person) {
	k.user = pe.user
	k.expiry = k.t + Sec(Uniform(k.r, -0.4, 1)*k.d.s.tokenTTL)
	k.authed("GET", k.d.s.api+"/me", 200, wSmall)
	k.authed("GET", k.d.s.balances(), 200, wList)
}
