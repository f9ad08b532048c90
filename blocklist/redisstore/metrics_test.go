package redisstore

import (
	"maps"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portcullis/portcullis/internal/redistest"
)

func TestMetrics(t *testing.T) {
	srv := redistest.StartServer(t)
	s := newRedis(t, srv.Addr(), nil)
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.WatchWriter(s); err != nil {
		t.Fatal(err)
	}
	t.Run("outcomes are counted by result, every result present from the start", func(t *testing.T) {
		m.CountOutcomes(apply(t, s, testDecision("203.0.113.7", 0, 600)))
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]float64{}
		for _, mf := range mfs {
			if mf.GetName() != "portcullis_blocklist_outcomes_total" {
				continue
			}
			if h := mf.GetHelp(); h != "What the blocklist did with each decision: stored, simulated, or refused (allowlisted, breaker, cap)." {
				t.Errorf("help %q", h)
			}
			for _, mt := range mf.GetMetric() {
				got[mt.GetLabel()[0].GetValue()] = mt.GetCounter().GetValue()
			}
		}
		want := map[string]float64{"stored": 1, "simulated": 0, "allowlisted": 0, "breaker": 0, "cap": 0}
		if !maps.Equal(got, want) {
			t.Errorf("outcomes %v, want %v", got, want)
		}
		if got := gathered(t, reg)["portcullis_blocklist_decisions_active"]; got != 1 {
			t.Errorf("decisions_active = %v, want 1", got)
		}
	})
	t.Run("Redis errors are counted once, and the gauges say Redis cannot be asked", func(t *testing.T) {
		srv.Stop()
		if _, err := s.Version(t.Context()); err == nil {
			t.Fatal("Version succeeded with redis-server stopped")
		}
		found := gathered(t, reg)
		if found["portcullis_blocklist_redis_errors_total"] < 1 {
			t.Errorf("redis_errors_total = %v, want at least 1", found["portcullis_blocklist_redis_errors_total"])
		}
		if found["portcullis_blocklist_breaker_tripped"] != -1 {
			t.Errorf("breaker_tripped = %v, want -1", found["portcullis_blocklist_breaker_tripped"])
		}
	})
	t.Run("a second registration of the same metrics is an error", func(t *testing.T) {
		if _, err := NewMetrics(reg); err == nil {
			t.Error("no error")
		}
	})
}

// gathered returns each metric family of reg by name: the sum of a
// counter's series, the value of a gauge.
func gathered(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]float64{}
	for _, mf := range mfs {
		for _, mt := range mf.GetMetric() {
			switch {
			case mt.GetCounter() != nil:
				found[mf.GetName()] += mt.GetCounter().GetValue()
			case mt.GetGauge() != nil:
				found[mf.GetName()] = mt.GetGauge().GetValue()
			}
		}
	}
	return found
}
