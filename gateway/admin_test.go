package gateway

import (
	"bytes"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

func TestAdminHandler(t *testing.T) {
	noLeaks(t)
	up := newUpstream(t, "up", nil)
	tg := startGateway(t, oneRoute(up.URL, nil), nil)
	tg.do(t, "GET", "/api", nil, nil)
	admin := httptest.NewServer(tg.AdminHandler())
	defer admin.Close()
	get := func(path string) (int, string) {
		resp, err := admin.Client().Get(admin.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/metrics"); code != 200 || !strings.Contains(body, `portcullis_gateway_requests_total{code="200",route="api"} 1`) {
		t.Errorf("/metrics: %d\n%s", code, body)
	}
	if code, body := get("/healthz"); code != 200 || !strings.Contains(body, `"status":"ok"`) {
		t.Errorf("/healthz: %d %s", code, body)
	}
}

func TestConfigReadsFromYAML(t *testing.T) {
	const doc = `
listen: ":8080"
admin: "127.0.0.1:9180"
trusted_proxies: ["10.0.0.0/8"]
api_key_header: X-Api-Key
routes:
  - name: api
    path_prefix: /api
    methods: [GET, POST]
    upstreams: ["http://10.0.0.5:8080", "http://10.0.0.6:8080"]
    rate_limit: {rps: 10, burst: 20, shared: true}
    fail_mode: closed
    strip_prefix: true
limits: {max_body_bytes: 1048576, max_header_bytes: 16384, max_url_length: 4096}
timeouts: {upstream_dial: 2s, upstream: 30s}
access_log: {enabled: true, buffer: 5000}
`
	var cfg Config
	dec := yaml.NewDecoder(bytes.NewReader([]byte(doc)))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		t.Fatal(err)
	}
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if cfg.Timeouts.UpstreamDial != 2*time.Second || cfg.Routes[0].RateLimit.Burst != 20 || cfg.AccessLog.Buffer != 5000 {
		t.Errorf("decoded %+v", cfg)
	}
}
