package auth

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// testVerifier returns a Verifier trusting testIssuer through srv's JWKS
// (RS256, ES256, EdDSA) and "internal" through testSecret (HS256).
func testVerifier(t testing.TB, srv *jwksServer, clk *clock) *Verifier {
	t.Helper()
	t.Setenv("TEST_JWT_SECRET", testSecret)
	v, err := NewVerifier(JWTConfig{
		Leeway: 30 * time.Second,
		Issuers: []Issuer{
			{Issuer: testIssuer, Audience: []string{testAudience}, Algorithms: []string{"RS256", "ES256", "EdDSA"},
				JWKSURL: srv.URL, JWKSMinInterval: 10 * time.Second},
			{Issuer: "internal", Audience: []string{testAudience}, Algorithms: []string{"HS256"}, SecretEnv: "TEST_JWT_SECRET"},
		},
	}, srv.Client(), clk.Now, nil)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestVerifyJWT(t *testing.T) {
	clk := newClock()
	rs, es, ed := newSigner(t, "rs-1", "RS256"), newSigner(t, "es-1", "ES256"), newSigner(t, "ed-1", "EdDSA")
	stranger := newSigner(t, "rs-1", "RS256") // same kid, another key
	srv := newJWKSServer(t, rs, es, ed)
	now := clk.Now()

	rsaPub, err := x509.MarshalPKIXPublicKey(rs.key.Public())
	if err != nil {
		t.Fatal(err)
	}
	rsaPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: rsaPub})
	hs := func(secret []byte, claims jwt.MapClaims, kid string) string {
		tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
		if kid != "" {
			tok.Header["kid"] = kid
		}
		s, err := tok.SignedString(secret)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	with := func(c jwt.MapClaims, k string, v any) jwt.MapClaims {
		c[k] = v
		return c
	}
	without := func(c jwt.MapClaims, k string) jwt.MapClaims {
		delete(c, k)
		return c
	}
	none, err := jwt.NewWithClaims(jwt.SigningMethodNone, claimsAt(now, "mallory")).SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	good := rs.sign(t, claimsAt(now, "alice"))
	crit := func(params []any, extra map[string]any) string {
		tok := jwt.NewWithClaims(rs.method, claimsAt(now, "alice"))
		tok.Header["kid"] = rs.kid
		tok.Header["crit"] = params
		for k, v := range extra {
			tok.Header[k] = v
		}
		s, err := tok.SignedString(rs.key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}

	tests := []struct {
		name  string
		token string
		want  error // nil: accepted
		user  string
	}{
		{"a valid RS256 token is accepted", good, nil, "alice"},
		{"a valid ES256 token is accepted", es.sign(t, claimsAt(now, "bob")), nil, "bob"},
		{"a valid EdDSA token is accepted", ed.sign(t, claimsAt(now, "carol")), nil, "carol"},
		{"a valid HS256 token from the issuer with a shared secret is accepted",
			hs([]byte(testSecret), with(claimsAt(now, "svc"), "iss", "internal"), ""), nil, "svc"},
		{"a token expired within the leeway is still accepted",
			rs.sign(t, with(claimsAt(now.Add(-time.Hour), "alice"), "exp", now.Add(-10*time.Second).Unix())), nil, "alice"},
		{"an expired token is refused",
			rs.sign(t, with(claimsAt(now.Add(-2*time.Hour), "alice"), "exp", now.Add(-time.Minute).Unix())), ErrExpired, ""},
		{"a token without exp is refused", rs.sign(t, without(claimsAt(now, "alice"), "exp")), ErrMalformed, ""},
		{"a token not yet valid is refused", rs.sign(t, with(claimsAt(now, "alice"), "nbf", now.Add(time.Minute).Unix())), ErrNotYetValid, ""},
		{"a token issued in the future is refused", rs.sign(t, with(claimsAt(now, "alice"), "iat", now.Add(time.Minute).Unix())), ErrNotYetValid, ""},
		{"a token from an unknown issuer is refused", rs.sign(t, with(claimsAt(now, "alice"), "iss", "https://evil.example/")), ErrUnknownIssuer, ""},
		{"a token for another audience is refused", rs.sign(t, with(claimsAt(now, "alice"), "aud", "another-api")), ErrAudience, ""},
		{"a token with alg none is refused", none, ErrAlgorithm, ""},
		{"an HS256 token signed with the RSA public key is refused", hs(rsaPEM, claimsAt(now, "mallory"), "rs-1"), ErrAlgorithm, ""},
		{"an HS256 token signed with the DER public key is refused", hs(rsaPub, claimsAt(now, "mallory"), "rs-1"), ErrAlgorithm, ""},
		{"an HS256 token with the wrong secret is refused",
			hs([]byte("another-secret-another-secret-another-secret"), with(claimsAt(now, "svc"), "iss", "internal"), ""), ErrSignature, ""},
		{"an RS256 token claiming the HS256 issuer is refused", rs.sign(t, with(claimsAt(now, "alice"), "iss", "internal")), ErrAlgorithm, ""},
		{"a token signed by another key under a known kid is refused", stranger.sign(t, claimsAt(now, "mallory")), ErrSignature, ""},
		{"a token whose claims were changed after signing is refused", tamper(t, good), ErrSignature, ""},
		{"a token that is not a JWT is refused", "not-a-token", ErrMalformed, ""},
		{"a token with a critical extension is refused", crit([]any{"b64"}, map[string]any{"b64": false}), ErrMalformed, ""},
		{"a token with an unknown critical parameter is refused", crit([]any{"x-must-check"}, map[string]any{"x-must-check": 1}), ErrMalformed, ""},
		{"a token with an empty crit list is refused", crit([]any{}, nil), ErrMalformed, ""},
	}
	v := testVerifier(t, srv, clk)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := v.Verify(context.Background(), tt.token)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if id.User != tt.user || id.Method != "jwt" {
					t.Errorf("identity %+v; want user %q", id, tt.user)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v; want %v", err, tt.want)
			}
		})
	}
}

// tamper changes the payload of a signed token, keeping its signature.
func tamper(t *testing.T, tok string) string {
	t.Helper()
	parts := strings.Split(tok, ".")
	var c jwt.MapClaims
	if _, _, err := jwt.NewParser().ParseUnverified(tok, &c); err != nil {
		t.Fatal(err)
	}
	c["sub"] = "admin"
	forged, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	return parts[0] + "." + strings.Split(forged, ".")[1] + "." + parts[2]
}

func TestJWKSRotation(t *testing.T) {
	clk := newClock()
	old, next := newSigner(t, "2026-01", "RS256"), newSigner(t, "2026-03", "ES256")
	srv := newJWKSServer(t, old)
	v := testVerifier(t, srv, clk)
	ctx := context.Background()
	tok := next.sign(t, claimsAt(clk.Now(), "alice"))

	t.Run("a token signed by a key the JWKS does not hold is refused as an unknown key", func(t *testing.T) {
		if _, err := v.Verify(ctx, tok); !errors.Is(err, ErrUnknownKey) {
			t.Fatalf("error %v; want ErrUnknownKey", err)
		}
	})
	t.Run("unknown kids refetch the JWKS at most once per interval", func(t *testing.T) {
		before := srv.fetches.Load()
		for range 5 {
			v.Verify(ctx, tok)
		}
		if n := srv.fetches.Load() - before; n != 0 {
			t.Errorf("%d fetches within the interval; want none", n)
		}
	})
	t.Run("once the issuer rotates in the new key, the token is accepted without a restart", func(t *testing.T) {
		srv.set(old, next)
		clk.Add(11 * time.Second) // past the minimum interval
		id, err := v.Verify(ctx, tok)
		if err != nil {
			t.Fatalf("refused after the rotation: %v", err)
		}
		if id.User != "alice" {
			t.Errorf("user %q", id.User)
		}
	})
	t.Run("tokens of the old key still verify while it is published", func(t *testing.T) {
		if _, err := v.Verify(ctx, old.sign(t, claimsAt(clk.Now(), "bob"))); err != nil {
			t.Fatal(err)
		}
	})
}

func TestVerifiedTokensAreCachedUntilExpiry(t *testing.T) {
	clk := newClock()
	rs := newSigner(t, "k", "RS256")
	srv := newJWKSServer(t, rs)
	v := testVerifier(t, srv, clk)
	c := claimsAt(clk.Now(), "alice", "reader")
	c["exp"] = clk.Now().Add(time.Minute).Unix()
	tok := rs.sign(t, c)
	ctx := context.Background()
	if _, err := v.Verify(ctx, tok); err != nil {
		t.Fatal(err)
	}
	srv.set() // the key leaves the JWKS: only the cache can still answer
	v.issuers[testIssuer].jwks.keys.Store(&keySet{byKID: nil})
	id, err := v.Verify(ctx, tok)
	if err != nil {
		t.Fatalf("a repeat token was checked again: %v", err)
	}
	if len(id.Roles) != 1 || id.Roles[0] != "reader" {
		t.Errorf("roles %v; want [reader]", id.Roles)
	}
	clk.Add(2 * time.Minute)
	if _, err := v.Verify(ctx, tok); err == nil {
		t.Fatal("the cached token outlived its exp")
	}
}

func TestTokenCacheIsBounded(t *testing.T) {
	c := newTokenCache(64)
	now := time.Now()
	for i := range 10_000 {
		var k [32]byte
		k[0], k[1], k[2] = byte(i), byte(i>>8), byte(i>>16)
		c.put(k, &Identity{}, now.Add(time.Hour), now)
	}
	if n := c.len(); n > 64 {
		t.Errorf("%d tokens cached; want at most 64", n)
	}
}

func TestRolesClaim(t *testing.T) {
	tests := []struct {
		name  string
		claim any
		want  string
	}{
		{"an array of roles is read as is", []any{"reader", "writer"}, "reader,writer"},
		{"a scope string is split at spaces", "read:items write:items", "read:items,write:items"},
		{"a missing claim gives no roles", nil, ""},
		{"a number gives no roles", 3.0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Join(rolesOf(tt.claim), ","); got != tt.want {
				t.Errorf("roles %q; want %q", got, tt.want)
			}
		})
	}
}

func TestParseBearer(t *testing.T) {
	tests := []struct {
		name   string
		header string
		token  string
		err    error
	}{
		{"a bearer token is returned", "Bearer abc.def.ghi", "abc.def.ghi", nil},
		{"the scheme is case-insensitive", "bEaReR abc", "abc", nil},
		{"extra spaces before the token are allowed", "Bearer   abc", "abc", nil},
		{"padding at the end is allowed", "Bearer abc==", "abc==", nil},
		{"an empty header is missing credentials", "", "", ErrNoCredentials},
		{"another scheme is malformed", "Basic dXNlcjpwYXNz", "", ErrMalformed},
		{"a scheme without a token is malformed", "Bearer ", "", ErrMalformed},
		{"a token with a space inside is malformed", "Bearer abc def", "", ErrMalformed},
		{"padding in the middle is malformed", "Bearer ab=c", "", ErrMalformed},
		{"a scheme glued to the token is malformed", "Bearerabc", "", ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := ParseBearer(tt.header)
			if !errors.Is(err, tt.err) || tok != tt.token {
				t.Errorf("ParseBearer(%q) = %q, %v; want %q, %v", tt.header, tok, err, tt.token, tt.err)
			}
		})
	}
}

func FuzzAuthorizationHeader(f *testing.F) {
	clk := newClock()
	rs := newSigner(f, "k", "RS256")
	srv := newJWKSServer(f, rs)
	good := rs.sign(f, claimsAt(clk.Now(), "alice"))
	for _, s := range []string{"Bearer " + good, "Bearer abc.def.ghi", "bearer  x", "Basic dXNlcjpwYXNz", "", "Bearer ",
		"Bearer a=b", "Bearer eyJhbGciOiJub25lIn0.e30.", "Bearer pk_kabcdefghijkl_x"} {
		f.Add(s)
	}
	v := testVerifier(f, srv, clk)
	f.Fuzz(func(t *testing.T, h string) {
		tok, err := ParseBearer(h)
		if err != nil {
			if !errors.Is(err, ErrNoCredentials) && !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v is neither missing nor malformed", err)
			}
			return
		}
		if tok == "" || strings.ContainsAny(tok, " \t\r\n") {
			t.Fatalf("token %q from %q", tok, h)
		}
		if again, err := ParseBearer("Bearer " + tok); err != nil || again != tok {
			t.Fatalf("token %q does not parse back: %q, %v", tok, again, err)
		}
		id, err := v.Verify(context.Background(), tok)
		if err == nil && tok != good {
			t.Fatalf("a token other than the signed one was accepted: %q (%+v)", tok, id)
		}
		if err != nil && Reason(err) == "invalid" {
			t.Fatalf("error %v has no reason", err)
		}
	})
}

func TestJWKSFollowsCacheControl(t *testing.T) {
	srv := newJWKSServer(t, newSigner(t, "2026-01", "RS256"))
	tests := []struct {
		header string
		want   time.Duration
	}{
		{"", time.Hour},                          // the refresh interval
		{"public, max-age=300", 5 * time.Minute}, // the server's lifetime, sooner
		{"max-age=86400", time.Hour},             // never later than the refresh interval
		{"max-age=1", 10 * time.Second},          // never sooner than the minimum interval
		{"no-cache", 10 * time.Second},           // as soon as allowed
		{`private, MAX-AGE="120", must-revalidate`, 2 * time.Minute},
		{"max-age=-5", time.Hour}, // not a lifetime
	}
	for _, tt := range tests {
		srv.mu.Lock()
		srv.cacheControl = tt.header
		srv.mu.Unlock()
		j := NewJWKS(srv.URL, time.Hour, 10*time.Second, srv.Client(), nil, nil)
		if err := j.Refresh(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := j.nextRefresh(); got != tt.want {
			t.Errorf("Cache-Control %q: next refresh in %v, want %v", tt.header, got, tt.want)
		}
	}
}
