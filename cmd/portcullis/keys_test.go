package main

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/internal/redistest"

	gatewayapp "github.com/portcullis/portcullis/app/gateway"
)

const cliPepper = "cli-test-pepper-0123456789abcdef0123456789"

var (
	apiKeyRE = regexp.MustCompile(`api key: (pk_\S+)`)
	keyIDRE  = regexp.MustCompile(`id:\s+(k\S+)`)
)

func TestKeysCommands(t *testing.T) {
	t.Setenv("CLI_TEST_PEPPER", cliPepper)
	file := filepath.Join(t.TempDir(), "keys.json")
	for _, store := range []struct {
		name string
		args func(t *testing.T) []string
		scan func(t *testing.T) string
	}{
		{"in a file", func(t *testing.T) []string { return []string{"--file", file} },
			func(t *testing.T) string { b, _ := os.ReadFile(file); return string(b) }},
		{"in Redis", func(t *testing.T) []string { return []string{"--redis", redistest.Start(t)} }, nil},
	} {
		t.Run(store.name, func(t *testing.T) {
			where := append(store.args(t), "--pepper-env", "CLI_TEST_PEPPER")
			keys := func(args ...string) output { return run(t, append(append([]string{"keys"}, args...), where...)...) }

			out := keys("create", "--owner", "acme", "--scopes", "reports,items", "--ttl", "720h")
			secret, id := apiKeyRE.FindStringSubmatch(out.stdout), keyIDRE.FindStringSubmatch(out.stdout)
			if secret == nil || id == nil || !strings.Contains(out.stdout, "shown once") {
				t.Fatalf("create printed %q; want the id, the key and a warning that it is shown once", out.stdout)
			}
			list := keys("list").stdout
			if !strings.Contains(list, id[1]) || !strings.Contains(list, "acme") || !strings.Contains(list, "active") || strings.Contains(list, secret[1]) {
				t.Errorf("list %q; want the key's id, owner and state, and no secret", list)
			}
			rotated := apiKeyRE.FindStringSubmatch(keys("rotate", id[1], "--overlap", "1h").stdout)
			if rotated == nil || rotated[1] == secret[1] {
				t.Fatalf("rotate printed no new key")
			}
			if out := keys("revoke", id[1]); !strings.Contains(out.stdout, "revoked") {
				t.Errorf("revoke printed %q", out.stdout)
			}
			if list := keys("list", "--json").stdout; !strings.Contains(list, `"state":"revoked"`) || strings.Contains(list, `"hash"`) {
				t.Errorf("list --json %q; want the revoked state and no hashes", list)
			}
			if store.scan != nil {
				if at := store.scan(t); strings.Contains(at, secret[1]) || strings.Contains(at, rotated[1]) || !strings.Contains(at, id[1]) {
					t.Error("the key file holds a key in plain text")
				}
			}
		})
	}
	t.Run("without a pepper the commands say how to give one", func(t *testing.T) {
		_, err := execute(t.Context(), "keys", "list", "--file", file)
		if err == nil || !strings.Contains(err.Error(), "--pepper-env") {
			t.Fatalf("error %v", err)
		}
	})
}

const policyGatewayYAML = `
listen: "127.0.0.1:0"
routes:
  - {name: items, path_prefix: /api/items, upstreams: ["http://127.0.0.1:1"], auth: jwt}
  - {name: open, path_prefix: /open, upstreams: ["http://127.0.0.1:1"]}
auth:
  jwt:
    issuers:
      - {issuer: "https://id.example.com/", audience: [api], algorithms: [RS256], jwks_url: "https://id.example.com/jwks"}
  rbac:
    policy_file: POLICY
blocklist: {fail_mode: open}
`

func writePolicyConfig(t *testing.T, policy string) string {
	t.Helper()
	dir := t.TempDir()
	pf := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(pf, []byte(policy), 0o600); err != nil {
		t.Fatal(err)
	}
	cf := filepath.Join(dir, "gateway.yaml")
	if err := os.WriteFile(cf, []byte(strings.Replace(policyGatewayYAML, "POLICY", pf, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	return cf
}

func TestCheckPolicy(t *testing.T) {
	cfg := writePolicyConfig(t, `
roles: [reader, writer]
rules:
  - {name: readers read, roles: [reader, writer], methods: [GET], paths: ["/api/items/**"]}
  - {name: writers write, roles: [writer], methods: [POST], paths: ["/api/items/**"]}
`)
	tests := []struct {
		name   string
		args   []string
		denied bool
		want   string
	}{
		{"a reader's GET is allowed by the readers' rule", []string{"--method", "GET", "--path", "/api/items/42", "--role", "reader"}, false, `allowed by rule 1 ("readers read")`},
		{"a reader's POST is denied by default", []string{"--method", "POST", "--path", "/api/items/42", "--role", "reader"}, true, "denied by default"},
		{"a writer's POST is allowed by the writers' rule", []string{"--method", "POST", "--path", "/api/items?x=1", "--role", "writer"}, false, `rule 2 ("writers write")`},
		{"an open route needs no role", []string{"--path", "/open/x"}, false, "takes no credentials"},
		{"a path no route serves is refused", []string{"--path", "/nowhere"}, true, "no route serves it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := execute(t.Context(), append([]string{"gateway", "check-policy", "--config", cfg}, tt.args...)...)
			if tt.denied != errors.Is(err, gatewayapp.ErrDenied) || (err != nil && !errors.Is(err, gatewayapp.ErrDenied)) {
				t.Fatalf("error %v; want denied=%v", err, tt.denied)
			}
			if !strings.Contains(out.stdout, tt.want) {
				t.Errorf("printed %q; want %q", out.stdout, tt.want)
			}
		})
	}
	t.Run("a policy naming an unknown role is refused at start", func(t *testing.T) {
		bad := writePolicyConfig(t, "roles: [reader]\nrules:\n  - {roles: [raeder], paths: [\"/api/items/**\"]}\n")
		_, err := execute(t.Context(), "gateway", "check-policy", "--config", bad, "--role", "reader")
		if err == nil || !strings.Contains(err.Error(), `unknown role "raeder"`) {
			t.Fatalf("error %v", err)
		}
	})
	t.Run("a policy with an unknown key is refused", func(t *testing.T) {
		bad := writePolicyConfig(t, "roles: [reader]\nrules:\n  - {roles: [reader], path: \"/api/items/**\"}\n")
		_, err := execute(t.Context(), "gateway", "check-policy", "--config", bad, "--role", "reader")
		if err == nil || !strings.Contains(err.Error(), "path") {
			t.Fatalf("error %v", err)
		}
	})
}

// TestTheExampleAuthConfigIsValid turns on the commented auth examples of
// deploy/gateway.example.yaml and checks them, with the example policy.
func TestTheExampleAuthConfigIsValid(t *testing.T) {
	b, err := os.ReadFile("../../deploy/gateway.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	on := strings.ReplaceAll(string(b), "#~ ", "")
	on = strings.ReplaceAll(on, "policy_file: deploy/", "policy_file: ../../deploy/")
	path := filepath.Join(t.TempDir(), "gateway.yaml")
	if err := os.WriteFile(path, []byte(on), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := gatewayapp.LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Config.WithDefaults().Validate(); err != nil {
		t.Fatalf("gateway: %v", err)
	}
	if !cfg.Auth.JWTEnabled() || !cfg.Auth.APIKeysEnabled() {
		t.Fatal("the examples did not turn on")
	}
	out := run(t, "gateway", "check-policy", "--config", path, "--method", "GET", "--path", "/reports/daily", "--role", "nobody")
	if !strings.Contains(out.stdout, "any authenticated client reads the daily report") {
		t.Errorf("check-policy printed %q", out.stdout)
	}
}

// TestGatewayWithAPIKeys runs portcullis gateway with a route that takes
// API keys from Redis: a key made by portcullis keys works at once, and
// stops working once revoked.
func TestGatewayWithAPIKeys(t *testing.T) {
	redisAddr := redistest.Start(t)
	t.Setenv("CLI_TEST_PEPPER", cliPepper)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok", r.Header.Get("X-API-Key") == "")
	}))
	defer upstream.Close()
	dir := t.TempDir()
	gwCfg := filepath.Join(dir, "gateway.yaml")
	writeFile(t, gwCfg, []byte(fmt.Sprintf(`listen: 127.0.0.1:0
admin: 127.0.0.1:0
routes:
  - {name: open, path_prefix: /open, upstreams: [%s]}
  - {name: reports, path_prefix: /reports, upstreams: [%s], auth: api_key}
auth:
  api_keys: {store: redis, pepper_env: CLI_TEST_PEPPER}
  rbac:
    policy: {roles: [analyst], rules: [{roles: [analyst], methods: [GET], paths: ["/reports/**"]}]}
blocklist:
  redis: {addrs: [%s]}
  fail_mode: open
`, upstream.URL, upstream.URL, redisAddr)))
	gwListen := startGateway(t, gwCfg, nil, false).Addr()
	get := func(key string) int {
		req, _ := http.NewRequest("GET", "http://"+gwListen+"/reports/daily", nil)
		if key != "" {
			req.Header.Set("X-API-Key", key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := get(""); s != http.StatusUnauthorized {
		t.Fatalf("without a key: %d; want 401", s)
	}
	out := run(t, "keys", "create", "--config", gwCfg, "--owner", "acme", "--scopes", "analyst")
	key, id := apiKeyRE.FindStringSubmatch(out.stdout), keyIDRE.FindStringSubmatch(out.stdout)
	if key == nil || id == nil {
		t.Fatalf("create printed %q", out.stdout)
	}
	waitFor(t, "the new key to work", 5*time.Second, func() bool { return get(key[1]) == http.StatusOK })
	run(t, "keys", "revoke", "--config", gwCfg, id[1])
	waitFor(t, "the revoked key to fail", time.Second, func() bool { return get(key[1]) == http.StatusUnauthorized })
}
