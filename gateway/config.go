package gateway

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/blocklist/httpcheck"
	"github.com/portcullis/portcullis/challenge"
	"github.com/portcullis/portcullis/gateway/auth"
	"github.com/portcullis/portcullis/gateway/waf"
)

// Config configures a Gateway. It is read from YAML; the caller rejects
// unknown keys (KnownFields).
type Config struct {
	// Listen is host:port of the data listener.
	Listen string `yaml:"listen"`
	// Admin is host:port of the admin listener, which serves AdminHandler.
	Admin  string  `yaml:"admin"`
	Routes []Route `yaml:"routes"`
	Limits Limits  `yaml:"limits"`
	// RateLimits are per-endpoint limits learned by portcullis train, on
	// every route besides its own rate_limit (learned.go).
	RateLimits LearnedLimits `yaml:"rate_limits"`
	// Timeouts of the listener and of the upstream calls.
	Timeouts Timeouts `yaml:"timeouts"`
	// RequestIdentity names the client of a request: the trusted proxies
	// and the forwarding header each writes, the API-key and user headers.
	// It is the blocklist check's own config (httpcheck.Middleware), so
	// the check, the rate limits and the access log name one client.
	httpcheck.RequestIdentity `yaml:",inline"`
	AccessLog                 AccessLog `yaml:"access_log"`

	// Security: TLS on the data listener, the strict request checks and
	// the queue of detect-mode WAF inspections (security.go).
	TLS        TLS        `yaml:"tls"`
	Validation Validation `yaml:"validation"`
	WAFDetect  WAFDetect  `yaml:"waf_detect"`
	// Auth configures authentication (JWT issuers, API keys) and the RBAC
	// policy of the routes whose Auth is set; see package gateway/auth.
	Auth auth.Config `yaml:"auth"`
	// Challenge configures the proof-of-work challenge (package
	// challenge) served to the clients of challenge decisions on browser
	// routes.
	Challenge challenge.Config `yaml:"challenge"`
}

// Route sends the requests under PathPrefix to its upstreams.
type Route struct {
	// Name labels the route in metrics; it must be unique.
	Name string `yaml:"name"`
	// PathPrefix matches a path equal to it or continuing it at a '/'.
	// The longest matching prefix wins.
	PathPrefix string `yaml:"path_prefix"`
	// Methods, when set, are the only methods the route accepts.
	Methods []string `yaml:"methods"`
	// Upstreams are absolute http(s) URLs, used in turn (round robin).
	Upstreams []string  `yaml:"upstreams"`
	RateLimit RateLimit `yaml:"rate_limit"`
	// FailMode is the blocklist check's fail mode for this route: "open",
	// "closed", or empty for the Checker's own.
	FailMode string `yaml:"fail_mode"`
	// Class is who the route serves: browser (the default), or api for
	// programs, which a challenge decision throttles instead of sending
	// them a page no program would solve.
	Class string `yaml:"class"`
	// StripPrefix removes PathPrefix from the path sent upstream.
	StripPrefix bool `yaml:"strip_prefix"`
	// WebSocket lets a GET with Upgrade: websocket open a tunnel to the
	// upstream; without it every upgrade is refused (upgrade.go).
	WebSocket bool `yaml:"websocket"`

	// UpstreamTLS, when set, is the TLS (and mTLS) to https upstreams.
	UpstreamTLS *UpstreamTLS `yaml:"upstream_tls"`
	// WAF is the route's web application firewall; none by default.
	WAF waf.Config `yaml:"waf"`
	// Auth is the credentials the route takes: none (the default), jwt,
	// api_key, or any of the configured ones.
	Auth string `yaml:"auth"`
	// ForwardCredentials sends the credentials the gateway consumed
	// (Authorization header, API key) upstream; by default they are removed.
	ForwardCredentials bool `yaml:"forward_credentials"`
	// APIKeyQuery lets the API key come in the query parameter
	// auth.api_keys.query_param as well as in the header.
	APIKeyQuery bool `yaml:"api_key_query"`
	// AuthFailures limits the failed authentications (401) of a client on
	// a route that takes credentials: once its bucket is empty the client
	// gets 429 without its credentials being tried. The default is
	// DefaultAuthFailures; it applies besides RateLimit.
	AuthFailures RateLimit `yaml:"auth_failures"`
}

// DefaultAuthFailures is the failed-authentication limit of a route that
// takes credentials: 10 at once, then one a second, per client. Guessing
// keys or passwords at that rate is hopeless; a client that mistyped
// waits a second.
var DefaultAuthFailures = RateLimit{RPS: 1, Burst: 10}

// RateLimit is a per-client token bucket: RPS tokens a second, up to
// Burst. A zero RPS means no limit.
type RateLimit struct {
	RPS float64 `yaml:"rps"`
	// Burst defaults to RPS rounded up.
	Burst int `yaml:"burst"`
	// Shared keeps the buckets in the SharedLimiter (Redis), so every
	// gateway instance counts against the same limit. Without a
	// SharedLimiter, or while it fails, the local buckets apply.
	Shared bool `yaml:"shared"`
}

// Limits bound the size of a request.
type Limits struct {
	MaxBodyBytes   int64 `yaml:"max_body_bytes"`
	MaxHeaderBytes int   `yaml:"max_header_bytes"`
	MaxURLLength   int   `yaml:"max_url_length"`
	// MaxHeaders bounds the header lines of a request (431 past it).
	MaxHeaders int `yaml:"max_headers"`
}

// Timeouts of the data listener (ReadHeader, Read, Write, Idle, as in
// http.Server; ReadHeader also bounds the TLS handshake) and of the
// upstream calls: UpstreamDial bounds the TCP connect,
// UpstreamTLSHandshake the TLS handshake, UpstreamResponseHeader the wait
// for the response headers, Upstream the whole proxied exchange.
type Timeouts struct {
	ReadHeader             time.Duration `yaml:"read_header"`
	Read                   time.Duration `yaml:"read"`
	Write                  time.Duration `yaml:"write"`
	Idle                   time.Duration `yaml:"idle"`
	UpstreamDial           time.Duration `yaml:"upstream_dial"`
	UpstreamResponseHeader time.Duration `yaml:"upstream_response_header"`
	Upstream               time.Duration `yaml:"upstream"`
	UpstreamTLSHandshake   time.Duration `yaml:"upstream_tls_handshake"`
	// TunnelRecheck is how often the blocklist is asked again about the
	// client of an open WebSocket tunnel, which closes once it is blocked.
	TunnelRecheck time.Duration `yaml:"tunnel_recheck"`
}

// AccessLog configures the access-log records sent to the LogSink.
type AccessLog struct {
	Enabled bool `yaml:"enabled"`
	// Buffer is how many records wait for the sink before new ones are
	// dropped (and counted).
	Buffer int `yaml:"buffer"`
}

// Defaults.
const (
	DefaultMaxBodyBytes          = 10 << 20
	DefaultMaxHeaderBytes        = 32 << 10
	DefaultMaxURLLength          = 8 << 10
	DefaultMaxHeaders            = 100
	DefaultReadHeaderTimeout     = 10 * time.Second
	DefaultReadTimeout           = 60 * time.Second
	DefaultWriteTimeout          = 90 * time.Second
	DefaultIdleTimeout           = 120 * time.Second
	DefaultUpstreamDialTimeout   = 5 * time.Second
	DefaultUpstreamHeaderTimeout = 30 * time.Second
	DefaultUpstreamTimeout       = 60 * time.Second
	DefaultAccessLogBuffer       = 10000
	defaultListen                = ":8080"
	defaultAdmin                 = "127.0.0.1:9180"
)

// WithDefaults returns c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	setDefault(&c.Listen, defaultListen)
	setDefault(&c.Admin, defaultAdmin)
	setDefault(&c.Limits.MaxBodyBytes, DefaultMaxBodyBytes)
	setDefault(&c.Limits.MaxHeaderBytes, DefaultMaxHeaderBytes)
	setDefault(&c.Limits.MaxURLLength, DefaultMaxURLLength)
	setDefault(&c.Limits.MaxHeaders, DefaultMaxHeaders)
	t := &c.Timeouts
	setDefault(&t.ReadHeader, DefaultReadHeaderTimeout)
	setDefault(&t.Read, DefaultReadTimeout)
	setDefault(&t.Write, DefaultWriteTimeout)
	setDefault(&t.Idle, DefaultIdleTimeout)
	setDefault(&t.UpstreamDial, DefaultUpstreamDialTimeout)
	setDefault(&t.UpstreamResponseHeader, DefaultUpstreamHeaderTimeout)
	setDefault(&t.Upstream, DefaultUpstreamTimeout)
	setDefault(&t.TunnelRecheck, DefaultTunnelRecheck)
	setDefault(&c.AccessLog.Buffer, DefaultAccessLogBuffer)
	c.Challenge = c.Challenge.WithDefaults()
	c.Routes = slices.Clone(c.Routes)
	for i := range c.Routes {
		r := &c.Routes[i]
		if r.RateLimit.RPS > 0 && r.RateLimit.Burst == 0 {
			r.RateLimit.Burst = max(1, int(math.Ceil(r.RateLimit.RPS)))
		}
		if r.Auth != "" && r.Auth != "none" && r.AuthFailures == (RateLimit{}) {
			r.AuthFailures = DefaultAuthFailures
		}
		if r.AuthFailures.RPS > 0 && r.AuthFailures.Burst == 0 {
			r.AuthFailures.Burst = max(1, int(math.Ceil(r.AuthFailures.RPS)))
		}
	}
	return c.withSecurityDefaults()
}

func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// Validate reports what is wrong with c, after WithDefaults, naming what
// to fix.
func (c Config) Validate() error {
	errs := c.validateRoutes()
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("gateway: "+format, args...))
	}
	if c.Limits.MaxBodyBytes <= 0 || c.Limits.MaxHeaderBytes <= 0 || c.Limits.MaxURLLength <= 0 || c.Limits.MaxHeaders <= 0 {
		bad("limits %+v: every limit must be above 0", c.Limits)
	}
	t := c.Timeouts
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"read_header", t.ReadHeader}, {"read", t.Read}, {"write", t.Write}, {"idle", t.Idle},
		{"upstream_dial", t.UpstreamDial}, {"upstream_response_header", t.UpstreamResponseHeader}, {"upstream", t.Upstream},
		{"tunnel_recheck", t.TunnelRecheck}} {
		if d.v <= 0 {
			bad("timeouts.%s is %v; set it above 0", d.name, d.v)
		}
	}
	if t.Write > 0 && t.Upstream > t.Write {
		bad("timeouts.upstream (%v) is above timeouts.write (%v): the listener would cut responses the upstream is still allowed to send; raise write or lower upstream", t.Upstream, t.Write)
	}
	if err := c.RequestIdentity.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("gateway: %w", err))
	}
	if c.AccessLog.Buffer <= 0 {
		bad("access_log.buffer is %d; set it above 0", c.AccessLog.Buffer)
	}
	errs = append(errs, c.RateLimits.validate()...)
	if err := c.Challenge.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("gateway: %w", err))
	}
	errs = append(errs, c.validateSecurity()...)
	errs = append(errs, c.validateAuth()...)
	return errors.Join(errs...)
}

// validateRoutes reports what is wrong with c's routes.
func (c Config) validateRoutes() []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("gateway: "+format, args...))
	}
	if len(c.Routes) == 0 {
		bad("no routes; add at least one under routes: with a name, a path_prefix and upstreams")
	}
	names := map[string]bool{}
	for i, r := range c.Routes {
		where := fmt.Sprintf("route %d (%q)", i, r.Name)
		if r.Name == "" {
			bad("route %d has no name; give it one, it labels the metrics", i)
		} else if names[r.Name] {
			bad("%s: the name is used twice; route names must be unique", where)
		}
		names[r.Name] = true
		if !strings.HasPrefix(r.PathPrefix, "/") {
			bad("%s: path_prefix %q must start with '/'", where, r.PathPrefix)
		} else if norm, reason := normalizeRawPath(r.PathPrefix); reason != "" || norm != r.PathPrefix || strings.ContainsAny(r.PathPrefix, "; \t") {
			bad("%s: path_prefix %q is not in normal form; write it without '.', '..' or empty segments, ';' parameters, spaces or escaped letters (requests are matched after the same normalisation)", where, r.PathPrefix)
		}
		for j := range i {
			if o := c.Routes[j]; o.PathPrefix == r.PathPrefix && methodsOverlap(o.Methods, r.Methods) {
				bad("%s: path_prefix %q is also route %q's, for the same methods; merge them or split their methods", where, r.PathPrefix, o.Name)
			}
		}
		for _, m := range r.Methods {
			if !isMethod(m) {
				bad("%s: method %q must be upper case, as in GET", where, m)
			}
		}
		if len(r.Upstreams) == 0 {
			bad("%s: no upstreams; list at least one URL such as http://10.0.0.5:8080", where)
		}
		for _, u := range r.Upstreams {
			if _, err := parseUpstream(u); err != nil {
				bad("%s: %v", where, err)
			}
		}
		if _, err := parseFailMode(r.FailMode); err != nil {
			bad("%s: %v", where, err)
		}
		if r.Class != "" && r.Class != ClassAPI && r.Class != ClassBrowser {
			bad("%s: class %q: use %s (programs: never challenged) or %s (the default)", where, r.Class, ClassAPI, ClassBrowser)
		}
		if af := r.AuthFailures; af.RPS < 0 || af.Burst < 0 || af.Shared || af.RPS == 0 && af.Burst > 0 {
			bad("%s: auth_failures rps %v, burst %d, shared %v: set rps above 0 and burst at least 1 (local buckets only)", where, af.RPS, af.Burst, af.Shared)
		}
		if rl := r.RateLimit; rl.RPS < 0 || rl.Burst < 0 || (rl.RPS == 0 && (rl.Burst > 0 || rl.Shared)) {
			bad("%s: rate_limit rps %v, burst %d: set rps above 0 (and burst at least 1), or leave both unset for no limit", where, rl.RPS, rl.Burst)
		}
	}
	return errs
}

func methodsOverlap(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return true
	}
	for _, m := range a {
		if slices.Contains(b, m) {
			return true
		}
	}
	return false
}

func parseUpstream(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("upstream %q is not an absolute http(s) URL without query; write it as http://host:port[/path]", s)
	}
	return u, nil
}

func parseFailMode(s string) (blocklist.FailMode, error) {
	switch s {
	case "":
		return 0, nil
	case "open":
		return blocklist.FailOpen, nil
	case "closed":
		return blocklist.FailClosed, nil
	}
	return 0, fmt.Errorf("fail_mode %q: use open (serve when the blocklist view is stale), closed (refuse), or leave it empty for the checker's", s)
}
