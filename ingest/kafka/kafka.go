package kafka

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl"
	"github.com/segmentio/kafka-go/sasl/plain"

	"github.com/portcullis/portcullis/ingest"
)

// ErrClosed is returned by the methods of a Consumer or a Producer that
// was closed.
var ErrClosed = errors.New("kafka client closed")

// Values of Config.Start, besides an RFC 3339 time.
const (
	StartCommitted = "committed"
	StartEarliest  = "earliest"
	StartLatest    = "latest"
)

// Values of SASL.Mechanism.
const (
	SASLPlain       = "plain"
	SASLSCRAMSHA256 = "scram-sha-256"
	SASLSCRAMSHA512 = "scram-sha-512"
)

// Defaults that Config.WithDefaults fills in. They suit production;
// tests shorten MaxWait, HeartbeatInterval and SessionTimeout (see
// Config).
const (
	DefaultMaxWait           = time.Second
	DefaultHeartbeatInterval = 3 * time.Second
	DefaultSessionTimeout    = 30 * time.Second
	DefaultMinBytes          = 1
	DefaultMaxBytes          = 10 << 20
	DefaultBatchTimeout      = 10 * time.Millisecond
	DefaultBatchSize         = 1000
	DefaultDialTimeout       = 10 * time.Second
)

// setupTimeout bounds the requests NewConsumer makes before it starts the
// group reader (topic metadata, and committing start offsets), when the
// caller's context does not end sooner.
const setupTimeout = 30 * time.Second

// Config selects a topic and how to reach it. Secrets never come from
// flags: the SASL password comes from SASL.PasswordEnv (an environment
// variable name) or SASL.PasswordFile.
//
// A zero duration or size means its default (see WithDefaults).
type Config struct {
	// Brokers are the bootstrap brokers, as host:port.
	Brokers []string `yaml:"brokers"`
	// Topic holds access-log records: JSON values keyed by client identity.
	Topic string `yaml:"topic"`
	// GroupID is the consumer group that detectors share. A producer
	// ignores it.
	GroupID string `yaml:"group"`

	// Start is where a group with no committed offset starts (and, with
	// Reset, where a backfill starts):
	//
	//   - "committed" (the default): the committed offset, else the earliest
	//     one;
	//   - "earliest": the first offset still in the log;
	//   - "latest": the end of the log when NewConsumer runs, so only
	//     records written after it are read;
	//   - an RFC 3339 time, such as "2026-03-02T09:00:00Z": in each
	//     partition, the first record whose timestamp is at or after that
	//     time (the end of the log if there is none). Timestamps are what
	//     the producer set (Producer writes Message.Time), or the
	//     broker's append time on a topic with LogAppendTime; records after
	//     that point are read even when their timestamps are earlier.
	//
	// Start applies per partition: partitions with a committed offset keep
	// it unless Reset is set. For "latest" and a time, NewConsumer
	// commits the start offsets of those partitions for the group before it
	// joins (kafka-go's group reader cannot seek), which needs the group to
	// have no active members; see NewConsumer.
	Start string `yaml:"start"`
	// Reset makes Start apply to every partition, replacing the group's
	// committed offsets, each time NewConsumer runs: a backfill, or a
	// restart from the earliest or latest offset. It needs Start other than
	// "committed" and a group with no active members. Turn it off once the
	// backfill has started, or every restart rewinds the group again.
	Reset bool `yaml:"reset"`

	TLS  *TLS  `yaml:"tls"`
	SASL *SASL `yaml:"sasl"`

	// MaxWait is how long a fetch waits for new records (kafka-go's default
	// of 10s makes an idle Close take that long). Default 1s; 500ms in tests.
	MaxWait time.Duration `yaml:"max_wait"`
	// HeartbeatInterval is how often a group member heartbeats, which bounds
	// how soon it notices a rebalance. Default 3s; ~300ms in tests.
	HeartbeatInterval time.Duration `yaml:"heartbeat_interval"`
	// SessionTimeout is how long a silent member keeps its partitions.
	// Default 30s; 6s (kfake's minimum) in tests. The broker rejects a value
	// outside its group.min/max.session.timeout.ms, and kafka-go then keeps
	// retrying the join, so Fetch just blocks.
	SessionTimeout time.Duration `yaml:"session_timeout"`
	// MinBytes and MaxBytes bound the size of a fetch response per
	// partition. Defaults 1 B and 10 MiB; MaxBytes must exceed the largest
	// record.
	MinBytes int `yaml:"min_bytes"`
	MaxBytes int `yaml:"max_bytes"`
	// BatchTimeout is how long the producer waits to fill a batch for a
	// partition before it sends a partial one; every synchronous Write waits
	// up to this long. Default 10ms (kafka-go's 1s makes a small Write take
	// a second); a few ms in tests.
	BatchTimeout time.Duration `yaml:"batch_timeout"`
	// BatchSize is the most records the producer sends per partition in one
	// request. Default 1000.
	BatchSize int `yaml:"batch_size"`
	// DialTimeout bounds connecting to a broker. Default 10s.
	DialTimeout time.Duration `yaml:"dial_timeout"`
}

// TLS configures TLS to the brokers (TLS 1.2 or later). With no
// CAFile, the system roots verify the brokers.
type TLS struct {
	// CAFile is a PEM file of the certificates that sign the brokers'.
	CAFile string `yaml:"ca_file"`
	// CertFile and KeyFile are a PEM client certificate and its key, for
	// brokers that require mutual TLS. Give both or neither.
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	// ServerName overrides the name checked against the broker's
	// certificate, which is by default the host in the broker address.
	ServerName string `yaml:"server_name"`
	// InsecureSkipVerify turns off verification of the brokers'
	// certificates. Only for tests: anyone on the path can read the traffic.
	InsecureSkipVerify bool `yaml:"insecure_skip_verify"`
}

// SASL configures SASL authentication to the brokers. Use it with
// TLS: PLAIN sends the password as is.
type SASL struct {
	// Mechanism is "plain", "scram-sha-256" or "scram-sha-512".
	Mechanism string `yaml:"mechanism"`
	Username  string `yaml:"username"`
	// PasswordEnv names the environment variable that holds the password.
	PasswordEnv string `yaml:"password_env"`
	// PasswordFile is a file that holds the password; a trailing line
	// ending is dropped. Set exactly one of PasswordEnv and PasswordFile.
	PasswordFile string `yaml:"password_file"`
}

// WithDefaults returns c with the defaults filled in for zero settings and
// Start and the SASL mechanism in their canonical lower-case form. It does
// not change what c's pointers point to.
func (c Config) WithDefaults() Config {
	c.Start = strings.TrimSpace(c.Start)
	switch low := strings.ToLower(c.Start); low {
	case "", StartCommitted:
		c.Start = StartCommitted
	case StartEarliest, StartLatest:
		c.Start = low
	}
	setDefault(&c.MaxWait, DefaultMaxWait)
	setDefault(&c.HeartbeatInterval, DefaultHeartbeatInterval)
	setDefault(&c.SessionTimeout, DefaultSessionTimeout)
	setDefault(&c.MinBytes, DefaultMinBytes)
	setDefault(&c.MaxBytes, DefaultMaxBytes)
	setDefault(&c.BatchTimeout, DefaultBatchTimeout)
	setDefault(&c.BatchSize, DefaultBatchSize)
	setDefault(&c.DialTimeout, DefaultDialTimeout)
	if c.SASL != nil {
		s := *c.SASL
		s.Mechanism = strings.ToLower(strings.TrimSpace(s.Mechanism))
		c.SASL = &s
	}
	return c
}

func setDefault[T int | time.Duration](v *T, def T) {
	if *v == 0 {
		*v = def
	}
}

// kafkaConfigError is an invalid Config setting; it wraps
// ingest.ErrInvalidConfig.
type kafkaConfigError string

func (e kafkaConfigError) Error() string { return "ingest: kafka config: " + string(e) }

func (e kafkaConfigError) Unwrap() error { return ingest.ErrInvalidConfig }

func invalidKafka(format string, args ...any) error {
	return kafkaConfigError(fmt.Sprintf(format, args...))
}

// Validate reports every problem that keeps c from configuring a
// Consumer, each as an error wrapping ingest.ErrInvalidConfig that names the
// setting and says what to do. NewProducer needs neither GroupID nor
// Start, and skips those checks. Validate does no I/O: password sources and
// TLS files are read by the constructors.
func (c Config) Validate() error { return c.validate(true) }

func (c Config) validate(consumer bool) error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, invalidKafka(format, args...)) }

	if len(c.Brokers) == 0 {
		add(`brokers: none given: list at least one broker as host:port, as in brokers: ["kafka:9092"]`)
	}
	for i, b := range c.Brokers {
		if host, port, err := net.SplitHostPort(b); err != nil || host == "" || port == "" {
			add("brokers[%d] is %q: want host:port, as in kafka:9092", i, b)
		}
	}
	if strings.TrimSpace(c.Topic) == "" {
		add("topic: empty: name the topic that holds the access-log records")
	}
	d := c.WithDefaults()
	if consumer {
		if strings.TrimSpace(c.GroupID) == "" {
			add("group: empty: name the consumer group that the detectors share")
		}
		if _, err := parseKafkaStart(d.Start); err != nil {
			add("start is %q: use %q, %q, %q or an RFC 3339 time such as 2026-03-02T09:00:00Z", c.Start,
				StartCommitted, StartEarliest, StartLatest)
		} else if c.Reset && d.Start == StartCommitted {
			add("reset needs start %q, %q or a time: with start %q there is nothing to reset to", StartEarliest, StartLatest, StartCommitted)
		}
	}
	for _, s := range []struct {
		name string
		v    time.Duration
	}{
		{"max_wait", c.MaxWait}, {"heartbeat_interval", c.HeartbeatInterval}, {"session_timeout", c.SessionTimeout},
		{"batch_timeout", c.BatchTimeout}, {"dial_timeout", c.DialTimeout},
	} {
		if s.v < 0 {
			add("%s is %s: use a positive duration, or 0 for the default", s.name, s.v)
		}
	}
	for _, s := range []struct {
		name string
		v    int
	}{{"min_bytes", c.MinBytes}, {"max_bytes", c.MaxBytes}, {"batch_size", c.BatchSize}} {
		if s.v < 0 {
			add("%s is %d: use a positive number, or 0 for the default", s.name, s.v)
		}
	}
	if consumer && c.HeartbeatInterval >= 0 && c.SessionTimeout >= 0 && d.HeartbeatInterval >= d.SessionTimeout {
		add("heartbeat_interval (%s) is not below session_timeout (%s): make it at most a third of it", d.HeartbeatInterval, d.SessionTimeout)
	}
	if c.MinBytes >= 0 && c.MaxBytes >= 0 && d.MinBytes > d.MaxBytes {
		add("min_bytes (%d) is above max_bytes (%d): lower min_bytes", d.MinBytes, d.MaxBytes)
	}
	if t := c.TLS; t != nil && (t.CertFile == "") != (t.KeyFile == "") {
		add("tls: cert_file and key_file go together: give both for a client certificate, or neither")
	}
	if s := d.SASL; s != nil {
		switch s.Mechanism {
		case SASLPlain, SASLSCRAMSHA256, SASLSCRAMSHA512:
		default:
			add("sasl.mechanism is %q: use %q, %q or %q", c.SASL.Mechanism, SASLPlain, SASLSCRAMSHA256, SASLSCRAMSHA512)
		}
		if s.Username == "" {
			add("sasl.username: empty: give the user to authenticate as")
		}
		switch {
		case s.PasswordEnv == "" && s.PasswordFile == "":
			add("sasl: no password source: set password_env to the name of an environment variable that holds the password, or password_file to a file that does (passwords are never taken from flags or the config file)")
		case s.PasswordEnv != "" && s.PasswordFile != "":
			add("sasl: password_env and password_file are both set: keep one")
		}
	}
	return errors.Join(errs...)
}

// kafkaStart is a parsed Config.Start.
type kafkaStart struct {
	kind string    // StartCommitted, StartEarliest, StartLatest, or "time"
	at   time.Time // for "time"
}

const kafkaStartTime = "time"

func parseKafkaStart(s string) (kafkaStart, error) {
	switch s {
	case StartCommitted, StartEarliest, StartLatest:
		return kafkaStart{kind: s}, nil
	}
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return kafkaStart{}, err
	}
	return kafkaStart{kind: kafkaStartTime, at: at}, nil
}

// kafkaSecurity is what the brokers' connections need besides an address.
type kafkaSecurity struct {
	tls  *tls.Config
	sasl sasl.Mechanism
}

// security reads the TLS files and the SASL password. c has its defaults.
func (c Config) security(logger *slog.Logger) (kafkaSecurity, error) {
	var sec kafkaSecurity
	if c.TLS != nil {
		cfg, err := c.TLS.build()
		if err != nil {
			return sec, err
		}
		if c.TLS.InsecureSkipVerify {
			logger.Warn("kafka: tls.insecure_skip_verify is on: broker certificates are not checked")
		}
		sec.tls = cfg
	}
	if c.SASL != nil {
		m, err := c.SASL.build()
		if err != nil {
			return sec, err
		}
		if c.TLS == nil {
			logger.Warn("kafka: SASL without TLS: credentials and records cross the network unencrypted; configure tls",
				slog.String("mechanism", c.SASL.Mechanism))
		}
		sec.sasl = m
	}
	return sec, nil
}

// build returns the tls.Config that t describes.
func (t *TLS) build() (*tls.Config, error) {
	cfg := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         t.ServerName,
		InsecureSkipVerify: t.InsecureSkipVerify, //nolint:gosec // documented as tests-only
	}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("ingest: kafka tls.ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ingest: kafka tls.ca_file %s: no PEM certificate in it: give the CA certificate in PEM form", t.CAFile)
		}
		cfg.RootCAs = pool
	}
	if t.CertFile != "" || t.KeyFile != "" {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("ingest: kafka tls.cert_file and tls.key_file: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

// build reads the password and returns the SASL mechanism. s.Mechanism is
// lower case.
func (s *SASL) build() (sasl.Mechanism, error) {
	pw, err := s.password()
	if err != nil {
		return nil, err
	}
	switch s.Mechanism {
	case SASLPlain:
		return plain.Mechanism{Username: s.Username, Password: pw}, nil
	case SASLSCRAMSHA256:
		return newSCRAM("SCRAM-SHA-256", s.Username, pw), nil
	case SASLSCRAMSHA512:
		return newSCRAM("SCRAM-SHA-512", s.Username, pw), nil
	}
	return nil, invalidKafka("sasl.mechanism is %q: use %q, %q or %q", s.Mechanism, SASLPlain, SASLSCRAMSHA256, SASLSCRAMSHA512)
}

// password reads the password from its source. Errors name the source,
// never the password.
func (s *SASL) password() (string, error) {
	if s.PasswordEnv != "" {
		pw := os.Getenv(s.PasswordEnv)
		if pw == "" {
			return "", fmt.Errorf("ingest: kafka sasl.password_env: the environment variable %s is unset or empty: export the password in it", s.PasswordEnv)
		}
		return pw, nil
	}
	b, err := os.ReadFile(s.PasswordFile)
	if err != nil {
		return "", fmt.Errorf("ingest: kafka sasl.password_file: %w", err)
	}
	pw := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	if pw == "" {
		return "", fmt.Errorf("ingest: kafka sasl.password_file %s is empty: write the password in it", s.PasswordFile)
	}
	return pw, nil
}

func (c Config) transport(sec kafkaSecurity) *kafkago.Transport {
	return &kafkago.Transport{
		DialTimeout: c.DialTimeout,
		ClientID:    "portcullis",
		TLS:         sec.tls,
		SASL:        sec.sasl,
	}
}

func (c Config) dialer(sec kafkaSecurity) *kafkago.Dialer {
	return &kafkago.Dialer{
		ClientID:      "portcullis",
		Timeout:       c.DialTimeout,
		DualStack:     true,
		TLS:           sec.tls,
		SASLMechanism: sec.sasl,
	}
}

// kafkaLog adapts a slog.Logger to kafka-go's printf-style Logger.
func kafkaLog(logger *slog.Logger, level slog.Level) kafkago.LoggerFunc {
	return func(format string, args ...any) {
		ctx := context.Background()
		if logger.Enabled(ctx, level) {
			logger.LogAttrs(ctx, level, "kafka-go: "+fmt.Sprintf(format, args...))
		}
	}
}

// orDiscard returns logger, or a logger that discards everything for nil.
// The caller tags the logger with its component.
func orDiscard(logger *slog.Logger) *slog.Logger {
	if logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return logger
}

// Consumer reads a topic as a member of a consumer group. Offsets are
// committed only by Commit, so a caller commits after acting on messages
// (at-least-once): after a restart or a rebalance, the group resumes after
// the last committed offset of each partition, and messages fetched but not
// committed are read again.
//
// Fetch and Commit may be called from different goroutines; Close may be
// called from any goroutine and makes a blocked Fetch return ErrClosed.
type Consumer struct {
	reader *kafkago.Reader
	rc     kafkago.ReaderConfig // of reader, for Rewind's partition readers
	topic  string
	group  string
	logger *slog.Logger
	closed atomic.Bool
}

// NewConsumer validates cfg, checks that the topic exists, applies
// cfg.Start, and starts a group reader, which joins the group in the
// background: the first Fetch waits for the join and the partition
// assignment.
//
// For Start "latest" or a time, and for any Start with Reset, it first
// commits a start offset for the group in each partition that needs one:
// every partition with Reset, else those without a committed offset. The
// broker accepts such a commit only while the group has no active members.
// If members are active: without Reset, NewConsumer goes on when they
// have already committed offsets for those partitions (as members started
// with the same Start have), and fails otherwise; with Reset it fails, so
// stop the group's other consumers before a backfill. "committed", and
// "earliest" without Reset, commit nothing: kafka-go starts a partition with
// no committed offset at its first offset.
//
// The requests made here end with ctx, and after 30 s at most. When ctx
// ends first, NewConsumer returns ctx.Err(): a Ctrl-C during a start
// against a broker that does not answer stops it at once. ctx bounds only
// the start: the consumer lives until Close.
func NewConsumer(ctx context.Context, cfg Config, logger *slog.Logger) (*Consumer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	start, _ := parseKafkaStart(cfg.Start) // checked by Validate
	logger = orDiscard(logger).With(slog.String("topic", cfg.Topic), slog.String("group", cfg.GroupID))
	sec, err := cfg.security(logger)
	if err != nil {
		return nil, err
	}

	setupCtx, cancel := context.WithTimeout(ctx, setupTimeout)
	defer cancel()
	transport := cfg.transport(sec)
	defer transport.CloseIdleConnections()
	client := &kafkago.Client{Addr: kafkago.TCP(cfg.Brokers...), Transport: transport}
	partitions, err := topicPartitions(setupCtx, client, cfg.Topic)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, cfg.connectHint(err)
	}
	if err := seedStartOffsets(setupCtx, client, cfg, start, partitions, logger); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}

	startOffset := kafkago.FirstOffset
	if start.kind == StartLatest {
		startOffset = kafkago.LastOffset
	}
	rc := kafkago.ReaderConfig{
		Brokers:               cfg.Brokers,
		GroupID:               cfg.GroupID,
		Topic:                 cfg.Topic,
		Dialer:                cfg.dialer(sec),
		MinBytes:              cfg.MinBytes,
		MaxBytes:              cfg.MaxBytes,
		MaxWait:               cfg.MaxWait,
		HeartbeatInterval:     cfg.HeartbeatInterval,
		SessionTimeout:        cfg.SessionTimeout,
		CommitInterval:        0, // synchronous: Commit returns once the broker has the offsets
		StartOffset:           startOffset,
		WatchPartitionChanges: true,
		Logger:                kafkaLog(logger, slog.LevelDebug),
		ErrorLogger:           kafkaLog(logger, slog.LevelWarn),
	}
	if err := rc.Validate(); err != nil { // kafka-go's NewReader panics on what this reports
		return nil, invalidKafka("%v", err)
	}
	logger.Info("kafka: consumer starting", slog.String("start", cfg.Start), slog.Int("partitions", len(partitions)))
	return &Consumer{
		reader: kafkago.NewReader(rc),
		rc:     rc,
		topic:  cfg.Topic,
		group:  cfg.GroupID,
		logger: logger,
	}, nil
}

// Fetch returns the next message of one of the consumer's partitions,
// waiting for one if need be. Its Key and Value belong to the caller. Fetch
// does not commit: pass the message to Commit once it has been acted on.
//
// Fetch returns ctx.Err() when ctx ends first, and an error wrapping
// ErrClosed once the consumer is closed.
func (c *Consumer) Fetch(ctx context.Context) (ingest.Message, error) {
	if c.closed.Load() {
		return ingest.Message{}, fmt.Errorf("ingest: kafka fetch from topic %q: %w", c.topic, ErrClosed)
	}
	m, err := c.reader.FetchMessage(ctx)
	switch {
	case err == nil:
		return message(m), nil
	case ctx.Err() != nil:
		return ingest.Message{}, ctx.Err()
	case c.closed.Load() || errors.Is(err, io.EOF):
		return ingest.Message{}, fmt.Errorf("ingest: kafka fetch from topic %q: %w", c.topic, ErrClosed)
	}
	return ingest.Message{}, fmt.Errorf("ingest: kafka fetch from topic %q: %w", c.topic, err)
}

// message returns m as the project's Message: its slices are m's.
func message(m kafkago.Message) ingest.Message {
	return ingest.Message{Partition: m.Partition, Offset: m.Offset, Key: m.Key, Value: m.Value, Time: m.Time}
}

// Commit commits, for each partition among msgs, the offset after the
// highest message given, which also covers the partition's earlier
// messages: passing the last message acted on per partition is enough. It
// returns once the broker has stored the offsets.
//
// If ctx ends first, Commit returns ctx.Err() and the offsets may or may not
// be stored; committing them again is harmless. Commit before Close: after
// it, Commit returns an error wrapping ErrClosed. A commit made after a
// rebalance moved the partition to another member is still stored, which
// at worst makes that member re-read messages.
func (c *Consumer) Commit(ctx context.Context, msgs ...ingest.Message) error {
	if c.closed.Load() {
		return fmt.Errorf("ingest: kafka commit for group %q: %w", c.group, ErrClosed)
	}
	if len(msgs) == 0 {
		return nil
	}
	err := c.reader.CommitMessages(ctx, c.highest(msgs)...)
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case c.closed.Load() || errors.Is(err, io.ErrClosedPipe):
		return fmt.Errorf("ingest: kafka commit for group %q: %w", c.group, ErrClosed)
	}
	return fmt.Errorf("ingest: kafka commit for group %q: %w", c.group, err)
}

// highest returns, for each partition among msgs, the message with the
// highest offset, as kafka-go messages of the consumer's topic: what
// kafka-go's commit reads of a message, and all it needs to commit.
func (c *Consumer) highest(msgs []ingest.Message) []kafkago.Message {
	out := make([]kafkago.Message, 0, 4)
next:
	for _, m := range msgs {
		for i := range out {
			if out[i].Partition == m.Partition {
				out[i].Offset = max(out[i].Offset, m.Offset)
				continue next
			}
		}
		out = append(out, kafkago.Message{Topic: c.topic, Partition: m.Partition, Offset: m.Offset})
	}
	return out
}

// Rewind calls fn with the messages of one partition of the topic, in
// offset order, from the first whose timestamp is at or after since up to
// offset until, excluded: the recent past before a message Fetch returned,
// which a consumer that has just been given the partition (a start, a
// restart, a rebalance) reads to warm its state. It reads with a reader of
// its own, outside the group, and commits nothing.
func (c *Consumer) Rewind(ctx context.Context, partition int, since time.Time, until int64, fn func(ingest.Message)) error {
	if c.closed.Load() {
		return fmt.Errorf("ingest: kafka rewind of topic %q: %w", c.topic, ErrClosed)
	}
	rc := c.rc
	rc.GroupID, rc.Partition, rc.StartOffset = "", partition, kafkago.FirstOffset
	rc.HeartbeatInterval, rc.SessionTimeout, rc.WatchPartitionChanges = 0, 0, false
	r := kafkago.NewReader(rc)
	defer r.Close()
	if err := r.SetOffsetAt(ctx, since); err != nil {
		return fmt.Errorf("ingest: kafka rewind of topic %q, partition %d, to %s: %w", c.topic, partition, since.UTC().Format(time.RFC3339), err)
	}
	for {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			return fmt.Errorf("ingest: kafka rewind of topic %q, partition %d: %w", c.topic, partition, err)
		}
		if m.Offset >= until {
			return nil
		}
		fn(message(m))
	}
}

// Lag is a best-effort consumer lag, for metrics: the number of messages
// between what the reader has fetched from a partition and that
// partition's end, as kafka-go's reader statistics last saw it. kafka-go
// keeps one figure per reader, so with several partitions it is the lag of
// the partition read most recently, not the sum; it is 0 before the first
// fetch. Lag resets kafka-go's other reader counters, which this package
// does not expose.
func (c *Consumer) Lag() int64 { return c.reader.Stats().Lag }

// Close leaves the group, so that its partitions move to the other members
// at once, and stops the reader. It is safe to call more than once.
func (c *Consumer) Close() error {
	if c.closed.Swap(true) {
		return nil
	}
	if err := c.reader.Close(); err != nil {
		return fmt.Errorf("ingest: kafka consumer close: %w", err)
	}
	c.logger.Debug("kafka: consumer closed")
	return nil
}

// connectHint adds what to check to an error from the first request to the
// brokers. A broker that refuses a SASL login may just close the connection.
func (c Config) connectHint(err error) error {
	if c.SASL != nil && (errors.Is(err, kafkago.SASLAuthenticationFailed) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)) {
		return fmt.Errorf("%w (if the broker refused the login, check sasl.username and its password, and sasl.mechanism)", err)
	}
	return err
}

// topicPartitions returns the partition IDs of topic, in order.
func topicPartitions(ctx context.Context, client *kafkago.Client, topic string) ([]int, error) {
	meta, err := client.Metadata(ctx, &kafkago.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return nil, fmt.Errorf("ingest: kafka: reading metadata of topic %q: %w", topic, err)
	}
	for _, t := range meta.Topics {
		if t.Name != topic {
			continue
		}
		if errors.Is(t.Error, kafkago.UnknownTopicOrPartition) || (t.Error == nil && len(t.Partitions) == 0) {
			return nil, fmt.Errorf("ingest: kafka: topic %q does not exist: create it (portcullis does not create topics): %w", topic, kafkago.UnknownTopicOrPartition)
		}
		if t.Error != nil {
			return nil, fmt.Errorf("ingest: kafka: metadata of topic %q: %w", topic, t.Error)
		}
		ids := make([]int, 0, len(t.Partitions))
		for _, p := range t.Partitions {
			ids = append(ids, p.ID)
		}
		slices.Sort(ids)
		return ids, nil
	}
	return nil, fmt.Errorf("ingest: kafka: topic %q does not exist: create it (portcullis does not create topics): %w", topic, kafkago.UnknownTopicOrPartition)
}

// seedStartOffsets commits start offsets for the group as
// NewConsumer documents.
func seedStartOffsets(ctx context.Context, client *kafkago.Client, cfg Config, start kafkaStart, partitions []int, logger *slog.Logger) error {
	if start.kind == StartCommitted || (start.kind == StartEarliest && !cfg.Reset) {
		return nil
	}
	committed, err := committedOffsets(ctx, client, cfg.GroupID, cfg.Topic, partitions)
	if err != nil {
		return err
	}
	var targets []int
	for _, p := range partitions {
		if cfg.Reset || committed[p] < 0 {
			targets = append(targets, p)
		}
	}
	if len(targets) == 0 {
		return nil
	}
	offsets, err := startOffsets(ctx, client, cfg.Topic, targets, start)
	if err != nil {
		return err
	}
	err = commitGroupOffsets(ctx, client, cfg.GroupID, cfg.Topic, offsets)
	if errors.Is(err, errGroupActive) {
		if cfg.Reset {
			return fmt.Errorf("ingest: kafka: group %q has active members, so its offsets cannot be reset to start %q: stop its other consumers first, or turn reset off: %w",
				cfg.GroupID, cfg.Start, err)
		}
		// Another member joined first; it committed start offsets too if it
		// was configured like this one.
		again, err2 := committedOffsets(ctx, client, cfg.GroupID, cfg.Topic, targets)
		if err2 != nil {
			return err2
		}
		for _, p := range targets {
			if again[p] < 0 {
				return fmt.Errorf("ingest: kafka: group %q has active members and partition %d of topic %q has no committed offset, so start %q cannot be applied: start this consumer while the group is empty, or use start %q: %w",
					cfg.GroupID, p, cfg.Topic, cfg.Start, StartCommitted, err)
			}
		}
		logger.Info("kafka: the group is active and already has offsets; start left as committed", slog.String("start", cfg.Start))
		return nil
	}
	if err != nil {
		return err
	}
	logger.Info("kafka: committed start offsets for the group",
		slog.String("start", cfg.Start), slog.Bool("reset", cfg.Reset), slog.Any("offsets", offsets))
	return nil
}

// Committed returns the committed offset of the group cfg.GroupID in each
// partition of cfg.Topic, -1 where the group has none: where the group
// resumes, so how far its consumers have acted on the topic. It returns
// ctx.Err() when ctx ends first.
func Committed(ctx context.Context, cfg Config) (map[int]int64, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	sec, err := cfg.security(orDiscard(nil))
	if err != nil {
		return nil, err
	}
	transport := cfg.transport(sec)
	defer transport.CloseIdleConnections()
	client := &kafkago.Client{Addr: kafkago.TCP(cfg.Brokers...), Transport: transport}
	partitions, err := topicPartitions(ctx, client, cfg.Topic)
	if err == nil {
		var out map[int]int64
		if out, err = committedOffsets(ctx, client, cfg.GroupID, cfg.Topic, partitions); err == nil {
			return out, nil
		}
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return nil, cfg.connectHint(err)
}

// committedOffsets returns the group's committed offset of each partition,
// -1 for none.
func committedOffsets(ctx context.Context, client *kafkago.Client, group, topic string, partitions []int) (map[int]int64, error) {
	out := make(map[int]int64, len(partitions))
	for _, p := range partitions {
		out[p] = -1
	}
	resp, err := client.OffsetFetch(ctx, &kafkago.OffsetFetchRequest{GroupID: group, Topics: map[string][]int{topic: partitions}})
	if err == nil {
		err = resp.Error
	}
	if errors.Is(err, kafkago.GroupIdNotFound) {
		return out, nil // a group that never committed (Kafka answers -1 offsets, kfake this)
	}
	if err != nil {
		return nil, fmt.Errorf("ingest: kafka: reading the committed offsets of group %q: %w", group, err)
	}
	for _, p := range resp.Topics[topic] {
		if errors.Is(p.Error, kafkago.GroupIdNotFound) {
			continue
		}
		if p.Error != nil {
			return nil, fmt.Errorf("ingest: kafka: committed offset of group %q, partition %d: %w", group, p.Partition, p.Error)
		}
		out[p.Partition] = p.CommittedOffset
	}
	return out, nil
}

// startOffsets returns the offset that start names in each partition.
func startOffsets(ctx context.Context, client *kafkago.Client, topic string, partitions []int, start kafkaStart) (map[int]int64, error) {
	list := func(req func(int) kafkago.OffsetRequest) ([]kafkago.PartitionOffsets, error) {
		reqs := make([]kafkago.OffsetRequest, len(partitions))
		for i, p := range partitions {
			reqs[i] = req(p)
		}
		resp, err := client.ListOffsets(ctx, &kafkago.ListOffsetsRequest{Topics: map[string][]kafkago.OffsetRequest{topic: reqs}})
		if err != nil {
			return nil, fmt.Errorf("ingest: kafka: listing offsets of topic %q: %w", topic, err)
		}
		got := resp.Topics[topic]
		for _, p := range got {
			if p.Error != nil {
				return nil, fmt.Errorf("ingest: kafka: listing offsets of topic %q, partition %d: %w", topic, p.Partition, p.Error)
			}
		}
		if len(got) != len(partitions) {
			return nil, fmt.Errorf("ingest: kafka: listing offsets of topic %q: got %d partitions, want %d", topic, len(got), len(partitions))
		}
		return got, nil
	}

	out := make(map[int]int64, len(partitions))
	switch start.kind {
	case StartEarliest:
		got, err := list(kafkago.FirstOffsetOf)
		if err != nil {
			return nil, err
		}
		for _, p := range got {
			out[p.Partition] = p.FirstOffset
		}
	case StartLatest:
		got, err := list(kafkago.LastOffsetOf)
		if err != nil {
			return nil, err
		}
		for _, p := range got {
			out[p.Partition] = p.LastOffset
		}
	case kafkaStartTime:
		// Ask for the ends first: a partition with no record at or after
		// the time starts at its end, and asking in this order means a
		// record written in between is not skipped.
		ends, err := list(kafkago.LastOffsetOf)
		if err != nil {
			return nil, err
		}
		got, err := list(func(p int) kafkago.OffsetRequest { return kafkago.TimeOffsetOf(p, start.at) })
		if err != nil {
			return nil, err
		}
		for _, p := range ends {
			out[p.Partition] = p.LastOffset
		}
		for _, p := range got {
			for off := range p.Offsets { // one entry: the answer to the one timestamp asked
				if off >= 0 {
					out[p.Partition] = off
				}
			}
		}
	default:
		return nil, fmt.Errorf("ingest: kafka: no start offsets for start %q", start.kind)
	}
	return out, nil
}

// errGroupActive means the broker refused a commit made from outside the
// group because the group has members.
var errGroupActive = errors.New("the group has active members")

// commitGroupOffsets commits offsets for the group as a client that is not
// a member, which the broker accepts only while the group has no members.
func commitGroupOffsets(ctx context.Context, client *kafkago.Client, group, topic string, offsets map[int]int64) error {
	commits := make([]kafkago.OffsetCommit, 0, len(offsets))
	for p, off := range offsets {
		commits = append(commits, kafkago.OffsetCommit{Partition: p, Offset: off})
	}
	slices.SortFunc(commits, func(a, b kafkago.OffsetCommit) int { return a.Partition - b.Partition })
	resp, err := client.OffsetCommit(ctx, &kafkago.OffsetCommitRequest{
		GroupID:      group,
		GenerationID: -1, // not a member: a "simple" commit
		Topics:       map[string][]kafkago.OffsetCommit{topic: commits},
	})
	if err != nil {
		return fmt.Errorf("ingest: kafka: committing start offsets for group %q: %w", group, err)
	}
	var errs []error
	for _, p := range resp.Topics[topic] {
		switch {
		case p.Error == nil:
		case errors.Is(p.Error, kafkago.UnknownMemberId), errors.Is(p.Error, kafkago.IllegalGeneration), errors.Is(p.Error, kafkago.RebalanceInProgress):
			return fmt.Errorf("%w (%w)", errGroupActive, p.Error)
		default:
			errs = append(errs, fmt.Errorf("partition %d: %w", p.Partition, p.Error))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("ingest: kafka: committing start offsets for group %q: %w", group, err)
	}
	return nil
}

// Producer writes access-log records to a topic keyed by client
// identity, so one partition holds all of a client's events: set each
// message's Key (with ingest.Identity.Key), Value (the record as a JSON
// line) and Time (its event time). Keys map to partitions with
// kafka-go's Hash balancer (FNV-1a, not the Java client's murmur2), so
// every producer that writes the topic must use this type or the same hash.
//
// A Producer is safe for concurrent use.
type Producer struct {
	writer    *kafkago.Writer
	transport *kafkago.Transport
	topic     string
	logger    *slog.Logger
	closed    atomic.Bool
}

// NewProducer validates cfg (GroupID and Start are not needed) and
// returns a producer. It connects lazily, on the first Write.
func NewProducer(cfg Config, logger *slog.Logger) (*Producer, error) {
	if err := cfg.validate(false); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	logger = orDiscard(logger).With(slog.String("topic", cfg.Topic))
	sec, err := cfg.security(logger)
	if err != nil {
		return nil, err
	}
	transport := cfg.transport(sec)
	return &Producer{
		writer: &kafkago.Writer{
			Addr:         kafkago.TCP(cfg.Brokers...),
			Topic:        cfg.Topic,
			Balancer:     &kafkago.Hash{},
			RequiredAcks: kafkago.RequireAll,
			BatchTimeout: cfg.BatchTimeout,
			BatchSize:    cfg.BatchSize,
			Transport:    transport,
			Logger:       kafkaLog(logger, slog.LevelDebug),
			ErrorLogger:  kafkaLog(logger, slog.LevelWarn),
		},
		transport: transport,
		topic:     cfg.Topic,
		logger:    logger,
	}, nil
}

// Write writes msgs and returns once every in-sync replica has them, or
// with the first error. A message with a zero Time gets the current time;
// set Time to the record's event time so that starting a consumer at a time
// finds it. Write returns ctx.Err() when ctx ends first (some messages may
// have been written), an error wrapping ErrClosed after Close, and
// otherwise an error that wraps kafka-go's (kafka-go's WriteErrors lists
// the failed messages when only some failed). Each message's Partition and
// Offset are ignored: the key chooses the partition.
func (p *Producer) Write(ctx context.Context, msgs ...ingest.Message) error {
	if p.closed.Load() {
		return fmt.Errorf("ingest: kafka write to topic %q: %w", p.topic, ErrClosed)
	}
	if len(msgs) == 0 {
		return nil
	}
	km := make([]kafkago.Message, len(msgs)) // one per call: Write takes batches
	for i, m := range msgs {
		km[i] = kafkago.Message{Key: m.Key, Value: m.Value, Time: m.Time}
	}
	err := p.writer.WriteMessages(ctx, km...)
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case p.closed.Load() || errors.Is(err, io.ErrClosedPipe):
		return fmt.Errorf("ingest: kafka write to topic %q: %w", p.topic, ErrClosed)
	}
	return fmt.Errorf("ingest: kafka write of %d messages to topic %q: %w", len(msgs), p.topic, err)
}

// Close waits for writes in flight and closes the connections. It is safe
// to call more than once.
func (p *Producer) Close() error {
	if p.closed.Swap(true) {
		return nil
	}
	err := p.writer.Close()
	p.transport.CloseIdleConnections()
	if err != nil {
		return fmt.Errorf("ingest: kafka producer close: %w", err)
	}
	p.logger.Debug("kafka: producer closed")
	return nil
}
