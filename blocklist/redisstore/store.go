// Package redisstore is the Redis blocklist: the store the online detector
// writes decisions to (Apply, with escalation, the breaker, the cap and
// jitter in Lua scripts), the CLI and the review API read and change
// (List, Remove, Allow), and gateways follow (a blocklist.Source: List,
// Version and the pushed changes of Subscribe).
//
// It holds the go-redis dependency, so that package blocklist, the check
// in the gateway, does not.
package redisstore

// Redis key schema. P is KeyPrefix ("portcullis:" by default). S is the key
// space of decisions: P for enforced ones, P+"sim:" for dry-run ones, so a
// dry run never blocks anyone. Time is the Redis server's clock, in Unix
// milliseconds.
//
//	P+"allow"            set     allowlist entries: IPs, CIDR prefixes, exact identities (shared by both spaces)
//	P+"allow:gen"        string  incremented on every allowlist change; Apply checks it to never block a client allowlisted meanwhile
//	S+"d:"+client        string  the decision JSON (the decisions contract), PX = the block's TTL
//	S+"index"            zset    client -> expiry (ms): counts active decisions for the cap; List reads it
//	S+"o:"+client        string  offense count, for escalation; PX = block TTL + escalation.forgive
//	S+"breaker:window"   zset    "<ms>:<client>" -> ms, one per new block within breaker.window
//	S+"breaker"          hash    {reason, at (ms), count} while the breaker is open; PX = breaker.cooldown (auto reset)
//	S+"version"          string  incremented on every change (store, remove, allow, unallow, breaker, breaker_reset)
//	S+"changes"          channel one JSON Change per version increment (sharded pub/sub on a cluster)
//	S+"decisions"        stream  {d: decision JSON} per new block, about the newest DecisionHistoryLen (history.go)
//	S+"verdicts"         stream  {v: verdict JSON} per operator's verdict, about the newest VerdictHistoryLen (history.go)
//
// A change message is compact JSON:
//
//	{"v":42,"op":"store","client":"203.0.113.7","at":1772441400123,"exp":1772442000123,"decision":{...}}
//	{"v":43,"op":"remove","client":"203.0.113.7"}
//	{"v":44,"op":"allow","entry":"10.0.0.0/8"}          (and "unallow")
//	{"v":45,"op":"breaker","reason":"...","exp":<reset ms>} (and "breaker_reset")
//
// A follower applies changes whose version is one past the last it saw.
// On any other version (a gap, or a lower one after Redis restarted
// without persistence) it resyncs from List, whose snapshot carries the
// version it is consistent with. Expired decisions are not announced:
// followers drop them at "exp".
//
// Every write runs as one Lua script, so a batch of decisions costs one
// round trip and a change and its version are atomic. On a cluster all keys
// must share a slot, so KeyPrefix must hold a hash tag such as
// "{portcullis}:".

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/internal/redispubsub"
)

// Config configures the Redis blocklist. The password comes from the
// environment or a file, never from the config itself.
type Config struct {
	// Addrs are host:port of one node, of the Sentinels (with MasterName),
	// or of cluster nodes (more than one address, or Cluster). One node on
	// the same machine can also be reached on its Unix socket:
	// unix:/run/redis/redis.sock, or the absolute path alone.
	Addrs []string `yaml:"addrs"`
	// MasterName selects Sentinel: the name of the monitored master.
	MasterName string `yaml:"master_name"`
	// Cluster selects Redis Cluster even with a single seed address.
	Cluster bool `yaml:"cluster"`
	// Username is the ACL user; empty for the default user.
	Username string `yaml:"username"`
	// PasswordEnv names an environment variable holding the password.
	PasswordEnv string `yaml:"password_env"`
	// PasswordFile is a file holding the password (trailing newlines are
	// dropped). It is read again on every new connection, so a rotated
	// password is picked up.
	PasswordFile string `yaml:"password_file"`
	// DB is the database number of one node or Sentinel; a cluster has
	// only 0.
	DB int `yaml:"db"`
	// TLS, when set, connects with TLS.
	TLS *TLS `yaml:"tls"`
	// Timeout bounds dialing, and each read and write.
	Timeout time.Duration `yaml:"timeout"`
	// KeyPrefix starts every key and channel name.
	KeyPrefix string `yaml:"key_prefix"`
	// Policy is how blocks are stored: the cap, jitter, escalation,
	// breaker and dry run. It is not read from the redis section: the
	// detect config's policy section sets it, beside the detector's.
	Policy `yaml:"-"`
}

// Policy is the part of the one policy that the store enforces when it
// stores a decision.
type Policy struct {
	// MaxActive is the hard cap on active decisions: beyond it, new
	// clients are refused (RefusedCap) until blocks lapse.
	MaxActive int `yaml:"max_active"`
	// TTLJitter adds up to this fraction to every TTL (0.1: up to +10 %),
	// so a batch of blocks does not lapse in the same instant. Zero means
	// the default; a negative value turns jitter off.
	TTLJitter  float64       `yaml:"ttl_jitter"`
	Escalation Escalation    `yaml:"escalation"`
	Breaker    BreakerConfig `yaml:"breaker"`
	// DryRun records decisions in the simulated key space, marked
	// Simulated, where they block nobody.
	DryRun bool `yaml:"dry_run"`
}

// TLS configures TLS to Redis. With no CAFile the system roots are
// used; CertFile and KeyFile add a client certificate.
type TLS struct {
	CAFile     string `yaml:"ca_file"`
	CertFile   string `yaml:"cert_file"`
	KeyFile    string `yaml:"key_file"`
	ServerName string `yaml:"server_name"`
}

// Escalation lengthens the blocks of repeat offenders: the n-th
// offense within the forgiveness period is blocked for
// base TTL × Factor^(n-1), capped at Max.
type Escalation struct {
	// Factor multiplies the TTL per repeated offense; 1 turns escalation
	// off.
	Factor float64 `yaml:"factor"`
	// Max caps an escalated TTL (before jitter).
	Max time.Duration `yaml:"max"`
	// Forgive is how long after a block lapses its offense count is kept.
	Forgive time.Duration `yaml:"forgive"`
}

// BreakerConfig stops new blocks after a burst of them, for example from a
// bad model that flags half the traffic.
type BreakerConfig struct {
	// MaxNew new blocks are allowed within Window; one more trips the
	// breaker.
	MaxNew int           `yaml:"max_new"`
	Window time.Duration `yaml:"window"`
	// Cooldown is how long the breaker stays open before it resets by
	// itself; ResetBreaker resets it sooner.
	Cooldown time.Duration `yaml:"cooldown"`
}

// Defaults for Config.
const (
	DefaultKeyPrefix         = "portcullis:"
	DefaultRedisTimeout      = 2 * time.Second
	DefaultMaxActive         = 100_000
	DefaultTTLJitter         = 0.1
	DefaultEscalationFactor  = 2
	DefaultEscalationMax     = 24 * time.Hour
	DefaultEscalationForgive = 24 * time.Hour
	DefaultBreakerMaxNew     = 1000
	DefaultBreakerWindow     = time.Minute
	DefaultBreakerCooldown   = 10 * time.Minute
)

// WithDefaults returns c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.KeyPrefix == "" {
		c.KeyPrefix = DefaultKeyPrefix
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultRedisTimeout
	}
	c.Policy = c.Policy.WithDefaults()
	return c
}

func (c Config) cluster() bool {
	return c.MasterName == "" && (c.Cluster || len(c.Addrs) > 1)
}

// Validate reports what is wrong with c, after WithDefaults.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("blocklist: redis "+format, args...))
	}
	if len(c.Addrs) == 0 {
		bad("addrs is empty; set at least one host:port (or unix:/path/to/redis.sock)")
	}
	for _, a := range c.Addrs {
		if path, ok := unixSocket(a); ok {
			switch {
			case !filepath.IsAbs(path):
				bad("addr %q is a Unix socket with a relative path; write the absolute path, like unix:/run/redis/redis.sock", a)
			case len(path) > maxUnixPath:
				bad("addr %q is a Unix socket path of %d bytes, longer than the %d the system allows; move the socket to a shorter path", a, len(path), maxUnixPath)
			}
			switch {
			case len(c.Addrs) > 1 || c.Cluster || c.MasterName != "":
				bad("addr %q is a Unix socket, which reaches one node, not Sentinels or a cluster; list it alone, without master_name or cluster", a)
			case c.TLS != nil:
				bad("tls is set, but Redis serves TLS on TCP only, not on the Unix socket %q; remove tls", a)
			}
			continue
		}
		if _, port, err := net.SplitHostPort(a); err != nil || port == "" {
			bad("addr %q is not host:port; write it like redis:6379 or [::1]:6379, or unix:/path/to/redis.sock for a Unix socket", a)
		}
	}
	if c.PasswordEnv != "" && c.PasswordFile != "" {
		bad("password_env and password_file are both set; keep one")
	}
	if c.TLS != nil && (c.TLS.CertFile == "") != (c.TLS.KeyFile == "") {
		bad("tls needs cert_file and key_file together; set both or neither")
	}
	if c.cluster() {
		if c.DB != 0 {
			bad("db is %d, but a cluster has only db 0; remove db", c.DB)
		}
		if !hasHashTag(c.KeyPrefix) {
			bad("key_prefix %q has no hash tag, but on a cluster all blocklist keys must share a slot; use a prefix like \"{portcullis}:\"", c.KeyPrefix)
		}
	}
	if c.DB < 0 {
		bad("db is %d; set it to 0 or more", c.DB)
	}
	if c.Timeout <= 0 {
		bad("timeout is %v; set it above 0", c.Timeout)
	}
	errs = append(errs, c.Policy.Validate())
	return errors.Join(errs...)
}

// WithDefaults returns p with zero fields set to their defaults.
func (p Policy) WithDefaults() Policy {
	if p.MaxActive == 0 {
		p.MaxActive = DefaultMaxActive
	}
	if p.TTLJitter == 0 {
		p.TTLJitter = DefaultTTLJitter
	}
	if p.Escalation.Factor == 0 {
		p.Escalation.Factor = DefaultEscalationFactor
	}
	if p.Escalation.Max == 0 {
		p.Escalation.Max = DefaultEscalationMax
	}
	if p.Escalation.Forgive == 0 {
		p.Escalation.Forgive = DefaultEscalationForgive
	}
	if p.Breaker.MaxNew == 0 {
		p.Breaker.MaxNew = DefaultBreakerMaxNew
	}
	if p.Breaker.Window == 0 {
		p.Breaker.Window = DefaultBreakerWindow
	}
	if p.Breaker.Cooldown == 0 {
		p.Breaker.Cooldown = DefaultBreakerCooldown
	}
	return p
}

// Validate reports what is wrong with p, naming its keys in the policy
// section.
func (p Policy) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("policy "+format, args...))
	}
	if p.MaxActive < 1 {
		bad("max_active is %d; set it to 1 or more", p.MaxActive)
	}
	if p.TTLJitter > 1 {
		bad("ttl_jitter is %v; set it to a fraction of at most 1 (0.1 adds up to 10 %%)", p.TTLJitter)
	}
	if p.Escalation.Factor < 1 {
		bad("escalation.factor is %v; set it to 1 (no escalation) or more", p.Escalation.Factor)
	}
	if p.Escalation.Max < time.Second {
		bad("escalation.max is %v; set it to 1s or more", p.Escalation.Max)
	}
	if p.Escalation.Forgive < 0 {
		bad("escalation.forgive is %v; set it to 0 or more", p.Escalation.Forgive)
	}
	if p.Breaker.MaxNew < 1 {
		bad("breaker.max_new is %d; set it to 1 or more", p.Breaker.MaxNew)
	}
	if p.Breaker.Window < time.Millisecond {
		bad("breaker.window is %v; set it to 1ms or more", p.Breaker.Window)
	}
	if p.Breaker.Cooldown < time.Millisecond {
		bad("breaker.cooldown is %v; set it to 1ms or more", p.Breaker.Cooldown)
	}
	return errors.Join(errs...)
}

// maxUnixPath is the longest Unix socket path Linux takes: sun_path is
// 108 bytes, with a terminating NUL.
const maxUnixPath = 107

// unixSocket returns the path of a Unix socket address, written
// unix:/path or /path, and whether addr is one.
func unixSocket(addr string) (path string, ok bool) {
	if p, ok := strings.CutPrefix(addr, "unix:"); ok {
		return p, true
	}
	if strings.HasPrefix(addr, "/") {
		return addr, true
	}
	return "", false
}

func hasHashTag(s string) bool {
	i := strings.IndexByte(s, '{')
	if i < 0 {
		return false
	}
	j := strings.IndexByte(s[i+1:], '}')
	return j > 0
}

// password returns the configured password, or "" when none is
// configured. Its errors never hold the password.
func (c Config) password() (string, error) {
	switch {
	case c.PasswordEnv != "":
		p := os.Getenv(c.PasswordEnv)
		if p == "" {
			return "", fmt.Errorf("blocklist: redis password_env names %s, which is empty or unset; export the password in it", c.PasswordEnv)
		}
		return p, nil
	case c.PasswordFile != "":
		b, err := os.ReadFile(c.PasswordFile)
		if err != nil {
			return "", fmt.Errorf("blocklist: redis password_file: %w", err)
		}
		p := strings.TrimRight(string(b), "\r\n")
		if p == "" {
			return "", fmt.Errorf("blocklist: redis password_file %s is empty; write the password in it", c.PasswordFile)
		}
		return p, nil
	}
	return "", nil
}

func (t *TLS) config() (*tls.Config, error) {
	if t == nil {
		return nil, nil
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.ServerName}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("blocklist: redis tls ca_file: %w", err)
		}
		tc.RootCAs = x509.NewCertPool()
		if !tc.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("blocklist: redis tls ca_file %s holds no PEM certificate; point it at the CA that signed the Redis server's certificate", t.CAFile)
		}
	}
	if t.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("blocklist: redis tls cert_file/key_file: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

// Redis is the blocklist in Redis, shared by detectors and followed by
// gateways. It is safe for concurrent use.
type Store struct {
	cfg    Config
	c      redis.UniversalClient
	logger *slog.Logger

	live, sim string // key spaces
	space     string // the space this store writes: live, or sim in dry run
	pub       string // PUBLISH, or SPUBLISH on a cluster

	mu        sync.Mutex
	allowGen  string
	allowlist *decision.Allowlist

	errs atomic.Uint64 // failed commands, see Errors
}

var _ blocklist.Store = (*Store)(nil)

// New returns a Redis blocklist. It does not connect: the first call
// does, and Ping tells whether Redis can be reached. A nil logger discards.
func New(cfg Config, logger *slog.Logger) (*Store, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if _, err := cfg.password(); err != nil {
		return nil, err
	}
	tc, err := cfg.TLS.config()
	if err != nil {
		return nil, err
	}
	opts := &redis.UniversalOptions{
		Addrs:         cfg.Addrs,
		MasterName:    cfg.MasterName,
		IsClusterMode: cfg.Cluster,
		Username:      cfg.Username,
		DB:            cfg.DB,
		TLSConfig:     tc,
		ClientName:    "portcullis",
		// Reading the secret on every new connection picks up a rotated
		// password file.
		CredentialsProviderContext: func(context.Context) (string, string, error) {
			p, err := cfg.password()
			return cfg.Username, p, err
		},
		DialTimeout:           cfg.Timeout,
		ReadTimeout:           cfg.Timeout,
		WriteTimeout:          cfg.Timeout,
		ContextTimeoutEnabled: true,
		// The caller retries with backoff (the detector does not commit
		// offsets meanwhile); the client fails fast.
		MaxRetries:         1,
		DialerRetries:      2,
		DialerRetryTimeout: 50 * time.Millisecond,
	}
	if path, ok := unixSocket(cfg.Addrs[0]); ok {
		// Validate allows a Unix socket only as the one address.
		opts.Addrs = []string{path}
		opts.Dialer = func(ctx context.Context, _, _ string) (net.Conn, error) {
			d := net.Dialer{Timeout: cfg.Timeout}
			return d.DialContext(ctx, "unix", path)
		}
	}
	r := &Store{
		cfg:    cfg,
		c:      redis.NewUniversalClient(opts),
		logger: logger,
		live:   cfg.KeyPrefix,
		sim:    cfg.KeyPrefix + "sim:",
		pub:    "PUBLISH",
	}
	r.c.AddHook(errorCounter{&r.errs})
	r.space = r.live
	if cfg.DryRun {
		r.space = r.sim
	}
	if cfg.cluster() {
		r.pub = "SPUBLISH"
	}
	mode := "node"
	switch {
	case cfg.MasterName != "":
		mode = "sentinel"
	case cfg.cluster():
		mode = "cluster"
	}
	logger.LogAttrs(context.Background(), slog.LevelInfo, "redis blocklist configured",
		slog.Any("addrs", cfg.Addrs), slog.String("mode", mode), slog.String("key_prefix", cfg.KeyPrefix),
		slog.Bool("tls", tc != nil), slog.Bool("password", cfg.PasswordEnv != "" || cfg.PasswordFile != ""),
		slog.Bool("dry_run", cfg.DryRun))
	return r, nil
}

// Close closes the connections. End subscriptions (cancel their ctx)
// before.
func (r *Store) Close() error { return r.c.Close() }

// Ping reports whether Redis answers, for readiness checks.
func (r *Store) Ping(ctx context.Context) error {
	if err := r.c.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("blocklist: redis ping: %w", err)
	}
	return nil
}

// Channel returns the pub/sub channel changes are published on.
func (r *Store) Channel() string { return r.space + "changes" }

// Version returns the version of the last change, so a follower can
// notice changes it missed while its subscription was down.
func (r *Store) Version(ctx context.Context) (uint64, error) {
	v, err := r.c.Get(ctx, r.space+"version").Uint64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("blocklist: redis version: %w", err)
	}
	return v, nil
}

// Result codes of applyScript.
const (
	luaStored  = 1
	luaBreaker = 2
	luaCap     = 3
)

// applyScript stores a batch. KEYS[1] is S.."version", for routing.
// ARGV: P, S, allow gen, max_active, max_new, window ms, cooldown ms,
// factor, max ttl ms, forgive ms, publish command, then per decision:
// client, client as JSON, decision JSON before the TTL, after it, base TTL
// ms, jitter fraction.
// It returns {-1} when the allowlist changed since the caller read it, else
// {1, then per decision: result, new, offenses, ttl ms, expiry ms, version}.
var applyScript = redis.NewScript(`
local P, S = ARGV[1], ARGV[2]
if (redis.call('GET', P .. 'allow:gen') or '0') ~= ARGV[3] then return {-1} end
local maxActive, maxNew = tonumber(ARGV[4]), tonumber(ARGV[5])
local window, cooldown = tonumber(ARGV[6]), tonumber(ARGV[7])
local factor, maxTTL, forgive = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
local pub = ARGV[11]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local idx, win, brk = S .. 'index', S .. 'breaker:window', S .. 'breaker'
local ver, chan = S .. 'version', S .. 'changes'
redis.call('ZREMRANGEBYSCORE', idx, '-inf', now)
redis.call('ZREMRANGEBYSCORE', win, '-inf', now - window)
local active = redis.call('ZCARD', idx)
local recent = redis.call('ZCARD', win)
local tripped = redis.call('EXISTS', brk) == 1
local out = {1}
local function put(res, new, n, ttl, exp, v)
  out[#out + 1] = res; out[#out + 1] = new; out[#out + 1] = n
  out[#out + 1] = ttl; out[#out + 1] = exp; out[#out + 1] = v
end
for i = 12, #ARGV, 6 do
  local c, qc, head, tail = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local base, jit = tonumber(ARGV[i + 4]), tonumber(ARGV[i + 5])
  local cur = redis.call('ZSCORE', idx, c)
  local new = not cur
  if tripped then
    put(2, 0, 0, 0, 0, 0)
  elseif new and active >= maxActive then
    put(3, 0, 0, 0, 0, 0)
  elseif new and recent >= maxNew then
    local reason = string.format('%d new blocks within %d ms; breaker.max_new is %d', recent + 1, window, maxNew)
    redis.call('DEL', win)
    redis.call('HSET', brk, 'reason', reason, 'at', string.format('%d', now), 'count', recent + 1)
    redis.call('PEXPIRE', brk, cooldown)
    tripped = true
    local v = redis.call('INCR', ver)
    redis.call(pub, chan, string.format('{"v":%d,"op":"breaker","reason":%s,"exp":%d}', v, cjson.encode(reason), now + cooldown))
    put(2, 0, 0, 0, 0, 0)
  else
    local ok = S .. 'o:' .. c
    local n
    if new then
      n = redis.call('INCR', ok)
    else
      n = tonumber(redis.call('GET', ok) or '1')
    end
    local ttl = base * factor ^ (n - 1)
    if ttl > maxTTL then ttl = maxTTL end
    ttl = math.floor(ttl * (1 + jit))
    if ttl < 1 then ttl = 1 end
    local exp = now + ttl
    if cur and tonumber(cur) > exp then
      exp = tonumber(cur)
      ttl = exp - now
    end
    local body = head .. string.format('%d', math.ceil(ttl / 1000)) .. tail
    redis.call('SET', S .. 'd:' .. c, body, 'PX', ttl)
    redis.call('ZADD', idx, exp, c)
    redis.call('PEXPIRE', ok, ttl + forgive)
    local isNew = 0
    if new then
      redis.call('ZADD', win, now, string.format('%d:', now) .. c)
      active = active + 1
      recent = recent + 1
      isNew = 1
    end
    local v = redis.call('INCR', ver)
    redis.call(pub, chan, string.format('{"v":%d,"op":"store","client":%s,"at":%d,"exp":%d,"decision":%s}', v, qc, now, exp, body))
    put(1, isNew, n, ttl, exp, v)
  end
end
return out
`)

// Apply implements Store.Apply: one round trip per batch, two when the
// allowlist changed since the last batch.
func (r *Store) Apply(ctx context.Context, ds []*decision.Decision) ([]blocklist.Outcome, error) {
	if len(ds) == 0 {
		return nil, nil
	}
	out := make([]blocklist.Outcome, len(ds))
	jitter := max(r.cfg.TTLJitter, 0)
	args := make([]any, 0, 11+6*len(ds))
	var send []int // indexes into ds of the decisions sent to the script
	for attempt := 0; ; attempt++ {
		gen, allow, err := r.allowlistFor(ctx, attempt > 0)
		if err != nil {
			return nil, err
		}
		args = append(args[:0], r.live, r.space, gen,
			r.cfg.MaxActive, r.cfg.Breaker.MaxNew, r.cfg.Breaker.Window.Milliseconds(), r.cfg.Breaker.Cooldown.Milliseconds(),
			r.cfg.Escalation.Factor, r.cfg.Escalation.Max.Milliseconds(), r.cfg.Escalation.Forgive.Milliseconds(), r.pub)
		send = send[:0]
		for i, d := range ds {
			out[i] = blocklist.Outcome{Client: d.Client}
			if allow.Covers(d.Client) {
				out[i].Result = blocklist.RefusedAllowlisted
				continue
			}
			head, tail, err := r.splitDecision(d)
			if err != nil {
				return nil, err
			}
			qc, _ := json.Marshal(d.Client)
			args = append(args, d.Client, qc, head, tail, d.TTLSec*1000, jitter*rand.Float64())
			send = append(send, i)
		}
		res, err := applyScript.Run(ctx, r.c, []string{r.space + "version"}, args...).Int64Slice()
		if err != nil {
			return nil, fmt.Errorf("blocklist: redis apply %d decisions: %w", len(send), err)
		}
		if len(res) == 1 && res[0] == -1 {
			if attempt < 3 {
				continue
			}
			return nil, errors.New("blocklist: redis apply: the allowlist kept changing; retry")
		}
		if len(res) != 1+6*len(send) {
			return nil, fmt.Errorf("blocklist: redis apply: %d results for %d decisions; is another portcullis version writing to key_prefix %q?", len(res), len(send), r.cfg.KeyPrefix)
		}
		for k, i := range send {
			v := res[1+6*k : 7+6*k]
			o := &out[i]
			switch v[0] {
			case luaStored:
				o.Result = blocklist.Stored
				if r.cfg.DryRun {
					o.Result = blocklist.Simulated
				}
				o.New = v[1] == 1
				o.Offenses = int(v[2])
				o.TTL = time.Duration(v[3]) * time.Millisecond
				o.Expires = time.UnixMilli(v[4])
				o.Version = uint64(v[5])
			case luaBreaker:
				o.Result = blocklist.RefusedBreaker
			case luaCap:
				o.Result = blocklist.RefusedCap
			}
		}
		r.recordHistory(ctx, ds, out) // history.go
		r.logOutcomes(ctx, out)
		return out, nil
	}
}

func (r *Store) logOutcomes(ctx context.Context, out []blocklist.Outcome) {
	var breaker, capped int
	for _, o := range out {
		switch o.Result {
		case blocklist.RefusedBreaker:
			breaker++
		case blocklist.RefusedCap:
			capped++
		}
	}
	if breaker > 0 {
		r.logger.LogAttrs(ctx, slog.LevelWarn, "breaker open: new blocks refused; review the model, then run portcullis blocklist breaker reset",
			slog.Int("refused", breaker))
	}
	if capped > 0 {
		r.logger.LogAttrs(ctx, slog.LevelWarn, "cap on active decisions reached: new blocks refused; raise redis.max_active or review the model",
			slog.Int("refused", capped), slog.Int("max_active", r.cfg.MaxActive))
	}
}

// splitDecision marshals d as the space stores it, split around the value
// of ttl_s, which the script fills in. "ttl_s":0 cannot occur earlier: the
// fields before it are fixed keys, and quotes inside strings are escaped.
func (r *Store) splitDecision(d *decision.Decision) (head, tail string, err error) {
	c := *d
	c.TTLSec = 0
	c.Simulated = r.cfg.DryRun
	if err := c.FillAction(); err != nil { // an empty action is stored as block
		return "", "", fmt.Errorf("blocklist: %w", err)
	}
	b, err := json.Marshal(&c)
	if err != nil {
		return "", "", fmt.Errorf("blocklist: decision about %q: %w", d.Client, err)
	}
	const mark = `"ttl_s":`
	s := string(b)
	i := strings.Index(s, mark+"0")
	if i < 0 {
		return "", "", fmt.Errorf("blocklist: decision about %q has no ttl_s field", d.Client)
	}
	i += len(mark)
	return s[:i], s[i+1:], nil
}

// allowlistFor returns the allowlist and its generation, from the cache
// unless refresh.
func (r *Store) allowlistFor(ctx context.Context, refresh bool) (string, *decision.Allowlist, error) {
	r.mu.Lock()
	gen, al := r.allowGen, r.allowlist
	r.mu.Unlock()
	if al != nil && !refresh {
		return gen, al, nil
	}
	var members *redis.StringSliceCmd
	var genCmd *redis.StringCmd
	_, err := r.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		members = p.SMembers(ctx, r.live+"allow")
		genCmd = p.Get(ctx, r.live+"allow:gen")
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return "", nil, fmt.Errorf("blocklist: redis read allowlist: %w", err)
	}
	gen = genCmd.Val()
	if gen == "" {
		gen = "0"
	}
	al = r.parseAllowlist(members.Val())
	r.mu.Lock()
	r.allowGen, r.allowlist = gen, al
	r.mu.Unlock()
	return gen, al, nil
}

// parseAllowlist parses entries, keeping the good ones, so one bad entry
// written by hand does not void the others; the bad ones are logged.
func (r *Store) parseAllowlist(entries []string) *decision.Allowlist {
	al, err := decision.ParseAllowlist(entries)
	if err != nil {
		r.logger.Error("allowlist entries ignored; remove them with portcullis blocklist unallow", "error", err)
	}
	return al
}

// removeScript: ARGV S, client, client as JSON, publish command.
var removeScript = redis.NewScript(`
local S, c, qc, pub = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local n = redis.call('DEL', S .. 'd:' .. c)
redis.call('ZREM', S .. 'index', c)
redis.call('DEL', S .. 'o:' .. c)
if n == 0 then return 0 end
local v = redis.call('INCR', S .. 'version')
redis.call(pub, S .. 'changes', string.format('{"v":%d,"op":"remove","client":%s}', v, qc))
return 1
`)

// Remove implements Store.Remove, in the store's key space.
func (r *Store) Remove(ctx context.Context, client string) (bool, error) {
	return r.remove(ctx, r.space, client)
}

func (r *Store) remove(ctx context.Context, space, client string) (bool, error) {
	qc, _ := json.Marshal(client)
	n, err := removeScript.Run(ctx, r.c, []string{space + "version"}, space, client, qc, r.pub).Int()
	if err != nil {
		return false, fmt.Errorf("blocklist: redis remove %q: %w", client, err)
	}
	return n == 1, nil
}

// Get implements Store.Get.
func (r *Store) Get(ctx context.Context, client string) (*decision.Decision, error) {
	b, err := r.c.Get(ctx, r.space+"d:"+client).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("blocklist: redis get %q: %w", client, err)
	}
	d := new(decision.Decision)
	if err := json.Unmarshal(b, d); err != nil {
		return nil, fmt.Errorf("blocklist: redis get %q: %w", client, err)
	}
	d.FillOrigin()
	if err := d.FillAction(); err != nil {
		return nil, fmt.Errorf("blocklist: redis get %q: %w; remove it with portcullis blocklist remove", client, err)
	}
	return d, nil
}

// listScript: ARGV P, S. Returns {version, allow entries, {json, expiry ms}...}.
var listScript = redis.NewScript(`
local P, S = ARGV[1], ARGV[2]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', S .. 'index', '-inf', now)
local v = tonumber(redis.call('GET', S .. 'version') or '0')
local allow = redis.call('SMEMBERS', P .. 'allow')
local z = redis.call('ZRANGE', S .. 'index', 0, -1, 'WITHSCORES')
local ds = {}
for i = 1, #z, 2 do
  local body = redis.call('GET', S .. 'd:' .. z[i])
  if body then
    ds[#ds + 1] = body
    ds[#ds + 1] = z[i + 1]
  end
end
return {v, allow, ds}
`)

// List implements Store.List: one script, so the snapshot is consistent
// with its version. In dry run it lists the simulated decisions.
func (r *Store) List(ctx context.Context) (blocklist.Snapshot, error) {
	res, err := listScript.Run(ctx, r.c, []string{r.space + "version"}, r.live, r.space).Slice()
	if err != nil {
		return blocklist.Snapshot{}, fmt.Errorf("blocklist: redis list: %w", err)
	}
	bad := func(what string) (blocklist.Snapshot, error) {
		return blocklist.Snapshot{}, fmt.Errorf("blocklist: redis list: unexpected reply (%s); is another portcullis version writing to key_prefix %q?", what, r.cfg.KeyPrefix)
	}
	if len(res) != 3 {
		return bad("length")
	}
	v, ok := res[0].(int64)
	allow, ok2 := res[1].([]any)
	ds, ok3 := res[2].([]any)
	if !ok || !ok2 || !ok3 || len(ds)%2 != 0 {
		return bad("types")
	}
	s := blocklist.Snapshot{Version: uint64(v), Allow: make([]string, 0, len(allow))}
	for _, a := range allow {
		e, _ := a.(string)
		s.Allow = append(s.Allow, e)
	}
	slices.Sort(s.Allow)
	type entry struct {
		d   *decision.Decision
		exp time.Time
	}
	es := make([]entry, 0, len(ds)/2)
	for i := 0; i < len(ds); i += 2 {
		body, _ := ds[i].(string)
		score, _ := ds[i+1].(string)
		ms, err := strconv.ParseFloat(score, 64)
		if err != nil {
			return bad("expiry")
		}
		d := new(decision.Decision)
		if err := json.Unmarshal([]byte(body), d); err != nil {
			return blocklist.Snapshot{}, fmt.Errorf("blocklist: redis list: %w", err)
		}
		d.FillOrigin()
		if err := d.FillAction(); err != nil {
			return blocklist.Snapshot{}, fmt.Errorf("blocklist: redis list: %w; remove it with portcullis blocklist remove", err)
		}
		es = append(es, entry{d, time.UnixMilli(int64(ms))})
	}
	slices.SortFunc(es, func(a, b entry) int {
		if c := a.d.TS.Compare(b.d.TS); c != 0 {
			return c
		}
		return strings.Compare(a.d.Client, b.d.Client)
	})
	s.Decisions = make([]*decision.Decision, len(es))
	s.Expires = make([]time.Time, len(es))
	for i, e := range es {
		s.Decisions[i], s.Expires[i] = e.d, e.exp
	}
	return s, nil
}

// allowScript: KEYS[1] P.."allow"; ARGV P, "allow"|"unallow", entry, entry
// as JSON, publish command. An allowlist change is announced in both key
// spaces, since both snapshots hold the allowlist.
var allowScript = redis.NewScript(`
local P, op, e, qe, pub = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local n
if op == 'allow' then n = redis.call('SADD', P .. 'allow', e) else n = redis.call('SREM', P .. 'allow', e) end
if n == 0 then return 0 end
redis.call('INCR', P .. 'allow:gen')
for _, S in ipairs({P, P .. 'sim:'}) do
  local v = redis.call('INCR', S .. 'version')
  redis.call(pub, S .. 'changes', string.format('{"v":%d,"op":"%s","entry":%s}', v, op, qe))
end
return 1
`)

// Allow implements Store.Allow. Decisions about clients the entry covers
// are removed from both key spaces; a batch applied meanwhile sees the new
// allowlist, so no block about them lands after Allow returns.
func (r *Store) Allow(ctx context.Context, entry string) error {
	entry = strings.TrimSpace(entry)
	al, err := decision.ParseAllowlist([]string{entry})
	if err != nil {
		return fmt.Errorf("blocklist: allow: %w", err)
	}
	if err := r.changeAllowlist(ctx, "allow", entry); err != nil {
		return err
	}
	var removed int
	for _, space := range []string{r.live, r.sim} {
		clients, err := r.c.ZRange(ctx, space+"index", 0, -1).Result()
		if err != nil {
			return fmt.Errorf("blocklist: allow %q: remove its active decisions: %w", entry, err)
		}
		for _, c := range clients {
			if !al.Covers(c) {
				continue
			}
			ok, err := r.remove(ctx, space, c)
			if err != nil {
				return fmt.Errorf("blocklist: allow %q: %w", entry, err)
			}
			if ok {
				removed++
			}
		}
	}
	r.logger.Info("allowlist entry added", "entry", entry, "unblocked", removed)
	return nil
}

// Unallow implements Store.Unallow.
func (r *Store) Unallow(ctx context.Context, entry string) error {
	entry = strings.TrimSpace(entry)
	if err := r.changeAllowlist(ctx, "unallow", entry); err != nil {
		return err
	}
	r.logger.Info("allowlist entry removed", "entry", entry)
	return nil
}

func (r *Store) changeAllowlist(ctx context.Context, op, entry string) error {
	qe, _ := json.Marshal(entry)
	if err := allowScript.Run(ctx, r.c, []string{r.live + "allow"}, r.live, op, entry, qe, r.pub).Err(); err != nil {
		return fmt.Errorf("blocklist: %s %q: %w", op, entry, err)
	}
	return nil
}

// Allowlist implements Store.Allowlist.
func (r *Store) Allowlist(ctx context.Context) ([]string, error) {
	es, err := r.c.SMembers(ctx, r.live+"allow").Result()
	if err != nil {
		return nil, fmt.Errorf("blocklist: redis allowlist: %w", err)
	}
	slices.Sort(es)
	return es, nil
}

// breakerScript: ARGV S, window ms. Returns {reason, at ms, pttl ms, recent}.
var breakerScript = redis.NewScript(`
local S, window = ARGV[1], tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', S .. 'breaker:window', '-inf', now - window)
local b = redis.call('HMGET', S .. 'breaker', 'reason', 'at')
return {b[1] or '', b[2] or '0', redis.call('PTTL', S .. 'breaker'), now, redis.call('ZCARD', S .. 'breaker:window')}
`)

// Breaker implements Store.Breaker.
func (r *Store) Breaker(ctx context.Context) (blocklist.BreakerState, error) {
	res, err := breakerScript.Run(ctx, r.c, []string{r.space + "breaker"}, r.space, r.cfg.Breaker.Window.Milliseconds()).Slice()
	if err != nil {
		return blocklist.BreakerState{}, fmt.Errorf("blocklist: redis breaker: %w", err)
	}
	if len(res) != 5 {
		return blocklist.BreakerState{}, fmt.Errorf("blocklist: redis breaker: unexpected reply of %d values", len(res))
	}
	reason, _ := res[0].(string)
	atS, _ := res[1].(string)
	pttl, _ := res[2].(int64)
	now, _ := res[3].(int64)
	recent, _ := res[4].(int64)
	s := blocklist.BreakerState{Recent: int(recent)}
	if pttl > 0 {
		at, _ := strconv.ParseInt(atS, 10, 64)
		s.Tripped, s.Reason = true, reason
		s.Since, s.Until = time.UnixMilli(at), time.UnixMilli(now+pttl)
	}
	return s, nil
}

// resetBreakerScript: ARGV S, publish command.
var resetBreakerScript = redis.NewScript(`
local S, pub = ARGV[1], ARGV[2]
local n = redis.call('DEL', S .. 'breaker')
redis.call('DEL', S .. 'breaker:window')
if n == 0 then return 0 end
local v = redis.call('INCR', S .. 'version')
redis.call(pub, S .. 'changes', string.format('{"v":%d,"op":"breaker_reset"}', v))
return 1
`)

// ResetBreaker implements Store.ResetBreaker.
func (r *Store) ResetBreaker(ctx context.Context) error {
	n, err := resetBreakerScript.Run(ctx, r.c, []string{r.space + "version"}, r.space, r.pub).Int()
	if err != nil {
		return fmt.Errorf("blocklist: redis reset breaker: %w", err)
	}
	if n == 1 {
		r.logger.Info("breaker reset by hand")
	}
	return nil
}

// Subscribe follows the changes of the store's key space. It returns once
// the subscription is in place, so every change made after it returns is
// delivered, in version order.
//
// The channel is closed when ctx ends. While Redis is unreachable the
// subscription reconnects by itself and changes made meanwhile are lost: a
// follower that sees a version other than one past the last resyncs from
// List. A follower that is slow to read holds up delivery; messages that
// cannot be delivered for a minute are dropped, and show as a gap.
func (r *Store) Subscribe(ctx context.Context) (<-chan blocklist.Change, error) {
	ch, err := redispubsub.Subscribe[blocklist.Change](ctx, r.c, r.pub == "SPUBLISH", r.Channel(), r.logger)
	if err != nil {
		return nil, fmt.Errorf("blocklist: %w", err)
	}
	return ch, nil
}

// Client returns the go-redis client the store uses, for callers that keep
// state of their own in the same Redis (a shared rate limiter, say). It
// must not be closed by the caller.
func (r *Store) Client() redis.UniversalClient { return r.c }
