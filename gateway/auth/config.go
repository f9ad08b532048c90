package auth

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
)

// Mode is the authentication a route asks for.
type Mode string

// Modes. Any accepts any of the methods configured (a JWT or an API key).
const (
	ModeNone   Mode = "none"
	ModeJWT    Mode = "jwt"
	ModeAPIKey Mode = "api_key"
	ModeAny    Mode = "any"
)

// ParseMode parses a route's auth setting; empty is ModeNone.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case "":
		return ModeNone, nil
	case ModeNone, ModeJWT, ModeAPIKey, ModeAny:
		return m, nil
	}
	return "", fmt.Errorf("auth %q: use none, jwt, api_key or any", s)
}

// Route is what the Authenticator knows of a gateway route.
type Route struct {
	Name       string
	PathPrefix string
	// Methods, when set, are the only methods the route serves.
	Methods []string
	Auth    Mode
	// ForwardCredentials sends the consumed credentials (Authorization
	// header, API key header or query parameter) upstream.
	ForwardCredentials bool
	// APIKeyQuery lets the API key come in the query parameter.
	APIKeyQuery bool
}

// Config configures authentication and authorization. It is the auth
// section of the gateway's YAML.
type Config struct {
	JWT     JWTConfig    `yaml:"jwt"`
	APIKeys APIKeyConfig `yaml:"api_keys"`
	RBAC    RBACConfig   `yaml:"rbac"`
}

// JWTConfig configures JWT (OAuth 2.0 access token) authentication.
type JWTConfig struct {
	Issuers []Issuer `yaml:"issuers"`
	// Leeway is the clock skew allowed on exp, nbf and iat.
	Leeway time.Duration `yaml:"leeway"`
	// RolesClaim names the claim holding the roles: an array of strings
	// (roles, groups) or a space-separated string (scope).
	RolesClaim string `yaml:"roles_claim"`
	// CacheSize bounds the verified tokens kept until they expire.
	CacheSize int `yaml:"cache_size"`
}

// Issuer is a token issuer: its iss, its audiences, the algorithms it may
// use and where its keys come from (a JWKS URL for RS, PS, ES and EdDSA, a
// shared secret for HS). An issuer uses either kind, never both, so a
// public key can never serve as an HMAC secret.
type Issuer struct {
	Issuer   string   `yaml:"issuer"`
	Audience []string `yaml:"audience"`
	// Algorithms is the allowlist of alg values, such as [RS256, ES256].
	Algorithms []string `yaml:"algorithms"`
	JWKSURL    string   `yaml:"jwks_url"`
	// JWKSRefresh is how often the JWKS is fetched in the background.
	JWKSRefresh time.Duration `yaml:"jwks_refresh"`
	// JWKSMinInterval is the least time between two fetches caused by an
	// unknown kid.
	JWKSMinInterval time.Duration `yaml:"jwks_min_interval"`
	// SecretEnv or SecretFile hold the HS shared secret.
	SecretEnv  string `yaml:"secret_env"`
	SecretFile string `yaml:"secret_file"`
}

// APIKeyConfig configures API-key authentication.
type APIKeyConfig struct {
	// Header holds the key.
	Header string `yaml:"header"`
	// QueryParam holds the key on routes with api_key_query.
	QueryParam string `yaml:"query_param"`
	// PepperEnv or PepperFile hold the server-side secret the keys are
	// hashed with (HMAC-SHA-256); at least 32 bytes.
	PepperEnv  string `yaml:"pepper_env"`
	PepperFile string `yaml:"pepper_file"`
	// Store is "redis" (the gateway's Redis, with push) or "file".
	Store string `yaml:"store"`
	// File is the key file of the file store.
	File string `yaml:"file"`
	// ProbeInterval is how often the store's version is read to notice
	// changes that were not pushed; ResyncInterval how often everything is
	// reloaded.
	ProbeInterval  time.Duration `yaml:"probe_interval"`
	ResyncInterval time.Duration `yaml:"resync_interval"`
	// UsageTopK caps the keys with a usage series of their own.
	UsageTopK int `yaml:"usage_top_k"`
}

// RBACConfig holds the policy, in a file or inline.
type RBACConfig struct {
	PolicyFile string  `yaml:"policy_file"`
	Policy     *Policy `yaml:"policy"`
}

// Defaults.
const (
	DefaultLeeway          = 30 * time.Second
	DefaultRolesClaim      = "roles"
	DefaultTokenCacheSize  = 10_000
	DefaultJWKSRefresh     = 5 * time.Minute
	DefaultJWKSMinInterval = 10 * time.Second
	DefaultAPIKeyHeader    = "X-API-Key"
	DefaultAPIKeyQuery     = "api_key"
	DefaultProbeInterval   = 2 * time.Second
	DefaultResyncInterval  = 30 * time.Second
	DefaultUsageTopK       = 50
	minSecretBytes         = 32
)

// WithDefaults returns c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	j := &c.JWT
	setDefault(&j.Leeway, DefaultLeeway)
	setDefault(&j.RolesClaim, DefaultRolesClaim)
	setDefault(&j.CacheSize, DefaultTokenCacheSize)
	j.Issuers = slices.Clone(j.Issuers)
	for i := range j.Issuers {
		setDefault(&j.Issuers[i].JWKSRefresh, DefaultJWKSRefresh)
		setDefault(&j.Issuers[i].JWKSMinInterval, DefaultJWKSMinInterval)
	}
	k := &c.APIKeys
	setDefault(&k.Header, DefaultAPIKeyHeader)
	setDefault(&k.QueryParam, DefaultAPIKeyQuery)
	setDefault(&k.ProbeInterval, DefaultProbeInterval)
	setDefault(&k.ResyncInterval, DefaultResyncInterval)
	setDefault(&k.UsageTopK, DefaultUsageTopK)
	return c
}

func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// RolesClaimOrDefault returns the roles claim's name.
func (c JWTConfig) RolesClaimOrDefault() string {
	if c.RolesClaim == "" {
		return DefaultRolesClaim
	}
	return c.RolesClaim
}

// JWTEnabled says whether an issuer is configured.
func (c Config) JWTEnabled() bool { return len(c.JWT.Issuers) > 0 }

// APIKeysEnabled says whether an API-key store is configured.
func (c Config) APIKeysEnabled() bool { return c.APIKeys.Store != "" }

var (
	hmacAlgs       = []string{"HS256", "HS384", "HS512"}
	asymmetricAlgs = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)

// Validate reports what is wrong with c, after WithDefaults, naming what
// to fix. It does not read the secrets or the policy file: New does.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("auth: "+format, args...))
	}
	seen := map[string]bool{}
	for i, is := range c.JWT.Issuers {
		if is.Issuer != "" && seen[is.Issuer] {
			bad("jwt.issuers[%d] (%q): the issuer is listed twice", i, is.Issuer)
		}
		seen[is.Issuer] = true
		errs = append(errs, is.validate(i)...)
	}
	if c.JWT.Leeway < 0 || c.JWT.Leeway > 5*time.Minute {
		bad("jwt.leeway is %v; keep it between 0 and 5m", c.JWT.Leeway)
	}
	if c.JWT.CacheSize < 0 {
		bad("jwt.cache_size is %d; set it to 0 or more", c.JWT.CacheSize)
	}
	k := c.APIKeys
	switch k.Store {
	case "":
	case "redis":
	case "file":
		if k.File == "" {
			bad("api_keys.store is file but api_keys.file is empty; name the key file")
		}
	default:
		bad("api_keys.store %q: use redis or file", k.Store)
	}
	if k.Store != "" {
		if (k.PepperEnv == "") == (k.PepperFile == "") {
			bad("api_keys: set exactly one of pepper_env and pepper_file (the secret the keys are hashed with)")
		}
		if k.ProbeInterval <= 0 || k.ResyncInterval <= 0 {
			bad("api_keys: probe_interval and resync_interval must be above 0")
		}
		if k.UsageTopK <= 0 {
			bad("api_keys.usage_top_k is %d; set it above 0", k.UsageTopK)
		}
	}
	if c.RBAC.PolicyFile != "" && c.RBAC.Policy != nil {
		bad("rbac: set policy_file or policy, not both")
	}
	return errors.Join(errs...)
}

// validate reports what is wrong with the i-th issuer.
func (is Issuer) validate(i int) []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("auth: "+format, args...))
	}
	where := fmt.Sprintf("jwt.issuers[%d] (%q)", i, is.Issuer)
	if is.Issuer == "" {
		bad("jwt.issuers[%d]: issuer is empty; set it to the iss the tokens carry", i)
	}
	if len(is.Audience) == 0 {
		bad("%s: audience is empty; list the aud values this gateway accepts", where)
	}
	if len(is.Algorithms) == 0 {
		bad("%s: algorithms is empty; list the allowed alg values, such as [RS256]", where)
	}
	var hs, asym bool
	for _, a := range is.Algorithms {
		switch {
		case slices.Contains(hmacAlgs, a):
			hs = true
		case slices.Contains(asymmetricAlgs, a):
			asym = true
		default:
			bad("%s: algorithm %q is not allowed; use %s or, with a shared secret, %s", where, a,
				strings.Join(asymmetricAlgs, ", "), strings.Join(hmacAlgs, ", "))
		}
	}
	secret := is.SecretEnv != "" || is.SecretFile != ""
	switch {
	case hs && asym:
		bad("%s: algorithms mix HMAC (HS*) and public-key ones; split them into two issuers so a public key can never be taken for a secret", where)
	case hs && !secret:
		bad("%s: HS algorithms need secret_env or secret_file", where)
	case asym && is.JWKSURL == "":
		bad("%s: public-key algorithms need jwks_url", where)
	case hs && is.JWKSURL != "":
		bad("%s: jwks_url with HS algorithms; HMAC issuers use only a shared secret", where)
	case asym && secret:
		bad("%s: a shared secret with public-key algorithms; remove secret_env/secret_file", where)
	}
	if is.SecretEnv != "" && is.SecretFile != "" {
		bad("%s: set secret_env or secret_file, not both", where)
	}
	if is.JWKSURL != "" {
		if u, err := url.Parse(is.JWKSURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			bad("%s: jwks_url %q is not an absolute http(s) URL", where, is.JWKSURL)
		}
	}
	if is.JWKSRefresh <= 0 || is.JWKSMinInterval <= 0 {
		bad("%s: jwks_refresh and jwks_min_interval must be above 0", where)
	}
	return errs
}

// readSecret reads a secret from the environment variable env or from
// file (trailing newlines dropped). Its errors never hold the secret.
func readSecret(what, env, file string) ([]byte, error) {
	var s string
	switch {
	case env != "":
		s = os.Getenv(env)
		if s == "" {
			return nil, fmt.Errorf("auth: %s: the environment variable %s is empty or unset; export the secret in it", what, env)
		}
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("auth: %s: %w", what, err)
		}
		s = strings.TrimRight(string(b), "\r\n")
	default:
		return nil, fmt.Errorf("auth: %s: no secret configured", what)
	}
	if len(s) < minSecretBytes {
		return nil, fmt.Errorf("auth: %s: the secret has %d bytes; use at least %d random bytes", what, len(s), minSecretBytes)
	}
	return []byte(s), nil
}

// Pepper reads the API-key pepper that c names.
func (c APIKeyConfig) Pepper() ([]byte, error) {
	return readSecret("api_keys pepper", c.PepperEnv, c.PepperFile)
}
