package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/httputil"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/blocklist/httpcheck"
	"github.com/portcullis/portcullis/challenge"
	"github.com/portcullis/portcullis/gateway/auth"
	"github.com/portcullis/portcullis/ingest"
)

// Gateway is the reference gateway: a reverse proxy with the input limits,
// the blocklist check and rate limits in front, and access logs behind.
type Gateway struct {
	cfg      Config
	checker  *blocklist.Checker
	shared   SharedLimiter
	throttle *decisionThrottle // holds throttle decisions to their rate (actions.go)
	// challenge serves challenge decisions (WithChallenge); nil: they are
	// throttled.
	challenge func(w http.ResponseWriter, r *http.Request, v blocklist.Verdict) bool
	ident     *httpcheck.Identity // names the client: Config.RequestIdentity, parsed
	routes    []*route            // longest prefix first
	m         *metrics
	gatherer  prometheus.Gatherer
	alog      *accessLog // nil when access logs are off
	tr        *http.Transport
	logger    *slog.Logger
	sec       *security           // TLS, request validation, WAF (security.go)
	stages    *stages             // the data path (stages.go)
	head      handler             // its first stage
	auth      *auth.Authenticator // nil: no route takes credentials (see WithAuth)
	// challenger serves the challenge of challenge decisions, and checks
	// the answers and passes (challenge.go); nil when challenge is set by
	// WithChallenge or there is no Checker.
	challenger *challenge.Challenger
	// userHeader is Config.UserHeader in canonical form.
	userHeader string

	// Run and Close (run.go).
	mu        sync.Mutex
	ran       bool          // Run was called
	closed    bool          // Close was called
	stop      chan struct{} // closed by Close: Run returns
	runDone   chan struct{} // closed when Run returned
	closeOnce sync.Once
	closeErr  error
}

type route struct {
	Route
	mode      blocklist.FailMode
	upstreams []*url.URL
	next      atomic.Uint64
	local     *localLimiter // nil without a rate limit
	authFail  *localLimiter // failed authentications; nil on routes without credentials
	proxy     *httputil.ReverseProxy
	sec       routeSec // upstream TLS and WAF (security.go)
	serve     handler  // the route's chain, from its blocklist check to its proxy (stages.go)
	// check and authCheck are httpcheck.Middleware over passed: the
	// check of the client before authentication, and of the identity
	// its credentials prove after. nil without a Checker.
	check, authCheck http.Handler
}

// passed is what the blocklist checks wrap: reaching it says the check let
// the request through.
var passed http.Handler = http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { exchangeOf(r).passed = true })

// New returns a Gateway for cfg (taken WithDefaults and validated).
// checker may be nil (no blocklist check), logs nil (no access logs, as
// with AccessLog.Enabled false), limiter nil (shared rate limits use the
// local buckets). The metrics are registered on reg; when reg is nil or is
// not a Gatherer, AdminHandler serves the gateway's metrics alone. New
// starts no goroutine: the background work (the access log's writer, the
// detect-mode WAF and the certificate watcher) runs under Run. opts add
// what the config cannot hold, such as the Authenticator (WithAuth).
func New(cfg Config, checker *blocklist.Checker, logs LogSink, limiter SharedLimiter, reg prometheus.Registerer, logger *slog.Logger, opts ...Option) (*Gateway, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	logger = logger.With("component", "gateway")
	ident, _ := httpcheck.NewIdentity(cfg.RequestIdentity) // Validate checked it
	g := &Gateway{cfg: cfg, checker: checker, shared: limiter, ident: ident, m: newMetrics(), logger: logger,
		throttle:   newDecisionThrottle(limiter, logger),
		userHeader: http.CanonicalHeaderKey(cfg.UserHeader), stop: make(chan struct{}), runDone: make(chan struct{})}
	for _, o := range opts {
		o(g)
	}
	if err := g.setupSecurity(); err != nil {
		return nil, err
	}
	g.stages = newStages()
	var err error
	if g.head, err = g.stages.provision(g); err != nil {
		return nil, err
	}
	if err := g.registerMetrics(reg); err != nil {
		return nil, errors.Join(err, cleanup(g.stages.all()))
	}
	if logs != nil && cfg.AccessLog.Enabled {
		g.alog = newAccessLog(logs, cfg.AccessLog.Buffer, g.m, logger)
	}
	return g, nil
}

// registerMetrics registers the gateway's metrics, the security ones
// included, on reg and on a registry of its own; AdminHandler serves reg
// when it is a Gatherer, else that one.
func (g *Gateway) registerMetrics(reg prometheus.Registerer) error {
	own := prometheus.NewRegistry()
	cs := append(g.m.collectors(), g.sec.m.collectors()...)
	if g.challenger != nil {
		cs = append(cs, g.challenger.Collectors()...)
	}
	for _, c := range cs {
		own.MustRegister(c)
		if reg != nil {
			if err := reg.Register(c); err != nil {
				return fmt.Errorf("gateway: registering metrics: %w", err)
			}
		}
	}
	g.gatherer = own
	if gr, ok := reg.(prometheus.Gatherer); ok {
		g.gatherer = gr
	}
	return nil
}

// errorLog is the log of net/http's own errors, at debug level.
func (g *Gateway) errorLog() *log.Logger {
	return slog.NewLogLogger(g.logger.Handler(), slog.LevelDebug)
}

// Handler returns the data path.
func (g *Gateway) Handler() http.Handler { return http.HandlerFunc(g.serve) }

// Server returns an http.Server for the data listener, with cfg's address,
// timeouts and header limit. A request whose headers pass the limit by
// more than 4 KiB is refused by net/http itself (431) and is neither
// counted nor logged; below that the handler refuses and counts it.
func (g *Gateway) Server() *http.Server {
	t := g.cfg.Timeouts
	return &http.Server{
		Addr:              g.cfg.Listen,
		Handler:           g.Handler(),
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Read,
		WriteTimeout:      t.Write,
		IdleTimeout:       t.Idle,
		MaxHeaderBytes:    g.cfg.Limits.MaxHeaderBytes,
		ErrorLog:          g.errorLog(),
		TLSConfig:         g.TLSConfig(), // nil without TLS (tls.go)
		ConnContext:       connContext,   // TLS state behind the inspector (validate.go)
	}
}

// AdminHandler serves /metrics and /healthz, for the admin listener.
func (g *Gateway) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(g.gatherer, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		body := `{"status":"ok"`
		if g.checker != nil {
			body += `,"blocklist_staleness_s":` + strconv.FormatFloat(min(g.checker.Staleness().Seconds(), math.MaxInt32), 'f', 3, 64)
		}
		io.WriteString(w, body+"}\n")
	})
	return mux
}

// blocklistChecks sets rt's blocklist checks: httpcheck.Middleware on the
// client the gateway resolved (so the check, the rate limits and the
// access log name one client), counted by the route's metrics. A refusal
// by the fail mode alone is an outage, answered 503 to be retried.
func (g *Gateway) blocklistChecks(rt *route) {
	blocked := g.m.blocked.WithLabelValues(rt.Name, "blocked")
	failClosed := g.m.blocked.WithLabelValues(rt.Name, "fail_closed")
	rt.check = httpcheck.Middleware(g.checker, httpcheck.MiddlewareConfig{
		FailMode:    rt.mode,
		Unavailable: true,
		API:         rt.Class == ClassAPI,
		Throttle:    g.throttle,
		Challenge:   g.challenge,
		OnAction:    g.onAction(rt, true),
		Client: func(r *http.Request) httpcheck.Client {
			// The detector only ever sees a key's id (httpcheck.APIKeyID),
			// so its decisions name that, not the key.
			ex := exchangeOf(r)
			ex.key = g.ident.APIKeyID(r)
			return httpcheck.Client{IP: ex.ip, APIKey: ex.key, User: ex.user}
		},
		OnVerdict: func(v blocklist.Verdict) {
			switch {
			case !v.Blocked && limits(v.Action):
				// counted by onAction, once enforced
			case !v.Blocked:
				g.m.checkAllowed.Inc()
			case v.Client == "":
				// Not a ban: the view of the blocklist is too stale to
				// serve on a fail-closed route. An outage, to be retried.
				g.m.checkFailClosed.Inc()
				failClosed.Inc()
			default:
				g.m.checkBlocked.Inc()
				blocked.Inc()
			}
		},
	})(passed)
	// The IP was checked before, and the fail mode applied there: this
	// check refuses on a decision alone, as a fail-open one does.
	rt.authCheck = httpcheck.Middleware(g.checker, httpcheck.MiddlewareConfig{
		FailMode:  blocklist.FailOpen,
		API:       rt.Class == ClassAPI,
		Throttle:  g.throttle,
		Challenge: g.challenge,
		OnAction:  g.onAction(rt, false),
		Client: func(r *http.Request) httpcheck.Client {
			ex := exchangeOf(r)
			return httpcheck.Client{APIKey: ex.keyID, User: ex.user}
		},
		OnVerdict: func(v blocklist.Verdict) {
			if v.Blocked {
				blocked.Inc()
			}
		},
	})(passed)
}

// exchange is what the data path learns about one request, for its metric
// and its access-log record; it holds the response's statusWriter, so one
// allocation serves both. It is a context too: the blocklist checks hand
// httpcheck.Middleware the request with the exchange as its context
// (checkBlocklist), so that the Middleware's hooks reach it (exchangeOf).
type exchange struct {
	context.Context // the request's own
	sw              statusWriter

	start time.Time
	route string
	ip    netip.Addr
	key   string // the id of the API key presented (httpcheck.APIKeyID), once checked
	user  string
	keyID string // the authenticated API key's id
	body  *countingBody
	sec   exSec // WAF (security.go)
	// passed says the last blocklist check let the request through.
	passed bool
	// conflict: a trusted proxy that refuses conflicting forwarding
	// headers sent one; upgrade: the request asks for an upgrade.
	conflict, upgrade bool
}

// exchangeKey is the context key an exchange answers to with itself.
type exchangeKey struct{}

// Value returns ex for exchangeKey, else what the request's context holds.
func (ex *exchange) Value(key any) any {
	if key == (exchangeKey{}) {
		return ex
	}
	return ex.Context.Value(key)
}

func exchangeOf(r *http.Request) *exchange { return r.Context().Value(exchangeKey{}).(*exchange) }

// checkBlocklist runs h, one of the route's blocklist checks, and says
// whether it let r through (false when it answered). Only the check sees
// the request with the exchange as its context: the copy costs one
// allocation, on the routes that are checked alone.
func checkBlocklist(h http.Handler, w http.ResponseWriter, r *http.Request, ex *exchange) bool {
	ex.passed = false
	h.ServeHTTP(w, r.WithContext(ex))
	return ex.passed
}

// serve runs the chain of stages on a request (stages.go), then counts
// and logs it.
func (g *Gateway) serve(w http.ResponseWriter, r *http.Request) {
	ex := &exchange{Context: r.Context(), sw: statusWriter{ResponseWriter: w}, start: time.Now(), route: "none"}
	sw := &ex.sw
	sw.ex = ex
	ex.ip, ex.conflict = g.ident.ClientIP(r)
	// The identity headers are the gateway's to set, from verified
	// credentials only; the headers Connection names go now, before the
	// gateway adds its own (identity.go).
	g.dropClientIdentity(r.Header)
	defer g.finish(sw, r, ex)
	g.head(sw, r, ex)
}

// sharedTimeout bounds a shared rate-limit decision; past it the local
// bucket decides.
const sharedTimeout = 100 * time.Millisecond

// allow takes a token for ip on rt, from the shared limiter when the route
// asks for it and one is set, else (or when it fails) from the local one.
func (g *Gateway) allow(ctx context.Context, rt *route, ip netip.Addr) (bool, time.Duration) {
	rl := rt.RateLimit
	if rl.Shared && g.shared != nil {
		sctx, cancel := context.WithTimeout(ctx, sharedTimeout)
		ok, err := g.shared.Allow(sctx, rt.Name+":"+ip.String(), rl.RPS, rl.Burst)
		cancel()
		if err == nil {
			return ok, time.Duration(float64(time.Second) / rl.RPS)
		}
		g.logger.LogAttrs(ctx, slog.LevelDebug, "shared rate limit failed; using the local bucket",
			slog.String("route", rt.Name), slog.Any("error", err))
	}
	return rt.local.allow(ip)
}

func (g *Gateway) refuseLimit(w http.ResponseWriter, status int, limit string) {
	g.m.limits.WithLabelValues(limit).Inc()
	writeJSON(w, status, `{"error":"`+limit+` too large"}`)
}

// match returns the route of r, whose path is normalised, longest prefix
// first; wrongMethod says a route had the path but not the method. TRACE
// (which echoes the request, credentials included) and CONNECT (a tunnel)
// reach only a route that lists them.
func (g *Gateway) match(r *http.Request) (rt *route, wrongMethod bool) {
	for _, rt := range g.routes {
		if !matchPrefix(r.URL.Path, rt.PathPrefix) {
			continue
		}
		if len(rt.Methods) == 0 && r.Method != http.MethodTrace && r.Method != http.MethodConnect || slices.Contains(rt.Methods, r.Method) {
			return rt, false
		}
		wrongMethod = true
	}
	return nil, wrongMethod
}

func hasPathPrefix(path, prefix string) bool {
	return strings.HasPrefix(path, prefix) &&
		(len(path) == len(prefix) || strings.HasSuffix(prefix, "/") || path[len(prefix)] == '/')
}

// rewrite points the outgoing request at the route's next upstream. The
// inbound X-Forwarded-For is kept only from a proxy trusted for it (see
// forwardFor), and the peer is appended to it.
func (g *Gateway) rewrite(rt *route, pr *httputil.ProxyRequest) {
	u := rt.upstreams[(rt.next.Add(1)-1)%uint64(len(rt.upstreams))]
	if rt.StripPrefix {
		out := pr.Out.URL
		p := strings.TrimSuffix(rt.PathPrefix, "/")
		out.Path = "/" + strings.TrimPrefix(strings.TrimPrefix(out.Path, p), "/")
		if out.RawPath != "" {
			if strings.HasPrefix(out.RawPath, p) {
				out.RawPath = "/" + strings.TrimPrefix(strings.TrimPrefix(out.RawPath, p), "/")
			} else {
				out.RawPath = ""
			}
		}
	}
	pr.SetURL(u)
	g.forwardFor(pr.In, pr.Out.Header)
	pr.SetXForwarded()
}

// proxyError answers a failed upstream exchange: 413 when the body passed
// the limit, 504 on a timeout, 502 otherwise; nothing when the client left.
func (g *Gateway) proxyError(rt *route, w http.ResponseWriter, r *http.Request, err error) {
	var mbe *http.MaxBytesError
	var cb *countingBody // the proxy wraps r.Body; w is the exchange's statusWriter
	if sw, ok := w.(*statusWriter); ok && sw.ex != nil {
		cb = sw.ex.body
	}
	if (cb != nil && cb.tooLarge.Load()) || errors.As(err, &mbe) {
		g.refuseLimit(w, http.StatusRequestEntityTooLarge, "body")
		return
	}
	if cb != nil && cb.broken.Load() {
		// The client's body could not be read (malformed chunking, say):
		// the client's fault, not the upstream's.
		g.logger.LogAttrs(r.Context(), slog.LevelDebug, "request body unreadable", slog.String("route", rt.Name), slog.Any("error", err))
		writeJSON(w, http.StatusBadRequest, `{"error":"bad request body"}`)
		return
	}
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil && !errors.Is(r.Context().Err(), context.DeadlineExceeded) {
		w.WriteHeader(499) // the client went away; nobody reads this
		return
	}
	g.m.upstreamErr.WithLabelValues(rt.Name).Inc()
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		g.logger.LogAttrs(r.Context(), slog.LevelDebug, "upstream timed out", slog.String("route", rt.Name), slog.Any("error", err))
		writeJSON(w, http.StatusGatewayTimeout, `{"error":"upstream timeout"}`)
		return
	}
	g.logger.LogAttrs(r.Context(), slog.LevelDebug, "upstream failed", slog.String("route", rt.Name), slog.Any("error", err))
	writeJSON(w, http.StatusBadGateway, `{"error":"upstream unavailable"}`)
}

// finish counts the request and sends its access-log record.
func (g *Gateway) finish(sw *statusWriter, r *http.Request, ex *exchange) {
	status := sw.status
	if status == 0 {
		status = http.StatusOK
	}
	el := time.Since(ex.start)
	g.m.requests.WithLabelValues(ex.route, strconv.Itoa(status)).Inc()
	g.m.duration.WithLabelValues(ex.route).Observe(el.Seconds())
	if g.alog == nil && ex.sec.engine == nil {
		return
	}
	reqBytes := r.ContentLength
	if ex.body != nil {
		if n := ex.body.n.Load(); reqBytes < 0 || n > reqBytes {
			reqBytes = n
		}
	}
	rec := ingest.Record{
		TS:         ex.start.UnixNano(),
		Method:     []byte(r.Method),
		Path:       []byte(r.RequestURI),
		Status:     status,
		ReqBytes:   max(reqBytes, 0),
		RespBytes:  sw.n,
		DurationMS: float64(el.Microseconds()) / 1000,
		UserAgent:  []byte(r.UserAgent()),
	}
	// Only verified identities: a key or user a client merely claims
	// would let it rotate names past the detector, or frame another.
	if ex.keyID != "" {
		rec.APIKey = []byte(ex.keyID)
	}
	if ex.user != "" {
		rec.User = []byte(ex.user)
	}
	if ex.ip.IsValid() {
		rec.ClientIP = ex.ip.AppendTo(nil)
	}
	g.logRecord(r, ex, &rec) // with the WAF count, maybe after a detect-mode inspection (security.go)
}

// reasonBadMethod: a method that is not an upper-case token.
const reasonBadMethod = "bad_method"

// isMethod says whether m is a token of upper-case letters, digits and
// the token punctuation.
func isMethod(m string) bool {
	if m == "" {
		return false
	}
	for i := 0; i < len(m); i++ {
		c := m[i]
		if 'A' <= c && c <= 'Z' {
			continue
		}
		if 'a' <= c && c <= 'z' || c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// scanHeaders estimates the bytes of r's request line and headers as
// sent, counts the header lines, and says whether a header name holds an
// underscore: one pass over the headers.
func scanHeaders(r *http.Request) (size, lines int, underscore bool) {
	size = len(r.Method) + len(r.RequestURI) + len(r.Proto) + 4 + len("Host: \r\n") + len(r.Host)
	for k, vs := range r.Header {
		underscore = underscore || strings.IndexByte(k, '_') >= 0
		lines += len(vs)
		for _, v := range vs {
			size += len(k) + len(v) + 4
		}
	}
	return size, lines, underscore
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Del("Content-Length")
	w.WriteHeader(status)
	io.WriteString(w, body+"\n")
}

// statusWriter records the status and counts the body bytes written.
type statusWriter struct {
	http.ResponseWriter
	status int
	n      int64
	ex     *exchange // the exchange that holds it
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.n += int64(n)
	return n, err
}

// Flush lets streamed responses through.
func (w *statusWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the connection (hijack for
// upgrades, deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// countingBody counts the request body bytes read and notes when the body
// passed the limit, or could not be read.
// The transport reads it from its own goroutine, hence the atomics.
type countingBody struct {
	rc       io.ReadCloser
	n        atomic.Int64
	tooLarge atomic.Bool
	broken   atomic.Bool // a read failed otherwise: malformed, or cut short
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.n.Add(int64(n))
	var mbe *http.MaxBytesError
	switch {
	case err == nil || err == io.EOF:
	case errors.As(err, &mbe):
		b.tooLarge.Store(true)
	default:
		b.broken.Store(true)
	}
	return n, err
}

func (b *countingBody) Close() error { return b.rc.Close() }
