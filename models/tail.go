package models

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
)

// Tail is the calibrated upper tail of one signal (a feature in model
// space, the forest's score, the payload evidence) over the clients of the
// training recording: the share of them whose highest value in training
// reached a given value. Its surprise, -log10 of that share, is what every
// judgement is measured in: 3 means one normal client in a thousand looks at
// least this unusual at some point of its visit.
//
// A recording hides attacks, and they are its highest values, so the
// empirical tail is trusted only up to the cut: the top 2 % of clients in
// any one signal are left to the attacks (a recording's attacks are a few
// percent of its clients, spread over several kinds, each unusual in its
// own signals). Past the cut, the tail falls off exponentially with the
// spread of the clients just below it, or of those just above it (to the
// top 0.5 %) where that is narrower: a signal where most clients sit at
// zero has a wide body and a thin top. A busy client that recurs through
// the recording is not needed here: its own history excuses it (see
// IdentityBaseline), and a client that recurs because it attacks all day
// would otherwise teach the tail that its attack is ordinary.
type Tail struct {
	// X holds the values at which the share of clients whose peak reaches
	// them is 10^L[i], in increasing order; L falls from 0 to log10 of the
	// cut share.
	X []float64 `json:"x"`
	L []float64 `json:"log10_share"`
	// Beta is the scale of the exponential fall-off past the cut.
	Beta float64 `json:"beta"`
	// N is the number of clients the tail describes.
	N int `json:"clients"`
	// Max is the highest peak of any training client, attacks included;
	// a value beyond it is "beyond every training client".
	Max float64 `json:"max"`
	// Counted says the signal counts rare events (refused requests): X,
	// Beta and Max are in counts, not in model space (log1p of the count),
	// so the fall-off past the cut is geometric, as a count of events that
	// a normal client meets now and then is, where in model space it would
	// be a power law that a few users with a handful of failures make
	// heavy enough to excuse a hundred. Surprise, Beyond and Value take and
	// give model space all the same.
	Counted bool `json:"counted,omitempty"`
}

// Tail calibration constants.
const (
	// tailCut is the share of clients above which the empirical tail is
	// not trusted: the attacks a recording hides are rarely more than a
	// few percent of its clients.
	tailCut = 0.02
	// tailFrom is the share at which the fall-off's spread is measured,
	// down to the cut.
	tailFrom  = 0.10
	tailUpper = 0.005
)

// tailLevels are the shares at which X is recorded: one every eighth of a
// decade from 1 down to the cut.
var tailLevels = func() []float64 {
	var ls []float64
	for k := 0; ; k++ {
		l := -float64(k) / 8
		if l < math.Log10(tailCut) {
			break
		}
		ls = append(ls, l)
	}
	if last := ls[len(ls)-1]; last > math.Log10(tailCut) {
		ls = append(ls, math.Log10(tailCut))
	}
	return ls
}()

// FitTail fits the tail of peaks (one per client, in model space), where
// minScale bounds the fall-off's spread from below: a feature where most
// clients sit at zero has no spread to measure, and a tiny step past zero
// is not a thousandfold rarity. It does not keep peaks, and sorts them.
func FitTail(peaks []float64, minScale float64) Tail {
	t := Tail{N: len(peaks), Beta: minScale}
	if len(peaks) == 0 {
		t.X, t.L = []float64{0}, []float64{0}
		return t
	}
	slices.Sort(peaks)
	t.Max = peaks[len(peaks)-1]
	q := func(share float64) float64 { return stat.Quantile(1-share, stat.Empirical, peaks, nil) }
	for _, l := range tailLevels {
		x := q(math.Pow(10, l))
		if l == 0 {
			x = peaks[0]
		}
		t.X = append(t.X, x)
		t.L = append(t.L, l)
	}
	cut := t.X[len(t.X)-1]
	body := (cut - q(tailFrom)) / math.Log(tailFrom/tailCut)
	upper := (q(tailUpper) - cut) / math.Log(tailCut/tailUpper)
	t.Beta = max(min(body, upper), minScale)
	return t
}

// FitCountTail fits the tail of a count feature's peaks (model space,
// log1p of the count) in counts (see Tail.Counted); minScale is in counts.
// It modifies peaks.
func FitCountTail(peaks []float64, minScale float64) Tail {
	for i, x := range peaks {
		peaks[i] = math.Expm1(x)
	}
	t := FitTail(peaks, minScale)
	t.Counted = true
	return t
}

// Log10Share returns log10 of the share of training clients whose peak
// reached x, extrapolated past the cut (see Tail). It allocates nothing.
func (t *Tail) Log10Share(x float64) float64 {
	if t.Counted && x != 0 { // Expm1(±0) is ±0
		x = math.Expm1(x)
	}
	n := len(t.X)
	if n == 0 || x <= t.X[0] {
		return 0
	}
	last := n - 1
	var l float64
	if x <= t.X[last] {
		// The last knot strictly below x, and the one after it.
		i := firstNotBelow(t.X, x) - 1 // t.X[i] < x <= t.X[i+1]
		x0, x1 := t.X[i], t.X[i+1]
		l = t.L[i+1]
		if x1 > x0 {
			l = t.L[i] + (t.L[i+1]-t.L[i])*(x-x0)/(x1-x0)
		}
	} else {
		l = t.L[last] - (x-t.X[last])/t.Beta/math.Ln10
	}
	return l
}

// firstNotBelow returns the index of the first of the sorted xs that is
// not below x, as slices.BinarySearch finds it (a NaN sorts first), for
// an x that is not NaN. It halves the range with a conditional move
// rather than a branch, whose outcome is a coin toss at every step.
func firstNotBelow(xs []float64, x float64) int {
	lo, n := 0, len(xs)
	for n > 1 {
		half := n / 2
		if m := xs[lo+half-1]; m < x || m != m {
			lo += half
		}
		n -= half
	}
	if n == 1 && (xs[lo] < x || xs[lo] != xs[lo]) {
		lo++
	}
	return lo
}

// Surprise returns -log10 of the share of training clients whose peak
// reached x: 0 for an ordinary value, 4 for one that one client in ten
// thousand reaches.
func (t *Tail) Surprise(x float64) float64 { return -t.Log10Share(x) }

// Beyond reports whether x is past every training client's peak.
func (t *Tail) Beyond(x float64) bool {
	if t.Counted {
		x = math.Expm1(x)
	}
	return t.N > 0 && x > t.Max
}

// Value returns the value whose surprise is s, the inverse of Surprise:
// what one training client in 10^s reaches.
func (t *Tail) Value(s float64) float64 {
	if t.Counted {
		return math.Log1p(t.value(s))
	}
	return t.value(s)
}

func (t *Tail) value(s float64) float64 {
	l := -s
	n := len(t.X)
	if n == 0 || l >= 0 {
		if n == 0 {
			return 0
		}
		return t.X[0]
	}
	if last := n - 1; l < t.L[last] {
		return t.X[last] + (t.L[last]-l)*t.Beta*math.Ln10
	}
	// The first knot at or below l, and the one before it.
	i := 1
	for t.L[i] > l {
		i++
	}
	if t.L[i] == t.L[i-1] {
		return t.X[i]
	}
	return t.X[i-1] + (t.X[i]-t.X[i-1])*(l-t.L[i-1])/(t.L[i]-t.L[i-1])
}
