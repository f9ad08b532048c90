package models

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
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
	pop := population(4000, 1)
	m, err := Fit(pop, TrainConfig{Forest: ForestConfig{Seed: 7}})
	if err != nil {
		t.Fatal(err)
	}
	calibrate(m, pop)
	m.SetMarkerWeights([features.NumMarkers]int64{}, 100_000)
	return m
}

// calibratedOn returns a model fitted and calibrated on pop, each vector
// one client's peak.
func calibratedOn(t testing.TB, pop []features.Vector) *Model {
	t.Helper()
	m, err := Fit(pop, TrainConfig{Forest: ForestConfig{Seed: 7}})
	if err != nil {
		t.Fatal(err)
	}
	calibrate(m, pop)
	return m
}

// calibrate fits m's tails on pop, each vector one client's peak.
func calibrate(m *Model, pop []features.Vector) {
	fitFeatureTails(m, pop)
	m.Calibrate(peaksOf(m, pop), TrainConfig{})
}

// fitFeatureTails fits m's feature tails on pop, as training's first pass
// does.
func fitFeatureTails(m *Model, pop []features.Vector) {
	pts := make([]Point, len(pop))
	for i := range pop {
		Transform(&pop[i], &pts[i])
	}
	m.FitFeatureTails(pts)
}

// fitted fits a model and its feature tails on pop and returns it with
// pop's peaks, for a test to change before it calibrates.
func fitted(t *testing.T, pop []features.Vector) (*Model, []SignalPeaks) {
	t.Helper()
	m, err := Fit(pop, TrainConfig{Forest: ForestConfig{Seed: 7}})
	if err != nil {
		t.Fatal(err)
	}
	fitFeatureTails(m, pop)
	return m, peaksOf(m, pop)
}

// peaksOf treats each vector as one client's peak and measures every
// signal of it, as training's second pass does.
func peaksOf(m *Model, vs []features.Vector) []SignalPeaks {
	out := make([]SignalPeaks, len(vs))
	for i := range vs {
		var p Point
		Transform(&vs[i], &p)
		copy(out[i][:], p[:])
		out[i][SignalForest] = m.Forest.Score(p[:])
	}
	return out
}

func TestJudge(t *testing.T) {
	m := trained(t)
	typical := population(1, 99)[0]
	flood := typical
	flood[features.Rate], flood[features.Volume] = 300, 200
	fastOnly := typical
	fastOnly[features.Rate] = 60 // nothing else unusual
	quiet := typical
	quiet[features.Rate], quiet[features.Volume] = 0.001, 0.001
	guessing := typical
	guessing[features.AuthFailRatio] = 0.8

	tests := []struct {
		name      string
		v         features.Vector
		ident     *IdentityBaseline
		wantBlock bool
		reason    string
	}{
		{"a typical client is not blocked", typical, nil, false, ""},
		{"a flooding client is blocked for its rate", flood, nil, true, "rate"},
		{"one feature far past every training client decides alone", fastOnly, nil, true, "rate"},
		{"a client failing logins it never failed before is blocked", guessing, nil, true, "auth_fail_ratio"},
		{"an unusually quiet client is not blocked, since quiet is harmless", quiet, nil, false, ""},
		{"a known client doing what it always did is not blocked", flood, knownAs(flood), false, ""},
		{"a known client's history excuses only what it did: failures it never had still block", guessing, knownAs(flood), true, "auth_fail_ratio"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r Result
			m.Judge(&tt.v, 0, 0, tt.ident, &r)
			if block := r.Score >= m.Threshold; block != tt.wantBlock {
				t.Fatalf("block = %v (surprise %.2f, threshold %.2f, reasons %+v), want %v", r.Score >= m.Threshold, r.Score, m.Threshold, r.Reasons[:r.NReasons], tt.wantBlock)
			}
			if tt.reason != "" && (r.NReasons == 0 || SignalName(r.Reasons[0].Signal) != tt.reason) {
				t.Errorf("first reason is not %s: %+v", tt.reason, r.Reasons[:r.NReasons])
			}
		})
	}
}

func TestJudgeReasonSaysHowRare(t *testing.T) {
	m := trained(t)
	v := population(1, 99)[0]
	v[features.Rate] = 60
	var r Result
	m.Judge(&v, 0, 0, nil, &r)
	if r.NReasons == 0 {
		t.Fatal("no reason")
	}
	x := r.Reasons[0]
	if !x.Beyond || x.Value != 60 || x.Surprise < m.Threshold || x.Typical <= 0 || x.Typical > 1 {
		t.Errorf("reason %+v: want rate 60 beyond every training client, typical under 1 req/s, surprise past the threshold %.2f", x, m.Threshold)
	}
}

func knownAs(v features.Vector) *IdentityBaseline {
	var p Point
	Transform(&v, &p)
	return &IdentityBaseline{High: p, Typical: p, MaxScore: 1}
}

func TestJudgeDoesNotAllocate(t *testing.T) {
	m := trained(t)
	v := population(1, 3)[0]
	v[features.Rate] = 100
	var r Result
	if a := testing.AllocsPerRun(100, func() { m.Judge(&v, 3, 0, nil, &r) }); a != 0 {
		t.Errorf("Judge allocates %v times, want 0", a)
	}
}

func TestThresholdIsTheBudget(t *testing.T) {
	// One normal client in 10,000 over 16 signals: each may pass for one in
	// 160,000.
	if got := Threshold(1, 16); math.Abs(got-math.Log10(160_000)) > 1e-9 {
		t.Errorf("Threshold(1, 16) = %v, want log10(160000)", got)
	}
	if Threshold(10, 16) >= Threshold(1, 16) {
		t.Error("a larger budget does not lower the threshold")
	}
}

// TestCalibrationBlocksAboutTheBudget: on a fresh recording of the same
// population, the share of normal clients whose surprise reaches the
// threshold stays near the budget (the tails are not fitted to the clients
// they judge), and well under ten times it.
func TestCalibrationBlocksAboutTheBudget(t *testing.T) {
	m := trained(t)
	fresh := population(200_000, 77)
	blocked := 0
	var r Result
	for i := range fresh {
		m.Judge(&fresh[i], 0, 0, nil, &r)
		if r.Score >= m.Threshold {
			blocked++
		}
	}
	per10k := float64(blocked) / float64(len(fresh)) * 10_000
	if per10k > 10*DefaultBudget {
		t.Errorf("%d of %d fresh normal clients blocked (%.1f per 10,000), budget %v", blocked, len(fresh), per10k, DefaultBudget)
	}
	t.Logf("%d of %d fresh normal clients blocked (%.2f per 10,000)", blocked, len(fresh), per10k)
}

// TestCalibrateResistsHiddenAttacks: 1 % of the training clients are
// floods far past the rest; the tail ignores them, so the same floods on
// the test day are still decisive.
func TestCalibrateResistsHiddenAttacks(t *testing.T) {
	pop := population(4000, 1)
	rng := rand.New(rand.NewPCG(5, 5))
	for range 40 {
		v := pop[0]
		v[features.Rate] = 20 + 30*rng.Float64()
		v[features.Volume] = 500 + 500*rng.Float64()
		pop = append(pop, v)
	}
	m, err := Fit(pop, TrainConfig{Forest: ForestConfig{Seed: 7}})
	if err != nil {
		t.Fatal(err)
	}
	calibrate(m, pop)
	if m.Calibration.AboveThreshold < 40 {
		t.Errorf("%d training clients reach the threshold; the 40 hidden floods should", m.Calibration.AboveThreshold)
	}
	flood := population(1, 99)[0]
	flood[features.Rate], flood[features.Volume] = 25, 600
	var r Result
	m.Judge(&flood, 0, 0, nil, &r)
	if r.Score < m.Threshold {
		t.Errorf("a flood like the hidden ones scores %.2f, threshold %.2f", r.Score, m.Threshold)
	}
}

func TestTailFollowsTheBody(t *testing.T) {
	peaks := make([]float64, 10_000)
	for i := range peaks {
		peaks[i] = float64(i) / float64(len(peaks)) // uniform on [0,1)
	}
	tail := FitTail(peaks, 0.01)
	for _, tt := range []struct{ x, share float64 }{{0.5, 0.5}, {0.9, 0.1}, {0.98, 0.02}} {
		if got := math.Pow(10, tail.Log10Share(tt.x)); math.Abs(got-tt.share) > 0.01 {
			t.Errorf("share reaching %v is %.3f, want %.3f", tt.x, got, tt.share)
		}
	}
	if tail.Surprise(-1) != 0 {
		t.Error("a value below every peak is surprising")
	}
	if a, b := tail.Surprise(1.0), tail.Surprise(1.1); !(b > a && a > 1.7) {
		t.Errorf("surprise does not rise past the cut: %.2f then %.2f", a, b)
	}
}

func TestTailValueInvertsSurprise(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	peaks := make([]float64, 5000)
	for i := range peaks {
		if rng.Float64() < 0.6 {
			peaks[i] = 0 // most clients at zero, as for a failure ratio
		} else {
			peaks[i] = rng.ExpFloat64()
		}
	}
	tail := FitTail(peaks, 0.05)
	// Past the 60 % of clients at zero, where the share falls continuously.
	for _, s := range []float64{0.5, 1, 1.5, 1.7, 2, 3, 6} {
		x := tail.Value(s)
		if got := tail.Surprise(x); math.Abs(got-s) > 1e-9 {
			t.Errorf("Surprise(Value(%v)) = %v (value %v)", s, got, x)
		}
	}
	if tail.Value(0) != tail.X[0] {
		t.Errorf("Value(0) = %v, want the lowest peak %v", tail.Value(0), tail.X[0])
	}
}

// TestCountTail checks a counted feature's tail: a hundred refused requests
// where users meet a handful decide alone, where the same peaks fitted in
// model space (log1p) would call them a one-in-a-thousand; and a known
// client whose own peak was past the cut is judged on its count scaled by
// that peak.
func TestCountTail(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	peaks := make([]float64, 4000)
	for i := range peaks {
		n := 0.0
		if rng.Float64() < 0.2 { // a fifth of the users meet a few failures
			n = math.Floor(rng.ExpFloat64() * 1.5)
		}
		if i < 60 { // the stuffing addresses of the recording, a few failures each
			n = 3 + float64(rng.IntN(5))
		}
		peaks[i] = math.Log1p(n)
	}
	logTail := FitTail(slices.Clone(peaks), 0.3)
	tail := FitCountTail(slices.Clone(peaks), countMinScale)
	hundred := math.Log1p(100)
	if s := tail.Surprise(hundred); s < 8 {
		t.Errorf("100 refused requests have surprise %.2f in counts, want it decisive", s)
	}
	if s := logTail.Surprise(hundred); s > tail.Surprise(hundred) {
		t.Errorf("the power-law tail (%.2f) is thinner than the geometric one", s)
	}
	if s := tail.Surprise(math.Log1p(2)); s > 1.5 {
		t.Errorf("2 refused requests have surprise %.2f", s)
	}
	if got := tail.Surprise(tail.Value(5)); math.Abs(got-5) > 1e-6 {
		t.Errorf("Surprise(Value(5)) = %v", got)
	}
	if !tail.Beyond(hundred) || tail.Beyond(math.Log1p(1)) {
		t.Error("Beyond does not read model space")
	}

	m := &Model{}
	i := features.RefusedCount
	m.Tails[i] = tail
	crawler := &IdentityBaseline{}
	crawler.High[i] = math.Log1p(40) // met 40 missing pages in training
	if s := m.excused(i, math.Log1p(80), crawler); s >= 4 {
		t.Errorf("a crawler at twice its own peak has surprise %.2f", s)
	}
	if s := m.excused(i, math.Log1p(2000), crawler); s < 5 {
		t.Errorf("a crawler at fifty times its own peak has surprise %.2f", s)
	}
	quiet := &IdentityBaseline{}
	if a, b := m.excused(i, hundred, quiet), tail.Surprise(hundred); a != b {
		t.Errorf("a known client with no failures in training is excused: %.2f, not %.2f", a, b)
	}
}

func TestPayloadEvidence(t *testing.T) {
	var m Model
	var clients [features.NumMarkers]int64
	names := features.MarkerNames()
	common := slices.Index(names, "&&")
	clients[common] = 300 // a search for "rock && roll" now and then
	m.SetMarkerWeights(clients, 400_000)
	w := m.MarkerWeightsByIndex()
	unseen := w[slices.Index(names, "union select")]
	if unseen <= w[common]+2 {
		t.Fatalf("a marker training never saw weighs %.2f, a common one %.2f", unseen, w[common])
	}
	tests := []struct {
		name                     string
		weight, marked, requests float64
		atLeast, atMost          float64
	}{
		{"no marker is no evidence", 0, 0, 10, 0, 0},
		{"one common marker in ten requests is weak", w[common], 1, 10, 0, 3},
		{"two markers training never saw in ten requests are strong", 2 * unseen, 2, 10, 9, 99},
		{"one unseen marker in a thousand requests is weaker than in ten", unseen, 1, 1000, 0, unseen - 2.9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if e := PayloadEvidence(tt.weight, tt.marked, tt.requests); e < tt.atLeast || e > tt.atMost {
				t.Errorf("evidence %.2f, want in [%v, %v]", e, tt.atLeast, tt.atMost)
			}
		})
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
	for i := range m.Tails {
		if a, b := m.Tails[i].Surprise(0.7), got.Tails[i].Surprise(0.7); a != b {
			t.Errorf("%s: surprise %v after a round trip, %v before", SignalName(i), b, a)
		}
	}
	if a, b := m.MarkerWeightsByIndex(), got.MarkerWeightsByIndex(); !slices.Equal(a, b) {
		t.Errorf("marker weights %v after a round trip, %v before", b, a)
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
		{"a file of a newer version is refused", rewrite(func(d map[string]any) { d["version"] = 3 }), ErrModelVersion},
		{"a file of the previous version is refused", rewrite(func(d map[string]any) { d["version"] = 1 }), ErrModelVersion},
		{"a model without the tail of a signal is corrupt", rewrite(func(d map[string]any) {
			d["tails"].([]any)[0] = map[string]any{}
		}), ErrCorruptModel},
		{"a file of another format is corrupt", rewrite(func(d map[string]any) { d["format"] = "x" }), ErrCorruptModel},
		{"a damaged forest is corrupt", rewrite(func(d map[string]any) { d["forest"] = "AAAA" }), ErrCorruptModel},
		{"a payload fragments' weight of an endpoint below the least is corrupt", rewrite(func(d map[string]any) {
			d["marker_endpoints"] = []any{map[string]any{"endpoint": "GET /search", "template": 7, "clients": 40, "requests": 100, "weight": -1}}
		}), ErrCorruptModel},
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

func TestLargeSize(t *testing.T) {
	sizes := make([]int64, 0, 300)
	for i := range 300 {
		sizes = append(sizes, int64(1+i)<<20) // 1 MiB to 300 MiB
	}
	// 1,000 clients, 300 of them with a body: one in a hundred is the
	// tenth largest, whatever a few uploading attackers send.
	if got, want := LargeSize(slices.Clone(sizes), 1000), int64(291)<<20; got != want {
		t.Errorf("LargeSize = %d, want %d (the tenth largest)", got, want)
	}
	attacks := append(slices.Clone(sizes), 5<<30, 5<<30, 5<<30)
	if got, want := LargeSize(attacks, 1003), int64(293)<<20; got != want {
		t.Errorf("with three attackers among 1,003 clients, LargeSize = %d, want %d", got, want)
	}
	if got := LargeSize([]int64{1 << 30}, 1000); got != MinLargeSize {
		t.Errorf("one body among 1,000 clients: LargeSize = %d, want MinLargeSize", got)
	}
	if got := LargeSize([]int64{100, 200, 300}, 3); got != MinLargeSize {
		t.Errorf("small bodies: LargeSize = %d, want at least MinLargeSize", got)
	}
}

// TestLargeTailFollowsTheUploaders: the count of large requests falls off
// as the training clients that upload show, not at e² an upload, and the
// few upload attacks in training do not widen it.
func TestLargeTailFollowsTheUploaders(t *testing.T) {
	// 5,000 clients; 60 upload: 30 once, 15 twice, 10 three times, 5 five
	// times (a family's passports); 4 attackers upload 20 times each.
	peaks := make([]float64, 5000)
	counts := []struct{ n, uploads int }{{30, 1}, {15, 2}, {10, 3}, {5, 5}, {4, 20}}
	i := 0
	for _, c := range counts {
		for range c.n {
			peaks[i] = math.Log1p(float64(c.uploads))
			i++
		}
	}
	strict := FitCountTail(slices.Clone(peaks), largeMinScale)
	tail := fitLargeTail(slices.Clone(peaks))
	// 19 of 5,000 clients uploaded three times or more: surprise 2.4.
	three := math.Log1p(3)
	if s := tail.Surprise(three); s > 3.2 {
		t.Errorf("3 uploads have surprise %.2f, where 19 of 5,000 training clients reached it (2.4)", s)
	}
	if s := strict.Surprise(three); s < tail.Surprise(three)+1 {
		t.Errorf("at e² an upload, 3 uploads have surprise %.2f, not rarer than the fitted %.2f", s, tail.Surprise(three))
	}
	if s := tail.Surprise(math.Log1p(20)); s < 6 {
		t.Errorf("20 uploads have surprise %.2f, want them decisive", s)
	}
	// Twice as many attackers in training change nothing.
	for j := range 4 {
		peaks[i+j] = math.Log1p(20)
	}
	if more := fitLargeTail(slices.Clone(peaks)); math.Abs(more.Beta-tail.Beta) > 1e-9 {
		t.Errorf("4 more attackers moved the fall-off from %.3f to %.3f", tail.Beta, more.Beta)
	}
	// Where hardly anyone uploads, the fall-off is largeMinScale's.
	few := make([]float64, 5000)
	few[0], few[1] = math.Log1p(1), math.Log1p(2)
	if got := fitLargeTail(few).Beta; got != largeMinScale {
		t.Errorf("two uploaders of 5,000: fall-off %.3f, want largeMinScale", got)
	}
}

// TestJudgeCountsLargeRequests: when one client in a hundred sent one
// large request in training, a dozen in minutes decides alone, a couple
// do not, and a known client that sent as many in training is excused.
func TestJudgeCountsLargeRequests(t *testing.T) {
	pop := population(4000, 1)
	m, peaks := fitted(t, pop)
	for i := range peaks {
		switch {
		case i%100 == 0:
			peaks[i][SignalLarge] = math.Log1p(1)
		case i%1000 == 1:
			peaks[i][SignalLarge] = math.Log1p(2)
		}
	}
	m.Calibrate(peaks, TrainConfig{})
	v := pop[5]
	var r Result
	m.Judge(&v, 0, 12, nil, &r)
	if r.Score < m.Threshold || r.NReasons == 0 || r.Reasons[0].Signal != SignalLarge || r.Reasons[0].Value != 12 {
		t.Errorf("12 large requests: score %.2f (threshold %.2f), reasons %+v; want large_requests_10m past the threshold", r.Score, m.Threshold, r.Reasons[:r.NReasons])
	}
	if SignalName(r.Reasons[0].Signal) != "large_requests_10m" {
		t.Errorf("the signal is named %q", SignalName(r.Reasons[0].Signal))
	}
	m.Judge(&v, 0, 2, nil, &r)
	if r.Score >= m.Threshold {
		t.Errorf("2 large requests: score %.2f, past the threshold %.2f", r.Score, m.Threshold)
	}
	known := knownAs(v)
	known.MaxLarge = math.Log1p(12)
	m.Judge(&v, 0, 12, known, &r)
	if r.Score >= m.Threshold {
		t.Errorf("12 large requests from a client that sent 12 in training: score %.2f, past the threshold %.2f", r.Score, m.Threshold)
	}
}

func TestJudgeHoldsRefusalCountsToTheirShare(t *testing.T) {
	pop := population(4000, 1)
	rng := rand.New(rand.NewPCG(5, 1))
	for i := range pop {
		if i%10 == 0 { // a tenth of the clients meet a few refusals
			v := &pop[i]
			v[features.NotFoundRatio] = 0.05 + 0.15*rng.Float64()
			v[features.AuthFailRatio] = 0.05 * rng.Float64()
			v[features.RefusedCount] = 1 + 3*rng.Float64()
			v[features.RefusedLong] = 1.5 * v[features.RefusedCount]
			v[features.RefusedPaths] = float64(1 + rng.IntN(3))
		}
	}
	m := calibratedOn(t, pop)
	busy := pop[0] // a share of refusals like a tenth of the clients', from many more requests
	busy[features.NotFoundRatio], busy[features.AuthFailRatio] = 0.1, 0
	busy[features.RefusedCount], busy[features.RefusedLong], busy[features.RefusedPaths] = 40, 100, 9
	if s := m.Tails[features.RefusedLong].Surprise(math.Log1p(100)); s < m.Threshold+2 {
		t.Fatalf("100 refusals in 10 min have surprise %.2f alone, under the threshold %.2f + 2: the test shows nothing", s, m.Threshold)
	}
	var r Result
	m.Judge(&busy, 0, 0, nil, &r)
	if r.Score >= m.Threshold {
		t.Errorf("a busy client with an ordinary refused share: score %.2f, past the threshold %.2f (reasons %+v)", r.Score, m.Threshold, r.Reasons[:r.NReasons])
	}
	// Its refusals are all missing ids, at a share a tenth of the
	// clients reach in missing ids and none in failed credentials: the
	// share is read on the missing ids' tail, not on the thinner one.
	lookups := busy
	lookups[features.NotFoundRatio] = 0.18
	m.Judge(&lookups, 0, 0, nil, &r)
	if r.Score >= m.Threshold {
		t.Errorf("a busy client missing ids at an ordinary share: score %.2f, past the threshold %.2f (reasons %+v)", r.Score, m.Threshold, r.Reasons[:r.NReasons])
	}
	guesser := busy // the same counts from a client refused most of the time
	guesser[features.NotFoundRatio], guesser[features.AuthFailRatio] = 0.5, 0.3
	m.Judge(&guesser, 0, 0, nil, &r)
	if r.Score < m.Threshold+1 || r.NReasons == 0 {
		t.Fatalf("a guesser: score %.2f, want a tenfold past the threshold %.2f", r.Score, m.Threshold)
	}
	switch r.Reasons[0].Signal {
	case features.RefusedCount, features.RefusedLong, features.RefusedPaths, features.NotFoundRatio, features.AuthFailRatio:
	default:
		t.Errorf("a guesser's first reason is %s; want a refusal signal", SignalName(r.Reasons[0].Signal))
	}
}

// TestJudgeDoesNotHoldAClientRefusedMostOfTheTime: where the training
// day's own guessers (3 % of its clients, past the tails' 2 % cut) are
// refused on nearly every request, a refused share of 0.95 reads as
// ordinary, and holding the counts to it would call an enumerator refused
// a hundred times ordinary too. A client refused on half its requests or
// more is not held; one refused now and then still is.
func TestJudgeDoesNotHoldAClientRefusedMostOfTheTime(t *testing.T) {
	pop := population(4000, 1)
	rng := rand.New(rand.NewPCG(9, 1))
	for i := range pop {
		v := &pop[i]
		switch {
		case i%33 == 0: // the training day's guessers
			v[features.NotFoundRatio] = 0.85 + 0.1*rng.Float64()
			v[features.RefusedCount] = 2 + 20*rng.Float64()
			v[features.RefusedLong] = 1.5 * v[features.RefusedCount]
			v[features.RefusedPaths] = float64(2 + rng.IntN(20))
		case i%10 == 0: // users who meet a few refusals
			v[features.NotFoundRatio] = 0.05 + 0.15*rng.Float64()
			v[features.RefusedCount] = 1 + 3*rng.Float64()
			v[features.RefusedLong] = 1.5 * v[features.RefusedCount]
			v[features.RefusedPaths] = float64(1 + rng.IntN(3))
		}
	}
	m := calibratedOn(t, pop)
	enumerator := pop[1]
	enumerator[features.NotFoundRatio], enumerator[features.AuthFailRatio] = 0.95, 0
	enumerator[features.RefusedCount], enumerator[features.RefusedLong], enumerator[features.RefusedPaths] = 80, 150, 32
	if s := m.Tails[features.NotFoundRatio].Surprise(0.95); s+refusedCountMargin >= m.Threshold {
		t.Fatalf("a share of 0.95 has surprise %.2f; held two digits past it, its counts would reach the threshold %.2f: the test shows nothing", s, m.Threshold)
	}
	var r Result
	m.Judge(&enumerator, 0, 0, nil, &r)
	if r.Score < m.Threshold {
		t.Errorf("an enumerator refused 150 times in 10 min, on 95 %% of its requests: score %.2f, under the threshold %.2f (reasons %+v)", r.Score, m.Threshold, r.Reasons[:r.NReasons])
	}
	busy := enumerator // the same counts from a client refused one time in ten
	busy[features.NotFoundRatio] = 0.1
	m.Judge(&busy, 0, 0, nil, &r)
	if r.Score >= m.Threshold {
		t.Errorf("a busy client refused one time in ten: score %.2f, past the threshold %.2f (reasons %+v)", r.Score, m.Threshold, r.Reasons[:r.NReasons])
	}
}

func TestJudgeEarlyReadsOnlyWhatOneRequestCarries(t *testing.T) {
	m := trained(t)
	pop := population(4000, 1)
	v := pop[5]
	var r Result
	// A rate and a volume no training client reached: a full judgement
	// calls them rare, an early one does not read them (one to three
	// requests make any rate).
	v[features.Rate] *= 1000
	v[features.Volume] *= 1000
	m.Judge(&v, 0, 0, nil, &r)
	if r.Score < m.Threshold {
		t.Fatalf("a thousandfold rate: full judgement scored %.2f, under the threshold %.2f", r.Score, m.Threshold)
	}
	m.JudgeEarly(&v, 0, 0, nil, &r)
	if r.Score >= reasonMin || r.NReasons != 0 || r.Scored || r.Forest != 0 {
		t.Errorf("early judgement of an ordinary first request: score %.2f, reasons %+v; want none", r.Score, r.Reasons[:r.NReasons])
	}
	// One upload a thousand times the most the training clients sent in
	// two minutes decides alone.
	v[features.ReqBytesTotal] = 1000 * max(math.Expm1(m.Tails[features.ReqBytesTotal].Max), 100_000)
	m.JudgeEarly(&v, 0, 1, nil, &r)
	if r.Score < m.Threshold+1 || r.NReasons == 0 || r.Reasons[0].Signal != features.ReqBytesTotal || !r.Reasons[0].Beyond {
		t.Errorf("a thousandfold upload: early score %.2f (threshold %.2f), reasons %+v; want req_bytes_2m beyond every training client", r.Score, m.Threshold, r.Reasons[:r.NReasons])
	}
	// Payload evidence is read as in a full judgement.
	v = pop[5]
	m.JudgeEarly(&v, 9, 0, nil, &r)
	var full Result
	m.Judge(&v, 9, 0, nil, &full)
	if r.NReasons == 0 || r.Reasons[0].Signal != SignalPayload || r.Score != full.Score {
		t.Errorf("payload evidence 9: early score %.2f, reasons %+v; full judgement %.2f", r.Score, r.Reasons[:r.NReasons], full.Score)
	}
	if a := testing.AllocsPerRun(100, func() { m.JudgeEarly(&v, 9, 1, nil, &r) }); a != 0 {
		t.Errorf("JudgeEarly allocates %v times", a)
	}
}

// TestJudgeHoldsSizesToTheCountOfLargeRequests: on a recording where a few
// clients in a thousand uploaded a picture, one upload of that size is
// held to what one large request is worth, many of them are not, one a
// little past the largest training client's is still held, and a size far
// past every training client keeps its own surprise.
func TestJudgeHoldsSizesToTheCountOfLargeRequests(t *testing.T) {
	pop := population(4000, 1)
	for i := 0; i < len(pop); i += 500 { // 8 clients in 4000 upload 5 MB
		pop[i][features.ReqBytes], pop[i][features.ReqBytesTotal] = 5e6, 5e6
	}
	m, peaks := fitted(t, pop)
	for i := 0; i < len(peaks); i += 500 {
		peaks[i][SignalLarge] = math.Log1p(1)
	}
	m.Calibrate(peaks, TrainConfig{})
	picture := pop[5]
	picture[features.ReqBytes], picture[features.ReqBytesTotal] = 1e6, 1e6
	var r Result
	m.Judge(&picture, 0, 1, nil, &r)
	if raw := m.Tails[features.ReqBytes].Surprise(math.Log1p(1e6)); raw < m.Threshold {
		t.Fatalf("a 1 MB request has surprise %.2f on the req_bytes tail, under the threshold %.2f; the test needs a tail that calls it rare", raw, m.Threshold)
	}
	m.LargeSize = MinLargeSize
	m.Judge(&picture, 0, 1, nil, &r)
	if r.Score >= m.Threshold {
		t.Errorf("one 1 MB picture scores %.2f, threshold %.2f, reasons %+v; want its size held to what one large request is worth", r.Score, m.Threshold, r.Reasons[:r.NReasons])
	}
	m.Judge(&picture, 0, 12, nil, &r)
	if r.Score < m.Threshold {
		t.Errorf("twelve 1 MB uploads score %.2f, under the threshold %.2f", r.Score, m.Threshold)
	}
	// A little past the training's largest is where the next day's
	// uploaders land: held still.
	larger := picture
	larger[features.ReqBytes], larger[features.ReqBytesTotal] = 6e6, 6e6
	if !m.Tails[features.ReqBytesTotal].Beyond(math.Log1p(6e6)) {
		t.Fatal("6 MB is not past every training client; the test needs it to be")
	}
	m.Judge(&larger, 0, 1, nil, &r)
	if r.Score >= m.Threshold {
		t.Errorf("one 6 MB upload, a fifth past the training's largest: score %.2f, threshold %.2f, reasons %+v; want it held", r.Score, m.Threshold, r.Reasons[:r.NReasons])
	}
	huge := picture
	huge[features.ReqBytes], huge[features.ReqBytesTotal] = 1e9, 1e9
	m.Judge(&huge, 0, 1, nil, &r)
	if x := r.Reasons[0]; r.Score < m.Threshold+1 || x.Signal != features.ReqBytes && x.Signal != features.ReqBytesTotal || !x.Beyond {
		t.Errorf("one 1 GB upload, past every training client: score %.2f (threshold %.2f), reasons %+v", r.Score, m.Threshold, r.Reasons[:r.NReasons])
	}
}

func TestNewKeyBaselineExcusesOnlyHowBusy(t *testing.T) {
	m := trained(t)
	if m.NewKeyBaseline() != nil {
		t.Fatal("a baseline for new keys from a model without recurring keys")
	}
	v := population(1, 9)[0]
	v[features.Rate], v[features.Volume] = 40, 4000
	var pk IdentityBaseline
	pk.Typical[features.Rate], pk.Typical[features.Volume] = math.Log1p(50), math.Log1p(5000)
	pk.Typical[features.AuthFailRatio], pk.High[features.AuthFailRatio] = 0.9, 0.9
	pk.MaxScore = 1
	m.KeyIdentities = map[string]*IdentityBaseline{"pk_partner": &pk, "pk_other": {}}
	b := m.NewKeyBaseline()
	var r Result
	m.Judge(&v, 0, 0, b, &r)
	if r.Score >= reasonMin || r.Known {
		t.Errorf("a new key as busy as a known one: score %.2f, known %v, reasons %+v; want excused and not known", r.Score, r.Known, r.Reasons[:r.NReasons])
	}
	v[features.AuthFailRatio] = 0.9
	m.Judge(&v, 0, 0, b, &r)
	if s := m.Tails[features.AuthFailRatio].Surprise(0.9); s < m.Threshold || r.Score < s {
		t.Errorf("a new key failing 90 %% of its requests scores %.2f; that ratio alone has surprise %.2f (threshold %.2f)", r.Score, s, m.Threshold)
	}
}

// TestJudgeFarPastTheBusiestClientDecides: where the training clients'
// rates have a heavy tail (a power law of exponent 0.8), a flood four
// times the busiest of them reads on that tail as only a few times rarer
// than the busiest; past the highest value of the recording it is a
// hundred times rarer, and decides alone.
func TestJudgeFarPastTheBusiestClientDecides(t *testing.T) {
	pop := population(4000, 1)
	rng := rand.New(rand.NewPCG(11, 1))
	for i := range pop {
		v := &pop[i]
		v[features.Rate] = 0.2 * math.Pow(1-rng.Float64(), -1/0.8)
		v[features.Volume] = 60 * v[features.Rate]
	}
	m := calibratedOn(t, pop)
	busiest := math.Expm1(m.Tails[features.Rate].Max)
	flood := pop[1]
	flood[features.Rate] = 4 * busiest
	if s := m.Tails[features.Rate].Surprise(math.Log1p(flood[features.Rate])); s >= m.Threshold {
		t.Fatalf("the rate's tail alone gives four times the busiest client a surprise of %.2f, past the threshold %.2f: the test shows nothing", s, m.Threshold)
	}
	var r Result
	m.Judge(&flood, 0, 0, nil, &r)
	if r.Score < m.Threshold || r.NReasons == 0 || r.Reasons[0].Signal != features.Rate || !r.Reasons[0].Beyond {
		t.Errorf("a rate of %.1f, four times the busiest training client's %.1f: score %.2f (threshold %.2f), reasons %+v; want the rate to decide", flood[features.Rate], busiest, r.Score, m.Threshold, r.Reasons[:r.NReasons])
	}
	if got, want := m.pastHighest(features.Rate, math.Log1p(4*busiest)), math.Log10(float64(m.Tails[features.Rate].N))+2*pastDigits; math.Abs(got-want) > 1e-9 {
		t.Errorf("pastHighest at four times the busiest = %.3f, want %.3f", got, want)
	}
	if s := m.pastHighest(features.Rate, math.Log1p(busiest)); s != 0 {
		t.Errorf("pastHighest at the busiest client's own rate = %.2f, want 0", s)
	}
}

// TestVolumeLimit: a client past the volume limit that the site refuses
// for its pace is left to the site while what it is served stays under
// the limit (a fan reloading a page faster than the gateway allows), and
// is past the limit once that is over it too (a flood the gateway only
// thins out). In a crowd, the limit scales with it. A client past the
// limit over many URLs (a crawler, an office) is left to the score while
// no training client ever sent that much, and is past the limit beyond
// every one of them (a flood over an app's calls, each naming another id).
func TestVolumeLimit(t *testing.T) {
	l := VolumeLimit{Requests: 100, MaxURLs: 4}
	tests := []struct {
		name      string
		volume    float64
		throttled float64
		crowd     float64
		urls      int
		highest   float64
		want      bool
	}{
		{"past the limit, not throttled", 150, 0, 1, 1, 1000, true},
		{"past the limit, throttled now and then", 150, 0.1, 1, 1, 1000, true},
		{"throttled to half, served under the limit", 150, 0.5, 1, 1, 1000, false},
		{"throttled to half, served past it", 250, 0.5, 1, 1, 1000, true},
		{"a flood throttled 70 %, served past the limit", 800, 0.7, 1, 1, 1000, true},
		{"under the limit", 90, 0, 1, 1, 1000, false},
		{"past the limit, in a crowd twice the usual", 150, 0, 2, 1, 1000, false},
		{"past twice the limit, in a crowd twice the usual", 250, 0, 2, 1, 1000, true},
		{"past the limit, the site quieter than usual", 150, 0, 0.5, 1, 1000, true},
		{"past the limit on a few URLs", 150, 0, 1, 4, 900, true},
		{"past the limit on many URLs", 150, 0, 1, 10, 900, false},
		{"at the highest training client on many URLs", 900, 0, 1, 10, 900, false},
		{"beyond every training client on many URLs", 901, 0, 1, 10, 900, true},
		{"beyond every training client, under the limit", 50, 0, 1, 10, 40, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v features.Vector
			v[features.Volume] = tt.volume
			if got := l.Exceeded(&v, false, 0, false, tt.urls, tt.throttled, tt.crowd, tt.highest); got != tt.want {
				t.Errorf("Exceeded with requests_2m %v over %d URLs, %v throttled, crowd %v, highest training peak %v = %v, want %v", tt.volume, tt.urls, tt.throttled, tt.crowd, tt.highest, got, tt.want)
			}
		})
	}
}

// TestHighest checks that the busiest training client's peak comes back
// in the feature's own unit: requests for requests_2m (a log-scaled
// tail), refusals for refused_2m (a counted tail, already in counts).
func TestHighest(t *testing.T) {
	var m Model
	if _, ok := m.Highest(features.Volume); ok {
		t.Error("a model without a requests_2m tail has a highest peak")
	}
	m.Tails[features.Volume] = Tail{N: 100, Max: math.Log1p(857)}
	m.Tails[features.RefusedCount] = Tail{N: 100, Max: 12, Counted: true}
	if got, ok := m.Highest(features.Volume); !ok || math.Abs(got-857) > 1e-9 {
		t.Errorf("Highest(requests_2m) = %v, %v; want 857, true", got, ok)
	}
	if got, ok := m.Highest(features.RefusedCount); !ok || got != 12 {
		t.Errorf("Highest(refused_2m) = %v, %v; want 12, true", got, ok)
	}
}
