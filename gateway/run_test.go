package gateway

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/goleak"

	"github.com/portcullis/portcullis/gateway/waf"
)

// TestRunOwnsTheBackgroundWork pins that New, Listener and the data path
// start no goroutine: the access log's writer, the detect-mode WAF
// workers and the certificate watcher run under Run, and stop once its
// context ends; the TLS listener's accept loop runs under Serve.
func TestRunOwnsTheBackgroundWork(t *testing.T) {
	ca := newTestCA(t, "test CA")
	up := newUpstream(t, "up", nil)
	// The connections to the upstream are the transport's and the
	// upstream server's, not background work.
	base := []goleak.Option{goleak.IgnoreCurrent(), goleak.IgnoreAnyFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreAnyFunction("net/http.(*persistConn).writeLoop"), goleak.IgnoreAnyFunction("net/http.(*conn).serve")}
	cfg := Config{Routes: []Route{
		{Name: "api", PathPrefix: "/api", Upstreams: []string{up.URL}},
		{Name: "detect", PathPrefix: "/detect", Upstreams: []string{up.URL}, WAF: waf.Config{Mode: waf.ModeDetect}},
	}, AccessLog: AccessLog{Enabled: true}}
	cfg.TLS = tlsConfigFor(t, t.TempDir(), ca)
	cfg.TLS.ReloadInterval = 10 * time.Millisecond
	sink := &memSink{}
	g, err := New(cfg, nil, sink, nil, prometheus.NewRegistry(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gl := g.Listener(ln)
	for _, path := range []string{"/api/x", "/detect/x?q=1"} {
		w := httptest.NewRecorder()
		g.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		if w.Code != http.StatusOK {
			t.Fatalf("%s: status %d", path, w.Code)
		}
	}
	// Nothing runs before Run: no goroutine, so nothing reached the sink.
	if err := goleak.Find(base...); err != nil {
		t.Fatalf("goroutines before Run: %v", err)
	}
	if n := len(sink.messages()); n != 0 {
		t.Fatalf("%d records written before Run", n)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- g.Run(ctx) }()
	eventually(t, "Run writes the queued records, the inspected one too", func() bool { return len(sink.messages()) == 2 })
	if err := g.Run(ctx); err == nil {
		t.Error("a second Run returned nil; want an error")
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
	gl.Close()
	// Everything stopped with the context, before Close.
	if err := goleak.Find(base...); err != nil {
		t.Errorf("goroutines after Run returned: %v", err)
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestCloseWithoutRun pins that a Gateway closed without Run still writes
// what its requests queued, from Close.
func TestCloseWithoutRun(t *testing.T) {
	noLeaks(t)
	up := newUpstream(t, "up", nil)
	cfg := oneRoute(up.URL, nil)
	cfg.AccessLog.Enabled = true
	sink := &memSink{}
	g, err := New(cfg, nil, sink, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	g.Handler().ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/api/x", nil))
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	if n := len(sink.messages()); n != 1 {
		t.Errorf("%d records after Close; want 1", n)
	}
	if err := g.Run(context.Background()); err != nil {
		t.Errorf("Run after Close: %v; want nil at once", err)
	}
}
