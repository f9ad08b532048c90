package gateway

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/portcullis/portcullis/internal/redistest"
	learnedlimits "github.com/portcullis/portcullis/limits"
)

// itemsLimit is a learned limit of GET /api/items/{id}: 2 at once, then
// one every 5 s, per address.
var itemsLimit = LearnedEndpoint{Method: "GET", Path: "/api/items/{id}", Class: "anonymous", RPS: 0.2, Burst: 2, Clients: 40, Confidence: "low"}

func TestLearnedLimitsConfigErrors(t *testing.T) {
	ok := Route{Name: "api", PathPrefix: "/api", Upstreams: []string{"http://127.0.0.1:1"}}
	withLimits := func(l LearnedLimits) Config { return Config{Routes: []Route{ok}, RateLimits: l} }
	bad := func(set func(*LearnedEndpoint)) LearnedLimits {
		e := itemsLimit
		set(&e)
		return LearnedLimits{Endpoints: []LearnedEndpoint{e}}
	}
	tests := []struct {
		name string
		cfg  Config
		want string // a part of the error; empty for none
	}{
		{"learned limits listed in the config are valid", withLimits(LearnedLimits{Mode: "enforce", Endpoints: []LearnedEndpoint{itemsLimit}}), ""},
		{"a mode other than log or enforce lists the two", withLimits(LearnedLimits{Mode: "block", Endpoints: []LearnedEndpoint{itemsLimit}}), "use log"},
		{"a file and a list at once are refused", withLimits(LearnedLimits{Learned: "m.pcm", Endpoints: []LearnedEndpoint{itemsLimit}}), "keep one"},
		{"a mode without limits says where limits come from", withLimits(LearnedLimits{Mode: "enforce"}), "without limits"},
		{"a rate of zero is refused", withLimits(bad(func(e *LearnedEndpoint) { e.RPS = 0 })), "rps 0"},
		{"a burst of zero is refused", withLimits(bad(func(e *LearnedEndpoint) { e.Burst = 0 })), "burst 0"},
		{"a class other than anonymous or keyed is refused", withLimits(bad(func(e *LearnedEndpoint) { e.Class = "bots" })), `class "bots"`},
		{"a lower-case method is refused", withLimits(bad(func(e *LearnedEndpoint) { e.Method = "get" })), `method "get"`},
		{"a path no template can be is refused", withLimits(bad(func(e *LearnedEndpoint) { e.Path = "/a b/{id}" })), "not a template"},
		{"a path with a control character is named escaped", withLimits(bad(func(e *LearnedEndpoint) { e.Path = "/a\x1b[2J" })), `\x1b[2J`},
		{"a negative client cap is refused", withLimits(LearnedLimits{MaxClients: -1, Endpoints: []LearnedEndpoint{itemsLimit}}), "max_clients"},
		{"two limits of one class of one endpoint are refused", withLimits(LearnedLimits{Endpoints: []LearnedEndpoint{itemsLimit, itemsLimit}}), "a second anonymous limit"},
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

func TestLearnedLimitsFileErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name string
		file string
		want string
	}{
		{"a missing file is named with what to give", filepath.Join(dir, "absent.pcm"), "name a model file"},
		{"a file of another kind says what it should be", write("notes.txt", []byte("hello: world\n")), `unknown key "hello"`},
		{"a gzip file that is not a model is refused", write("other.gz", gzipJSON(t, map[string]any{"format": "something"})), `format is "something"`},
		{"a model without limits says to retrain", write("old.pcm", gzipJSON(t, map[string]any{"format": learnedlimits.ModelFormat, "id": "m0"})), "retrain"},
		{"a limits file naming another file is refused", write("loop.yaml", []byte("rate_limits:\n  learned: other.yaml\n")), "names another file"},
		{"a limits file with a bad limit is refused", write("bad.yaml", []byte("rate_limits:\n  endpoints:\n    - {method: GET, path: \"/x\", class: anonymous, rps: -1, burst: 3}\n")), "rps -1"},
	}
	up := newUpstream(t, "up", nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := oneRoute(up.URL, nil)
			cfg.RateLimits = LearnedLimits{Learned: tt.file}
			_, err := New(cfg, nil, nil, nil, prometheus.NewRegistry(), nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New: %v; want an error containing %q", err, tt.want)
			}
		})
	}
}

func gzipJSON(t *testing.T, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if err := json.NewEncoder(zw).Encode(v); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestLearnedLimitsMatchTemplates(t *testing.T) {
	es := []LearnedEndpoint{
		{Method: "GET", Path: "/items/{id}", Class: "anonymous", RPS: 1, Burst: 1},
		{Method: "GET", Path: "/items/new", Class: "anonymous", RPS: 1, Burst: 1},
		{Method: "POST", Path: "/items/{id}/reviews", Class: "anonymous", RPS: 1, Burst: 1},
		{Method: "GET", Path: "/", Class: "anonymous", RPS: 1, Burst: 1},
		{Method: "GET", Path: "/a/{id}/c", Class: "anonymous", RPS: 1, Burst: 1},
		{Method: "GET", Path: "/a/b/d", Class: "anonymous", RPS: 1, Burst: 1},
	}
	s := newLearnedSet(es, learnedlimits.ModeLog, false, 10, func(string, string, string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Name: "x"})
	})
	tests := []struct {
		method, path, want string // want: the template matched, or empty
	}{
		{"GET", "/items/42", "/items/{id}"},
		{"GET", "/items/new", "/items/new"},
		{"POST", "/items/42/reviews", "/items/{id}/reviews"},
		{"GET", "/items/42/reviews", ""},
		{"GET", "/items/", ""},
		{"GET", "/items", ""},
		{"GET", "/", "/"},
		{"GET", "/a/b/c", "/a/{id}/c"},
		{"GET", "/a/b/d", "/a/b/d"},
		{"DELETE", "/items/42", ""},
		{"GET", "", ""},
	}
	for _, tt := range tests {
		got := ""
		if l := s.match(tt.path, tt.method); l != nil {
			got = l.path
		}
		if got != tt.want {
			t.Errorf("%s %s matched %q; want %q", tt.method, tt.path, got, tt.want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { s.match("/a/b/c", "GET") }); n != 0 {
		t.Errorf("match allocates %v times; want 0", n)
	}
}

// rateStage returns g's rate-limit stage, which holds the learned limits.
func rateStage(g *Gateway) *rateLimitStage {
	for _, st := range g.stages.each {
		if s, ok := st.(*rateLimitStage); ok {
			return s
		}
	}
	return nil
}

// learnedGateway starts a gateway with the route /api and the learned
// limits l.
func learnedGateway(t *testing.T, l LearnedLimits) *testGateway {
	t.Helper()
	up := newUpstream(t, "up", nil)
	cfg := oneRoute(up.URL, nil)
	cfg.RateLimits = l
	return startGateway(t, cfg, nil)
}

func TestLearnedLimitsInLogModeCountAndRefuseNothing(t *testing.T) {
	noLeaks(t)
	tg := learnedGateway(t, LearnedLimits{Mode: "log", Endpoints: []LearnedEndpoint{itemsLimit}})
	for i := range 5 {
		if r := tg.do(t, "GET", fmt.Sprintf("/api/items/%d", i), nil, from("203.0.113.1")); r.status != 200 {
			t.Fatalf("request %d: %d; want 200 in log mode", i, r.status)
		}
	}
	if r := tg.do(t, "POST", "/api/items/1", nil, from("203.0.113.1")); r.status != 200 {
		t.Fatalf("another method: %d", r.status)
	}
	if r := tg.do(t, "GET", "/api/items/1", nil, from("203.0.113.2")); r.status != 200 {
		t.Fatalf("another client: %d", r.status)
	}
	labels := []string{"class", "anonymous", "method", "GET", "path", "/api/items/{id}"}
	if n := tg.metric(t, "portcullis_gateway_ratelimit_would_refuse_total", labels...); n != 3 {
		t.Errorf("would-be refusals: %v; want 3 (5 requests of one client past a burst of 2; other methods and clients not counted)", n)
	}
	if n := tg.metric(t, "portcullis_gateway_ratelimit_learned_refused_total", labels...); n != 0 {
		t.Errorf("refusals in log mode: %v", n)
	}
}

func TestLearnedLimitsInEnforceModeRefusePastTheBurst(t *testing.T) {
	noLeaks(t)
	tg := learnedGateway(t, LearnedLimits{Mode: "enforce", Endpoints: []LearnedEndpoint{itemsLimit}})
	for i, want := range []int{200, 200, 429, 429} {
		r := tg.do(t, "GET", "/api/items/7", nil, from("203.0.113.1"))
		if r.status != want {
			t.Fatalf("request %d: %d; want %d", i, r.status, want)
		}
		if want == 429 {
			if s, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || s < 1 || s > 5 {
				t.Errorf("Retry-After %q; want 1 to 5 seconds (one token at 0.2/s)", r.header.Get("Retry-After"))
			}
		}
	}
	if r := tg.do(t, "GET", "/api/other", nil, from("203.0.113.1")); r.status != 200 {
		t.Errorf("a path without a limit: %d", r.status)
	}
	labels := []string{"class", "anonymous", "method", "GET", "path", "/api/items/{id}"}
	if n := tg.metric(t, "portcullis_gateway_ratelimit_learned_refused_total", labels...); n != 2 {
		t.Errorf("refusals: %v; want 2", n)
	}
}

func TestLearnedLimitsKeyedClientsHaveTheirOwnBuckets(t *testing.T) {
	keyed := LearnedEndpoint{Method: "GET", Path: "/api/items/{id}", Class: "keyed", RPS: 0.2, Burst: 1}
	tg := learnedGateway(t, LearnedLimits{Mode: "enforce", Endpoints: []LearnedEndpoint{itemsLimit, keyed}})
	st := rateStage(tg.Gateway)
	l := st.learned.match("/api/items/1", "GET")
	if l == nil {
		t.Fatal("no limit matched")
	}
	take := func(ex *exchange) (string, bool) {
		b, ok, _ := st.allowLearned(t.Context(), l, ex)
		if b == nil {
			return "", ok
		}
		if b.byKey != nil {
			return "keyed", ok
		}
		return "anonymous", ok
	}
	ip := netip.MustParseAddr("203.0.113.5")
	for i, tt := range []struct {
		ex    *exchange
		class string
		ok    bool
	}{
		{&exchange{ip: ip, keyID: "k1"}, "keyed", true},
		{&exchange{ip: ip, keyID: "k1"}, "keyed", false}, // burst 1
		{&exchange{ip: ip, keyID: "k2"}, "keyed", true},  // another key
		{&exchange{ip: ip, user: "k1"}, "keyed", true},   // a user named like a key is another client
		{&exchange{ip: ip}, "anonymous", true},           // the address alone: the anonymous limit
	} {
		class, ok := take(tt.ex)
		if class != tt.class || ok != tt.ok {
			t.Errorf("take %d: %s %v; want %s %v", i, class, ok, tt.class, tt.ok)
		}
	}
}

func TestLearnedLimitsFromFiles(t *testing.T) {
	noLeaks(t)
	dir := t.TempDir()
	ls := []learnedlimits.Limit{{Method: "GET", Path: "/api/items/{id}", Class: "anonymous", RPS: 0.2, Burst: 2, Clients: 40, Confidence: learnedlimits.Low}}
	var b bytes.Buffer
	if err := learnedlimits.WriteGateway(&b, ls, learnedlimits.ModeEnforce); err != nil {
		t.Fatal(err)
	}
	yamlFile := filepath.Join(dir, "limits.yaml")
	if err := os.WriteFile(yamlFile, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	// A model file, reduced to what the gateway reads of it.
	table := learnedlimits.Table{Events: 1000, Endpoints: []learnedlimits.Endpoint{{Method: "GET", Path: "/api/items/{id}",
		Anonymous: &learnedlimits.Peaks{Clients: 40, Short: learnedlimits.Quantiles{Max: 1}, Long: learnedlimits.Quantiles{Max: 1}}}}}
	modelFile := filepath.Join(dir, "m.pcm")
	if err := os.WriteFile(modelFile, gzipJSON(t, map[string]any{"format": learnedlimits.ModelFormat, "version": 2, "id": "m1", "limits": table}), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, file, mode string
		past             int // the status past the burst
		burst            int
	}{
		{"the output of portcullis limits --format gateway brings its mode", yamlFile, "", 429, 2},
		{"the config's mode wins over the file's", yamlFile, "log", 200, 2},
		{"a model file gives the limits it recommends, in log mode by default", modelFile, "", 200, learnedlimits.MinBurst},
		{"a model file in enforce mode", modelFile, "enforce", 429, learnedlimits.MinBurst},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tg := learnedGateway(t, LearnedLimits{Learned: tt.file, Mode: tt.mode})
			for i := range tt.burst {
				if r := tg.do(t, "GET", "/api/items/1", nil, from("203.0.113.1")); r.status != 200 {
					t.Fatalf("request %d within the burst: %d", i, r.status)
				}
			}
			if r := tg.do(t, "GET", "/api/items/1", nil, from("203.0.113.1")); r.status != tt.past {
				t.Fatalf("past the burst: %d; want %d", r.status, tt.past)
			}
		})
	}
}

func TestSharedLearnedLimits(t *testing.T) {
	addr := redistest.Start(t)
	noLeaks(t)
	client := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { client.Close() })
	lim := NewRedisLimiter(client, fmt.Sprintf("rl%d:", keyPrefixes.Add(1)))
	up := newUpstream(t, "up", nil)
	cfg := oneRoute(up.URL, nil)
	cfg.RateLimits = LearnedLimits{Mode: "enforce", Shared: true, Endpoints: []LearnedEndpoint{itemsLimit}}
	build := func(cfg Config, reg prometheus.Registerer) (*Gateway, error) {
		return New(cfg, nil, nil, lim, reg, nil)
	}
	g1, g2 := startGateway(t, cfg, build), startGateway(t, cfg, build)
	for i, g := range []*testGateway{g1, g2, g1, g2} {
		want := 200
		if i >= 2 {
			want = 429
		}
		if r := g.do(t, "GET", "/api/items/3", nil, from("203.0.113.9")); r.status != want {
			t.Fatalf("request %d: %d; want %d (two gateways, one bucket of 2)", i, r.status, want)
		}
	}
	if n, err := client.Keys(t.Context(), "rl*learned:*").Result(); err != nil || len(n) != 1 {
		t.Errorf("learned buckets in Redis: %v %v; want one", n, err)
	}
}

// TestGatewayStaysOffTheModels: the gateway reads learned limits without
// the detector's models, features or gonum.
func TestGatewayStaysOffTheModels(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		for _, f := range []string{"gonum.org/", "github.com/portcullis/portcullis/models", "github.com/portcullis/portcullis/features",
			"github.com/portcullis/portcullis/detector"} {
			if strings.HasPrefix(p, f) {
				t.Errorf("the gateway depends on %s", p)
			}
		}
	}
}

// BenchmarkLearnedLimit measures the learned limit of a request among a
// thousand endpoints: the match of its method and path, then its bucket.
func BenchmarkLearnedLimit(b *testing.B) {
	var es []LearnedEndpoint
	for i := range 1000 {
		es = append(es, LearnedEndpoint{Method: "GET", Path: fmt.Sprintf("/api/v%d/items/{id}", i), Class: "anonymous", RPS: 1e9, Burst: 1e9})
	}
	s := newLearnedSet(es, learnedlimits.ModeLog, false, DefaultLearnedMaxClients, func(string, string, string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Name: "x"})
	})
	st := &rateLimitStage{g: &Gateway{}, learned: s}
	ex := &exchange{ip: netip.MustParseAddr("203.0.113.5")}
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if l := s.match("/api/v500/items/42", "GET"); l != nil {
			st.allowLearned(ctx, l, ex)
		}
	}
}
