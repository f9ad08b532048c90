package gateway

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// UpstreamTLS configures TLS to a route's https upstreams: the CA bundle
// that verifies them, the client certificate the gateway presents (mTLS),
// and the server name. The files are read again when they change (every
// tls.reload_interval); new connections use the new files, and a bad set
// is logged while the previous one stays in use.
type UpstreamTLS struct {
	// CAFile is a PEM bundle of the CAs that sign the upstreams'
	// certificates; empty means the system roots.
	CAFile string `yaml:"ca_file"`
	// CertFile and KeyFile are the client certificate and key presented
	// to upstreams that ask for one; both or neither.
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	// ServerName is the name the upstreams' certificates must hold (and
	// the SNI sent); empty means each upstream URL's host.
	ServerName string `yaml:"server_name"`
}

func (u *UpstreamTLS) validate(where string, upstreams []string) []error {
	if u == nil {
		return nil
	}
	var errs []error
	if (u.CertFile == "") != (u.KeyFile == "") {
		errs = append(errs, fmt.Errorf("gateway: %s: upstream_tls: set both cert_file and key_file for a client certificate, or neither", where))
	}
	for _, s := range upstreams {
		if pu, err := parseUpstream(s); err == nil && pu.Scheme != "https" {
			errs = append(errs, fmt.Errorf("gateway: %s: upstream %q is plain http but the route has upstream_tls; write it as https://", where, s))
		}
	}
	return errs
}

// upstreamTLS holds a route's current client tls.Config, rebuilt from the
// files when they change.
type upstreamTLS struct {
	cfg UpstreamTLS
	cur *reloadable[tls.Config]
}

func newUpstreamTLS(route string, u UpstreamTLS, m *secMetrics) (*upstreamTLS, error) {
	var files []string
	for _, f := range []string{u.CAFile, u.CertFile, u.KeyFile} {
		if f != "" {
			files = append(files, f)
		}
	}
	load := func() (*tls.Config, time.Time, error) {
		c := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: u.ServerName, NextProtos: []string{"h2", "http/1.1"}}
		if u.CAFile != "" {
			pool, err := loadCAs(u.CAFile)
			if err != nil {
				return nil, time.Time{}, err
			}
			c.RootCAs = pool
		}
		var exp time.Time
		if u.CertFile != "" {
			cert, e, err := loadKeyPair(u.CertFile, u.KeyFile)
			if err != nil {
				return nil, time.Time{}, err
			}
			c.Certificates = []tls.Certificate{*cert}
			exp = e
		}
		return c, exp, nil
	}
	r, err := newReloadable("upstream:"+route, files, load, m)
	if err != nil {
		return nil, err
	}
	return &upstreamTLS{cfg: u, cur: r}, nil
}

// transport returns a Transport like base whose TLS connections are made
// with the route's current tls.Config: the TCP connect is bounded by dial,
// the handshake by handshake.
func (u *upstreamTLS) transport(base *http.Transport, dial, handshake time.Duration) *http.Transport {
	tr := base.Clone()
	d := &net.Dialer{Timeout: dial, KeepAlive: 30 * time.Second}
	tr.DialTLSContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		cfg := u.cur.get().Clone()
		if cfg.ServerName == "" {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				host = addr
			}
			cfg.ServerName = host
		}
		hctx, cancel := context.WithTimeout(ctx, handshake)
		defer cancel()
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(hctx); err != nil {
			conn.Close()
			var uae x509.UnknownAuthorityError
			if errors.As(err, &uae) {
				return nil, fmt.Errorf("upstream %s: certificate not signed by the route's upstream_tls.ca_file: %w", addr, err)
			}
			return nil, fmt.Errorf("upstream %s: TLS handshake: %w", addr, err)
		}
		return tc, nil
	}
	return tr
}
