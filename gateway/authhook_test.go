package gateway

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/portcullis/portcullis/gateway/auth"
	"github.com/portcullis/portcullis/internal/redistest"

	"github.com/portcullis/portcullis/blocklist/httpcheck"
)

const (
	authIssuer   = "https://id.example.com/"
	authAudience = "portcullis-api"
	authPepper   = "gateway-test-pepper-0123456789abcdef0123"
)

// idp is a test identity provider: an ES256 key and a JWKS server.
type idp struct {
	key *ecdsa.PrivateKey
	srv *httptest.Server
}

func newIDP(t testing.TB) *idp {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: k.Public(), KeyID: "es-1", Algorithm: "ES256", Use: "sig"}}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(set)
	}))
	t.Cleanup(srv.Close)
	return &idp{key: k, srv: srv}
}

// token returns a token for sub with roles, expiring after ttl (negative:
// already expired).
func (p *idp) token(t testing.TB, sub string, ttl time.Duration, roles ...string) string {
	t.Helper()
	now := time.Now()
	tok := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{
		"iss": authIssuer, "aud": authAudience, "sub": sub, "roles": roles,
		"iat": now.Add(-time.Hour).Unix(), "exp": now.Add(ttl).Unix(),
	})
	tok.Header["kid"] = "es-1"
	s, err := tok.SignedString(p.key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func bearer(tok string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
}

// authConfig returns a gateway config with routes of each kind to up,
// taking JWTs from p and API keys from a key file.
func authConfig(t testing.TB, up string, p *idp) Config {
	t.Helper()
	t.Setenv("GATEWAY_TEST_PEPPER", authPepper)
	return Config{
		RequestIdentity: httpcheck.RequestIdentity{TrustedProxies: []string{"127.0.0.1"}, UserHeader: "X-User"},
		AccessLog:       AccessLog{Enabled: true},
		Routes: []Route{
			{Name: "open", PathPrefix: "/open", Upstreams: []string{up}},
			{Name: "items", PathPrefix: "/api/items", Upstreams: []string{up}, Auth: "jwt"},
			{Name: "fwd", PathPrefix: "/fwd", Upstreams: []string{up}, Auth: "jwt", ForwardCredentials: true},
			{Name: "reports", PathPrefix: "/reports", Upstreams: []string{up}, Auth: "any", APIKeyQuery: true},
			{Name: "keyed", PathPrefix: "/keyed", Upstreams: []string{up}, Auth: "api_key"},
		},
		Auth: auth.Config{
			JWT: auth.JWTConfig{Issuers: []auth.Issuer{{Issuer: authIssuer, Audience: []string{authAudience},
				Algorithms: []string{"ES256"}, JWKSURL: p.srv.URL}}},
			APIKeys: auth.APIKeyConfig{Store: "file", File: filepath.Join(t.TempDir(), "keys.json"), PepperEnv: "GATEWAY_TEST_PEPPER"},
			RBAC: auth.RBACConfig{Policy: &auth.Policy{
				Roles: []string{"reader", "writer", "analyst"},
				Rules: []auth.Rule{
					{Name: "readers read", Roles: []string{"reader", "writer"}, Methods: []string{"GET"}, Paths: []string{"/api/items/**"}},
					{Name: "writers write", Roles: []string{"writer"}, Methods: []string{"POST"}, Paths: []string{"/api/items/**"}},
					{Name: "anyone may use fwd", Roles: []string{auth.AnyRole}, Paths: []string{"/fwd/**"}},
					{Name: "analysts read reports", Roles: []string{"analyst"}, Methods: []string{"GET"}, Paths: []string{"/reports/**", "/keyed/**"}},
				},
			}},
		},
	}
}

// startAuthGateway starts a gateway with an Authenticator over cfg and a
// memSink for the access log; it returns the key store too.
func startAuthGateway(t testing.TB, cfg Config, sink LogSink) (*testGateway, *auth.Authenticator, auth.KeyStore) {
	t.Helper()
	store := auth.NewFileKeyStore(cfg.Auth.APIKeys.File)
	var a *auth.Authenticator
	tt, _ := t.(*testing.T)
	if tt == nil {
		t.Fatal("startAuthGateway needs a *testing.T")
	}
	tg := startGateway(tt, cfg, func(cfg Config, reg prometheus.Registerer) (*Gateway, error) {
		var err error
		a, err = auth.New(cfg.Auth, cfg.AuthRoutes(), store, reg, nil)
		if err != nil {
			return nil, err
		}
		return New(cfg, nil, sink, nil, reg, nil, WithAuth(a))
	})
	return tg, a, store
}

// lastRecord waits for the access log record of path and returns its
// fields.
func lastRecord(t *testing.T, sink *memSink, path string) map[string]any {
	t.Helper()
	var rec map[string]any
	eventually(t, "the access log has "+path, func() bool {
		for _, m := range sink.messages() {
			var r map[string]any
			if err := json.Unmarshal(m.Value, &r); err != nil {
				t.Fatal(err)
			}
			if p, _ := r["path"].(string); strings.HasPrefix(p, path) {
				rec = r
			}
		}
		return rec != nil
	})
	return rec
}

func TestAuthenticatedRoutes(t *testing.T) {
	noLeaks(t)
	up := newUpstream(t, "up", nil)
	p := newIDP(t)
	sink := &memSink{}
	tg, a, store := startAuthGateway(t, authConfig(t, up.URL, p), sink)
	ctx := context.Background()
	keys, _ := auth.NewHasher([]byte(authPepper))
	m := auth.NewKeyManager(store, keys, nil)
	key, secret, err := m.Create(ctx, "acme", []string{"analyst"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Keys().Load(ctx); err != nil {
		t.Fatal(err)
	}
	reader := p.token(t, "alice", time.Hour, "reader")

	tests := []struct {
		name      string
		method    string
		path      string
		set       func(*http.Request)
		status    int
		challenge string // a part of WWW-Authenticate, for a 401
	}{
		{"an open route needs no credentials", "GET", "/open/x", nil, 200, ""},
		{"a JWT route without a token is 401 with a Bearer challenge", "GET", "/api/items/1", nil, 401, `Bearer realm="portcullis"`},
		{"a JWT route with an expired token is 401 with invalid_token", "GET", "/api/items/1", bearer(p.token(t, "alice", -time.Hour, "reader")), 401, `error="invalid_token"`},
		{"a JWT route with a garbled header is 401", "GET", "/api/items/1", func(r *http.Request) { r.Header.Set("Authorization", "Bearer a b") }, 401, "Bearer"},
		{"a token whose roles do not allow the method is 403", "POST", "/api/items/1", bearer(reader), 403, ""},
		{"a token without roles is 403", "GET", "/api/items/1", bearer(p.token(t, "bob", time.Hour)), 403, ""},
		{"a token with the right role is 200", "GET", "/api/items/1", bearer(reader), 200, ""},
		{"a writer may post", "POST", "/api/items/1", bearer(p.token(t, "carol", time.Hour, "writer")), 200, ""},
		{"a route taking any credentials offers both challenges", "GET", "/reports/daily", nil, 401, "APIKey"},
		{"an API key in the header is 200", "GET", "/reports/daily", func(r *http.Request) { r.Header.Set("X-API-Key", secret) }, 200, ""},
		{"an API key as a bearer token is 200", "GET", "/reports/daily", bearer(secret), 200, ""},
		{"an API key in the query is 200 where the route allows it", "GET", "/reports/daily?api_key=" + secret + "&day=1", nil, 200, ""},
		{"an unknown API key is 401", "GET", "/reports/daily", func(r *http.Request) { r.Header.Set("X-API-Key", "pk_nope") }, 401, "APIKey"},
		{"a JWT with a role of no rule for the route is 403", "GET", "/reports/daily", bearer(reader), 403, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tg.do(t, tt.method, tt.path, nil, tt.set)
			if r.status != tt.status {
				t.Fatalf("status %d (%q); want %d", r.status, r.body, tt.status)
			}
			switch tt.status {
			case 401:
				if got := strings.Join(r.header.Values("WWW-Authenticate"), "; "); !strings.Contains(got, tt.challenge) {
					t.Errorf("WWW-Authenticate %q; want it to hold %q", got, tt.challenge)
				}
				if r.body != `{"error":"unauthorized"}`+"\n" {
					t.Errorf("body %q; a 401 says nothing of why", r.body)
				}
			case 403:
				if r.body != `{"error":"forbidden"}`+"\n" {
					t.Errorf("body %q; a 403 says nothing of why", r.body)
				}
			}
		})
	}

	t.Run("the access log carries the token's subject as the user", func(t *testing.T) {
		tg.do(t, "GET", "/api/items/logged", nil, func(r *http.Request) {
			bearer(reader)(r)
			r.Header.Set("X-User", "mallory") // a client's claim is not believed
		})
		rec := lastRecord(t, sink, "/api/items/logged")
		if rec["user"] != "alice" {
			t.Errorf("user %v; want alice", rec["user"])
		}
		if got := up.last().Header.Get("X-User"); got != "alice" {
			t.Errorf("upstream X-User %q; want the verified alice", got)
		}
	})
	t.Run("the access log carries the API key's id, never the key", func(t *testing.T) {
		tg.do(t, "GET", "/reports/keyed?api_key="+secret, nil, nil)
		rec := lastRecord(t, sink, "/reports/keyed")
		if rec["api_key"] != key.ID || rec["user"] != "acme" {
			t.Errorf("api_key %v, user %v; want %s, acme", rec["api_key"], rec["user"], key.ID)
		}
		for _, msg := range sink.messages() {
			if strings.Contains(string(msg.Value), secret) || strings.Contains(string(msg.Key), secret) {
				t.Fatalf("an access-log record holds the key: %s", msg.Value)
			}
		}
	})
	t.Run("consumed credentials are not forwarded upstream", func(t *testing.T) {
		tg.do(t, "GET", "/api/items/2", nil, bearer(reader))
		if h := up.last().Header.Get("Authorization"); h != "" {
			t.Errorf("upstream saw Authorization %q", h)
		}
		tg.do(t, "GET", "/reports/q?api_key="+secret+"&day=2", nil, nil)
		if q := up.last().URL.RawQuery; q != "day=2" {
			t.Errorf("upstream query %q; want the key removed", q)
		}
		tg.do(t, "GET", "/reports/h", nil, func(r *http.Request) { r.Header.Set("X-API-Key", secret) })
		if h := up.last().Header.Get("X-API-Key"); h != "" {
			t.Errorf("upstream saw the API key header")
		}
	})
	t.Run("an API-key route leaves an Authorization header that is not its own", func(t *testing.T) {
		r := tg.do(t, "GET", "/keyed/x", nil, func(r *http.Request) {
			r.Header.Set("X-API-Key", secret)
			r.Header.Set("Authorization", "Basic dXNlcjpwYXNz")
		})
		if r.status != 200 {
			t.Fatalf("status %d", r.status)
		}
		if h := up.last().Header.Get("Authorization"); h != "Basic dXNlcjpwYXNz" {
			t.Errorf("upstream Authorization %q; want the client's own", h)
		}
	})
	t.Run("a route with forward_credentials forwards them", func(t *testing.T) {
		tok := p.token(t, "dave", time.Hour)
		if r := tg.do(t, "GET", "/fwd/x", nil, bearer(tok)); r.status != 200 {
			t.Fatalf("status %d", r.status)
		}
		if h := up.last().Header.Get("Authorization"); h != "Bearer "+tok {
			t.Errorf("upstream Authorization %q; want the token", h)
		}
	})
	t.Run("failures are counted by a bounded reason", func(t *testing.T) {
		if n := tg.metric(t, "portcullis_gateway_auth_failures_total", "reason", "expired", "route", "items"); n != 1 {
			t.Errorf("expired: %v; want 1", n)
		}
		if n := tg.metric(t, "portcullis_gateway_auth_failures_total", "reason", "forbidden", "route", "items"); n != 2 {
			t.Errorf("forbidden: %v; want 2", n)
		}
		if n := tg.metric(t, "portcullis_gateway_auth_api_key_requests_total", "key_id", key.ID); n < 4 {
			t.Errorf("key usage %v; want it counted", n)
		}
	})
}

func TestAuthConfigValidation(t *testing.T) {
	up := "http://127.0.0.1:1"
	tests := []struct {
		name string
		set  func(*Config)
		want string
	}{
		{"an unknown auth mode lists the choices", func(c *Config) { c.Routes[0].Auth = "basic" }, "use none, jwt, api_key or any"},
		{"a JWT route without issuers is refused", func(c *Config) { c.Routes[0].Auth = "jwt" }, "auth.jwt.issuers is empty"},
		{"an API-key route without a store is refused", func(c *Config) { c.Routes[0].Auth = "api_key" }, "auth.api_keys.store"},
		{"api_key_query on a route without API keys is refused", func(c *Config) { c.Routes[0].APIKeyQuery = true }, "api_key_query"},
		{"an issuer allowing alg none is refused", func(c *Config) {
			c.Auth.JWT.Issuers = []auth.Issuer{{Issuer: "x", Audience: []string{"a"}, Algorithms: []string{"none"}, JWKSURL: "https://x/jwks"}}
		}, `algorithm "none"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := oneRoute(up, nil)
			tt.set(&cfg)
			if err := cfg.WithDefaults().Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v; want one containing %q", err, tt.want)
			}
		})
	}
	t.Run("a route taking credentials without an Authenticator is refused", func(t *testing.T) {
		t.Setenv("GATEWAY_TEST_PEPPER", authPepper)
		cfg := oneRoute(up, func(r *Route) { r.Auth = "api_key" })
		cfg.Auth.APIKeys = auth.APIKeyConfig{Store: "file", File: "k.json", PepperEnv: "GATEWAY_TEST_PEPPER"}
		if _, err := New(cfg, nil, nil, nil, nil, nil); err == nil || !strings.Contains(err.Error(), "WithAuth") {
			t.Fatalf("error %v; want one naming WithAuth", err)
		}
	})
	t.Run("an Authenticator built for other routes is refused", func(t *testing.T) {
		t.Setenv("GATEWAY_TEST_PEPPER", authPepper)
		cfg := oneRoute(up, func(r *Route) { r.Auth = "api_key" })
		cfg.Auth.APIKeys = auth.APIKeyConfig{Store: "file", File: "k.json", PepperEnv: "GATEWAY_TEST_PEPPER"}
		cfg.Auth.RBAC.Policy = &auth.Policy{Roles: []string{"r"}, Rules: []auth.Rule{{Roles: []string{"r"}, Paths: []string{"/api/**"}}}}
		a, err := auth.New(cfg.Auth, cfg.AuthRoutes(), auth.NewFileKeyStore("k.json"), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Routes[0].Name = "renamed"
		if _, err := New(cfg, nil, nil, nil, nil, nil, WithAuth(a)); err == nil || !strings.Contains(err.Error(), "not built for it") {
			t.Fatalf("error %v", err)
		}
	})
}

func TestBlockedAuthenticatedUser(t *testing.T) {
	addr := redistest.Start(t)
	noLeaks(t)
	checker := runChecker(t, addr, "mallory")
	up := newUpstream(t, "up", nil)
	p := newIDP(t)
	cfg := authConfig(t, up.URL, p)
	store := auth.NewFileKeyStore(cfg.Auth.APIKeys.File)
	tg := startGateway(t, cfg, func(cfg Config, reg prometheus.Registerer) (*Gateway, error) {
		a, err := auth.New(cfg.Auth, cfg.AuthRoutes(), store, reg, nil)
		if err != nil {
			return nil, err
		}
		return New(cfg, checker, nil, nil, reg, nil, WithAuth(a))
	})
	t.Run("a user the detector blocked is refused once authenticated", func(t *testing.T) {
		r := tg.do(t, "GET", "/api/items/1", nil, bearer(p.token(t, "mallory", time.Hour, "reader")))
		if r.status != http.StatusForbidden || !strings.Contains(r.body, `"blocked"`) {
			t.Fatalf("got %d %q; want 403 blocked", r.status, r.body)
		}
	})
	t.Run("another user passes", func(t *testing.T) {
		if r := tg.do(t, "GET", "/api/items/1", nil, bearer(p.token(t, "alice", time.Hour, "reader"))); r.status != 200 {
			t.Fatalf("status %d", r.status)
		}
	})
}
