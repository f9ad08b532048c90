package enforce

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/blocklist/httpcheck"
	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/internal/testwait"
)

var prefixes atomic.Int64

// testConfig is a Config on 127.0.0.1:0 ports that trusts only 127.0.0.1
// (the proxies and the in-process tests dial from it; a client that must
// not be trusted dials from another loopback address), with its own key
// space in the Redis at redisAddr.
func testConfig(redisAddr string) Config {
	return Config{
		Listen:     "127.0.0.1:0",
		GRPCListen: "127.0.0.1:0",
		Admin:      "127.0.0.1:0",
		Client: ClientConfig{RequestIdentity: httpcheck.RequestIdentity{
			TrustedProxies: []string{"127.0.0.1/32"},
			APIKeyHeader:   "X-API-Key",
			UserHeader:     "X-User",
		}},
		Blocklist: BlocklistConfig{
			Redis: redisstore.Config{
				Addrs:     []string{redisAddr},
				KeyPrefix: fmt.Sprintf("enforce%d:", prefixes.Add(1)),
				Policy:    redisstore.Policy{TTLJitter: -1},
			},
			FailMode: "open",
		},
	}
}

// startService opens a Service for cfg, runs it until the test ends, and
// returns once its first snapshot is loaded.
func startService(t testing.TB, cfg Config) *Service {
	t.Helper()
	s, _ := startStoppable(t, cfg)
	return s
}

// startStoppable is startService, and returns a func that stops the
// service before the test ends (its listeners closed, as a crashed
// enforce's are); the test's cleanup then does nothing more.
func startStoppable(t testing.TB, cfg Config) (*Service, func()) {
	t.Helper()
	var logger *slog.Logger
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	s, err := New(cfg, prometheus.NewRegistry(), logger)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Open(); err != nil {
		s.Close()
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := s.Run(ctx); err != nil {
			t.Errorf("enforce run: %v", err)
		}
	})
	stop := sync.OnceFunc(func() {
		cancel()
		wg.Wait()
		if err := s.Close(); err != nil {
			t.Errorf("enforce close: %v", err)
		}
	})
	t.Cleanup(stop)
	testwait.Until(t, 10*time.Second, "the service's first blocklist snapshot", s.Ready)
	return s, stop
}

// storeFor returns a Redis store on the service's key space, for the test
// to write decisions as the detector would.
func storeFor(t testing.TB, cfg Config) *redisstore.Store {
	t.Helper()
	r, err := redisstore.New(cfg.Blocklist.Redis, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func block(client, scope string, ttl int64) *decision.Decision {
	return &decision.Decision{Client: client, Scope: scope, TS: time.Now(), Action: decision.ActionBlock, TTLSec: ttl}
}

// applyOne stores d and returns what the store did.
func applyOne(t testing.TB, r *redisstore.Store, d *decision.Decision) blocklist.Outcome {
	t.Helper()
	out, err := r.Apply(context.Background(), []*decision.Decision{d})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0].Result != blocklist.Stored {
		t.Fatalf("applying %s: %+v; want it stored", d.Client, out)
	}
	return out[0]
}

// clientFrom returns an HTTP client whose connections come from the
// loopback address src, such as 127.0.0.7, so that a proxy sees that
// address as the client's.
func clientFrom(t testing.TB, src string) *http.Client {
	t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 5 * time.Second}
	tr := &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 4, DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// get sends GET url with headers through c and returns the response with
// its body read.
func get(t testing.TB, c *http.Client, url string, headers map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: body: %v", url, err)
	}
	return resp, string(b)
}

// percentile returns the pct-th percentile of ds by nearest rank (the
// smallest value that pct percent of ds are at or below); it sorts ds.
func percentile(ds []time.Duration, pct int) time.Duration {
	slices.Sort(ds)
	return ds[(len(ds)*pct+99)/100-1]
}
