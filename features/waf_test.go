package features

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/portcullis/portcullis/ingest"
)

func TestWAFRatio(t *testing.T) {
	if !slices.Contains(Names(), "waf_ratio") || specs[WAFRatio].Dir != Up {
		t.Fatalf("waf_ratio is not among the features with direction Up: %v", Names())
	}
	tests := []struct {
		name string
		waf  []int     // the waf field of each request
		secs []float64 // the event time of each request
		want float64
	}{
		{"a client whose requests match no rule scores zero", []int{0, 0, 0, 0}, []float64{0, 0, 0, 0}, 0},
		{"four hits in four requests at one instant are shrunk to 4/(4+ratioPrior)", []int{3, 1, 7, 2}, []float64{0, 0, 0, 0}, 4 / (4 + ratioPrior)},
		{"one hit in four requests counts once, whatever its rule count", []int{0, 9, 0, 0}, []float64{0, 0, 0, 0}, 1 / (4 + ratioPrior)},
		{"an old hit decays like the other ratios", []int{5, 0}, []float64{0, 120},
			math.Exp(-1) / (1 + math.Exp(-1) + ratioPrior)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := NewTable[struct{}](Config{})
			var c *Client[struct{}]
			for i, n := range tt.waf {
				r := rec(tt.secs[i], "GET", "/search?q=x", 200)
				r.WAF = n
				c = tb.Observe([]byte("a"), "ip", r)
			}
			var v Vector
			c.Vector(&v)
			if !near(v[WAFRatio], tt.want) {
				t.Errorf("waf_ratio = %v, want %v", v[WAFRatio], tt.want)
			}
		})
	}
}

// TestWAFRatioFromAccessLog reads gateway access-log lines, whose waf
// field counts the WAF rules a request matched, through ingest into the
// features the detector scores.
func TestWAFRatioFromAccessLog(t *testing.T) {
	lines := `{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.7","method":"GET","path":"/search?q=%3Cscript%3E","status":200,"waf":2}
{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.7","method":"GET","path":"/files?name=..%2F..%2Fetc%2Fpasswd","status":403,"waf":3}
{"ts":"2026-03-02T09:00:00Z","client_ip":"192.0.2.7","method":"GET","path":"/items/1","status":200}
{"ts":"2026-03-02T09:00:00Z","client_ip":"198.51.100.1","method":"GET","path":"/items/1","status":200}
`
	tb := NewTable[struct{}](Config{})
	r := ingest.NewReader(strings.NewReader(lines), ingest.ReaderConfig{})
	var rec ingest.Record
	for r.Next(&rec) {
		tb.Observe(rec.ClientIP, "ip", &rec)
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	for client, want := range map[string]float64{"192.0.2.7": 2 / (3 + ratioPrior), "198.51.100.1": 0} {
		var v Vector
		tb.Lookup([]byte(client)).Vector(&v)
		if !near(v[WAFRatio], want) {
			t.Errorf("%s: waf_ratio = %v, want %v", client, v[WAFRatio], want)
		}
	}
}
