package review_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/detector"
	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/review"
	"github.com/portcullis/portcullis/trafficgen"
)

const testToken = "review-test-token-0123456789"

// traffic is what the detector made of a generated recording: its
// decisions and its history of judgements, with event times ending a
// minute ago so the page shows live ages.
type traffic struct {
	decisions []*decision.Decision
	history   *detector.History
}

// realTraffic generates two days of a site, trains on the first and runs
// the second through a Pipeline that keeps its history, once for all
// tests.
var realTraffic = sync.OnceValues(func() (*traffic, error) {
	dir, err := os.MkdirTemp("", "portcullis-review-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	day := func(name string, seed int64, start time.Time) (string, error) {
		var out bytes.Buffer
		cfg := trafficgen.Config{Seed: seed, Start: start, Minutes: 4, Clients: 400, Attacks: true}
		if _, err := trafficgen.Generate(cfg.WithDefaults(), &out, &bytes.Buffer{}); err != nil {
			return "", err
		}
		path := filepath.Join(dir, name)
		return path, os.WriteFile(path, out.Bytes(), 0o644)
	}
	start := trafficgen.DefaultStart()
	day1, err := day("day1.jsonl", 1, start)
	if err != nil {
		return nil, err
	}
	day2, err := day("day2.jsonl", 2, start.Add(24*time.Hour))
	if err != nil {
		return nil, err
	}
	m, err := detector.Train(context.Background(), []detector.Source{&detector.FileSource{Path: day1}}, detector.TrainConfig{Seed: 1})
	if err != nil {
		return nil, err
	}
	if err := m.Write(io.Discard); err != nil { // sets the model's ID
		return nil, err
	}
	p, err := detector.NewPipeline(detector.Config{}, m)
	if err != nil {
		return nil, err
	}
	h, err := detector.NewHistory(detector.HistoryConfig{})
	if err != nil {
		return nil, err
	}
	p.KeepHistory(h)
	f, err := os.Open(day2)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Event time moves as a whole, so the decisions are those of the
	// recording, ending a minute ago.
	shift := time.Now().Add(-time.Minute).Sub(start.Add(24*time.Hour + 4*time.Minute)).Nanoseconds()
	r := ingest.NewReader(f, ingest.ReaderConfig{})
	tr := &traffic{history: h}
	var rec ingest.Record
	for r.Next(&rec) {
		rec.TS += shift
		if d := p.Process(&rec); d != nil {
			tr.decisions = append(tr.decisions, d)
		}
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	if len(tr.decisions) < 3 {
		return nil, fmt.Errorf("the detector blocked %d clients of the recording; the tests need 3 or more", len(tr.decisions))
	}
	return tr, nil
})

func realData(t *testing.T) *traffic {
	t.Helper()
	tr, err := realTraffic()
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

var prefixes atomic.Int64

// rig is a review Handler over a Redis blocklist of its own key prefix on
// a real redis-server, served by an httptest server.
type rig struct {
	store *redisstore.Store
	svc   *review.Service
	reg   *prometheus.Registry
	srv   *httptest.Server
}

func newRig(t *testing.T, redisAddr string, history review.HistorySource, set func(*redisstore.Config)) *rig {
	t.Helper()
	cfg := redisstore.Config{Addrs: []string{redisAddr}, KeyPrefix: fmt.Sprintf("rv%d:", prefixes.Add(1)), Policy: redisstore.Policy{TTLJitter: -1}}
	if set != nil {
		set(&cfg)
	}
	store, err := redisstore.New(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc := review.NewService(store, history)
	reg := prometheus.NewRegistry()
	h, err := review.NewHandler(svc, testToken, slog.New(slog.DiscardHandler), reg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &rig{store: store, svc: svc, reg: reg, srv: srv}
}

// block stores ds as the detector would.
func (r *rig) block(t *testing.T, ds ...*decision.Decision) {
	t.Helper()
	out, err := r.store.Apply(context.Background(), ds)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range out {
		if o.Result != blocklist.Stored && o.Result != blocklist.Simulated {
			t.Fatalf("%s not stored: %s", o.Client, o.Result)
		}
	}
}

// decision returns a block of client triggered ago before now, with
// reasons on features.
func testDecision(client string, ago time.Duration, score float64, features ...string) *decision.Decision {
	d := &decision.Decision{Client: client, Scope: "ip", TS: time.Now().Add(-ago).UTC().Truncate(time.Millisecond),
		Action: decision.ActionBlock, Score: score, Threshold: 0.61, TTLSec: 600, Model: "m1", Events: 40}
	for i, f := range features {
		d.Reasons = append(d.Reasons, decision.Reason{Feature: f, Value: 0.9 - 0.1*float64(i), Typical: 0.01})
	}
	return d
}

func writeFile(path, content string) error { return os.WriteFile(path, []byte(content), 0o600) }
