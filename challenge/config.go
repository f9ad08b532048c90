package challenge

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"time"
)

// Config configures a Challenger. It is read from YAML, as the gateway's
// challenge: section.
type Config struct {
	// SecretFile holds the key that signs seeds and cookies: at least
	// MinSecretBytes bytes (surrounding white space is trimmed). Without
	// it a random key is made at start: passes then end with a restart and
	// are not honoured by other gateway instances.
	SecretFile string `yaml:"secret_file"`
	// SecretEnv names an environment variable that holds the key, as
	// SecretFile would: for a service that takes its secrets from the
	// environment. Set one of the two; a gateway and a decision service
	// that share passes share the key.
	SecretEnv string `yaml:"secret_env"`
	// CookieTTL is how long a pass lasts; default DefaultCookieTTL.
	CookieTTL time.Duration `yaml:"cookie_ttl"`
	// MinBits and MaxBits bound the difficulty: the leading zero bits a
	// digest must have, from MinBits for a client just past the threshold
	// to MaxBits for one far past it (see Bits).
	MinBits int `yaml:"min_bits"`
	MaxBits int `yaml:"max_bits"`
}

// Defaults and bounds.
const (
	DefaultCookieTTL = time.Hour
	DefaultMinBits   = 14
	DefaultMaxBits   = 18
	// LowestBits and HighestBits bound MinBits and MaxBits: below 8 bits
	// the work is nothing; at 22 a phone works for minutes (see
	// docs/challenge.md for the expected times).
	LowestBits  = 8
	HighestBits = 22
	// MaxCookieTTL bounds CookieTTL: a pass outliving most decisions
	// would let a client solve once and keep its pass through the next.
	MaxCookieTTL = 7 * 24 * time.Hour
	// MinSecretBytes is the shortest key accepted: 256 bits.
	MinSecretBytes = 32
	// SeedTTL is how long a seed may be solved and redeemed.
	SeedTTL = 10 * time.Minute
)

// WithDefaults returns c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.CookieTTL == 0 {
		c.CookieTTL = DefaultCookieTTL
	}
	if c.MinBits == 0 {
		c.MinBits = DefaultMinBits
	}
	if c.MaxBits == 0 {
		c.MaxBits = max(DefaultMaxBits, c.MinBits)
	}
	return c
}

// Validate reports what is wrong with c, after WithDefaults, naming each
// field to fix.
func (c Config) Validate() error {
	var errs []error
	if c.CookieTTL < time.Minute || c.CookieTTL > MaxCookieTTL {
		errs = append(errs, fmt.Errorf("challenge: cookie_ttl %v: set it between 1m and %v", c.CookieTTL, MaxCookieTTL))
	}
	for _, b := range []struct {
		name string
		v    int
	}{{"min_bits", c.MinBits}, {"max_bits", c.MaxBits}} {
		if b.v < LowestBits || b.v > HighestBits {
			errs = append(errs, fmt.Errorf("challenge: %s %d: set it between %d and %d (each bit doubles the work; see docs/challenge.md)", b.name, b.v, LowestBits, HighestBits))
		}
	}
	if c.SecretFile != "" && c.SecretEnv != "" {
		errs = append(errs, fmt.Errorf("challenge: secret_file and secret_env are both set; keep one"))
	}
	if c.MinBits > c.MaxBits {
		errs = append(errs, fmt.Errorf("challenge: min_bits %d is above max_bits %d; lower min_bits or raise max_bits", c.MinBits, c.MaxBits))
	}
	return errors.Join(errs...)
}

// ErrShortSecret is the error of a secret shorter than MinSecretBytes.
var ErrShortSecret = errors.New("challenge: secret too short")

// loadSecret reads the key of c.SecretFile or c.SecretEnv, or makes a
// random one when there is none; generated says which.
func (c Config) loadSecret(getenv func(string) string) (secret []byte, generated bool, err error) {
	if c.SecretEnv != "" {
		b := bytes.TrimSpace([]byte(getenv(c.SecretEnv)))
		if len(b) < MinSecretBytes {
			return nil, false, fmt.Errorf("%w: $%s holds %d bytes; it needs at least %d (make one with: head -c 32 /dev/urandom | base64)",
				ErrShortSecret, c.SecretEnv, len(b), MinSecretBytes)
		}
		return b, false, nil
	}
	if c.SecretFile == "" {
		secret = make([]byte, MinSecretBytes)
		rand.Read(secret)
		return secret, true, nil
	}
	b, err := os.ReadFile(c.SecretFile)
	if err != nil {
		return nil, false, fmt.Errorf("challenge: secret_file: %w", err)
	}
	b = bytes.TrimSpace(b)
	if len(b) < MinSecretBytes {
		return nil, false, fmt.Errorf("%w: secret_file %q holds %d bytes; it needs at least %d (make one with: head -c 32 /dev/urandom | base64 > FILE)",
			ErrShortSecret, c.SecretFile, len(b), MinSecretBytes)
	}
	return b, false, nil
}
