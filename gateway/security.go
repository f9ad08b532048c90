package gateway

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/portcullis/portcullis/blocklist/httpcheck"
	"github.com/portcullis/portcullis/gateway/waf"
	"github.com/portcullis/portcullis/ingest"
)

// This file wires TLS, mTLS to upstreams, the request validation and the
// WAF into the Gateway through a few hooks: setupSecurity (New),
// screen and inspectWAF (the data path), logRecord (finish) and
// closeSecurity (Close).

// WAFDetect sizes the queue of detect-mode WAF inspections, which run
// after the response, off the request path. When the queue is full a
// request goes uninspected (counted), and its access-log record goes out
// without a waf count.
type WAFDetect struct {
	// Queue is how many requests wait for inspection; default 1024.
	Queue int `yaml:"queue"`
	// Workers inspect in parallel; default 1. Each costs about a core at
	// 500 to 1,000 requests a second.
	Workers int `yaml:"workers"`
}

// Defaults of WAFDetect.
const (
	DefaultWAFDetectQueue       = 1024
	DefaultWAFDetectWorkers     = 1
	DefaultUpstreamTLSHandshake = 5 * time.Second
)

// withSecurityDefaults sets the defaults of the TLS, WAF and timeout
// fields; WithDefaults calls it after cloning the routes.
func (c Config) withSecurityDefaults() Config {
	setDefault(&c.TLS.ReloadInterval, DefaultReloadInterval)
	setDefault(&c.Validation.UnderscoreHeaders, UnderscoreDrop)
	setDefault(&c.WAFDetect.Queue, DefaultWAFDetectQueue)
	setDefault(&c.WAFDetect.Workers, DefaultWAFDetectWorkers)
	setDefault(&c.Timeouts.UpstreamTLSHandshake, DefaultUpstreamTLSHandshake)
	for i := range c.Routes {
		c.Routes[i].WAF = c.Routes[i].WAF.WithDefaults()
		if u := c.Routes[i].UpstreamTLS; u != nil {
			cp := *u
			c.Routes[i].UpstreamTLS = &cp
		}
	}
	return c
}

// validateSecurity reports what is wrong with the TLS, WAF and validation
// settings.
func (c Config) validateSecurity() []error {
	errs := c.TLS.validate(c.Listen)
	for i, r := range c.Routes {
		where := fmt.Sprintf("route %d (%q)", i, r.Name)
		errs = append(errs, r.UpstreamTLS.validate(where, r.Upstreams)...)
		if err := r.WAF.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("gateway: %s: %w", where, err))
		}
	}
	switch c.Validation.UnderscoreHeaders {
	case UnderscoreDrop, UnderscoreRefuse:
	default:
		errs = append(errs, fmt.Errorf("gateway: validation.underscore_headers %q: use drop or refuse", c.Validation.UnderscoreHeaders))
	}
	if c.WAFDetect.Queue <= 0 || c.WAFDetect.Workers <= 0 {
		errs = append(errs, fmt.Errorf("gateway: waf_detect queue %d, workers %d: set both above 0", c.WAFDetect.Queue, c.WAFDetect.Workers))
	}
	if c.Timeouts.UpstreamTLSHandshake <= 0 {
		errs = append(errs, fmt.Errorf("gateway: timeouts.upstream_tls_handshake is %v; set it above 0", c.Timeouts.UpstreamTLSHandshake))
	}
	return errs
}

// security is the Gateway's TLS, validation and WAF state.
type security struct {
	m         *secMetrics
	cert      *reloadable[tls.Certificate] // nil without TLS
	tlsConfig *tls.Config                  // nil without TLS
	hsts      string
	watch     *watcher // run by Run when a file is watched
	engines   waf.Engines
	detect    *wafQueue // nil without detect-mode routes
}

// routeSec is a route's share of it.
type routeSec struct {
	waf     *waf.Engine // nil without a WAF
	wafMode string
}

// exSec is what the data path learns about one request for the WAF.
type exSec struct {
	matched int          // CRS rules matched (blocking mode)
	capture *captureBody // the body seen, for a detect-mode inspection
	engine  *waf.Engine  // the detect-mode engine
}

// setupSecurity builds the TLS state of the data listener and the
// security metrics. The proxy stage adds the routes'
// upstream TLS (provisionUpstreamTLS), the WAF stage their engines
// (provisionWAF); Run runs the certificate watcher.
func (g *Gateway) setupSecurity() error {
	s := &security{m: newSecMetrics(), hsts: g.cfg.TLS.HSTS.header(), watch: &watcher{every: g.cfg.TLS.ReloadInterval}}
	if t := g.cfg.TLS; t.enabled() {
		cert, err := newReloadable("listener", []string{t.CertFile, t.KeyFile}, func() (*tls.Certificate, time.Time, error) {
			return loadKeyPair(t.CertFile, t.KeyFile)
		}, s.m)
		if err != nil {
			return fmt.Errorf("%w (check tls.cert_file and tls.key_file)", err)
		}
		s.cert = cert
		s.tlsConfig = serverTLS(t, cert)
		s.watch.checks = append(s.watch.checks, func() { cert.check(s.m, g.logger) })
	}
	g.sec = s
	return nil
}

// provisionUpstreamTLS gives the routes with upstream_tls their transport,
// whose client certificate and CAs the watcher reloads.
func (g *Gateway) provisionUpstreamTLS() error {
	s := g.sec
	for _, rt := range g.routes {
		if u := rt.UpstreamTLS; u != nil {
			ut, err := newUpstreamTLS(rt.Name, *u, s.m)
			if err != nil {
				return fmt.Errorf("%w (check the route's upstream_tls files)", err)
			}
			rt.proxy.Transport = ut.transport(g.tr, g.cfg.Timeouts.UpstreamDial, g.cfg.Timeouts.UpstreamTLSHandshake)
			s.watch.checks = append(s.watch.checks, func() { ut.cur.check(s.m, g.logger) })
		}
	}
	return nil
}

// provisionWAF gives the routes with a WAF their engine, and the gateway
// the queue of detect-mode inspections when a route needs it.
func (g *Gateway) provisionWAF() error {
	s := g.sec
	needDetect := false
	for _, rt := range g.routes {
		if rt.WAF.Enabled() {
			e, err := s.engines.Get(rt.WAF)
			if err != nil {
				return fmt.Errorf("gateway: route %q: %w", rt.Name, err)
			}
			rt.sec = routeSec{waf: e, wafMode: rt.WAF.Mode}
			needDetect = needDetect || rt.WAF.Mode == waf.ModeDetect
		}
	}
	if needDetect {
		s.detect = newWAFQueue(g, g.cfg.WAFDetect)
	}
	return nil
}

// closeWAF stops the detect-mode workers once they have inspected what is
// queued, and sent it to the access log.
func (g *Gateway) closeWAF() {
	if g.sec.detect != nil {
		g.sec.detect.close()
	}
}

// screen runs first on every request: it fills r.TLS for an HTTP/1
// connection behind the framing inspector, sets HSTS on TLS responses and
// refuses an invalid request (true when it answered).
func (g *Gateway) screen(w http.ResponseWriter, r *http.Request) bool {
	if r.TLS == nil {
		r.TLS = tlsStateOf(r.Context())
	}
	if g.sec.hsts != "" && r.TLS != nil {
		w.Header().Set("Strict-Transport-Security", g.sec.hsts)
	}
	if g.cfg.Validation.Disabled {
		return false
	}
	if reason := invalidReason(r); reason != "" {
		g.refuseInvalid(w, reason)
		return true
	}
	return false
}

// inspectWAF runs the route's WAF: in blocking mode it inspects the
// request now and refuses it when the CRS blocks it (false when it
// answered); in detect mode it only arranges for the body to be seen, and
// logRecord queues the inspection.
func (g *Gateway) inspectWAF(w http.ResponseWriter, r *http.Request, rt *route, ex *exchange) bool {
	e := rt.sec.waf
	if e == nil {
		return true
	}
	if rt.sec.wafMode == waf.ModeDetect {
		ex.sec.engine = e
		if r.Body != nil && r.Body != http.NoBody {
			ex.sec.capture = &captureBody{rc: r.Body, limit: e.BodyLimit()}
			r.Body = ex.sec.capture
		}
		return true
	}
	var body []byte
	if r.Body != nil && r.Body != http.NoBody {
		var err error
		body, err = io.ReadAll(io.LimitReader(r.Body, e.BodyLimit()))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				g.refuseLimit(w, http.StatusRequestEntityTooLarge, "body")
			} else {
				writeJSON(w, http.StatusBadRequest, `{"error":"could not read the request body"}`)
			}
			return false
		}
		r.Body = prefixedBody{Reader: io.MultiReader(bytes.NewReader(body), r.Body), Closer: r.Body}
	}
	start := time.Now()
	req := wafRequest(r, ex.ip, r.Header, body)
	res, err := e.Evaluate(&req)
	g.sec.m.wafDuration.WithLabelValues(waf.ModeBlocking).Observe(time.Since(start).Seconds())
	if err != nil {
		g.logger.LogAttrs(r.Context(), slog.LevelWarn, "WAF inspection failed; request passed", slog.String("route", rt.Name), slog.Any("error", err))
		return true
	}
	ex.sec.matched = res.Matched
	switch {
	case res.Blocked:
		g.sec.m.wafEvals.WithLabelValues(rt.Name, waf.ModeBlocking, "blocked").Inc()
		g.logger.LogAttrs(r.Context(), slog.LevelDebug, "WAF blocked a request", slog.String("route", rt.Name), slog.Any("rules", res.Rules))
		id := httpcheck.RequestID(r.Header.Get("X-Request-Id"))
		w.Header().Set("X-Request-Id", id)
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusForbidden, `{"error":"blocked by the WAF","request_id":"`+id+`"}`)
		return false
	case res.Matched > 0:
		g.sec.m.wafEvals.WithLabelValues(rt.Name, waf.ModeBlocking, "matched").Inc()
	default:
		g.sec.m.wafEvals.WithLabelValues(rt.Name, waf.ModeBlocking, "clean").Inc()
	}
	return true
}

func wafRequest(r *http.Request, ip netip.Addr, h http.Header, body []byte) waf.Request {
	req := waf.Request{Method: r.Method, URI: r.RequestURI, Proto: r.Proto, Host: r.Host, Header: h,
		TransferEncoding: r.TransferEncoding, Body: body}
	if ip.IsValid() {
		req.ClientIP = ip.String()
	}
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		req.ClientPort = int(ap.Port())
	}
	if req.URI == "" {
		req.URI = r.URL.RequestURI()
	}
	return req
}

// logRecord sends a finished request's access-log record: at once, or,
// for a detect-mode route, after the WAF inspection fills its waf count.
func (g *Gateway) logRecord(r *http.Request, ex *exchange, rec *ingest.Record) {
	rec.WAF = ex.sec.matched
	if ex.sec.engine != nil && g.sec.detect != nil {
		var body []byte
		if ex.sec.capture != nil {
			body = ex.sec.capture.bytes()
		}
		j := &wafJob{engine: ex.sec.engine, route: ex.route, rec: *rec,
			req: wafRequest(r, ex.ip, r.Header.Clone(), body)}
		if g.sec.detect.submit(j) {
			return
		}
		g.sec.m.wafDropped.WithLabelValues(ex.route).Inc()
	}
	if g.alog != nil {
		g.alog.send(rec)
	}
}

// wafJob is one detect-mode inspection; it owns rec and req.
type wafJob struct {
	engine *waf.Engine
	route  string
	req    waf.Request
	rec    ingest.Record
}

// wafQueue runs detect-mode inspections on a few workers, from a bounded
// queue. The workers run under Gateway.Run (start); until then the queue
// fills, and close inspects what is left.
type wafQueue struct {
	g       *Gateway
	jobs    chan *wafJob
	workers int
	stop    chan struct{}
	wg      sync.WaitGroup
	once    sync.Once
}

func newWAFQueue(g *Gateway, c WAFDetect) *wafQueue {
	return &wafQueue{g: g, jobs: make(chan *wafJob, c.Queue), workers: c.Workers, stop: make(chan struct{})}
}

// start starts the workers, which close stops.
func (q *wafQueue) start() {
	for range q.workers {
		q.wg.Go(q.run)
	}
}

func (q *wafQueue) submit(j *wafJob) bool {
	select {
	case <-q.stop:
		return false
	default:
	}
	select {
	case q.jobs <- j:
		return true
	default:
		return false
	}
}

func (q *wafQueue) run() {
	for {
		select {
		case j := <-q.jobs:
			q.inspect(j)
		case <-q.stop:
			for {
				select {
				case j := <-q.jobs:
					q.inspect(j)
				default:
					return
				}
			}
		}
	}
}

func (q *wafQueue) inspect(j *wafJob) {
	m := q.g.sec.m
	start := time.Now()
	res, err := j.engine.Evaluate(&j.req)
	m.wafDuration.WithLabelValues(waf.ModeDetect).Observe(time.Since(start).Seconds())
	switch {
	case err != nil:
		q.g.logger.LogAttrs(context.Background(), slog.LevelWarn, "WAF inspection failed", slog.String("route", j.route), slog.Any("error", err))
	case res.Matched > 0:
		j.rec.WAF = res.Matched
		m.wafEvals.WithLabelValues(j.route, waf.ModeDetect, "matched").Inc()
		q.g.logger.LogAttrs(context.Background(), slog.LevelDebug, "WAF rules matched", slog.String("route", j.route), slog.Any("rules", res.Rules))
	default:
		m.wafEvals.WithLabelValues(j.route, waf.ModeDetect, "clean").Inc()
	}
	if q.g.alog != nil {
		q.g.alog.send(&j.rec)
	}
}

// close stops the workers once they have inspected what is queued; what
// is left (none ran) it inspects itself.
func (q *wafQueue) close() {
	q.once.Do(func() {
		close(q.stop)
		q.wg.Wait()
		for {
			select {
			case j := <-q.jobs:
				q.inspect(j)
			default:
				return
			}
		}
	})
}

// captureBody keeps the first limit bytes of a request body as the
// upstream reads it. The transport reads from its own goroutine, hence the
// lock.
type captureBody struct {
	rc    io.ReadCloser
	limit int64
	mu    sync.Mutex
	buf   []byte
}

func (b *captureBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if n > 0 {
		b.mu.Lock()
		if room := b.limit - int64(len(b.buf)); room > 0 {
			b.buf = append(b.buf, p[:min(int64(n), room)]...)
		}
		b.mu.Unlock()
	}
	return n, err
}

func (b *captureBody) Close() error { return b.rc.Close() }

// bytes returns a copy of what was captured.
func (b *captureBody) bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf)
}

// prefixedBody is a body whose start was read already (for the WAF).
type prefixedBody struct {
	io.Reader
	io.Closer
}
