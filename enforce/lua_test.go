package enforce

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/internal/proxytest"
	"github.com/portcullis/portcullis/internal/testwait"
)

// luaModule is the nginx module the Lua check needs, where Debian's
// libnginx-mod-http-lua puts it (examples/nginx/portcullis-lua-modules.conf).
const luaModule = "/usr/lib/nginx/modules/ngx_http_lua_module.so"

// startNginxLua runs nginx with the Lua variant of examples/nginx/ in
// front of a backend, following s's feed and asking s what it cannot
// answer alone.
func startNginxLua(t testing.TB, s *Service) *proxytest.Proxy {
	t.Helper()
	return startNginxLuaWith(t, s, nil)
}

// startNginxLuaWith is startNginxLua with more server blocks, which extra
// writes for the backend's address and nginx's port.
func startNginxLuaWith(t testing.TB, s *Service, extra func(app string, port int) string) *proxytest.Proxy {
	t.Helper()
	if _, err := os.Stat(luaModule); err != nil {
		t.Fatalf("the nginx Lua module is not installed (%v); install it with: apt-get install -y libnginx-mod-http-lua (or run make deps)", err)
	}
	app := backend(t)
	return proxytest.StartNginx(t, func(dir string, port int) string {
		httpConf := proxytest.Replace(t, "portcullis-lua-http.conf", readExample(t, "nginx/portcullis-lua-http.conf"),
			"127.0.0.1:9181", s.AdminAddr().String(),
			"127.0.0.1:9180", s.Addr().String(),
			"/etc/nginx/portcullis/", dir+"/")
		site := proxytest.Replace(t, "site.conf", readExample(t, "nginx/site.conf"),
			"listen 8080;", fmt.Sprintf("listen 127.0.0.1:%d;\n    listen [::1]:%[1]d;", port),
			"/etc/nginx/portcullis/portcullis-server.conf", dir+"/portcullis-lua-server.conf",
			"127.0.0.1:3000", app)
		writeFile(t, dir+"/portcullis-lua-http.conf", httpConf)
		writeFile(t, dir+"/portcullis-lua-server.conf", readExample(t, "nginx/portcullis-lua-server.conf"))
		writeFile(t, dir+"/portcullis.lua", readExample(t, "nginx/portcullis.lua"))
		if extra != nil {
			site += extra(app, port)
		}
		return readExample(t, "nginx/portcullis-lua-modules.conf") +
			proxytest.NginxSite(dir, "include "+dir+"/portcullis-lua-http.conf;\n"+site)
	})
}

// TestNginxLua is what a user of nginx with the Lua check sees, as with
// auth_request: blocks, the allowlist, a forged X-Forwarded-For, the time
// from Apply to the first refusal, and Redis stopped past max_staleness.
// A decision on an API key, which the check cannot match itself, is asked
// of enforce.
func TestNginxLua(t *testing.T) {
	srv, cfg := exampleOn(t, "nginx", "closed")
	s := startService(t, cfg)
	p := startNginxLua(t, s)
	proxyScenario(t, p, s, cfg, srv)
}

// TestNginxLuaEnforceStopped: with enforce gone, the check keeps the view
// it had until max_staleness, then applies enforce's fail mode by route:
// open keeps the blocks held and lets the rest through, and the example's
// /login route fails closed for all but the allowlist.
func TestNginxLuaEnforceStopped(t *testing.T) {
	_, cfg := exampleOn(t, "nginx", "open")
	s, stopEnforce := startStoppable(t, cfg)
	p := startNginxLua(t, s)
	store := storeFor(t, cfg)
	good, bad, listed := clientFrom(t, "127.0.0.3"), clientFrom(t, "127.0.0.4"), clientFrom(t, "127.0.0.5")
	status := func(c *http.Client, path string) (int, string) {
		t.Helper()
		r, _ := get(t, c, p.URL()+path, nil)
		return r.StatusCode, r.Header.Get("X-Portcullis-Decision")
	}
	d := applyOne(t, store, block("127.0.0.4", "ip", 600))
	if err := store.Allow(t.Context(), "127.0.0.5/32"); err != nil {
		t.Fatal(err)
	}
	testwait.Eventually(t, 5*time.Second, "the block at nginx", func() (bool, string) {
		code, _ := status(bad, "/api/items")
		return code == http.StatusForbidden, fmt.Sprint(code)
	})
	if code, _ := status(good, "/login"); code != 200 {
		t.Fatalf("before the outage, /login for an allowed client: %d; want 200", code)
	}

	stopEnforce()
	stopped := time.Now()
	// Up to max_staleness the check answers from its copy.
	if code, _ := status(good, "/login"); code != 200 && time.Since(stopped) < cfg.Blocklist.MaxStaleness/2 {
		t.Errorf("just after enforce stopped, /login for an allowed client: %d; want 200", code)
	}
	testwait.Eventually(t, 20*time.Second, "the fail mode of /login", func() (bool, string) {
		code, id := status(good, "/login")
		return code == http.StatusForbidden && id == FailClosedID, fmt.Sprintf("%d %q", code, id)
	})
	// The view's age at the last answer counts toward max_staleness, and on
	// a loaded machine enforce's probe may have been late: half of it is
	// the margin.
	if el := time.Since(stopped); el < cfg.Blocklist.MaxStaleness/2 {
		t.Errorf("/login failed closed %v after enforce stopped; want about max_staleness (%v)", el, cfg.Blocklist.MaxStaleness)
	}
	if code, _ := status(listed, "/login"); code != 200 {
		t.Errorf("stale, /login for an allowlisted client: %d; want 200", code)
	}
	if code, _ := status(good, "/api/items"); code != 200 {
		t.Errorf("stale and failing open, an allowed client: %d; want 200", code)
	}
	code, id := status(bad, "/api/items")
	if want := DecisionID("127.0.0.4", d.Expires); code != http.StatusForbidden || id != want {
		t.Errorf("stale and failing open, the blocked client: %d %q; want 403 %q (the block held)", code, id, want)
	}
}

// TestNginxLuaDecisions: the check matches what enforce matches, from its
// own copy: an IPv4 prefix, an IPv6 address, /64 and prefix, an
// allowlisted prefix inside a blocked one, a log decision, a block that
// lapses; a throttle decision it asks of enforce, which holds the budget.
func TestNginxLuaDecisions(t *testing.T) {
	_, cfg := exampleOn(t, "nginx", "open")
	s := startService(t, cfg)
	p := startNginxLua(t, s)
	_, port, _ := net.SplitHostPort(p.Addr)
	v6URL := "http://[::1]:" + port + "/api/items"
	store := storeFor(t, cfg)
	status := func(src string) *http.Response {
		t.Helper()
		u := p.URL() + "/api/items"
		if src == "::1" {
			u = v6URL
		}
		r, _ := get(t, clientFrom(t, src), u, nil)
		return r
	}
	refusedBy := func(src, what string, d blocklist.Outcome) {
		t.Helper()
		want := DecisionID(d.Client, d.Expires)
		testwait.Eventually(t, 5*time.Second, src+" refused by "+what, func() (bool, string) {
			r := status(src)
			return r.StatusCode == http.StatusForbidden && r.Header.Get("X-Portcullis-Decision") == want,
				fmt.Sprintf("%d %q", r.StatusCode, r.Header.Get("X-Portcullis-Decision"))
		})
	}
	passes := func(src, what string) {
		t.Helper()
		testwait.Eventually(t, 5*time.Second, src+" let through: "+what, func() (bool, string) {
			r := status(src)
			return r.StatusCode == 200, fmt.Sprint(r.StatusCode)
		})
	}
	remove := func(client string) {
		t.Helper()
		if _, err := store.Remove(t.Context(), client); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("an IPv4 prefix, with an allowlisted prefix inside it", func(t *testing.T) {
		if err := store.Allow(t.Context(), "127.0.2.0/29"); err != nil {
			t.Fatal(err)
		}
		d := applyOne(t, store, block("127.0.2.0/24", decision.ScopeIP, 600))
		refusedBy("127.0.2.9", "the /24", d)
		passes("127.0.2.5", "allowlisted")
		passes("127.0.3.1", "outside the /24")
		remove("127.0.2.0/24")
		passes("127.0.2.9", "the /24 removed")
	})
	t.Run("an IPv6 /64, address and /120", func(t *testing.T) {
		passes("::1", "no decision")
		for _, c := range []struct{ client, scope string }{{"::/64", decision.ScopeIPv6Prefix64}, {"::1", decision.ScopeIP}, {"::/120", decision.ScopeIP}} {
			d := applyOne(t, store, block(c.client, c.scope, 600))
			refusedBy("::1", c.client, d)
			remove(c.client)
			passes("::1", c.client+" removed")
		}
	})
	t.Run("a log decision lets the client through", func(t *testing.T) {
		d := block("127.0.3.2", decision.ScopeIP, 600)
		d.Action = decision.ActionLog
		applyOne(t, store, d)
		later := applyOne(t, store, block("127.0.3.9", decision.ScopeIP, 600)) // once it is refused, the log decision is in too
		refusedBy("127.0.3.9", "a later block", later)
		if r := status("127.0.3.2"); r.StatusCode != 200 {
			t.Errorf("a client under a log decision: %d; want 200", r.StatusCode)
		}
	})
	t.Run("a block lapses at its expiry", func(t *testing.T) {
		d := applyOne(t, store, block("127.0.3.4", decision.ScopeIP, 2))
		refusedBy("127.0.3.4", "a 2 s block", d)
		time.Sleep(time.Until(d.Expires))
		passes("127.0.3.4", "the block lapsed")
	})
	t.Run("a throttle decision is asked of enforce, and past its rate answered 429 with Retry-After", func(t *testing.T) {
		d := block("127.0.3.5", decision.ScopeIP, 600)
		d.Action, d.Limit = decision.ActionThrottle, 1
		applyOne(t, store, d)
		var r *http.Response
		testwait.Eventually(t, 5*time.Second, "a 429", func() (bool, string) {
			r = status("127.0.3.5")
			return r.StatusCode == http.StatusTooManyRequests, fmt.Sprint(r.StatusCode)
		})
		if ra, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || ra < 1 {
			t.Errorf("Retry-After %q; want whole seconds", r.Header.Get("Retry-After"))
		}
	})
	t.Run("a challenge decision is asked of enforce, and a request for a page sent to the challenge", func(t *testing.T) {
		d := block("127.0.3.6", decision.ScopeIP, 600)
		d.Action = decision.ActionChallenge
		out := applyOne(t, store, d)
		c := clientFrom(t, "127.0.3.6")
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		var r *http.Response
		testwait.Eventually(t, 5*time.Second, "the redirect to the challenge", func() (bool, string) {
			r, _ = get(t, c, p.URL()+"/account?tab=1", map[string]string{"Accept": "text/html"})
			return r.StatusCode == http.StatusFound, fmt.Sprint(r.StatusCode)
		})
		if loc, want := r.Header.Get("Location"), "/.portcullis/challenge?return=%2Faccount%3Ftab%3D1"; loc != want {
			t.Errorf("Location %q; want %q", loc, want)
		}
		if got, want := r.Header.Get("X-Portcullis-Decision"), DecisionID("127.0.3.6", out.Expires); got != want {
			t.Errorf("decision header %q; want %q", got, want)
		}
	})
}
