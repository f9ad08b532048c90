package gateway

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// fileSig is what the watcher compares to see that a file changed: its
// identity (inode), size and modification time. A rename over the file (as
// Kubernetes secret volumes and certbot do) changes the identity.
type fileSig struct {
	fi    os.FileInfo
	size  int64
	mtime time.Time
}

func statSig(path string) (fileSig, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileSig{}, err
	}
	return fileSig{fi: fi, size: fi.Size(), mtime: fi.ModTime()}, nil
}

func (s fileSig) same(o fileSig) bool {
	return s.fi != nil && o.fi != nil && os.SameFile(s.fi, o.fi) && s.size == o.size && s.mtime.Equal(o.mtime)
}

// reloadable is a set of files loaded together (a certificate and its key,
// a CA bundle) whose loaded form is swapped atomically when they change.
type reloadable[T any] struct {
	name   string // labels the metrics and the logs: "listener" or "upstream:<route>"
	files  []string
	load   func() (*T, time.Time, error) // the value and the expiry of its certificate
	cur    atomic.Pointer[T]
	sigs   []fileSig
	expiry prometheus.Gauge
}

// newReloadable loads the files once; an error here stops the gateway from
// starting, with the files named.
func newReloadable[T any](name string, files []string, load func() (*T, time.Time, error), m *secMetrics) (*reloadable[T], error) {
	r := &reloadable[T]{name: name, files: files, load: load, expiry: m.certExpiry.WithLabelValues(name)}
	r.sigs = r.stat()
	v, exp, err := load()
	if err != nil {
		return nil, fmt.Errorf("gateway: %s: %w", name, err)
	}
	r.cur.Store(v)
	r.setExpiry(exp)
	return r, nil
}

func (r *reloadable[T]) get() *T { return r.cur.Load() }

func (r *reloadable[T]) stat() []fileSig {
	sigs := make([]fileSig, len(r.files))
	for i, f := range r.files {
		sigs[i], _ = statSig(f) // a missing file is a zero sig: a change, and a failed load
	}
	return sigs
}

func (r *reloadable[T]) setExpiry(t time.Time) {
	if !t.IsZero() {
		r.expiry.Set(float64(t.Unix()))
	}
}

// check reloads the files when any of them changed since the last check.
// A failed load keeps the current value; it is logged and counted once per
// change, and tried again at the next change (a certificate written before
// its key fails, then loads when the key arrives).
func (r *reloadable[T]) check(m *secMetrics, logger *slog.Logger) {
	sigs := r.stat()
	changed := false
	for i := range sigs {
		if !sigs[i].same(r.sigs[i]) {
			changed = true
		}
	}
	if !changed {
		return
	}
	r.sigs = sigs
	v, exp, err := r.load()
	if err != nil {
		m.reloads.WithLabelValues("error").Inc()
		logger.LogAttrs(context.Background(), slog.LevelWarn, "certificate reload failed; keeping the current one",
			slog.String("cert", r.name), slog.Any("error", err))
		return
	}
	r.cur.Store(v)
	r.setExpiry(exp)
	m.reloads.WithLabelValues("ok").Inc()
	logger.LogAttrs(context.Background(), slog.LevelInfo, "certificate reloaded",
		slog.String("cert", r.name), slog.Time("not_after", exp))
}

// watcher checks every reloadable file set each interval, from Run.
type watcher struct {
	checks []func()
	every  time.Duration
}

// run checks the files every interval until ctx ends.
func (w *watcher) run(ctx context.Context) {
	t := time.NewTicker(w.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			for _, c := range w.checks {
				c()
			}
		}
	}
}

// loadKeyPair reads a PEM certificate chain and its key.
func loadKeyPair(certFile, keyFile string) (*tls.Certificate, time.Time, error) {
	c, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("loading the certificate %s and key %s: %w", certFile, keyFile, err)
	}
	if c.Leaf == nil && len(c.Certificate) > 0 {
		c.Leaf, _ = x509.ParseCertificate(c.Certificate[0])
	}
	var exp time.Time
	if c.Leaf != nil {
		exp = c.Leaf.NotAfter
	}
	return &c, exp, nil
}

// loadCAs reads a PEM bundle of CA certificates.
func loadCAs(file string) (*x509.CertPool, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading the CA bundle: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, errors.New("the CA bundle " + file + " holds no PEM certificate")
	}
	return pool, nil
}

// secMetrics are the metrics of TLS, request validation and the WAF; no
// label holds a client identity.
type secMetrics struct {
	reloads    *prometheus.CounterVec
	certExpiry *prometheus.GaugeVec
	invalid    *prometheus.CounterVec
	// headersDropped counts request headers dropped for an underscore in
	// their names.
	headersDropped prometheus.Counter
	wafEvals       *prometheus.CounterVec
	wafDropped     *prometheus.CounterVec
	wafDuration    *prometheus.HistogramVec
}

func newSecMetrics() *secMetrics {
	return &secMetrics{
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portcullis_gateway_tls_reloads_total",
			Help: "Certificate reloads after their files changed, by result: ok or error (the previous certificate stays)."}, []string{"result"}),
		certExpiry: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "portcullis_gateway_tls_cert_expiry_timestamp_seconds",
			Help: "NotAfter of the certificate in use, as Unix time: the listener's, or a route's upstream client certificate (upstream:<route>)."}, []string{"cert"}),
		invalid: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portcullis_gateway_invalid_requests_total",
			Help: "Requests refused with 400 by the strict request validation, by reason."}, []string{"reason"}),
		headersDropped: prometheus.NewCounter(prometheus.CounterOpts{Name: "portcullis_gateway_underscore_headers_dropped_total",
			Help: "Request headers dropped because their names hold an underscore (validation.underscore_headers: drop)."}),
		wafEvals: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portcullis_gateway_waf_requests_total",
			Help: "Requests the WAF inspected, by route, mode (blocking or detect) and outcome: clean, matched (rules matched, request passed) or blocked."}, []string{"route", "mode", "outcome"}),
		wafDropped: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "portcullis_gateway_waf_detect_dropped_total",
			Help: "Requests of detect-mode routes not inspected because the WAF queue was full; their access-log records go out without a waf count."}, []string{"route"}),
		wafDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "portcullis_gateway_waf_duration_seconds",
			Help: "Time the WAF spent on one request, by mode.", Buckets: prometheus.ExponentialBuckets(0.0001, 2.5, 12)}, []string{"mode"}),
	}
}

func (m *secMetrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.reloads, m.certExpiry, m.invalid, m.headersDropped, m.wafEvals, m.wafDropped, m.wafDuration}
}
