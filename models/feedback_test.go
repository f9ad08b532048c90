package models

import (
	"testing"

	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/features"
)

// TestApplyFeedbackClearsWhatTheOperatorCleared: a client blocked for its
// rate and its refused requests (count and share), which the recording did not judge, is
// cleared; after the feedback it stays under the threshold in both, the
// tails of signals it did not carry are untouched, and a flood ten times
// past its rate is still blocked.
func TestApplyFeedbackClearsWhatTheOperatorCleared(t *testing.T) {
	m := trained(t)
	busy := population(1, 42)[0]
	busy[features.Rate] = 3
	busy[features.RefusedCount], busy[features.NotFoundRatio] = 40, 0.5
	var r Result
	m.Judge(&busy, 0, 0, nil, &r)
	if r.Score < m.Threshold {
		t.Fatalf("the client to clear scores %.2f, under the threshold %.2f; the test needs one that is blocked", r.Score, m.Threshold)
	}
	flood := busy
	flood[features.Rate], flood[features.RefusedCount], flood[features.NotFoundRatio] = 30, 0, 0
	before := m.Tails
	m.ApplyFeedback(nil, peaksOf(m, []features.Vector{busy}), 1)

	m.Judge(&busy, 0, 0, nil, &r)
	if r.Score >= m.Threshold-ClearMargin+1e-9 {
		t.Errorf("the cleared client scores %.2f after feedback; want at most the threshold %.2f less %v", r.Score, m.Threshold, ClearMargin)
	}
	f := m.Calibration.Feedback
	if f == nil || f.Cleared != 1 || f.Found != 0 || f.BlockedBefore != 1 || f.BlockedAfter != 0 {
		t.Errorf("feedback summary %+v, want 1 cleared, none found, blocked 1 before and 0 after", f)
	}
	for i := range NumSignals {
		widened := m.Tails[i].Beta != before[i].Beta
		carried := i == features.Rate || i == features.RefusedCount || i == features.NotFoundRatio
		if widened && !carried {
			t.Errorf("the tail of %s was widened; the cleared client did not reach the threshold there", SignalName(i))
		}
		if widened && m.Tails[i].Beta < before[i].Beta {
			t.Errorf("the tail of %s was narrowed", SignalName(i))
		}
	}
	m.Judge(&flood, 0, 0, nil, &r)
	if r.Score < m.Threshold {
		t.Errorf("a flood at ten times the cleared client's rate scores %.2f after feedback, under the threshold %.2f", r.Score, m.Threshold)
	}
}

// TestApplyFeedbackWithoutBlockedClientsChangesNothing: clearing a client
// that no signal calls rare leaves every tail as it was.
func TestApplyFeedbackWithoutBlockedClientsChangesNothing(t *testing.T) {
	m := trained(t)
	before := m.Tails
	m.ApplyFeedback(nil, peaksOf(m, population(5, 3)), 5)
	for i := range NumSignals {
		if m.Tails[i].Beta != before[i].Beta {
			t.Errorf("the tail of %s changed", SignalName(i))
		}
	}
	if f := m.Calibration.Feedback; f.BlockedBefore != 0 || len(f.Refitted) != 0 {
		t.Errorf("feedback summary %+v, want nothing blocked and nothing re-fitted", f)
	}
}

// TestApplyFeedbackExcusesAClientTheRecordingJudged: a cleared client the
// recording judged gets a baseline of its own: it is excused its peaks, no
// tail moves, and another client with the same values is still blocked.
func TestApplyFeedbackExcusesAClientTheRecordingJudged(t *testing.T) {
	m := trained(t)
	busy := population(1, 42)[0]
	busy[features.Rate] = 3
	busy[features.RefusedCount], busy[features.NotFoundRatio] = 40, 0.5
	before := m.Tails
	m.ApplyFeedback(map[string]SignalPeaks{"198.51.100.77": peaksOf(m, []features.Vector{busy})[0]}, nil, 1)
	var r Result
	m.Judge(&busy, 0, 0, m.Identity("198.51.100.77", nil), &r)
	if r.Score >= m.Threshold {
		t.Errorf("the cleared client scores %.2f with its baseline, threshold %.2f", r.Score, m.Threshold)
	}
	m.Judge(&busy, 0, 0, m.Identity("198.51.100.78", nil), &r)
	if r.Score < m.Threshold {
		t.Errorf("another client like the cleared one scores %.2f, under the threshold %.2f", r.Score, m.Threshold)
	}
	for i := range NumSignals {
		if m.Tails[i].Beta != before[i].Beta {
			t.Errorf("the tail of %s changed for a client the recording judged", SignalName(i))
		}
	}
	if f := m.Calibration.Feedback; f.Found != 1 || f.BlockedBefore != 1 || f.BlockedAfter != 0 {
		t.Errorf("feedback summary %+v, want 1 found, blocked 1 before and 0 after", f)
	}
}

func TestReasonPeaks(t *testing.T) {
	p := ReasonPeaks([]decision.Reason{
		{Feature: "rate", Value: 3},
		{Feature: "refused_paths", Value: 8},
		{Feature: "no_such_signal", Value: 5},
		{Feature: "isolation", Value: 0.7},
	})
	if want := 1.3862943611198906; p[features.Rate] != want { // log1p(3)
		t.Errorf("rate peak %v, want log1p(3) = %v", p[features.Rate], want)
	}
	if p[features.RefusedPaths] != 8 || p[SignalForest] != 0.7 {
		t.Errorf("refused_paths %v and isolation %v, want 8 and 0.7", p[features.RefusedPaths], p[SignalForest])
	}
	for i := range NumSignals {
		if i != features.Rate && i != features.RefusedPaths && i != SignalForest && p[i] != 0 {
			t.Errorf("%s is %v, want 0", SignalName(i), p[i])
		}
	}
}
