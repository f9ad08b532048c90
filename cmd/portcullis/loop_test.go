package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/internal/testwait"

	gatewayapp "github.com/portcullis/portcullis/app/gateway"
)

// TestFullLoop runs the gateway, the detector, an in-process Kafka broker
// and a real redis-server: clients send HTTP requests through the gateway,
// its access log goes to Kafka, the detector blocks in Redis, and the
// gateway's check refuses the attacker within seconds of its onset, while
// the normal clients keep getting their pages.
func TestFullLoop(t *testing.T) {
	p := shared(t)
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(4, "access"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close) // after the detector and the gateway stop
	brokers := strings.Join(cluster.ListenAddrs(), ",")
	redisAddr := redistest.Start(t)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/login" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		fmt.Fprintln(w, `{"ok":true}`)
	}))
	defer upstream.Close()

	dir := t.TempDir()
	detectCfg := filepath.Join(dir, "detect.yaml")
	writeFile(t, detectCfg, []byte(fmt.Sprintf(`model: %s
kafka: {brokers: [%s], topic: access, group: loop, start: earliest, max_wait: 200ms, heartbeat_interval: 300ms, session_timeout: 6s}
redis: {addrs: [%s], key_prefix: "loop:"}
admin: {listen: "127.0.0.1:0"}
batch: {flush_interval: 50ms}
`, p.path("m.pcm"), brokers, redisAddr)))
	gwCfg := filepath.Join(dir, "gateway.yaml")
	writeFile(t, gwCfg, []byte(fmt.Sprintf(`listen: 127.0.0.1:0
admin: 127.0.0.1:0
trusted_proxies: [127.0.0.1]
routes:
  - {name: all, path_prefix: /, upstreams: [%s]}
access_log: {enabled: true}
blocklist:
  redis: {addrs: [%s], key_prefix: "loop:"}
  fail_mode: open
  max_staleness: 10s
kafka: {brokers: [%s], topic: access, batch_timeout: 5ms}
`, upstream.URL, redisAddr, brokers)))

	startDetect(t, detectCfg, nil)
	gw := startGateway(t, gwCfg, nil, false)
	gwListen, gwAdmin := gw.Addr(), gw.AdminAddr()
	waitFor(t, "the gateway to listen", 10*time.Second, func() bool {
		return strings.Contains(httpGet(t, "http://"+gwAdmin+"/healthz"), "{")
	})
	waitFor(t, "the gateway to be ready (its first blocklist snapshot loaded)", 10*time.Second, func() bool {
		return httpGet(t, "http://"+gwAdmin+"/readyz") == "ready\n"
	})

	client := &http.Client{Timeout: 5 * time.Second}
	send := func(ip, method, path string) int {
		req, _ := http.NewRequest(method, "http://"+gwListen+path, nil)
		req.Header.Set("X-Forwarded-For", ip)
		req.Header.Set("User-Agent", "Mozilla/5.0 (test)")
		resp, err := client.Do(req)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}

	var normal403 atomic.Int64
	stop := make(chan struct{})
	var nwg sync.WaitGroup
	for i := 0; i < 8; i++ {
		nwg.Add(1)
		go func(i int) {
			defer nwg.Done()
			ip := fmt.Sprintf("198.51.100.%d", 10+i)
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				case <-time.After(time.Duration(700+97*i) * time.Millisecond):
				}
				if send(ip, "GET", fmt.Sprintf("/api/v1/items/%d", (n*7+i)%50)) == http.StatusForbidden {
					normal403.Add(1)
				}
			}
		}(i)
	}

	// The attacker guesses passwords as fast as the gateway answers.
	onset := time.Now()
	var blockedAfter time.Duration
	giveUp := testwait.Scale(t, 30*time.Second)
	for time.Since(onset) < giveUp {
		if send("203.0.113.66", "POST", "/login") == http.StatusForbidden {
			blockedAfter = time.Since(onset)
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Normal clients keep browsing for a while after the block.
	time.Sleep(max(0, 6*time.Second-time.Since(onset)))
	close(stop)
	nwg.Wait()
	var normal200 atomic.Int64
	for i := 0; i < 8; i++ {
		if send(fmt.Sprintf("198.51.100.%d", 10+i), "GET", "/api/v1/items/1") == http.StatusOK {
			normal200.Add(1)
		}
	}
	if normal200.Load() != 8 {
		t.Errorf("%d of 8 normal clients got 200 at the end", normal200.Load())
	}
	if blockedAfter == 0 {
		t.Fatalf("the attacker was not refused within %v of its onset", giveUp)
	}
	t.Logf("attacker refused %v after its onset", blockedAfter.Round(time.Millisecond))
	// Log time is wall time here, so a slower machine sends fewer attempts
	// per second and needs longer to show the same evidence.
	if blockedAfter > testwait.Scale(t, 15*time.Second) {
		t.Errorf("attacker refused only after %v", blockedAfter)
	}
	if n := normal403.Load(); n > 0 {
		t.Errorf("normal clients got %d 403s", n)
	}
}

func TestTheExampleGatewayConfigIsValid(t *testing.T) {
	cfg, err := gatewayapp.LoadConfig("../../deploy/gateway.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Config.WithDefaults().Validate(); err != nil {
		t.Errorf("gateway: %v", err)
	}
	if err := cfg.Blocklist.Redis.WithDefaults().Validate(); err != nil {
		t.Errorf("redis: %v", err)
	}
	if !onLoopback(t, cfg.Admin) {
		t.Errorf("the example admin listener %q is not on loopback", cfg.Admin)
	}
}

// onLoopback says whether the listen address addr is on a loopback
// interface only.
func onLoopback(t *testing.T, addr string) bool {
	t.Helper()
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	ip, err := netip.ParseAddr(host)
	return host == "localhost" || err == nil && ip.IsLoopback()
}

// TestGatewayKeepsServingWhenKafkaIsDown points the access log at a broker
// that stops: requests keep their answers and the lost records are counted.
func TestGatewayKeepsServingWhenKafkaIsDown(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "access"))
	if err != nil {
		t.Fatal(err)
	}
	brokers := strings.Join(cluster.ListenAddrs(), ",")
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") }))
	defer upstream.Close()
	gwCfg := filepath.Join(t.TempDir(), "gateway.yaml")
	writeFile(t, gwCfg, []byte(fmt.Sprintf(`listen: 127.0.0.1:0
admin: 127.0.0.1:0
routes:
  - {name: all, path_prefix: /, upstreams: [%s]}
access_log: {enabled: true, buffer: 100}
blocklist: {fail_mode: open}
kafka: {brokers: [%s], topic: access, batch_timeout: 5ms, dial_timeout: 500ms}
`, upstream.URL, brokers)))
	gw := startGateway(t, gwCfg, nil, true)
	gwListen, gwAdmin := gw.Addr(), gw.AdminAddr()
	waitFor(t, "the gateway to listen", 10*time.Second, func() bool {
		return strings.Contains(httpGet(t, "http://"+gwAdmin+"/healthz"), "{")
	})
	cluster.Close() // Kafka goes away

	client := &http.Client{Timeout: 2 * time.Second}
	start := time.Now()
	for i := 0; i < 500; i++ {
		resp, err := client.Get("http://" + gwListen + "/items/" + fmt.Sprint(i))
		if err != nil {
			t.Fatalf("request %d failed while Kafka was down: %v", i, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d got %d while Kafka was down", i, resp.StatusCode)
		}
	}
	t.Logf("500 requests in %v with Kafka down", time.Since(start).Round(time.Millisecond))
	waitFor(t, "dropped access-log records to be counted", 30*time.Second, func() bool {
		return metricValue(t, gwAdmin, "portcullis_gateway_access_log_dropped_total") > 0
	})
}
