package main

import (
	"math/rand/v2"
	"strconv"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// campaigns adds the day's attacks from many addresses at once.
func (d *day) campaigns(r *rand.Rand) {
	for _, c := range []func(*rand.Rand){d.stuffing, d.ddos, d.keyspray, d.bonusfarm} {
		c(Sub(r))
	}
}

// A wave is how a campaign's addresses arrive: from start, spread over
// some seconds.
type wave struct{ start, spread int64 }

// wave draws a campaign's arrivals, spread over lo to hi minutes but
// always leaving its last address time to act inside the window.
func (d *day) wave(r *rand.Rand, start int64, lo, hi float64) wave {
	start = min(start, d.log.Window()-Sec(60))
	return wave{start, max(min(Sec(Uniform(r, lo, hi)*60), d.log.Window()-start-Sec(45)), Sec(5))}
}

func (w wave) arrival(r *rand.Rand) int64 { return w.start + int64(r.Float64()*float64(w.spread)) }

// member registers one address of campaign id.
func (d *day) member(r *rand.Rand, prefixes []string, kind, id, ua string) *tab {
	k := d.attacker(r, prefixes, kind, ua)
	k.from(0).Campaign = id
	return k
}

// dress returns what a campaign's address says it is: browsers, the
// exchange's app, or either.
func (d *day) dress(r *rand.Rand, style int) (ua string, app bool) {
	app = style == 1 || style == 2 && Chance(r, 0.5)
	if app {
		return d.s.appUA(r, Chance(r, d.s.android)), true
	}
	return d.s.browserUA(r, Chance(r, 0.3)), false
}

// stuffing tries leaked e-mail and password pairs from residential
// proxies, each address one sign-in every quarter of a minute to a minute
// and a half; the few that match stop at the one-time code.
func (d *day) stuffing(r *rand.Rand) {
	s := d.s
	id := "stuffing-" + Hex(r, 6)
	w := d.wave(r, int64(Uniform(r, 0, 0.45)*float64(d.log.Window())), 2, 8)
	stop := w.start + Sec(Uniform(r, 6, 14)*60)
	style, lo, hi := r.IntN(3), Uniform(r, 15, 30), Uniform(r, 45, 90)
	for range 40 + r.IntN(81) {
		mr := Sub(r)
		ua, app := d.dress(mr, style)
		k := d.member(mr, d.residential(), "stuffing", id, ua)
		k.t = w.arrival(mr)
		if !app && Chance(mr, 0.6) {
			k.page(&person{loaded: Chance(mr, 0.3)}, "/login")
			k.t += Sec(Uniform(mr, 2, 6))
		}
		every := Uniform(mr, lo, hi)
		k.attack = true
		for !k.done() && k.t < stop {
			st := []int{401, 200, 403}[Weighted(mr, []float64{0.95, 0.03, 0.02})]
			k.send("POST", s.login, st, wAuth)
			if st == 200 {
				k.send("POST", s.mfa, 401, wAuth)
			}
			k.t += Sec(every * Uniform(mr, 0.6, 1.4))
		}
	}
}

// ddos floods ordinary pages from a botnet, during the rush or at another
// time, each address a few requests a second with its own browser name.
func (d *day) ddos(r *rand.Rand) {
	s := d.s
	ru := &d.rush
	start := d.when(r)
	if Chance(r, 0.5) {
		start = ru.start + int64(Uniform(r, 0, 0.5)*float64(ru.end-ru.start))
	}
	w := d.wave(r, start, 0.3, 1.5)
	length := Sec(Uniform(r, 60, 240))
	pair := s.pair(s.coin(r))
	targets := []string{"/", "/markets", s.tradeURL(pair), s.tickers(), s.ticker(pair), "/login", "/price/" + slug(s.coin(r))}[:2+r.IntN(5)]
	prefixes := Pick(r, [][]string{hosting, d.residential(), append(d.abroad(), hosting...)})
	bust, id := Chance(r, 0.5), "ddos-"+Hex(r, 6)
	for range 60 + r.IntN(160) {
		mr := Sub(r)
		k := d.member(mr, prefixes, "ddos", id, s.browserUA(mr, Chance(mr, 0.3)))
		k.attack = true
		a := w.arrival(mr)
		Poisson(mr, LogUniform(mr, 0.5, 4), a, a+length, func(t int64) {
			k.t = t
			path := Pick(mr, targets)
			if bust {
				path = withQuery(path, "v="+strconv.FormatInt(mr.Int64N(1e9), 36))
			}
			k.get(path, wPage)
		})
	}
}

// keyspray guesses API keys from rented servers: every request carries a
// key never seen before, shaped like the exchange's own.
func (d *day) keyspray(r *rand.Rand) {
	s := d.s
	id := "keyspray-" + Hex(r, 6)
	w := d.wave(r, d.when(r), 1, 6)
	stop := w.start + Sec(Uniform(r, 5, 12)*60)
	ua := Pick(r, []string{"python-requests/2.31.0", "ccxt/4.4.21 (+https://github.com/ccxt/ccxt) Python/3.12.7", "Go-http-client/1.1", ""})
	prefix := Pick(r, []string{"mk_", "bt_", "ro_", ""})
	paths := []string{s.balances(), s.api + "/me", s.orders(), s.api + "/withdrawals?limit=100"}[:1+r.IntN(4)]
	lo, hi := Uniform(r, 1.5, 5), Uniform(r, 8, 20)
	for range 25 + r.IntN(40) {
		mr := Sub(r)
		agent := ua
		if agent == "" {
			agent, _ = d.dress(mr, 1)
		}
		k := d.member(mr, hosting, "keyspray", id, agent)
		k.attack = true
		every := Uniform(mr, lo, hi)
		for k.t = w.arrival(mr); !k.done() && k.t < stop; k.t += Sec(every * Uniform(mr, 0.5, 1.5)) {
			k.key = prefix + Hex(mr, 16)
			k.send("GET", Pick(mr, paths), 401, wSmall)
		}
	}
}

// bonusfarm opens accounts in bulk with a few referral codes, from
// mobile proxies dressed as the app or a phone's browser, and claims the
// sign-up bonus of each: several accounts an address, minutes apart.
func (d *day) bonusfarm(r *rand.Rand) {
	s := d.s
	id := "bonusfarm-" + Hex(r, 6)
	w := d.wave(r, d.when(r), 2, 9)
	var codes []string
	for range 2 + r.IntN(4) {
		codes = append(codes, strings.ToUpper(strconv.FormatUint(r.Uint64()%(36*36*36*36*36*36), 36)))
	}
	style := Pick(r, []int{1, 2})
	prefixes := append(d.abroad(), s.cgnat...)
	for range 25 + r.IntN(50) {
		mr := Sub(r)
		ua, app := d.dress(mr, style)
		k := d.member(mr, prefixes, "bonusfarm", id, ua)
		k.t = w.arrival(mr)
		code := Pick(mr, codes)
		for range 1 + mr.IntN(4) {
			if k.done() {
				break
			}
			d.farmAccount(k, code, app)
			k.think(60)
		}
	}
}

// farmAccount opens one account with code and claims its bonus.
func (d *day) farmAccount(k *tab, code string, app bool) {
	s := d.s
	if !app {
		k.attack = false
		k.page(&person{loaded: true}, "/signup?ref="+code)
		k.think(4)
	}
	k.attack = true
	st := []int{201, 409, 422}[Weighted(k.r, []float64{0.85, 0.1, 0.05})]
	k.send("POST", s.api+"/auth/register?ref="+code, st, wAuth)
	if st != 201 {
		return
	}
	k.user, k.expiry = "u"+strconv.Itoa(9_000_000+k.r.IntN(900_000)), k.t+Sec(s.tokenTTL)
	k.think(12)
	k.send("POST", s.api+"/auth/verify-email", 200, wSmall)
	k.think(8)
	k.send("POST", s.api+"/auth/phone/verify", []int{200, 400}[Weighted(k.r, []float64{0.8, 0.2})], wSmall)
	k.authed("GET", s.api+"/rewards/referral", 200, wSmall)
	if Chance(k.r, 0.3) {
		k.sized("POST", s.api+"/kyc/documents?type=selfie", 201, int64(Uniform(k.r, 3e5, 7e5)), weight{0, 520, 900})
	}
	k.authed("POST", s.api+"/rewards/claim", []int{200, 403, 409}[Weighted(k.r, []float64{0.6, 0.3, 0.1})], wSmall)
	k.user = ""
}
