package gateway

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portcullis/portcullis/gateway/auth"
)

// cannedTransport answers every proxied request with a small 200, so a
// benchmark measures the gateway and not a network or an upstream.
type cannedTransport struct{}

func (cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"text/plain"}}, Body: io.NopCloser(strings.NewReader("ok")), ContentLength: 2, Request: r}, nil
}

// bufferPool lends the proxy its copy buffers.
type bufferPool struct{ p *sync.Pool }

func newBufferPool() bufferPool {
	return bufferPool{&sync.Pool{New: func() any { return make([]byte, 32<<10) }}}
}

func (b bufferPool) Get() []byte { return b.p.Get().([]byte) }
func (b bufferPool) Put(s []byte) {
	//lint:ignore SA6002 httputil.BufferPool hands back the slice itself; boxing it costs one small allocation per request in this benchmark only
	b.p.Put(s)
}

// BenchmarkGatewayAuth compares the whole data path of an open route with
// that of a route that authenticates a token (verified before, so cached)
// and authorizes it by the policy; the difference is the cost of auth.
func BenchmarkGatewayAuth(b *testing.B) {
	p := newIDP(b)
	b.Setenv("GATEWAY_TEST_PEPPER", authPepper)
	cfg := authConfig(b, "http://127.0.0.1:1", p)
	cfg.AccessLog.Enabled = false
	reg := prometheus.NewRegistry()
	a, err := auth.New(cfg.Auth, cfg.AuthRoutes(), auth.NewFileKeyStore(cfg.Auth.APIKeys.File), reg, nil)
	if err != nil {
		b.Fatal(err)
	}
	g, err := New(cfg, nil, nil, nil, reg, nil, WithAuth(a))
	if err != nil {
		b.Fatal(err)
	}
	defer g.Close()
	pool := newBufferPool()
	for _, rt := range g.routes {
		rt.proxy.Transport = cannedTransport{}
		rt.proxy.BufferPool = pool // no 32 KiB copy buffer per request: less noise
	}
	h := g.Handler()
	tok := p.token(b, "alice", time.Hour, "reader")
	if _, err := a.Verifier().Verify(context.Background(), tok); err != nil {
		b.Fatal(err)
	}
	bearerTok := "Bearer " + tok
	for _, bc := range []struct {
		name, path string
		auth       bool
	}{{"open route", "/open/items/42", false}, {"jwt route with a cached token", "/api/items/42", true}} {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, bc.path, nil)
			req.RemoteAddr = "203.0.113.5:1234"
			b.ReportAllocs()
			for b.Loop() {
				r := req.Clone(req.Context())
				if bc.auth {
					r.Header.Set("Authorization", bearerTok)
				} else {
					r.Header.Set("X-Other", bearerTok) // the same header work on both
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
		})
	}
}

// BenchmarkAuthHook measures what the hook adds to a request of a route
// that takes credentials: the token from the cache, the policy, the
// credentials removed.
func BenchmarkAuthHook(b *testing.B) {
	p := newIDP(b)
	b.Setenv("GATEWAY_TEST_PEPPER", authPepper)
	cfg := authConfig(b, "http://127.0.0.1:1", p)
	a, err := auth.New(cfg.Auth, cfg.AuthRoutes(), auth.NewFileKeyStore(cfg.Auth.APIKeys.File), nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	g, err := New(cfg, nil, nil, nil, nil, nil, WithAuth(a))
	if err != nil {
		b.Fatal(err)
	}
	defer g.Close()
	tok := "Bearer " + p.token(b, "alice", time.Hour, "reader")
	var rt *route
	for _, r := range g.routes {
		if r.Name == "items" {
			rt = r
		}
	}
	req := httptest.NewRequest(http.MethodGet, "/api/items/42", nil)
	w := &statusWriter{ResponseWriter: httptest.NewRecorder()}
	b.ReportAllocs()
	for b.Loop() {
		req.Header["Authorization"] = []string{tok}
		var ex exchange
		if !g.authorize(w, req, rt, &ex) {
			b.Fatal("refused")
		}
	}
}
