package trafficgen

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// ErrInvalidConfig is wrapped by every error that Config.Validate returns.
var ErrInvalidConfig = errors.New("trafficgen: invalid config")

// Default values that WithDefaults fills in for zero fields.
const (
	DefaultMinutes     = 10
	DefaultClients     = 2000
	DefaultAttackShare = 0.02
)

// Limits that Validate enforces. Every client runs as a coroutine for the
// whole of Generate, so memory grows with Clients (about 10 KiB each), not
// with Minutes.
const (
	MinClients     = 10
	MaxClients     = 100_000
	MaxMinutes     = 7 * 24 * 60
	MaxAttackShare = 0.5
)

// DefaultStart is the start of a recording when Config.Start is zero:
// 2026-03-02T09:00:00Z, a Monday morning.
func DefaultStart() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }

// Config says what to generate. The zero value, after WithDefaults, is a
// valid ten-minute recording of 2000 normal clients without attackers.
type Config struct {
	// Seed varies the recording: which regular users are active, the timing
	// of every request, the backend incidents and the attackers. Two
	// recordings with the same Site and different Seeds look like two days
	// of the same site.
	Seed int64
	// Site varies the site: the API's routes and catalogue sizes, the
	// recurring heavy legitimate clients (partners, health checks, crawlers,
	// offices) with their addresses, and the pool of regular users of whom
	// a share returns in every recording.
	Site int64
	// Start is the time of the beginning of the recording; it is truncated
	// to the millisecond and converted to UTC. Zero means DefaultStart.
	Start time.Time
	// Minutes is the length of the recording. Zero means DefaultMinutes.
	Minutes int
	// Clients is the number of normal client addresses, heavy legitimate
	// ones included. Zero means DefaultClients.
	Clients int
	// Attacks adds attackers to the recording.
	Attacks bool
	// AttackShare is the share of all client addresses that are attackers
	// when Attacks is set; at least one attacker of each kind is always
	// present, and the low-and-slow campaign uses at least five addresses.
	// Zero means DefaultAttackShare.
	AttackShare float64
}

// WithDefaults returns c with its zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.Start.IsZero() {
		c.Start = DefaultStart()
	}
	c.Start = c.Start.UTC().Truncate(time.Millisecond)
	if c.Minutes == 0 {
		c.Minutes = DefaultMinutes
	}
	if c.Clients == 0 {
		c.Clients = DefaultClients
	}
	if c.AttackShare == 0 {
		c.AttackShare = DefaultAttackShare
	}
	return c
}

// Validate reports every field of c that Generate cannot use, joined into
// one error that wraps ErrInvalidConfig. Call it on c.WithDefaults(): a zero
// Minutes or Clients is invalid here.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalidConfig}, args...)...))
	}
	if c.Minutes < 1 || c.Minutes > MaxMinutes {
		bad("Minutes is %d; use 1 to %d (one week)", c.Minutes, MaxMinutes)
	}
	if c.Clients < MinClients || c.Clients > MaxClients {
		bad("Clients is %d; use %d to %d", c.Clients, MinClients, MaxClients)
	}
	if math.IsNaN(c.AttackShare) || c.AttackShare < 0 || c.AttackShare > MaxAttackShare {
		bad("AttackShare is %v; use a share between 0 and %v, such as 0.02", c.AttackShare, MaxAttackShare)
	}
	if c.Start.IsZero() {
		bad("Start is zero; call WithDefaults or set a start time")
	} else if y := c.Start.Year(); y < 1970 || y > 9998 {
		bad("Start is %s; use a year between 1970 and 9998", c.Start.Format(time.RFC3339))
	}
	return errors.Join(errs...)
}
