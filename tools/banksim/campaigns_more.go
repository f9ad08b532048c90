package main

import (
	"math/rand/v2"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// ddos is a distributed flood riding the crowd: 50 to 200 addresses, each
// 1 to 6 requests a second on a few of the routes the crowd is using (the
// login page, the app's configuration, balances behind a stolen token,
// the exchange rates), while the backend is already struggling.
func (w *world) ddos(r *rand.Rand) {
	s, ru := w.s, w.rush
	start := max(0, min(ru.at+Sec(Uniform(r, -20, 60)), w.win-Sec(40)))
	c := w.newCampaign(r, "ddos", 50+r.IntN(151), start, 90, 300)
	user, accs := w.holdings(r)
	all := []string{
		s.pages + "/login",
		"/",
		s.app + "/config?platform=ios&locale=" + locale(s.region),
		s.app + "/fx/rates?base=" + s.region.currency,
		s.app + "/accounts/" + accs[0] + "/balance",
		s.web + "/auth/login",
	}
	targets := pickN(r, all, 2+r.IntN(3))
	for range c.members {
		mr := Sub(r)
		cl, join := w.member(mr, c)
		v := w.memberVisit(mr, c, cl, join)
		v.user = user // a token stolen once, replayed by every member
		v.attack = true
		w.begin(v, join)
		mine := pickN(mr, targets, max(1, len(targets)-mr.IntN(2)))
		w.pace(mr, v, LogUniform(mr, 1, 6), c.end, func() {
			p := Pick(mr, mine)
			switch {
			case p == s.web+"/auth/login":
				v.post(p, 401, 260, 0.2, 280)
			case p == s.pages+"/login" || p == "/":
				v.get(p, 200, 30, 45)
			default:
				v.read(p, 1, 40)
			}
		})
	}
}

// otpspray guesses one-time codes over many addresses: the operator holds
// phished passwords of many accounts, and each address signs in to one,
// tries two to four codes (under the lockout), asks for a new code now and
// then, and moves on to the next account.
func (w *world) otpspray(r *rand.Rand) {
	c := w.newCampaign(r, "otpspray", 20+r.IntN(81), w.campaignStart(r), 200, 600)
	for range c.members {
		mr := Sub(r)
		cl, join := w.member(mr, c)
		v := w.memberVisit(mr, c, cl, join)
		if Chance(mr, 0.5) {
			v.browseFirst()
		}
		leave := min(c.end, join+Sec(Uniform(mr, 90, 480)))
		every := Uniform(mr, 4, 20)
		v.attack = true
		for w.begin(v, join); ; v.pause(5, 40) {
			v.user = ""
			v.post(v.api+"/auth/login", 200, 260, 1.1, 300)
			v.pause(3, 10)
			for range 2 + mr.IntN(3) {
				if Chance(mr, 0.002) {
					v.post(v.api+"/auth/otp/verify", 200, 60, 0.9, 90)
					v.user = w.s.customer(mr)
					v.pause(0.5, 2)
					v.read(v.api+"/accounts", 2, 110)
					break
				}
				v.post(v.api+"/auth/otp/verify", 401, 60, 0.2, 70)
				v.t += Sec(every * Uniform(mr, 0.7, 1.3))
				if Chance(mr, 0.15) {
					v.post(v.api+"/auth/otp/resend", 202, 40, 0.1, 120)
					v.pause(2, 6)
				}
			}
			if v.t >= leave {
				break
			}
		}
	}
}

// payeelookup walks account numbers through the payee name check from
// many accounts opened for it, each on its own address: the operator
// hands out the numbers so that no two members ask for the same one, and
// each asks every 4 to 30 seconds. Most numbers hold no account; some
// give away their holder's name.
func (w *world) payeelookup(r *rand.Rand) {
	s := w.s
	c := w.newCampaign(r, "payeelookup", 20+r.IntN(81), w.campaignStart(r), 200, 600)
	next := r.IntN(90000000)
	for range c.members {
		mr := Sub(r)
		cl, join := w.member(mr, c)
		v := w.memberVisit(mr, c, cl, join)
		v.browseFirst()
		v.signIn(s.customer(mr))
		v.pause(1, 4)
		if Chance(mr, 0.6) {
			v.read(v.api+"/payees", 1.5, 90)
			v.pause(2, 10)
		}
		leave := min(c.end, join+Sec(Uniform(mr, 120, 540)))
		every := LogUniform(mr, 4, 30)
		v.attack = true
		for w.begin(v, join); ; {
			next += 1 + mr.IntN(3)
			status := []int{200, 404, 422}[Weighted(mr, []float64{0.45, 0.5, 0.05})]
			if s.lookupGET {
				v.get(v.api+"/payees/name-check?"+s.accountRef(next)+"&name="+Pick(mr, []string{"A+Smith", "J+Brown", "M"}), status, 0.3, 700)
			} else {
				v.post(v.api+"/payees/name-check", status, 180, 0.3, 700)
			}
			if v.t += Sec(every * Uniform(mr, 0.7, 1.3)); v.t >= leave {
				break
			}
		}
	}
}
