package gateway

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// liveGateway is a Gateway served the way portcullis gateway serves it:
// Server on Listener over a real socket.
type liveGateway struct {
	*testGateway
	addr string
}

func serveGateway(t *testing.T, cfg Config, logs LogSink) *liveGateway {
	t.Helper()
	return serveGatewayWith(t, cfg, func(cfg Config, reg prometheus.Registerer) (*Gateway, error) {
		return New(cfg, nil, logs, nil, reg, nil)
	})
}

// serveGatewayWith is serveGateway with a Gateway that build makes.
func serveGatewayWith(t *testing.T, cfg Config, build func(cfg Config, reg prometheus.Registerer) (*Gateway, error)) *liveGateway {
	t.Helper()
	reg := prometheus.NewRegistry()
	cfg.Listen = "127.0.0.1:0"
	g, err := build(cfg, reg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := g.Server()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(g.Listener(ln)) }()
	wait := run(t, g)
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
		if err := g.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
		wait()
	})
	return &liveGateway{testGateway: &testGateway{Gateway: g, reg: reg}, addr: ln.Addr().String()}
}

// httpsClient trusts ca and speaks HTTP/2 when h2.
func httpsClient(ca *testCA, h2 bool) *http.Client {
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.pool()}, ForceAttemptHTTP2: h2, DisableKeepAlives: !h2}
	if !h2 {
		tr.TLSClientConfig.NextProtos = []string{"http/1.1"}
	}
	return &http.Client{Transport: tr, Timeout: 5 * time.Second}
}

func tlsConfigFor(t *testing.T, dir string, ca *testCA) TLS {
	t.Helper()
	cert, key := writePair(t, dir, "server", ca.issue(t, "gateway.test", false))
	return TLS{CertFile: cert, KeyFile: key, ReloadInterval: 20 * time.Millisecond}
}

func TestTLSListener(t *testing.T) {
	noLeaks(t)
	ca := newTestCA(t, "test CA")
	up := newUpstream(t, "up", nil)
	cfg := oneRoute(up.URL, nil)
	cfg.TLS = tlsConfigFor(t, t.TempDir(), ca)
	cfg.TLS.HSTS = HSTS{MaxAge: 365 * 24 * time.Hour, IncludeSubdomains: true}
	lg := serveGateway(t, cfg, nil)

	for _, v := range []struct {
		name    string
		version uint16
	}{{"TLS 1.0", tls.VersionTLS10}, {"TLS 1.1", tls.VersionTLS11}} {
		t.Run(v.name+" is refused", func(t *testing.T) {
			c, err := tls.Dial("tcp", lg.addr, &tls.Config{RootCAs: ca.pool(), MinVersion: v.version, MaxVersion: v.version})
			if err == nil {
				c.Close()
				t.Fatalf("a %s handshake succeeded", v.name)
			}
		})
	}
	t.Run("TLS 1.2 is accepted, and 1.3 is chosen when offered", func(t *testing.T) {
		c, err := tls.Dial("tcp", lg.addr, &tls.Config{RootCAs: ca.pool(), MaxVersion: tls.VersionTLS12})
		if err != nil {
			t.Fatalf("TLS 1.2: %v", err)
		}
		c.Close()
		c, err = tls.Dial("tcp", lg.addr, &tls.Config{RootCAs: ca.pool()})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if v := c.ConnectionState().Version; v != tls.VersionTLS13 {
			t.Errorf("version %x; want TLS 1.3", v)
		}
	})
	for _, h2 := range []bool{true, false} {
		proto := map[bool]string{true: "HTTP/2.0", false: "HTTP/1.1"}[h2]
		t.Run(proto+" requests are proxied with HSTS and X-Forwarded-Proto https", func(t *testing.T) {
			resp, err := httpsClient(ca, h2).Get("https://" + lg.addr + "/api/x")
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || resp.Proto != proto {
				t.Fatalf("status %d over %s; want 200 over %s", resp.StatusCode, resp.Proto, proto)
			}
			if h := resp.Header.Get("Strict-Transport-Security"); h != "max-age=31536000; includeSubDomains" {
				t.Errorf("Strict-Transport-Security %q", h)
			}
			if p := up.last().Header.Get("X-Forwarded-Proto"); p != "https" {
				t.Errorf("the upstream saw X-Forwarded-Proto %q; want https", p)
			}
		})
	}
}

func TestTLSCertificateReload(t *testing.T) {
	noLeaks(t)
	ca := newTestCA(t, "test CA")
	dir := t.TempDir()
	up := newUpstream(t, "up", nil)
	cfg := oneRoute(up.URL, nil)
	cfg.TLS = tlsConfigFor(t, dir, ca)
	lg := serveGateway(t, cfg, nil)

	serial := func() int64 {
		c, err := tls.Dial("tcp", lg.addr, &tls.Config{RootCAs: ca.pool()})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.ConnectionState().PeerCertificates[0].SerialNumber.Int64()
	}
	first := serial()

	t.Run("a new certificate in the files is served without a restart", func(t *testing.T) {
		next := ca.issue(t, "gateway.test", false)
		writePair(t, dir, "server", next)
		eventually(t, "a handshake presents the new certificate", func() bool { return serial() == next.serial })
		if n := lg.metric(t, "portcullis_gateway_tls_reloads_total", "result", "ok"); n < 1 {
			t.Errorf("ok reloads counted: %v", n)
		}
	})
	t.Run("a broken certificate file is logged and the current one stays", func(t *testing.T) {
		current := serial()
		writeFile(t, dir, "server.crt", []byte("-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n"))
		eventually(t, "the failed reload is counted", func() bool {
			return lg.metric(t, "portcullis_gateway_tls_reloads_total", "result", "error") >= 1
		})
		if s := serial(); s != current || s == first {
			t.Errorf("serial %d after a bad reload; want the current %d", s, current)
		}
	})
}

func TestHTTPSRedirect(t *testing.T) {
	ca := newTestCA(t, "test CA")
	cfg := oneRoute("http://127.0.0.1:1", nil)
	cfg.Listen = "0.0.0.0:8443"
	cfg.TLS = tlsConfigFor(t, t.TempDir(), ca)
	cfg.TLS.RedirectHTTP = "127.0.0.1:0"
	g, err := New(cfg, nil, nil, nil, prometheus.NewRegistry(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if g.RedirectServer() == nil {
		t.Fatal("no redirect server with tls.redirect_http set")
	}
	h := g.RedirectHandler()
	tests := []struct {
		name, host, target, want string
	}{
		{"a request is sent to the same host and path over HTTPS on listen's port", "api.example.com", "/api/items?id=7", "https://api.example.com:8443/api/items?id=7"},
		{"the port of the plain request is replaced", "api.example.com:80", "/", "https://api.example.com:8443/"},
		{"an IPv6 host keeps its brackets", "[2001:db8::1]:80", "/x", "https://[2001:db8::1]:8443/x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", "http://"+tt.host+tt.target, strings.NewReader("x"))
			req.Host = tt.host
			rec := newRecorder()
			h.ServeHTTP(rec, req)
			if rec.code != http.StatusPermanentRedirect || rec.header.Get("Location") != tt.want {
				t.Errorf("got %d to %q; want 308 to %q", rec.code, rec.header.Get("Location"), tt.want)
			}
		})
	}
	t.Run("port 443 is left out of the URL", func(t *testing.T) {
		cfg.Listen = ":443"
		g2, err := New(cfg, nil, nil, nil, prometheus.NewRegistry(), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer g2.Close()
		req, _ := http.NewRequest("GET", "http://example.com/a", nil)
		rec := newRecorder()
		g2.RedirectHandler().ServeHTTP(rec, req)
		if got := rec.header.Get("Location"); got != "https://example.com/a" {
			t.Errorf("Location %q", got)
		}
	})
}

func TestTLSConfigValidate(t *testing.T) {
	ok := oneRoute("https://127.0.0.1:1", nil)
	tests := []struct {
		name string
		set  func(*Config)
		want string
	}{
		{"a certificate without a key is refused", func(c *Config) { c.TLS.CertFile = "a.crt" }, "set both cert_file and key_file"},
		{"TLS 1.1 cannot be chosen", func(c *Config) { c.TLS = TLS{CertFile: "a", KeyFile: "b", MinVersion: "1.1"} }, "use 1.2 or 1.3"},
		{"HSTS without TLS is refused", func(c *Config) { c.TLS.HSTS.MaxAge = time.Hour }, "need TLS"},
		{"preload without a year and subdomains is refused", func(c *Config) {
			c.TLS = TLS{CertFile: "a", KeyFile: "b", HSTS: HSTS{MaxAge: time.Hour, Preload: true}}
		}, "preload needs"},
		{"upstream TLS on a plain http upstream is refused", func(c *Config) {
			c.Routes[0].Upstreams = []string{"http://127.0.0.1:1"}
			c.Routes[0].UpstreamTLS = &UpstreamTLS{CAFile: "ca.pem"}
		}, "plain http"},
		{"an upstream client certificate without its key is refused", func(c *Config) { c.Routes[0].UpstreamTLS = &UpstreamTLS{CertFile: "c.pem"} }, "both cert_file and key_file"},
		{"an unknown WAF mode is refused", func(c *Config) { c.Routes[0].WAF.Mode = "on" }, "use blocking"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			c.Routes = []Route{ok.Routes[0]}
			tt.set(&c)
			err := c.WithDefaults().Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v; want one containing %q", err, tt.want)
			}
		})
	}
	t.Run("a missing certificate file stops New with its name", func(t *testing.T) {
		c := ok
		c.TLS = TLS{CertFile: "/nonexistent/a.crt", KeyFile: "/nonexistent/a.key"}
		_, err := New(c, nil, nil, nil, nil, nil)
		if err == nil || !strings.Contains(err.Error(), "/nonexistent/a.crt") {
			t.Errorf("error %v; want one naming the file", err)
		}
	})
}

// recorder is a minimal ResponseWriter for handler tests.
type recorder struct {
	code   int
	header http.Header
	body   strings.Builder
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = 200
	}
	return r.body.Write(b)
}
