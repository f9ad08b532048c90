package main

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/internal/silentpeer"
	"github.com/portcullis/portcullis/internal/syncbuf"
)

// TestDetectInterruptedWhileKafkaDoesNotAnswer starts portcullis detect
// against a broker that accepts connections and never answers, and sends
// it SIGINT while it waits: it stops waiting and exits, instead of
// holding the terminal for the setup timeout. The bound is loose for a
// busy machine; ingest/kafka's TestNewConsumerStopsWhenItsContextEnds holds
// the library call to a second.
func TestDetectInterruptedWhileKafkaDoesNotAnswer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped in -short")
	}
	p := shared(t)
	bin := filepath.Join(t.TempDir(), "portcullis")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cfgPath := filepath.Join(t.TempDir(), "detect.yaml")
	writeFile(t, cfgPath, []byte(fmt.Sprintf(`model: %s
kafka: {brokers: [%s], topic: logs, group: interrupted, dial_timeout: 30s}
redis: {addrs: [%s], key_prefix: "interrupted:"}
admin: {listen: "127.0.0.1:0"}
`, p.path("m.pcm"), silentpeer.Start(t), redistest.Start(t))))
	cmd := exec.Command(bin, "detect", "--config", cfgPath)
	stderr := &syncbuf.Buffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })

	// Let it reach the broker and wait on it.
	select {
	case err := <-exited:
		t.Fatalf("detect exited before the interrupt: %v\n%s", err, stderr)
	case <-time.After(time.Second):
	}
	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		took := time.Since(sent)
		t.Logf("detect exited %s after SIGINT", took.Round(time.Millisecond))
		if err != nil {
			t.Fatalf("detect exited with %v after SIGINT, want status 0 as after an interrupt once running\n%s", err, stderr)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("detect still running 5s after SIGINT, waiting on a broker that does not answer\n%s", stderr)
	}
}
