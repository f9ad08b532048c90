package main

import (
	"math"
	"math/rand/v2"
	"net/url"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// rush is the day's crowd. On a payday the bank credits a payroll batch
// and sends a notification for every salary, in batches over a minute or
// two, and people open the app to look; on a day of market-moving news
// (a rate decision, a currency falling) people check their balances,
// exchange rates and investments within minutes of the headline.
type rush struct {
	news   bool
	at     int64   // when the first notifications go out, or the news breaks
	spread float64 // seconds over which the notifications go out
	people int
	peak   float64 // seconds the backend stays at full load
	calm   float64 // seconds it takes to calm down after
}

func (w *world) newRush(r *rand.Rand, clients int) *rush {
	m := float64(w.win) / 60e9
	// On a whole minute, a fifth to a half into the window.
	lo, hi := max(1, int(math.Round(m/5))), max(1, int(m/2))
	minute := lo + r.IntN(hi-lo+1)
	ru := &rush{
		news:   Chance(r, 0.35),
		at:     Sec(60 * float64(minute)),
		spread: Uniform(r, 50, 150),
		people: int(float64(clients) * Uniform(r, 0.4, 0.75)),
		calm:   Uniform(r, 120, 300),
	}
	ru.peak = ru.spread + Uniform(r, 20, 60)
	if ru.news {
		ru.spread = Uniform(r, 20, 60) // the headline reaches everyone at once
		ru.peak = Uniform(r, 60, 120)
	}
	return ru
}

// load is how much of the crowd is on the backend at t, from 0 to 1: it
// slows every answer and makes the core reads refuse a share.
func (ru *rush) load(t int64) float64 {
	switch d := float64(t-ru.at) / 1e9; {
	case d < 0:
		return 0
	case d < 30:
		return d / 30
	case d < ru.peak:
		return 1
	default:
		return math.Max(0, 1-(d-ru.peak)/ru.calm)
	}
}

// crowd brings the crowd in: mostly people on their phones, from
// addresses not seen earlier in the day.
func (w *world) crowd(r *rand.Rand) {
	ru := w.rush
	for range ru.people {
		pr := Sub(r)
		var t int64
		if ru.news {
			t = ru.at + Sec(Uniform(pr, 0, ru.spread)+pr.ExpFloat64()*50)
		} else {
			// The notification arrives; some open it at once, others later.
			t = ru.at + Sec(Uniform(pr, 0, ru.spread)+LogNormal(pr, 15, 1.1))
		}
		w.crowdMember(pr, t)
	}
}

// crowdMember is one person of the crowd: the app (or web banking on a
// few), the overview with its retries, then what the day brings to mind.
func (w *world) crowdMember(r *rand.Rand, t int64) {
	s := w.s
	profile := "payday"
	if w.rush.news {
		profile = "news"
	}
	user, accs := w.holdings(r)
	var v *visit
	if Chance(r, s.webShare/2) {
		v = w.newVisit(r, w.where(r, false, profile, t), t, false, browser(r, false))
		v.page(s.pages+"/login", 30)
		if !v.login(user) {
			return
		}
	} else {
		ua, _ := s.appUA(r)
		v = w.newVisit(r, w.where(r, true, profile, t), t, true, ua)
		if !v.appStart(user) {
			return
		}
	}
	v.overview(accs)
	for range Weighted(r, []float64{0.45, 0.4, 0.15}) {
		v.idle(8)
		if w.rush.news {
			v.markets()
		} else {
			v.payday(accs)
		}
	}
	if Chance(r, 0.2) { // and looks again a little later
		v.t += Sec(LogNormal(r, 90, 0.5))
		v.overview(accs)
	}
}

// payday is what people do once the salary is in: move some to savings,
// pay the rent or a bill, look through the transactions, pay a friend
// back.
func (v *visit) payday(accs []string) {
	switch Weighted(v.r, []float64{0.3, 0.25, 0.15, 0.2, 0.1}) {
	case 0:
		v.savings(accs)
	case 1:
		v.transfer(accs)
	case 2:
		v.billPay(accs[0])
	case 3:
		v.transactions(accs[0])
	default:
		if v.app {
			v.p2p(accs[0])
		}
	}
}

// markets is what people look at on a day of news: exchange rates (and
// now and then an exchange), their investments and the quotes of what
// they hold.
func (v *visit) markets() {
	r, s := v.r, v.w.s
	cur := s.region.currency
	switch Weighted(r, []float64{0.45, 0.35, 0.2}) {
	case 0:
		v.read(v.api+"/fx/rates?base="+cur, 2.5, 45)
		if Chance(r, 0.2) {
			v.idle(15)
			v.post(v.api+"/fx/quotes", 201, 160, 0.4, 120)
			v.idle(8)
			v.post(v.api+"/fx/exchanges", Pick(r, []int{201, 201, 201, 409, 422}), 120, 0.5, 380) // 409: the quote expired
		}
	case 1:
		v.read(v.api+"/investments/portfolio", 6, 260)
		v.idle(6)
		v.read(v.api+"/investments/portfolio/performance?range=1d", 3, 220)
	default:
		syms := url.QueryEscape(Pick(r, []string{"VWRL,AAPL,NVDA", "MSFT,TSLA", "EUNL,IWDA,SPY", "BTC-EUR,ETH-EUR"}))
		v.read(v.api+"/markets/quotes?symbols="+syms, 1.2, 90)
	}
}
