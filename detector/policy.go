package detector

import (
	"errors"
	"fmt"
	"time"

	"github.com/portcullis/portcullis/decision"
)

// PolicyConfig turns scores into decisions.
type PolicyConfig struct {
	// MinEvents is how many events a client must send before it is judged
	// on all its signals. Before that, a client whose requests carry a
	// payload marker or a large request is judged early on those alone
	// (models.EarlySignals).
	MinEvents int `yaml:"min_events"`
	// TTL is how long a block lasts.
	TTL time.Duration `yaml:"ttl"`
	// JudgeInterval sets how often a client is judged once it has
	// MinEvents: each time its event count doubles (a fast client is judged
	// often while it ramps up), and at least this often in event time.
	JudgeInterval time.Duration `yaml:"judge_interval"`
	// Allow lists clients that are never blocked: IP addresses, CIDR
	// prefixes (IPv4 or IPv6), or exact identities such as an API key or a
	// user name.
	Allow []string `yaml:"allow"`
	// DryRun records decisions as simulated instead of enforcing them.
	DryRun bool `yaml:"dry_run"`
	// Actions choose a decision's action from how far past the threshold
	// its judgement scored (see ActionFor): for example log just past it,
	// throttle further, block far past it. Without steps every decision is
	// a block.
	Actions []ActionStep `yaml:"actions"`
	// CampaignAction is the action of a campaign member's decision
	// (default block).
	CampaignAction string `yaml:"campaign_action"`
	// ThrottleRate is the limit, in requests a second, of throttle and
	// challenge decisions; 0 takes the peak rate of training's ordinary
	// clients from the model.
	ThrottleRate float64 `yaml:"throttle_rate"`
}

// Defaults for PolicyConfig.
const (
	DefaultMinEvents     = 4
	DefaultTTL           = 10 * time.Minute
	DefaultJudgeInterval = time.Second
)

// WithDefaults returns c with zero fields set to their defaults.
func (c PolicyConfig) WithDefaults() PolicyConfig {
	if c.MinEvents == 0 {
		c.MinEvents = DefaultMinEvents
	}
	if c.TTL == 0 {
		c.TTL = DefaultTTL
	}
	if c.JudgeInterval == 0 {
		c.JudgeInterval = DefaultJudgeInterval
	}
	return c
}

// Validate reports what is wrong with c.
func (c PolicyConfig) Validate() error {
	var errs []error
	if c.MinEvents < 1 {
		errs = append(errs, fmt.Errorf("detector: min_events is %d; set it to 1 or more", c.MinEvents))
	}
	if c.TTL < time.Second {
		errs = append(errs, fmt.Errorf("detector: ttl is %v; set it to 1s or more", c.TTL))
	}
	if c.JudgeInterval <= 0 {
		errs = append(errs, fmt.Errorf("detector: judge_interval is %v; set it above 0", c.JudgeInterval))
	}
	if _, err := decision.ParseAllowlist(c.Allow); err != nil {
		errs = append(errs, fmt.Errorf("detector: allow: %w", err))
	}
	if err := c.validateActions(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
