package main

import (
	"net/url"
	"strings"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// landing is how a citizen arrives: the home page from a bookmark, a
// guidance page from a search engine, the link in the agency's letter.
func (w *walker) landing() {
	s := w.g.s
	switch w.r.IntN(5) {
	case 0:
		w.get("/", 302, 200)
		w.page("", w.api("/session"), w.api("/notices"))
	case 1:
		w.page("guidance/"+Pick(w.r, s.topics), w.api("/session"))
	case 2:
		w.page("file-online", w.api("/session"), w.api("/notices"))
	default:
		w.page("", w.api("/session"))
	}
	w.wait(3, 25)
}

// signIn signs the citizen in, after registering if the site is new to
// them, with the typos and the late text messages honest people have.
func (w *walker) signIn(fresh bool) bool {
	w.page("signin", w.api("/auth/config"))
	w.wait(5, 30)
	if fresh {
		w.page("register")
		w.wait(30, 120)
		for Chance(w.r, 0.3) { // the password rules, an address already taken
			w.post(w.api("/accounts"), 422, 600, 700)
			w.wait(10, 40)
		}
		w.post(w.api("/accounts"), 201, 700, 500)
		w.wait(20, 120)
		w.get(w.api("/accounts/confirm?token="+Hex(w.r, 16)+Hex(w.r, 16)), 200, 900)
	}
	w.user = w.account
	for i := range []int{0, 0, 0, 0, 0, 1, 1, 1, 2, 3, 5}[w.r.IntN(11)] {
		if i == 4 { // locked out: a reset e-mail, and another day
			w.post(w.api("/auth/signin"), 423, 400, 300)
			w.wait(5, 30)
			w.post(w.api("/auth/password-reset"), 202, 300, 200)
			w.user = ""
			return false
		}
		w.post(w.api("/auth/signin"), 401, 400, 300)
		w.wait(4, 30)
	}
	w.post(w.api("/auth/signin"), 200, 400, 900)
	if !w.oneTimeCode() {
		return false
	}
	w.hdr += Uniform(w.r, 900, 1600)
	w.get(w.api("/session"), 200, 1200)
	return true
}

// oneTimeCode types the code from the text message: it comes late, it
// expires, it is mistyped.
func (w *walker) oneTimeCode() bool {
	fails := []int{0, 0, 0, 1, 1, 1, 2, 2, 3, 5}[w.r.IntN(10)]
	for i := range fails {
		w.wait(8, 70)
		if Chance(w.r, 0.35) {
			w.post(w.api("/auth/otp/resend"), 202, 150, 120)
			w.wait(10, 60)
		}
		w.post(w.api("/auth/otp"), w.status([]int{401, 422, 410}, []float64{6, 3, 1}), 200, 250)
		if i == 4 { // gives up for today
			w.user = ""
			return false
		}
	}
	w.wait(8, 50)
	w.post(w.api("/auth/otp"), 200, 200, 700)
	return true
}

// verify proves who the citizen is: questions about old addresses and
// loans most honest people get wrong, then a photo of a document.
func (w *walker) verify() bool {
	w.page("verify-identity", w.api("/idv/status"))
	w.post(w.api("/idv/start"), 201, 900, 500)
	for range 4 {
		w.get(w.api("/idv/questions"), 200, 2400)
		w.wait(25, 160)
		if Chance(w.r, 0.45) {
			w.post(w.api("/idv/answers"), 200, 700, 600)
			return true
		}
		w.post(w.api("/idv/answers"), w.status([]int{403, 422, 401}, []float64{6, 2, 1}), 700, 400)
		w.wait(5, 40)
	}
	w.page("verify-identity/document")
	w.wait(40, 200)
	w.post(w.api("/idv/documents"), 202, LogUniform(w.r, 1e6, 6e6), 400)
	for range 2 + w.r.IntN(5) {
		w.wait(15, 60)
		w.get(w.api("/idv/status"), 200, 300)
	}
	return Chance(w.r, 0.55)
}

// file fills a return section by section, the draft saved as they type,
// receipts uploaded, errors fixed, and sends it.
func (w *walker) file() {
	s := w.g.s
	w.landing()
	fresh := Chance(w.r, 0.75)
	if !w.signIn(fresh) || fresh && !w.verify() {
		return
	}
	id := "R" + Hex(w.r, 10)
	w.page("file", w.api("/returns?year="+num(s.year)), w.api("/prefill?year="+num(s.year)))
	if fresh {
		w.post(w.api("/returns"), 201, 400, 1200)
	} else {
		w.get(w.api("/returns/"+id), 200, 14000)
	}
	end := w.t + Sec(LogUniform(w.r, 300, 3600))
	for !w.done() && w.t < end {
		if !w.section(id) {
			return
		}
	}
	w.finish(id)
}

// section fills one part of the return.
func (w *walker) section(id string) bool {
	s := w.g.s
	sec := Pick(w.r, s.sections)
	base := w.api("/returns/" + id)
	w.page("file/"+sec, base+"/sections/"+sec)
	fill := w.t + Sec(LogUniform(w.r, 40, 600))
	for w.t < fill && !w.done() {
		w.wait(30, 90)
		if Chance(w.r, 0.02) { // the session timed out under them
			w.put(base+"/draft", 401, 9000)
			w.hdr = Uniform(w.r, 380, 900)
			if !w.signIn(false) || Chance(w.r, 0.2) {
				return false
			}
			w.get(base, 200, 14000)
			continue
		}
		w.put(base+"/draft", w.status([]int{200, 409, 422}, []float64{97, 2, 1}), LogUniform(w.r, 2000, 40000))
		if Chance(w.r, 0.6) { // the running total as they type
			w.post(base+"/calculate", 200, 3000, 1800)
		}
		if Chance(w.r, 0.4) {
			w.get(w.api("/session/keepalive"), 204, 0)
		}
		if Chance(w.r, 0.1) {
			w.get(w.api("/lookups/"+Pick(w.r, lookups)+"?q="+url.QueryEscape(Pick(w.r, typed))), 200, 1500)
		}
	}
	if Chance(w.r, 0.25) {
		w.receipts(base, 1+w.r.IntN(4))
	}
	return true
}

var (
	lookups = []string{"employers", "addresses", "banks", "occupations", "municipalities", "charities"}
	typed   = []string{"st", "main st", "o'brien", "mc", "hosp", "school dist", "12 ", "acme", "univ", "ste-", "d'", "Müller", "københavn", "ave & 3rd", "#4"}
)

// receipts uploads scans of receipts and statements.
func (w *walker) receipts(base string, n int) {
	for range n {
		st := w.status([]int{201, 415, 413}, []float64{94, 4, 2})
		w.post(base+"/attachments", st, LogUniform(w.r, 1e6, 10e6), 700)
		w.wait(3, 40)
	}
}

// finish validates, fixes and sends the return, then pays or watches for
// the refund.
func (w *walker) finish(id string) {
	base := w.api("/returns/" + id)
	w.page("file/review", base+"/summary")
	for range []int{0, 1, 1, 2, 3}[w.r.IntN(5)] {
		w.post(base+"/validate", 422, 600, 2500)
		w.wait(30, 200)
		w.put(base+"/draft", 200, LogUniform(w.r, 2000, 20000))
	}
	if Chance(w.r, 0.6) { // where the refund goes
		w.put(base+"/refund-account", w.status([]int{200, 422}, []float64{90, 10}), 600)
	}
	w.post(base+"/validate", 200, 600, 1800)
	w.wait(10, 60)
	w.post(base+"/submit", 202, 1200, 800)
	w.get(base+"/receipt.pdf", 200, 180000)
	w.wait(5, 40)
	if Chance(w.r, 0.35) {
		w.pay()
	} else if Chance(w.r, 0.5) {
		w.poll(w.api("/refunds/"+id), 200, LogUniform(w.r, 20, 120), 2+w.r.IntN(6))
	}
}

// pay pays what is owed, some cards declined first.
func (w *walker) pay() {
	w.page("pay", w.api("/account/balance"), w.api("/payments/options"))
	w.wait(10, 90)
	for Chance(w.r, 0.2) {
		w.post(w.api("/payments"), 402, 900, 400)
		w.wait(15, 60)
	}
	w.post(w.api("/payments"), 201, 900, 700)
	pid := Hex(w.r, 12)
	for range 1 + w.r.IntN(3) {
		w.wait(2, 10)
		w.get(w.api("/payments/"+pid), 200, 600)
	}
	if Chance(w.r, 0.15) {
		w.post(w.api("/payment-plans"), 201, 1200, 900)
	}
}

// anxious is the filer who sent the return and now watches the refund
// status page, reloading it just in case.
func (w *walker) anxious() {
	s := w.g.s
	w.page("refund-status")
	q := w.api("/refunds/status?ref=" + s.ref(w.r) + "&year=" + num(s.year) + "&amount=" + num(50+w.r.IntN(4000)))
	if Chance(w.r, 0.4) && w.signIn(false) {
		q = w.api("/refunds/R" + Hex(w.r, 10))
	}
	st := w.status([]int{200, 404, 422}, []float64{80, 14, 6})
	w.poll(q, st, LogUniform(w.r, 15, 200), 3+int(LogUniform(w.r, 1, 40)))
}

// poll asks q every gap seconds or so, n times.
func (w *walker) poll(q string, st int, gap float64, n int) {
	for i := 0; i < n && !w.done(); i++ {
		w.get(q, st, 1100)
		for Chance(w.r, 0.3) { // the whole page reloaded, just in case
			w.wait(0.5, 4)
			w.page("refund-status")
			w.get(q, st, 1100)
		}
		w.wait(gap*0.5, gap*1.5)
		if st == 422 && Chance(w.r, 0.6) { // the amount typed right this time
			st = 200
		}
	}
}

// claim applies for a benefit: eligibility, a form saved as a draft,
// documents, the claim.
func (w *walker) claim() {
	w.landing()
	if !w.signIn(Chance(w.r, 0.4)) {
		return
	}
	b := Pick(w.r, []string{"child", "housing", "energy", "disability", "student"})
	w.page("benefits", w.api("/benefits/eligibility?type="+b), w.api("/benefits/payments"))
	w.wait(20, 120)
	id := "C" + Hex(w.r, 9)
	w.page("benefits/apply/"+b, w.api("/benefits/claims/"+id))
	for range 2 + w.r.IntN(12) {
		w.wait(30, 90)
		w.put(w.api("/benefits/claims/"+id+"/draft"), 200, LogUniform(w.r, 1500, 15000))
	}
	w.receipts(w.api("/benefits/claims/"+id), 1+w.r.IntN(3))
	w.post(w.api("/benefits/claims/"+id+"/submit"), w.status([]int{202, 422}, []float64{85, 15}), 900, 700)
}

// read browses guidance, calculators, forms and the search, signed out.
func (w *walker) read() {
	s := w.g.s
	w.landing()
	for range 2 + int(LogUniform(w.r, 1, 25)) {
		switch x := w.r.Float64(); {
		case x < 0.5:
			topic := Pick(w.r, s.topics)
			if Chance(w.r, 0.05) { // an old link from a forum
				w.get(w.web("guidance/"+topic+".html"), w.status([]int{404, 301}, []float64{6, 4}), 9000)
			}
			w.page("guidance/"+topic, w.api("/content/related?topic="+topic), w.api("/content/feedback-form?page="+topic))
		case x < 0.65:
			w.get(w.api("/calculators/"+Pick(w.r, calculators)+"?income="+num(8000+w.r.IntN(120000))+"&dependants="+num(w.r.IntN(4))), 200, 900)
		case x < 0.8:
			w.get("/forms/"+Pick(w.r, s.forms)+"-"+num(s.year)+".pdf", w.status([]int{200, 206, 304}, []float64{80, 12, 8}), LogUniform(w.r, 250e3, 2.5e6))
		default:
			w.get(w.web("search?q="+query(w)), 200, 26000)
		}
		w.wait(6, 90)
	}
}

var calculators = []string{"refund-estimate", "withholding", "child-benefit", "late-penalty", "mileage", "home-office"}

// query is what people type into the search box, as the browser sends it.
func query(w *walker) string {
	q := Pick(w.r, []string{"deadline extension", "where's my refund", "can I claim my dog", "o'brien child benefit", "form " + Pick(w.r, w.g.s.forms), "tax return \"self employed\"", "pension & annuities", "how long refund take", "lost pin", "<no income> declaration", "Kindergeld", "déclaration en ligne", "50% deduction", "100% disabled veteran", "crypto"})
	if Chance(w.r, 0.6) {
		return url.QueryEscape(q)
	}
	return strings.NewReplacer("%", "%25", " ", "+", "&", "%26", "#", "%23").Replace(q)
}

// appUser is a citizen in the agency's app: the key every install
// carries, a stored sign-in, the refund status pulled again and again.
func (w *walker) appUser() {
	a := w.g.s.app
	w.key = w.g.s.appKey
	w.get(a+"/config", 200, 3000)
	if Chance(w.r, 0.65) {
		w.user = w.account
		w.post(a+"/auth/token", w.status([]int{200, 401}, []float64{92, 8}), 600, 1400)
	}
	if w.user == "" || Chance(w.r, 0.08) {
		w.user = w.account
		for Chance(w.r, 0.3) {
			w.post(a+"/auth/signin", 401, 400, 300)
			w.wait(5, 25)
		}
		w.post(a+"/auth/signin", 200, 400, 900)
		if !w.oneTimeCode() {
			return
		}
	}
	w.hdr += 600
	w.get(a+"/home", 200, 5000)
	w.get(a+"/messages?unread=1", 200, 1200)
	dev := Hex(w.r, 16)
	if Chance(w.r, 0.3) {
		w.put(a+"/devices/"+dev+"/push", 204, 300)
	}
	id := "R" + Hex(w.r, 10)
	drafting := Chance(w.r, 0.25)
	for range 2 + int(LogUniform(w.r, 1, 40)) {
		if w.done() {
			return
		}
		switch x := w.r.Float64(); {
		case drafting && x < 0.5:
			w.put(a+"/returns/"+id+"/draft", 200, LogUniform(w.r, 1500, 25000))
			w.post(a+"/returns/"+id+"/calculate", 200, 2500, 1500)
		case x < 0.75:
			w.get(a+"/refunds/status", w.status([]int{200, 404}, []float64{90, 10}), 900)
			w.get(a+"/messages?unread=1", 200, 1200)
		case x < 0.85:
			w.get(a+"/documents", 200, 4000)
			w.get(a+"/documents/D"+Hex(w.r, 8)+".pdf", 200, 160000)
		default:
			w.get(a+"/home", 200, 5000)
			w.get(a+"/notices", 200, 2000)
		}
		w.wait(4, 110)
	}
}
