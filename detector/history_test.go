package detector_test

import (
	"os"
	"sync"
	"testing"

	"github.com/portcullis/portcullis/decision"
	. "github.com/portcullis/portcullis/detector"
	"github.com/portcullis/portcullis/features"
	"github.com/portcullis/portcullis/ingest"
)

// replayWithHistory runs the records at path through a Pipeline that keeps
// its judgements in h, and returns its decisions.
func replayWithHistory(t *testing.T, path string, p *Pipeline, h *History) []*decision.Decision {
	t.Helper()
	p.KeepHistory(h)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := ingest.NewReader(f, ingest.ReaderConfig{})
	var rec ingest.Record
	var ds []*decision.Decision
	for r.Next(&rec) {
		if d := p.Process(&rec); d != nil {
			ds = append(ds, d)
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return ds
}

func TestHistory(t *testing.T) {
	_, day2, m := trainedFixture(t)
	newPipeline := func(t *testing.T) *Pipeline {
		p, err := NewPipeline(Config{}, m)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Run("every blocked client has the judgement that confirmed its block, after one at or above the threshold", func(t *testing.T) {
		h, err := NewHistory(HistoryConfig{})
		if err != nil {
			t.Fatal(err)
		}
		ds := replayWithHistory(t, day2.path, newPipeline(t), h)
		if len(ds) == 0 {
			t.Fatal("nobody blocked; nothing to check")
		}
		for _, d := range ds {
			if d.Rule == decision.RuleCampaign {
				continue // decided on its endpoint's aggregate, not on a judgement of its own
			}
			js := h.Judgements(d.Client)
			found := false
			for i, j := range js {
				if !j.Decided || !j.TS.Equal(d.TS) {
					continue
				}
				found = true
				if j.Score != d.Score || j.Threshold != d.Threshold || j.Events != d.Events {
					t.Errorf("%s: decided judgement %+v differs from the decision %+v", d.Client, j, d)
				}
				if (i == 0 || js[i-1].Score < d.Threshold) && d.Score < d.Threshold+0.5 { // 0.5: the margin that blocks on one judgement
					t.Errorf("%s: no judgement at or above the threshold before the decided one: %+v", d.Client, js[:i+1])
				}
				if len(j.Features) != features.NumFeatures || len(j.Reasons) == 0 || j.Reasons[0].Feature != d.Reasons[0].Feature {
					t.Errorf("%s: decided judgement lacks features or reasons: %+v", d.Client, j)
				}
			}
			if !found {
				t.Errorf("%s: no decided judgement at %v in %+v", d.Client, d.TS, js)
			}
		}
	})
	t.Run("only clients that came within the watch share of the threshold have a history", func(t *testing.T) {
		h, err := NewHistory(HistoryConfig{Watch: 0.95})
		if err != nil {
			t.Fatal(err)
		}
		p := newPipeline(t)
		replayWithHistory(t, day2.path, p, h)
		if st := p.Stats(); h.Len() == 0 || int64(h.Len()) >= st.Features.Seen/4 {
			t.Fatalf("%d clients have a history of %d seen; want a few", h.Len(), st.Features.Seen)
		}
	})
	t.Run("reading while the pipeline records is safe", func(t *testing.T) {
		h, err := NewHistory(HistoryConfig{Clients: 8})
		if err != nil {
			t.Fatal(err)
		}
		offline, _ := score(t, day2.path, Config{}, m)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				for _, d := range offline {
					h.Judgements(d.Client)
				}
				h.Len()
			}
		})
		replayWithHistory(t, day2.path, newPipeline(t), h)
		close(stop)
		wg.Wait()
	})
}

func TestHistoryConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  HistoryConfig
		ok   bool
	}{
		{"the zero config takes the defaults", HistoryConfig{}, true},
		{"a negative client cap is refused", HistoryConfig{Clients: -1}, false},
		{"a ring longer than 1024 is refused", HistoryConfig{PerClient: 2000}, false},
		{"a watch share above 1 is refused", HistoryConfig{Watch: 1.5}, false},
		{"a negative watch share is refused", HistoryConfig{Watch: -0.1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewHistory(tt.cfg)
			if (err == nil) != tt.ok {
				t.Errorf("NewHistory(%+v) = %v", tt.cfg, err)
			}
		})
	}
}
