package enforce

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"

	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/blocklist/httpcheck"
	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/challenge"
)

// Service is the decision service: New, Open (binds the listeners; Addr
// and its siblings report them), Run, Close.
type Service struct {
	cfg     Config
	log     *slog.Logger
	feed    *feed
	store   *redisstore.Store
	checker *blocklist.Checker
	m       *metrics
	reg     *prometheus.Registry
	routes  []route // longest prefix first

	ident         *httpcheck.Identity
	refusal       httpcheck.Refusal
	throttle      httpcheck.Throttle    // holds throttle decisions to their rate
	challenger    *challenge.Challenger // nil without a challenge URL
	decisionLower string

	httpLn, grpcLn, adminLn net.Listener
	httpSrv, adminSrv       *http.Server
	grpcSrv                 *grpc.Server

	closeOnce sync.Once
	closeErr  error
}

// New returns a Service for cfg, taken WithDefaults. It does not connect
// or listen: Open binds the listeners, and Run follows the blocklist. Its
// metrics go to reg, which /metrics serves; a nil logger discards.
func New(cfg Config, reg *prometheus.Registry, logger *slog.Logger) (*Service, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	log := logger.With("component", "enforce")
	store, err := redisstore.New(cfg.Blocklist.Redis, logger.With("component", "blocklist"))
	if err != nil {
		return nil, err
	}
	prop := newPropagation()
	f := newFeed(cfg)
	cc := cfg.checkerConfig(func(d time.Duration) { prop.Observe(d.Seconds()) })
	cc.OnView = f.onView
	checker := blocklist.NewChecker(store, cc, logger.With("component", "blocklist.checker"))
	f.checker = checker
	m, err := newMetrics(reg, prop, checker, store)
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("enforce: metrics: %w", err)
	}
	ident, err := httpcheck.NewIdentity(cfg.Client.Identity())
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("enforce: client: %w", err) // Validate checked it
	}
	s := &Service{
		cfg: cfg, log: log, store: store, checker: checker, m: m, reg: reg, feed: f,
		ident:         ident,
		refusal:       cfg.Refuse.refusal(cfg.checkerConfig(nil).ProbeInterval),
		throttle:      httpcheck.NewLocalThrottle(0),
		decisionLower: strings.ToLower(cfg.Refuse.DecisionHeader),
	}
	if cfg.Challenge.URL != "" {
		if s.challenger, err = challenge.New(cfg.Challenge.Config, logger); err != nil {
			store.Close()
			return nil, fmt.Errorf("enforce: %w", err)
		}
		for _, c := range s.challenger.Collectors() {
			if err := reg.Register(c); err != nil {
				store.Close()
				return nil, fmt.Errorf("enforce: metrics: %w", err)
			}
		}
	}
	for _, r := range cfg.Routes {
		mode, _ := parseFailMode(r.FailMode)
		s.routes = append(s.routes, route{prefix: r.PathPrefix, mode: mode, api: r.Class == classAPI})
	}
	slices.SortStableFunc(s.routes, func(a, b route) int { return len(b.prefix) - len(a.prefix) })
	return s, nil
}

// Open binds the listeners. Close releases them when Run is not called.
func (s *Service) Open() error {
	var err error
	if s.httpLn, err = net.Listen("tcp", s.cfg.Listen); err != nil {
		return fmt.Errorf("enforce: listen: %w", err)
	}
	if s.adminLn, err = net.Listen("tcp", s.cfg.Admin); err != nil {
		s.httpLn.Close()
		return fmt.Errorf("enforce: admin listener: %w", err)
	}
	if s.cfg.GRPCListen != "" {
		if s.grpcLn, err = net.Listen("tcp", s.cfg.GRPCListen); err != nil {
			s.httpLn.Close()
			s.adminLn.Close()
			return fmt.Errorf("enforce: grpc_listen: %w", err)
		}
	}
	s.httpSrv = &http.Server{Handler: s.ForwardAuth(), ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug)}
	s.adminSrv = &http.Server{Handler: s.adminHandler(), ReadHeaderTimeout: 5 * time.Second}
	s.adminSrv.RegisterOnShutdown(s.feed.close) // end the feed's long polls
	if s.grpcLn != nil {
		s.grpcSrv = grpc.NewServer()
		authv3.RegisterAuthorizationServer(s.grpcSrv, s.ExtAuthz())
	}
	s.log.Info("enforce listening", "forward_auth", s.httpLn.Addr().String(), "admin", s.adminLn.Addr().String(),
		"ext_authz", addrString(s.grpcLn), "fail_mode", s.cfg.Blocklist.FailMode)
	return nil
}

func addrString(l net.Listener) string {
	if l == nil {
		return "off"
	}
	return l.Addr().String()
}

// Addr returns the address of the forward-auth listener, once Open.
func (s *Service) Addr() net.Addr { return s.httpLn.Addr() }

// AdminAddr returns the address of /metrics, /healthz and /readyz.
func (s *Service) AdminAddr() net.Addr { return s.adminLn.Addr() }

// GRPCAddr returns the address of the ext_authz listener, or nil when it
// is off.
func (s *Service) GRPCAddr() net.Addr {
	if s.grpcLn == nil {
		return nil
	}
	return s.grpcLn.Addr()
}

// Ready says whether the view of the blocklist is fresh: loaded, and
// confirmed by Redis within max_staleness.
func (s *Service) Ready() bool {
	return s.checker.Staleness() <= s.cfg.checkerConfig(nil).MaxStaleness
}

// Run follows the blocklist and serves until ctx ends, then shuts the
// listeners down and returns nil. It returns an error when a listener
// fails. Call Open first.
func (s *Service) Run(ctx context.Context) error {
	if s.httpLn == nil {
		return errors.New("enforce: Run before Open")
	}
	eg, ectx := errgroup.WithContext(ctx)
	eg.Go(func() error { return s.checker.Run(ectx) })
	serve := func(srv *http.Server, l net.Listener) func() error {
		return func() error {
			if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		}
	}
	eg.Go(serve(s.httpSrv, s.httpLn))
	eg.Go(serve(s.adminSrv, s.adminLn))
	if s.grpcSrv != nil {
		eg.Go(func() error { return s.grpcSrv.Serve(s.grpcLn) })
	}
	eg.Go(func() error {
		<-ectx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if s.grpcSrv != nil {
			stopped := make(chan struct{})
			go func() { s.grpcSrv.GracefulStop(); close(stopped) }()
			select {
			case <-stopped:
			case <-sctx.Done():
				s.grpcSrv.Stop()
			}
		}
		return errors.Join(s.httpSrv.Shutdown(sctx), s.adminSrv.Shutdown(sctx))
	})
	err := eg.Wait()
	if ctx.Err() != nil && err == nil {
		return nil
	}
	return err
}

// Close releases the listeners (when Run did not) and the Redis
// connections. Call it after Run returns.
func (s *Service) Close() error {
	s.closeOnce.Do(func() {
		var errs []error
		for _, l := range []net.Listener{s.httpLn, s.grpcLn, s.adminLn} {
			if l != nil {
				if err := l.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
					errs = append(errs, err)
				}
			}
		}
		errs = append(errs, s.store.Close())
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

func (s *Service) adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	mux.Handle("GET "+FeedPath, s.feed)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !s.Ready() {
			http.Error(w, fmt.Sprintf("not ready: the blocklist view is %s old (max_staleness %s)",
				staleness(s.checker.Staleness()), s.cfg.checkerConfig(nil).MaxStaleness), http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n"))
	})
	return mux
}

func staleness(d time.Duration) string {
	if d > 100*365*24*time.Hour {
		return "never loaded, so infinitely"
	}
	return d.Round(time.Millisecond).String()
}
