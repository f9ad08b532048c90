package redisstore

import (
	"context"
	"math"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portcullis/portcullis/blocklist"
)

// Metrics are the Redis blocklist's metrics, registered once on a registry
// and fed by the Stores given to Watch and WatchWriter. Every process that
// uses the blocklist exports the Redis errors of its stores; the detector,
// which writes decisions, also exports what the store did with them, the
// breaker and the number of active decisions.
type Metrics struct {
	reg prometheus.Registerer

	mu       sync.Mutex
	stores   []*Store
	outcomes *prometheus.CounterVec // nil until WatchWriter
}

// NewMetrics registers portcullis_blocklist_redis_errors_total on reg:
// the failed Redis commands of every Store watched.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{reg: reg}
	err := reg.Register(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "portcullis_blocklist_redis_errors_total",
		Help: "Redis commands that failed: unreachable, timed out or refused.",
	}, m.errors))
	if err != nil {
		return nil, err
	}
	return m, nil
}

func (m *Metrics) errors() float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	var n uint64
	for _, s := range m.stores {
		n += s.Errors()
	}
	return float64(n)
}

// Watch counts the Redis errors of s.
func (m *Metrics) Watch(s *Store) {
	m.mu.Lock()
	m.stores = append(m.stores, s)
	m.mu.Unlock()
}

// WatchWriter watches s as Watch does, and registers the metrics of the
// store that decisions are written to: portcullis_blocklist_outcomes_total
// (fed by CountOutcomes), portcullis_blocklist_breaker_tripped and
// portcullis_blocklist_decisions_active (each asks s when scraped). Call it
// once per Metrics.
func (m *Metrics) WatchWriter(s *Store) error {
	m.Watch(s)
	outcomes := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "portcullis_blocklist_outcomes_total",
		Help: "What the blocklist did with each decision: stored, simulated, or refused (allowlisted, breaker, cap).",
	}, []string{"result"})
	for _, r := range []blocklist.Result{blocklist.Stored, blocklist.Simulated, blocklist.RefusedAllowlisted, blocklist.RefusedBreaker, blocklist.RefusedCap} {
		outcomes.WithLabelValues(r.String())
	}
	cs := []prometheus.Collector{outcomes,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "portcullis_blocklist_breaker_tripped",
			Help: "1 while the safety breaker refuses new blocks; -1 when Redis cannot be asked.",
		}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			b, err := s.Breaker(ctx)
			switch {
			case err != nil:
				return -1
			case b.Tripped:
				return 1
			}
			return 0
		}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "portcullis_blocklist_decisions_active",
			Help: "Active decisions in the blocklist (simulated ones in dry run); NaN when Redis cannot be asked.",
		}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			n, err := s.Active(ctx)
			if err != nil {
				return math.NaN()
			}
			return float64(n)
		}),
	}
	for _, c := range cs {
		if err := m.reg.Register(c); err != nil {
			return err
		}
	}
	m.mu.Lock()
	m.outcomes = outcomes
	m.mu.Unlock()
	return nil
}

// CountOutcomes counts what a store did with each decision of a batch, by
// result. It counts nothing before WatchWriter.
func (m *Metrics) CountOutcomes(out []blocklist.Outcome) {
	m.mu.Lock()
	c := m.outcomes
	m.mu.Unlock()
	if c == nil {
		return
	}
	for _, o := range out {
		c.WithLabelValues(o.Result.String()).Inc()
	}
}
