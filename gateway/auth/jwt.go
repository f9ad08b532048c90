package auth

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/golang-jwt/jwt/v5"
)

// Identity is who a request comes from, once authenticated.
type Identity struct {
	// Method is "jwt" or "api_key".
	Method string
	// User is the JWT's sub, or the API key's owner.
	User string
	// KeyID is the API key's id (never the key); empty for a JWT.
	KeyID string
	// Issuer is the JWT's iss.
	Issuer string
	// Roles come from the JWT's roles claim or the API key's scopes. The
	// slice is shared with the cache and must not be changed.
	Roles []string
}

// ParseBearer returns the token of an Authorization header value of the
// Bearer scheme (RFC 6750): the scheme, case-insensitive, one or more
// spaces, and a token68. It returns ErrNoCredentials for an empty header
// and ErrMalformed for anything else.
func ParseBearer(h string) (string, error) {
	if h == "" {
		return "", ErrNoCredentials
	}
	const scheme = "bearer"
	if len(h) <= len(scheme) || !strings.EqualFold(h[:len(scheme)], scheme) || h[len(scheme)] != ' ' {
		return "", ErrMalformed
	}
	tok := strings.TrimLeft(h[len(scheme):], " ")
	if tok == "" {
		return "", ErrMalformed
	}
	pad := false
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		switch {
		case c == '=':
			pad = true
		case pad:
			return "", ErrMalformed // '=' only at the end
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '-', c == '.', c == '_', c == '~', c == '+', c == '/':
		default:
			return "", ErrMalformed
		}
	}
	return tok, nil
}

// issuer is a configured Issuer, ready to verify.
type issuer struct {
	cfg    Issuer
	parser *jwt.Parser
	secret []byte // HS
	jwks   *JWKS  // RS, PS, ES, EdDSA
}

// Verifier verifies JWTs from the configured issuers and caches the
// verified ones until they expire. It is safe for concurrent use.
type Verifier struct {
	issuers    map[string]*issuer
	rolesClaim string
	cache      *tokenCache
	now        func() time.Time
	unverified *jwt.Parser
	logger     *slog.Logger
}

// NewVerifier returns a Verifier for cfg (taken WithDefaults), reading
// the issuers' secrets. client fetches the JWKS (nil: a default client);
// now is the clock (nil: time.Now).
func NewVerifier(cfg JWTConfig, client *http.Client, now func() time.Time, logger *slog.Logger) (*Verifier, error) {
	cfg = Config{JWT: cfg}.WithDefaults().JWT
	if err := (Config{JWT: cfg}).Validate(); err != nil {
		return nil, err
	}
	if now == nil {
		now = time.Now
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	v := &Verifier{
		issuers:    map[string]*issuer{},
		rolesClaim: cfg.RolesClaim,
		cache:      newTokenCache(cfg.CacheSize),
		now:        now,
		unverified: jwt.NewParser(),
		logger:     logger,
	}
	for _, ic := range cfg.Issuers {
		is := &issuer{cfg: ic, parser: jwt.NewParser(
			jwt.WithValidMethods(ic.Algorithms),
			jwt.WithLeeway(cfg.Leeway),
			jwt.WithIssuer(ic.Issuer),
			jwt.WithAudience(ic.Audience...),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithTimeFunc(now),
		)}
		if ic.JWKSURL != "" {
			is.jwks = NewJWKS(ic.JWKSURL, ic.JWKSRefresh, ic.JWKSMinInterval, client, now, logger.With("issuer", ic.Issuer))
		} else {
			s, err := readSecret(fmt.Sprintf("jwt issuer %q", ic.Issuer), ic.SecretEnv, ic.SecretFile)
			if err != nil {
				return nil, err
			}
			is.secret = s
		}
		v.issuers[ic.Issuer] = is
	}
	return v, nil
}

// Run keeps the issuers' JWKS fresh until ctx ends, then returns nil.
func (v *Verifier) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, is := range v.issuers {
		if is.jwks != nil {
			wg.Go(func() { is.jwks.Run(ctx) })
		}
	}
	wg.Wait()
	return nil
}

// Verify checks token and returns its identity. A token verified before
// and not yet expired costs a hash and a map lookup. The error wraps one of
// the sentinel errors (ErrMalformed, ErrExpired, ...) and may hold
// details that must not reach the client.
func (v *Verifier) Verify(ctx context.Context, token string) (*Identity, error) {
	// The bytes are only read: no copy of the token for the hash.
	sum := sha256.Sum256(unsafe.Slice(unsafe.StringData(token), len(token)))
	now := v.now()
	if id, ok := v.cache.get(sum, now); ok {
		return id, nil
	}
	id, exp, err := v.verify(ctx, token)
	if err != nil {
		return nil, err
	}
	v.cache.put(sum, id, exp, now)
	return id, nil
}

// verify checks token fully, without the cache.
func (v *Verifier) verify(ctx context.Context, token string) (*Identity, time.Time, error) {
	var pre jwt.RegisteredClaims
	t, _, err := v.unverified.ParseUnverified(token, &pre)
	if err != nil {
		if errors.Is(err, jwt.ErrTokenUnverifiable) { // an alg the library does not know
			return nil, time.Time{}, fmt.Errorf("%w: %w", ErrAlgorithm, err)
		}
		return nil, time.Time{}, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	// RFC 7515 section 4.1.11: a token may list in crit the extensions a
	// recipient must understand to accept it. The verifier understands
	// none (b64, say, would change what the signature covers), so a token
	// with crit is refused whatever it lists.
	if _, ok := t.Header["crit"]; ok {
		return nil, time.Time{}, fmt.Errorf("%w: the crit header lists extensions the gateway does not understand", ErrMalformed)
	}
	is, ok := v.issuers[pre.Issuer]
	if !ok {
		return nil, time.Time{}, fmt.Errorf("%w: %q", ErrUnknownIssuer, pre.Issuer)
	}
	if alg := t.Method.Alg(); !slices.Contains(is.cfg.Algorithms, alg) {
		return nil, time.Time{}, fmt.Errorf("%w: %q for issuer %q", ErrAlgorithm, alg, is.cfg.Issuer)
	}
	claims := jwt.MapClaims{}
	_, err = is.parser.ParseWithClaims(token, claims, func(t *jwt.Token) (any, error) { return v.key(ctx, is, t) })
	if err != nil {
		return nil, time.Time{}, mapJWTError(err)
	}
	sub, _ := claims.GetSubject()
	exp, _ := claims.GetExpirationTime() // required, so present
	id := &Identity{Method: "jwt", User: sub, Issuer: is.cfg.Issuer, Roles: rolesOf(claims[v.rolesClaim])}
	return id, exp.Time, nil
}

// key returns the key to verify t with: the issuer's secret for HS, else
// its JWKS key with t's kid, checked against t's alg.
func (v *Verifier) key(ctx context.Context, is *issuer, t *jwt.Token) (any, error) {
	alg := t.Method.Alg()
	if slices.Contains(hmacAlgs, alg) {
		if is.secret == nil {
			return nil, ErrAlgorithm
		}
		return is.secret, nil
	}
	if is.jwks == nil {
		return nil, ErrAlgorithm
	}
	kid, _ := t.Header["kid"].(string)
	k, err := is.jwks.Key(ctx, kid)
	if err != nil {
		return nil, err
	}
	if k.Algorithm != "" && k.Algorithm != alg {
		return nil, fmt.Errorf("%w: key %q is for %s, the token says %s", ErrAlgorithm, kid, k.Algorithm, alg)
	}
	return k.Key, nil
}

// mapJWTError turns golang-jwt's errors into this package's sentinels,
// keeping the original for the debug log.
func mapJWTError(err error) error {
	var s error
	switch {
	case errors.Is(err, ErrUnknownKey):
		s = ErrUnknownKey
	case errors.Is(err, ErrAlgorithm):
		s = ErrAlgorithm
	case errors.Is(err, jwt.ErrTokenMalformed), errors.Is(err, jwt.ErrTokenRequiredClaimMissing), errors.Is(err, jwt.ErrInvalidType):
		s = ErrMalformed
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		s = ErrSignature
	case errors.Is(err, jwt.ErrTokenExpired):
		s = ErrExpired
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		s = ErrNotYetValid
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		s = ErrAudience
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		s = ErrUnknownIssuer
	default:
		s = ErrMalformed
	}
	if errors.Is(err, s) {
		return err
	}
	return fmt.Errorf("%w: %w", s, err)
}

// rolesOf reads a roles claim: an array of strings, or one string of
// space-separated values (as OAuth 2.0 scope).
func rolesOf(c any) []string {
	switch c := c.(type) {
	case string:
		return strings.Fields(c)
	case []any:
		out := make([]string, 0, len(c))
		for _, r := range c {
			if s, ok := r.(string); ok && s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// tokenCache holds verified tokens by the SHA-256 of the token, until
// they expire, in shards with a lock each. A full shard drops its expired
// entries, then an arbitrary one.
type tokenCache struct {
	shards   [tokenShards]tokenShard
	perShard int
}

const tokenShards = 32

type tokenShard struct {
	mu sync.RWMutex
	m  map[[32]byte]cachedToken
}

type cachedToken struct {
	id  *Identity
	exp int64 // Unix ns
}

func newTokenCache(size int) *tokenCache {
	c := &tokenCache{perShard: (size + tokenShards - 1) / tokenShards}
	for i := range c.shards {
		c.shards[i].m = make(map[[32]byte]cachedToken)
	}
	return c
}

func (c *tokenCache) shard(k [32]byte) *tokenShard { return &c.shards[k[0]%tokenShards] }

func (c *tokenCache) get(k [32]byte, now time.Time) (*Identity, bool) {
	if c.perShard == 0 {
		return nil, false
	}
	s := c.shard(k)
	s.mu.RLock()
	e, ok := s.m[k]
	s.mu.RUnlock()
	if !ok || now.UnixNano() >= e.exp {
		return nil, false
	}
	return e.id, true
}

func (c *tokenCache) put(k [32]byte, id *Identity, exp, now time.Time) {
	if c.perShard == 0 {
		return
	}
	s := c.shard(k)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.m) >= c.perShard {
		for k, e := range s.m {
			if e.exp <= now.UnixNano() {
				delete(s.m, k)
			}
		}
		for k := range s.m {
			if len(s.m) < c.perShard {
				break
			}
			delete(s.m, k)
		}
	}
	s.m[k] = cachedToken{id: id, exp: exp.UnixNano()}
}

func (c *tokenCache) len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.RLock()
		n += len(s.m)
		s.mu.RUnlock()
	}
	return n
}
