package models_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/sjwhitworth/golearn/base"
	"github.com/sjwhitworth/golearn/trees"

	"github.com/portcullis/portcullis/models"
)

// golearnInstances converts row-major data to golearn instances. golearn's
// IsolationForest needs exactly one float class attribute and appends it to
// the features in both Fit and Predict, so the class column is a constant 0:
// a constant feature is never split on and leaks nothing.
func golearnInstances(data []float64, dim int) *base.DenseInstances {
	inst := base.NewDenseInstances()
	specs := make([]base.AttributeSpec, dim+1)
	for j := range dim {
		specs[j] = inst.AddAttribute(base.NewFloatAttribute(fmt.Sprintf("f%d", j)))
	}
	class := base.NewFloatAttribute("class")
	specs[dim] = inst.AddAttribute(class)
	if err := inst.AddClassAttribute(class); err != nil {
		panic(err)
	}
	rows := len(data) / dim
	if err := inst.Extend(rows); err != nil {
		panic(err)
	}
	zero := base.PackFloatToBytes(0)
	for i := range rows {
		for j := range dim {
			inst.Set(specs[j], i, base.PackFloatToBytes(data[i*dim+j]))
		}
		inst.Set(specs[dim], i, zero)
	}
	return inst
}

// TestForestAUCMatchesGolearn fits this forest and golearn's on the same
// labelled data and checks that they rank the anomalies equally well.
// golearn draws from the unseeded global math/rand, samples with
// replacement and uses c(2) = 0.15, so only ranking quality is compared, as
// the mean ROC AUC over several runs of each.
func TestForestAUCMatchesGolearn(t *testing.T) {
	if testing.Short() {
		t.Skip("fits golearn several times")
	}
	const (
		runs      = 8
		tolerance = 0.02
		nTrees    = 100
		psi       = 256
		depth     = 8
	)
	tests := []struct {
		name   string
		n      int
		dim    int
		spread float64
		minAUC float64 // ours must reach it, so the comparison means something
	}{
		{"both rank far 6-feature anomalies within 0.02 AUC of each other", 10000, 6, 6, 0.99},
		{"both rank near 6-feature anomalies within 0.02 AUC of each other", 10000, 6, 3, 0.93},
		{"both rank hidden 16-feature anomalies within 0.02 AUC of each other", 10000, 16, 2, 0.7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, labels := forestDataSpread(tt.n, tt.dim, tt.spread, 2024)
			inst := golearnInstances(data, tt.dim)
			var ours, theirs float64
			for run := range runs {
				f := mustFitForest(t, data, tt.dim, models.ForestConfig{Trees: nTrees, SampleSize: psi, MaxDepth: depth, Seed: uint64(run)})
				ours += models.AUC(scoreAll(f, data), labels) / runs

				g := trees.NewIsolationForest(nTrees, depth, psi)
				g.Fit(inst)
				theirs += models.AUC(g.Predict(inst), labels) / runs
			}
			t.Logf("mean ROC AUC over %d runs: ours %.4f, golearn %.4f, diff %+.4f", runs, ours, theirs, ours-theirs)
			if math.Abs(ours-theirs) > tolerance {
				t.Errorf("mean ROC AUC ours %.4f, golearn %.4f; want them within %.2f", ours, theirs, tolerance)
			}
			if !(ours >= tt.minAUC) {
				t.Errorf("mean ROC AUC ours %.4f, want at least %.2f", ours, tt.minAUC)
			}
		})
	}
}
