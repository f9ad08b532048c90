package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/portcullis/portcullis/gateway"
	"github.com/portcullis/portcullis/httpreplay"
	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/limits"
	"github.com/portcullis/portcullis/models"
)

// TestGatewayLoadsLearnedLimits: the limits a trained model recommends,
// loaded by the gateway from the model itself in log mode (every request
// passes, the would-be refusals are counted) and from the file portcullis
// limits --format gateway writes in enforce mode (429 past the burst).
func TestGatewayLoadsLearnedLimits(t *testing.T) {
	p := shared(t)
	if limits.ModelFormat != models.FormatName {
		t.Fatalf("limits.ModelFormat %q is not models.FormatName %q: the gateway would refuse every model", limits.ModelFormat, models.FormatName)
	}
	dir := t.TempDir()
	out := run(t, "limits", "--model", p.path("m.pcm"), "--format", "gateway", "--mode", "enforce")
	limitsFile := filepath.Join(dir, "limits.yaml")
	writeFile(t, limitsFile, []byte(out.stdout))
	var doc struct {
		RateLimits gateway.LearnedLimits `yaml:"rate_limits"`
	}
	if err := yaml.Unmarshal([]byte(out.stdout), &doc); err != nil {
		t.Fatalf("portcullis limits --format gateway: %v\n%s", err, out.stdout)
	}
	var lim *gateway.LearnedEndpoint
	for i, e := range doc.RateLimits.Endpoints {
		if e.Class == "anonymous" {
			lim = &doc.RateLimits.Endpoints[i]
			break
		}
	}
	if lim == nil {
		t.Fatalf("the model recommends no limit for anonymous clients:\n%s", out.stdout)
	}
	path := strings.ReplaceAll(lim.Path, "{id}", "4242")
	redisAddr := redistest.Start(t)
	upstream := httptest.NewServer(http.HandlerFunc(httpreplay.EchoHandler))
	t.Cleanup(upstream.Close)

	gatewayWith := func(name, rateLimits string) (send func() int, metric func(name string) float64) {
		cfg := filepath.Join(dir, name+".yaml")
		writeFile(t, cfg, []byte(fmt.Sprintf(`listen: 127.0.0.1:0
admin: 127.0.0.1:0
trusted_proxies: [127.0.0.1]
routes:
  - {name: all, path_prefix: /, upstreams: [%s]}
access_log: {enabled: false}
blocklist:
  redis: {addrs: [%s], key_prefix: "%s:"}
  fail_mode: open
  max_staleness: 10s
rate_limits: %s
`, upstream.URL, redisAddr, name, rateLimits)))
		a := startGateway(t, cfg, nil, false)
		send = func() int {
			req, _ := http.NewRequest(lim.Method, "http://"+a.Addr()+path, nil)
			req.Header.Set("X-Forwarded-For", "203.0.113.77")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return resp.StatusCode
		}
		metric = func(name string) float64 {
			resp, err := http.Get("http://" + a.AdminAddr() + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			re := regexp.MustCompile(`(?m)^` + name + `\{class="anonymous",method="` + lim.Method + `",path="` + regexp.QuoteMeta(lim.Path) + `"\} (\S+)$`)
			m := re.FindSubmatch(b)
			if m == nil {
				t.Fatalf("no %s for %s %s in the gateway's metrics", name, lim.Method, lim.Path)
			}
			v, _ := strconv.ParseFloat(string(m[1]), 64)
			return v
		}
		return send, metric
	}

	t.Run("from the model in log mode nothing is refused and would-be refusals are counted", func(t *testing.T) {
		send, metric := gatewayWith("log", fmt.Sprintf("{learned: %s, mode: log}", p.path("m.pcm")))
		for i := range lim.Burst + 3 {
			if code := send(); code == http.StatusTooManyRequests {
				t.Fatalf("request %d refused in log mode", i)
			}
		}
		if n := metric("portcullis_gateway_ratelimit_would_refuse_total"); n != 3 {
			t.Errorf("would-be refusals: %v; want 3 (burst %d, %d requests at once)", n, lim.Burst, lim.Burst+3)
		}
	})
	t.Run("from portcullis limits --format gateway in enforce mode past the burst is refused", func(t *testing.T) {
		send, metric := gatewayWith("enforce", fmt.Sprintf("{learned: %s}", limitsFile))
		for i := range lim.Burst {
			if code := send(); code == http.StatusTooManyRequests {
				t.Fatalf("request %d within the burst of %d refused", i, lim.Burst)
			}
		}
		if code := send(); code != http.StatusTooManyRequests {
			t.Fatalf("past the burst: %d; want 429", code)
		}
		if n := metric("portcullis_gateway_ratelimit_learned_refused_total"); n != 1 {
			t.Errorf("refusals: %v; want 1", n)
		}
	})
}
