package models

import (
	"math"

	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/features"
)

// Feedback says what operators' verdicts changed in a model: clients they
// cleared (unblocked or allowlisted after the detector blocked them) are
// normal clients by their word, so no signal may call their peaks rarer
// than the threshold allows.
type Feedback struct {
	// Cleared is how many cleared clients the verdicts named, and Found
	// how many of them the training recording judged: their peaks there
	// are what the tails must keep under the threshold. For the others,
	// the values of the lifted decision's reasons stand in.
	Cleared int `json:"cleared"`
	Found   int `json:"found"`
	// BlockedBefore and BlockedAfter count the cleared clients whose peaks
	// (or reasons) reached the threshold before and after the tails were
	// re-fitted.
	BlockedBefore int `json:"blocked_before"`
	BlockedAfter  int `json:"blocked_after"`
	// Refitted names the signals whose tails were widened, in signal
	// order.
	Refitted []string `json:"refitted,omitempty"`
	// VolumeRaised says the volume limit was raised to keep a cleared
	// client's requests_2m at most half of it.
	VolumeRaised bool `json:"volume_raised,omitempty"`
}

// volumeClearFactor is how far above a cleared client's requests_2m the
// volume limit is put: as far as the limit itself is above the training
// clients' peaks (DefaultVolumeFactor).
const volumeClearFactor = DefaultVolumeFactor

// ClearMargin is how far below the threshold, in decimal digits, a cleared
// client's peak is put in every signal: past the margin of one judgement
// and the confirmation of two (see the detector's policy), with room for a
// value a little past its peak in training.
const ClearMargin = 0.5

// ApplyFeedback re-fits the tails, and raises the volume limit, so that none of the cleared clients'
// peaks (model space, one SignalPeaks per cleared client; see ReasonPeaks
// for those the recording did not judge) reaches Threshold-ClearMargin: a signal's fall-off past its cut is
// widened until the highest cleared peak sits there. A tail is only ever
// widened, and only as far as the cleared clients need: a value past a
// cleared client's peak still gains surprise at the widened pace, so an
// attack far past what the operator cleared is still blocked. cleared is
// how many clients the verdicts named, found how many of them the
// recording judged. Call it after Calibrate; it records
// what it did in Calibration.Feedback.
func (m *Model) ApplyFeedback(peaks []SignalPeaks, cleared, found int) {
	f := &Feedback{Cleared: cleared, Found: found}
	target := m.Threshold - ClearMargin
	f.BlockedBefore = m.countReaching(peaks, m.Threshold)
	for i := range NumSignals {
		if !active(i) {
			continue
		}
		t := &m.Tails[i]
		widened := false
		for _, p := range peaks {
			if t.Surprise(p[i]) <= target {
				continue
			}
			t.widen(p[i], target)
			widened = true
		}
		if widened {
			f.Refitted = append(f.Refitted, SignalName(i))
		}
	}
	if v := &m.Volume; v.Requests > 0 {
		for _, p := range peaks {
			if r := math.Expm1(p[features.Volume]); r >= v.Requests/volumeClearFactor {
				v.Requests = math.Ceil(volumeClearFactor * r)
				f.VolumeRaised = true
			}
		}
	}
	f.BlockedAfter = m.countReaching(peaks, m.Threshold)
	m.Calibration.Feedback = f
}

func (m *Model) countReaching(peaks []SignalPeaks, threshold float64) int {
	n := 0
	for _, p := range peaks {
		for i := range NumSignals {
			if active(i) && m.Tails[i].Surprise(p[i]) >= threshold {
				n++
				break
			}
		}
	}
	return n
}

// widen sets the fall-off past the cut so that x (model space) has
// surprise s, which must be past the cut's; x past the cut only.
func (t *Tail) widen(x, s float64) {
	if t.Counted {
		x = math.Expm1(x)
	}
	last := len(t.X) - 1
	if last < 0 || x <= t.X[last] {
		return // within the empirical part: at most the cut's surprise
	}
	past := s + t.L[last] // decades past the cut
	if past <= 0 {
		return
	}
	t.Beta = max(t.Beta, (x-t.X[last])/past/math.Ln10)
}

// ReasonPeaks returns the peaks of a cleared client that the training
// recording did not judge, from the reasons of the decision the operator
// lifted: each named signal at its value then (model space), the others at
// nothing. A reason is a snapshot at the moment of the block: a client that
// goes on past it, or is blocked again on a signal its decision did not
// name, needs a recording where it is judged (train on the day it was
// blocked, with --feedback). A reason naming no signal of this build is
// left out.
func ReasonPeaks(reasons []decision.Reason) SignalPeaks {
	var p SignalPeaks
	for _, r := range reasons {
		i := signalIndex(r.Feature)
		if i < 0 || math.IsNaN(r.Value) || r.Value < 0 {
			continue
		}
		x := r.Value
		if i < features.NumFeatures && features.Specs()[i].Log {
			x = math.Log1p(x)
		}
		p[i] = max(p[i], x)
	}
	return p
}

func signalIndex(name string) int {
	for i := range NumSignals {
		if SignalName(i) == name {
			return i
		}
	}
	return -1
}
