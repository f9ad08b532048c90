package enforce

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/blocklist/redisstore"
)

// Interfaces a question arrives on, the values of the interface label.
const (
	ifaceForwardAuth = "forward_auth"
	ifaceExtAuthz    = "ext_authz"
)

// metrics are the Service's; the counters a check touches are resolved
// once, so a check does no label lookup.
type metrics struct {
	checks      *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	propagation prometheus.Histogram
	byIface     map[string]*ifaceMetrics
}

// ifaceMetrics are the series of one interface.
type ifaceMetrics struct {
	allow, block, failOpen, failClosed prometheus.Counter
	// throttle, throttled, challenged and log count the checks of
	// decisions other than a block.
	throttle, throttled, challenged, passed, log prometheus.Counter
	latency                                      prometheus.Observer
}

func (m *ifaceMetrics) count(res string) {
	switch res {
	case resultAllow:
		m.allow.Inc()
	case resultBlock:
		m.block.Inc()
	case resultFailOpen:
		m.failOpen.Inc()
	case resultFailClosed:
		m.failClosed.Inc()
	case resultThrottle:
		m.throttle.Inc()
	case resultThrottled:
		m.throttled.Inc()
	case resultChallenged:
		m.challenged.Inc()
	case resultPassed:
		m.passed.Inc()
	case resultLog:
		m.log.Inc()
	}
}

func newPropagation() prometheus.Histogram {
	return prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "portcullis_enforce_blocklist_propagation_seconds",
		Help: "From a decision stored in Redis to its enforcement by this service (by the Redis clock).",
		// 0.1 s is the goal (p99), so it is a bucket bound.
		Buckets: []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30},
	})
}

func newMetrics(reg prometheus.Registerer, propagation prometheus.Histogram, c *blocklist.Checker, store *redisstore.Store) (*metrics, error) {
	m := &metrics{
		propagation: propagation,
		checks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portcullis_enforce_checks_total",
			Help: "Questions answered, by interface (forward_auth, ext_authz) and result: allow, block (a decision applies), fail_open or fail_closed (the view was stale); under a decision other than a block: throttle (within its rate), throttled (429 past it), challenged (sent to the challenge), passed (a challenge, and a valid pass: let through) or log (let through).",
		}, []string{"interface", "result"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "portcullis_enforce_check_duration_seconds",
			Help: "Time the service takes to answer a question, from its arrival in the handler to the answer (transport excluded).",
			// The goal is 100 µs p99 at the proxy, so the buckets resolve
			// the microseconds below it.
			Buckets: []float64{1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 1e-2},
		}, []string{"interface"}),
		byIface: map[string]*ifaceMetrics{},
	}
	for _, iface := range []string{ifaceForwardAuth, ifaceExtAuthz} {
		m.byIface[iface] = &ifaceMetrics{
			allow:      m.checks.WithLabelValues(iface, resultAllow),
			block:      m.checks.WithLabelValues(iface, resultBlock),
			failOpen:   m.checks.WithLabelValues(iface, resultFailOpen),
			failClosed: m.checks.WithLabelValues(iface, resultFailClosed),
			throttle:   m.checks.WithLabelValues(iface, resultThrottle),
			throttled:  m.checks.WithLabelValues(iface, resultThrottled),
			challenged: m.checks.WithLabelValues(iface, resultChallenged),
			passed:     m.checks.WithLabelValues(iface, resultPassed),
			log:        m.checks.WithLabelValues(iface, resultLog),
			latency:    m.latency.WithLabelValues(iface),
		}
	}
	cs := []prometheus.Collector{m.checks, m.latency, m.propagation,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "portcullis_enforce_blocklist_staleness_seconds",
			Help: "Age of the service's view of the blocklist since Redis last confirmed it.",
		}, func() float64 { return min(c.Staleness().Seconds(), 1e9) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "portcullis_enforce_blocklist_decisions",
			Help: "Decisions in the service's view of the blocklist (lapsed ones until the next sweep).",
		}, func() float64 { return float64(c.Stats().Decisions) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "portcullis_enforce_blocklist_resyncs_total",
			Help: "Full snapshots of the blocklist loaded: at start, every resync interval, and after a gap.",
		}, func() float64 { return float64(c.Stats().Resyncs) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "portcullis_enforce_blocklist_gaps_total",
			Help: "Pushed changes missed (a version gap, or Redis restarted), each repaired by a resync.",
		}, func() float64 { return float64(c.Stats().Gaps) }),
	}
	for _, col := range cs {
		if err := reg.Register(col); err != nil {
			return nil, err
		}
	}
	sm, err := redisstore.NewMetrics(reg)
	if err != nil {
		return nil, err
	}
	sm.Watch(store)
	return m, nil
}
