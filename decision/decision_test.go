package decision

import (
	"encoding/json"
	"testing"
	"time"
)

func TestReasonString(t *testing.T) {
	tests := []struct {
		name string
		r    Reason
		want string
	}{
		{"a reason with a unit prints it after the value",
			Reason{Feature: "rate", Value: 47, Unit: "req/s", Typical: 0.3, Beyond: true},
			"rate 47 req/s, typical 0.3; beyond every training client"},
		{"a reason stored without a unit prints the value bare",
			Reason{Feature: "rate", Value: 47, Typical: 0.3, Surprise: 4.1},
			"rate 47, typical 0.3; about 1 training client in 12,589"},
		{"a volume reason names the limit it passed",
			Reason{Feature: "requests_2m", Value: 900, Unit: "req", Typical: 120, Limit: 600},
			"requests_2m 900 req, typical 120; past the volume limit 600"},
		{"a common value says nothing of rarity",
			Reason{Feature: "error_ratio", Value: 0.5, Typical: 0.4, Surprise: 0.5},
			"error_ratio 0.5, typical 0.4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.r.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFillOrigin(t *testing.T) {
	tests := []struct {
		name string
		json string
		want Origin
	}{
		{"a decision stored before origins existed with model manual is manual",
			`{"client":"203.0.113.7","model":"manual","reasons":[{"feature":"manual: abuse"}]}`, OriginManual},
		{"an old campaign member is a campaign decision",
			`{"client":"203.0.113.7","model":"m1","rule":"campaign"}`, OriginCampaign},
		{"an old decision on a score is the detector's",
			`{"client":"203.0.113.7","model":"m1","rule":"volume_limit"}`, OriginDetector},
		{"a decision with an origin keeps it",
			`{"client":"203.0.113.7","model":"manual","origin":"detector"}`, OriginDetector},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d Decision
			if err := json.Unmarshal([]byte(tt.json), &d); err != nil {
				t.Fatal(err)
			}
			d.FillOrigin()
			if d.Origin != tt.want || d.Manual() != (tt.want == OriginManual) {
				t.Errorf("origin %q, want %q", d.Origin, tt.want)
			}
		})
	}
}

func TestDecisionJSON(t *testing.T) {
	t.Run("origin and unit survive a round trip", func(t *testing.T) {
		in := Decision{Client: "k", Origin: OriginCampaign, Reasons: []Reason{{Feature: "rate", Unit: "req/s"}}}
		b, err := json.Marshal(&in)
		if err != nil {
			t.Fatal(err)
		}
		var out Decision
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
		if out.Origin != OriginCampaign || out.Reasons[0].Unit != "req/s" {
			t.Errorf("got %s", b)
		}
	})
	t.Run("an embedding struct keeps its own fields", func(t *testing.T) {
		var x struct {
			Decision
			TTLLeft int64 `json:"ttl_left_s"`
		}
		if err := json.Unmarshal([]byte(`{"client":"k","ttl_left_s":5}`), &x); err != nil {
			t.Fatal(err)
		}
		if x.Client != "k" || x.TTLLeft != 5 {
			t.Errorf("got %+v", x)
		}
	})
}

func TestExpires(t *testing.T) {
	ts := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	d := Decision{TS: ts, TTLSec: 600}
	if got := d.Expires(); !got.Equal(ts.Add(10 * time.Minute)) {
		t.Errorf("expires %v", got)
	}
}
