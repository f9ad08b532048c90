package feedback

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/decision"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func stored(client, reason string, at time.Duration, manual bool) redisstore.StoredDecision {
	d := &decision.Decision{Client: client, Action: decision.ActionBlock, Score: 0.8, Model: "m1",
		Reasons: []decision.Reason{{Feature: reason, Value: 1}}, Origin: decision.OriginDetector}
	if manual {
		d.Origin, d.Reasons = decision.OriginManual, nil
	}
	return redisstore.StoredDecision{Decision: d, Stored: t0.Add(at)}
}

func reversal(kind string, sd redisstore.StoredDecision, after time.Duration) decision.Verdict {
	return decision.Verdict{Kind: kind, Label: decision.LabelBenign, Client: sd.Client, At: sd.Stored.Add(after),
		Decision: sd.Decision, Stored: sd.Stored.Truncate(time.Second)}
}

func TestSummarize(t *testing.T) {
	a := stored("203.0.113.1", "error_ratio", time.Hour, false)
	b := stored("203.0.113.2", "error_ratio", 2*time.Hour, false)
	c := stored("203.0.113.3", "rate", 3*time.Hour, false)
	m := stored("203.0.113.4", "", 4*time.Hour, true)
	old := stored("203.0.113.5", "rate", -time.Hour, false) // before the period
	ds := []redisstore.StoredDecision{old, a, b, c, m}
	vs := []decision.Verdict{
		reversal(decision.VerdictUnblock, a, 10*time.Minute),
		reversal(decision.VerdictUnblock, c, 30*time.Minute),
		reversal(decision.VerdictAllow, c, 40*time.Minute),  // the same block again: counted once
		reversal(decision.VerdictUnblock, old, 2*time.Hour), // a block of before the period
		{Kind: decision.VerdictAllow, Label: decision.LabelBenign, Client: "10.0.0.0/8", Entry: "10.0.0.0/8", At: t0.Add(5 * time.Hour)},
		{Kind: decision.VerdictBlock, Label: decision.LabelAttack, Client: m.Client, At: m.Stored, Decision: m.Decision, Stored: m.Stored},
	}
	s := Summarize(ds, vs, t0, t0.Add(24*time.Hour))
	if s.Decisions != 4 || s.Detector != 3 || s.Manual != 1 {
		t.Errorf("decisions %d (detector %d, manual %d); want 4 (3, 1): the one before the period is left out", s.Decisions, s.Detector, s.Manual)
	}
	if s.Reversed != 2 || s.ReversedShare != 2.0/3 {
		t.Errorf("reversed %d (%v); want 2 of 3", s.Reversed, s.ReversedShare)
	}
	if s.MedianToReversal != 20*time.Minute {
		t.Errorf("median time to reversal %v; want 20m (10m and 30m)", s.MedianToReversal)
	}
	if len(s.TopReversedReasons) != 2 || s.TopReversedReasons[0].Reason != "error_ratio" && s.TopReversedReasons[0].Reason != "rate" {
		t.Errorf("top reversed reasons %+v", s.TopReversedReasons)
	}
	want := []ReasonCount{
		{Action: "block", Reason: "error_ratio", Count: 2, Reversed: 1},
		{Action: "block", Reason: "rate", Count: 1, Reversed: 1},
		{Action: "block", Reason: "manual", Count: 1},
	}
	if len(s.ByReason) != len(want) {
		t.Fatalf("by reason %+v; want %+v", s.ByReason, want)
	}
	for i := range want {
		if s.ByReason[i] != want[i] {
			t.Errorf("by reason %d: %+v; want %+v", i, s.ByReason[i], want[i])
		}
	}
	if s.Verdicts[decision.VerdictUnblock] != 3 || s.Verdicts[decision.VerdictAllow] != 2 || s.Verdicts[decision.VerdictBlock] != 1 || s.Entries != 1 {
		t.Errorf("verdicts %v, entries %d", s.Verdicts, s.Entries)
	}

	var out bytes.Buffer
	if err := WriteText(&out, &s); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"4 blocks: 3 by the detector, 1 by operators", "reversed by an operator: 2 of 3 detector blocks (66.7 %)",
		"median time to reversal: 20m0s", "error_ratio 1;"} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("the report has no %q:\n%s", line, out.String())
		}
	}
}

func TestSummaryOfNothing(t *testing.T) {
	s := Summarize(nil, nil, t0, t0.Add(time.Hour))
	if s.ReversedShare != 0 || s.MedianToReversal != 0 || s.Reversed != 0 {
		t.Errorf("%+v", s)
	}
	var out bytes.Buffer
	if err := WriteText(&out, &s); err != nil || !strings.Contains(out.String(), "0 of 0 detector blocks (0.0 %)") {
		t.Errorf("%v:\n%s", err, out.String())
	}
}

func TestReportEscapesReasons(t *testing.T) {
	d := stored("203.0.113.1", "\x1b[31mred", time.Minute, false)
	s := Summarize([]redisstore.StoredDecision{d}, []decision.Verdict{reversal(decision.VerdictUnblock, d, time.Minute)}, t0, t0.Add(time.Hour))
	var out bytes.Buffer
	if err := WriteText(&out, &s); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "\x1b") {
		t.Errorf("a reason's escape sequence reached the terminal:\n%q", out.String())
	}
}

func TestParseSince(t *testing.T) {
	now := t0
	for _, tt := range []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"7d", now.Add(-7 * 24 * time.Hour), true},
		{"36h", now.Add(-36 * time.Hour), true},
		{"0.5d", now.Add(-12 * time.Hour), true},
		{"2026-03-01T00:00:00Z", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), true},
		{"-3d", time.Time{}, false},
		{"a week", time.Time{}, false},
		{"0h", time.Time{}, false},
	} {
		got, err := ParseSince(tt.in, now)
		if (err == nil) != tt.ok || tt.ok && !got.Equal(tt.want) {
			t.Errorf("ParseSince(%q) = %v, %v", tt.in, got, err)
		}
	}
}
