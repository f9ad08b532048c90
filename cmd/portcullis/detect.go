package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/campaign"
	"github.com/portcullis/portcullis/detector"
	"github.com/portcullis/portcullis/features"
	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/internal/buildinfo"
	"github.com/portcullis/portcullis/internal/yamlconf"
	"github.com/portcullis/portcullis/models"
	"github.com/portcullis/portcullis/review"

	"github.com/portcullis/portcullis/app/offline"
)

// detectConfig is the YAML configuration of portcullis detect. Unknown keys
// are an error.
type detectConfig struct {
	Model    string `yaml:"model"`
	Identity string `yaml:"identity"`
	Format   string `yaml:"format"`
	// LogFormat is the nginx log_format string of the lines read (format
	// nginx); JSONFields maps Record fields to paths in JSON lines of
	// another shape (format json-map).
	LogFormat  string                `yaml:"log_format"`
	JSONFields map[string]string     `yaml:"json_fields"`
	Kafka      ingest.KafkaConfig    `yaml:"kafka"`
	Input      detectInput           `yaml:"input"` // instead of kafka
	Redis      blocklist.RedisConfig `yaml:"redis"`
	Policy     detector.PolicyConfig `yaml:"policy"`
	Features   features.Config       `yaml:"features"`
	// Campaign bounds the campaign aggregates and sets when a departure is
	// a campaign (min_members: lower it as detectors are added, since each
	// sees its share of a campaign's addresses).
	Campaign campaign.Config `yaml:"campaign"`
	Admin    struct {
		Listen string `yaml:"listen"`
		// TokenFile holds the bearer token of the review API; the
		// environment variable PORTCULLIS_ADMIN_TOKEN is the other way.
		TokenFile string `yaml:"token_file"`
	} `yaml:"admin"`
	// History bounds the recent judgements kept for the review API.
	History detector.HistoryConfig `yaml:"history"`
	Batch   struct {
		Size          int           `yaml:"size"`
		FlushInterval time.Duration `yaml:"flush_interval"`
	} `yaml:"batch"`
	// ModelPoll is how often the model file is checked for changes.
	ModelPoll time.Duration `yaml:"model_poll"`
	// MaxMalformed is the share of consumed messages, in percent, that
	// may be malformed before the detector logs a warning (it goes on).
	MaxMalformed float64 `yaml:"max_malformed"`
	// Warm is how much of a partition's past the detector reads again, the
	// first time it meets the partition, to warm its clients' state
	// (detector.OnlineConfig.Warm); negative turns it off.
	Warm time.Duration `yaml:"warm"`
}

func loadDetectConfig(path string) (detectConfig, error) {
	var c detectConfig
	err := loadYAML(path, &c, "deploy/detect.example.yaml")
	return c, err
}

// loadYAML decodes the YAML file at path into v; unknown keys are an error
// that points at example, the file that shows every key.
func loadYAML(path string, v any, example string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if err := yamlconf.Decode(path, data, v); err != nil {
		return fmt.Errorf("config %w\n(%s shows every key)", err, example)
	}
	return nil
}

func (c *detectConfig) defaults() {
	if c.Identity == "" {
		c.Identity = "ip"
	}
	if c.Format == "" {
		c.Format = "json"
	}
	if c.Admin.Listen == "" {
		c.Admin.Listen = ":9464"
	}
	if c.ModelPoll == 0 {
		c.ModelPoll = 2 * time.Second
	}
	if c.MaxMalformed == 0 {
		c.MaxMalformed = offline.DefaultMaxMalformed
	}
}

// redisDecisions adapts the Redis blocklist to the detector's store and
// counts what the blocklist did with each decision.
type redisDecisions struct {
	r        *blocklist.Redis
	outcomes *prometheus.CounterVec
}

func (s redisDecisions) Store(ctx context.Context, ds []*detector.Decision) error {
	out, err := s.r.Apply(ctx, ds)
	if err != nil {
		return err
	}
	for _, o := range out {
		s.outcomes.WithLabelValues(o.Result.String()).Inc()
	}
	return nil
}

func newDetectCommand() *cobra.Command {
	var (
		configPath, modelPath, listen string
	)
	cmd := &cobra.Command{
		Use:   "detect --config FILE",
		Short: "Run the online detector: Kafka or a log file in, Redis blocklist out",
		Long: `detect joins a Kafka consumer group on the access-log topic, runs every event
through the same pipeline as "portcullis score", stores decisions in the Redis
blocklist, and commits offsets only after the decisions behind them are
stored. With input.file instead of kafka, it follows an access-log file
through rotation and keeps its position in a checkpoint file, written only
after the decisions behind it are stored. SIGTERM or SIGINT drains, stores
and commits; SIGHUP, or a change of the model file, reloads the model
without losing client state.

It serves /metrics, /healthz and /readyz on the admin listener, and, with an
admin token (PORTCULLIS_ADMIN_TOKEN or admin.token_file), the review API under
/api/v1/ and the review page under /review/.`,
		Example: `  portcullis detect --config detect.yaml`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if configPath == "" {
				return errors.New("no config: pass a YAML file with --config (see the README)")
			}
			cfg, err := loadDetectConfig(configPath)
			if err != nil {
				return err
			}
			if modelPath != "" {
				cfg.Model = modelPath
			}
			if listen != "" {
				cfg.Admin.Listen = listen
			}
			cfg.defaults()
			return runDetect(cmd.Context(), cfg, slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil)))
		},
	}
	f := cmd.Flags()
	f.StringVar(&configPath, "config", "", "YAML configuration file")
	f.StringVar(&modelPath, "model", "", "model file (overrides the config)")
	f.StringVar(&listen, "listen", "", "admin listener for /metrics, /healthz and /readyz (overrides the config)")
	return cmd
}

func runDetect(ctx context.Context, cfg detectConfig, log *slog.Logger) error {
	if cfg.Model == "" {
		return errors.New("no model: set model in the config or pass --model")
	}
	m, err := models.ReadFile(cfg.Model)
	if err != nil {
		return err
	}
	id, err := ingest.ParseIdentity(cfg.Identity)
	if err != nil {
		return fmt.Errorf("config identity: %w", err)
	}
	format, err := ingest.ParseFormat(cfg.Format)
	if err != nil {
		return fmt.Errorf("config format: %w", err)
	}
	if cfg.Policy.MinEvents == 0 {
		cfg.Policy.MinEvents = m.Training.MinEvents
	}
	if mm := cfg.MaxMalformed; mm != mm || mm < 0 || mm > 100 {
		return fmt.Errorf("config max_malformed: %v is outside [0,100]: it is a percentage of the consumed messages", mm)
	}
	ocfg := detector.OnlineConfig{
		Pipeline:      detector.Config{Identity: id, Features: cfg.Features, Policy: cfg.Policy, Campaign: cfg.Campaign},
		Format:        format,
		LogFormat:     cfg.LogFormat,
		JSONFields:    cfg.JSONFields,
		BatchSize:     cfg.Batch.Size,
		FlushInterval: cfg.Batch.FlushInterval,
		Warm:          cfg.Warm,
	}
	if err := ocfg.WithDefaults().Validate(); err != nil {
		return err
	}
	token, err := review.LoadToken(cfg.Admin.TokenFile, os.Getenv)
	if err != nil && !errors.Is(err, review.ErrNoToken) {
		return err
	}
	// The history has no reader without the review API.
	history, err := detector.NewHistory(cfg.History)
	if err != nil {
		return err
	}
	if token == "" {
		history = nil
	}
	cfg.Redis.DryRun = cfg.Redis.DryRun || cfg.Policy.DryRun
	store, err := blocklist.NewRedis(cfg.Redis, log.With("component", "blocklist"))
	if err != nil {
		return err
	}
	defer store.Close()
	consumer, lag, inputAttrs, err := openDetectInput(cfg, log)
	if err != nil {
		return err
	}
	// The consumer closes after Run returns, so the last commit happens
	// before it.
	defer consumer.Close()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), buildinfo.Get().Collector())
	var online *detector.Online
	metrics := detector.NewMetrics(reg,
		func() float64 { return float64(online.Stats().Features.Tracked) },
		lag,
		func() bool { return online.Ready() })
	outcomes := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "portcullis_blocklist_outcomes_total",
		Help: "What the blocklist did with each decision: stored, simulated, or refused (allowlisted, breaker, cap).",
	}, []string{"result"})
	for _, r := range []blocklist.Result{blocklist.Stored, blocklist.Simulated, blocklist.RefusedAllowlisted, blocklist.RefusedBreaker, blocklist.RefusedCap} {
		outcomes.WithLabelValues(r.String())
	}
	reg.MustRegister(outcomes)
	online, err = detector.NewOnline(ocfg, m, consumer, redisDecisions{store, outcomes}, log.With("component", "detector"), metrics)
	if err != nil {
		return err
	}
	online.SetModel(m)
	if history != nil {
		online.KeepHistory(history)
	}
	reg.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "portcullis_detector_blocked_events_total",
			Help: "Events from clients while a decision about them was active (in dry run: would have been refused).",
		}, func() float64 { return float64(online.Stats().Blocked) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "portcullis_blocklist_breaker_tripped",
			Help: "1 while the safety breaker refuses new blocks; -1 when Redis cannot be asked.",
		}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			b, err := store.Breaker(ctx)
			switch {
			case err != nil:
				return -1
			case b.Tripped:
				return 1
			}
			return 0
		}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "portcullis_blocklist_decisions_active",
			Help: "Active decisions in the blocklist (simulated ones in dry run); NaN when Redis cannot be asked.",
		}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			n, err := store.Active(ctx)
			if err != nil {
				return math.NaN()
			}
			return float64(n)
		}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "portcullis_blocklist_redis_errors_total",
			Help: "Redis commands that failed: unreachable, timed out or refused.",
		}, func() float64 { return float64(store.Errors()) }),
	)

	var reviewAPI *review.Handler
	if history != nil {
		reviewAPI, err = review.NewHandler(review.NewService(store, history), token, log.With("component", "review"), reg)
		if err != nil {
			return err
		}
	}

	ln, err := net.Listen("tcp", cfg.Admin.Listen)
	if err != nil {
		return fmt.Errorf("admin listener: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		if !online.Ready() {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		if err := store.Ping(r.Context()); err != nil {
			http.Error(w, "blocklist unreachable", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	if reviewAPI != nil {
		reviewAPI.Register(mux)
		log.Info("review API on the admin listener", "api", "/api/v1/decisions", "page", "/review/")
	} else {
		log.Info("review API and page off: set " + review.TokenEnv + " or admin.token_file to turn them on")
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.Info("detector started", append([]any{"model", m.ID, "admin", ln.Addr().String()}, inputAttrs...)...)

	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("admin listener: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		<-gctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	})
	g.Go(func() error { return watchModel(gctx, cfg.Model, cfg.ModelPoll, online, log) })
	mw := &malformedWatch{gatherer: reg, maxPercent: cfg.MaxMalformed, minMessages: 100, log: log}
	g.Go(func() error { return mw.run(gctx, time.Minute) })
	if cfg.Redis.DryRun {
		g.Go(func() error { return reportDryRun(gctx, online, log) })
	}
	g.Go(func() error {
		err := online.Run(gctx)
		if errors.Is(err, io.EOF) {
			return errInputDone
		}
		if err == nil && ctx.Err() == nil {
			return errors.New("detector stopped")
		}
		return err
	})
	err = g.Wait()
	log.Info("detector stopped", "events", online.Stats().Events, "decisions", online.Stats().Decisions)
	if (ctx.Err() != nil && err == nil) || errors.Is(err, errInputDone) {
		return nil
	}
	return err
}

// watchModel reloads the model on SIGHUP or when its file changes. A model
// that fails to load is logged and the current one kept.
func watchModel(ctx context.Context, path string, poll time.Duration, o *detector.Online, log *slog.Logger) error {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	stat := func() (time.Time, int64) {
		fi, err := os.Stat(path)
		if err != nil {
			return time.Time{}, 0
		}
		return fi.ModTime(), fi.Size()
	}
	lastMod, lastSize := stat()
	t := time.NewTicker(poll)
	defer t.Stop()
	reload := func(why string) {
		m, err := models.ReadFile(path)
		if err != nil {
			log.Error("model reload failed; keeping the current model", "why", why, "error", err)
			return
		}
		o.SetModel(m)
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-hup:
			reload("SIGHUP")
		case <-t.C:
			mod, size := stat()
			if !mod.IsZero() && (!mod.Equal(lastMod) || size != lastSize) {
				lastMod, lastSize = mod, size
				reload("file changed")
			}
		}
	}
}

// reportDryRun logs now and then what a dry run would have blocked.
func reportDryRun(ctx context.Context, o *detector.Online, log *slog.Logger) error {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			st := o.Stats()
			share := 0.0
			if st.Events > 0 {
				share = 100 * float64(st.Blocked) / float64(st.Events)
			}
			log.Info(fmt.Sprintf("dry run: %d decisions would have blocked %.2f%% of requests", st.Decisions, share),
				"decisions", st.Decisions, "requests", st.Blocked, "events", st.Events)
		}
	}
}
