package gateway

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// TLS configures HTTPS on the data listener. It is on when CertFile is
// set. The certificate and key files are read again when they change
// (checked every ReloadInterval), without a restart; a bad pair is logged
// and the previous one stays in use.
type TLS struct {
	// CertFile is a PEM certificate chain, leaf first; KeyFile its key.
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	// MinVersion is "1.2" (the default) or "1.3". TLS 1.0 and 1.1 are
	// never accepted. Cipher suites are Go's defaults: all with forward
	// secrecy (ECDHE; no RSA key exchange, 3DES or RC4), AEAD in TLS 1.3,
	// while TLS 1.2 also offers ECDHE AES-CBC-SHA for old clients; TLS 1.3
	// is preferred when the client offers it.
	MinVersion string `yaml:"min_version"`
	// ReloadInterval is how often the certificate files, the listener's
	// and the routes' upstream_tls ones, are checked for a change.
	ReloadInterval time.Duration `yaml:"reload_interval"`
	// HSTS, when MaxAge is set, adds Strict-Transport-Security to every
	// response sent over TLS.
	HSTS HSTS `yaml:"hsts"`
	// RedirectHTTP is host:port of a plain HTTP listener that answers
	// every request with a permanent redirect (308) to the same URL over
	// HTTPS; empty means no such listener.
	RedirectHTTP string `yaml:"redirect_http"`
	// RedirectPort is the HTTPS port the redirects name; it defaults to
	// the port of listen (and is left out of the URL when it is 443).
	RedirectPort int `yaml:"redirect_port"`
}

// HSTS is the Strict-Transport-Security policy.
type HSTS struct {
	MaxAge            time.Duration `yaml:"max_age"`
	IncludeSubdomains bool          `yaml:"include_subdomains"`
	Preload           bool          `yaml:"preload"`
}

// DefaultReloadInterval is how often certificate files are checked.
const DefaultReloadInterval = 5 * time.Second

func (t TLS) enabled() bool { return t.CertFile != "" || t.KeyFile != "" }

func (t TLS) minVersion() (uint16, error) {
	switch t.MinVersion {
	case "", "1.2":
		return tls.VersionTLS12, nil
	case "1.3":
		return tls.VersionTLS13, nil
	}
	return 0, fmt.Errorf("tls.min_version %q: use 1.2 or 1.3 (older versions are not offered)", t.MinVersion)
}

func (t TLS) validate(listen string) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("gateway: "+format, args...)) }
	if t.enabled() && (t.CertFile == "" || t.KeyFile == "") {
		bad("tls: set both cert_file and key_file (PEM files), or neither for plain HTTP")
	}
	if _, err := t.minVersion(); err != nil {
		bad("%v", err)
	}
	if t.ReloadInterval < 0 {
		bad("tls.reload_interval is %v; set it above 0", t.ReloadInterval)
	}
	if t.HSTS.MaxAge < 0 || (t.HSTS.MaxAge == 0 && (t.HSTS.Preload || t.HSTS.IncludeSubdomains)) {
		bad("tls.hsts: set max_age (for example 8760h) to send the header; include_subdomains and preload need it")
	}
	if t.HSTS.Preload && (t.HSTS.MaxAge < 365*24*time.Hour || !t.HSTS.IncludeSubdomains) {
		bad("tls.hsts.preload needs max_age of at least 8760h and include_subdomains, as the preload list requires")
	}
	if (t.RedirectHTTP != "" || t.HSTS.MaxAge > 0) && !t.enabled() {
		bad("tls.redirect_http and tls.hsts need TLS on the data listener: set tls.cert_file and tls.key_file")
	}
	// Port 0 picks a free port for each listener, so two of them never meet.
	if t.RedirectHTTP != "" && t.RedirectHTTP == listen && !strings.HasSuffix(listen, ":0") {
		bad("tls.redirect_http %q is also listen; give the redirect listener its own port (such as :80)", t.RedirectHTTP)
	}
	if t.RedirectPort < 0 || t.RedirectPort > 65535 {
		bad("tls.redirect_port %d is not a port", t.RedirectPort)
	}
	return errs
}

func (h HSTS) header() string {
	if h.MaxAge <= 0 {
		return ""
	}
	v := "max-age=" + strconv.FormatInt(int64(h.MaxAge/time.Second), 10)
	if h.IncludeSubdomains {
		v += "; includeSubDomains"
	}
	if h.Preload {
		v += "; preload"
	}
	return v
}

// serverTLS returns the data listener's tls.Config: the current
// certificate from the reloader, HTTP/2 and HTTP/1.1 offered.
func serverTLS(t TLS, cert *reloadable[tls.Certificate]) *tls.Config {
	minV, _ := t.minVersion()
	return &tls.Config{
		MinVersion: minV,
		NextProtos: []string{"h2", "http/1.1"},
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			return cert.get(), nil
		},
	}
}

// TLSConfig returns a copy of the data listener's TLS configuration, or
// nil when TLS is off. Server sets it; Listener uses the same settings.
func (g *Gateway) TLSConfig() *tls.Config {
	if g.sec == nil {
		return nil
	}
	return g.sec.tlsConfig.Clone()
}

// Listener wraps ln, the data listener's socket, with what Config asks
// for: TLS (handshakes run off the accept loop, bounded by the
// read_header timeout) and the strict HTTP/1 framing checks. Serve the
// result with Server:
//
//	ln, _ := net.Listen("tcp", cfg.Listen)
//	srv.Serve(g.Listener(ln))
func (g *Gateway) Listener(ln net.Listener) net.Listener {
	strict := !g.cfg.Validation.Disabled
	if g.sec != nil && g.sec.tlsConfig != nil {
		return newTLSListener(ln, g.sec.tlsConfig, g.cfg.Timeouts.ReadHeader, strict, g.cfg.Limits.MaxHeaderBytes, g.logger)
	}
	if strict {
		return &inspectListener{Listener: ln, maxHead: g.cfg.Limits.MaxHeaderBytes}
	}
	return ln
}

// RedirectServer returns the plain HTTP server that redirects to HTTPS,
// on tls.redirect_http, or nil when none is configured.
func (g *Gateway) RedirectServer() *http.Server {
	t := g.cfg.TLS
	if t.RedirectHTTP == "" || !t.enabled() {
		return nil
	}
	return &http.Server{
		Addr:              t.RedirectHTTP,
		Handler:           g.RedirectHandler(),
		ReadHeaderTimeout: g.cfg.Timeouts.ReadHeader,
		ReadTimeout:       g.cfg.Timeouts.ReadHeader,
		WriteTimeout:      g.cfg.Timeouts.ReadHeader,
		IdleTimeout:       g.cfg.Timeouts.Idle,
		MaxHeaderBytes:    g.cfg.Limits.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(g.logger.Handler(), slog.LevelDebug),
	}
}

// RedirectHandler answers every request with 308 to the same host, path
// and query over HTTPS, on the data listener's port (or redirect_port).
func (g *Gateway) RedirectHandler() http.Handler {
	port := g.cfg.TLS.RedirectPort
	if port == 0 {
		if _, p, err := net.SplitHostPort(g.cfg.Listen); err == nil {
			port, _ = strconv.Atoi(p)
		}
	}
	if port == 0 {
		port = 443
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		if host == "" || strings.ContainsAny(host, "/\\@?#") {
			writeJSON(w, http.StatusBadRequest, `{"error":"bad host"}`)
			return
		}
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
		if port != 443 {
			host += ":" + strconv.Itoa(port)
		}
		w.Header().Set("Connection", "close")
		http.Redirect(w, r, "https://"+host+r.URL.RequestURI(), http.StatusPermanentRedirect)
	})
}

// tlsListener accepts TCP connections and runs each TLS handshake in its own
// goroutine, so a slow client does not hold up the accept loop. It hands
// HTTP/2 connections to the server as *tls.Conn, and HTTP/1.1 ones wrapped
// in the framing inspector when strict. The accept loop starts with the
// first Accept, so it runs under the server's Serve, and Close ends it.
type tlsListener struct {
	net.Listener
	cfg     *tls.Config
	timeout time.Duration
	strict  bool
	maxHead int
	logger  *slog.Logger

	conns chan net.Conn
	errc  chan error
	stop  chan struct{}
	done  chan struct{} // closed when the accept loop ended, or by Close when it never started
	start sync.Once

	mu      sync.Mutex
	pending map[net.Conn]struct{} // connections in their handshake
	wg      sync.WaitGroup        // their goroutines
}

func newTLSListener(ln net.Listener, cfg *tls.Config, timeout time.Duration, strict bool, maxHead int, logger *slog.Logger) *tlsListener {
	l := &tlsListener{Listener: ln, cfg: cfg, timeout: timeout, strict: strict, maxHead: maxHead, logger: logger,
		conns: make(chan net.Conn), errc: make(chan error, 1), stop: make(chan struct{}), done: make(chan struct{}),
		pending: map[net.Conn]struct{}{}}
	return l
}

func (l *tlsListener) acceptLoop() {
	defer close(l.done)
	ch := make(chan struct{}, maxHandshakes)
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				time.Sleep(5 * time.Millisecond)
				continue
			}
			select {
			case l.errc <- err:
			case <-l.stop:
			}
			return
		}
		select {
		case ch <- struct{}{}:
		case <-l.stop:
			c.Close()
			return
		}
		l.mu.Lock()
		l.pending[c] = struct{}{}
		l.mu.Unlock()
		l.wg.Go(func() {
			defer func() { <-ch }()
			hc := l.handshake(c)
			l.mu.Lock()
			delete(l.pending, c)
			l.mu.Unlock()
			if hc != nil {
				select {
				case l.conns <- hc:
				case <-l.stop:
					hc.Close()
				}
			}
		})
	}
}

// maxHandshakes bounds the TLS handshakes under way; past it the listener
// stops accepting until one ends.
const maxHandshakes = 1024

func (l *tlsListener) handshake(c net.Conn) net.Conn {
	tc := tls.Server(c, l.cfg)
	if l.timeout > 0 {
		c.SetDeadline(time.Now().Add(l.timeout))
	}
	if err := tc.Handshake(); err != nil {
		l.logger.Debug("TLS handshake failed", "remote", c.RemoteAddr().String(), "error", err)
		c.Close()
		return nil
	}
	c.SetDeadline(time.Time{})
	if !l.strict || tc.ConnectionState().NegotiatedProtocol == "h2" {
		return tc
	}
	st := tc.ConnectionState()
	return &inspectConn{Conn: tc, maxHead: l.maxHead, tlsState: &st}
}

// Accept returns the next connection whose handshake succeeded.
func (l *tlsListener) Accept() (net.Conn, error) {
	l.start.Do(func() { go l.acceptLoop() })
	select {
	case c := <-l.conns:
		return c, nil
	case err := <-l.errc:
		l.errc <- err // every later Accept sees it too
		return nil, err
	case <-l.stop:
		return nil, net.ErrClosed
	}
}

// Close stops accepting; handshakes under way are abandoned.
func (l *tlsListener) Close() error {
	select {
	case <-l.stop:
		return nil
	default:
	}
	close(l.stop)
	err := l.Listener.Close()
	l.start.Do(func() { close(l.done) }) // no loop to wait for
	<-l.done
	l.mu.Lock()
	for c := range l.pending {
		c.Close()
	}
	l.mu.Unlock()
	l.wg.Wait()
	return err
}
