package auth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"
)

// clock is a settable clock for tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// signer is a signing key with its kid and alg.
type signer struct {
	kid    string
	method jwt.SigningMethod
	key    crypto.Signer
}

func newSigner(t testing.TB, kid, alg string) signer {
	t.Helper()
	var k crypto.Signer
	var err error
	switch alg {
	case "RS256":
		k, err = rsa.GenerateKey(rand.Reader, 2048)
	case "ES256":
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "EdDSA":
		_, k, err = ed25519.GenerateKey(rand.Reader)
	default:
		t.Fatalf("no test key for %s", alg)
	}
	if err != nil {
		t.Fatal(err)
	}
	return signer{kid: kid, method: jwt.GetSigningMethod(alg), key: k}
}

func (s signer) jwk() jose.JSONWebKey {
	return jose.JSONWebKey{Key: s.key.Public(), KeyID: s.kid, Algorithm: s.method.Alg(), Use: "sig"}
}

// sign returns a token with claims, signed by s.
func (s signer) sign(t testing.TB, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(s.method, claims)
	tok.Header["kid"] = s.kid
	out, err := tok.SignedString(s.key)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// jwksServer serves a JWKS that a test may change, and counts fetches.
type jwksServer struct {
	*httptest.Server
	mu           sync.Mutex
	keys         []jose.JSONWebKey
	cacheControl string
	fetches      atomic.Int64
}

func newJWKSServer(t testing.TB, signers ...signer) *jwksServer {
	t.Helper()
	s := &jwksServer{}
	s.set(signers...)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fetches.Add(1)
		s.mu.Lock()
		defer s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if s.cacheControl != "" {
			w.Header().Set("Cache-Control", s.cacheControl)
		}
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: s.keys})
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) set(signers ...signer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = nil
	for _, sg := range signers {
		s.keys = append(s.keys, sg.jwk())
	}
}

const (
	testIssuer   = "https://id.example.com/"
	testAudience = "portcullis-api"
	testSecret   = "0123456789abcdef0123456789abcdef-hs256-test-secret"
	testPepper   = "pepper-0123456789abcdef0123456789abcdef"
)

// claimsAt returns valid claims for sub at now, living an hour.
func claimsAt(now time.Time, sub string, roles ...string) jwt.MapClaims {
	c := jwt.MapClaims{
		"iss": testIssuer, "aud": testAudience, "sub": sub,
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	}
	if roles != nil {
		c["roles"] = roles
	}
	return c
}
