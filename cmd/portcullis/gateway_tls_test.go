package main

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"
	"time"
)

// selfSigned writes a self-signed certificate for 127.0.0.1 and its key
// into dir.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "gateway"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile = filepath.Join(dir, "gw.crt"), filepath.Join(dir, "gw.key")
	writeFile(t, certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	writeFile(t, keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}))
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestGatewayCommandServesTLSWithAWAF runs portcullis gateway with TLS, the
// HTTPS redirect and a blocking-mode WAF route, as the README shows.
func TestGatewayCommandServesTLSWithAWAF(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") }))
	defer upstream.Close()
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir)
	cfgFile := filepath.Join(dir, "gateway.yaml")
	writeFile(t, cfgFile, []byte(fmt.Sprintf(`listen: 127.0.0.1:0
admin: 127.0.0.1:0
tls:
  cert_file: %s
  key_file: %s
  hsts: {max_age: 8760h}
  redirect_http: 127.0.0.1:0
routes:
  - {name: api, path_prefix: /, upstreams: [%s], waf: {mode: blocking}}
blocklist: {fail_mode: open}
`, certFile, keyFile, upstream.URL)))
	gw := startGateway(t, cfgFile, nil, false)
	listen, admin, redirect := gw.Addr(), gw.AdminAddr(), gw.RedirectAddr()
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(u string) *http.Response {
		t.Helper()
		resp, err := client.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	if r := get("https://" + listen + "/items/1"); r.StatusCode != 200 || r.ProtoMajor != 2 || r.Header.Get("Strict-Transport-Security") == "" {
		t.Errorf("https: %d over %s, HSTS %q; want 200 over HTTP/2 with HSTS", r.StatusCode, r.Proto, r.Header.Get("Strict-Transport-Security"))
	}
	if r := get("https://" + listen + "/items?id=" + url.QueryEscape("1 UNION SELECT password FROM users--")); r.StatusCode != 403 {
		t.Errorf("SQL injection: %d; want 403 from the WAF", r.StatusCode)
	}
	_, port, _ := net.SplitHostPort(listen)
	if r := get("http://" + redirect + "/items/1?x=2"); r.StatusCode != 308 || r.Header.Get("Location") != "https://127.0.0.1:"+port+"/items/1?x=2" {
		t.Errorf("redirect: %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
	// An HTTP/1.1 request smuggling attempt over TLS meets the framing checks.
	c, err := tls.Dial("tcp", listen, &tls.Config{RootCAs: pool, NextProtos: []string{"http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "POST /items HTTP/1.1\r\nHost: gw\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("CL+TE over TLS: %d; want 400", resp.StatusCode)
	}
	if n := metricValue(t, admin, `portcullis_gateway_invalid_requests_total{reason="cl_te_conflict"}`); n != 1 {
		t.Errorf("cl_te_conflict counted %v times; want 1", n)
	}
	assertBuildInfo(t, admin)
}
