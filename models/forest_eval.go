package models

import (
	"math"
	"slices"
)

// AUC returns the area under the ROC curve of scores against labels (true =
// anomaly, the positive class): the probability that a random anomaly scores
// higher than a random normal row, counting ties as one half. It returns NaN
// when the lengths differ or when either class is empty. It does not keep or
// modify its arguments.
func AUC(scores []float64, labels []bool) float64 {
	if len(scores) != len(labels) {
		return math.NaN()
	}
	order := make([]int, len(scores))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		// NaN sorts first, as the lowest score.
		sa, sb := scores[a], scores[b]
		switch {
		case sa < sb || (math.IsNaN(sa) && !math.IsNaN(sb)):
			return -1
		case sa > sb || (math.IsNaN(sb) && !math.IsNaN(sa)):
			return 1
		}
		return 0
	})
	// Mann–Whitney U: the sum of the anomalies' ranks, ties given their
	// average rank.
	var pos, neg int
	var rankSum float64
	for lo := 0; lo < len(order); {
		hi := lo + 1
		for hi < len(order) && forestSameScore(scores[order[hi]], scores[order[lo]]) {
			hi++
		}
		avgRank := float64(lo+hi+1) / 2 // ranks lo+1 .. hi
		for _, i := range order[lo:hi] {
			if labels[i] {
				pos++
				rankSum += avgRank
			} else {
				neg++
			}
		}
		lo = hi
	}
	if pos == 0 || neg == 0 {
		return math.NaN()
	}
	u := rankSum - float64(pos)*float64(pos+1)/2
	return u / (float64(pos) * float64(neg))
}

func forestSameScore(a, b float64) bool {
	return a == b || (math.IsNaN(a) && math.IsNaN(b))
}
