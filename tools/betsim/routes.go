package main

import (
	"math/rand/v2"
	"net/url"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// The functions below are the sportsbook's routes: each returns a request
// with the method, path, status, body sizes and time the gateway would log
// for it; the actor adds who sent it and when.

// req builds a request; sizes and time jitter around the medians given.
func req(r *rand.Rand, method, path string, status int, body, resp, ms float64) Event {
	e := Event{Method: method, Path: path, Status: status, DurationMS: LogNormal(r, ms, 0.45)}
	if body > 0 {
		e.ReqBytes = int64(LogNormal(r, body, 0.3))
	}
	if resp > 0 {
		e.RespBytes = int64(LogNormal(r, resp, 0.3))
	}
	return e
}

// slug writes a match as its page URL names it.
func slug(m match) string {
	s := strings.ToLower(m.home + "-v-" + m.away)
	s = strings.NewReplacer(" ", "-", "'", "", "&", "and", ".", "").Replace(s)
	return url.PathEscape(s) + "-" + itoa(m.id)
}

// matchPage is the match's HTML page, which web punters and crawlers load.
func matchPage(r *rand.Rand, m match) Event {
	return req(r, "GET", "/sport/football/live/"+slug(m), 200, 0, 95000, 70)
}

// asset is a script, style sheet or crest a page pulls, often revalidated.
func asset(r *rand.Rand, revalidate bool) Event {
	p := Pick(r, []string{"/static/js/app.9f3c2e1b.js", "/static/js/vendor.41aa07d2.js", "/static/css/main.7b1d55e0.css", "/static/img/crests/sprite.svg", "/static/fonts/inter-var.woff2"})
	if revalidate {
		return req(r, "GET", p, 304, 0, 0, 4)
	}
	return req(r, "GET", p, 200, 0, 180000, 12)
}

// liveList is the live coupon: every event in play with its main prices.
func liveList(r *rand.Rand) Event {
	return req(r, "GET", "/api/v2/live/events?sport=football&lang=en", 200, 0, 48000, 35)
}

// markets is one event's full market book.
func markets(r *rand.Rand, m match) Event {
	return req(r, "GET", "/api/v2/events/"+itoa(m.id)+"/markets?include=live", 200, 0, 32000, 30)
}

// oddsPoll asks for the price changes since the client's last sequence
// number: a small delta, or 304 when nothing moved.
func oddsPoll(r *rand.Rand, m match, seq int) Event {
	p := "/api/v2/events/" + itoa(m.id) + "/odds?since=" + itoa(seq)
	if Chance(r, 0.22) {
		return req(r, "GET", p, 304, 0, 0, 6)
	}
	return req(r, "GET", p, 200, 0, 2600, 14)
}

// stream is a server-sent events connection to one event's prices, logged
// when it closes after a minute or so.
func stream(r *rand.Rand, m match, held float64) Event {
	e := req(r, "GET", "/api/v2/stream/odds?events="+itoa(m.id)+"&lastEventId="+Hex(r, 8), 200, 0, 900*held, 1)
	e.DurationMS = held * 1000
	return e
}

// longPoll waits up to 25 s for the next price change of an event.
func longPoll(r *rand.Rand, m match, cursor int) Event {
	e := req(r, "GET", "/api/v2/events/"+itoa(m.id)+"/longpoll?cursor="+itoa(cursor)+"&timeout=25", 200, 0, 1800, 1)
	e.DurationMS = Uniform(r, 300, 25000)
	if e.DurationMS > 24500 {
		e.Status, e.RespBytes = 204, 0
	}
	return e
}

// slipAdd puts a selection on the bet slip.
func slipAdd(r *rand.Rand, m match) Event {
	return req(r, "POST", "/api/v2/betslip/selections", 200, 160, 1400, 25)
}

// placeBet places the slip: accepted, or refused because the odds moved
// (more so after a goal), the stake is over the limit or the balance short.
func placeBet(r *rand.Rand, load float64) Event {
	status := 201
	switch x := r.Float64(); {
	case x < 0.06*load:
		status = 409
	case x < 0.06*load+0.025:
		status = 422
	case x < 0.06*load+0.05:
		status = 402
	}
	return req(r, "POST", "/api/v2/bets", status, 420, 900, 140)
}

// cashOut takes a quote and settles a bet early; the price may move or
// the market be suspended in between.
func cashOut(r *rand.Rand, bet string, quote bool) Event {
	if quote {
		return req(r, "GET", "/api/v2/bets/"+bet+"/cashout/quote", 200, 0, 380, 45)
	}
	status := Pick(r, []int{200, 200, 200, 200, 200, 200, 409, 423})
	return req(r, "POST", "/api/v2/bets/"+bet+"/cashout", status, 90, 520, 180)
}

// betID is a bet reference as the site issues them.
func betID(r *rand.Rand) string { return "B" + itoa(70000000+r.IntN(9000000)) }

// account is one of the signed-in pages: balance, open bets, history.
func account(r *rand.Rand) Event {
	switch r.IntN(4) {
	case 0:
		return req(r, "GET", "/api/v2/bets?status=open", 200, 0, 4200, 40)
	case 1:
		return req(r, "GET", "/api/v2/account/transactions?page="+itoa(1+r.IntN(3)), 200, 0, 6000, 55)
	}
	return req(r, "GET", "/api/v2/account/balance", 200, 0, 160, 12)
}

// deposit adds funds through the payments API; the card issuer declines
// a share of them.
func deposit(r *rand.Rand, amount int, decline float64) Event {
	status := 201
	if Chance(r, decline) {
		status = 402
	}
	return req(r, "POST", "/api/v2/payments/deposits?amount="+itoa(amount)+"&currency=EUR", status, 380, 640, 900)
}

// withdraw asks for a payout, queued for review.
func withdraw(r *rand.Rand) Event {
	return req(r, "POST", "/api/v2/payments/withdrawals", Pick(r, []int{202, 202, 202, 409}), 260, 420, 300)
}

// kyc uploads an identity document of size bytes; the gateway refuses
// bodies over 25 MB.
func kyc(r *rand.Rand, size float64) Event {
	e := req(r, "POST", "/api/v2/kyc/documents?type="+Pick(r, []string{"passport", "id_front", "id_back", "proof_of_address", "selfie"}), 201, 0, 700, size/4e4)
	e.ReqBytes = int64(size)
	if size > 25e6 {
		e.Status, e.RespBytes, e.DurationMS = 413, 180, size/2e5
	}
	return e
}

// login posts a password; 2FA follows for the accounts that enabled it.
func login(r *rand.Rand, ok bool) Event {
	if ok {
		return req(r, "POST", "/api/v2/auth/login", 200, 210, 900, 180)
	}
	return req(r, "POST", "/api/v2/auth/login", 401, 210, 140, 170)
}

// twoFA posts a one-time code.
func twoFA(r *rand.Rand, ok bool) Event {
	if ok {
		return req(r, "POST", "/api/v2/auth/2fa", 200, 60, 1200, 40)
	}
	return req(r, "POST", "/api/v2/auth/2fa", 401, 60, 120, 35)
}

// promo is the promotions page or its API.
func promo(r *rand.Rand) Event {
	if Chance(r, 0.5) {
		return req(r, "GET", "/promotions", 200, 0, 64000, 60)
	}
	return req(r, "GET", "/api/v2/promotions?segment=sports", 200, 0, 9000, 30)
}

// search looks for a team the way people type it, apostrophes, ampersands
// and accents included.
func search(r *rand.Rand, q string) Event {
	q = strings.ReplaceAll(url.PathEscape(q), "&", "%26")
	if Chance(r, 0.5) {
		q = strings.ReplaceAll(q, "%27", "'")
	}
	if Chance(r, 0.4) {
		q = q[:max(3, len(q)*2/3)]
		q = strings.TrimRight(q, "%0123456789ABCDEF")
	}
	return req(r, "GET", "/api/v2/search?q="+q, 200, 0, 3800, 45)
}
