package detector

import (
	"errors"
	"fmt"
	"math"

	"github.com/portcullis/portcullis/decision"
)

// ActionStep is one step of the policy's actions: a decision whose
// judgement scored Above or more past the threshold (in digits of
// surprise: 1 is ten times rarer than the threshold) takes Action, unless
// a later step's Above is reached too.
type ActionStep struct {
	Above  float64 `yaml:"above"`
	Action string  `yaml:"action"`
}

// DefaultThrottleRate is the limit of a throttle decision, in requests a
// second, when neither the policy (throttle_rate) nor the model (the peak
// rate of training's ordinary clients) gives one.
const DefaultThrottleRate = 1.0

// volumeWindowSeconds is the window of the model's volume rule
// (requests_2m), which turns its peak into a rate.
const volumeWindowSeconds = 120

// ActionFor returns the action of a decision whose judgement scored
// margin past the threshold: the last step of Actions whose Above margin
// reaches, and block without steps. A margin below 0 (a decision of the
// volume rule, below the threshold) takes the first step.
func (c PolicyConfig) ActionFor(margin float64) string {
	a := decision.ActionBlock
	for i, s := range c.Actions {
		if i > 0 && !(margin >= s.Above) {
			break
		}
		a = s.Action
	}
	return a
}

// campaignAction returns the action of a campaign member's decision.
func (c PolicyConfig) campaignAction() string {
	if c.CampaignAction == "" {
		return decision.ActionBlock
	}
	return c.CampaignAction
}

// throttleRate returns the limit of a throttle or challenge decision:
// throttle_rate when set; else the rate, over the volume rule's window, of
// the peak training's ordinary clients reached (volumePeak requests in
// two minutes, 0 when the model has none); else DefaultThrottleRate.
func (c PolicyConfig) throttleRate(volumePeak float64) float64 {
	switch {
	case c.ThrottleRate > 0:
		return c.ThrottleRate
	case volumePeak > 0:
		return math.Round(volumePeak/volumeWindowSeconds*1000) / 1000
	}
	return DefaultThrottleRate
}

// actionRank returns the strictness of action, from 1 for the mildest of
// decision.Actions.
func actionRank(action string) uint8 {
	for i, a := range decision.Actions() {
		if a == action {
			return uint8(i + 1)
		}
	}
	return uint8(len(decision.Actions()))
}

// limited says whether an action holds a client to a rate.
func limited(action string) bool {
	return action == decision.ActionThrottle || action == decision.ActionChallenge
}

// validateActions reports what is wrong with c's actions.
func (c PolicyConfig) validateActions() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("detector: "+format, args...))
	}
	for i, s := range c.Actions {
		if err := decision.CheckAction(s.Action); err != nil {
			bad("actions[%d]: %v", i, err)
		}
		switch {
		case math.IsNaN(s.Above) || math.IsInf(s.Above, 0) || s.Above < 0:
			bad("actions[%d]: above is %v; set it to 0 or more digits of surprise past the threshold", i, s.Above)
		case i == 0 && s.Above != 0:
			bad("actions[0]: above is %v; the first step must have above: 0, so that every decision has an action", s.Above)
		case i > 0 && s.Above <= c.Actions[i-1].Above:
			bad("actions[%d]: above %v does not rise past actions[%d]'s %v; list the steps from the mildest, above rising", i, s.Above, i-1, c.Actions[i-1].Above)
		}
	}
	if c.CampaignAction != "" {
		if err := decision.CheckAction(c.CampaignAction); err != nil {
			bad("campaign_action: %v", err)
		}
	}
	if r := c.ThrottleRate; math.IsNaN(r) || math.IsInf(r, 0) || r < 0 {
		bad("throttle_rate is %v; set it to a rate in requests a second, or 0 to take it from the model", r)
	}
	return errors.Join(errs...)
}
