package review_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/review"
)

// verdictCount returns portcullis_review_verdicts_total of kind.
func (r *rig) verdictCount(t *testing.T, kind string) float64 {
	t.Helper()
	mfs, err := r.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "portcullis_review_verdicts_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			if m.GetLabel()[0].GetValue() == kind {
				return m.GetCounter().GetValue()
			}
		}
	}
	return -1
}

func TestOperatorsActsAreRecordedAsVerdicts(t *testing.T) {
	r := newRig(t, redistest.Start(t), nil, nil)
	ctx := t.Context()
	start := time.Now().Add(-time.Second)
	r.block(t, testDecision("203.0.113.7", time.Minute, 0.8, "error_ratio", "rate"),
		testDecision("198.51.100.8", time.Minute, 0.7, "path_entropy"))
	verdicts := func(t *testing.T) []decision.Verdict {
		t.Helper()
		vs, _, err := r.store.Verdicts(ctx, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		return vs
	}

	t.Run("the blocklist keeps every new block in its decisions history", func(t *testing.T) {
		r.block(t, testDecision("203.0.113.7", time.Minute, 0.8, "error_ratio", "rate")) // a re-store, not a new block
		ds, oldest, err := r.store.DecisionHistory(ctx, start)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 2 || ds[0].Client != "203.0.113.7" || ds[1].Client != "198.51.100.8" {
			t.Fatalf("history %+v; want the two new blocks", ds)
		}
		if ds[0].Stored.Before(start) || ds[0].Stored.After(time.Now()) || oldest != ds[0].Stored || ds[0].TTLSec != 600 || ds[0].Reasons[0].Feature != "error_ratio" {
			t.Errorf("history entry %+v stored %v (oldest %v)", ds[0].Decision, ds[0].Stored, oldest)
		}
	})
	t.Run("an unblock through the API is a benign verdict with the decision it reverses", func(t *testing.T) {
		if res := r.as(t, "POST", "/api/v1/decisions/203.0.113.7/unblock", ""); res.code != 200 || !strings.Contains(string(res.body), `"verdict_recorded":true`) {
			t.Fatalf("unblock: %d %s", res.code, res.body)
		}
		vs := verdicts(t)
		if len(vs) != 1 {
			t.Fatalf("verdicts %+v; want 1", vs)
		}
		v := vs[0]
		if v.Kind != decision.VerdictUnblock || v.Label != decision.LabelBenign || v.Client != "203.0.113.7" || v.Via != review.ViaAPI || v.By != "127.0.0.1" {
			t.Errorf("verdict %+v", v)
		}
		d := v.Decision
		if d == nil || d.Score != 0.8 || d.Model != "m1" || len(d.Reasons) != 2 || d.Reasons[0].Feature != "error_ratio" || d.Reasons[0].Value != 0.9 || d.Origin != decision.OriginDetector {
			t.Fatalf("the verdict's decision %+v; want it as stored, with its reasons, score and model", d)
		}
		if !v.Reverses() || v.Stored.Before(start.Add(-time.Second)) || v.At.Before(v.Stored) || v.At.Sub(v.Stored) > time.Minute {
			t.Errorf("stored %v, at %v: the block stood a few seconds", v.Stored, v.At)
		}
		if n := r.verdictCount(t, decision.VerdictUnblock); n != 1 {
			t.Errorf("unblock verdicts counted: %v", n)
		}
	})
	t.Run("an allowlist entry from the page is a verdict per block it lifts", func(t *testing.T) {
		req, _ := http.NewRequest("POST", r.srv.URL+"/api/v1/allowlist", strings.NewReader(`{"entry":"198.51.100.0/24"}`))
		req.Header.Set("Authorization", "Bearer "+testToken)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		res, err := r.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("allow: %d", res.StatusCode)
		}
		vs := verdicts(t)
		if len(vs) != 2 {
			t.Fatalf("verdicts %+v; want 2", vs)
		}
		v := vs[1]
		if v.Kind != decision.VerdictAllow || v.Client != "198.51.100.8" || v.Entry != "198.51.100.0/24" || v.Via != review.ViaPage || v.Decision == nil || v.Decision.Reasons[0].Feature != "path_entropy" {
			t.Errorf("verdict %+v", v)
		}
	})
	t.Run("an allowlist entry that lifts nothing is a verdict about the entry", func(t *testing.T) {
		if err := r.svc.Allow(review.WithActor(ctx, review.ViaCLI, "alice"), "key_partner"); err != nil {
			t.Fatal(err)
		}
		vs := verdicts(t)
		if v := vs[len(vs)-1]; v.Kind != decision.VerdictAllow || v.Client != "key_partner" || v.Decision != nil || v.Via != review.ViaCLI || v.By != "alice" || v.Reverses() {
			t.Errorf("verdict %+v", v)
		}
	})
	t.Run("an address allowlisted is a verdict with its block, however it is written", func(t *testing.T) {
		r.block(t, testDecision("192.0.2.30", time.Minute, 0.75, "rate"), testDecision("192.0.2.31", time.Minute, 0.75, "rate"))
		for _, tt := range []struct{ entry, client string }{{"192.0.2.30", "192.0.2.30"}, {"::ffff:192.0.2.31", "192.0.2.31"}} {
			if err := r.svc.Allow(ctx, tt.entry); err != nil {
				t.Fatal(err)
			}
			vs := verdicts(t)
			if v := vs[len(vs)-1]; v.Client != tt.client || v.Entry != tt.entry || v.Decision == nil || v.Decision.Score != 0.75 || !v.Reverses() {
				t.Errorf("allow %s: verdict %+v", tt.entry, v)
			}
		}
	})
	t.Run("a block by hand is an attack verdict", func(t *testing.T) {
		if _, err := r.svc.Block(review.WithActor(ctx, review.ViaCLI, "bob"), "192.0.2.9", time.Hour, "ticket 7"); err != nil {
			t.Fatal(err)
		}
		vs := verdicts(t)
		v := vs[len(vs)-1]
		if v.Kind != decision.VerdictBlock || v.Label != decision.LabelAttack || v.Client != "192.0.2.9" || v.By != "bob" ||
			v.Decision == nil || !v.Decision.Manual() || v.Decision.Note != "ticket 7" || v.Decision.TTLSec != 3600 || v.Reverses() {
			t.Errorf("verdict %+v, decision %+v", v, v.Decision)
		}
	})
	t.Run("a failed unblock records nothing", func(t *testing.T) {
		before := len(verdicts(t))
		if res := r.as(t, "POST", "/api/v1/decisions/203.0.113.99/unblock", ""); res.code != 404 {
			t.Fatalf("unblock of a client not blocked: %d", res.code)
		}
		if n := len(verdicts(t)); n != before {
			t.Errorf("%d verdicts after a failed unblock; want %d", n, before)
		}
	})
}
