package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// act is one thing a customer does between polls, and returns when it is
// done. Bets and cash-outs weigh more right after a goal; signed-out
// visitors only browse.
func (d *day) act(r *rand.Rand, a *actor, m match, t int64, load float64) int64 {
	step := func() { t += Sec(LogNormal(r, 2.5, 0.8)) }
	if a.user == "" {
		step()
		switch r.IntN(3) {
		case 0:
			a.send(t, promo(r))
		case 1:
			a.send(t, search(r, Pick(r, d.s.home.teams)))
		default:
			a.send(t, markets(r, d.s.pickMatch(r)))
		}
		return t
	}
	switch Weighted(r, []float64{3 * load, 1.5 * load, 2, 1, 0.8, 0.8, 0.12, 0.05, 0.02}) {
	case 0:
		d.bet(r, a, m, &t, load)
	case 1:
		bet := betID(r)
		step()
		a.send(t, cashOut(r, bet, true))
		step()
		a.send(t, cashOut(r, bet, false))
	case 2:
		step()
		a.send(t, account(r))
	case 3:
		step()
		a.send(t, markets(r, d.s.pickMatch(r)))
	case 4:
		step()
		a.send(t, search(r, Pick(r, d.s.home.teams)))
	case 5:
		step()
		a.send(t, promo(r))
	case 6:
		d.pay(r, a, &t)
	case 7:
		step()
		a.send(t, withdraw(r))
	default:
		for range 1 + r.IntN(2) {
			step()
			a.send(t, kyc(r, LogUniform(r, 1e6, 6e6)))
		}
	}
	return t
}

// bet builds a slip of one to four selections and places it, trying once
// more at the new price when the odds moved.
func (d *day) bet(r *rand.Rand, a *actor, m match, t *int64, load float64) {
	for range 1 + r.IntN(4) {
		*t += Sec(LogNormal(r, 2, 0.7))
		a.send(*t, slipAdd(r, m))
	}
	*t += Sec(LogNormal(r, 6, 0.7))
	e := placeBet(r, load)
	a.send(*t, e)
	if e.Status == 409 && Chance(r, 0.7) {
		*t += Sec(LogNormal(r, 2, 0.5))
		a.send(*t, placeBet(r, 1))
	}
}

// pay tops up the account: the payment methods, then a deposit, retried
// with another card when the first is declined.
func (d *day) pay(r *rand.Rand, a *actor, t *int64) {
	*t += Sec(LogNormal(r, 3, 0.5))
	a.send(*t, req(r, "GET", "/api/v2/payments/methods", 200, 0, 2100, 60))
	amount := Pick(r, []int{10, 20, 25, 50, 100, 200})
	*t += Sec(LogNormal(r, 12, 0.5))
	e := deposit(r, amount, 0.12)
	a.send(*t, e)
	if e.Status == 402 && Chance(r, 0.5) {
		*t += Sec(LogNormal(r, 20, 0.5))
		a.send(*t, deposit(r, amount, 0.1))
	}
}
