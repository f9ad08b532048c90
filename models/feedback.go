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
	// how many of them the training recording judged: those get a baseline
	// of their own. For the others, the values of the lifted decision's
	// reasons stand in, and the tails are re-fitted.
	Cleared int `json:"cleared"`
	Found   int `json:"found"`
	// BlockedBefore and BlockedAfter count the cleared clients whose peaks
	// (or reasons) reached the threshold before and after the feedback (a
	// client with a baseline of its own is excused its peaks).
	BlockedBefore int `json:"blocked_before"`
	BlockedAfter  int `json:"blocked_after"`
	// Refitted names the signals whose tails were widened for clients
	// the recording did not judge, in signal order.
	Refitted []string `json:"refitted,omitempty"`
	// VolumeRaised says the volume limit was raised to keep a cleared
	// client's requests_2m at most half of it.
	VolumeRaised bool `json:"volume_raised,omitempty"`
}

// volumeClearFactor is how far above the requests_2m of a cleared client
// the recording did not judge the volume limit is put: as far as the limit
// itself is above the training clients' peaks (DefaultVolumeFactor).
const volumeClearFactor = DefaultVolumeFactor

// ClearMargin is how far below the threshold, in decimal digits, a cleared
// client's peak is put in every signal: past the margin of one judgement
// and the confirmation of two (see the detector's policy), with room for a
// value a little past its peak in training.
const ClearMargin = 0.5

// ApplyFeedback keeps the cleared clients under the threshold. A client
// the recording judged (found, its peaks there in model space) gets a
// baseline of its own, or has it raised to its peaks: like a client known
// from training it is excused exactly what it did, and nobody else is, so
// an attack that looks like it is still blocked. A client the recording
// did not judge (others, the peaks ReasonPeaks makes of the lifted
// decision's reasons) has no history to excuse, so the tails themselves
// are re-fitted: each signal whose tail calls its value rarer than
// Threshold-ClearMargin gets its fall-off past the cut widened until the
// value sits there, and the volume limit is raised to twice its
// requests_2m. A tail is only ever widened, and only as far as needed; a
// value past what the operator cleared still gains surprise at the widened
// pace. cleared is how many clients the verdicts named. Call it after
// Calibrate; it records what it did in Calibration.Feedback.
func (m *Model) ApplyFeedback(found map[string]SignalPeaks, others []SignalPeaks, cleared int) {
	f := &Feedback{Cleared: cleared, Found: len(found)}
	for _, p := range found {
		if m.reaches(&p) {
			f.BlockedBefore++
		}
	}
	f.BlockedBefore += m.countReaching(others)
	if m.Identities == nil {
		m.Identities = map[string]*IdentityBaseline{}
	}
	for key, p := range found {
		b := m.Identities[key]
		if b == nil {
			b = &IdentityBaseline{}
			copy(b.Typical[:], p[:features.NumFeatures])
			m.Identities[key] = b
		}
		for i := range features.NumFeatures {
			b.High[i] = max(b.High[i], p[i])
		}
		b.NotePeaks(&p)
	}
	target := m.Threshold - ClearMargin
	for i := range NumSignals {
		if !active(i) {
			continue
		}
		t := &m.Tails[i]
		widened := false
		for _, p := range others {
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
		for _, p := range others {
			if r := math.Expm1(p[features.Volume]); r >= v.Requests/volumeClearFactor {
				v.Requests = math.Ceil(volumeClearFactor * r)
				f.VolumeRaised = true
			}
		}
	}
	f.BlockedAfter = m.countReaching(others)
	m.Calibration.Feedback = f
}

// countReaching counts the peaks that reach the threshold in some signal.
func (m *Model) countReaching(peaks []SignalPeaks) int {
	n := 0
	for i := range peaks {
		if m.reaches(&peaks[i]) {
			n++
		}
	}
	return n
}

// reaches says whether some signal calls peak p as rare as the threshold.
// It reads each signal on its own tail, without Judge's holds on the
// refusal counts and the request sizes (holdRefusalCounts, holdSizes):
// the peaks of a lifted decision hold only its reasons, which may leave
// out the refused share or the count of large requests, and a hold would
// then call the cleared client's counts or sizes ordinary and leave it
// blocked. Read this way, a cleared client is at worst counted as
// blocked, and a tail widened for it, where a hold would have spared it.
func (m *Model) reaches(p *SignalPeaks) bool {
	for i := range NumSignals {
		if active(i) && m.Tails[i].Surprise(p[i]) >= m.Threshold {
			return true
		}
	}
	return false
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
