package blocklist

import (
	"math"
	"testing"

	"github.com/portcullis/portcullis/decision"
)

func TestVerdictSeverity(t *testing.T) {
	scored := func(client string, score, threshold float64) *decision.Decision {
		d := actionOf(client, decision.ActionChallenge, 0)
		d.Score, d.Threshold = score, threshold
		return d
	}
	s := Snapshot{Version: 1, Decisions: []*decision.Decision{
		scored("192.0.2.1", 0.6, 0.6),
		scored("192.0.2.2", 0.8, 0.6),
		scored("192.0.2.3", 1, 0.6),
		scored("192.0.2.4", 0.3, 0.6),
	}}
	c := loadedChecker(t, CheckerConfig{FailMode: FailOpen}, s)
	for _, tt := range []struct {
		name string
		ip   string
		want float64
	}{
		{"a decision at its threshold has severity 0", "192.0.2.1", 0},
		{"a decision halfway from its threshold to 1 has severity 0.5", "192.0.2.2", 0.5},
		{"a decision scored 1 has severity 1", "192.0.2.3", 1},
		{"a decision below its threshold (volume, campaign) has severity 0", "192.0.2.4", 0},
		{"no decision, no severity", "192.0.2.9", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.Check(ip(tt.ip), "", "").Severity; math.Abs(got-tt.want) > 1.0/255 {
				t.Errorf("Severity %v; want %v", got, tt.want)
			}
		})
	}
}
