package gateway

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func BenchmarkLocalLimiter(b *testing.B) {
	l := newLocalLimiter(1e9, 1e9, DefaultMaxClients)
	ip := ipOf(7)
	b.ReportAllocs()
	for b.Loop() {
		l.allow(ip)
	}
}

// BenchmarkRefusal measures the data path up to a refusal (rate limited),
// without a network or an upstream.
func BenchmarkRefusal(b *testing.B) {
	cfg := oneRoute("http://127.0.0.1:1", func(r *Route) { r.RateLimit = RateLimit{RPS: 1e-9, Burst: 1} })
	g, err := New(cfg, nil, nil, nil, prometheus.NewRegistry(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer g.Close()
	h := g.Handler()
	req := httptest.NewRequest(http.MethodGet, "/api/x", nil)
	req.RemoteAddr = "203.0.113.5:1234"
	h.ServeHTTP(httptest.NewRecorder(), req) // spend the burst
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
}
