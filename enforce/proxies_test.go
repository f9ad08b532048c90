package enforce

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/portcullis/portcullis/blocklist/httpcheck"
	"github.com/portcullis/portcullis/internal/proxytest"
	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/internal/testwait"
)

// exampleConfig reads examples/<proxy>/enforce.yaml as enforce reads it,
// and moves it to free ports, to the test's Redis and key space, and to a
// max_staleness a test can wait out.
func exampleConfig(t testing.TB, proxy, redisAddr string) Config {
	t.Helper()
	raw, err := os.ReadFile("../examples/" + proxy + "/enforce.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg Config
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		t.Fatalf("examples/%s/enforce.yaml: %v", proxy, err)
	}
	tc := testConfig(redisAddr)
	cfg.Listen, cfg.Admin, cfg.GRPCListen = tc.Listen, tc.Admin, ""
	cfg.Blocklist.Redis = tc.Blocklist.Redis
	cfg.Blocklist.MaxStaleness = 3 * time.Second
	cfg.Blocklist.ProbeInterval = 200 * time.Millisecond
	return cfg
}

// exampleOn is proxy's example config on a redis-server of t's own,
// failing as failMode says.
func exampleOn(t testing.TB, proxy, failMode string) (*redistest.Server, Config) {
	t.Helper()
	srv := redistest.StartServer(t)
	cfg := exampleConfig(t, proxy, srv.Addr())
	cfg.Blocklist.FailMode = failMode
	return srv, cfg
}

// backend is the site behind the proxy: it answers "app".
func backend(t testing.TB) string {
	t.Helper()
	b := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("app")) }))
	t.Cleanup(b.Close)
	return b.Listener.Addr().String()
}

func readExample(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile("../examples/" + path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// startNginx runs nginx with examples/nginx/ in front of a backend,
// asking s.
func startNginx(t testing.TB, s *Service) *proxytest.Proxy {
	t.Helper()
	app := backend(t)
	return proxytest.StartNginx(t, func(dir string, port int) string {
		httpConf := proxytest.Replace(t, "portcullis-http.conf", readExample(t, "nginx/portcullis-http.conf"),
			"127.0.0.1:9180", s.Addr().String())
		serverConf := readExample(t, "nginx/portcullis-server.conf")
		site := proxytest.Replace(t, "site.conf", readExample(t, "nginx/site.conf"),
			"listen 8080;", fmt.Sprintf("listen 127.0.0.1:%d;", port),
			"/etc/nginx/portcullis/", dir+"/",
			"127.0.0.1:3000", app)
		writeFile(t, dir+"/portcullis-http.conf", httpConf)
		writeFile(t, dir+"/portcullis-server.conf", serverConf)
		return proxytest.NginxSite(dir, "include "+dir+"/portcullis-http.conf;\n"+site)
	})
}

// startCaddy runs Caddy with examples/caddy/Caddyfile in front of a
// backend, asking s.
func startCaddy(t testing.TB, s *Service) *proxytest.Proxy {
	t.Helper()
	app := backend(t)
	return proxytest.StartCaddy(t, func(dir string) string {
		site := proxytest.Replace(t, "Caddyfile", readExample(t, "caddy/Caddyfile"),
			":8080 {", ":0 {\n\tbind 127.0.0.1",
			"127.0.0.1:9180", s.Addr().String(),
			"127.0.0.1:3000", app)
		// The admin endpoint would listen on a fixed port; tests run side by side.
		return "{\n\tadmin off\n}\n" + site
	})
}

func TestNginxAuthRequest(t *testing.T) {
	srv, cfg := exampleOn(t, "nginx", "closed")
	s := startService(t, cfg)
	p := startNginx(t, s)
	proxyScenario(t, p, s, cfg, srv)
}

func TestCaddyForwardAuth(t *testing.T) {
	srv, cfg := exampleOn(t, "caddy", "open")
	s := startService(t, cfg)
	p := startCaddy(t, s)
	proxyScenario(t, p, s, cfg, srv)
}

// proxyScenario is what a user of the proxy p sees, with s deciding: the
// clients are loopback addresses other than 127.0.0.1, which s trusts as
// the proxy.
func proxyScenario(t *testing.T, p *proxytest.Proxy, s *Service, cfg Config, srv *redistest.Server) {
	store := storeFor(t, cfg)
	refused := cfg.WithDefaults().Refuse.Status
	url := p.URL() + "/api/items?page=1"
	ask := func(c *http.Client, headers map[string]string) *http.Response {
		t.Helper()
		resp, body := get(t, c, url, headers)
		if resp.StatusCode == 200 && body != "app" {
			t.Fatalf("200 with body %q; want the backend's", body)
		}
		if resp.StatusCode != 200 && resp.StatusCode != refused {
			t.Fatalf("status %d (%q); want 200 or %d\nproxy log: %s", resp.StatusCode, body, refused, p.Log())
		}
		return resp
	}
	good, bad := clientFrom(t, "127.0.0.3"), clientFrom(t, "127.0.0.4")

	t.Run("an allowed client passes", func(t *testing.T) {
		if r := ask(good, nil); r.StatusCode != 200 {
			t.Fatalf("status %d; want 200", r.StatusCode)
		}
	})

	var badOutcome = applyOne(t, store, block("127.0.0.4", "ip", 600))
	t.Run("a client blocked in Redis is refused, and the refusal names the decision", func(t *testing.T) {
		var r *http.Response
		testwait.Eventually(t, 5*time.Second, "the refusal", func() (bool, string) {
			r = ask(bad, nil)
			return r.StatusCode == refused, r.Status
		})
		if got, want := r.Header.Get("X-Portcullis-Decision"), DecisionID("127.0.0.4", badOutcome.Expires); got != want {
			t.Errorf("decision header %q; want %q", got, want)
		}
		if refused == http.StatusTooManyRequests {
			if ra, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || ra < 590 || ra > 600 {
				t.Errorf("Retry-After %q; want the seconds left of the 600 s block", r.Header.Get("Retry-After"))
			}
		}
	})

	t.Run("a forged X-Forwarded-For or X-Real-IP from an untrusted client changes nothing", func(t *testing.T) {
		forged := map[string]string{"X-Forwarded-For": "127.0.0.3", "X-Real-IP": "127.0.0.3"}
		if r := ask(bad, forged); r.StatusCode != refused {
			t.Errorf("the blocked client, claiming to be another: %d; want %d", r.StatusCode, refused)
		}
		framed := map[string]string{"X-Forwarded-For": "127.0.0.4", "X-Real-IP": "127.0.0.4"}
		if r := ask(good, framed); r.StatusCode != 200 {
			t.Errorf("an allowed client, claiming to be the blocked one: %d; want 200", r.StatusCode)
		}
	})

	t.Run("an allowlisted client passes even with a decision on its API key", func(t *testing.T) {
		applyOne(t, store, block(httpcheck.APIKeyID("key_shared"), "api_key", 600))
		if err := store.Allow(t.Context(), "127.0.0.5"); err != nil {
			t.Fatal(err)
		}
		other := clientFrom(t, "127.0.0.6")
		key := map[string]string{"X-API-Key": "key_shared"}
		testwait.Until(t, 5*time.Second, "the key's block", func() bool { return ask(other, key).StatusCode == refused })
		if r := ask(clientFrom(t, "127.0.0.5"), key); r.StatusCode != 200 {
			t.Errorf("allowlisted client with a blocked key: %d; want 200", r.StatusCode)
		}
	})

	t.Run("the time from Apply to the first refusal is within 100 ms p99 over 50 decisions", func(t *testing.T) {
		const n = 50
		lat := make([]time.Duration, 0, n)
		for i := range n {
			client := fmt.Sprintf("127.0.1.%d", 10+i)
			c := clientFrom(t, client)
			if r := ask(c, nil); r.StatusCode != 200 {
				t.Fatalf("%s refused before its decision: %d", client, r.StatusCode)
			}
			start := time.Now()
			applyOne(t, store, block(client, "ip", 600))
			testwait.Until(t, 5*time.Second, "the refusal of "+client, func() bool { return ask(c, nil).StatusCode == refused })
			lat = append(lat, time.Since(start))
			c.Transport.(*http.Transport).CloseIdleConnections()
		}
		slices.Sort(lat)
		p50, p99 := lat[len(lat)/2], percentile(lat, 99)
		t.Logf("Apply to first refusal at the proxy over %d decisions: p50 %v, p99 %v, max %v", n, p50, p99, lat[n-1])
		if limit := testwait.Scale(t, 100*time.Millisecond); p99 > limit {
			t.Errorf("p99 %v; want at most %v (100 ms, scaled for this build and machine)", p99, limit)
		}
	})

	t.Run("stopping Redis past max_staleness gives the fail mode, and restarting it recovers", func(t *testing.T) {
		admin := clientFrom(t, "127.0.0.1")
		ready := func() int {
			r, _ := get(t, admin, "http://"+s.AdminAddr().String()+"/readyz", nil)
			return r.StatusCode
		}
		srv.Stop()
		testwait.Until(t, 20*time.Second, "readyz to report the stale view", func() bool { return ready() == http.StatusServiceUnavailable })
		switch cfg.Blocklist.FailMode {
		case "closed":
			// A check that follows enforce's feed (the Lua check) hears of the
			// stale view from the feed, up to a tick of enforce's clock after
			// readyz does.
			var r *http.Response
			testwait.Eventually(t, 5*time.Second, "the fail mode closing the route", func() (bool, string) {
				r = ask(good, nil)
				return r.StatusCode == refused, fmt.Sprintf("%d %q", r.StatusCode, r.Header.Get("X-Portcullis-Decision"))
			})
			if r.StatusCode != refused || r.Header.Get("X-Portcullis-Decision") != FailClosedID {
				t.Errorf("failing closed, an allowed client got %d %q; want %d %q", r.StatusCode, r.Header.Get("X-Portcullis-Decision"), refused, FailClosedID)
			}
		case "open":
			if r := ask(good, nil); r.StatusCode != 200 {
				t.Errorf("failing open, an allowed client got %d; want 200", r.StatusCode)
			}
			if r := ask(bad, nil); r.StatusCode != refused {
				t.Errorf("failing open, a client blocked before the outage got %d; want %d", r.StatusCode, refused)
			}
		}
		srv.Restart()
		testwait.Until(t, 20*time.Second, "readyz after Redis is back", func() bool { return ready() == 200 })
		if r := ask(good, nil); r.StatusCode != 200 {
			t.Errorf("after recovery an allowed client got %d; want 200", r.StatusCode)
		}
		// The restarted Redis is empty, so new decisions are enforced again.
		applyOne(t, store, block("127.0.0.3", "ip", 600))
		testwait.Until(t, 5*time.Second, "a block stored after recovery", func() bool { return ask(good, nil).StatusCode == refused })
	})
}

func writeFile(t testing.TB, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}
