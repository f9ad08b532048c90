package detect

import (
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/campaign"
	"github.com/portcullis/portcullis/detector"
	"github.com/portcullis/portcullis/features"
	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/ingest/kafka"
	"github.com/portcullis/portcullis/internal/yamlconf"
)

// Config is the YAML configuration of portcullis detect. Unknown keys are
// an error.
type Config struct {
	Model string `yaml:"model"`
	// Identity is what names a client (default ip); Format the format of
	// the messages or lines read (default json).
	Identity ingest.Identity `yaml:"identity"`
	Format   ingest.Format   `yaml:"format"`
	// LogFormat is the nginx log_format string of the lines read (format
	// nginx); JSONFields maps Record fields to paths in JSON lines of
	// another shape (format json-map).
	LogFormat  string            `yaml:"log_format"`
	JSONFields map[string]string `yaml:"json_fields"`
	Kafka      kafka.Config      `yaml:"kafka"`
	Input      InputConfig       `yaml:"input"` // instead of kafka
	Redis      redisstore.Config `yaml:"redis"`
	Policy     Policy            `yaml:"policy"`
	Features   features.Config   `yaml:"features"`
	// Campaign bounds the campaign aggregates and sets when a departure is
	// a campaign (min_members: lower it as detectors are added, since each
	// sees its share of a campaign's addresses).
	Campaign campaign.Config `yaml:"campaign"`
	Admin    AdminConfig     `yaml:"admin"`
	// History bounds the recent judgements kept for the review API.
	History detector.HistoryConfig `yaml:"history"`
	Batch   BatchConfig            `yaml:"batch"`
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

// Policy is the one policy section: when the detector judges and blocks a
// client (min_events, ttl, judge_interval, allow, dry_run), and how the
// blocklist stores a block (max_active, ttl_jitter, escalation, breaker).
type Policy struct {
	detector.PolicyConfig `yaml:",inline"`
	// MaxActive is the hard cap on active decisions: beyond it, new
	// clients are refused until blocks lapse.
	MaxActive int `yaml:"max_active"`
	// TTLJitter adds up to this fraction to every TTL (0.1: up to +10 %);
	// negative turns it off.
	TTLJitter float64 `yaml:"ttl_jitter"`
	// Escalation lengthens the blocks of repeat offenders; Breaker stops
	// new blocks after a burst of them.
	Escalation redisstore.Escalation    `yaml:"escalation"`
	Breaker    redisstore.BreakerConfig `yaml:"breaker"`
}

// Store is the part of p the blocklist enforces when it stores a block.
func (p Policy) Store() redisstore.Policy {
	return redisstore.Policy{MaxActive: p.MaxActive, TTLJitter: p.TTLJitter, Escalation: p.Escalation, Breaker: p.Breaker, DryRun: p.DryRun}
}

// Validate reports what is wrong with p, the detector's part and the
// store's together, with their defaults (min_events may be left to the
// model).
func (p Policy) Validate() error {
	return errors.Join(p.PolicyConfig.WithDefaults().Validate(), p.Store().WithDefaults().Validate())
}

// InputConfig is where the detector reads access logs when it is not
// Kafka: File, a log file on the same machine.
type InputConfig struct {
	File *ingest.FileConfig `yaml:"file"`
}

// AdminConfig is the admin listener.
type AdminConfig struct {
	// Listen is its host:port (default :9464); port 0 picks a free one,
	// which App.Addr reports.
	Listen string `yaml:"listen"`
	// TokenFile holds the bearer token of the review API; the
	// environment variable PORTCULLIS_ADMIN_TOKEN is the other way.
	TokenFile string `yaml:"token_file"`
}

// BatchConfig bounds the batches of decisions stored at once
// (detector.OnlineConfig's BatchSize and FlushInterval).
type BatchConfig struct {
	Size          int           `yaml:"size"`
	FlushInterval time.Duration `yaml:"flush_interval"`
}

// Defaults of the keys a Config may leave out.
const (
	DefaultFormat       = ingest.FormatJSON
	DefaultAdminListen  = ":9464"
	DefaultModelPoll    = 2 * time.Second
	DefaultMaxMalformed = 10.0
)

// Example is the file that shows every key of a Config.
const Example = "deploy/detect.example.yaml"

// LoadConfig reads the YAML file at path.
func LoadConfig(path string) (Config, error) {
	var c Config
	err := yamlconf.Load(path, &c, Example)
	return c, err
}

// WithDefaults returns c with the keys it leaves out set to their
// defaults.
func (c Config) WithDefaults() Config {
	if c.Format == "" {
		c.Format = DefaultFormat
	}
	if c.Admin.Listen == "" {
		c.Admin.Listen = DefaultAdminListen
	}
	if c.ModelPoll == 0 {
		c.ModelPoll = DefaultModelPoll
	}
	if c.MaxMalformed == 0 {
		c.MaxMalformed = DefaultMaxMalformed
	}
	return c
}

// Validate says what in c is wrong or missing, and what to set instead.
// The sections that only the model completes (policy.min_events) are
// checked by Open.
func (c Config) Validate() error {
	if c.Model == "" {
		return errors.New("no model: set model in the config or pass --model")
	}
	if mm := c.MaxMalformed; mm != mm || mm < 0 || mm > 100 {
		return fmt.Errorf("config max_malformed: %v is outside [0,100]: it is a percentage of the consumed messages", mm)
	}
	if err := c.Policy.Validate(); err != nil {
		return err
	}
	return c.validateInput()
}

// hasKafka says whether c has a kafka section.
func (c Config) hasKafka() bool { return !reflect.ValueOf(c.Kafka).IsZero() }

func (c Config) validateInput() error {
	switch {
	case c.hasKafka() && c.Input.File != nil:
		return errors.New("config: both kafka and input.file are set: keep the one the detector reads from")
	case !c.hasKafka() && c.Input.File == nil:
		return errors.New("config: no input: set kafka (brokers, topic, group) or input.file (path, checkpoint); see " + Example)
	}
	return nil
}

// online is the detector's config.
func (c Config) online() detector.OnlineConfig {
	return detector.OnlineConfig{
		Pipeline:      detector.Config{Identity: c.Identity, Features: c.Features, Policy: c.Policy.PolicyConfig, Campaign: c.Campaign},
		Format:        c.Format,
		LogFormat:     c.LogFormat,
		JSONFields:    c.JSONFields,
		BatchSize:     c.Batch.Size,
		FlushInterval: c.Batch.FlushInterval,
		Warm:          c.Warm,
	}
}
