package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Authenticator authenticates and authorizes the requests of the routes
// that ask for it. It is safe for concurrent use; Run keeps its keys
// fresh.
type Authenticator struct {
	cfg    Config
	routes map[string]*routeAuth
	jwt    *Verifier
	keys   *KeyRing
	authz  *Authorizer
	m      *metrics
	logger *slog.Logger
}

type routeAuth struct {
	Route
	jwt, key   bool     // the methods the route takes
	challenges []string // WWW-Authenticate values on a 401
	invalid    []string // the same, after a bad token
	ok         map[string]prometheus.Counter
}

// Option changes how New builds an Authenticator.
type Option func(*options)

type options struct {
	now    func() time.Time
	client *http.Client
}

// WithClock sets the clock that tokens and keys expire by (tests).
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithHTTPClient sets the client that fetches the JWKS.
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.client = c } }

// ErrConfig marks a configuration the Authenticator cannot work with.
var ErrConfig = errors.New("invalid auth configuration")

// New returns an Authenticator for cfg (taken WithDefaults and validated)
// over the gateway's routes. keys is the API-key store (nil when no route
// takes API keys). It reads the secrets, the pepper and the policy, and
// compiles the policy against routes. The metrics are registered on reg
// (nil: not registered).
func New(cfg Config, routes []Route, keys KeyStore, reg prometheus.Registerer, logger *slog.Logger, opts ...Option) (*Authenticator, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var o options
	for _, f := range opts {
		f(&o)
	}
	if o.now == nil {
		o.now = time.Now
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	logger = logger.With("component", "auth")
	a := &Authenticator{cfg: cfg, routes: map[string]*routeAuth{}, m: newMetrics(), logger: logger}
	if err := a.provisionRoutes(routes); err != nil {
		return nil, err
	}
	if err := a.provisionCredentials(keys, o, logger); err != nil {
		return nil, err
	}
	if reg != nil {
		for _, c := range a.m.collectors() {
			if err := reg.Register(c); err != nil {
				return nil, fmt.Errorf("auth: registering metrics: %w", err)
			}
		}
	}
	return a, nil
}

// provisionRoutes sets up the routes that take credentials, and the
// policy that authorizes their requests.
func (a *Authenticator) provisionRoutes(routes []Route) error {
	cfg := a.cfg
	var errs []error
	protected := false
	for _, r := range routes {
		if r.Auth == "" {
			r.Auth = ModeNone
		}
		ra := &routeAuth{Route: r, ok: map[string]prometheus.Counter{}}
		switch r.Auth {
		case ModeNone:
			continue
		case ModeJWT:
			ra.jwt = true
		case ModeAPIKey:
			ra.key = true
		case ModeAny:
			ra.jwt, ra.key = cfg.JWTEnabled(), cfg.APIKeysEnabled()
		default:
			errs = append(errs, fmt.Errorf("auth: %w: route %q: auth %q; use none, jwt, api_key or any", ErrConfig, r.Name, r.Auth))
			continue
		}
		protected = true
		if (r.Auth == ModeJWT || r.Auth == ModeAny) && !cfg.JWTEnabled() && !ra.key {
			errs = append(errs, fmt.Errorf("auth: %w: route %q takes JWTs but auth.jwt.issuers is empty; configure an issuer", ErrConfig, r.Name))
		}
		if r.Auth == ModeAPIKey && !cfg.APIKeysEnabled() {
			errs = append(errs, fmt.Errorf("auth: %w: route %q takes API keys but auth.api_keys.store is not set; choose redis or file", ErrConfig, r.Name))
		}
		if ra.jwt {
			ra.challenges = append(ra.challenges, `Bearer realm="portcullis"`)
			ra.invalid = append(ra.invalid, `Bearer realm="portcullis", error="invalid_token"`)
			ra.ok["jwt"] = a.m.ok.WithLabelValues(r.Name, "jwt")
		}
		if ra.key {
			c := fmt.Sprintf(`APIKey realm="portcullis", header=%q`, cfg.APIKeys.Header)
			ra.challenges = append(ra.challenges, c)
			ra.invalid = append(ra.invalid, c)
			ra.ok["api_key"] = a.m.ok.WithLabelValues(r.Name, "api_key")
		}
		a.routes[r.Name] = ra
	}

	if protected {
		switch p, err := cfg.RBAC.Resolve(); {
		case err != nil:
			errs = append(errs, err)
		case p == nil:
			errs = append(errs, fmt.Errorf("auth: %w: routes take credentials but there is no rbac policy (deny by default); set auth.rbac.policy_file, or a rule with roles [\"*\"] to let any authenticated client through", ErrConfig))
		default:
			authz, err := Compile(*p, routes)
			if err != nil {
				errs = append(errs, err)
			}
			a.authz = authz
		}
	}
	return errors.Join(errs...)
}

// provisionCredentials sets up the JWT verifier and the API-key ring the
// config asks for.
func (a *Authenticator) provisionCredentials(keys KeyStore, o options, logger *slog.Logger) error {
	cfg := a.cfg
	if cfg.JWTEnabled() {
		v, err := NewVerifier(cfg.JWT, o.client, o.now, logger)
		if err != nil {
			return err
		}
		a.jwt = v
	}
	if cfg.APIKeysEnabled() {
		if keys == nil {
			return fmt.Errorf("auth: %w: api_keys.store is %s but no key store was given", ErrConfig, cfg.APIKeys.Store)
		}
		pepper, err := cfg.APIKeys.Pepper()
		if err != nil {
			return err
		}
		h, err := NewHasher(pepper)
		if err != nil {
			return err
		}
		a.keys = NewKeyRing(keys, h, cfg.APIKeys.ProbeInterval, cfg.APIKeys.ResyncInterval, o.now, logger)
		a.m.usage = newUsageCollector(a.keys, cfg.APIKeys.UsageTopK)
	}
	return nil
}

// Run keeps the JWKS and the API keys fresh until ctx ends, then returns
// nil.
func (a *Authenticator) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	if a.jwt != nil {
		wg.Go(func() { a.jwt.Run(ctx) })
	}
	if a.keys != nil {
		wg.Go(func() { a.keys.Run(ctx) })
	}
	wg.Wait()
	return nil
}

// Keys returns the API-key ring; nil without API keys.
func (a *Authenticator) Keys() *KeyRing { return a.keys }

// Verifier returns the JWT verifier; nil without issuers.
func (a *Authenticator) Verifier() *Verifier { return a.jwt }

// Authorizer returns the compiled policy; nil when no route takes
// credentials.
func (a *Authenticator) Authorizer() *Authorizer { return a.authz }

// Protects says whether the route named route takes credentials.
func (a *Authenticator) Protects(route string) bool { return a.routes[route] != nil }

// Result is the outcome of Check.
type Result struct {
	// Status is 0 when the request may go on, else 401 or 403.
	Status int
	// Challenges are the WWW-Authenticate values of a 401; shared, not to
	// be changed.
	Challenges []string
	// Identity is who the request comes from; nil unless authenticated.
	Identity *Identity
	// Err is why the request was refused, wrapping a sentinel error, for
	// logs only: it never goes to the client.
	Err error
	// Decision is the policy's, once authenticated.
	Decision Decision
}

// Check authenticates and authorizes r on the route named route. It
// removes the credentials it consumed from r unless the route forwards
// them, and takes an API key out of r.RequestURI (which the access log
// records) in any case.
func (a *Authenticator) Check(r *http.Request, route string) Result {
	ra := a.routes[route]
	if ra == nil {
		return Result{}
	}
	id, usedAuthorization, err := a.authenticate(r, ra)
	a.strip(r, ra, usedAuthorization)
	if err != nil {
		a.fail(r, ra, err)
		ch := ra.challenges
		if !errors.Is(err, ErrNoCredentials) {
			ch = ra.invalid
		}
		return Result{Status: http.StatusUnauthorized, Challenges: ch, Err: err}
	}
	d := a.authz.Decide(r.Method, r.URL.Path, id.Roles)
	if !d.Allowed {
		err := fmt.Errorf("%w: %s", ErrForbidden, d.Explain())
		a.fail(r, ra, err)
		return Result{Status: http.StatusForbidden, Identity: id, Err: err, Decision: d}
	}
	ra.ok[id.Method].Inc()
	return Result{Identity: id, Decision: d}
}

// authenticate finds the route's credentials in r and checks them; it
// says whether it used the Authorization header.
func (a *Authenticator) authenticate(r *http.Request, ra *routeAuth) (id *Identity, usedAuthorization bool, err error) {
	if h := r.Header.Get("Authorization"); h != "" {
		tok, err := ParseBearer(h)
		switch {
		case err == nil && ra.key && strings.HasPrefix(tok, keyPrefix): // an API key sent as a bearer token
			id, err := a.keys.Check(tok)
			return id, true, err
		case ra.jwt && err != nil:
			return nil, true, err
		case ra.jwt:
			id, err := a.jwt.Verify(r.Context(), tok)
			return id, true, err
		}
		// On a route that takes only API keys, another Authorization
		// header is not the gateway's.
	}
	if ra.key {
		if k := r.Header.Get(a.cfg.APIKeys.Header); k != "" {
			id, err := a.keys.Check(k)
			return id, false, err
		}
		if ra.APIKeyQuery && r.URL.RawQuery != "" {
			if k := r.URL.Query().Get(a.cfg.APIKeys.QueryParam); k != "" {
				id, err := a.keys.Check(k)
				return id, false, err
			}
		}
	}
	return nil, false, ErrNoCredentials
}

// strip removes the credentials the route consumes from r, unless it
// forwards them, and redacts a query key from r.RequestURI.
func (a *Authenticator) strip(r *http.Request, ra *routeAuth, usedAuthorization bool) {
	if ra.APIKeyQuery && r.URL.RawQuery != "" && strings.Contains(r.URL.RawQuery, a.cfg.APIKeys.QueryParam+"=") {
		q := r.URL.Query()
		if q.Has(a.cfg.APIKeys.QueryParam) {
			q.Set(a.cfg.APIKeys.QueryParam, "redacted")
			u := *r.URL
			u.RawQuery = q.Encode()
			r.RequestURI = u.RequestURI()
			if !ra.ForwardCredentials {
				q.Del(a.cfg.APIKeys.QueryParam)
				r.URL.RawQuery = q.Encode()
			}
		}
	}
	if ra.ForwardCredentials {
		return
	}
	h := r.Header
	if usedAuthorization {
		h.Del("Authorization")
	}
	if ra.key {
		h.Del(a.cfg.APIKeys.Header)
	}
}

func (a *Authenticator) fail(r *http.Request, ra *routeAuth, err error) {
	reason := Reason(err)
	a.m.failures.WithLabelValues(ra.Name, reason).Inc()
	if a.logger.Enabled(r.Context(), slog.LevelDebug) {
		a.logger.LogAttrs(r.Context(), slog.LevelDebug, "request refused by auth",
			slog.String("route", ra.Name), slog.String("reason", reason), slog.String("detail", err.Error()))
	}
}

// ExplainRoles says what the policy decides for roles on method and path,
// for portcullis gateway check-policy.
func (a *Authenticator) ExplainRoles(method, urlPath string, roles []string) Decision {
	if a.authz == nil {
		return Decision{Rule: -1}
	}
	return a.authz.Decide(method, urlPath, roles)
}

// URLPathOf returns the path of a request target such as /x?y=1.
func URLPathOf(target string) (string, error) {
	u, err := url.ParseRequestURI(target)
	if err != nil {
		return "", fmt.Errorf("path %q: %w", target, err)
	}
	return u.Path, nil
}
