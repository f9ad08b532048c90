package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"golang.org/x/sync/errgroup"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/blocklist/redisstore"
	gw "github.com/portcullis/portcullis/gateway"
	"github.com/portcullis/portcullis/gateway/auth"
	"github.com/portcullis/portcullis/ingest/kafka"
	"github.com/portcullis/portcullis/internal/buildinfo"
)

// ShutdownGrace bounds the wait for requests in flight at shutdown.
const ShutdownGrace = 10 * time.Second

// App is a running reference gateway: New checks the Config, Open binds
// the listeners and connects the pieces, Run serves until its context
// ends, and Close releases what Open took.
type App struct {
	cfg Config
	log *slog.Logger

	reg     *prometheus.Registry
	store   *redisstore.Store
	checker *blocklist.Checker
	logs    *kafka.Producer
	authn   *auth.Authenticator
	g       *gw.Gateway

	ln, adminLn, redirectLn net.Listener
	srv, admin, redirect    *http.Server
}

// New returns an App for cfg, or what is wrong with cfg.
func New(cfg Config, log *slog.Logger) (*App, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &App{cfg: cfg, log: log}, nil
}

// Addr is the address the data listener bound, after Open.
func (a *App) Addr() string { return a.ln.Addr().String() }

// AdminAddr is the address the admin listener bound, after Open.
func (a *App) AdminAddr() string { return a.adminLn.Addr().String() }

// RedirectAddr is the address the HTTPS redirect listener bound, after
// Open; empty when tls.redirect_http is not set.
func (a *App) RedirectAddr() string {
	if a.redirectLn == nil {
		return ""
	}
	return a.redirectLn.Addr().String()
}

// Open binds the data and admin listeners (port 0 picks a free port, which
// Addr and AdminAddr report), connects the blocklist, the access log and
// the authenticator, and builds the gateway. On error it releases what it
// took. Nothing it opens waits on the network (Redis and Kafka connect on
// first use), so ctx, which the detector's Open needs, goes unused.
func (a *App) Open(_ context.Context) (err error) {
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	if a.ln, err = net.Listen("tcp", a.cfg.Listen); err != nil {
		return fmt.Errorf("data listener: %w", err)
	}
	if a.adminLn, err = net.Listen("tcp", a.cfg.Admin); err != nil {
		return fmt.Errorf("admin listener: %w", err)
	}
	if _, port, _ := net.SplitHostPort(a.cfg.Listen); port == "0" && a.cfg.TLS.RedirectPort == 0 {
		// The HTTPS redirect points at the port the data listener got.
		a.cfg.TLS.RedirectPort = a.ln.Addr().(*net.TCPAddr).Port
	}
	a.reg = prometheus.NewRegistry()
	a.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), buildinfo.Get().Collector())
	var limiter gw.SharedLimiter
	if len(a.cfg.Blocklist.Redis.Addrs) > 0 {
		if err := a.openBlocklist(); err != nil {
			return err
		}
		limiter = gw.NewRedisLimiter(a.store.Client(), a.cfg.Blocklist.Redis.KeyPrefix+"ratelimit:")
	}
	var logs gw.LogSink
	if len(a.cfg.Kafka.Brokers) > 0 {
		if a.logs, err = kafka.NewProducer(a.cfg.Kafka, a.log.With("component", "kafka")); err != nil {
			return err
		}
		logs = a.logs
	}
	if a.authn, err = a.newAuth(); err != nil {
		return err
	}
	var opts []gw.Option
	if a.authn != nil {
		opts = append(opts, gw.WithAuth(a.authn))
	}
	// gateway.New tags its logger with component=gateway itself.
	if a.g, err = gw.New(a.cfg.Config, a.checker, logs, limiter, a.reg, a.log, opts...); err != nil {
		return err
	}
	return a.openServers()
}

// openServers makes the servers of the listeners, and binds the HTTPS
// redirect's when TLS asks for one.
func (a *App) openServers() error {
	a.srv = a.g.Server()
	a.admin = &http.Server{Handler: AdminHandler(a.g.AdminHandler(), a.checker), ReadHeaderTimeout: 5 * time.Second}
	// TLS, when configured, and the strict HTTP/1 framing checks.
	a.ln = a.g.Listener(a.ln)
	if a.redirect = a.g.RedirectServer(); a.redirect != nil {
		var err error
		if a.redirectLn, err = net.Listen("tcp", a.redirect.Addr); err != nil {
			return fmt.Errorf("HTTPS redirect listener: %w", err)
		}
	}
	return nil
}

// openBlocklist connects the Redis blocklist and the Checker that keeps
// the local view of it, with their metrics.
func (a *App) openBlocklist() error {
	mode, _ := a.cfg.failMode()
	store, err := redisstore.New(a.cfg.Blocklist.Redis, a.log.With("component", "blocklist"))
	if err != nil {
		return err
	}
	a.store = store
	propagation := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "portcullis_gateway_blocklist_propagation_seconds",
		Help: "From a decision stored in Redis to its enforcement in this gateway's check.",
		// 0.1 s is the goal (p99), so it is a bucket bound.
		Buckets: []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30},
	})
	a.reg.MustRegister(propagation)
	checker := blocklist.NewChecker(store, blocklist.CheckerConfig{
		FailMode: mode, MaxStaleness: a.cfg.Blocklist.MaxStaleness,
		OnApplied: func(d time.Duration) { propagation.Observe(d.Seconds()) },
	}, a.log.With("component", "checker"))
	a.checker = checker
	a.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "portcullis_gateway_blocklist_staleness_seconds",
			Help: "Age of the gateway's view of the blocklist since Redis last confirmed it.",
		}, func() float64 { return checker.Staleness().Seconds() }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "portcullis_gateway_blocklist_decisions",
			Help: "Decisions in the gateway's view of the blocklist (lapsed ones until the next sweep).",
		}, func() float64 { return float64(checker.Stats().Decisions) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "portcullis_gateway_blocklist_resyncs_total",
			Help: "Full snapshots of the blocklist loaded: at start, every resync interval, and after a gap.",
		}, func() float64 { return float64(checker.Stats().Resyncs) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "portcullis_gateway_blocklist_gaps_total",
			Help: "Pushed changes missed (a version gap, or Redis restarted), each repaired by a resync.",
		}, func() float64 { return float64(checker.Stats().Gaps) }),
	)
	storeMetrics, err := redisstore.NewMetrics(a.reg)
	if err != nil {
		return err
	}
	storeMetrics.Watch(store)
	return nil
}

// KeysPrefix is where the gateway keeps API keys in its Redis: under the
// blocklist's key prefix (or its default) plus "keys:".
func KeysPrefix(prefix string) string {
	if prefix == "" {
		prefix = redisstore.DefaultKeyPrefix
	}
	return prefix + "keys:"
}

// newAuth builds the gateway's Authenticator when a route takes
// credentials; nil otherwise. API keys in Redis share the blocklist's
// connection, under KeysPrefix.
func (a *App) newAuth() (*auth.Authenticator, error) {
	routes := a.cfg.AuthRoutes()
	protected := false
	for _, r := range routes {
		protected = protected || r.Auth != auth.ModeNone
	}
	if !protected {
		return nil, nil
	}
	var keys auth.KeyStore
	switch a.cfg.Auth.APIKeys.Store {
	case "file":
		keys = auth.NewFileKeyStore(a.cfg.Auth.APIKeys.File)
	case "redis":
		if a.store == nil {
			return nil, errors.New("auth.api_keys.store is redis, but blocklist.redis has no addrs; the keys live in the blocklist's Redis")
		}
		keys = auth.NewRedisKeyStore(a.store.Client(), KeysPrefix(a.cfg.Blocklist.Redis.KeyPrefix), a.log.With("component", "keys"))
	}
	return auth.New(a.cfg.Auth, routes, keys, a.reg, a.log)
}

// Run serves until ctx ends, then drains the requests in flight for up to
// ShutdownGrace and flushes the access log. It returns nil when ctx ended
// it, or the error that stopped a listener or a background loop.
func (a *App) Run(ctx context.Context) error {
	a.log.Info("gateway started", "listen", a.Addr(), "admin", a.AdminAddr(), "routes", len(a.cfg.Routes),
		"tls", a.srv.TLSConfig != nil)
	eg, ectx := errgroup.WithContext(ctx)
	// The gateway's background work (access log, detect-mode WAF,
	// certificate reloads) ends once the listeners have drained, so the
	// records of the requests drained are sent.
	runCtx, stopRun := context.WithCancel(context.WithoutCancel(ctx))
	defer stopRun()
	eg.Go(func() error { return a.g.Run(runCtx) })
	if a.checker != nil {
		eg.Go(func() error { return a.checker.Run(ectx) })
	}
	if a.authn != nil {
		eg.Go(func() error { return a.authn.Run(ectx) })
	}
	eg.Go(serve(a.srv, a.ln))
	eg.Go(serve(a.admin, a.adminLn))
	if a.redirect != nil {
		eg.Go(serve(a.redirect, a.redirectLn))
	}
	eg.Go(func() error {
		<-ectx.Done()
		if ctx.Err() != nil {
			a.log.Info("gateway stopping: draining requests in flight", "component", "gateway", "grace", ShutdownGrace)
		}
		err := a.shutdown()
		stopRun()
		return err
	})
	err := eg.Wait()
	err = errors.Join(err, a.g.Close())
	if ctx.Err() != nil && err == nil {
		a.log.Info("gateway stopped", "component", "gateway")
		return nil
	}
	return err
}

// shutdown stops the servers, waiting up to ShutdownGrace for requests in
// flight.
func (a *App) shutdown() error {
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownGrace)
	defer cancel()
	err := errors.Join(a.srv.Shutdown(sctx), a.admin.Shutdown(sctx))
	if a.redirect != nil {
		err = errors.Join(err, a.redirect.Shutdown(sctx))
	}
	return err
}

func serve(s *http.Server, l net.Listener) func() error {
	return func() error {
		if err := s.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}

// Close releases what Open took: the listeners (when Run did not serve
// them), the gateway, the access log's producer and the blocklist's
// connection. It is safe to call after a failed Open, and more than once.
func (a *App) Close() error {
	var errs []error
	for _, l := range []net.Listener{a.ln, a.adminLn, a.redirectLn} {
		if l != nil {
			l.Close() // already closed when Run served it
		}
	}
	if a.g != nil {
		errs = append(errs, a.g.Close())
	}
	if a.logs != nil {
		errs = append(errs, a.logs.Close())
		a.logs = nil
	}
	if a.store != nil {
		errs = append(errs, a.store.Close())
		a.store = nil
	}
	return errors.Join(errs...)
}

// AdminHandler adds /readyz to the gateway's admin handler: ready once the
// first snapshot of the blocklist is loaded (or without a blocklist), so a
// new replica takes traffic only when it can enforce blocks. A replica that
// loses Redis later stays ready and applies its routes' fail modes.
func AdminHandler(h http.Handler, checker *blocklist.Checker) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", h)
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if checker != nil && checker.Stats().Resyncs == 0 {
			http.Error(w, "not ready: the blocklist's first snapshot is not loaded yet", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	return mux
}
