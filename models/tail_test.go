package models

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestFirstNotBelowIsBinarySearch checks firstNotBelow against
// slices.BinarySearch on sorted knots, with runs of equal knots, NaNs
// first, and values on, between and beyond the knots.
func TestFirstNotBelowIsBinarySearch(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 20000 {
		xs := make([]float64, r.IntN(40))
		for i := range xs {
			xs[i] = float64(r.IntN(20))
		}
		slices.Sort(xs)
		for i := range r.IntN(3) {
			if i < len(xs) {
				xs[i] = math.NaN()
			}
		}
		for _, x := range []float64{-1, 0, 3, 3.5, float64(r.IntN(25)), r.Float64() * 22, 19, 30, math.Inf(1), math.Inf(-1)} {
			want, _ := slices.BinarySearch(xs, x)
			if got := firstNotBelow(xs, x); got != want {
				t.Fatalf("firstNotBelow(%v, %v) = %d, want %d", xs, x, got, want)
			}
		}
	}
}
