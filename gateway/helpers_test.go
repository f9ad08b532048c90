package gateway

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"go.uber.org/goleak"

	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/internal/testwait"

	"github.com/portcullis/portcullis/blocklist/httpcheck"
)

// upstream is an httptest server that answers with its name and records
// the requests it saw.
type upstream struct {
	*httptest.Server
	name string
	mu   sync.Mutex
	seen []*http.Request
}

func newUpstream(t *testing.T, name string, h http.HandlerFunc) *upstream {
	t.Helper()
	u := &upstream{name: name}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		u.mu.Lock()
		u.seen = append(u.seen, r.Clone(context.Background()))
		u.mu.Unlock()
		if h != nil {
			h(w, r)
			return
		}
		io.WriteString(w, name+" "+r.URL.RequestURI())
	}))
	t.Cleanup(u.Close)
	return u
}

func (u *upstream) last() *http.Request {
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.seen) == 0 {
		return nil
	}
	return u.seen[len(u.seen)-1]
}

// testGateway is a Gateway behind an httptest server, with its registry.
type testGateway struct {
	*Gateway
	srv *httptest.Server
	reg *prometheus.Registry
}

func startGateway(t *testing.T, cfg Config, build func(cfg Config, reg prometheus.Registerer) (*Gateway, error)) *testGateway {
	t.Helper()
	reg := prometheus.NewRegistry()
	if build == nil {
		build = func(cfg Config, reg prometheus.Registerer) (*Gateway, error) {
			return New(cfg, nil, nil, nil, reg, nil)
		}
	}
	g, err := build(cfg, reg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(g.Handler())
	srv.Config.MaxHeaderBytes = g.cfg.Limits.MaxHeaderBytes
	srv.Start()
	wait := run(t, g)
	t.Cleanup(func() {
		srv.Close()
		if err := g.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
		wait()
	})
	return &testGateway{Gateway: g, srv: srv, reg: reg}
}

// run runs g.Run until Close; wait waits for it to return, and fails t
// when it returned an error.
func run(t *testing.T, g *Gateway) (wait func()) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- g.Run(context.Background()) }()
	return func() {
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}
}

type response struct {
	status int
	header http.Header
	body   string
}

// do sends a request to the gateway; set may change it.
func (tg *testGateway) do(t *testing.T, method, path string, body io.Reader, set func(*http.Request)) response {
	t.Helper()
	req, err := http.NewRequest(method, tg.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if set != nil {
		set(req)
	}
	resp, err := tg.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

func from(ip string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("X-Forwarded-For", ip) }
}

// metric returns the value of the counter (or the histogram's count)
// name with exactly labels, 0 if absent.
func (tg *testGateway) metric(t *testing.T, name string, labels ...string) float64 {
	t.Helper()
	mfs, err := tg.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			if len(m.GetLabel())*2 != len(labels) {
				continue
			}
			for i, l := range m.GetLabel() {
				if l.GetName() != labels[2*i] || l.GetValue() != labels[2*i+1] {
					continue next
				}
			}
			return value(m)
		}
	}
	return 0
}

func value(m *dto.Metric) float64 {
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Histogram != nil:
		return float64(m.Histogram.GetSampleCount())
	}
	return m.GetGauge().GetValue()
}

// memSink keeps the messages written; block, when set, holds every Write
// until it is closed.
type memSink struct {
	mu    sync.Mutex
	msgs  []ingest.Message
	block chan struct{}
}

func (s *memSink) Write(ctx context.Context, msgs ...ingest.Message) error {
	if s.block != nil {
		select {
		case <-s.block:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, msgs...)
	return nil
}

func (s *memSink) messages() []ingest.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ingest.Message(nil), s.msgs...)
}

// eventually polls ok until it holds, failing t after 5 s (scaled for the
// race detector and slow machines).
func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	testwait.Until(t, 5*time.Second, what, ok)
}

func noLeaks(t *testing.T) {
	t.Helper()
	leaks := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, leaks) })
}

func oneRoute(up string, set func(*Route)) Config {
	r := Route{Name: "api", PathPrefix: "/api", Upstreams: []string{up}}
	if set != nil {
		set(&r)
	}
	return Config{Routes: []Route{r}, RequestIdentity: httpcheck.RequestIdentity{TrustedProxies: []string{"127.0.0.1"}}}
}
