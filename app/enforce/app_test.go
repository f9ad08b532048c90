package enforce

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/internal/testwait"
)

func TestTheExamplesLoadAndValidate(t *testing.T) {
	for _, proxy := range []string{"nginx", "caddy", "envoy"} {
		cfg, err := LoadConfig("../../examples/" + proxy + "/enforce.yaml")
		if err != nil {
			t.Fatalf("%s: %v", proxy, err)
		}
		if err := cfg.Validate(); err != nil {
			t.Errorf("%s: %v", proxy, err)
		}
	}
}

func TestNewRefusesAWrongConfig(t *testing.T) {
	var cfg Config
	cfg.Blocklist.Redis.Addrs = []string{"127.0.0.1:6379"}
	_, err := New(cfg, nil)
	if err == nil || !strings.Contains(err.Error(), "blocklist.fail_mode") || !strings.Contains(err.Error(), "client.trusted_proxies") {
		t.Errorf("New: %v; want errors naming blocklist.fail_mode and client.trusted_proxies", err)
	}
}

// TestAppRunsOnFreePorts runs the App as the command does, on port 0:
// the addresses it reports answer, and it stops with its context.
func TestAppRunsOnTheAddressesItBinds(t *testing.T) {
	cfg, err := LoadConfig("../../examples/nginx/enforce.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Listen, cfg.Admin, cfg.GRPCListen = "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0"
	cfg.Blocklist.Redis.Addrs = []string{redistest.Start(t)}
	a, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	for name, addr := range map[string]string{"Addr": a.Addr(), "GRPCAddr": a.GRPCAddr(), "AdminAddr": a.AdminAddr()} {
		if !strings.HasPrefix(addr, "127.0.0.1:") || strings.HasSuffix(addr, ":0") {
			t.Errorf("%s %q; want the port bound", name, addr)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	testwait.Until(t, 10*time.Second, "readyz", func() bool {
		resp, err := http.Get("http://" + a.AdminAddr() + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	req, _ := http.NewRequest(http.MethodGet, "http://"+a.Addr()+"/.portcullis/check", nil)
	req.Header.Set("X-Forwarded-For", "192.0.2.1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("a client with no decision got %d; want 200", resp.StatusCode)
	}
	resp, err = http.Get("http://" + a.AdminAddr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	var body strings.Builder
	_, _ = io.Copy(&body, resp.Body)
	resp.Body.Close()
	for _, want := range []string{"portcullis_enforce_checks_total", "go_goroutines", "process_cpu_seconds_total"} {
		if !strings.Contains(body.String(), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	cancel()
	if err := testwait.Recv(t, done, 15*time.Second, "Run to return"); err != nil {
		t.Errorf("Run: %v", err)
	}
	if err := a.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := a.Close(); err != nil {
		t.Errorf("a second Close: %v", err)
	}
}
