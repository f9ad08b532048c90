package detector

import (
	"math"
	"strings"
	"testing"

	"github.com/portcullis/portcullis/decision"
)

func TestActionFor(t *testing.T) {
	steps := PolicyConfig{Actions: []ActionStep{{0, decision.ActionLog}, {2, decision.ActionThrottle}, {5, decision.ActionBlock}}}
	tests := []struct {
		name   string
		p      PolicyConfig
		margin float64
		want   string
	}{
		{"without steps every decision is a block", PolicyConfig{}, 0.1, decision.ActionBlock},
		{"without steps even a volume decision below the threshold is a block", PolicyConfig{}, -3, decision.ActionBlock},
		{"just past the threshold takes the first step", steps, 0.1, decision.ActionLog},
		{"a margin equal to a step's takes it", steps, 2, decision.ActionThrottle},
		{"between two steps takes the lower", steps, 4.9, decision.ActionThrottle},
		{"far past takes the last", steps, 9, decision.ActionBlock},
		{"a volume decision below the threshold takes the first step", steps, -1, decision.ActionLog},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.ActionFor(tt.margin); got != tt.want {
				t.Errorf("ActionFor(%v) = %q, want %q", tt.margin, got, tt.want)
			}
		})
	}
}

func TestThrottleRate(t *testing.T) {
	if got := (PolicyConfig{ThrottleRate: 3}).throttleRate(600); got != 3 {
		t.Errorf("with throttle_rate 3: %v", got)
	}
	if got := (PolicyConfig{}).throttleRate(600); got != 5 {
		t.Errorf("from a peak of 600 requests in 2 minutes: %v, want 5 req/s", got)
	}
	if got := (PolicyConfig{}).throttleRate(0); got != DefaultThrottleRate {
		t.Errorf("without either: %v, want %v", got, DefaultThrottleRate)
	}
}

func TestActionsValidate(t *testing.T) {
	ok := func(p PolicyConfig) PolicyConfig { return p }
	tests := []struct {
		name string
		p    PolicyConfig
		want string // in the error; empty: valid
	}{
		{"no steps are valid", ok(PolicyConfig{}), ""},
		{"rising steps from 0 are valid", PolicyConfig{Actions: []ActionStep{{0, "log"}, {1.5, "challenge"}, {3, "block"}}, CampaignAction: "throttle", ThrottleRate: 2}, ""},
		{"an unknown action is named", PolicyConfig{Actions: []ActionStep{{0, "ban"}}}, `actions[0]: unknown action "ban"`},
		{"a first step above 0 would leave decisions without an action", PolicyConfig{Actions: []ActionStep{{1, "log"}}}, "the first step must have above: 0"},
		{"steps must rise", PolicyConfig{Actions: []ActionStep{{0, "log"}, {2, "throttle"}, {2, "block"}}}, "actions[2]: above 2 does not rise past actions[1]'s 2"},
		{"a negative above is refused", PolicyConfig{Actions: []ActionStep{{0, "log"}, {-1, "block"}}}, "actions[1]: above is -1"},
		{"a NaN above is refused", PolicyConfig{Actions: []ActionStep{{0, "log"}, {math.NaN(), "block"}}}, "actions[1]: above is NaN"},
		{"an unknown campaign action is named", PolicyConfig{CampaignAction: "drop"}, `campaign_action: unknown action "drop"`},
		{"a negative throttle rate is refused", PolicyConfig{ThrottleRate: -1}, "throttle_rate is -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.WithDefaults().Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("error %v, want none", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("error %v, want one saying %q", err, tt.want)
			}
		})
	}
}
