package feedback_test

import (
	"fmt"
	"time"

	"github.com/portcullis/portcullis/app/feedback"
	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/decision"
)

// Two blocks of the detector, one of them unblocked by an operator after
// ten minutes.
func ExampleSummarize() {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	block := func(client, feature string, at time.Time) redisstore.StoredDecision {
		return redisstore.StoredDecision{Stored: at, Decision: &decision.Decision{Client: client, Action: decision.ActionBlock,
			Origin: decision.OriginDetector, Reasons: []decision.Reason{{Feature: feature}}}}
	}
	a := block("203.0.113.7", "error_ratio", t0.Add(time.Hour))
	b := block("203.0.113.8", "rate", t0.Add(2*time.Hour))
	unblock := decision.Verdict{Kind: decision.VerdictUnblock, Label: decision.LabelBenign, Client: a.Client,
		At: a.Stored.Add(10 * time.Minute), Decision: a.Decision, Stored: a.Stored}

	s := feedback.Summarize([]redisstore.StoredDecision{a, b}, []decision.Verdict{unblock}, t0, t0.Add(24*time.Hour))
	fmt.Printf("%d of %d reversed (%.0f %%) after %v; top reason %s\n",
		s.Reversed, s.Detector, 100*s.ReversedShare, s.MedianToReversal, s.TopReversedReasons[0].Reason)
	// Output: 1 of 2 reversed (50 %) after 10m0s; top reason error_ratio
}
