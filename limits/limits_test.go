package limits

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	lrlv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/local_ratelimit/v3"
	"go.yaml.in/yaml/v3"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/portcullis/portcullis/internal/proxytest"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC).UnixNano()

func at(sec float64) int64 { return t0 + int64(sec*1e9) }

// TestWindowPeaks checks the peaks against counts made by hand.
func TestWindowPeaks(t *testing.T) {
	l := NewLearner(Config{})
	get := []byte("GET")
	// Client a: 5 requests in second 0, 3 in second 9 (8 within 10 s),
	// then 4 in second 15 (second 0 has left the 10 s window: 3+4 = 7),
	// then 1 at second 70 (the first minute has gone: 1+... only 15's
	// and 70's are within 60 s: 4+1 = 5).
	for range 5 {
		l.Observe(at(0.1), []byte("a"), get, []byte("/items/{id}"), false)
	}
	for range 3 {
		l.Observe(at(9.5), []byte("a"), get, []byte("/items/{id}"), false)
	}
	for range 4 {
		l.Observe(at(15), []byte("a"), get, []byte("/items/{id}"), false)
	}
	l.Observe(at(70), []byte("a"), get, []byte("/items/{id}"), false)
	// A late request of second 2, counted in its own second.
	l.Observe(at(2), []byte("a"), get, []byte("/items/{id}"), false)
	// Client b, keyed, one request; and four more clients of each class
	// with one request each (an endpoint needs MinClients per class).
	l.Observe(at(1), []byte("b"), get, []byte("/items/{id}"), true)
	for i := range 4 {
		l.Observe(at(1), fmt.Appendf(nil, "anon-%d", i), get, []byte("/items/{id}"), false)
		l.Observe(at(1), fmt.Appendf(nil, "keyed-%d", i), get, []byte("/items/{id}"), true)
	}
	// An endpoint with one client is left out.
	l.Observe(at(1), []byte("b"), get, []byte("/rare"), false)
	tab := l.Table()
	if len(tab.Endpoints) != 1 {
		t.Fatalf("%d endpoints, want 1", len(tab.Endpoints))
	}
	e := tab.Endpoints[0]
	if e.Anonymous == nil || e.Keyed == nil {
		t.Fatalf("classes: %+v", e)
	}
	if got := e.Anonymous.Short.Max; got != 8 {
		t.Errorf("anonymous 10 s peak %v, want 8", got)
	}
	if got := e.Anonymous.Long.Max; got != 12 {
		t.Errorf("anonymous 60 s peak %v, want 12 (5+3+4 within the first minute)", got)
	}
	if e.Keyed.Clients != 5 || e.Keyed.Short.Max != 1 {
		t.Errorf("keyed %+v, want 5 clients with a peak of 1", e.Keyed)
	}
	if tab.Events != 24 || tab.Sparse != 1 {
		t.Errorf("events %d, sparse endpoints %d; want 24 and 1", tab.Events, tab.Sparse)
	}
}

// TestRecommendIgnoresAFewAttackers: with 500 ordinary clients and 3
// floods on an endpoint, the limit comes from the ordinary clients and
// still lets the busiest of them through.
func TestRecommendIgnoresAFewAttackers(t *testing.T) {
	l := NewLearner(Config{})
	for c := range 500 {
		n := 1 + c%10 // 1 to 10 requests in one 10 s window
		for i := range n {
			l.Observe(at(float64(c)+float64(i)*0.5), fmt.Appendf(nil, "10.0.%d.%d", c/250, c%250), []byte("GET"), []byte("/search"), false)
		}
	}
	for c := range 3 {
		for i := range 2000 {
			l.Observe(at(float64(i)*0.01), fmt.Appendf(nil, "flood-%d", c), []byte("GET"), []byte("/search"), false)
		}
	}
	ls := l.Table().Recommend()
	if len(ls) != 1 {
		t.Fatalf("%d limits, want 1: %+v", len(ls), ls)
	}
	lim := ls[0]
	if lim.Burst < 10 || lim.Burst > 40 {
		t.Errorf("burst %d: want room for the busiest ordinary client (10 in 10 s), far below the floods' 2000", lim.Burst)
	}
	if lim.Confidence != Medium || lim.LogFirst() {
		t.Errorf("confidence %s with 503 clients, want medium", lim.Confidence)
	}
	// A token bucket of that rate and burst lets the busiest ordinary
	// client through and stops the flood.
	if !passes(lim, 10, 5*time.Second) {
		t.Errorf("the busiest ordinary client would be refused by %+v", lim)
	}
	if passes(lim, 2000, 20*time.Second) {
		t.Errorf("a flood would pass %+v", lim)
	}
}

// passes simulates a token bucket of l over n requests evenly spread over d.
func passes(l Limit, n int, d time.Duration) bool {
	tokens := float64(l.Burst)
	step := d.Seconds() / float64(n)
	for range n {
		if tokens < 1 {
			return false
		}
		tokens = min(float64(l.Burst), tokens-1+l.RPS*step)
	}
	return true
}

func TestFewClientsStartInLogMode(t *testing.T) {
	l := NewLearner(Config{})
	for i := range 10 {
		l.Observe(at(0), fmt.Appendf(nil, "c%d", i), []byte("POST"), []byte("/login"), false)
	}
	ls := l.Table().Recommend()
	if len(ls) != 1 || !ls[0].LogFirst() {
		t.Fatalf("%+v: ten clients cannot back an enforced limit", ls)
	}
	if ls[0].Burst != MinBurst || ls[0].RPS != MinRPS {
		t.Errorf("burst %d, rate %v; want the floors %d and %v for one request per client", ls[0].Burst, ls[0].RPS, MinBurst, MinRPS)
	}
	var b bytes.Buffer
	if err := WriteText(&b, l.Table(), ls); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "start in log mode") {
		t.Errorf("the text does not say to start in log mode:\n%s", b.String())
	}
}

// TestUnsafePathsStayOutOfConfigs: a path from a log that would inject
// nginx directives or Envoy YAML is left out of every configuration, and
// printed escaped.
func TestUnsafePathsStayOutOfConfigs(t *testing.T) {
	bad := "/x; } server { listen 1; } location / {\n"
	ls := []Limit{
		{Method: "GET", Path: "/items/{id}", Class: "anonymous", RPS: 1, Burst: 5, Clients: 9, Confidence: Low},
		{Method: "GET", Path: bad, Class: "anonymous", RPS: 1, Burst: 5, Clients: 9, Confidence: Low},
		{Method: "GET\x1b[2J", Path: "/a", Class: "anonymous", RPS: 1, Burst: 5, Clients: 9, Confidence: Low},
	}
	for name, write := range map[string]func(*bytes.Buffer) error{
		"nginx":   func(b *bytes.Buffer) error { return WriteNginx(b, ls, ModeEnforce, "http://backend") },
		"envoy":   func(b *bytes.Buffer) error { return WriteEnvoy(b, ls, ModeEnforce, "backend") },
		"gateway": func(b *bytes.Buffer) error { return WriteGateway(b, ls, ModeEnforce) },
	} {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), "listen 1") || strings.Contains(b.String(), "\x1b") {
			t.Errorf("%s: an unsafe path or method reached the config:\n%s", name, b.String())
		}
		if !strings.Contains(b.String(), "2 left out") {
			t.Errorf("%s: does not say how many were left out:\n%s", name, b.String())
		}
	}
	var b bytes.Buffer
	if err := WriteText(&b, &Table{}, ls); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "\x1b") || strings.Contains(b.String(), "{\n") {
		t.Errorf("text output carries raw control characters:\n%q", b.String())
	}
}

// TestNginxSnippet runs real nginx with the snippet: in enforce mode a
// client past the burst gets 429 on the limited method and path, another
// method of the same path is not counted; in log mode nothing is refused.
func TestNginxSnippet(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") }))
	defer backend.Close()
	ls := []Limit{{Method: "GET", Path: "/items/{id}", Class: "anonymous", RPS: 0.5, Burst: 3, Clients: 200, Confidence: Medium}}
	for _, mode := range []Mode{ModeEnforce, ModeLog} {
		t.Run(string(mode), func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteNginx(&b, ls, mode, backend.URL); err != nil {
				t.Fatal(err)
			}
			httpPart, serverPart, ok := strings.Cut(b.String(), "# --- server {} context ---")
			if !ok {
				t.Fatalf("no server part:\n%s", b.String())
			}
			px := proxytest.StartNginx(t, func(dir string, port int) string {
				return proxytest.NginxSite(dir, httpPart+fmt.Sprintf("server {\n listen 127.0.0.1:%d;\n%s\n location / { proxy_pass %s; }\n}\n", port, serverPart, backend.URL))
			})
			codes := map[int]int{}
			for range 10 {
				codes[get(t, http.MethodGet, px.URL()+"/items/42")]++
			}
			other := get(t, http.MethodPost, px.URL()+"/items/42")
			switch mode {
			case ModeEnforce:
				if codes[429] < 5 || codes[200] < 3 {
					t.Errorf("enforce: statuses %v; want the burst of 3 (+1 refill at most) through, then 429", codes)
				}
				if other != 200 {
					t.Errorf("POST of the same path got %d; only GET is limited", other)
				}
			case ModeLog:
				if codes[200] != 10 {
					t.Errorf("log mode: statuses %v; want every request through", codes)
				}
			}
		})
	}
}

func get(t *testing.T, method, url string) int {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestEnvoySnippetParses reads the Envoy output into Envoy's own route
// configuration type and its local rate limit filter config, and
// validates both (no Envoy binary here).
func TestEnvoySnippetParses(t *testing.T) {
	ls := []Limit{
		{Method: "GET", Path: "/items/{id}", Class: "anonymous", RPS: 0.2, Burst: 3, Clients: 200, Confidence: Medium},
		{Method: "POST", Path: "/login", Class: "anonymous", RPS: 4, Burst: 20, Clients: 2000, Confidence: High},
		{Method: "GET", Path: "/me", Class: "keyed", RPS: 4, Burst: 20, Clients: 2000, Confidence: High},
	}
	for _, mode := range []Mode{ModeEnforce, ModeLog} {
		var b bytes.Buffer
		if err := WriteEnvoy(&b, ls, mode, "backend"); err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := yaml.Unmarshal(b.Bytes(), &doc); err != nil {
			t.Fatalf("not YAML: %v\n%s", err, b.String())
		}
		js, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		var rc routev3.RouteConfiguration
		if err := protojson.Unmarshal(js, &rc); err != nil {
			t.Fatalf("not an Envoy v3 route configuration: %v\n%s", err, b.String())
		}
		if err := rc.ValidateAll(); err != nil {
			t.Fatalf("does not validate: %v", err)
		}
		routes := rc.GetVirtualHosts()[0].GetRoutes()
		if len(routes) != 3 { // two anonymous limits and the catch-all
			t.Fatalf("%d routes, want 3", len(routes))
		}
		var lrl lrlv3.LocalRateLimit
		if err := routes[0].GetTypedPerFilterConfig()["envoy.filters.http.local_ratelimit"].UnmarshalTo(&lrl); err != nil {
			t.Fatal(err)
		}
		if err := lrl.ValidateAll(); err != nil {
			t.Fatal(err)
		}
		tb := lrl.GetDescriptors()[0].GetTokenBucket()
		if tb.GetMaxTokens() != 3 || tb.GetTokensPerFill().GetValue() != 1 || tb.GetFillInterval().AsDuration() != 5*time.Second {
			t.Errorf("bucket %v, want 3 tokens, 1 every 5 s", tb)
		}
		wantEnforced := uint32(100)
		if mode == ModeLog {
			wantEnforced = 0
		}
		if got := lrl.GetFilterEnforced().GetDefaultValue().GetNumerator(); got != wantEnforced {
			t.Errorf("%s: enforced %d%%, want %d%%", mode, got, wantEnforced)
		}
	}
}
