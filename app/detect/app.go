package detect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/sync/errgroup"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/detector"
	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/ingest/kafka"
	"github.com/portcullis/portcullis/internal/buildinfo"
	"github.com/portcullis/portcullis/models"
	"github.com/portcullis/portcullis/review"
)

// errInputDone ends a detector whose input has an end (a file read without
// follow) once every line is acted on.
var errInputDone = errors.New("input read to its end")

// consumer is the input of the detector.
type consumer interface {
	detector.Consumer
	Close() error
}

// App is a running detector: New checks the Config, Open reads the model,
// connects the input and the blocklist and binds the admin listener, Run
// detects until its context ends or the input does, and Close releases
// what Open took.
type App struct {
	cfg Config
	log *slog.Logger

	model      *models.Model
	store      *redisstore.Store
	input      consumer
	inputAttrs []any
	lag        func() float64
	reg        *prometheus.Registry
	online     *detector.Online
	history    *detector.History
	token      string

	ln  net.Listener
	srv *http.Server
}

// New returns an App for cfg (taken WithDefaults), or what is wrong with
// cfg.
func New(cfg Config, log *slog.Logger) (*App, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &App{cfg: cfg, log: log}, nil
}

// Addr is the address the admin listener bound, after Open.
func (a *App) Addr() string { return a.ln.Addr().String() }

// Open reads the model, connects the blocklist and the input (ctx bounds
// the connection), builds the detector with its metrics and the review
// API, and binds the admin listener (port 0 picks a free port, which Addr
// reports). On error it releases what it took.
func (a *App) Open(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	if err := a.readModel(); err != nil {
		return err
	}
	a.token, err = review.LoadToken(a.cfg.Admin.TokenFile, os.Getenv)
	if err != nil && !errors.Is(err, review.ErrNoToken) {
		return err
	}
	// The history has no reader without the review API.
	if a.history, err = detector.NewHistory(a.cfg.History); err != nil {
		return err
	}
	if a.token == "" {
		a.history = nil
	}
	a.cfg.Redis.Policy = a.cfg.Policy.Store()
	if a.store, err = redisstore.New(a.cfg.Redis, a.log.With("component", "blocklist")); err != nil {
		return err
	}
	if err := a.openInput(ctx); err != nil {
		return err
	}
	if err := a.newOnline(); err != nil {
		return err
	}
	return a.openAdmin()
}

// readModel reads the model and completes the config with what it says.
func (a *App) readModel() error {
	m, err := models.ReadFile(a.cfg.Model)
	if err != nil {
		return err
	}
	a.model = m
	if a.cfg.Policy.MinEvents == 0 {
		a.cfg.Policy.MinEvents = m.Training.MinEvents
	}
	return a.cfg.online().WithDefaults().Validate()
}

// openInput opens the one input the config names, kafka or input.file,
// with its lag for the metrics (nil when it has none) and log attributes
// that say what it reads.
func (a *App) openInput(ctx context.Context) error {
	if f := a.cfg.Input.File; f != nil {
		c, err := ingest.NewFileConsumer(*f, a.log.With("component", "file"))
		if err != nil {
			return err
		}
		a.input, a.inputAttrs = c, []any{"file", f.Path, "follow", f.Follow}
		return nil
	}
	c, err := kafka.NewConsumer(ctx, a.cfg.Kafka, a.log.With("component", "kafka"))
	if err != nil {
		if ctx.Err() != nil { // interrupted while the input was starting
			a.log.Info("stopped before the input started", "cause", context.Cause(ctx))
		}
		return err
	}
	a.input, a.inputAttrs = c, []any{"topic", a.cfg.Kafka.Topic, "group", a.cfg.Kafka.GroupID}
	a.lag = func() float64 { return float64(c.Lag()) }
	return nil
}

// newOnline builds the detector and the metrics of the detector and the
// blocklist on a registry of their own.
func (a *App) newOnline() error {
	a.reg = prometheus.NewRegistry()
	a.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), buildinfo.Get().Collector())
	metrics := detector.NewMetrics(a.reg,
		func() float64 { return float64(a.online.Stats().Features.Tracked) },
		a.lag,
		func() bool { return a.online.Ready() })
	storeMetrics, err := redisstore.NewMetrics(a.reg)
	if err != nil {
		return err
	}
	if err := storeMetrics.WatchWriter(a.store); err != nil {
		return err
	}
	online, err := detector.NewOnline(a.cfg.online(), a.model, a.input, redisDecisions{a.store, storeMetrics}, a.log.With("component", "detector"), metrics)
	if err != nil {
		return err
	}
	a.online = online
	online.SetModel(a.model)
	if a.history != nil {
		online.KeepHistory(a.history)
	}
	a.registerMetrics()
	return nil
}

// openAdmin binds the admin listener and makes its server.
func (a *App) openAdmin() error {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(a.reg, promhttp.HandlerOpts{Registry: a.reg}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("/readyz", a.readyz)
	if a.history != nil {
		h, err := review.NewHandler(review.NewService(a.store, a.history), a.token, a.log.With("component", "review"), a.reg)
		if err != nil {
			return err
		}
		h.Register(mux)
		a.log.Info("review API on the admin listener", "api", "/api/v1/decisions", "page", "/review/")
	} else {
		a.log.Info("review API and page off: set " + review.TokenEnv + " or admin.token_file to turn them on")
	}
	ln, err := net.Listen("tcp", a.cfg.Admin.Listen)
	if err != nil {
		return fmt.Errorf("admin listener: %w", err)
	}
	a.ln = ln
	a.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	return nil
}

// readyz answers ready once the detector is and Redis answers.
func (a *App) readyz(w http.ResponseWriter, r *http.Request) {
	if !a.online.Ready() {
		http.Error(w, "not ready", http.StatusServiceUnavailable)
		return
	}
	if err := a.store.Ping(r.Context()); err != nil {
		http.Error(w, "blocklist unreachable", http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, "ready")
}

// Run detects until ctx ends, or the input ends (a file read without
// follow), and then drains: the decisions behind every event read are
// stored and their offsets committed. It returns nil when ctx or the end
// of the input stopped it.
func (a *App) Run(ctx context.Context) error {
	a.log.Info("detector started", append([]any{"model", a.model.ID, "admin", a.Addr()}, a.inputAttrs...)...)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		if err := a.srv.Serve(a.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("admin listener: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		<-gctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return a.srv.Shutdown(sctx)
	})
	g.Go(func() error { return watchModel(gctx, a.cfg.Model, a.cfg.ModelPoll, a.online, a.log) })
	mw := &malformedWatch{gatherer: a.reg, maxPercent: a.cfg.MaxMalformed, minMessages: 100, log: a.log}
	g.Go(func() error { return mw.run(gctx, time.Minute) })
	if a.cfg.Policy.DryRun {
		g.Go(func() error { return reportDryRun(gctx, a.online, a.log) })
	}
	g.Go(func() error {
		err := a.online.Run(gctx)
		if errors.Is(err, io.EOF) {
			return errInputDone
		}
		if err == nil && ctx.Err() == nil {
			return errors.New("detector stopped")
		}
		return err
	})
	err := g.Wait()
	st := a.online.Stats()
	a.log.Info("detector stopped", "events", st.Events, "decisions", st.Decisions)
	if (ctx.Err() != nil && err == nil) || errors.Is(err, errInputDone) {
		return nil
	}
	return err
}

// Close releases what Open took: the admin listener (when Run did not
// serve it), the input, after Run so its last commit happens first, and
// the blocklist's connection. It is safe to call after a failed Open, and
// more than once.
func (a *App) Close() error {
	var errs []error
	if a.ln != nil {
		a.ln.Close() // already closed when Run served it
	}
	if a.input != nil {
		errs = append(errs, a.input.Close())
		a.input = nil
	}
	if a.store != nil {
		errs = append(errs, a.store.Close())
		a.store = nil
	}
	return errors.Join(errs...)
}

// redisDecisions adapts the Redis blocklist to the detector's store and
// counts what the blocklist did with each decision.
type redisDecisions struct {
	r       *redisstore.Store
	metrics *redisstore.Metrics
}

func (s redisDecisions) Store(ctx context.Context, ds []*decision.Decision) ([]blocklist.Outcome, error) {
	out, err := s.r.Apply(ctx, ds)
	if err != nil {
		return nil, err
	}
	s.metrics.CountOutcomes(out)
	return out, nil
}

// registerMetrics registers the metrics read from the detector when
// scraped.
func (a *App) registerMetrics() {
	online := a.online
	a.reg.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "portcullis_detector_blocked_events_total",
			Help: "Events from clients while a decision about them was active (in dry run: would have been refused).",
		}, func() float64 { return float64(online.Stats().Blocked) }),
	)
}
