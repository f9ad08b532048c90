package decision

import (
	"fmt"
	"math"
	"time"
)

// Scopes name the kind of client a decision is about. They match the
// identity names of the detector's configuration.
const (
	ScopeIP           = "ip"
	ScopeAPIKey       = "api_key"
	ScopeUser         = "user"
	ScopeIPv6Prefix64 = "ipv6_64"
)

// Rules name what blocked a client when it was not its own score.
const (
	// RuleVolume is the Rule of a decision taken because the client
	// passed the model's volume limit while its score stayed below the
	// threshold.
	RuleVolume = "volume_limit"
	// RuleCampaign is the Rule of a decision taken because the client is
	// a member of a campaign: one of many addresses sharing an endpoint's
	// departure from what training saw, each too quiet to judge on its
	// own.
	RuleCampaign = "campaign"
)

// Origin says who took a decision.
type Origin string

// Origins of a Decision.
const (
	// OriginDetector: the detector, on the client's own score or volume.
	OriginDetector Origin = "detector"
	// OriginManual: an operator (portcullis blocklist add, the review
	// API).
	OriginManual Origin = "manual"
	// OriginCampaign: the detector, as a member of a campaign.
	OriginCampaign Origin = "campaign"
)

// legacyManualModel is the Model that marked a manual decision before
// decisions had an Origin; decisions stored then are still read.
const legacyManualModel = "manual"

// Decision is what was decided about one client, in the shape of the
// design's decisions contract.
type Decision struct {
	Client string    `json:"client"`
	Scope  string    `json:"scope"`
	TS     time.Time `json:"ts"` // event time of the event that triggered it
	// Action is one of Actions; empty in decisions written before there
	// were others than block (see FillAction).
	Action string `json:"action"`
	// Limit is the rate, in requests a second, a throttle decision holds
	// the client to (a challenge decision too, where it is throttled
	// instead); 0 in other decisions.
	Limit     float64  `json:"limit,omitempty"`
	Score     float64  `json:"score"`
	Threshold float64  `json:"threshold"`
	TTLSec    int64    `json:"ttl_s"`
	Model     string   `json:"model"`
	Reasons   []Reason `json:"reasons"`
	// Origin says who took the decision. Empty in decisions written before
	// it existed: see FillOrigin.
	Origin Origin `json:"origin,omitempty"`
	// Note is what an operator gave as the reason for a manual decision.
	Note string `json:"note,omitempty"`
	// Rule names what blocked the client when it was not its own score:
	// RuleVolume, RuleCampaign, or empty for the score.
	Rule string `json:"rule,omitempty"`
	// Campaign names the campaign the client was blocked as a member of
	// (Rule is RuleCampaign), and CampaignReason says what it is, for
	// example "one of 58 addresses failing on POST /login since 09:03:10".
	Campaign       string `json:"campaign,omitempty"`
	CampaignReason string `json:"campaign_reason,omitempty"`
	// Events is how many events of the client had been seen when it was
	// decided.
	Events uint32 `json:"events"`
	// Known says the client recurred in the training data and was judged
	// against its own history too.
	Known bool `json:"known,omitempty"`
	// Simulated marks a decision taken in dry-run mode: recorded, not
	// enforced.
	Simulated bool `json:"simulated,omitempty"`
}

// FillOrigin sets the Origin of a decision written before decisions had
// one: OriginManual for Model "manual", OriginCampaign for RuleCampaign,
// OriginDetector otherwise. A store calls it on every decision it reads;
// a decision with an Origin is left alone.
//
// It is a method rather than a custom UnmarshalJSON, because an
// UnmarshalJSON would be promoted to every struct that embeds a Decision
// and hide that struct's own fields from encoding/json.
func (d *Decision) FillOrigin() {
	switch {
	case d.Origin != "":
	case d.Model == legacyManualModel:
		d.Origin = OriginManual
	case d.Rule == RuleCampaign:
		d.Origin = OriginCampaign
	default:
		d.Origin = OriginDetector
	}
}

// Manual reports whether an operator took the decision.
func (d *Decision) Manual() bool { return d.Origin == OriginManual }

// Expires returns when the decision lapses.
func (d *Decision) Expires() time.Time {
	return d.TS.Add(time.Duration(d.TTLSec) * time.Second)
}

// Reason is a signal that drove a decision (a feature, "payload_evidence"
// or "isolation"): its value, what is typical for the population (or, for
// a known client, for that client), and how rare the value is.
type Reason struct {
	Feature string  `json:"feature"`
	Value   float64 `json:"value"`
	// Unit is the unit of Value and Typical, such as "req/s"; empty for a
	// signal without one, and in decisions written before reasons carried
	// their unit.
	Unit    string  `json:"unit,omitempty"`
	Typical float64 `json:"typical"`
	// Surprise is -log10 of the share of training clients that ever
	// looked at least this unusual in this signal: 4 is one in 10,000.
	Surprise float64 `json:"surprise,omitempty"`
	// Beyond says the value is past every training client's.
	Beyond bool `json:"beyond_training,omitempty"`
	// Limit is the volume limit the value passed, on the requests_2m
	// reason of a client past it; Typical is then the training clients'
	// peak the limit is derived from.
	Limit float64 `json:"limit,omitempty"`
}

// String describes the reason for a person: the value with its unit, what
// is typical, and how rare the value is among training clients, as in
// "rate 47 req/s, typical 0.3; beyond every training client". A reason
// without a Unit prints its value bare.
func (r Reason) String() string {
	unit := ""
	if r.Unit != "" {
		unit = " " + r.Unit
	}
	b := fmt.Sprintf("%s %.4g%s, typical %.4g", r.Feature, r.Value, unit, r.Typical)
	switch {
	case r.Limit > 0:
		b += fmt.Sprintf("; past the volume limit %.4g", r.Limit)
	case r.Beyond:
		b += "; beyond every training client"
	case r.Surprise >= 1:
		b += fmt.Sprintf("; about 1 training client in %s", rarity(r.Surprise))
	}
	return b
}

// rarity writes 10^s in words a person reads at a glance: "250", "12,000",
// "3 million".
func rarity(s float64) string {
	x := math.Pow(10, s)
	switch {
	case x >= 1e9:
		return fmt.Sprintf("%.3g billion", x/1e9)
	case x >= 1e6:
		return fmt.Sprintf("%.3g million", x/1e6)
	case x >= 1e4:
		return fmt.Sprintf("%d,%03d", int(x/1000), int(x)%1000)
	}
	return fmt.Sprintf("%.0f", x)
}
