package enforce

import (
	"context"
	"errors"
	"log/slog"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	svc "github.com/portcullis/portcullis/enforce"
	"github.com/portcullis/portcullis/internal/buildinfo"
)

// App is a running decision service: New checks the Config and builds the
// service, Open binds its listeners (Addr, GRPCAddr and AdminAddr report
// them), Run follows the blocklist and answers until its context ends, and
// Close releases what New and Open took.
type App struct {
	cfg Config
	log *slog.Logger
	reg *prometheus.Registry
	s   *svc.Service

	closeOnce sync.Once
	closeErr  error
}

// New returns an App for cfg, or what is wrong with cfg. It connects to
// nothing: Redis is dialled on first use, by Run. A nil logger discards.
func New(cfg Config, log *slog.Logger) (*App, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), buildinfo.Get().Collector())
	s, err := svc.New(cfg.Config, reg, log)
	if err != nil {
		return nil, err
	}
	return &App{cfg: cfg, log: log, reg: reg, s: s}, nil
}

// Open binds the forward-auth, ext_authz (when grpc_listen is set) and
// admin listeners; port 0 picks a free port. On error it releases what it
// took. Nothing it opens waits on the network, so ctx goes unused; it is
// there for the same lifecycle as the other apps.
func (a *App) Open(_ context.Context) error {
	if err := a.s.Open(); err != nil {
		return errors.Join(err, a.Close())
	}
	return nil
}

// Addr is the address the forward-auth listener bound, after Open.
func (a *App) Addr() string { return a.s.Addr().String() }

// GRPCAddr is the address the ext_authz listener bound, after Open;
// empty when grpc_listen is not set.
func (a *App) GRPCAddr() string {
	if addr := a.s.GRPCAddr(); addr != nil {
		return addr.String()
	}
	return ""
}

// AdminAddr is the address of /metrics, /healthz and /readyz, after Open.
func (a *App) AdminAddr() string { return a.s.AdminAddr().String() }

// Ready says whether the service's view of the blocklist is fresh.
func (a *App) Ready() bool { return a.s.Ready() }

// Registry is the registry /metrics serves.
func (a *App) Registry() *prometheus.Registry { return a.reg }

// Run follows the blocklist and answers until ctx ends, then shuts the
// listeners down. It returns nil when ctx ended it, or the error that
// stopped a listener. Call Open first.
func (a *App) Run(ctx context.Context) error {
	return a.s.Run(ctx)
}

// Close releases the listeners (when Run did not) and the Redis
// connections. Call it after Run returns, or instead of Run after Open.
func (a *App) Close() error {
	a.closeOnce.Do(func() { a.closeErr = a.s.Close() })
	return a.closeErr
}

// Service is the service the App runs, for tests and embedders that ask
// it in-process.
func (a *App) Service() *svc.Service { return a.s }
