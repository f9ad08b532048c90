package detector

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// PolicyConfig turns scores into decisions.
type PolicyConfig struct {
	// MinEvents is how many events a client must send before it is judged.
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
	if _, err := ParseAllowlist(c.Allow); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Allowlist holds clients that are never blocked.
type Allowlist struct {
	prefixes []netip.Prefix
	keys     map[string]bool
}

// ParseAllowlist reads entries that are IP addresses, CIDR prefixes, or
// exact identities.
func ParseAllowlist(entries []string) (*Allowlist, error) {
	a := &Allowlist{keys: map[string]bool{}}
	for _, e := range entries {
		e = strings.TrimSpace(e)
		if e == "" {
			return nil, errors.New("detector: allow has an empty entry; remove it")
		}
		if strings.Contains(e, "/") {
			p, err := netip.ParsePrefix(e)
			if err != nil {
				return nil, fmt.Errorf("detector: allow entry %q is not a CIDR prefix (%v); write it like 10.0.0.0/8 or 2001:db8::/32", e, err)
			}
			a.prefixes = append(a.prefixes, p.Masked())
			continue
		}
		if ip, err := netip.ParseAddr(e); err == nil {
			a.prefixes = append(a.prefixes, netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen()))
			continue
		}
		a.keys[e] = true
	}
	return a, nil
}

// Allows reports whether a client is allowlisted, by its identity key, the
// IP address of its request, and the API key or user of its request.
func (a *Allowlist) Allows(key string, ip, apiKey, user []byte) bool {
	if a == nil {
		return false
	}
	if len(a.keys) > 0 && (a.keys[key] || a.keys[string(apiKey)] && len(apiKey) > 0 || a.keys[string(user)] && len(user) > 0) {
		return true
	}
	if len(a.prefixes) == 0 {
		return false
	}
	if addr, err := netip.ParseAddr(string(ip)); err == nil {
		addr = addr.Unmap()
		for _, p := range a.prefixes {
			if p.Contains(addr) {
				return true
			}
		}
	}
	if p, err := netip.ParsePrefix(key); err == nil {
		for _, q := range a.prefixes {
			if q.Bits() <= p.Bits() && q.Contains(p.Addr()) {
				return true
			}
		}
	}
	return false
}

// Len returns the number of entries.
func (a *Allowlist) Len() int { return len(a.prefixes) + len(a.keys) }
