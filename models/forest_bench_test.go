package models_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sjwhitworth/golearn/base"
	"github.com/sjwhitworth/golearn/trees"

	"github.com/portcullis/portcullis/models"
)

const (
	benchFitRows   = 1 << 20 // rows for BenchmarkForestFit
	benchScoreRows = 1 << 16 // rows fitted on and scored by the score benchmarks
	benchTrees     = 100
	benchPsi       = 256
	benchDepth     = 8
)

// benchDims are the feature counts the score benchmarks run at.
var benchDims = []int{6, 16}

// forestBench is the data and the fitted forests of the benchmarks, built
// once per feature count.
type forestBench struct {
	data    []float64
	forest  *models.Forest
	golearn *base.DenseInstances
	gforest *trees.IsolationForest
}

var (
	benchFitOnce sync.Once
	benchFitData []float64

	benchScoreMu sync.Mutex
	benchScore   = map[int]*forestBench{}
)

func fitBenchData() []float64 {
	benchFitOnce.Do(func() { benchFitData, _ = forestData(benchFitRows, 6, 1) })
	return benchFitData
}

// scoreBench returns the benchmark set of dim features, building it the
// first time: both forests are fitted on the same benchScoreRows rows, with
// the same number of trees, ψ and depth limit.
func scoreBench(b *testing.B, dim int, withGolearn bool) *forestBench {
	benchScoreMu.Lock()
	defer benchScoreMu.Unlock()
	s := benchScore[dim]
	if s == nil {
		data, _ := forestData(benchScoreRows, dim, 2)
		s = &forestBench{data: data, forest: mustFitForest(b, data, dim, models.ForestConfig{
			Trees: benchTrees, SampleSize: benchPsi, MaxDepth: benchDepth, Seed: 1,
		})}
		benchScore[dim] = s
	}
	if withGolearn && s.gforest == nil {
		s.golearn = golearnInstances(s.data, dim)
		g := trees.NewIsolationForest(benchTrees, benchDepth, benchPsi)
		g.Fit(s.golearn)
		s.gforest = &g
	}
	return s
}

// rowRate reports rows per second of wall time ("rows/s") and of process CPU
// time ("rows/cpu-s"). The second holds up better on a busy machine, and
// charges golearn for the garbage collection its allocations cause. Call
// startRowRate just before b.Loop and stop just after it.
type rowRate struct {
	b       *testing.B
	cpu0    time.Duration
	haveCPU bool
}

func startRowRate(b *testing.B) rowRate {
	cpu, ok := processCPUTime()
	return rowRate{b: b, cpu0: cpu, haveCPU: ok}
}

func (r rowRate) stop(rowsPerOp int) {
	rows := float64(rowsPerOp) * float64(r.b.N)
	r.b.ReportMetric(rows/r.b.Elapsed().Seconds(), "rows/s")
	if cpu, ok := processCPUTime(); ok && r.haveCPU && cpu > r.cpu0 {
		r.b.ReportMetric(rows/(cpu-r.cpu0).Seconds(), "rows/cpu-s")
	}
}

func BenchmarkForestFit(b *testing.B) {
	data := fitBenchData()
	b.ReportAllocs()
	rate := startRowRate(b)
	for b.Loop() {
		if _, err := models.FitForest(data, 6, models.ForestConfig{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	rate.stop(benchFitRows)
}

func BenchmarkForestScore(b *testing.B) {
	for _, dim := range benchDims {
		b.Run(fmt.Sprintf("dim=%d", dim), func(b *testing.B) {
			s := scoreBench(b, dim, false)
			var sink float64
			i := 0
			b.ReportAllocs()
			rate := startRowRate(b)
			for b.Loop() {
				sink += s.forest.Score(s.data[i*dim : (i+1)*dim])
				if i++; i == benchScoreRows {
					i = 0
				}
			}
			rate.stop(1)
			_ = sink
		})
	}
}

func BenchmarkForestScoreBatch(b *testing.B) {
	for _, dim := range benchDims {
		b.Run(fmt.Sprintf("dim=%d", dim), func(b *testing.B) {
			s := scoreBench(b, dim, false)
			out := make([]float64, benchScoreRows)
			b.ReportAllocs()
			rate := startRowRate(b)
			for b.Loop() {
				s.forest.ScoreBatch(s.data, out)
			}
			rate.stop(benchScoreRows)
		})
	}
}

// BenchmarkGolearnScore scores the rows of BenchmarkForestScoreBatch with
// golearn's IsolationForest, fitted on them with the same trees, ψ and depth
// limit; Predict includes golearn's conversion of its instances to rows.
func BenchmarkGolearnScore(b *testing.B) {
	for _, dim := range benchDims {
		b.Run(fmt.Sprintf("dim=%d", dim), func(b *testing.B) {
			s := scoreBench(b, dim, true)
			b.ReportAllocs()
			rate := startRowRate(b)
			for b.Loop() {
				s.gforest.Predict(s.golearn)
			}
			rate.stop(benchScoreRows)
		})
	}
}

// BenchmarkForestVsGolearn scores the same rows with both forests in
// alternating rounds of one run, so load on the machine falls on both alike,
// and reports how many times faster ours is ("x-golearn", goal >= 8) along
// with each one's rows per second.
func BenchmarkForestVsGolearn(b *testing.B) {
	const dim = 6
	s := scoreBench(b, dim, true)
	out := make([]float64, benchScoreRows)
	var ours, theirs time.Duration
	clock := func() time.Duration {
		if cpu, ok := processCPUTime(); ok {
			return cpu
		}
		return time.Duration(time.Now().UnixNano())
	}
	b.ReportAllocs()
	for b.Loop() {
		t0 := clock()
		s.forest.ScoreBatch(s.data, out)
		t1 := clock()
		s.gforest.Predict(s.golearn)
		t2 := clock()
		ours += t1 - t0
		theirs += t2 - t1
	}
	rows := float64(benchScoreRows) * float64(b.N)
	if ours > 0 && theirs > 0 {
		b.ReportMetric(theirs.Seconds()/ours.Seconds(), "x-golearn")
		b.ReportMetric(rows/ours.Seconds(), "ours-rows/s")
		b.ReportMetric(rows/theirs.Seconds(), "golearn-rows/s")
	}
}
