package models_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/portcullis/portcullis/models"
)

// forestData returns n rows of dim features, row-major: a standard gaussian
// cluster in which every 100th row (1 %) is replaced by an anomaly drawn
// uniformly from [-6, 6]^dim; labels[i] is true for those rows.
func forestData(n, dim int, seed uint64) (data []float64, labels []bool) {
	return forestDataSpread(n, dim, 6, seed)
}

// forestDataSpread is forestData with anomalies drawn from
// [-spread, spread]^dim; the smaller the spread, the more of them hide in
// the cluster.
func forestDataSpread(n, dim int, spread float64, seed uint64) (data []float64, labels []bool) {
	rng := rand.New(rand.NewPCG(seed, 42))
	data = make([]float64, n*dim)
	labels = make([]bool, n)
	for i := range n {
		labels[i] = i%100 == 0
		row := data[i*dim : (i+1)*dim]
		for j := range row {
			if labels[i] {
				row[j] = (2*rng.Float64() - 1) * spread
			} else {
				row[j] = rng.NormFloat64()
			}
		}
	}
	return data, labels
}

func mustFitForest(t testing.TB, data []float64, dim int, cfg models.ForestConfig) *models.Forest {
	t.Helper()
	f, err := models.FitForest(data, dim, cfg)
	if err != nil {
		t.Fatalf("FitForest: %v", err)
	}
	return f
}

func mustMarshalForest(t testing.TB, f *models.Forest) []byte {
	t.Helper()
	b, err := f.MarshalBinary()
	if err != nil {
		t.Fatalf("MarshalBinary: %v", err)
	}
	return b
}

func scoreAll(f *models.Forest, data []float64) []float64 {
	out := make([]float64, len(data)/f.Dim())
	f.ScoreBatch(data, out)
	return out
}

func TestForestSeed(t *testing.T) {
	data, _ := forestData(5000, 6, 1)
	tests := []struct {
		name         string
		seedA, seedB uint64
		wantSame     bool
	}{
		{"the same seed gives an identical forest and identical scores", 7, 7, true},
		{"seed zero is a seed like any other", 0, 0, true},
		{"different seeds give different forests and scores", 7, 8, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := mustFitForest(t, data, 6, models.ForestConfig{Seed: tt.seedA})
			b := mustFitForest(t, data, 6, models.ForestConfig{Seed: tt.seedB})
			sameBytes := bytes.Equal(mustMarshalForest(t, a), mustMarshalForest(t, b))
			sa, sb := scoreAll(a, data), scoreAll(b, data)
			differ := 0
			for i := range sa {
				if sa[i] != sb[i] {
					differ++
				}
			}
			if tt.wantSame && (!sameBytes || differ > 0) {
				t.Errorf("same bytes = %v, %d of %d scores differ; want identical forests", sameBytes, differ, len(sa))
			}
			if !tt.wantSame && (sameBytes || differ < len(sa)/2) {
				t.Errorf("same bytes = %v, only %d of %d scores differ; want different forests", sameBytes, differ, len(sa))
			}
		})
	}
}

func TestForestRanksAnomaliesHigh(t *testing.T) {
	tests := []struct {
		name string
		n    int
		dim  int
		cfg  models.ForestConfig
	}{
		{"anomalies rank high among 6 features with the defaults", 20000, 6, models.ForestConfig{Seed: 1}},
		{"anomalies rank high among 16 features with the defaults", 20000, 16, models.ForestConfig{Seed: 2}},
		{"anomalies rank high with a small sample and few trees", 20000, 6, models.ForestConfig{Trees: 25, SampleSize: 64, Seed: 3}},
		{"anomalies rank high when there are fewer rows than the sample size", 200, 6, models.ForestConfig{Seed: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, labels := forestData(tt.n, tt.dim, 99)
			f := mustFitForest(t, data, tt.dim, tt.cfg)
			scores := scoreAll(f, data)
			for i, s := range scores {
				if !(s > 0 && s < 1) {
					t.Fatalf("row %d scores %v, want it in (0, 1)", i, s)
				}
			}
			if auc := models.AUC(scores, labels); !(auc > 0.95) {
				t.Errorf("ROC AUC = %.4f, want > 0.95", auc)
			}
		})
	}
}

func TestForestScoreMatchesScoreBatch(t *testing.T) {
	tests := []struct {
		name  string
		rows  int
		trees int
	}{
		{"one row, fewer than four, takes the tail path", 1, 100},
		{"three rows are all tail", 3, 100},
		{"five rows have a tail of one", 5, 100},
		{"a block and a bit have a tail of three", 259, 100},
		{"many rows across blocks agree", 3001, 100},
		{"a number of trees that is not a multiple of four agrees", 1003, 7},
		{"a single tree agrees", 10, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, _ := forestData(tt.rows, 6, 5)
			// Sprinkle non-finite values; they must take the same path in both.
			for i := 3; i < len(data); i += 17 {
				data[i] = []float64{math.NaN(), math.Inf(1), math.Inf(-1)}[i%3]
			}
			train, _ := forestData(4000, 6, 6)
			f := mustFitForest(t, train, 6, models.ForestConfig{Trees: tt.trees, Seed: 11})
			batch := scoreAll(f, data)
			for i := range tt.rows {
				if s := f.Score(data[i*6 : (i+1)*6]); s != batch[i] {
					t.Errorf("row %d: Score = %v, ScoreBatch = %v", i, s, batch[i])
				}
			}
		})
	}
}

func TestForestScoreBatchLeavesTheRestOfOutAlone(t *testing.T) {
	data, _ := forestData(1000, 6, 1)
	f := mustFitForest(t, data, 6, models.ForestConfig{Seed: 1})
	out := []float64{-1, -1, -1, -1, -1, -1, -1}
	f.ScoreBatch(data[:5*6], out)
	if out[5] != -1 || out[6] != -1 {
		t.Errorf("out = %v; want out[5:] untouched", out)
	}
}

func TestForestToleratesNonFiniteValues(t *testing.T) {
	train, _ := forestData(2000, 3, 1)
	f := mustFitForest(t, train, 3, models.ForestConfig{Seed: 1})
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name   string
		x      []float64
		sameAs []float64 // when set, x must score exactly like this row
	}{
		{"a NaN row goes left everywhere, like -Inf", []float64{nan, nan, nan}, []float64{-inf, -inf, -inf}},
		{"one NaN feature goes left, like -Inf", []float64{0.5, nan, -0.2}, []float64{0.5, -inf, -0.2}},
		{"+Inf goes right everywhere, like the largest float", []float64{inf, inf, inf}, []float64{math.MaxFloat64, math.MaxFloat64, math.MaxFloat64}},
		{"a mix of NaN and Inf scores", []float64{nan, inf, -inf}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := f.Score(tt.x)
			if !(s > 0 && s < 1) {
				t.Fatalf("Score = %v, want it in (0, 1)", s)
			}
			if tt.sameAs != nil {
				if want := f.Score(tt.sameAs); s != want {
					t.Errorf("Score = %v, want %v as for %v", s, want, tt.sameAs)
				}
			}
		})
	}
}

func TestFitForestOnNonFiniteData(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name string
		fill func(i int) float64
	}{
		{"training rows with some NaN fit and score", func(i int) float64 {
			if i%7 == 0 {
				return nan
			}
			return float64(i % 13)
		}},
		{"training rows with +Inf and -Inf fit and score", func(i int) float64 {
			switch i % 11 {
			case 0:
				return inf
			case 1:
				return -inf
			}
			return float64(i % 13)
		}},
		{"training rows spanning the whole float range fit and score", func(i int) float64 {
			return []float64{-math.MaxFloat64, math.MaxFloat64, 0, 1}[i%4]
		}},
		{"all-NaN training rows make single-leaf trees", func(int) float64 { return nan }},
		{"identical training rows make single-leaf trees", func(int) float64 { return 3 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := make([]float64, 600*3)
			for i := range data {
				data[i] = tt.fill(i)
			}
			f := mustFitForest(t, data, 3, models.ForestConfig{Seed: 1})
			scores := scoreAll(f, data)
			for i, s := range scores {
				if !(s > 0 && s < 1) {
					t.Fatalf("row %d scores %v, want it in (0, 1)", i, s)
				}
			}
		})
	}
}

func TestForestDoesNotAllocateWhenScoring(t *testing.T) {
	data, _ := forestData(1000, 6, 1)
	f := mustFitForest(t, data, 6, models.ForestConfig{Seed: 1})
	out := make([]float64, 1000)
	tests := []struct {
		name string
		run  func()
	}{
		{"Score does not allocate", func() { f.Score(data[:6]) }},
		{"ScoreBatch does not allocate", func() { f.ScoreBatch(data, out) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if n := testing.AllocsPerRun(20, tt.run); n != 0 {
				t.Errorf("%v allocations per run, want 0", n)
			}
		})
	}
}

func TestForestMarshalRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		rows int
		dim  int
		cfg  models.ForestConfig
	}{
		{"a default forest round-trips", 5000, 6, models.ForestConfig{Seed: 1}},
		{"a forest of one feature round-trips", 500, 1, models.ForestConfig{Seed: 2}},
		{"a shallow forest with an odd number of trees round-trips", 500, 4, models.ForestConfig{Trees: 3, MaxDepth: 2, Seed: 3}},
		{"a forest of sample size two round-trips", 2, 2, models.ForestConfig{Trees: 5, Seed: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, _ := forestData(tt.rows, tt.dim, 8)
			f := mustFitForest(t, data, tt.dim, tt.cfg)
			b := mustMarshalForest(t, f)
			var g models.Forest
			if err := g.UnmarshalBinary(b); err != nil {
				t.Fatalf("UnmarshalBinary: %v", err)
			}
			if g.Dim() != f.Dim() {
				t.Errorf("Dim = %d, want %d", g.Dim(), f.Dim())
			}
			want, got := scoreAll(f, data), scoreAll(&g, data)
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("row %d scores %v after the round trip, %v before", i, got[i], want[i])
				}
			}
			if b2 := mustMarshalForest(t, &g); !bytes.Equal(b, b2) {
				t.Errorf("marshalling the decoded forest gives different bytes")
			}
		})
	}
}

func TestForestZeroValueDoesNotMarshal(t *testing.T) {
	var f models.Forest
	if b, err := f.MarshalBinary(); err == nil {
		t.Errorf("MarshalBinary of the zero Forest = %d bytes, want an error", len(b))
	}
}

func TestForestHeaderRecordsTheCappedSampleSize(t *testing.T) {
	tests := []struct {
		name          string
		rows          int
		cfg           models.ForestConfig
		psi, maxDepth uint32
	}{
		{"the defaults give ψ 256 and depth 8", 1000, models.ForestConfig{}, 256, 8},
		{"100 rows cap ψ at 100 and derive depth 7", 100, models.ForestConfig{}, 100, 7},
		{"an explicit depth limit is kept when ψ is capped", 100, models.ForestConfig{MaxDepth: 3}, 100, 3},
		{"ψ 1000 derives depth 10", 5000, models.ForestConfig{SampleSize: 1000}, 1000, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, _ := forestData(tt.rows, 2, 1)
			b := mustMarshalForest(t, mustFitForest(t, data, 2, tt.cfg))
			psi, depth := binary.LittleEndian.Uint32(b[16:]), binary.LittleEndian.Uint32(b[20:])
			if psi != tt.psi || depth != tt.maxDepth {
				t.Errorf("ψ = %d, depth limit = %d; want %d and %d", psi, depth, tt.psi, tt.maxDepth)
			}
		})
	}
}

// withChecksum returns b with its trailing CRC recomputed, so that a test
// can reach the checks that come after the checksum.
func withChecksum(b []byte) []byte {
	b = bytes.Clone(b)
	n := len(b) - 4
	binary.LittleEndian.PutUint32(b[n:], crc32.ChecksumIEEE(b[:n]))
	return b
}

func TestForestUnmarshalRejectsBadBytes(t *testing.T) {
	data, _ := forestData(2000, 4, 1)
	f := mustFitForest(t, data, 4, models.ForestConfig{Trees: 10, Seed: 1})
	good := mustMarshalForest(t, f)
	set := func(off int, v ...byte) []byte {
		b := bytes.Clone(good)
		copy(b[off:], v)
		return b
	}
	// The first node of the first tree is its root, an internal node.
	firstNode := 36 + 4*10
	tests := []struct {
		name    string
		b       []byte
		errText string
	}{
		{"no bytes are not a forest", nil, "too few"},
		{"a truncated header is rejected", good[:20], "too few"},
		{"bytes cut in the middle of the nodes are rejected", good[:len(good)/2], "checksum"},
		{"bytes missing the last byte are rejected", good[:len(good)-1], "checksum"},
		{"a trailing byte is rejected", append(bytes.Clone(good), 0), "checksum"},
		{"a flipped bit in a threshold is caught by the checksum", set(firstNode+6, good[firstNode+6]^0x10), "checksum"},
		{"another magic is not a forest", set(0, 'X'), "not a forest"},
		{"version 2 is not read by this build", set(4, 2, 0), "version 2"},
		{"version 0 is not read by this build", set(4, 0, 0), "version 0"},
		{"non-zero flags are rejected", withChecksum(set(6, 1)), "flags"},
		{"a zero dim is rejected", withChecksum(set(8, 0, 0, 0, 0)), "dim"},
		{"zero trees are rejected", withChecksum(set(12, 0, 0, 0, 0)), "trees"},
		{"a node count that disagrees with the length is rejected", withChecksum(set(32, 1, 0, 0, 0)), "header"},
		{"a split on a feature beyond dim is rejected", withChecksum(set(firstNode, 9, 0, 0, 0)), "feature 9"},
		{"a NaN threshold is rejected", withChecksum(set(firstNode+4, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f)), "NaN"},
		{"a root turned into a leaf with a wrong value is rejected", withChecksum(set(firstNode, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0xf0, 0xbf)), "leaf"},
		{"a tree with an even node count is rejected", withChecksum(set(36, 2, 0, 0, 0)), "tree 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := mustFitForest(t, data, 4, models.ForestConfig{Trees: 10, Seed: 1})
			err := g.UnmarshalBinary(tt.b)
			if !errors.Is(err, models.ErrCorruptForest) {
				t.Fatalf("UnmarshalBinary error = %v, want one wrapping ErrCorruptForest", err)
			}
			if !strings.Contains(err.Error(), tt.errText) {
				t.Errorf("UnmarshalBinary error = %q, want it to mention %q", err, tt.errText)
			}
			if !bytes.Equal(mustMarshalForest(t, g), good) {
				t.Errorf("a failed UnmarshalBinary changed the forest")
			}
		})
	}
}

func TestForestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     models.ForestConfig
		errText string // empty when valid
	}{
		{"the zero config asks for the defaults and is valid", models.ForestConfig{}, ""},
		{"a small explicit config is valid", models.ForestConfig{Trees: 1, SampleSize: 2, MaxDepth: 1}, ""},
		{"negative trees are rejected", models.ForestConfig{Trees: -1}, "Trees is -1"},
		{"too many trees are rejected", models.ForestConfig{Trees: 1 << 20}, "Trees is 1048576"},
		{"a sample of one row is rejected", models.ForestConfig{SampleSize: 1}, "SampleSize is 1"},
		{"a negative sample size is rejected", models.ForestConfig{SampleSize: -5}, "SampleSize is -5"},
		{"a negative depth limit is rejected", models.ForestConfig{MaxDepth: -1}, "MaxDepth is -1"},
		{"a depth limit over 64 is rejected", models.ForestConfig{MaxDepth: 65}, "MaxDepth is 65"},
		{"too many nodes in all are rejected", models.ForestConfig{Trees: 1 << 16, SampleSize: 1 << 16}, "Trees × SampleSize"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.errText == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, models.ErrInvalidForestConfig) {
				t.Fatalf("Validate = %v, want an error wrapping ErrInvalidForestConfig", err)
			}
			if !strings.Contains(err.Error(), tt.errText) {
				t.Errorf("Validate = %q, want it to mention %q", err, tt.errText)
			}
			data, _ := forestData(10, 2, 1)
			if _, err := models.FitForest(data, 2, tt.cfg); !errors.Is(err, models.ErrInvalidForestConfig) {
				t.Errorf("FitForest error = %v, want one wrapping ErrInvalidForestConfig", err)
			}
		})
	}
}

func TestForestConfigWithDefaults(t *testing.T) {
	tests := []struct {
		name string
		cfg  models.ForestConfig
		want models.ForestConfig
	}{
		{"the zero config gets 100 trees, ψ 256 and depth 8", models.ForestConfig{}, models.ForestConfig{Trees: 100, SampleSize: 256, MaxDepth: 8}},
		{"the depth follows ψ", models.ForestConfig{SampleSize: 1000}, models.ForestConfig{Trees: 100, SampleSize: 1000, MaxDepth: 10}},
		{"set fields are kept", models.ForestConfig{Trees: 3, SampleSize: 16, MaxDepth: 2, Seed: 9}, models.ForestConfig{Trees: 3, SampleSize: 16, MaxDepth: 2, Seed: 9}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cfg.WithDefaults(); got != tt.want {
				t.Errorf("WithDefaults = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestFitForestRejectsBadInput(t *testing.T) {
	tests := []struct {
		name    string
		data    []float64
		dim     int
		errText string
	}{
		{"a zero dim is rejected", []float64{1, 2}, 0, "dim is 0"},
		{"a partial row is rejected", []float64{1, 2, 3}, 2, "not a multiple"},
		{"a single row is too few", []float64{1, 2}, 2, "at least 2"},
		{"no rows are too few", nil, 3, "at least 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := models.FitForest(tt.data, tt.dim, models.ForestConfig{})
			if err == nil || !strings.Contains(err.Error(), tt.errText) {
				t.Errorf("FitForest error = %v, want one mentioning %q", err, tt.errText)
			}
		})
	}
}

func TestAUC(t *testing.T) {
	tests := []struct {
		name   string
		scores []float64
		labels []bool
		want   float64
	}{
		{"a perfect ranking gives 1", []float64{0.1, 0.2, 0.9}, []bool{false, false, true}, 1},
		{"a reversed ranking gives 0", []float64{0.9, 0.8, 0.1}, []bool{false, false, true}, 0},
		{"all ties give one half", []float64{0.5, 0.5, 0.5, 0.5}, []bool{true, false, true, false}, 0.5},
		{"a tie between classes counts one half", []float64{0.1, 0.5, 0.5, 0.9}, []bool{false, false, true, true}, 0.875},
		{"NaN scores rank lowest", []float64{math.NaN(), 0.1}, []bool{false, true}, 1},
		{"no anomalies give NaN", []float64{0.1, 0.2}, []bool{false, false}, math.NaN()},
		{"mismatched lengths give NaN", []float64{0.1}, []bool{false, true}, math.NaN()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := models.AUC(tt.scores, tt.labels)
			if got != tt.want && !(math.IsNaN(got) && math.IsNaN(tt.want)) {
				t.Errorf("AUC = %v, want %v", got, tt.want)
			}
		})
	}
}
