package main

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
	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/gateway"
	"github.com/portcullis/portcullis/ingest/kafka"
	"github.com/portcullis/portcullis/internal/buildinfo"
)

// gatewayConfig is the YAML configuration of portcullis gateway. Unknown
// keys are an error.
type gatewayConfig struct {
	gateway.Config `yaml:",inline"`
	Blocklist      struct {
		Redis redisstore.Config `yaml:"redis"`
		// FailMode applies when the local view of the blocklist is older
		// than MaxStaleness: "open" or "closed". Routes may override it.
		FailMode     string        `yaml:"fail_mode"`
		MaxStaleness time.Duration `yaml:"max_staleness"`
	} `yaml:"blocklist"`
	// Kafka receives the access log, keyed by client.
	Kafka kafka.Config `yaml:"kafka"`
}

func loadGatewayConfig(path string) (gatewayConfig, error) {
	var c gatewayConfig
	err := loadYAML(path, &c, "deploy/gateway.example.yaml")
	return c, err
}

func newGatewayCommand() *cobra.Command {
	var configPath string
	cmd := &cobra.Command{
		Use:   "gateway --config FILE",
		Short: "Run the reference gateway: a reverse proxy with the blocklist check in front",
		Long: `gateway proxies requests to the routes' upstreams. In front of every request it
checks a local view of the Redis blocklist (loaded from a snapshot, then kept
current by pushed changes), applies per-client rate limits and request limits,
and produces an access log for every request to Kafka, which the detector
reads: gateway, Kafka, detector, Redis, gateway.

It serves /metrics and /healthz on a separate admin listener.`,
		Example: `  portcullis gateway --config gateway.yaml`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if configPath == "" {
				return errors.New("no config: pass a YAML file with --config (see deploy/gateway.example.yaml)")
			}
			cfg, err := loadGatewayConfig(configPath)
			if err != nil {
				return err
			}
			return runGateway(cmd.Context(), cfg, slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil)))
		},
	}
	cmd.Flags().StringVar(&configPath, "config", "", "YAML configuration file")
	cmd.AddCommand(newCheckPolicyCommand())
	return cmd
}

func runGateway(ctx context.Context, cfg gatewayConfig, log *slog.Logger) error {
	var mode blocklist.FailMode
	switch cfg.Blocklist.FailMode {
	case "open":
		mode = blocklist.FailOpen
	case "closed":
		mode = blocklist.FailClosed
	default:
		return fmt.Errorf("blocklist.fail_mode is %q; set it to open (serve when the blocklist is stale) or closed (refuse)", cfg.Blocklist.FailMode)
	}
	if cfg.AccessLog.Enabled && len(cfg.Kafka.Brokers) == 0 {
		return errors.New("access_log.enabled is true but there is no kafka section, so the access log would go nowhere: " +
			"add kafka: {brokers: [host:9092], topic: access-logs}, or set access_log: {enabled: false}")
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), buildinfo.Get().Collector())

	var checker *blocklist.Checker
	var limiter gateway.SharedLimiter
	var bl *redisstore.Store
	if len(cfg.Blocklist.Redis.Addrs) > 0 {
		store, err := redisstore.New(cfg.Blocklist.Redis, log.With("component", "blocklist"))
		if err != nil {
			return err
		}
		defer store.Close()
		bl = store
		propagation := prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "portcullis_gateway_blocklist_propagation_seconds",
			Help: "From a decision stored in Redis to its enforcement in this gateway's check.",
			// 0.1 s is the goal (p99), so it is a bucket bound.
			Buckets: []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30},
		})
		reg.MustRegister(propagation)
		checker = blocklist.NewChecker(store, blocklist.CheckerConfig{
			FailMode: mode, MaxStaleness: cfg.Blocklist.MaxStaleness,
			OnApplied: func(d time.Duration) { propagation.Observe(d.Seconds()) },
		}, log.With("component", "checker"))
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "portcullis_gateway_blocklist_staleness_seconds",
			Help: "Age of the gateway's view of the blocklist since Redis last confirmed it.",
		}, func() float64 { return checker.Staleness().Seconds() }))
		reg.MustRegister(
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
		storeMetrics, err := redisstore.NewMetrics(reg)
		if err != nil {
			return err
		}
		storeMetrics.Watch(store)
		limiter = gateway.NewRedisLimiter(store.Client(), cfg.Blocklist.Redis.KeyPrefix+"ratelimit:")
	}
	var logs gateway.LogSink
	if len(cfg.Kafka.Brokers) > 0 {
		p, err := kafka.NewProducer(cfg.Kafka, log.With("component", "kafka"))
		if err != nil {
			return err
		}
		defer p.Close()
		logs = p
	}
	authn, err := gatewayAuth(cfg, bl, reg, log)
	if err != nil {
		return err
	}
	var opts []gateway.Option
	if authn != nil {
		opts = append(opts, gateway.WithAuth(authn))
	}
	// gateway.New tags its logger with component=gateway itself.
	g, err := gateway.New(cfg.Config, checker, logs, limiter, reg, log, opts...)
	if err != nil {
		return err
	}
	srv := g.Server()
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("data listener: %w", err)
	}
	admin := &http.Server{Handler: gatewayAdmin(g.AdminHandler(), checker), ReadHeaderTimeout: 5 * time.Second}
	aln, err := net.Listen("tcp", cfg.Admin)
	if err != nil {
		ln.Close()
		return fmt.Errorf("admin listener: %w", err)
	}
	// TLS, when configured, and the strict HTTP/1 framing checks.
	dataLn := g.Listener(ln)
	redirect := g.RedirectServer()
	var rln net.Listener
	if redirect != nil {
		if rln, err = net.Listen("tcp", redirect.Addr); err != nil {
			ln.Close()
			aln.Close()
			return fmt.Errorf("HTTPS redirect listener: %w", err)
		}
	}
	log.Info("gateway started", "listen", ln.Addr().String(), "admin", aln.Addr().String(), "routes", len(cfg.Routes),
		"tls", srv.TLSConfig != nil)

	eg, ectx := errgroup.WithContext(ctx)
	// The gateway's background work (access log, detect-mode WAF,
	// certificate reloads) ends once the listeners have drained, so the
	// records of the requests drained are sent.
	runCtx, stopRun := context.WithCancel(context.WithoutCancel(ctx))
	defer stopRun()
	eg.Go(func() error { return g.Run(runCtx) })
	if checker != nil {
		eg.Go(func() error { return checker.Run(ectx) })
	}
	if authn != nil {
		eg.Go(func() error { return authn.Run(ectx) })
	}
	serve := func(s *http.Server, l net.Listener) func() error {
		return func() error {
			if err := s.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		}
	}
	eg.Go(serve(srv, dataLn))
	eg.Go(serve(admin, aln))
	if redirect != nil {
		eg.Go(serve(redirect, rln))
	}
	eg.Go(func() error {
		<-ectx.Done()
		if ctx.Err() != nil {
			log.Info("gateway stopping: draining requests in flight", "component", "gateway", "grace", shutdownGrace)
		}
		sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		err := errors.Join(srv.Shutdown(sctx), admin.Shutdown(sctx))
		if redirect != nil {
			err = errors.Join(err, redirect.Shutdown(sctx))
		}
		stopRun()
		return err
	})
	err = eg.Wait()
	err = errors.Join(err, g.Close())
	if ctx.Err() != nil && err == nil {
		log.Info("gateway stopped", "component", "gateway")
		return nil
	}
	return err
}

// gatewayAdmin adds /readyz to the gateway's admin handler: ready once the
// first snapshot of the blocklist is loaded (or without a blocklist), so a
// new replica takes traffic only when it can enforce blocks. A replica that
// loses Redis later stays ready and applies its routes' fail modes.
func gatewayAdmin(h http.Handler, checker *blocklist.Checker) http.Handler {
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

// shutdownGrace bounds the wait for requests in flight at shutdown.
const shutdownGrace = 10 * time.Second
