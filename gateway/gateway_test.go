package gateway

import (
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/blocklist/httpcheck"
)

func TestConfigValidate(t *testing.T) {
	ok := Route{Name: "api", PathPrefix: "/api", Upstreams: []string{"http://127.0.0.1:1"}}
	tests := []struct {
		name string
		cfg  Config
		want string // a part of the error; empty for none
	}{
		{"a config with one route is valid", Config{Routes: []Route{ok}}, ""},
		{"a config without routes says to add one", Config{}, "no routes"},
		{"an upstream that is not a URL is named", Config{Routes: []Route{{Name: "a", PathPrefix: "/", Upstreams: []string{"10.0.0.1:80"}}}}, `upstream "10.0.0.1:80"`},
		{"a route without upstreams is refused", Config{Routes: []Route{{Name: "a", PathPrefix: "/"}}}, "no upstreams"},
		{"two routes with the same prefix and methods overlap", Config{Routes: []Route{ok, {Name: "b", PathPrefix: "/api", Upstreams: ok.Upstreams}}}, "also route"},
		{"the same prefix with disjoint methods is fine", Config{Routes: []Route{
			{Name: "r", PathPrefix: "/api", Methods: []string{"GET"}, Upstreams: ok.Upstreams},
			{Name: "w", PathPrefix: "/api", Methods: []string{"POST"}, Upstreams: ok.Upstreams}}}, ""},
		{"a bad fail mode lists the choices", Config{Routes: []Route{{Name: "a", PathPrefix: "/", Upstreams: ok.Upstreams, FailMode: "maybe"}}}, "use open"},
		{"a prefix without a leading slash is refused", Config{Routes: []Route{{Name: "a", PathPrefix: "api", Upstreams: ok.Upstreams}}}, "must start with '/'"},
		{"a duplicate route name is refused", Config{Routes: []Route{ok, {Name: "api", PathPrefix: "/b", Upstreams: ok.Upstreams}}}, "used twice"},
		{"a bad trusted proxy is named", Config{Routes: []Route{ok}, RequestIdentity: httpcheck.RequestIdentity{TrustedProxies: []string{"10.0.0.0/33"}}}, `"10.0.0.0/33"`},
		{"a burst without a rate is refused", Config{Routes: []Route{{Name: "a", PathPrefix: "/", Upstreams: ok.Upstreams, RateLimit: RateLimit{Burst: 3}}}}, "rate_limit"},
		{"an upstream timeout above the write timeout is refused", Config{Routes: []Route{ok}, Timeouts: Timeouts{Upstream: time.Minute, Write: time.Second}}, "timeouts.upstream"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.WithDefaults().Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error %v; want one containing %q", err, tt.want)
			}
		})
	}
}

func TestProxying(t *testing.T) {
	noLeaks(t)
	a, b := newUpstream(t, "a", nil), newUpstream(t, "b", nil)
	other := newUpstream(t, "other", nil)
	tg := startGateway(t, Config{Routes: []Route{
		{Name: "api", PathPrefix: "/api", Upstreams: []string{a.URL, b.URL}},
		{Name: "v2", PathPrefix: "/api/v2", Upstreams: []string{other.URL + "/base"}, StripPrefix: true},
		{Name: "ro", PathPrefix: "/ro", Methods: []string{"GET"}, Upstreams: []string{other.URL}},
	}}, nil)

	t.Run("requests alternate between a route's upstreams", func(t *testing.T) {
		var got []string
		for range 4 {
			r := tg.do(t, "GET", "/api/items?x=1", nil, nil)
			if r.status != 200 {
				t.Fatalf("status %d", r.status)
			}
			got = append(got, r.body)
		}
		if got[0] == got[1] || got[0] != got[2] || got[1] != got[3] {
			t.Errorf("bodies %q; want round robin over a and b", got)
		}
		for _, g := range got {
			if !strings.HasSuffix(g, " /api/items?x=1") {
				t.Errorf("body %q: want the path and query unchanged", g)
			}
		}
	})
	t.Run("the longest prefix wins and strip_prefix joins the rest to the upstream path", func(t *testing.T) {
		if r := tg.do(t, "GET", "/api/v2/users/7", nil, nil); r.body != "other /base/users/7" {
			t.Errorf("body %q", r.body)
		}
	})
	t.Run("a prefix matches only at a path segment", func(t *testing.T) {
		if r := tg.do(t, "GET", "/apix", nil, nil); r.status != http.StatusNotFound || !strings.Contains(r.body, `"error"`) {
			t.Errorf("got %d %q; want a 404 JSON error", r.status, r.body)
		}
	})
	t.Run("a method the route does not take is 405", func(t *testing.T) {
		if r := tg.do(t, "POST", "/ro/x", strings.NewReader("x"), nil); r.status != http.StatusMethodNotAllowed {
			t.Errorf("status %d", r.status)
		}
	})
	t.Run("metrics count by route and code", func(t *testing.T) {
		if n := tg.metric(t, "portcullis_gateway_requests_total", "code", "200", "route", "api"); n != 4 {
			t.Errorf("api 200s: %v, want 4", n)
		}
		if n := tg.metric(t, "portcullis_gateway_requests_total", "code", "404", "route", "none"); n != 1 {
			t.Errorf("unmatched 404s: %v, want 1", n)
		}
		if n := tg.metric(t, "portcullis_gateway_request_duration_seconds", "route", "api"); n != 4 {
			t.Errorf("api durations observed: %v, want 4", n)
		}
	})
}

func TestLimits(t *testing.T) {
	noLeaks(t)
	up := newUpstream(t, "up", nil)
	cfg := oneRoute(up.URL, nil)
	cfg.Limits = Limits{MaxBodyBytes: 100, MaxURLLength: 200, MaxHeaderBytes: 1000}
	tg := startGateway(t, cfg, nil)

	tests := []struct {
		name   string
		method string
		path   string
		body   func() *strings.Reader
		set    func(*http.Request)
		status int
		limit  string
	}{
		{"a body under the limit passes", "POST", "/api/x", func() *strings.Reader { return strings.NewReader(strings.Repeat("a", 100)) }, nil, 200, ""},
		{"a declared body over the limit is 413 before any upstream call", "POST", "/api/x", func() *strings.Reader { return strings.NewReader(strings.Repeat("a", 101)) }, nil, 413, "body"},
		{"a chunked body over the limit is 413", "POST", "/api/x", func() *strings.Reader { return strings.NewReader(strings.Repeat("a", 5000)) },
			func(r *http.Request) { r.ContentLength = -1 }, 413, "body"},
		{"a long URL is 414", "GET", "/api/" + strings.Repeat("u", 300), nil, nil, 414, "url"},
		{"large headers are 431", "GET", "/api/x", nil, func(r *http.Request) { r.Header.Set("X-Big", strings.Repeat("h", 1500)) }, 431, "header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before float64
			if tt.limit != "" {
				before = tg.metric(t, "portcullis_gateway_limit_rejections_total", "limit", tt.limit)
			}
			var r response
			if tt.body != nil {
				body := tt.body()
				r = tg.do(t, tt.method, tt.path, body, func(req *http.Request) {
					if tt.set != nil {
						tt.set(req)
						req.Body = readCloser{body}
					}
				})
			} else {
				r = tg.do(t, tt.method, tt.path, nil, tt.set)
			}
			if r.status != tt.status {
				t.Fatalf("status %d (%q); want %d", r.status, r.body, tt.status)
			}
			if tt.limit != "" {
				if got := tg.metric(t, "portcullis_gateway_limit_rejections_total", "limit", tt.limit) - before; got != 1 {
					t.Errorf("%s rejections counted: %v; want 1", tt.limit, got)
				}
			}
		})
	}
}

type readCloser struct{ *strings.Reader }

func (readCloser) Close() error { return nil }

func TestLocalRateLimit(t *testing.T) {
	noLeaks(t)
	up := newUpstream(t, "up", nil)
	tg := startGateway(t, oneRoute(up.URL, func(r *Route) { r.RateLimit = RateLimit{RPS: 0.5, Burst: 2} }), nil)

	for i, want := range []int{200, 200, 429} {
		r := tg.do(t, "GET", "/api/x", nil, from("203.0.113.1"))
		if r.status != want {
			t.Fatalf("request %d of one client: %d; want %d", i, r.status, want)
		}
		if want == 429 {
			if s, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || s < 1 || s > 2 {
				t.Errorf("Retry-After %q; want 1 or 2 seconds (one token at 0.5/s)", r.header.Get("Retry-After"))
			}
		}
	}
	if r := tg.do(t, "GET", "/api/x", nil, from("203.0.113.2")); r.status != 200 {
		t.Errorf("another client: %d; want 200, buckets are per client", r.status)
	}
	if n := tg.metric(t, "portcullis_gateway_rate_limited_total", "route", "api"); n != 1 {
		t.Errorf("rate limited: %v; want 1", n)
	}
}

func TestLocalLimiterBoundsItsClients(t *testing.T) {
	t.Run("busy clients beyond the cap evict others", func(t *testing.T) {
		l := newLocalLimiter(1.0/3600, 1, limiterShards*4) // nobody goes idle
		for i := range 10_000 {
			l.allow(ipOf(i))
		}
		if n := l.len(); n > limiterShards*4 {
			t.Errorf("%d clients tracked; want at most the cap, %d", n, limiterShards*4)
		}
	})
	t.Run("buckets idle long enough to refill are swept", func(t *testing.T) {
		l := newLocalLimiter(1000, 1, 1_000_000) // full again after 1 ms
		for i := range 1000 {
			l.allow(ipOf(i))
		}
		time.Sleep(5 * time.Millisecond)
		for i := range 1024 * limiterShards { // every shard sees its 1024th insert
			l.allow(ipOf(10_000 + i))
		}
		if n := l.len(); n >= 1000+1024*limiterShards {
			t.Errorf("%d clients tracked; want the idle ones swept", n)
		}
	})
	t.Run("a client that spent its burst waits for a token", func(t *testing.T) {
		l := newLocalLimiter(1, 2, 100)
		l.allow(ipOf(1))
		l.allow(ipOf(1))
		ok, wait := l.allow(ipOf(1))
		if ok || wait <= 0 || wait > time.Second {
			t.Errorf("third request: allowed %v, wait %v; want refused with a wait up to 1 s", ok, wait)
		}
	})
}

func TestUpstreamTimeout(t *testing.T) {
	noLeaks(t)
	release := make(chan struct{})
	slow := newUpstream(t, "slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	cfg := oneRoute(slow.URL, nil)
	cfg.Timeouts.Upstream = 100 * time.Millisecond
	tg := startGateway(t, cfg, nil)
	if r := tg.do(t, "GET", "/api/slow", nil, nil); r.status != http.StatusGatewayTimeout {
		t.Fatalf("status %d; want 504", r.status)
	}
	if n := tg.metric(t, "portcullis_gateway_upstream_errors_total", "route", "api"); n != 1 {
		t.Errorf("upstream errors: %v; want 1", n)
	}
}

func TestUnreachableUpstreamIs502(t *testing.T) {
	noLeaks(t)
	tg := startGateway(t, oneRoute("http://127.0.0.1:1", nil), nil)
	if r := tg.do(t, "GET", "/api", nil, nil); r.status != http.StatusBadGateway {
		t.Fatalf("status %d; want 502", r.status)
	}
	if n := tg.metric(t, "portcullis_gateway_upstream_errors_total", "route", "api"); n != 1 {
		t.Errorf("upstream errors: %v; want 1", n)
	}
}

func ipOf(i int) netip.Addr {
	return netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
}
