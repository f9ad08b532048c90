package auth

import (
	"cmp"
	"slices"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the Authenticator's; the only label holding a client
// identity is key_id in the capped top-K family.
type metrics struct {
	ok       *prometheus.CounterVec
	failures *prometheus.CounterVec
	usage    *usageCollector // nil without API keys
}

func newMetrics() *metrics {
	return &metrics{
		ok: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portcullis_gateway_auth_allowed_total",
			Help: "Requests authenticated and authorized, by route and method (jwt or api_key)."}, []string{"route", "method"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portcullis_gateway_auth_failures_total",
			Help: "Requests refused by authentication (401) or authorization (403), by route and reason: missing, malformed, algorithm, issuer, audience, expired, not_yet_valid, unknown_key, signature, unknown_api_key, revoked, key_expired, forbidden."}, []string{"route", "reason"}),
	}
}

func (m *metrics) collectors() []prometheus.Collector {
	cs := []prometheus.Collector{m.ok, m.failures}
	if m.usage != nil {
		cs = append(cs, m.usage)
	}
	return cs
}

// usageCollector exports the request counts of the K most used API keys,
// so the key_id label is bounded by K, and the number of keys held.
type usageCollector struct {
	ring                *KeyRing
	k                   int
	usageDesc, keysDesc *prometheus.Desc
}

func newUsageCollector(ring *KeyRing, k int) *usageCollector {
	return &usageCollector{ring: ring, k: k,
		usageDesc: prometheus.NewDesc("portcullis_gateway_auth_api_key_requests_total",
			"Requests authenticated by each of the most used API keys (capped top K by count since start), by key id.", []string{"key_id"}, nil),
		keysDesc: prometheus.NewDesc("portcullis_gateway_auth_api_keys",
			"API keys in the gateway's local view.", nil, nil),
	}
}

func (c *usageCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.usageDesc
	ch <- c.keysDesc
}

func (c *usageCollector) Collect(ch chan<- prometheus.Metric) {
	type use struct {
		id string
		n  uint64
	}
	var all []use
	c.ring.usage(func(id string, n uint64) { all = append(all, use{id, n}) })
	slices.SortFunc(all, func(a, b use) int {
		if c := cmp.Compare(b.n, a.n); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	for _, u := range all[:min(len(all), c.k)] {
		ch <- prometheus.MustNewConstMetric(c.usageDesc, prometheus.CounterValue, float64(u.n), u.id)
	}
	ch <- prometheus.MustNewConstMetric(c.keysDesc, prometheus.GaugeValue, float64(c.ring.Len()))
}
