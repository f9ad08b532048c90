package detector

import (
	"time"
)

// Actions of a Decision.
const (
	ActionBlock = "block"
)

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
}

// Expires returns when the decision lapses.
func (d *Decision) Expires() time.Time {
	return d.TS.Add(time.Duration(d.TTLSec) * time.Second)
}
