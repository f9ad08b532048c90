package decision

import (
	"math"
	"testing"
)

func TestSeverity(t *testing.T) {
	for _, tt := range []struct {
		name             string
		score, threshold float64
		want             float64
	}{
		{"below the threshold is 0", 0.5, 0.6, 0},
		{"at the threshold is 0", 0.6, 0.6, 0},
		{"halfway to 1 is 0.5", 0.8, 0.6, 0.5},
		{"a score of 1 is 1", 1, 0.6, 1},
		{"past 1 stays 1", 1.4, 0.6, 1},
		{"a threshold of 1 leaves no room: 0", 1, 1, 0},
		{"NaN is 0", math.NaN(), 0.6, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := Decision{Score: tt.score, Threshold: tt.threshold}
			if got := d.Severity(); math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("Severity = %v; want %v", got, tt.want)
			}
		})
	}
}
