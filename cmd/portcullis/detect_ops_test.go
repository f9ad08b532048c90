package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/internal/testwait"

	gatewayapp "github.com/portcullis/portcullis/app/gateway"

	detectapp "github.com/portcullis/portcullis/app/detect"
)

// stack is a Kafka broker, a redis-server and a detect config for them.
type stack struct {
	brokers string
	redis   *redistest.Server
	config  string
	// admin is the admin address of the detector that detect started.
	admin string
}

// adminLine is the admin section of the tests' detect configs: a port of
// the detector's choosing, which App.Addr reports.
const adminLine = `admin: {listen: "127.0.0.1:0"}`

func newStack(t *testing.T, prefix string, extra string, redisArgs ...string) *stack {
	t.Helper()
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(4, "logs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	s := &stack{brokers: strings.Join(cluster.ListenAddrs(), ","), redis: redistest.StartServer(t, redisArgs...)}
	s.config = filepath.Join(t.TempDir(), "detect.yaml")
	writeFile(t, s.config, []byte(fmt.Sprintf(`model: %s
kafka: {brokers: [%s], topic: logs, group: %s, start: earliest, max_wait: %s, max_bytes: %d, heartbeat_interval: 300ms, session_timeout: 6s}
redis: {addrs: [%s], key_prefix: "%s:", timeout: 300ms}
%s
batch: {flush_interval: 50ms}
model_poll: 100ms
%s`, shared(t).path("m.pcm"), s.brokers, prefix, kafkaMaxWait(t), kafkaMaxBytes, s.redis.Addr(), prefix, adminLine, extra)))
	return s
}

// detect runs the detector of the stack's config in the background until
// the test ends, and sets s.admin to its admin address.
func (s *stack) detect(t *testing.T) {
	t.Helper()
	s.admin = startDetect(t, s.config, nil).Addr()
}

// waitFor polls ok until it holds, failing t after limit, which
// testwait scales for the race detector and slow machines.
func waitFor(t *testing.T, what string, limit time.Duration, ok func() bool) {
	t.Helper()
	testwait.Until(t, limit, what, ok)
}

// waitCommitted waits until the detectors behind admins have committed want
// events between them, failing t after limit (scaled) with how many they had.
func waitCommitted(t *testing.T, what string, limit time.Duration, want float64, admins ...string) {
	t.Helper()
	testwait.Eventually(t, limit, what, func() (bool, string) {
		n := 0.0
		var progress []string
		for _, a := range admins {
			n += metricValue(t, a, "portcullis_detector_events_committed_total")
			progress = append(progress, detectorProgress(t, a))
		}
		return n >= want, fmt.Sprintf("%v of %v events committed; %s", n, want, strings.Join(progress, "; "))
	})
}

func TestDetectHoldsOffsetsWhileRedisIsDown(t *testing.T) {
	p := shared(t)
	// Redis keeps an append-only file, so what was stored before the outage
	// survives it, as in production.
	s := newStack(t, "down", "", "--appendonly", "yes", "--appendfsync", "always")
	day2 := readFile(t, p.path("day2.jsonl"))
	total := float64(countLines(day2))
	// Two halves of the stream, so Redis goes down in the middle of it.
	lines := strings.SplitAfter(string(day2), "\n")
	dir := t.TempDir()
	half1, half2 := filepath.Join(dir, "half1.jsonl"), filepath.Join(dir, "half2.jsonl")
	writeFile(t, half1, []byte(strings.Join(lines[:len(lines)/2], "")))
	writeFile(t, half2, []byte(strings.Join(lines[len(lines)/2:], "")))
	s.detect(t)
	run(t, "replay", "--in", half1, "--brokers", s.brokers, "--topic", "logs")
	waitCommitted(t, "the first half committed", 30*time.Second, float64(len(lines)/2), s.admin)
	if !strings.Contains(httpGet(t, "http://"+s.admin+"/readyz"), "ready") {
		t.Fatal("not ready before the outage")
	}

	s.redis.Stop()
	run(t, "replay", "--in", half2, "--brokers", s.brokers, "--topic", "logs")
	// Decisions of the second half cannot be stored: the detector reports
	// itself unready and holds the offsets behind them.
	waitFor(t, "the detector to report itself unready", 20*time.Second, func() bool {
		return metricValue(t, s.admin, "portcullis_detector_store_errors_total") > 0 &&
			strings.Contains(httpGet(t, "http://"+s.admin+"/readyz"), "not ready")
	})
	time.Sleep(3 * time.Second)
	if c := metricValue(t, s.admin, "portcullis_detector_events_committed_total"); c >= total {
		t.Fatalf("all %v events committed while Redis was down", c)
	}
	if metricValue(t, s.admin, "portcullis_detector_ready") != 0 {
		t.Error("the ready gauge did not drop during the outage")
	}

	s.redis.Restart()
	waitCommitted(t, "every event committed after Redis returned", 60*time.Second, total, s.admin)
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
			t.Errorf("%s is blocked offline but was lost around the outage", c)
		}
	}
	for c := range got {
		if !want[c] {
			t.Errorf("%s blocked online but not offline", c)
		}
	}
	waitFor(t, "ready again after Redis returned", 10*time.Second, func() bool {
		return strings.Contains(httpGet(t, "http://"+s.admin+"/readyz"), "ready") &&
			!strings.Contains(httpGet(t, "http://"+s.admin+"/readyz"), "not")
	})
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
	if out := bl("add", "203.0.113.10", "--ttl", "1h", "--action", "throttle", "--limit", "3"); !strings.Contains(out.stdout, "stored (throttle)") {
		t.Errorf("add --action throttle printed %q", out.stdout)
	}
	if out := bl("list"); !strings.Contains(out.stdout, "throttle 3/s") {
		t.Errorf("list does not show the throttle and its rate: %q", out.stdout)
	}
	if _, err := execute(t.Context(), "blocklist", "--redis", r, "--prefix", "cli:", "add", "203.0.113.11", "--action", "ban"); err == nil || !strings.Contains(err.Error(), `unknown action "ban"`) {
		t.Errorf("add --action ban: %v", err)
	}
	bl("remove", "203.0.113.10")
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

func TestTwoDetectorsSplitTheLoad(t *testing.T) {
	p := shared(t)
	s := newStack(t, "scale", "")
	// A second detector in the same group, on an admin port of its own.
	second := *s
	s.detect(t)
	second.detect(t)
	// Let both join before the events arrive, so the group has settled.
	waitFor(t, "both detectors ready", 20*time.Second, func() bool {
		return metricValue(t, s.admin, "portcullis_detector_ready") == 1 && metricValue(t, second.admin, "portcullis_detector_ready") == 1
	})
	time.Sleep(2 * time.Second)
	run(t, "replay", "--in", p.path("day2.jsonl"), "--brokers", s.brokers, "--topic", "logs")
	total := float64(countLines(readFile(t, p.path("day2.jsonl"))))
	waitCommitted(t, "every event committed by the two", 60*time.Second, total, s.admin, second.admin)
	a := metricValue(t, s.admin, "portcullis_detector_events_consumed_total")
	b := metricValue(t, second.admin, "portcullis_detector_events_consumed_total")
	if a == 0 || b == 0 {
		t.Fatalf("one detector did all the work: %v and %v events", a, b)
	}
	want := map[string]bool{}
	for _, d := range readDecisions(t, p.path("d.jsonl")) {
		want[d.Client] = true
	}
	got := map[string]bool{}
	for _, d := range parseDecisions(t, []byte(run(t, "blocklist", "list", "--json", "--redis", s.redis.Addr(), "--prefix", "scale:").stdout)) {
		got[d.Client] = true
	}
	for c := range want {
		if !got[c] {
			t.Errorf("%s blocked by one detector but not by two", c)
		}
	}
	for c := range got {
		if !want[c] {
			t.Errorf("%s blocked by two detectors but not by one", c)
		}
	}
	t.Logf("events consumed: %v and %v; %d clients blocked", a, b, len(got))
}

func TestTheExampleDetectConfigIsValid(t *testing.T) {
	cfg, err := detectapp.LoadConfig("../../deploy/detect.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg = cfg.WithDefaults()
	if err := cfg.Kafka.WithDefaults().Validate(); err != nil {
		t.Errorf("kafka: %v", err)
	}
	if err := cfg.Redis.WithDefaults().Validate(); err != nil {
		t.Errorf("redis: %v", err)
	}
	if err := cfg.Policy.WithDefaults().Validate(); err != nil {
		t.Errorf("policy: %v", err)
	}
	if err := cfg.Features.WithDefaults().Validate(); err != nil {
		t.Errorf("features: %v", err)
	}
	if err := cfg.History.WithDefaults().Validate(); err != nil {
		t.Errorf("history: %v", err)
	}
	if !onLoopback(t, cfg.Admin.Listen) {
		t.Errorf("the example admin listener %q is not on loopback", cfg.Admin.Listen)
	}
}

func TestConfigErrorsSpeakYAML(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, yaml string
		load       func(string) error
		want       string
	}{
		{
			name: "a misspelt detect key names the line, its parent and the key meant",
			yaml: "model: m.pcm\npolicy:\n  min_event: 3\n",
			load: func(p string) error { _, err := detectapp.LoadConfig(p); return err },
			want: `line 3: unknown key "min_event" under "policy" (did you mean "min_events"?)`,
		},
		{
			name: "a word for a number names the key path and the type wanted",
			yaml: "model: m.pcm\nkafka:\n  brokers: [k:9092]\n  min_bytes: lots\n",
			load: func(p string) error { _, err := detectapp.LoadConfig(p); return err },
			want: `line 4: kafka.min_bytes: want a whole number, got "lots"`,
		},
		{
			name: "a misspelt top-level key is named",
			yaml: "model: m.pcm\nkafak: {}\n",
			load: func(p string) error { _, err := detectapp.LoadConfig(p); return err },
			want: `line 2: unknown key "kafak" at the top level (did you mean "kafka"?)`,
		},
		{
			name: "a gateway config gets the same",
			yaml: "listen: \":8080\"\nblocklist:\n  fail_mod: open\n",
			load: func(p string) error { _, err := gatewayapp.LoadConfig(p); return err },
			want: `line 3: unknown key "fail_mod" under "blocklist" (did you mean "fail_mode"?)`,
		},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, fmt.Sprintf("c%d.yaml", i))
			writeFile(t, path, []byte(tt.yaml))
			err := tt.load(path)
			if err == nil || !strings.Contains(err.Error(), path+" "+tt.want) {
				t.Errorf("err = %v\nwant it to say %q", err, path+" "+tt.want)
			}
			if err != nil && !strings.Contains(err.Error(), "shows every key") {
				t.Errorf("err = %v, want it to point at the example", err)
			}
		})
	}
}
