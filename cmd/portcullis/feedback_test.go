package main

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/review"
)

// TestVerdictsRoundTrip: the detector blocks two clients, an operator
// unblocks one through the review API and blocks another by hand with the
// CLI; feedback export writes both verdicts, report counts the reversal,
// and train --feedback takes the cleared client.
func TestVerdictsRoundTrip(t *testing.T) {
	addr := redistest.Start(t)
	const prefix = "fb:"
	store, err := redisstore.New(redisstore.Config{Addrs: []string{addr}, KeyPrefix: prefix}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	block := func(client, feature string) *decision.Decision {
		return &decision.Decision{Client: client, Scope: decision.ScopeIP, TS: time.Now().UTC(), Action: decision.ActionBlock,
			Score: 0.9, Threshold: 0.6, TTLSec: 600, Model: "m-test", Origin: decision.OriginDetector,
			Reasons: []decision.Reason{{Feature: feature, Value: 0.97, Typical: 0.02}}}
	}
	if _, err := store.Apply(t.Context(), []*decision.Decision{block("203.0.113.7", "error_ratio"), block("203.0.113.8", "rate")}); err != nil {
		t.Fatal(err)
	}
	const token = "feedback-test-token-0123456789"
	h, err := review.NewHandler(review.NewService(store, nil), token, nil, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/decisions/203.0.113.7/unblock", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("unblock through the review API: %d", res.StatusCode)
	}
	redisFlags := []string{"--redis", addr, "--prefix", prefix}
	run(t, append([]string{"blocklist", "add", "192.0.2.66", "--ttl", "1h", "--reason", "ticket 9"}, redisFlags...)...)

	out := filepath.Join(t.TempDir(), "verdicts.jsonl")
	run(t, append([]string{"feedback", "export", "--out", out}, redisFlags...)...)
	var vs []decision.Verdict
	for _, line := range strings.Split(strings.TrimSpace(string(readFile(t, out))), "\n") {
		var v decision.Verdict
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("export line %q: %v", line, err)
		}
		vs = append(vs, v)
	}
	if len(vs) != 2 {
		t.Fatalf("exported %d verdicts; want 2: %+v", len(vs), vs)
	}
	if v := vs[0]; v.Kind != "unblock" || v.Label != "benign" || v.Client != "203.0.113.7" || v.Via != "api" || v.Decision == nil ||
		v.Decision.Model != "m-test" || v.Decision.Reasons[0].Feature != "error_ratio" || v.Stored.IsZero() {
		t.Errorf("first verdict %+v", v)
	}
	if v := vs[1]; v.Kind != "block" || v.Label != "attack" || v.Client != "192.0.2.66" || v.Via != "cli" || v.Decision == nil || v.Decision.Note != "ticket 9" {
		t.Errorf("second verdict %+v", v)
	}

	rep := run(t, append([]string{"report", "--since", "7d"}, redisFlags...)...)
	for _, want := range []string{
		"3 blocks: 2 by the detector, 1 by operators",
		"reversed by an operator: 1 of 2 detector blocks (50.0 %)",
		"median time to reversal:",
		"top reasons of reversed blocks: error_ratio 1;",
		"verdicts: 1 unblock, 0 allow (0 entries that lifted no block), 1 block",
	} {
		if !strings.Contains(rep.stdout, want) {
			t.Errorf("report has no %q:\n%s", want, rep.stdout)
		}
	}
	js := run(t, append([]string{"report", "--since", "1h", "--json"}, redisFlags...)...)
	var s struct {
		Reversed      int     `json:"reversed"`
		ReversedShare float64 `json:"reversed_share"`
	}
	if err := json.Unmarshal([]byte(js.stdout), &s); err != nil || s.Reversed != 1 || s.ReversedShare != 0.5 {
		t.Errorf("report --json: %+v, %v\n%s", s, err, js.stdout)
	}
	if _, err := execute(t.Context(), append([]string{"report", "--since", "a while"}, redisFlags...)...); err == nil || !strings.Contains(err.Error(), "--since") {
		t.Errorf("a bad --since: %v", err)
	}

	// The export is what train --feedback reads: the unblocked client is
	// an operator-cleared one, the manual block is not.
	p := shared(t)
	tr := run(t, "train", "--in", p.path("day1.jsonl"), "--out", filepath.Join(t.TempDir(), "m.pcm"), "--no-progress", "--feedback", out)
	if !strings.Contains(tr.stdout, "feedback: 2 verdicts, 1 operator-cleared clients") {
		t.Errorf("train --feedback with the export did not take its verdicts:\n%s", tr.stdout)
	}
}
