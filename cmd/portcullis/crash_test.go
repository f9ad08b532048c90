package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/internal/redistest"
)

// TestDetectSurvivesSIGKILL kills the detector process in the middle of the
// stream and restarts it. While it is down, every decision behind a
// committed offset must already be in Redis (offsets never run ahead of
// stored decisions); after the restart, every client that an uninterrupted
// run blocks is blocked.
func TestDetectSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped in -short")
	}
	p := shared(t)
	bin := filepath.Join(t.TempDir(), "portcullis")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(4, "logs"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	brokers := cluster.ListenAddrs()
	redisAddr := redistest.Start(t)
	run(t, "replay", "--in", p.path("day2.jsonl"), "--brokers", strings.Join(brokers, ","), "--topic", "logs")

	admin := freePort(t)
	cfgPath := filepath.Join(t.TempDir(), "detect.yaml")
	// Small batches so that the kill lands between commits.
	writeFile(t, cfgPath, []byte(fmt.Sprintf(`model: %s
kafka: {brokers: [%s], topic: logs, group: crash, start: earliest, max_wait: 500ms, heartbeat_interval: 300ms, session_timeout: 6s}
redis: {addrs: [%s], key_prefix: "crash:"}
admin: {listen: %s}
batch: {size: 500, flush_interval: 50ms}
`, p.path("m.pcm"), strings.Join(brokers, ","), redisAddr, admin)))
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "detect", "--config", cfgPath)
		cmd.Stderr = os.Stderr
		if !testing.Verbose() {
			cmd.Stderr = nil
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	total := float64(countLines(readFile(t, p.path("day2.jsonl"))))

	// Run until about a third is committed, then SIGKILL.
	first := start()
	deadline := time.Now().Add(60 * time.Second)
	for metricValue(t, admin, "portcullis_detector_events_committed_total") < total/3 {
		if time.Now().After(deadline) {
			first.Process.Kill()
			t.Fatal("the detector committed less than a third of the events in 60 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()

	store, err := blocklist.NewRedis(blocklist.RedisConfig{Addrs: []string{redisAddr}, KeyPrefix: "crash:"}, nil)
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

	// Where each offline decision's triggering event sits in the topic.
	type at struct {
		partition int
		offset    int64
	}
	where := map[string]at{} // client|ts -> position
	for part := 0; part < 4; part++ {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		conn, err := kafka.DialLeader(ctx, "tcp", brokers[0], "logs", part)
		if err != nil {
			t.Fatal(err)
		}
		end, err := conn.ReadLastOffset()
		conn.Close()
		if err != nil {
			t.Fatal(err)
		}
		r := kafka.NewReader(kafka.ReaderConfig{Brokers: brokers, Topic: "logs", Partition: part, MaxWait: 200 * time.Millisecond})
		for end > 0 {
			m, err := r.ReadMessage(ctx)
			if err != nil {
				t.Fatalf("read partition %d: %v", part, err)
			}
			var ts string
			if i := strings.Index(string(m.Value), `"ts":"`); i >= 0 {
				ts = string(m.Value[i+6 : i+6+strings.IndexByte(string(m.Value[i+6:]), '"')])
			}
			where[string(m.Key)+"|"+ts] = at{part, m.Offset}
			if m.Offset >= end-1 {
				break
			}
		}
		cancel()
		r.Close()
	}
	committed := map[int]int64{}
	client := &kafka.Client{Addr: kafka.TCP(brokers...)}
	resp, err := client.OffsetFetch(context.Background(), &kafka.OffsetFetchRequest{GroupID: "crash", Topics: map[string][]int{"logs": {0, 1, 2, 3}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, po := range resp.Topics["logs"] {
		committed[po.Partition] = po.CommittedOffset
	}
	afterKill := inRedis()
	behind := 0
	for _, d := range readDecisions(t, p.path("d.jsonl")) {
		pos, ok := where[d.Client+"|"+d.TS.Format("2006-01-02T15:04:05.000000000Z07:00")]
		if !ok {
			continue // timestamps re-encoded differently; checked below by the final state
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
	second := start()
	defer func() {
		second.Process.Signal(syscall.SIGTERM)
		second.Wait()
	}()
	want := map[string]bool{}
	for _, d := range readDecisions(t, p.path("d.jsonl")) {
		want[d.Client] = true
	}
	deadline = time.Now().Add(60 * time.Second)
	for {
		got := inRedis()
		missing := 0
		for c := range want {
			if !got[c] {
				missing++
			}
		}
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d clients blocked by an uninterrupted run are not blocked after the restart", missing, len(want))
		}
		time.Sleep(100 * time.Millisecond)
	}
}
