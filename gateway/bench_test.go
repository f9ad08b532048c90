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

// BenchmarkHardeningChecks measures what the open route's data path does
// for the hardening of the path, headers, method and client address on a
// typical request, without the proxy: the client address, the identity
// and Connection headers, the path's normal form, the method, the header
// count, the underscore check and the route match.
func BenchmarkHardeningChecks(b *testing.B) {
	cfg := oneRoute("http://127.0.0.1:1", nil)
	cfg.UserHeader = "X-User"
	g, err := New(cfg, nil, nil, nil, prometheus.NewRegistry(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer g.Close()
	req := httptest.NewRequest(http.MethodGet, "/api/v1/items/42?page=2", nil)
	req.RemoteAddr = "203.0.113.5:1234"
	for _, h := range []string{"User-Agent", "Accept", "Accept-Language", "Cookie", "X-Request-Id"} {
		req.Header.Set(h, "value")
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, conflict := g.ident.ClientIP(req); conflict {
			b.Fatal("conflict")
		}
		g.dropClientIdentity(req.Header)
		if _, lines, underscore := scanHeaders(req); normalizePath(req.URL) != "" || !isMethod(req.Method) || lines > 100 || underscore {
			b.Fatal("refused")
		}
		if rt, _ := g.match(req); rt == nil {
			b.Fatal("no route")
		}
	}
}
