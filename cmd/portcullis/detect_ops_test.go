package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/portcullis/portcullis/internal/redistest"
)

// stack is a Kafka broker, a redis-server and a detect config for them.
type stack struct {
	brokers string
	redis   *redistest.Server
	config  string
	admin   string
}

func newStack(t *testing.T, prefix string, extra string) *stack {
	t.Helper()
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(4, "logs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	s := &stack{brokers: strings.Join(cluster.ListenAddrs(), ","), redis: redistest.StartServer(t), admin: freePort(t)}
	s.config = filepath.Join(t.TempDir(), "detect.yaml")
	writeFile(t, s.config, []byte(fmt.Sprintf(`model: %s
kafka: {brokers: [%s], topic: logs, group: %s, start: earliest, max_wait: 500ms, heartbeat_interval: 300ms, session_timeout: 6s}
redis: {addrs: [%s], key_prefix: "%s:", timeout: 300ms}
admin: {listen: %s}
batch: {flush_interval: 50ms}
model_poll: 100ms
%s`, shared(t).path("m.pcm"), s.brokers, prefix, s.redis.Addr(), prefix, s.admin, extra)))
	return s
}

// detect runs portcullis detect in the background until the test ends.
func (s *stack) detect(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := execute(ctx, "detect", "--config", s.config)
		done <- err
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("detect: %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("detect did not stop")
		}
	})
}

func waitFor(t *testing.T, what string, limit time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", limit, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestDetectHoldsOffsetsWhileRedisIsDown(t *testing.T) {
	p := shared(t)
	s := newStack(t, "down", "")
	total := float64(countLines(readFile(t, p.path("day2.jsonl"))))
	s.redis.Stop()
	s.detect(t)
	run(t, "replay", "--in", p.path("day2.jsonl"), "--brokers", s.brokers, "--topic", "logs")

	// Decisions cannot be stored, so the detector is unready and commits
	// no more than the messages before the first decision.
	waitFor(t, "the detector to report itself unready", 20*time.Second, func() bool {
		return metricValue(t, s.admin, "portcullis_detector_store_errors_total") > 0 &&
			strings.Contains(httpGet(t, "http://"+s.admin+"/readyz"), "not ready")
	})
	if c := metricValue(t, s.admin, "portcullis_detector_events_committed_total"); c >= total {
		t.Fatalf("all %v events committed while Redis was down", c)
	}

	s.redis.Restart()
	waitFor(t, "every event committed after Redis returned", 60*time.Second, func() bool {
		return metricValue(t, s.admin, "portcullis_detector_events_committed_total") >= total
	})
	want := map[string]bool{}
	for _, d := range readDecisions(t, p.path("d.jsonl")) {
		want[d.Client] = true
	}
	out := run(t, "blocklist", "list", "--json", "--redis", s.redis.Addr(), "--prefix", "down:")
	got := map[string]bool{}
	for _, d := range parseDecisions(t, []byte(out.stdout)) {
		got[d.Client] = true
	}
	for c := range want {
		if !got[c] {
			t.Errorf("%s lost while Redis was down", c)
		}
	}
	if !strings.Contains(httpGet(t, "http://"+s.admin+"/readyz"), "ready") {
		t.Error("not ready again after Redis returned")
	}
}

func TestDetectReloadsTheModelWhenItsFileChanges(t *testing.T) {
	p := shared(t)
	dir := t.TempDir()
	model := filepath.Join(dir, "m.pcm")
	writeFile(t, model, readFile(t, p.path("m.pcm")))
	s := newStack(t, "reload", "")
	cfg := strings.Replace(string(readFile(t, s.config)), p.path("m.pcm"), model, 1)
	writeFile(t, s.config, []byte(cfg))
	s.detect(t)
	modelInUse := func() string {
		for _, line := range strings.Split(httpGet(t, "http://"+s.admin+"/metrics"), "\n") {
			if strings.HasPrefix(line, `portcullis_detector_model_info{model="`) {
				return strings.Split(line, `"`)[1]
			}
		}
		return ""
	}
	waitFor(t, "the first model", 10*time.Second, func() bool { return modelInUse() != "" })
	before := modelInUse()

	// Retrain with another seed and replace the file atomically.
	run(t, "train", "--in", p.path("day1.jsonl"), "--out", filepath.Join(dir, "new.pcm"), "--no-progress", "--seed", "2")
	if err := os.Rename(filepath.Join(dir, "new.pcm"), model); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the reloaded model", 10*time.Second, func() bool { return modelInUse() != before })

	// A damaged file is refused and the current model kept.
	now := modelInUse()
	writeFile(t, model, []byte("not a model"))
	time.Sleep(500 * time.Millisecond)
	if got := modelInUse(); got != now {
		t.Errorf("model in use changed to %q after a damaged model was written", got)
	}
}

func TestBlocklistCommands(t *testing.T) {
	r := redistest.Start(t)
	bl := func(args ...string) output {
		return run(t, append([]string{"blocklist", "--redis", r, "--prefix", "cli:"}, args...)...)
	}
	if out := bl("add", "203.0.113.9", "--ttl", "1h", "--reason", "ticket 42"); !strings.Contains(out.stdout, "stored") {
		t.Fatalf("add printed %q", out.stdout)
	}
	if out := bl("list"); !strings.Contains(out.stdout, "203.0.113.9") || !strings.Contains(out.stdout, "1 active decisions") {
		t.Errorf("list printed %q", out.stdout)
	}
	ds := parseDecisions(t, []byte(bl("list", "--json").stdout))
	// The store adds up to 10 % of jitter to a TTL.
	if len(ds) != 1 || ds[0].Client != "203.0.113.9" || ds[0].Action != "block" || ds[0].TTLSec < 3600 || ds[0].TTLSec > 3960 {
		t.Errorf("list --json gave %+v", ds)
	}
	if out := bl("explain", "203.0.113.9"); !strings.Contains(out.stdout, "ticket 42") {
		t.Errorf("explain printed %q", out.stdout)
	}
	if out := bl("breaker"); !strings.Contains(out.stdout, "breaker closed") {
		t.Errorf("breaker printed %q", out.stdout)
	}
	bl("breaker", "reset")
	bl("remove", "203.0.113.9")
	if _, err := execute(t.Context(), "blocklist", "--redis", r, "--prefix", "cli:", "explain", "203.0.113.9"); err == nil ||
		!strings.Contains(err.Error(), "not blocked") {
		t.Errorf("explain after remove: %v", err)
	}
	bl("allow", "198.51.100.0/24")
	if _, err := execute(t.Context(), "blocklist", "--redis", r, "--prefix", "cli:", "add", "198.51.100.7"); err == nil ||
		!strings.Contains(err.Error(), "allowlisted") {
		t.Errorf("adding an allowlisted client: %v", err)
	}
	bl("unallow", "198.51.100.0/24")
	bl("add", "198.51.100.7")
	if _, err := execute(t.Context(), "blocklist", "list"); err == nil || !strings.Contains(err.Error(), "--redis") {
		t.Errorf("blocklist without Redis: %v", err)
	}
}
