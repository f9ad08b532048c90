package models

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/portcullis/portcullis/features"
)

// population returns vectors of a quiet population with a few loud clients.
func population(n int, seed uint64) []features.Vector {
	rng := rand.New(rand.NewPCG(seed, 1))
	out := make([]features.Vector, n)
	for i := range out {
		v := &out[i]
		v[features.Rate] = 0.2 + rng.ExpFloat64()*0.3
		v[features.Volume] = v[features.Rate] * (0.8 + 0.4*rng.Float64())
		v[features.ErrorRatio] = 0.05 * rng.Float64()
		v[features.PathEntropy] = 1 + rng.Float64()
		v[features.PathNovelty] = 0.3 + 0.3*rng.Float64()
		v[features.ReqBytes] = 200 + 300*rng.Float64()
		v[features.RespBytes] = 2000 + 5000*rng.Float64()
		v[features.GapCV] = 1 + rng.Float64()
	}
	return out
}

func trained(t testing.TB) *Model {
	t.Helper()
	m, err := Fit(population(4000, 1), TrainConfig{Forest: ForestConfig{Seed: 7}})
	if err != nil {
		t.Fatal(err)
	}
	m.Threshold = 0.6
	return m
}

func TestJudge(t *testing.T) {
	m := trained(t)
	typical := population(1, 99)[0]
	flood := typical
	flood[features.Rate], flood[features.Volume] = 300, 200
	quiet := typical
	quiet[features.Rate], quiet[features.Volume] = 0.001, 0.001

	tests := []struct {
		name      string
		v         features.Vector
		ident     *IdentityBaseline
		wantBlock bool
		reason    string
	}{
		{"a typical client is not blocked", typical, nil, false, ""},
		{"a flooding client is blocked for its rate", flood, nil, true, "rate"},
		{"an unusually quiet client is not blocked, since quiet is harmless", quiet, nil, false, ""},
		{"a known client doing what it always did is not blocked", flood, knownAs(flood), false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r Result
			m.Judge(&tt.v, tt.ident, &r)
			if r.Block != tt.wantBlock {
				t.Fatalf("block = %v (score %.3f, evidence %.1f), want %v", r.Block, r.Score, r.Evidence, tt.wantBlock)
			}
			if tt.reason != "" && (r.NReasons == 0 || features.Specs()[r.Reasons[0].Feature].Name != tt.reason) {
				t.Errorf("first reason is not %s: %+v", tt.reason, r.Reasons[:r.NReasons])
			}
		})
	}
}

func knownAs(v features.Vector) *IdentityBaseline {
	var p Point
	Transform(&v, &p)
	return &IdentityBaseline{High: p, Typical: p}
}

func TestJudgeDoesNotAllocate(t *testing.T) {
	m := trained(t)
	v := population(1, 3)[0]
	v[features.Rate] = 100
	var r Result
	if a := testing.AllocsPerRun(100, func() { m.Judge(&v, nil, &r) }); a != 0 {
		t.Errorf("Judge allocates %v times, want 0", a)
	}
}

func TestCalibrateResistsHiddenAttacks(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	var scores []float64
	for range 3000 {
		if rng.Float64() < 0.5 {
			scores = append(scores, 0) // never passed the gate
		} else {
			scores = append(scores, 0.45+0.04*rng.ExpFloat64())
		}
	}
	clean := Model{}
	clean.Calibrate(scores, TrainConfig{})
	// Hide attacks, 1% of the clients, with high scores.
	for range 30 {
		scores = append(scores, 0.76+0.1*rng.Float64())
	}
	dirty := Model{}
	dirty.Calibrate(scores, TrainConfig{})
	if d := dirty.Threshold - clean.Threshold; d > 0.03 || d < -0.03 {
		t.Errorf("1%% hidden attacks moved the threshold from %.3f to %.3f", clean.Threshold, dirty.Threshold)
	}
	if dirty.Threshold >= 0.76 {
		t.Logf("clean %.3f dirty %.3f", clean.Threshold, dirty.Threshold)
		t.Errorf("threshold %.3f would let the hidden attacks through", dirty.Threshold)
	}
	if dirty.Calibration.AboveThreshold < 30 {
		t.Errorf("only %d training clients above the threshold; the 30 hidden attacks should be", dirty.Calibration.AboveThreshold)
	}
}

// TestCalibrateSmallRecording: a recording with few gated clients below the
// floor, a third of them attacks just under it, keeps the floor rather than
// a tail fitted on the attacks.
func TestCalibrateSmallRecording(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	var scores []float64
	for range 400 {
		scores = append(scores, 0)
	}
	for range 40 {
		scores = append(scores, 0.45+0.04*rng.ExpFloat64())
	}
	for range 20 {
		scores = append(scores, 0.58+0.03*rng.Float64()) // attacks under the floor
	}
	var m Model
	m.Calibrate(scores, TrainConfig{})
	if m.Threshold != DefaultMinThreshold || !strings.Contains(m.Calibration.Method, "needed to fit a tail") {
		t.Errorf("threshold %.3f (%s), want the floor %.2f", m.Threshold, m.Calibration.Method, DefaultMinThreshold)
	}
}

// TestCalibrateRaisesThresholdForAHighTail: when many normal clients score
// near the floor, the fitted tail lifts the threshold above it.
func TestCalibrateRaisesThresholdForAHighTail(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	var scores []float64
	for range 3000 {
		scores = append(scores, 0.52+0.03*rng.ExpFloat64())
	}
	var m Model
	m.Calibrate(scores, TrainConfig{})
	if m.Threshold <= DefaultMinThreshold {
		t.Errorf("threshold %.3f (%s) for a population whose tail passes the floor, want above %.2f", m.Threshold, m.Calibration.Method, DefaultMinThreshold)
	}
}

func TestModelFile(t *testing.T) {
	m := trained(t)
	m.Identities["198.51.100.7"] = knownAs(population(1, 4)[0])
	path := filepath.Join(t.TempDir(), "m.pcm")
	if err := m.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v := population(1, 11)[0]
	if a, b := m.Forest.Score(v[:]), got.Forest.Score(v[:]); a != b {
		t.Errorf("score %v after a round trip, %v before", b, a)
	}
	if got.ID != m.ID || got.Threshold != m.Threshold || got.Identities["198.51.100.7"] == nil {
		t.Errorf("round trip lost fields: %+v", got)
	}

	var buf bytes.Buffer
	if err := m.Write(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	rewrite := func(edit func(map[string]any)) []byte {
		zr, _ := gzip.NewReader(bytes.NewReader(good))
		var doc map[string]any
		if err := json.NewDecoder(zr).Decode(&doc); err != nil {
			t.Fatal(err)
		}
		edit(doc)
		var out bytes.Buffer
		zw := gzip.NewWriter(&out)
		json.NewEncoder(zw).Encode(doc)
		zw.Close()
		return out.Bytes()
	}
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"a truncated file is corrupt", good[:len(good)/2], ErrCorruptModel},
		{"a file that is not gzip is corrupt", []byte("{}"), ErrCorruptModel},
		{"a file of a newer version is refused", rewrite(func(d map[string]any) { d["version"] = 2 }), ErrModelVersion},
		{"a file of another format is corrupt", rewrite(func(d map[string]any) { d["format"] = "x" }), ErrCorruptModel},
		{"a damaged forest is corrupt", rewrite(func(d map[string]any) { d["forest"] = "AAAA" }), ErrCorruptModel},
		{"a model of other features is refused", rewrite(func(d map[string]any) {
			d["features"] = d["features"].([]any)[1:]
		}), ErrModelFeatures},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(bytes.NewReader(tt.data))
			if !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestVolumeLimit(t *testing.T) {
	peaks := make([]float64, 1000)
	for i := range peaks {
		peaks[i] = float64(i + 1) // 1..1000 requests
	}
	m := trained(t)
	m.SetVolumeLimit(peaks, TrainConfig{})
	l := m.Volume
	if l.Peak < 975 || l.Peak > 985 || l.Requests != math.Ceil(2*l.Peak) || l.Clients != 1000 || l.Over != 0 {
		t.Fatalf("limit %+v, want 2 × the 98th percentile (~980) of 1000 peaks, none of them over it", l)
	}

	flood := population(1, 5)[0]
	flood[features.Volume] = l.Requests + 1
	below := flood
	below[features.Volume] = l.Requests - 1
	tests := []struct {
		name  string
		v     features.Vector
		known bool
		keyed float64
		urls  int
		want  bool
	}{
		{"an anonymous unknown client on two URLs past the limit", flood, false, 0, 2, true},
		{"the same client known from training is judged by its history", flood, true, 0, 2, false},
		{"the same client sending an API key is accountable", flood, false, 0.9, 2, false},
		{"a client walking many URLs (a crawler) is not a flood", flood, false, 0, 20, false},
		{"a client below the limit", below, false, 0, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ident *IdentityBaseline
			if tt.known {
				ident = &IdentityBaseline{}
			}
			var r Result
			m.Judge(&tt.v, ident, &r)
			before := r
			m.CheckVolume(&tt.v, tt.keyed, tt.urls, &r)
			if r.OverVolume != tt.want {
				t.Fatalf("OverVolume = %v, want %v", r.OverVolume, tt.want)
			}
			if !tt.want {
				if r != before {
					t.Fatalf("CheckVolume changed a result it did not apply to: %+v -> %+v", before, r)
				}
				return
			}
			if r.NReasons == 0 || r.Reasons[0].Feature != features.Volume || r.Reasons[0].Typical != l.Peak {
				t.Fatalf("reasons %+v do not lead with requests_2m against the training peak", r.Reasons[:r.NReasons])
			}
			for i := 1; i < r.NReasons; i++ {
				if r.Reasons[i].Feature == features.Volume {
					t.Fatalf("requests_2m given twice: %+v", r.Reasons[:r.NReasons])
				}
			}
		})
	}

	t.Run("too few clients leave the rule off", func(t *testing.T) {
		m.SetVolumeLimit(peaks[:150], TrainConfig{})
		if m.Volume.Requests != 0 || m.Volume.Exceeded(&flood, false, 0, 1) {
			t.Fatalf("limit %+v from 150 clients", m.Volume)
		}
	})
	t.Run("a negative factor turns the rule off", func(t *testing.T) {
		m.SetVolumeLimit(peaks, TrainConfig{VolumeFactor: -1})
		if m.Volume.Requests != 0 {
			t.Fatalf("limit %+v with factor -1", m.Volume)
		}
	})
	t.Run("a model file keeps the limit", func(t *testing.T) {
		m.SetVolumeLimit(peaks, TrainConfig{})
		var buf bytes.Buffer
		if err := m.Write(&buf); err != nil {
			t.Fatal(err)
		}
		got, err := Read(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if got.Volume != m.Volume {
			t.Fatalf("read back %+v, wrote %+v", got.Volume, m.Volume)
		}
	})
}
