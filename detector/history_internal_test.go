package detector

import (
	"fmt"
	"testing"

	"github.com/portcullis/portcullis/features"
	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/models"
)

// historyRig records judgements of made-up scores into a History, through
// the same hook the Pipeline calls.
type historyRig struct {
	p     *Pipeline
	h     *History
	table *features.Table[clientState]
	ts    int64
}

func newHistoryRig(t testing.TB, cfg HistoryConfig) *historyRig {
	t.Helper()
	h, err := NewHistory(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &historyRig{p: &Pipeline{model: &models.Model{Threshold: 0.6}}, h: h, table: features.NewTable[clientState](features.Config{})}
}

// judge records a judgement of client with score (0: not scored).
func (r *historyRig) judge(client string, score float64) {
	r.ts += 1e9
	rec := ingest.Record{TS: r.ts, ClientIP: []byte(client)}
	c := r.table.Observe([]byte(client), "ip", &rec)
	res := models.Result{Scored: score > 0, Score: score, NReasons: 1, Reasons: [models.MaxReasons]models.Reason{{Signal: features.Rate, Value: 9, Typical: 1}}}
	var v features.Vector
	r.h.record(r.p, c, r.ts, &v, &res, blocks(float64(c.Ext.prevScore), &res, r.p.model.Threshold))
	c.Ext.prevScore = float32(score)
}

func TestHistoryRing(t *testing.T) {
	t.Run("a ring keeps its client's latest judgements, oldest first", func(t *testing.T) {
		r := newHistoryRig(t, HistoryConfig{PerClient: 3})
		for _, s := range []float64{0.5, 0.55, 0.61, 0, 0.65} {
			r.judge("a", s)
		}
		js := r.h.Judgements("a")
		if len(js) != 3 || js[0].Score != 0.61 || js[1].Scored || js[2].Score != 0.65 {
			t.Fatalf("judgements = %+v; want 0.61, unscored, 0.65", js)
		}
		if js[0].Decided || js[2].Decided {
			t.Errorf("a judgement after an unscored one is not a confirmation: %+v", js)
		}
		r.judge("a", 0)
		r.judge("a", 0.9) // past the threshold, but not by the strong margin: waits for a second
		if js := r.h.Judgements("a"); js[2].Decided {
			t.Errorf("a judgement less than half a decade past the threshold decided alone: %+v", js)
		}
		r.judge("a", 0)
		r.judge("a", 1.2) // past the threshold by the strong margin, about three times rarer: decides alone
		if js := r.h.Judgements("a"); !js[2].Decided {
			t.Errorf("a judgement half a decade past the threshold is a decision on its own: %+v", js)
		}
		if js[0].Reasons[0].Feature != "rate" || len(js[0].Features) != features.NumFeatures {
			t.Errorf("judgement lacks reasons or features: %+v", js[0])
		}
	})
	t.Run("a client under the watch share is not recorded until it comes close", func(t *testing.T) {
		r := newHistoryRig(t, HistoryConfig{Watch: 0.8})
		r.judge("a", 0.3)
		r.judge("a", 0)
		if js := r.h.Judgements("a"); js != nil {
			t.Fatalf("judgements = %+v; want none", js)
		}
		r.judge("a", 0.5)
		r.judge("a", 0.2)
		if js := r.h.Judgements("a"); len(js) != 2 {
			t.Fatalf("judgements = %+v; want the one at 0.5 and the one after", js)
		}
	})
	t.Run("two judgements in a row at the threshold mark the second decided", func(t *testing.T) {
		r := newHistoryRig(t, HistoryConfig{})
		r.judge("a", 0.65)
		r.judge("a", 0.6)
		js := r.h.Judgements("a")
		if len(js) != 2 || js[0].Decided || !js[1].Decided {
			t.Fatalf("judgements = %+v; want the second decided", js)
		}
	})
	t.Run("at the cap the client written least recently is dropped", func(t *testing.T) {
		r := newHistoryRig(t, HistoryConfig{Clients: 3})
		r.judge("a", 0.7)
		r.judge("b", 0.7)
		r.judge("c", 0.7)
		r.judge("a", 0.1) // a is written again: b is now the oldest
		r.judge("d", 0.7)
		if r.h.Len() != 3 || r.h.Judgements("b") != nil || r.h.Judgements("a") == nil || r.h.Judgements("d") == nil {
			t.Fatalf("after the cap: %d clients, b %v, a %v, d %v", r.h.Len(), r.h.Judgements("b"), r.h.Judgements("a"), r.h.Judgements("d"))
		}
		r.judge("e", 0.7) // c is the oldest now
		if r.h.Judgements("c") != nil || len(r.h.Judgements("a")) != 2 {
			t.Errorf("c kept or a lost: c %v, a %v", r.h.Judgements("c"), r.h.Judgements("a"))
		}
	})
}

func TestHistoryRecordsWithoutAllocating(t *testing.T) {
	r := newHistoryRig(t, HistoryConfig{Clients: 64})
	keys := make([]string, 256)
	for i := range keys {
		keys[i] = fmt.Sprintf("198.51.100.%d", i)
	}
	for _, k := range keys {
		r.judge(k, 0.7) // fill the History and churn it once
	}
	var c [256]*Client
	for i, k := range keys {
		rec := ingest.Record{TS: r.ts, ClientIP: []byte(k)}
		c[i] = r.table.Observe([]byte(k), "ip", &rec)
	}
	res := models.Result{Scored: true, Score: 0.7}
	quiet := models.Result{Scored: true, Score: 0.1}
	var v features.Vector
	i := 0
	allocs := testing.AllocsPerRun(1000, func() {
		// A client close to the threshold, possibly evicting another; and
		// one far below it, which is not recorded.
		r.h.record(r.p, c[i%len(c)], r.ts, &v, &res, false)
		r.h.record(r.p, c[(i+128)%len(c)], r.ts, &v, &quiet, false)
		i++
	})
	if allocs > 0.05 {
		t.Errorf("recording allocates %.2f times per judgement; want 0 in steady state", allocs)
	}
}

func BenchmarkHistoryRecord(b *testing.B) {
	r := newHistoryRig(b, HistoryConfig{})
	rec := ingest.Record{TS: 1, ClientIP: []byte("203.0.113.7")}
	c := r.table.Observe([]byte("203.0.113.7"), "ip", &rec)
	watched := models.Result{Scored: true, Score: 0.7}
	quiet := models.Result{Scored: true, Score: 0.1}
	var v features.Vector
	r.h.record(r.p, c, 1, &v, &watched, false)
	rec2 := ingest.Record{TS: 1, ClientIP: []byte("203.0.113.8")}
	other := r.table.Observe([]byte("203.0.113.8"), "ip", &rec2)
	b.Run("a client with a history", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r.h.record(r.p, c, 1, &v, &watched, false)
		}
	})
	b.Run("a client far below the threshold", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r.h.record(r.p, other, 1, &v, &quiet, false)
		}
	})
}
