package main

import (
	"fmt"
	"net/url"
	"strconv"

	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// task is one thing a signed-in customer does after the overview, in the
// app or in web banking, drawn by how often customers do it.
func (v *visit) task(accs []string) {
	r := v.r
	ws := []float64{0.25, 0.08, 0.07, 0.13, 0.06, 0.04, 0.06, 0.07, 0.06, 0.06, 0.05, 0.02, 0.015, 0.03}
	if !v.app {
		ws[4] = 0.01 // paying a phone number is an app feature
		ws[7] = 0.14 // statements and exports are what people open web banking for
	}
	a := Pick(r, accs)
	switch Weighted(r, ws) {
	case 0:
		v.transactions(a)
	case 1:
		v.search(accs[0])
	case 2:
		v.cardControls()
	case 3:
		v.transfer(accs)
	case 4:
		v.p2p(accs[0])
	case 5:
		v.newPayee()
	case 6:
		v.billPay(accs[0])
	case 7:
		v.statements(a)
	case 8:
		v.savings(accs)
	case 9:
		v.read(v.api+"/insights/spending?month=2026-10&account="+accs[0], 6, 240)
		if Chance(r, 0.4) {
			v.idle(6)
			v.read(v.api+"/fx/rates?base="+v.w.s.region.currency, 2.5, 45)
		}
	case 10:
		v.get(v.api+"/notifications?limit=20", 200, 5, 60)
		v.pause(1, 6)
		v.post(v.api+"/notifications/read", 204, 80, 0, 30)
	case 11:
		v.chat()
	case 12:
		v.documents()
	default:
		v.read(v.api+"/accounts/"+accs[0]+"/direct-debits", 3, 90)
		if Chance(r, 0.4) {
			v.idle(8)
			v.read(v.api+"/accounts/"+accs[0]+"/standing-orders", 1.5, 80)
		}
	}
}

// transactions pages back through an account's history and opens a few.
func (v *visit) transactions(a string) {
	r := v.r
	for range 1 + Weighted(r, []float64{0.5, 0.3, 0.2}) {
		v.idle(5)
		v.read(v.api+"/accounts/"+a+"/transactions?limit=30&cursor="+Hex(r, 12), 14, 190)
	}
	for range Weighted(r, []float64{0.4, 0.35, 0.25}) {
		v.idle(4)
		v.read(v.api+"/transactions/tx_"+Hex(r, 14), 1.3, 60)
	}
}

// search looks for a merchant or a reference in the transactions.
func (v *visit) search(a string) {
	r := v.r
	q := url.QueryEscape(Pick(r, merchants))
	v.idle(5)
	v.read(v.api+"/accounts/"+a+"/transactions/search?q="+q, 8, 320)
	if Chance(r, 0.3) { // narrowed to a period
		v.idle(6)
		v.read(v.api+"/accounts/"+a+"/transactions/search?q="+q+"&from=2026-0"+strconv.Itoa(1+r.IntN(9))+"-01&to=2026-10-30", 5, 300)
	}
}

var merchants = []string{"amazon", "rent", "tesco", "uber", "netflix", "spotify", "salary", "lidl", "shell", "apple.com", "paypal", "deliveroo", "ikea", "gym", "council tax", "zara", "airbnb", "mum"}

// cardControls looks at the cards and freezes one that has gone missing,
// often unfreezing it when it turns up; or changes a limit, or shows the
// PIN after a step-up.
func (v *visit) cardControls() {
	r := v.r
	c := card(v.user)
	v.read(v.api+"/cards", 1.6, 80)
	v.idle(5)
	switch x := r.Float64(); {
	case x < 0.55:
		v.post(v.api+"/cards/"+c+"/freeze", 200, 40, 0.3, 260)
		if Chance(r, 0.6) {
			v.idle(40) // found in a coat pocket
			v.post(v.api+"/cards/"+c+"/unfreeze", 200, 40, 0.3, 240)
		}
	case x < 0.8:
		v.read(v.api+"/cards/"+c+"/limits", 0.6, 60)
		v.idle(8)
		v.send("PUT", v.api+"/cards/"+c+"/limits", Pick(r, []int{200, 200, 200, 422}), 150, 400, 220)
	default:
		if v.stepUp() {
			v.get(v.api+"/cards/"+c+"/pin", 200, 0.2, 140)
		}
	}
}

// transfer sends money to a saved payee or between own accounts: the
// payment is created (refused at once when the balance does not cover
// it), confirmed with a step-up, and sometimes refused over a limit.
func (v *visit) transfer(accs []string) {
	r := v.r
	v.read(v.api+"/payees", 3, 90)
	v.idle(15)
	body := 380.
	if Chance(r, 0.04) { // a reference too long for the scheme
		v.post(v.api+"/payments", 400, body, 0.3, 80)
		v.idle(10)
	}
	if Chance(r, 0.05) {
		v.post(v.api+"/payments", 422, body, 0.3, 160) // insufficient funds
		return
	}
	id := "pay_" + Hex(r, 16)
	v.post(v.api+"/payments", 202, body, 0.6, 240)
	if !v.stepUp() {
		return
	}
	if Chance(r, 0.04) {
		v.post(v.api+"/payments/"+id+"/confirm", 403, 60, 0.3, 200) // over the daily limit
		return
	}
	v.post(v.api+"/payments/"+id+"/confirm", 201, 60, 0.8, 650)
	v.pause(0.5, 2)
	v.read(v.api+"/accounts/"+accs[0]+"/balance", 0.4, 70)
}

// p2p pays a friend by phone number: the number is looked up (not every
// friend is registered), small amounts go through without a step-up.
func (v *visit) p2p(a string) {
	r := v.r
	v.get(v.api+"/p2p/contacts", 200, 4, 120)
	v.idle(10)
	if Chance(r, 0.15) {
		v.get(v.api+"/p2p/lookup?phone="+v.w.s.phone(r), 404, 0.1, 140)
		v.idle(8)
	}
	v.get(v.api+"/p2p/lookup?phone="+v.w.s.phone(r), 200, 0.4, 140)
	v.idle(12)
	switch x := r.Float64(); {
	case x < 0.06:
		v.post(v.api+"/p2p/payments", 422, 220, 0.3, 150)
		return
	case x < 0.1:
		v.post(v.api+"/p2p/payments", 403, 220, 0.3, 150) // over the P2P limit
		return
	case x < 0.55:
		v.post(v.api+"/p2p/payments", 201, 220, 0.6, 500)
	default:
		v.post(v.api+"/p2p/payments", 202, 220, 0.6, 240)
		if !v.stepUp() {
			return
		}
		v.post(v.api+"/p2p/payments/p2p_"+Hex(r, 12)+"/confirm", 201, 60, 0.6, 500)
	}
	v.pause(0.5, 2)
	v.read(v.api+"/accounts/"+a+"/balance", 0.4, 70)
}

// newPayee adds a payee: the bank checks the name against the account
// (the answer may say it is close, or does not match), then a step-up.
func (v *visit) newPayee() {
	r := v.r
	v.idle(20)
	for range 1 + Weighted(r, []float64{0.8, 0.2}) {
		v.nameCheck(200)
		v.idle(10)
	}
	v.post(v.api+"/payees", 202, 320, 0.5, 200)
	if v.stepUp() {
		v.post(v.api+"/payees/pye_"+Hex(r, 12)+"/confirm", 201, 60, 0.6, 180)
	}
}

// nameCheck asks whether a name matches an account number.
func (v *visit) nameCheck(status int) {
	s, r := v.w.s, v.r
	name := url.QueryEscape(Pick(r, payeeNames))
	ref := s.accountRef(r.IntN(100000000))
	if s.lookupGET {
		v.get(v.api+"/payees/name-check?"+ref+"&name="+name, status, 0.3, 700)
		return
	}
	v.post(v.api+"/payees/name-check", status, 180, 0.3, 700)
}

var payeeNames = []string{"J Smith", "Anna Kowalska", "M. Garcia Lopez", "Tom Brennan", "Priya Patel", "Landlord Ltd", "S & K Builders", "Lukas Weber", "Ines Moreau", "O'Neill Plumbing"}

// billPay pays a biller found by name.
func (v *visit) billPay(a string) {
	r := v.r
	v.read(v.api+"/billers?q="+url.QueryEscape(Pick(r, billers)), 2, 110)
	v.idle(15)
	status := 201
	if Chance(r, 0.05) {
		status = 422
	}
	v.post(v.api+"/bill-payments", status, 300, 0.5, 450)
	if status == 201 {
		v.pause(0.5, 2)
		v.read(v.api+"/accounts/"+a+"/balance", 0.4, 70)
	}
}

var billers = []string{"water", "electric", "gas", "council", "telecom", "insurance", "broadband", "credit card", "tv licence", "school"}

// statements lists an account's statements and downloads one or two as
// PDF; in web banking people export transactions as CSV too.
func (v *visit) statements(a string) {
	r := v.r
	v.get(v.api+"/accounts/"+a+"/statements?year="+Pick(r, []string{"2026", "2026", "2025"}), 200, 2, 90)
	for range 1 + Weighted(r, []float64{0.6, 0.3, 0.1}) {
		v.idle(6)
		month := fmt.Sprintf("2026-%02d", 1+r.IntN(9))
		v.get(v.api+"/accounts/"+a+"/statements/"+month+".pdf", 200, LogUniform(r, 120, 900), 900)
	}
	if !v.app && Chance(r, 0.3) {
		v.idle(8)
		v.get(v.api+"/accounts/"+a+"/transactions/export?format="+Pick(r, []string{"csv", "csv", "ofx", "qif"})+"&from=2026-01-01&to=2026-10-29", 200, LogUniform(r, 20, 300), 1400)
	}
}

// savings moves money to or from a savings pot.
func (v *visit) savings(accs []string) {
	r := v.r
	v.read(v.api+"/savings/pots", 1.5, 90)
	v.idle(10)
	pot := "pot_" + Hex(r, 10)
	if len(accs) > 1 {
		pot = accs[1]
	}
	dir := Pick(r, []string{"deposit", "deposit", "withdraw"})
	v.post(v.api+"/savings/pots/"+pot+"/"+dir, Pick(r, []int{201, 201, 201, 201, 422}), 140, 0.5, 420)
}

// chat opens a support conversation: the app long-polls for the agent's
// messages (each poll held up to 25 seconds) and the customer types now
// and then.
func (v *visit) chat() {
	r := v.r
	id := "chat_" + Hex(r, 12)
	v.post(v.api+"/support/chats", 201, 300, 0.6, 180)
	v.pause(0.2, 1)
	end := v.t + Sec(LogNormal(r, 240, 0.5))
	seq := 0
	for v.t < end {
		if Chance(r, 0.3) {
			v.pause(3, 30)
			v.post(v.api+"/support/chats/"+id+"/messages", 201, LogNormal(r, 400, 0.5), 0.3, 90)
			continue
		}
		hold := Uniform(r, 1000, 25000)
		status, resp := 200, kb(r, 0.6)
		if Chance(r, 0.5) {
			hold, status, resp = 25000+Uniform(r, 0, 40), 204, 0
		} else {
			seq++
		}
		v.took("GET", v.api+"/support/chats/"+id+"/messages?after="+strconv.Itoa(seq), status, 0, resp, hold)
		v.t += Sec(hold/1000 + Uniform(r, 0.05, 0.3))
	}
	v.pause(5, 30)
	v.post(v.api+"/support/chats/"+id+"/close", 200, 60, 0.2, 80)
}

// documents is an identity re-check the bank asked for: a photo of an ID
// (front and back) or a proof of address, a few MB each, sent over the
// customer's uplink; a blurred photo is refused and taken again, a slow
// upload times out and is sent again.
func (v *visit) documents() {
	r := v.r
	v.get(v.api+"/kyc/requirements", 200, 1, 60)
	mbps := LogUniform(r, 0.3, 5) // upstream MB a second
	for _, doc := range pickN(r, []string{"id-front", "id-back", "proof-of-address", "selfie"}, 1+r.IntN(3)) {
		v.idle(25)
		for try := 0; try < 4; try++ {
			size := int64(LogUniform(r, 1.2, 6) * (1 << 20))
			secs := float64(size) / (1 << 20) / mbps
			switch x := r.Float64(); {
			case x < 0.05:
				v.took("POST", v.api+"/kyc/documents?type="+doc, 408, size/3, kb(r, 0.1), 30000)
				v.pause(32, 40)
				continue
			case x < 0.13:
				v.took("POST", v.api+"/kyc/documents?type="+doc, 422, size, kb(r, 0.3), 1000*secs+600)
				v.t += Sec(secs)
				v.idle(20)
				continue
			}
			v.took("POST", v.api+"/kyc/documents?type="+doc, 201, size, kb(r, 0.4), 1000*secs+400)
			v.t += Sec(secs)
			v.w.checks = append(v.w.checks, v.t)
			break
		}
	}
	v.pause(2, 8)
	v.get(v.api+"/kyc/status", 200, 0.3, 40)
}
