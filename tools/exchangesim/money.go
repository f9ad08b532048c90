package main

import (
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

var networks = []string{"native", "erc20", "sol", "base", "arbitrum"}

// deposit shows a coin's deposit address and waits for the deposit to
// appear.
func (k *tab) deposit(pe *person) {
	s := k.d.s
	if !k.screen(pe, "/wallet/deposit") {
		return
	}
	coin := s.coin(k.r)
	st := 200
	if Chance(k.r, 0.04) {
		st = 404 // a network the coin is not offered on
	}
	k.authed("GET", s.api+"/wallets/"+coin+"/deposit-address?network="+Pick(k.r, networks), st, wSmall)
	k.watch(LogNormal(k.r, 60, 0.7), Uniform(k.r, 10, 25), func(int) {
		k.authed("GET", s.api+"/deposits?currency="+coin+"&limit=20", 200, wList)
	})
}

// withdraw sends coins to an address book entry and confirms with the
// code from the app or the mail; accounts whose identity is not verified
// are refused.
func (k *tab) withdraw(pe *person) {
	s := k.d.s
	if !k.screen(pe, "/wallet/withdraw") {
		return
	}
	k.authed("GET", s.api+"/address-book", 200, wList)
	k.authed("GET", s.api+"/withdrawals/limits", 200, wSmall)
	k.think(15)
	if Chance(k.r, 0.25) {
		k.authed("POST", s.api+"/address-book", []int{201, 409, 422}[Weighted(k.r, []float64{0.85, 0.08, 0.07})], wSmall)
		k.think(6)
	}
	if !pe.verified {
		k.authed("POST", s.api+"/withdrawals", 403, wOrder)
		k.think(5)
		k.get("/support/articles/verify-identity", wPage)
		return
	}
	st := []int{202, 422, 400}[Weighted(k.r, []float64{0.87, 0.08, 0.05})]
	k.authed("POST", s.api+"/withdrawals", st, wOrder)
	if st != 202 {
		return
	}
	id := s.newID(k.r)
	k.think(25)
	if Chance(k.r, 0.1) {
		k.authed("POST", s.api+"/withdrawals/"+id+"/confirm", 400, wAuth)
		k.think(10)
	}
	k.authed("POST", s.api+"/withdrawals/"+id+"/confirm", 200, wAuth)
	k.watch(LogNormal(k.r, 40, 0.5), Uniform(k.r, 8, 15), func(int) {
		k.authed("GET", s.api+"/withdrawals/"+id, 200, wSmall)
	})
}

var documents = []string{"passport", "id_front", "id_back", "selfie", "proof_of_address"}

// verify is the identity check: a few photographed documents of one to
// eight megabytes, some of them refused as unreadable and taken again.
func (k *tab) verify(pe *person) {
	s := k.d.s
	if !k.screen(pe, "/verify") {
		return
	}
	k.authed("GET", s.api+"/kyc/status", 200, wSmall)
	if pe.verified {
		return
	}
	for _, doc := range documents[:2+k.r.IntN(3)] {
		k.think(20)
		for try := 0; try < 2; try++ {
			st := 201
			if try == 0 && Chance(k.r, 0.12) {
				st = 422
			}
			k.sized("POST", s.api+"/kyc/documents?type="+doc, st, int64(Uniform(k.r, 1e6, 8e6)), weight{0, 520, 2400})
			if st == 201 {
				break
			}
			k.think(15)
		}
	}
	k.watch(LogNormal(k.r, 30, 0.5), 10, func(int) { k.authed("GET", s.api+"/kyc/status", 200, wSmall) })
}

// help reads the help centre and sometimes writes to support.
func (k *tab) help(pe *person) {
	s := k.d.s
	lang := "?lang=" + Pick(k.r, s.langs)
	base, w := "/support/articles/", wPage
	if pe.web() {
		k.page(pe, "/support"+lang)
	} else {
		base, w = s.api+"/help/articles/", wList
		k.get(s.api+"/help/articles"+lang, w)
	}
	for range 1 + k.r.IntN(3) {
		k.think(8)
		if Chance(k.r, 0.04) {
			k.send("GET", base+Pick(k.r, []string{"sepa-instant", "legacy-vault", "margin-beta"})+lang, 404, w)
			continue
		}
		k.send("GET", base+Pick(k.r, s.articles)+lang, 200, w)
	}
	if k.user != "" && Chance(k.r, 0.15) {
		k.think(60)
		k.authed("POST", s.api+"/support/tickets", 201, weight{2400, 300, 80})
	}
}

// price is a coin's public page with its chart.
func (k *tab) price(pe *person) {
	s := k.d.s
	coin := s.coin(k.r)
	if pe.web() {
		k.page(pe, "/price/"+slug(coin))
	} else {
		k.get(s.api+"/assets/"+coin, wSmall)
	}
	k.get(s.candles(s.pair(coin), "1h"), wCandles)
	k.think(25)
}

// settings opens notifications and security settings.
func (k *tab) settings(pe *person) {
	s := k.d.s
	if k.user == "" {
		return
	}
	k.authed("GET", s.api+"/notifications?unread=1", 200, wSmall)
	if Chance(k.r, 0.5) {
		k.authed("PUT", s.api+"/notifications/read", 204, wSmall)
	}
	if Chance(k.r, 0.3) {
		k.authed("GET", s.api+"/security/sessions", 200, wSmall)
		k.authed("PATCH", s.api+"/me/preferences", []int{200, 400}[Weighted(k.r, []float64{0.95, 0.05})], wSmall)
	}
	k.think(6)
}
