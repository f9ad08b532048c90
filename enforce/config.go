package enforce

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"time"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/blocklist/httpcheck"
	"github.com/portcullis/portcullis/blocklist/redisstore"
)

// Config configures a Service: one YAML document. Unknown keys are an
// error.
type Config struct {
	// Listen is the address of the HTTP forward-auth listener, which the
	// proxy asks on every request ("127.0.0.1:9180"; port 0 picks one).
	Listen string `yaml:"listen"`
	// GRPCListen is the address of the Envoy ext_authz (v3) listener;
	// empty turns it off.
	GRPCListen string `yaml:"grpc_listen"`
	// Admin is the address of /metrics, /healthz and /readyz.
	Admin string `yaml:"admin"`

	// Client says where a question names the client.
	Client ClientConfig `yaml:"client"`
	// Refuse says how a refusal looks.
	Refuse RefuseConfig `yaml:"refuse"`
	// Routes give paths a fail mode of their own, by the longest matching
	// prefix of the original URI.
	Routes []Route `yaml:"routes"`
	// Challenge says where challenge decisions send browsers.
	Challenge ChallengeConfig `yaml:"challenge"`

	Blocklist BlocklistConfig `yaml:"blocklist"`
}

// BlocklistConfig is where the decisions are and what to do when the view
// of them is stale.
type BlocklistConfig struct {
	Redis redisstore.Config `yaml:"redis"`
	// FailMode applies once the view is older than MaxStaleness: "open"
	// (keep enforcing the blocks held, let everyone else through) or
	// "closed" (refuse all but the allowlist). It must be set.
	FailMode       string        `yaml:"fail_mode"`
	MaxStaleness   time.Duration `yaml:"max_staleness"`
	ResyncInterval time.Duration `yaml:"resync_interval"`
	ProbeInterval  time.Duration `yaml:"probe_interval"`
}

// ClientConfig says which headers of a question name the client, its API
// key, its user and the request it asks about. The client is named as the
// reference gateway and httpcheck.Middleware name it: by a
// httpcheck.RequestIdentity (trusted_proxies, proxies, api_key_header,
// user_header), and a presented API key by its id (httpcheck.APIKeyID),
// never by the key itself.
type ClientConfig struct {
	// RequestIdentity's TrustedProxies are the proxy asking, and any load
	// balancer in front of it, whose X-Forwarded-For is believed; its
	// Proxies name those that write another header (x-real-ip,
	// forwarded). A question from any other peer is about the peer
	// itself.
	httpcheck.RequestIdentity `yaml:",inline"`
	// IPHeader is the header trusted_proxies write: X-Forwarded-For (the
	// default: walked from the right, past trusted proxies, to the first
	// address that is not one) or X-Real-IP (one address, set by the
	// proxy), which reads as proxies: [{addrs: <trusted_proxies>,
	// forwarded_header: x-real-ip}].
	IPHeader string `yaml:"ip_header"`
	// URIHeader names the header with the original request's URI, which
	// picks a route's fail mode. Default X-Forwarded-Uri, as Caddy and
	// Traefik send it (the nginx example sets it too).
	URIHeader string `yaml:"uri_header"`
}

// Identity returns the httpcheck.RequestIdentity c describes, with
// ip_header X-Real-IP turned into a proxies entry for trusted_proxies.
// Take c WithDefaults.
func (c ClientConfig) Identity() httpcheck.RequestIdentity {
	id := c.RequestIdentity
	if c.IPHeader == "X-Real-Ip" && len(id.TrustedProxies) > 0 {
		id.Proxies = append(slices.Clone(id.Proxies), httpcheck.TrustedProxy{Addrs: id.TrustedProxies, ForwardedHeader: httpcheck.HeaderXRealIP})
		id.TrustedProxies = nil
	}
	return id
}

// RefuseConfig says how a refusal looks.
type RefuseConfig struct {
	// Status is 403 (the default) or 429, which adds Retry-After. nginx's
	// auth_request passes only 401 and 403 through, so keep 403 for nginx.
	Status int `yaml:"status"`
	// MaxRetryAfter caps Retry-After; default 1h. A refusal by the fail
	// mode, which has no expiry, gets the probe interval.
	MaxRetryAfter time.Duration `yaml:"max_retry_after"`
	// ThrottleStatus is the status of a throttle decision's refusal past
	// its rate: 429 (the default, with Retry-After) or 401 for nginx,
	// whose auth_request passes on only 401 and 403: the nginx example
	// turns that 401 into 429 with the Retry-After enforce named.
	ThrottleStatus int `yaml:"throttle_status"`
	// DecisionHeader names the response header that carries the id of the
	// decision behind a refusal (see DecisionID), for the proxy's log.
	// Default X-Portcullis-Decision.
	DecisionHeader string `yaml:"decision_header"`
}

// refusal is the httpcheck.Refusal c describes, for a Checker whose probe
// interval is probe.
func (c RefuseConfig) refusal(probe time.Duration) httpcheck.Refusal {
	return httpcheck.Refusal{Status: c.Status, MaxRetryAfter: c.MaxRetryAfter, StaleRetryAfter: probe}.WithDefaults()
}

// Route gives the requests under PathPrefix a fail mode of their own.
type Route struct {
	PathPrefix string `yaml:"path_prefix"`
	FailMode   string `yaml:"fail_mode"`
	// Class is api for routes that serve programs, where a challenge
	// decision is throttled, never redirected to a page; browser (the
	// default) otherwise.
	Class string `yaml:"class"`
}

// Defaults for Config.
const (
	DefaultListen         = "127.0.0.1:9180"
	DefaultAdmin          = "127.0.0.1:9181"
	DefaultIPHeader       = "X-Forwarded-For"
	DefaultURIHeader      = "X-Forwarded-Uri"
	DefaultDecisionHeader = "X-Portcullis-Decision"
	DefaultMaxRetryAfter  = time.Hour
)

// WithDefaults returns c with zero fields set to their defaults, and header
// names in their canonical form.
func (c Config) WithDefaults() Config {
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if c.Admin == "" {
		c.Admin = DefaultAdmin
	}
	if c.Client.IPHeader == "" {
		c.Client.IPHeader = DefaultIPHeader
	}
	if c.Client.URIHeader == "" {
		c.Client.URIHeader = DefaultURIHeader
	}
	if c.Refuse.Status == 0 {
		c.Refuse.Status = http.StatusForbidden
	}
	if c.Refuse.ThrottleStatus == 0 {
		c.Refuse.ThrottleStatus = http.StatusTooManyRequests
	}
	if c.Challenge.Status == 0 {
		c.Challenge.Status = http.StatusFound
	}
	c.Challenge.Config = c.Challenge.Config.WithDefaults()
	if c.Refuse.MaxRetryAfter == 0 {
		c.Refuse.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if c.Refuse.DecisionHeader == "" {
		c.Refuse.DecisionHeader = DefaultDecisionHeader
	}
	canon := func(s *string) {
		if *s != "" {
			*s = textproto.CanonicalMIMEHeaderKey(*s)
		}
	}
	canon(&c.Client.IPHeader)
	canon(&c.Client.URIHeader)
	canon(&c.Refuse.DecisionHeader)
	c.Blocklist.Redis = c.Blocklist.Redis.WithDefaults()
	return c
}

// Validate reports what is wrong with c, after WithDefaults.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("enforce: "+format, args...))
	}
	for _, l := range []struct{ key, addr string }{{"listen", c.Listen}, {"grpc_listen", c.GRPCListen}, {"admin", c.Admin}} {
		if l.addr == "" {
			continue
		}
		if _, _, err := net.SplitHostPort(l.addr); err != nil {
			bad("%s %q is not host:port; write it like 127.0.0.1:9180", l.key, l.addr)
		}
	}
	switch c.Client.IPHeader {
	case "X-Forwarded-For", "X-Real-Ip":
	default:
		bad("client.ip_header is %q; set it to X-Forwarded-For or X-Real-IP", c.Client.IPHeader)
	}
	if len(c.Client.TrustedProxies) == 0 && len(c.Client.Proxies) == 0 {
		bad("client.trusted_proxies is empty, so every question would be about the proxy itself; list the proxy's address, such as 127.0.0.1/32")
	}
	if err := c.Client.Identity().Validate(); err != nil {
		bad("client: %w", err)
	}
	if c.Refuse.Status != http.StatusForbidden && c.Refuse.Status != http.StatusTooManyRequests {
		bad("refuse.status is %d; set it to 403 or 429", c.Refuse.Status)
	}
	if c.Refuse.ThrottleStatus != http.StatusTooManyRequests && c.Refuse.ThrottleStatus != http.StatusUnauthorized {
		bad("refuse.throttle_status is %d; set it to 429, or 401 for nginx (see examples/nginx)", c.Refuse.ThrottleStatus)
	}
	if c.Refuse.MaxRetryAfter < time.Second {
		bad("refuse.max_retry_after is %v; set it to 1s or more", c.Refuse.MaxRetryAfter)
	}
	if _, err := parseFailMode(c.Blocklist.FailMode); err != nil || c.Blocklist.FailMode == "" {
		bad("blocklist.fail_mode is %q; set it to open (serve when the blocklist is stale) or closed (refuse all but the allowlist)", c.Blocklist.FailMode)
	}
	for i, r := range c.Routes {
		if !strings.HasPrefix(r.PathPrefix, "/") {
			bad("routes[%d].path_prefix is %q; start it with /", i, r.PathPrefix)
		}
		if _, err := parseFailMode(r.FailMode); err != nil || r.FailMode == "" {
			bad("routes[%d].fail_mode is %q; set it to open or closed", i, r.FailMode)
		}
		if r.Class != "" && r.Class != classAPI && r.Class != classBrowser {
			bad("routes[%d].class is %q; set it to api (never challenged) or browser (the default)", i, r.Class)
		}
	}
	if err := c.Challenge.validate(); err != nil {
		bad("%w", err)
	}
	if err := c.Blocklist.Redis.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.checkerConfig(nil).Validate(); err != nil && c.Blocklist.FailMode != "" {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// checkerConfig is the blocklist.CheckerConfig c describes.
func (c Config) checkerConfig(onApplied func(time.Duration)) blocklist.CheckerConfig {
	mode, _ := parseFailMode(c.Blocklist.FailMode)
	return blocklist.CheckerConfig{
		FailMode:       mode,
		MaxStaleness:   c.Blocklist.MaxStaleness,
		ResyncInterval: c.Blocklist.ResyncInterval,
		ProbeInterval:  c.Blocklist.ProbeInterval,
		OnApplied:      onApplied,
	}.WithDefaults()
}

func parseFailMode(s string) (blocklist.FailMode, error) {
	switch s {
	case "open":
		return blocklist.FailOpen, nil
	case "closed":
		return blocklist.FailClosed, nil
	case "":
		return 0, nil
	}
	return 0, fmt.Errorf("fail mode %q is neither open nor closed", s)
}
