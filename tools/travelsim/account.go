package main

import (
	"fmt"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// login sends the member's number and password; now and then the
// password is mistyped (401) and typed again.
func login(tv *traveller, w *world, now int64) (step, float64) {
	r := tv.r
	status := 200
	if tv.count < 2 && Chance(r, 0.1) {
		status = 401
	}
	st := tv.say(w, now, post(r, "POST", w.sky.api+"/auth/login", clsLogin, status, 240, 420, ms(r, 320)))
	switch {
	case !tv.ok(st):
		return tv.again(login, st)
	case st == 401:
		tv.count++
		return login, Uniform(r, 5, 20)
	}
	tv.count = 0
	if w.sky.mfa == "sms" {
		w.callback(now, "messaging", "/webhooks/messaging/delivery", 1)
	}
	return mfa, Uniform(r, 6, 25)
}

// mfa is the second factor: a code from a text or an authenticator app
// typed in, or the app's push approval the page polls for.
func mfa(tv *traveller, w *world, now int64) (step, float64) {
	r := tv.r
	if w.sky.mfa == "push" {
		tv.count++
		status := 202
		if tv.count >= 2+r.IntN(3) {
			status = 200
		}
		if tv.count == 1 {
			tv.sid = Hex(r, 8) // the challenge
		}
		h := get(r, fmt.Sprintf("%s/auth/mfa/%s", w.sky.api, tv.sid), clsLogin, 180, ms(r, 40))
		h.status = status
		st := tv.say(w, now, h)
		if !tv.ok(st) {
			return tv.again(mfa, st)
		}
		if st == 202 {
			return mfa, Uniform(r, 1.5, 3)
		}
	} else {
		status := 200
		if Chance(r, 0.06) {
			status = 401
		}
		st := tv.say(w, now, post(r, "POST", w.sky.api+"/auth/mfa", clsLogin, status, 140, 900, ms(r, 150)))
		if !tv.ok(st) {
			return tv.again(mfa, st)
		}
		if st == 401 {
			return mfa, Uniform(r, 5, 15)
		}
	}
	tv.count, tv.user = 0, tv.member
	if tv.then != nil {
		return tv.then, Uniform(r, 1, 3)
	}
	return account, Uniform(r, 1, 3)
}

// account is the member's page: miles, tier, upcoming trips.
func account(tv *traveller, w *world, now int64) (step, float64) {
	r := tv.r
	if st := tv.say(w, now, get(r, w.sky.api+"/loyalty/account", clsAccount, kb(r, 7), ms(r, 140))); !tv.ok(st) {
		return tv.again(account, st)
	}
	switch Weighted(r, []float64{4, 1, 2, 2}) {
	case 0:
		return history, tv.think(8)
	case 1:
		return redeem, tv.think(30)
	case 2:
		tv.goal = goalShop // an award trip, looked at like any other
		return suggest, tv.think(6)
	}
	return nil, 0
}

// history pages through the member's miles.
func history(tv *traveller, w *world, now int64) (step, float64) {
	r := tv.r
	tv.page++
	p := fmt.Sprintf("%s/loyalty/transactions?page=%d&pageSize=25", w.sky.api, tv.page)
	if st := tv.say(w, now, get(r, p, clsAccount, kb(r, 11), ms(r, 210))); !tv.ok(st) {
		return tv.again(history, st)
	}
	if Chance(r, 0.35) {
		return history, tv.think(7)
	}
	return nil, 0
}

// redeem spends miles on an upgrade or a voucher; some offers are gone.
func redeem(tv *traveller, w *world, now int64) (step, float64) {
	r := tv.r
	status := 200
	if Chance(r, 0.2) {
		status = 409
	}
	if st := tv.say(w, now, post(r, "POST", w.sky.api+"/loyalty/redeem", clsAccount, status, 380, 700, ms(r, 400))); !tv.ok(st) {
		return tv.again(redeem, st)
	}
	return nil, 0
}

// alert sets a price alert on the route and lists the traveller's alerts.
func alert(tv *traveller, w *world, now int64) (step, float64) {
	r := tv.r
	if st := tv.say(w, now, post(r, "POST", w.sky.api+"/alerts", clsAccount, 201, 320, 260, ms(r, 90))); !tv.ok(st) {
		return tv.again(alert, st)
	}
	tv.say(w, now+Sec(Uniform(r, 0.8, 2)), get(r, w.sky.api+"/alerts", clsAccount, kb(r, 2), ms(r, 50)))
	return nil, 0
}
