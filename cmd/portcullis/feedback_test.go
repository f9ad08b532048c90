package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
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
	const prefix = "fb:"
	addr, store := startStore(t, prefix)
	block := func(client, feature string) *decision.Decision {
		return &decision.Decision{Client: client, Scope: decision.ScopeIP, TS: time.Now().UTC(), Action: decision.ActionBlock,
			Score: 0.9, Threshold: 0.6, TTLSec: 600, Model: "m-test", Origin: decision.OriginDetector,
			Reasons: []decision.Reason{{Feature: feature, Value: 0.97, Typical: 0.02}}}
	}
	if _, err := store.Apply(t.Context(), []*decision.Decision{block("203.0.113.7", "error_ratio"), block("203.0.113.8", "rate")}); err != nil {
		t.Fatal(err)
	}
	unblockViaAPI(t, store, "203.0.113.7")
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

// TestFeedbackClearsAFalseBlock is the operator's loop end to end: a link
// checker walking 30 pages that are gone is blocked for its missing pages;
// an operator unblocks it through the review API; the verdicts are
// exported and the model is trained again with them, on the recordings
// that include its day. Scored again, the link checker is not blocked, and
// every attacker blocked before still is.
func TestFeedbackClearsAFalseBlock(t *testing.T) {
	p := shared(t)
	dir := t.TempDir()
	const checker = "198.51.100.77"
	day2 := withLinkChecker(t, p.path("day2.jsonl"), checker, filepath.Join(dir, "day2.jsonl"))

	d1 := filepath.Join(dir, "d1.jsonl")
	run(t, "score", "--model", p.path("m.pcm"), "--in", day2, "--decisions", d1)
	var blocked *decision.Decision
	for _, line := range strings.Split(strings.TrimSpace(string(readFile(t, d1))), "\n") {
		var d decision.Decision
		if err := json.Unmarshal([]byte(line), &d); err != nil {
			t.Fatal(err)
		}
		if d.Client == checker {
			blocked = &d
			break
		}
	}
	if blocked == nil {
		t.Fatalf("the link checker was not blocked; the test needs a false block to clear")
	}

	const prefix = "fbloop:"
	addr, store := startStore(t, prefix)
	blocked.TS = time.Now().UTC() // stored as the online detector would, now
	if _, err := store.Apply(t.Context(), []*decision.Decision{blocked}); err != nil {
		t.Fatal(err)
	}
	unblockViaAPI(t, store, checker)
	verdicts := filepath.Join(dir, "verdicts.jsonl")
	run(t, "feedback", "export", "--out", verdicts, "--redis", addr, "--prefix", prefix)

	m2 := filepath.Join(dir, "m2.pcm")
	tr := run(t, "train", "--in", p.path("day1.jsonl"), "--in", day2, "--out", m2, "--no-progress", "--feedback", verdicts)
	if !strings.Contains(tr.stdout, "1 operator-cleared clients (1 of them judged in this recording") {
		t.Errorf("train did not take the cleared link checker:\n%s", tr.stdout)
	}
	d2 := filepath.Join(dir, "d2.jsonl")
	run(t, "score", "--model", m2, "--in", day2, "--decisions", d2)
	after := map[string]bool{}
	for _, d := range readDecisions(t, d2) {
		after[d.Client] = true
	}
	if after[checker] {
		t.Errorf("the cleared link checker is blocked again")
	}
	labels := readLabels(t, p.path("day2.labels.jsonl"))
	attacks := 0
	for _, d := range readDecisions(t, d1) {
		if l, ok := labels[d.Client]; ok && l.Kind != "normal" {
			attacks++
			if !after[d.Client] {
				t.Errorf("%s (%s) was blocked before the feedback and is not after it", d.Client, l.Kind)
			}
		}
	}
	if attacks == 0 {
		t.Fatal("no attacker was blocked before the feedback; the test cannot show they stay blocked")
	}
}

// withLinkChecker writes to out the recording in, with a link checker at
// client added: 30 requests, one every 3 s from a minute in, to pages that
// are gone. The records stay in event-time order.
func withLinkChecker(t *testing.T, in, client, out string) string {
	t.Helper()
	lines := strings.SplitAfter(string(readFile(t, in)), "\n")
	var first struct {
		TS time.Time `json:"ts"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	type rec struct {
		ts   time.Time
		line string
	}
	recs := make([]rec, 0, len(lines)+30)
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		var r struct {
			TS time.Time `json:"ts"`
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec{r.TS, l})
	}
	for i := range 30 {
		ts := first.TS.Add(time.Minute + time.Duration(3*i)*time.Second)
		recs = append(recs, rec{ts, fmt.Sprintf(`{"ts":%q,"client_ip":%q,"method":"GET","path":"/blog/2019/old-post-%d","status":404,"req_bytes":300,"resp_bytes":500,"duration_ms":3,"user_agent":"LinkChecker/10.2"}`+"\n",
			ts.Format(time.RFC3339Nano), client, i)})
	}
	slices.SortStableFunc(recs, func(a, b rec) int { return a.ts.Compare(b.ts) })
	var sb strings.Builder
	for _, r := range recs {
		sb.WriteString(r.line)
	}
	writeFile(t, out, []byte(sb.String()))
	return out
}

// startStore starts a redis-server and returns its address and a
// blocklist store on it under prefix.
func startStore(t *testing.T, prefix string) (string, *redisstore.Store) {
	t.Helper()
	addr := redistest.Start(t)
	store, err := redisstore.New(redisstore.Config{Addrs: []string{addr}, KeyPrefix: prefix}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return addr, store
}

// unblockViaAPI unblocks client as an operator does, through the review
// API served over store.
func unblockViaAPI(t *testing.T, store *redisstore.Store, client string) {
	t.Helper()
	const token = "feedback-test-token-0123456789"
	h, err := review.NewHandler(review.NewService(store, nil), token, nil, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/decisions/"+client+"/unblock", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("unblock %s through the review API: %d", client, res.StatusCode)
	}
}
