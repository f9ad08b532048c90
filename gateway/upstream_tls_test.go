package gateway

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// mtlsUpstream is an https server with a certificate from ca that requires
// a client certificate from clientCA, and remembers the last one's serial.
type mtlsUpstream struct {
	*httptest.Server
	lastClient atomic.Int64
}

func newMTLSUpstream(t *testing.T, ca, clientCA *testCA) *mtlsUpstream {
	t.Helper()
	u := &mtlsUpstream{}
	u.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.lastClient.Store(r.TLS.PeerCertificates[0].SerialNumber.Int64())
		w.Header().Set("Connection", "close") // each request a new handshake
		io.WriteString(w, "secure "+r.URL.Path)
	}))
	u.TLS = &tls.Config{
		Certificates: []tls.Certificate{ca.issue(t, "backend.internal", false).tls},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    clientCA.pool(),
		MinVersion:   tls.VersionTLS12,
	}
	u.StartTLS()
	t.Cleanup(u.Close)
	return u
}

func TestUpstreamMTLS(t *testing.T) {
	noLeaks(t)
	ca := newTestCA(t, "internal CA")
	dir := t.TempDir()
	caFile := writeFile(t, dir, "ca.pem", ca.pem)
	client := ca.issue(t, "gateway", true)
	certFile, keyFile := writePair(t, dir, "client", client)
	good := newMTLSUpstream(t, ca, ca)

	other := newTestCA(t, "someone else's CA")
	impostor := newMTLSUpstream(t, other, ca)

	tg := startGateway(t, Config{Routes: []Route{
		{Name: "secure", PathPrefix: "/secure", Upstreams: []string{good.URL},
			UpstreamTLS: &UpstreamTLS{CAFile: caFile, CertFile: certFile, KeyFile: keyFile, ServerName: "backend.internal"}},
		{Name: "nocert", PathPrefix: "/nocert", Upstreams: []string{good.URL},
			UpstreamTLS: &UpstreamTLS{CAFile: caFile, ServerName: "backend.internal"}},
		{Name: "impostor", PathPrefix: "/impostor", Upstreams: []string{impostor.URL},
			UpstreamTLS: &UpstreamTLS{CAFile: caFile, CertFile: certFile, KeyFile: keyFile, ServerName: "backend.internal"}},
		{Name: "wrongname", PathPrefix: "/wrongname", Upstreams: []string{good.URL},
			UpstreamTLS: &UpstreamTLS{CAFile: caFile, CertFile: certFile, KeyFile: keyFile, ServerName: "db.internal"}},
	}, TLS: TLS{ReloadInterval: 20e6}}, nil)

	t.Run("a backend that requires a client certificate is reached with it", func(t *testing.T) {
		r := tg.do(t, "GET", "/secure/x", nil, nil)
		if r.status != 200 || r.body != "secure /secure/x" {
			t.Fatalf("got %d %q", r.status, r.body)
		}
		if got := good.lastClient.Load(); got != client.serial {
			t.Errorf("the backend saw client certificate %d; want %d", got, client.serial)
		}
	})
	t.Run("without a client certificate the backend refuses and the gateway answers 502", func(t *testing.T) {
		if r := tg.do(t, "GET", "/nocert/x", nil, nil); r.status != http.StatusBadGateway {
			t.Errorf("status %d; want 502", r.status)
		}
	})
	t.Run("a backend presenting a certificate from a wrong CA is refused", func(t *testing.T) {
		if r := tg.do(t, "GET", "/impostor/x", nil, nil); r.status != http.StatusBadGateway {
			t.Errorf("status %d; want 502", r.status)
		}
	})
	t.Run("a backend whose certificate lacks the server name is refused", func(t *testing.T) {
		if r := tg.do(t, "GET", "/wrongname/x", nil, nil); r.status != http.StatusBadGateway {
			t.Errorf("status %d; want 502", r.status)
		}
	})
	t.Run("a new client certificate in the files is used for new connections", func(t *testing.T) {
		next := ca.issue(t, "gateway", true)
		writePair(t, dir, "client", next)
		eventually(t, "the backend sees the new client certificate", func() bool {
			r := tg.do(t, "GET", "/secure/y", nil, nil)
			return r.status == 200 && good.lastClient.Load() == next.serial
		})
	})
	if n := tg.metric(t, "portcullis_gateway_upstream_errors_total", "route", "impostor"); n != 1 {
		t.Errorf("impostor upstream errors: %v; want 1", n)
	}
}

func TestUpstreamTLSErrorsNameTheCause(t *testing.T) {
	ca, other := newTestCA(t, "internal CA"), newTestCA(t, "other CA")
	dir := t.TempDir()
	u, err := newUpstreamTLS("r", UpstreamTLS{CAFile: writeFile(t, dir, "ca.pem", ca.pem)}, newSecMetrics())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{other.issue(t, "x", false).tls}}
	srv.StartTLS()
	defer srv.Close()
	tr := u.transport(&http.Transport{}, 1e9, 1e9)
	defer tr.CloseIdleConnections()
	_, err = (&http.Client{Transport: tr}).Get(srv.URL)
	var uae x509.UnknownAuthorityError
	if err == nil || !strings.Contains(err.Error(), "ca_file") || !errors.As(err, &uae) {
		t.Errorf("error %v; want an unknown authority error that names ca_file", err)
	}
}
