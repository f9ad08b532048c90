package main

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/ingest/kafka"
	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/internal/testwait"
)

// TestDetectSurvivesSIGKILL kills the detector process in the middle of the
// stream and restarts it. While it is down, every decision behind a
// committed offset must already be in Redis (offsets never run ahead of
// stored decisions). After the restart, Redis holds exactly the clients
// that a detector that never stopped blocks: the restart re-reads what was
// not committed, loses no decision that was, invents none, and, having
// warmed each partition's clients from the past before its committed
// offset, also blocks the clients whose evidence straddles the kill.
func TestDetectSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped in -short")
	}
	p := shared(t)
	bin := filepath.Join(t.TempDir(), "portcullis")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	const partitions = 4
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(partitions, "logs"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	brokers := cluster.ListenAddrs()
	redisAddr := redistest.Start(t)
	run(t, "replay", "--in", p.path("day2.jsonl"), "--brokers", strings.Join(brokers, ","), "--topic", "logs")

	cfgPath := filepath.Join(t.TempDir(), "detect.yaml")
	// Small batches so that the kill lands between commits.
	writeFile(t, cfgPath, []byte(fmt.Sprintf(`model: %s
kafka: {brokers: [%s], topic: logs, group: crash, start: earliest, max_wait: %s, max_bytes: %d, heartbeat_interval: 300ms, session_timeout: 6s}
redis: {addrs: [%s], key_prefix: "crash:"}
admin: {listen: "127.0.0.1:0"}
batch: {size: 500, flush_interval: 50ms}
`, p.path("m.pcm"), strings.Join(brokers, ","), kafkaMaxWait(t), kafkaMaxBytes, redisAddr)))
	// admin is where the running detector's admin listener is.
	var admin string
	// start runs the detector and returns it with a channel that receives
	// its exit.
	start := func() (*exec.Cmd, <-chan error) {
		cmd, exited, addr := startDetectBinary(t, bin, cfgPath)
		admin = addr
		return cmd, exited
	}
	// committedBy waits until the running detector has committed want
	// events, failing early if it exits.
	committedBy := func(exited <-chan error, want float64, what string) {
		t.Helper()
		testwait.Eventually(t, 60*time.Second, what, func() (bool, string) {
			select {
			case err := <-exited:
				t.Fatalf("waiting for %s: the detector exited: %v", what, err)
			default:
			}
			n := metricValue(t, admin, "portcullis_detector_events_committed_total")
			return n >= want, fmt.Sprintf("%v of %v events committed; %s", n, want, detectorProgress(t, admin))
		})
	}
	total := float64(countLines(readFile(t, p.path("day2.jsonl"))))

	// Run until about a third is committed, then SIGKILL.
	first, firstExited := start()
	t.Cleanup(func() { first.Process.Kill() })
	committedBy(firstExited, total/3, "a third of the events committed before the kill")
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	testwait.Recv(t, firstExited, 10*time.Second, "the killed detector to exit")

	store, err := redisstore.New(redisstore.Config{Addrs: []string{redisAddr}, KeyPrefix: "crash:"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	inRedis := func() map[string]bool {
		snap, err := store.List(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]bool{}
		for _, d := range snap.Decisions {
			m[d.Client] = true
		}
		return m
	}

	ctx := testwait.Context(t, 60*time.Second)
	kcfg := kafka.Config{Brokers: brokers, Topic: "logs", GroupID: "crash", MaxWait: kafkaMaxWait(t), MaxBytes: kafkaMaxBytes,
		HeartbeatInterval: 300 * time.Millisecond, SessionTimeout: 6 * time.Second}
	committed, err := kafka.Committed(ctx, kcfg)
	if err != nil {
		t.Fatal(err)
	}
	for part, off := range committed {
		committed[part] = max(off, 0) // -1: nothing committed
	}

	// Read the topic back, as a group of its own: where each offline
	// decision's triggering event sits, and how many events the restarted
	// detector will read again.
	type at struct {
		partition int
		offset    int64
	}
	where := map[string]at{} // client|ts -> position
	remaining := 0
	witness := kcfg
	witness.GroupID, witness.Start = "crash-witness", kafka.StartEarliest
	reader, err := kafka.NewConsumer(ctx, witness, nil)
	if err != nil {
		t.Fatal(err)
	}
	for range int(total) {
		m, err := reader.Fetch(ctx)
		if err != nil {
			t.Fatalf("reading the topic back: %v", err)
		}
		var ts string
		if i := strings.Index(string(m.Value), `"ts":"`); i >= 0 {
			ts = string(m.Value[i+6 : i+6+strings.IndexByte(string(m.Value[i+6:]), '"')])
		}
		where[string(m.Key)+"|"+ts] = at{m.Partition, m.Offset}
		if m.Offset >= committed[m.Partition] {
			remaining++
		}
	}
	reader.Close()

	afterKill := inRedis()
	behind := 0
	for _, d := range readDecisions(t, p.path("d.jsonl")) {
		pos, ok := where[d.Client+"|"+d.TS.Format("2006-01-02T15:04:05.000000000Z07:00")]
		if !ok {
			continue // timestamps re-encoded differently; the final state checks these
		}
		if pos.offset < committed[pos.partition] {
			behind++
			if !afterKill[d.Client] {
				t.Errorf("offset %d of partition %d is committed but the decision about %s it triggered is not in Redis", pos.offset, pos.partition, d.Client)
			}
		}
	}
	t.Logf("killed with %v committed; %d decisions behind committed offsets, %d clients in Redis", committed, behind, len(afterKill))

	// Restart and finish.
	second, secondExited := start()
	defer func() {
		second.Process.Signal(syscall.SIGTERM)
		testwait.Recv(t, secondExited, 20*time.Second, "the restarted detector to stop on SIGTERM")
	}()
	committedBy(secondExited, float64(remaining), "the restarted detector to commit every event left uncommitted by the kill")
	// Decisions are stored before their offsets are committed, so Redis is
	// complete now. The restarted detector warmed each partition's clients
	// from the past before its committed offset, so it blocks exactly the
	// clients that a detector that never stopped blocks: those blocked
	// before the kill were stored then, the others it decides itself.
	got := inRedis()
	uninterrupted := map[string]bool{}
	for _, d := range readDecisions(t, p.path("d.jsonl")) {
		uninterrupted[d.Client] = true
	}
	for c := range uninterrupted {
		if !got[c] {
			t.Errorf("%s is not blocked after the restart; a detector that never stopped blocks it", c)
		}
	}
	for c := range got {
		if !uninterrupted[c] {
			t.Errorf("%s is blocked after the restart, but not by a detector that never stopped", c)
		}
	}
}
