package detector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/models"
)

// Consumer is where the online detector reads access logs: a Kafka
// consumer group in production. Fetch blocks until a message arrives and
// returns ctx.Err() when ctx ends; Commit marks messages done for the group.
type Consumer interface {
	Fetch(ctx context.Context) (ingest.Message, error)
	Commit(ctx context.Context, msgs ...ingest.Message) error
}

// A Rewinder re-reads the recent past of a partition. A Consumer that is
// one lets the online detector warm a partition's client state the first
// time it meets the partition: after a start, a restart or a rebalance, the
// clients whose evidence began before the committed offset are judged on
// all of it, not on half. The Kafka consumer is one.
type Rewinder interface {
	// Rewind calls fn, in offset order, with the messages of partition
	// from the first whose timestamp is at or after since up to offset
	// until, excluded.
	Rewind(ctx context.Context, partition int, since time.Time, until int64, fn func(ingest.Message)) error
}

// DecisionStore is where decisions go: the Redis blocklist in production.
// Store returns what became of each decision, in the order of ds (stored,
// simulated, or refused by the allowlist, the breaker or the cap); a store
// that refuses nothing may return nil, which counts every decision as
// stored. It returns an error only when the store could not be reached;
// the detector then retries and holds back the offsets of the events
// behind the decisions.
type DecisionStore interface {
	Store(ctx context.Context, ds []*decision.Decision) ([]blocklist.Outcome, error)
}

// OnlineConfig tunes the online loop.
type OnlineConfig struct {
	Pipeline Config
	// Format of the message values: json (default), auto, or any format
	// ingest reads (clf, nginx with LogFormat, caddy, envoy, envoy-json,
	// traefik, json-map with JSONFields).
	Format     ingest.Format
	LogFormat  string
	JSONFields map[string]string
	// BatchSize and FlushInterval bound how many messages, and how long,
	// the detector holds before it stores their decisions and commits them.
	BatchSize     int
	FlushInterval time.Duration
	// RetryMin and RetryMax bound the backoff while the store is down.
	RetryMin, RetryMax time.Duration
	// Warm is how much of a partition's past, before the first message
	// the detector reads from it, it reads again to warm the state of the
	// partition's clients (when the Consumer is a Rewinder). The decisions
	// of that past were stored before its offsets were committed, so those
	// the warm-up makes again are dropped. Default DefaultWarm; negative
	// turns warming off.
	Warm time.Duration
}

// DefaultWarm is the default OnlineConfig.Warm: the longest time constant
// of the features (refused_10m), so the state after a warm-up is the state
// of a detector that never stopped, but for what decayed past e^-1.
const DefaultWarm = 10 * time.Minute

// WithDefaults returns c with zero fields set to their defaults.
func (c OnlineConfig) WithDefaults() OnlineConfig {
	c.Pipeline = c.Pipeline.WithDefaults()
	if c.Format == "" && c.LogFormat == "" && len(c.JSONFields) == 0 {
		c.Format = ingest.FormatJSON
	}
	if c.BatchSize == 0 {
		c.BatchSize = 1000
	}
	if c.FlushInterval == 0 {
		c.FlushInterval = 200 * time.Millisecond
	}
	if c.RetryMin == 0 {
		c.RetryMin = 100 * time.Millisecond
	}
	if c.RetryMax == 0 {
		c.RetryMax = 5 * time.Second
	}
	if c.Warm == 0 {
		c.Warm = DefaultWarm
	}
	return c
}

// Validate reports what is wrong with c.
func (c OnlineConfig) Validate() error {
	errs := []error{c.Pipeline.Validate()}
	if _, err := c.lineParser(); err != nil {
		errs = append(errs, fmt.Errorf("detector: %w", err))
	}
	if c.BatchSize < 1 {
		errs = append(errs, fmt.Errorf("detector: batch size %d; set it to 1 or more", c.BatchSize))
	}
	if c.FlushInterval <= 0 || c.RetryMin <= 0 || c.RetryMax < c.RetryMin {
		errs = append(errs, errors.New("detector: flush interval and retry backoff must be positive, with retry max >= retry min"))
	}
	return errors.Join(errs...)
}

func (c OnlineConfig) lineParser() (ingest.LineParser, error) {
	return ingest.NewLineParser(ingest.ReaderConfig{Format: c.Format, LogFormat: c.LogFormat, JSONFields: c.JSONFields})
}

// Online is the online detector: it reads access logs from a Consumer,
// runs them through the same Pipeline as the offline backtest, stores the
// decisions, and only then commits the messages, so a crash re-reads
// events instead of losing them (at-least-once).
type Online struct {
	cfg      OnlineConfig
	consumer Consumer
	store    DecisionStore
	log      *slog.Logger
	metrics  *Metrics

	// pipeline is owned by the goroutine in Run. Other goroutines reach it
	// through nextModel, which Run picks up between events, and stats,
	// which Run publishes now and then: no lock on the per-event path.
	pipeline  *Pipeline
	nextModel atomic.Pointer[models.Model]
	stats     atomic.Pointer[Stats]

	ready atomic.Bool

	// warmed holds the partitions Run has warmed (or tried to); Run's own.
	warmed map[int]bool
}

// NewOnline returns an Online detector. metrics may be nil.
func NewOnline(cfg OnlineConfig, m *models.Model, c Consumer, s DecisionStore, logger *slog.Logger, metrics *Metrics) (*Online, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p, err := NewPipeline(cfg.Pipeline, m)
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	o := &Online{cfg: cfg, consumer: c, store: s, log: logger, metrics: metrics, pipeline: p, warmed: map[int]bool{}}
	o.publishStats()
	if metrics != nil {
		p.OnJudge = metrics.observeJudgement
	}
	return o, nil
}

// Ready reports whether the detector is consuming and its store answers.
func (o *Online) Ready() bool { return o.ready.Load() }

// SetModel swaps the model without losing client state. Run applies it
// before the next event it processes.
func (o *Online) SetModel(m *models.Model) {
	o.nextModel.Store(m)
	if o.metrics != nil {
		o.metrics.setModel(m)
	}
	o.log.Info("model loaded", "model", m.ID, "threshold", m.Threshold)
}

// Stats returns the pipeline's counters as Run last published them: after
// each flush, whenever it has caught up with the stream, and every
// statsEvery events.
func (o *Online) Stats() Stats { return *o.stats.Load() }

const statsEvery = 4096

func (o *Online) publishStats() {
	st := o.pipeline.Stats()
	o.stats.Store(&st)
	if o.metrics != nil {
		o.metrics.campaignStats(o.pipeline.CampaignStats())
	}
}

// Run consumes until ctx ends. On the way out it stores the decisions of
// the messages it holds and commits them, using a short grace period of its
// own, so a graceful shutdown loses nothing and re-reads nothing. It returns
// nil when ctx was cancelled.
func (o *Online) Run(ctx context.Context) error {
	fetchCtx, stopFetch := context.WithCancel(ctx)
	msgs, fetchErr, fetching := o.fetch(fetchCtx)
	defer func() {
		stopFetch()
		fetching.Wait()
	}()

	o.ready.Store(true)
	defer o.ready.Store(false)

	s := &runBatch{o: o}
	s.lp, _ = o.cfg.lineParser() // valid: NewOnline checked
	graceful := func() error {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		stopFetch()
		// Drain what was fetched but not yet processed.
		for m := range msgs {
			s.add(m, len(msgs) == 0)
		}
		return s.flush(ctx)
	}
	// flush stores and commits the batch; when that fails because ctx
	// ended, Run still ends gracefully.
	flush := func() error {
		err := s.flush(ctx)
		if err != nil && ctx.Err() != nil {
			return graceful()
		}
		return err
	}
	ticker := time.NewTicker(o.cfg.FlushInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return graceful()
		case err := <-fetchErr:
			if ferr := graceful(); ferr != nil {
				return errors.Join(err, ferr)
			}
			return err
		case <-ticker.C:
			if err := flush(); err != nil {
				return err
			}
		case m, ok := <-msgs:
			if !ok {
				continue
			}
			if !o.warmed[m.Partition] {
				o.warm(ctx, m, &s.rec, &s.lp)
			}
			s.add(m, len(msgs) == 0)
			if len(s.batch) < o.cfg.BatchSize {
				continue
			}
			if err := flush(); err != nil {
				return err
			}
		}
	}
}

// fetch starts fetching messages into the returned channel until ctx ends
// or a fetch fails, which it reports on the error channel. The channel is
// closed when fetching stops; wait on the WaitGroup for that.
func (o *Online) fetch(ctx context.Context) (<-chan ingest.Message, <-chan error, *sync.WaitGroup) {
	msgs := make(chan ingest.Message, o.cfg.BatchSize)
	fetchErr := make(chan error, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(msgs)
		for {
			m, err := o.consumer.Fetch(ctx)
			if err != nil {
				if ctx.Err() == nil {
					fetchErr <- fmt.Errorf("detector: fetch: %w", err)
				}
				return
			}
			select {
			case msgs <- m:
			case <-ctx.Done():
				return
			}
		}
	}()
	return msgs, fetchErr, &wg
}

// runBatch is what Run keeps between commits: the messages processed since
// the last one and the decisions they made, which are stored before the
// messages' offsets are committed.
type runBatch struct {
	o         *Online
	batch     []ingest.Message
	decisions []*decision.Decision
	rec       ingest.Record
	lp        ingest.LineParser
}

// add processes m into the batch; last says no other message is waiting.
func (s *runBatch) add(m ingest.Message, last bool) {
	s.batch = append(s.batch, m)
	s.decisions = s.o.process(m, &s.rec, &s.lp, s.decisions, last)
}

// flush stores the batch's decisions, then commits its offsets.
func (s *runBatch) flush(ctx context.Context) error {
	if len(s.batch) == 0 {
		return nil
	}
	if err := s.o.storeWithRetry(ctx, s.decisions); err != nil {
		return err
	}
	if err := s.o.consumer.Commit(ctx, s.batch...); err != nil {
		return fmt.Errorf("detector: commit: %w", err)
	}
	if s.o.metrics != nil {
		s.o.metrics.committed.Add(float64(len(s.batch)))
	}
	clear(s.decisions) // let stored decisions go
	s.batch, s.decisions = s.batch[:0], s.decisions[:0]
	s.o.publishStats()
	return nil
}

// warm reads again the past of m's partition before m (see
// OnlineConfig.Warm) through the pipeline, dropping the decisions it
// makes: they were stored before the offsets behind m were committed. A
// failure leaves the partition judged on what comes from m on, as without
// warming, and says so.
func (o *Online) warm(ctx context.Context, m ingest.Message, rec *ingest.Record, lp *ingest.LineParser) {
	o.warmed[m.Partition] = true
	rw, ok := o.consumer.(Rewinder)
	if !ok || o.cfg.Warm < 0 || m.Offset == 0 || m.Time.IsZero() {
		return
	}
	start := time.Now()
	since := m.Time.Add(-o.cfg.Warm)
	var n, dropped int
	var ds []*decision.Decision
	err := rw.Rewind(ctx, m.Partition, since, m.Offset, func(w ingest.Message) {
		if lp.Parse(w.Value, rec) != nil {
			return
		}
		n++
		if d := o.pipeline.Process(rec); d != nil {
			dropped++
		}
		ds = o.pipeline.Pending(ds[:0])
		dropped += len(ds)
	})
	if o.metrics != nil {
		o.metrics.warmed.Add(float64(n))
	}
	attrs := []slog.Attr{slog.Int("partition", m.Partition), slog.Int("events", n),
		slog.Time("since", since.UTC()), slog.Int64("until_offset", m.Offset), slog.Int("decisions_dropped", dropped),
		slog.Duration("took", time.Since(start).Round(time.Millisecond))}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
		o.log.LogAttrs(ctx, slog.LevelWarn, "warming a partition's client state failed; its clients are judged on what comes from now", attrs...)
		return
	}
	o.log.LogAttrs(ctx, slog.LevelInfo, "warmed a partition's client state from its recent past", attrs...)
}

// process runs one message through the pipeline and appends its decision,
// if any, to out. caughtUp says no message is waiting behind it.
func (o *Online) process(m ingest.Message, rec *ingest.Record, lp *ingest.LineParser, out []*decision.Decision, caughtUp bool) []*decision.Decision {
	err := lp.Parse(m.Value, rec)
	if o.metrics != nil {
		o.metrics.consumed.Inc()
	}
	if err != nil {
		if o.metrics != nil {
			o.metrics.malformed.Inc()
		}
		o.log.LogAttrs(context.Background(), slog.LevelDebug, "malformed message",
			slog.Int("partition", m.Partition), slog.Int64("offset", m.Offset), slog.String("error", err.Error()))
		return out
	}
	if o.metrics != nil {
		o.metrics.parsed.Inc()
	}
	if m := o.nextModel.Load(); m != nil {
		o.pipeline.SetModel(o.nextModel.Swap(nil))
	}
	d := o.pipeline.Process(rec)
	if d != nil {
		out = append(out, d)
	}
	out = o.pipeline.Pending(out)
	if caughtUp || o.pipeline.stats.Events%statsEvery == 0 {
		o.publishStats()
	}
	return out
}

// storeWithRetry stores ds, retrying with exponential backoff while the
// store is unreachable. It marks the detector unready meanwhile. It returns
// only when the decisions are stored or ctx ends.
func (o *Online) storeWithRetry(ctx context.Context, ds []*decision.Decision) error {
	if len(ds) == 0 {
		return nil
	}
	wait := o.cfg.RetryMin
	for attempt := 1; ; attempt++ {
		start := time.Now()
		out, err := o.store.Store(ctx, ds)
		if o.metrics != nil {
			o.metrics.storeLatency.Observe(time.Since(start).Seconds())
		}
		if err == nil {
			o.ready.Store(true)
			if o.metrics != nil {
				now := time.Now()
				for i, d := range ds {
					r := blocklist.Stored
					if i < len(out) {
						r = out[i].Result
					} else if d.Simulated {
						r = blocklist.Simulated
					}
					o.metrics.decision(d, r, now)
				}
			}
			return nil
		}
		o.ready.Store(false)
		if o.metrics != nil {
			o.metrics.storeErrors.Inc()
		}
		o.log.Warn("storing decisions failed; holding their offsets and retrying", "attempt", attempt, "decisions", len(ds), "retry_in", wait, "error", err)
		select {
		case <-ctx.Done():
			return fmt.Errorf("detector: store %d decisions: %w (last error: %v)", len(ds), ctx.Err(), err)
		case <-time.After(wait):
		}
		wait = min(2*wait, o.cfg.RetryMax)
	}
}
