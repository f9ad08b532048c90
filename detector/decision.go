package detector

import (
	"time"
)

// Actions of a Decision.
const (
	ActionBlock = "block"
)

// RuleVolume is the Rule of a decision taken because the client passed the
// model's volume limit while its score stayed below the threshold.
const RuleVolume = "volume_limit"

// Decision is what the detector decided about one client, in the shape of
// the design's decisions contract.
type Decision struct {
	Client    string    `json:"client"`
	Scope     string    `json:"scope"`
	TS        time.Time `json:"ts"` // event time of the event that triggered it
	Action    string    `json:"action"`
	Score     float64   `json:"score"`
	Threshold float64   `json:"threshold"`
	TTLSec    int64     `json:"ttl_s"`
	Model     string    `json:"model"`
	Reasons   []Reason  `json:"reasons"`
	// Rule names what blocked the client when it was not the score:
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

// Reason is a feature that drove a decision: its value, and what is typical
// for the population (or, for a known client, for that client).
type Reason struct {
	Feature string  `json:"feature"`
	Value   float64 `json:"value"`
	Typical float64 `json:"typical"`
	// Limit is the volume limit the value passed, on the requests_2m
	// reason of a client past it; Typical is then the training clients'
	// peak the limit is derived from.
	Limit float64 `json:"limit,omitempty"`
}

// Expires returns when the decision lapses.
func (d *Decision) Expires() time.Time {
	return d.TS.Add(time.Duration(d.TTLSec) * time.Second)
}
