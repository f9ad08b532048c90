package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/internal/redistest"
)

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestDetectEndToEnd replays a labeled recording into an in-process Kafka
// broker, runs portcullis detect against it and a real redis-server, and
// finds the attackers in Redis with reasons and TTLs, pushed to a
// subscriber, and the same clients that the offline score blocks.
func TestDetectEndToEnd(t *testing.T) {
	p := shared(t)
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(4, "logs"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	brokers := strings.Join(cluster.ListenAddrs(), ",")
	redisAddr := redistest.Start(t)

	// Replay day 2 into Kafka at full speed.
	out := run(t, "replay", "--in", p.path("day2.jsonl"), "--brokers", brokers, "--topic", "logs")
	if !strings.Contains(out.stdout, "produced ") {
		t.Fatalf("replay printed %q", out.stdout)
	}

	admin := freePort(t)
	cfgPath := filepath.Join(t.TempDir(), "detect.yaml")
	writeFile(t, cfgPath, []byte(fmt.Sprintf(`model: %s
kafka:
  brokers: [%s]
  topic: logs
  group: portcullis-test
  start: earliest
  max_wait: 500ms
  heartbeat_interval: 300ms
  session_timeout: 6s
redis:
  addrs: [%s]
  key_prefix: "e2e:"
admin:
  listen: %s
batch:
  flush_interval: 100ms
`, p.path("m.pcm"), brokers, redisAddr, admin)))

	store, err := blocklist.NewRedis(blocklist.RedisConfig{Addrs: []string{redisAddr}, KeyPrefix: "e2e:"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	subCtx, stopSub := context.WithCancel(context.Background())
	defer stopSub()
	changes, err := store.Subscribe(subCtx)
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := execute(ctx, "detect", "--config", cfgPath)
		done <- err
	}()

	// The offline backtest of the same events decides these clients.
	want := map[string]bool{}
	for _, d := range readDecisions(t, p.path("d.jsonl")) {
		want[d.Client] = true
	}
	if len(want) == 0 {
		t.Fatal("the offline score blocked nobody; nothing to compare")
	}

	// Wait until the detector has consumed and committed all of day 2.
	total := countLines(readFile(t, p.path("day2.jsonl")))
	deadline := time.Now().Add(60 * time.Second)
	for {
		committed := metricValue(t, admin, "portcullis_detector_events_committed_total")
		if committed >= float64(total) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("committed %v of %d events in 60 s", committed, total)
		}
		select {
		case err := <-done:
			t.Fatalf("detect stopped early: %v", err)
		case <-time.After(200 * time.Millisecond):
		}
	}
	if v := metricValue(t, admin, `portcullis_blocklist_outcomes_total{result="stored"}`); v == 0 {
		t.Error("no stored outcome counted")
	}
	if body := httpGet(t, "http://"+admin+"/readyz"); !strings.Contains(body, "ready") {
		t.Errorf("/readyz said %q", body)
	}

	snap, err := store.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for i, d := range snap.Decisions {
		got[d.Client] = true
		if len(d.Reasons) == 0 || d.TTLSec <= 0 || !snap.Expires[i].After(time.Now()) {
			t.Errorf("decision about %s lacks reasons or a future expiry: %+v", d.Client, d)
		}
	}
	for c := range want {
		if !got[c] {
			t.Errorf("%s is blocked by the offline score but not online", c)
		}
	}
	for c := range got {
		if !want[c] {
			t.Errorf("%s is blocked online but not by the offline score", c)
		}
	}
	labels := readLabels(t, p.path("day2.labels.jsonl"))
	for _, c := range clientsOfKind(labels, "flood") {
		if !got[c] {
			t.Errorf("flood client %s not in Redis", c)
		}
	}
	// Every stored decision was pushed to the subscriber.
	pushed := map[string]bool{}
	timeout := time.After(5 * time.Second)
	for len(pushed) < len(got) {
		select {
		case ch := <-changes:
			if ch.Op == blocklist.OpStore {
				pushed[ch.Client] = true
			}
		case <-timeout:
			t.Fatalf("%d of %d decisions pushed to the subscriber", len(pushed), len(got))
		}
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("detect returned %v on shutdown", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("detect did not stop within 20 s of cancellation")
	}
}

func httpGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// metricValue scrapes one unlabelled metric from the admin listener; 0 if
// the listener is not up yet.
func metricValue(t *testing.T, admin, name string) float64 {
	t.Helper()
	body := httpGet(t, "http://"+admin+"/metrics")
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, name+" ") {
			var v float64
			fmt.Sscan(strings.TrimPrefix(line, name+" "), &v)
			return v
		}
	}
	return 0
}
