package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/internal/testwait"
)

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

	cfgPath := filepath.Join(t.TempDir(), "detect.yaml")
	writeFile(t, cfgPath, []byte(fmt.Sprintf(`model: %s
kafka:
  brokers: [%s]
  topic: logs
  group: portcullis-test
  start: earliest
  max_wait: %s
  max_bytes: %d
  heartbeat_interval: 300ms
  session_timeout: 6s
redis:
  addrs: [%s]
  key_prefix: "e2e:"
admin:
  listen: 127.0.0.1:0
batch:
  flush_interval: 100ms
`, p.path("m.pcm"), brokers, kafkaMaxWait(t), kafkaMaxBytes, redisAddr)))

	store, err := redisstore.New(redisstore.Config{Addrs: []string{redisAddr}, KeyPrefix: "e2e:"}, nil)
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
	admin, logs, done := runDetectCmd(t, ctx, cfgPath)
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		// Show what the detector logged, to tell a slow run from a stuck one.
		cancel()
		select {
		case <-done:
			t.Logf("detect logged:\n%s", logs.String())
		case <-time.After(testwait.Scale(t, 20*time.Second)):
			t.Log("detect did not stop after cancellation")
		}
	})

	// The offline backtest of the same events decides these clients.
	want := map[string]bool{}
	for _, d := range readDecisions(t, p.path("d.jsonl")) {
		want[d.Client] = true
	}
	if len(want) == 0 {
		t.Fatal("the offline score blocked nobody; nothing to compare")
	}

	// Wait until the detector has consumed and committed all of day 2.
	total := float64(countLines(readFile(t, p.path("day2.jsonl"))))
	testwait.Eventually(t, 60*time.Second, "the detector to commit all of day 2", func() (bool, string) {
		select {
		case err := <-done:
			t.Fatalf("detect stopped early: %v", err)
		default:
		}
		committed := metricValue(t, admin, "portcullis_detector_events_committed_total")
		return committed >= total, fmt.Sprintf("%v of %v events committed; %s", committed, total, detectorProgress(t, admin))
	})
	if v := metricValue(t, admin, `portcullis_blocklist_outcomes_total{result="stored"}`); v == 0 {
		t.Error("no stored outcome counted")
	}
	if body := httpGet(t, "http://"+admin+"/readyz"); !strings.Contains(body, "ready") {
		t.Errorf("/readyz said %q", body)
	}
	assertBuildInfo(t, admin)

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
	for len(pushed) < len(got) {
		ch := testwait.Recv(t, changes, 5*time.Second, fmt.Sprintf("the next change pushed to the subscriber (%d of %d stored decisions so far)", len(pushed), len(got)))
		if ch.Op == blocklist.OpStore {
			pushed[ch.Client] = true
		}
	}

	cancel()
	if err := testwait.Recv(t, done, 20*time.Second, "detect to stop after cancellation"); err != nil {
		t.Errorf("detect returned %v on shutdown", err)
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

// kafkaMaxBytes bounds a fetch from the in-process broker. kafka-go gives
// the broker MaxWait to start its answer, and kfake builds the whole answer
// first: a fetch of a whole partition (the 10 MiB default) takes longer than
// that under -race on a busy machine, times out, and is retried from the
// same offset forever, so nothing is ever consumed.
const kafkaMaxBytes = 1 << 20

// kafkaMaxWait is the tests' max_wait (500 ms, short so that a detector
// stops promptly), scaled like every deadline, for the reason above.
func kafkaMaxWait(t *testing.T) time.Duration { return testwait.Scale(t, 500*time.Millisecond) }

// detectorProgress describes how far the detector behind admin got, for
// the failure of a wait on it.
func detectorProgress(t *testing.T, admin string) string {
	t.Helper()
	body := httpGet(t, "http://"+admin+"/metrics")
	if !strings.Contains(body, "portcullis_") {
		return "the admin listener answered: " + body
	}
	var parts []string
	for _, name := range []string{"ready", "events_consumed_total", "events_parsed_total", "events_malformed_total", "store_errors_total", "consumer_lag"} {
		parts = append(parts, fmt.Sprintf("%s %v", name, metricValue(t, admin, "portcullis_detector_"+name)))
	}
	return strings.Join(parts, ", ")
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
