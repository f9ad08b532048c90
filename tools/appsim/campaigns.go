package main

import (
	"math/rand/v2"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// campaign is a set of addresses run by one operator.
type campaign struct {
	id   string
	kind string
	uas  []string // the user agents the operator's tooling sends, shared by its members
	from []float64
}

// newCampaign draws a campaign's name and the look of its members: some
// operators use one app user agent everywhere, others a handful, others a
// fresh one per address.
func (w *world) newCampaign(r *rand.Rand, kind string, from ...float64) *campaign {
	k := &campaign{id: kind + "-" + Hex(r, 6), kind: kind, from: from}
	switch r.IntN(3) {
	case 0:
		k.uas = []string{w.appUA(r)}
	case 1:
		for range 3 + r.IntN(4) {
			k.uas = append(k.uas, w.lookalike(r))
		}
	}
	return k
}

func (w *world) member(r *rand.Rand, k *campaign, user string) *actor {
	c := w.hostile(r, k.kind, from(r, k.from...))
	c.Campaign = k.id
	ua := w.lookalike(r)
	if len(k.uas) > 0 {
		ua = Pick(r, k.uas)
	}
	return w.attacker(r, c, ua, user)
}

// starts draws when each of n members starts after at: all within a few
// seconds, or ramping up over minutes, evenly or at random.
func (w *world) starts(r *rand.Rand, n int, at int64) []int64 {
	spread := Sec(Uniform(r, 2, 10))
	if Chance(r, .6) {
		spread = Sec(min(Uniform(r, 60, 300), .4*float64(w.W)/1e9))
	}
	even := Chance(r, .5)
	ts := make([]int64, n)
	for i := range ts {
		if even {
			ts[i] = at + spread*int64(i)/int64(n)
		} else {
			ts[i] = at + int64(r.Float64()*float64(spread))
		}
	}
	return ts
}

// campaignStart draws when a campaign begins, early enough that a short
// recording still holds most of it.
func (w *world) campaignStart(r *rand.Rand) int64 {
	return Sec(Uniform(r, .03, .4) * float64(w.W) / 1e9)
}

// stuffing tries leaked e-mail and password pairs on the login, one pair
// every 15 to 90 s per address. A few pairs work, and the operator then
// looks at what the account holds.
func (w *world) stuffing(r *rand.Rand) {
	k := w.newCampaign(r, "stuffing", 7, 1.5, 1.5, 0)
	n := 40 + r.IntN(51)
	at := w.campaignStart(r)
	end := at + Sec(Uniform(r, 240, 720))
	for _, t := range w.starts(r, n, at) {
		a := w.member(Sub(r), k, "")
		iv := Uniform(r, 15, 90)
		if Chance(r, .3) {
			a.get(t, "/v2/config?platform=android&version="+appVersions()[0], 200, 4200, 25)
			a.get(t+Sec(Uniform(r, .1, .8)), "/v2/flags?platform=android&version="+appVersions()[0], 200, 1800, 18)
			t += Sec(Uniform(r, 1, 3))
		}
		for end := max(end, t+Sec(Uniform(r, 90, 240))); t < end; t += Sec(iv * Uniform(r, .7, 1.3)) {
			switch x := r.Float64(); {
			case x < .025:
				a.post(t, "/v2/auth/login", 200, 380, 1200, 190)
				a.user = w.customer(r)
				a.get(t+Sec(Uniform(r, .5, 2)), "/v2/me", 200, 1400, 22)
				a.get(t+Sec(Uniform(r, 2, 5)), "/v2/payment-methods", 200, 700, 25)
				a.user = ""
			case x < .08:
				a.post(t, "/v2/auth/login", 423, 380, 150, 120)
			default:
				a.post(t, "/v2/auth/login", 401, 380, 150, 180)
			}
		}
		a.flush()
	}
}

// cardtest checks stolen card numbers with small payments from throwaway
// accounts, one attempt every 10 to 40 s per address; some addresses open
// the app or build an order first to look like a customer.
func (w *world) cardtest(r *rand.Rand) {
	k := w.newCampaign(r, "cardtest", 5, 2, 2, 1)
	n := 20 + r.IntN(21)
	at := w.campaignStart(r)
	end := at + Sec(Uniform(r, 180, 600))
	rest := strconv.Itoa(w.restaurant(r))
	for _, t := range w.starts(r, n, at) {
		a := w.member(Sub(r), k, "u"+strconv.Itoa(w.users+1+r.IntN(40000)))
		end := max(end, t+Sec(Uniform(r, 90, 240)))
		switch x := r.Float64(); {
		case x < .35:
			a.get(t, "/v2/config?platform=ios&version="+appVersions()[0], 200, 4200, 25)
			a.get(t+Sec(Uniform(r, .1, 1)), "/v2/me", 200, 1400, 22)
			a.get(t+Sec(Uniform(r, .1, 1.5)), "/v2/home/feed?"+w.near(r), 200, 38000, 85)
			t += Sec(Uniform(r, 3, 15))
		case x < .65:
			a.get(t, "/v2/restaurants/"+rest+"/menu", 200, 35000, 45)
			a.post(t+Sec(Uniform(r, 2, 6)), "/v2/cart/items", 201, 320, 1800, 40)
			a.post(t+Sec(Uniform(r, 7, 12)), "/v2/orders", 201, 900, 2200, 160)
			t += Sec(Uniform(r, 13, 20))
		}
		iv := Uniform(r, 10, 40)
		for ; t < end; t += Sec(iv * Uniform(r, .7, 1.3)) {
			path, ok := "/v2/payments", 201
			if Chance(r, .3) {
				path = "/v2/payment-methods"
			}
			st := 402
			if x := r.Float64(); x < .09 {
				st = ok
			} else if x < .16 {
				st = 400
			}
			a.post(t, path, st, 650, 300, 800)
		}
		a.flush()
	}
}

// ddos sends a botnet's addresses, a few requests a second each, to the
// very screens the lunchtime push sends people to, when the push goes out
// or shortly before or after.
func (w *world) ddos(r *rand.Rand) {
	k := w.newCampaign(r, "ddos", 5, 2, 3, 1)
	n := 100 + r.IntN(101)
	at := max(0, w.spike.a+Sec(Uniform(r, -60, 60)))
	end := at + Sec(Uniform(r, 120, 360))
	rest := strconv.Itoa(w.rest[r.IntN(5)])
	pages := []string{"/v2/home/feed?" + w.near(r), "/v2/promos/" + w.pushPromo, "/v2/restaurants/" + rest + "/menu", "/v2/promos/banners", "/v2/restaurants?cuisine=" + w.cuisines[0] + "&" + w.near(r) + "&sort=eta&page=1"}
	for _, t := range w.starts(r, n, at) {
		a := w.member(Sub(r), k, "")
		end := max(end, t+Sec(Uniform(r, 60, 180)))
		rate := Uniform(r, .5, 3)
		a.get(t, Pick(r, pages), 200, 20000, 120)
		Poisson(r, rate, t, end, func(t int64) {
			st := 200
			if Chance(r, .05) {
				st = 503
			}
			a.get(t, Pick(r, pages), st, 20000, 180)
		})
		a.flush()
	}
}

// promoCode draws a guess at a promotion code: a word the city's codes
// use with other digits, or an invented one.
func (w *world) promoCode(r *rand.Rand) string {
	switch r.IntN(3) {
	case 0:
		return Pick(r, []string{"LUNCH", "WELCOME", "FREEDEL", "SAVE", "TREAT", "FIRST", "FREE"}) + strconv.Itoa(r.IntN(100))
	case 1:
		p := Pick(r, w.promos)
		return p[:len(p)-1] + strconv.Itoa(r.IntN(10))
	}
	return Pick(r, []string{"PARCELO", "FOOD", "EAT", "YUM"}) + Hex(r, 4)
}

// promoabuse is a farm of freshly signed-up accounts, each redeeming
// promotion codes it guesses or bought lists of, one every 20 to 60 s:
// most are unknown, invalid or already used by that kind of account.
func (w *world) promoabuse(r *rand.Rand) {
	k := w.newCampaign(r, "promoabuse", 4, 3, 3, 0)
	n := 20 + r.IntN(26)
	at := w.campaignStart(r)
	end := at + Sec(Uniform(r, 180, 600))
	for _, t := range w.starts(r, n, at) {
		a := w.member(Sub(r), k, "")
		end := max(end, t+Sec(Uniform(r, 90, 240)))
		if Chance(r, .5) {
			a.post(t, "/v2/auth/signup", 201, 420, 600, 140)
			a.post(t+Sec(Uniform(r, .3, 1)), "/v2/auth/otp/send", 202, 120, 90, 260)
			t += Sec(Uniform(r, 8, 30))
			a.post(t, "/v2/auth/otp/verify", 200, 90, 1100, 45)
		}
		a.user = "u" + strconv.Itoa(w.users+1+r.IntN(40000))
		a.get(t+Sec(Uniform(r, .3, 2)), "/v2/promos/banners", 200, 2600, 30)
		iv := Uniform(r, 20, 60)
		for t += Sec(Uniform(r, 2, 8)); t < end; t += Sec(iv * Uniform(r, .7, 1.3)) {
			st := 404
			switch x := r.Float64(); {
			case x < .05:
				st = 200
			case x < .3:
				st = 409
			case x < .45:
				st = 400
			}
			code := w.promoCode(r)
			a.post(t, "/v2/promos/redeem", st, float64(len(code))+30, 450, 35)
		}
		a.flush()
	}
}
