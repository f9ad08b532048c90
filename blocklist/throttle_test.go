package blocklist

import (
	"testing"

	"github.com/portcullis/portcullis/decision"
)

func TestThrottleRates(t *testing.T) {
	t.Run("a decision without a limit is held to the default rate", func(t *testing.T) {
		if got := ThrottleRate(Verdict{}); got != DefaultThrottleRate {
			t.Errorf("rate %v", got)
		}
	})
	t.Run("a decision's limit is its rate, and one second of it its burst", func(t *testing.T) {
		if got := ThrottleRate(Verdict{Limit: 2.5}); got != 2.5 {
			t.Errorf("rate %v; want 2.5", got)
		}
		if got := ThrottleBurst(2.5); got != 3 {
			t.Errorf("burst %d; want 3", got)
		}
		if got := ThrottleBurst(0.1); got != 1 {
			t.Errorf("burst %d; want at least 1", got)
		}
	})
}

func TestEnforcedAction(t *testing.T) {
	for _, tt := range []struct {
		name      string
		action    string
		challenge bool
		want      string
	}{
		{"a challenge is served where one can be", decision.ActionChallenge, true, decision.ActionChallenge},
		{"a challenge is throttled where none can be served", decision.ActionChallenge, false, decision.ActionThrottle},
		{"a block stays a block", decision.ActionBlock, false, decision.ActionBlock},
		{"no decision is no action", "", true, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Enforced(Verdict{Action: tt.action}, tt.challenge); got != tt.want {
				t.Errorf("Enforced: %q; want %q", got, tt.want)
			}
		})
	}
}
