package campaign

import (
	"errors"
	"fmt"
	"time"
)

// Config bounds the aggregates a Tracker keeps and sets when a departure
// becomes a campaign.
type Config struct {
	// Disabled turns campaign detection off (the aggregates are not kept).
	Disabled bool `yaml:"disabled"`
	// MaxEndpoints, MaxNetworks and MaxFingerprints are hard caps on the
	// aggregates kept; past a cap the entry idle the longest is evicted.
	MaxEndpoints    int `yaml:"max_endpoints"`
	MaxNetworks     int `yaml:"max_networks"`
	MaxFingerprints int `yaml:"max_fingerprints"`
	// MaxUsers caps the signed-in users and API keys whose networks are
	// followed (see Member.own and Tracker.servedHere); past it the one
	// idle the longest is forgotten.
	MaxUsers int `yaml:"max_users"`
	// IdleTimeout evicts an aggregate nothing has touched for this long,
	// in event time.
	IdleTimeout time.Duration `yaml:"idle_timeout"`
	// MinMembers is how many addresses must share a departure before it is
	// a campaign and any of them is blocked: a NAT address or a handful of
	// users retrying is not one.
	MinMembers int `yaml:"min_members"`
	// Factor is how many times its robust per-minute tail in training an
	// endpoint's count must reach to depart.
	Factor float64 `yaml:"factor"`
}

// Defaults for Config.
const (
	DefaultMaxEndpoints    = 4096
	DefaultMaxNetworks     = 16384
	DefaultMaxFingerprints = 4096
	DefaultMaxUsers        = 16384
	DefaultIdleTimeout     = 15 * time.Minute
	DefaultMinMembers      = 8
	DefaultFactor          = 3
)

// MinFactor is the least Config.Factor.
const MinFactor = 1.5

// WithDefaults returns c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.MaxEndpoints == 0 {
		c.MaxEndpoints = DefaultMaxEndpoints
	}
	if c.MaxNetworks == 0 {
		c.MaxNetworks = DefaultMaxNetworks
	}
	if c.MaxFingerprints == 0 {
		c.MaxFingerprints = DefaultMaxFingerprints
	}
	if c.MaxUsers == 0 {
		c.MaxUsers = DefaultMaxUsers
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.MinMembers == 0 {
		c.MinMembers = DefaultMinMembers
	}
	if c.Factor == 0 {
		c.Factor = DefaultFactor
	}
	return c
}

// Validate reports what is wrong with c.
func (c Config) Validate() error {
	var errs []error
	for _, x := range []struct {
		name string
		v    int
	}{{"max_endpoints", c.MaxEndpoints}, {"max_networks", c.MaxNetworks}, {"max_fingerprints", c.MaxFingerprints}, {"max_users", c.MaxUsers}} {
		if x.v < 16 || x.v > 1<<24 {
			errs = append(errs, fmt.Errorf("campaign: %s is %d; set it between 16 and %d", x.name, x.v, 1<<24))
		}
	}
	if c.IdleTimeout < 2*time.Minute {
		errs = append(errs, fmt.Errorf("campaign: idle_timeout is %v; set it to 2m or more (a campaign's window is a minute)", c.IdleTimeout))
	}
	if c.MinMembers < 2 {
		errs = append(errs, fmt.Errorf("campaign: min_members is %d; set it to 2 or more (one address is judged on its own)", c.MinMembers))
	}
	if c.Factor < MinFactor {
		errs = append(errs, fmt.Errorf("campaign: factor is %v; set it to 1.5 or more (a flash crowd reaches 3 to 4 times the usual)", c.Factor))
	}
	return errors.Join(errs...)
}

// MemoryBound returns an upper bound, in bytes, of the memory the
// aggregates of a Tracker with this Config hold: each entry with its slot
// in the index and the list, and the campaigns.
func (c Config) MemoryBound() int64 {
	const mapSlot = 8 + 4 + 4 // key, value, control and slack per slot
	per := func(entry int) int64 { return int64(entry + 8 + 8 + 8 + 2*mapSlot) }
	return int64(c.MaxEndpoints)*per(sizeEndpoint) +
		int64(c.MaxNetworks)*per(sizeNetwork) +
		int64(c.MaxFingerprints)*per(sizeFingerprint) +
		int64(c.MaxUsers)*per(sizeUser) +
		maxActive*2048 + maxDone*256
}
