package main

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/portcullis/portcullis/decision/apikey"
	. "github.com/portcullis/portcullis/tools/internal/simlog"
)

// partner is one address of a machine that calls the bank every day: a
// third party on the open-banking API with its key and certificate, a
// processor or scheme calling back, a batch job of the bank, a probe.
type partner struct {
	profile string
	name    string // the company or the job
	ip      string
	key     string
	ua      string
	rate    float64 // what it does a second on an ordinary minute
	sweep   float64 // chance that its unattended refresh runs on a day
}

var (
	tppNames = map[string][]string{
		"aggregator":    {"Ledgerly", "OpenPath Data", "Fintrail Connect", "Centavo Link"},
		"budgeting-app": {"Pocketwise", "Sprout Budget", "Tilly Money"},
		"lender":        {"QuickLend", "Mortgage Bridge", "Credalia"},
		"checkout-pisp": {"PayDirect", "Swiftcheckout"},
	}
	tppUAs = []string{"Apache-HttpClient/4.5.14 (Java/17.0.10)", "Go-http-client/2.0", "python-requests/2.31.0", "okhttp/4.11.0", "axios/1.6.8", "Java/21.0.2", ""}
)

// newPartners draws the site's recurring machines and its employers'
// office addresses: the same on every day.
func (s *site) newPartners(r *rand.Rand) ([]partner, []string) {
	draw := New(time.Time{}, 0) // only keeps the addresses apart
	key := func(prefix string) string { return apikey.ID(prefix + Hex(r, 16) + Hex(r, 16)) }
	var ps []partner
	add := func(profile string, n int, nets []string, p partner) {
		p.profile = profile
		for range n {
			p.ip = draw.V4(r, nets)
			ps = append(ps, p)
		}
	}
	tpps := []struct {
		profile string
		n       int
		rate    [2]float64
	}{{"aggregator", 2 + r.IntN(2), [2]float64{0.3, 1.5}}, {"budgeting-app", 1 + r.IntN(2), [2]float64{0.08, 0.5}}, {"lender", 1 + r.IntN(2), [2]float64{0.01, 0.05}}, {"checkout-pisp", 1, [2]float64{0.05, 0.3}}}
	for _, t := range tpps {
		if t.profile == "checkout-pisp" && s.region.std == obFDX {
			continue // no payment initiation in the US standard
		}
		for _, name := range pickN(r, tppNames[t.profile], t.n) {
			ua := Pick(r, tppUAs)
			if Chance(r, 0.3) {
				ua = fmt.Sprintf("%s/%d.%d (+https://%s.example/openbanking)", slugify(name), 1+r.IntN(5), r.IntN(20), slugify(name))
			}
			add(t.profile, 1+r.IntN(3), cloudNets, partner{name: name, key: key("ob_" + slugify(name) + "_"), ua: ua, rate: LogUniform(r, t.rate[0], t.rate[1]), sweep: Uniform(r, 0.2, 0.6)})
		}
	}
	add("card-processor", 2+r.IntN(2), cloudNets, partner{key: key("cp_live_"), ua: Pick(r, []string{"CardCore-Webhooks/2.1", "Thredd-Notify/1.4", ""}), rate: LogUniform(r, 2, 10)})
	add("payment-scheme", 1+r.IntN(2), []string{"195.35.", "185.139."}, partner{key: key("fps_"), ua: "SchemeGateway/5.2 (ISO20022)", rate: LogUniform(r, 0.3, 2)})
	add("identity-vendor", 1+r.IntN(2), cloudNets, partner{key: key("idv_"), ua: Pick(r, []string{"IDVerify-Callback/1.0", "Onboard-Hooks/3.2"}), rate: LogUniform(r, 0.02, 0.08)})
	for _, job := range pickN(r, []string{"statement-renderer", "ledger-reconciler", "risk-feature-sync", "notification-fanout"}, 2+r.IntN(2)) {
		ua := Pick(r, []string{job + "/2.14.0 (java/21)", "Go-http-client/1.1", ""})
		add("batch-job", 1, []string{"10.40.", "10.41."}, partner{name: job, key: key("svc_" + job + "_"), ua: ua, rate: LogUniform(r, 0.5, 5)})
	}
	probe := Pick(r, []string{"Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)", "Datadog/Synthetics", "Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)", "Checkly/1.0 (https://www.checklyhq.com)"})
	add("monitor", 2+r.IntN(3), cloudNets, partner{ua: probe, rate: Uniform(r, 0.05, 0.25)})
	var offices []string
	for range 3 + r.IntN(6) {
		offices = append(offices, draw.V4(r, s.region.business))
	}
	return ps, offices
}

func slugify(name string) string {
	var b []byte
	for _, c := range []byte(name) {
		switch {
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			b = append(b, c)
		}
	}
	return string(b)
}

// obAPI is the open-banking API of the site's standard: where third
// parties read accounts, balances and transactions, ask for consents and
// initiate payments.
type obAPI struct {
	std   int
	base  string
	token string
}

func (s *site) ob() obAPI {
	switch s.region.std {
	case obUK:
		return obAPI{obUK, "/open-banking/v3.1", "/as/token.oauth2"}
	case obBerlin:
		return obAPI{obBerlin, "/psd2/v1", "/oauth2/token"}
	}
	return obAPI{obFDX, "/fdx/v6", "/oauth2/token"}
}

func (o obAPI) accounts() string {
	switch o.std {
	case obUK:
		return o.base + "/aisp/accounts"
	case obBerlin:
		return o.base + "/accounts?withBalance=false"
	}
	return o.base + "/accounts"
}

func (o obAPI) balances(id string) string {
	switch o.std {
	case obUK:
		return o.base + "/aisp/accounts/" + id + "/balances"
	case obBerlin:
		return o.base + "/accounts/" + id + "/balances"
	}
	return o.base + "/accounts/" + id
}

// transactions pages through an account's transactions since from (a
// date), page 1 first.
func (o obAPI) transactions(id, from string, page int) string {
	var p string
	switch o.std {
	case obUK:
		p = o.base + "/aisp/accounts/" + id + "/transactions?fromBookingDateTime=" + from + "T00:00:00"
	case obBerlin:
		p = o.base + "/accounts/" + id + "/transactions?bookingStatus=booked&dateFrom=" + from
	default:
		p = o.base + "/accounts/" + id + "/transactions?startTime=" + from + "&limit=100"
	}
	if page > 1 {
		p += fmt.Sprintf("&page=%d", page)
	}
	return p
}

func (o obAPI) consents() string {
	if o.std == obUK {
		return o.base + "/aisp/account-access-consents"
	}
	return o.base + "/consents"
}

func (o obAPI) payments() string {
	if o.std == obUK {
		return o.base + "/pisp/domestic-payments"
	}
	return o.base + "/payments/sepa-credit-transfers"
}

// paymentConsent is where a UK third party asks for the consent to a
// payment before it initiates it.
func (o obAPI) paymentConsent() string { return o.base + "/pisp/domestic-payment-consents" }
