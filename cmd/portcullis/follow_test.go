package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/internal/testwait"

	detectapp "github.com/portcullis/portcullis/app/detect"
)

// TestDetectFollowsAFileThroughSIGKILLAndRotation runs portcullis detect on
// a followed access-log file, with no Kafka: the log grows while the
// detector runs, the detector is killed with SIGKILL and restarted, and the
// log is rotated by rename under the restarted detector. While it is down,
// every decision behind the checkpoint is already in Redis (the checkpoint
// never runs ahead of stored decisions). At the end Redis holds exactly the
// clients that the offline score of the same lines blocks: nothing skipped,
// nothing invented.
func TestDetectFollowsAFileThroughSIGKILLAndRotation(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped in -short")
	}
	p := shared(t)
	bin := filepath.Join(t.TempDir(), "portcullis")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	redisAddr := redistest.Start(t)

	all := readFile(t, p.path("day2.jsonl"))
	lines := bytes.SplitAfter(all, []byte("\n"))
	if len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	// Where each line ends, and the index of the last line, by client and
	// time, to find the line behind each offline decision.
	ends := make([]int64, len(lines))
	lastLine := map[string]int{} // client|unix ns -> index
	var off int64
	for i, l := range lines {
		off += int64(len(l))
		ends[i] = off
		var e struct {
			TS     time.Time `json:"ts"`
			Client string    `json:"client_ip"`
		}
		if err := json.Unmarshal(l, &e); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		lastLine[fmt.Sprintf("%s|%d", e.Client, e.TS.UnixNano())] = i
	}
	decisions := readDecisions(t, p.path("d.jsonl"))
	// The second kill lands just before the line of a decision, with some
	// of that client's evidence before it: the decision with the fewest of
	// its client's lines after it, among those past the first tenth of the
	// log.
	straddle, fewest := -1, 0
	for _, d := range decisions {
		i, ok := lastLine[fmt.Sprintf("%s|%d", d.Client, d.TS.UnixNano())]
		if !ok || i < len(lines)/10 {
			continue
		}
		before, after := 0, 0
		for j, l := range lines {
			if bytes.Contains(l, []byte(`"client_ip":"`+d.Client+`"`)) {
				if j < i {
					before++
				} else if j > i {
					after++
				}
			}
		}
		if before >= 3 && (straddle < 0 || after < fewest) {
			straddle, fewest = i, after
		}
	}
	if straddle < 0 {
		t.Fatal("no offline decision with evidence before it to kill the detector before")
	}
	chunk := func(from, to int) []byte { return bytes.Join(lines[from:to], nil) }
	rotateAt := straddle + (len(lines)-straddle)/3
	stale := (len(lines) - rotateAt) / 4 // lines written to the renamed file

	dir := t.TempDir()
	logPath := filepath.Join(dir, "access.json")
	cpPath := filepath.Join(dir, "state", "access.checkpoint")
	if err := os.Mkdir(filepath.Dir(cpPath), 0o755); err != nil {
		t.Fatal(err)
	}
	appendLog := func(path string, data []byte) {
		t.Helper()
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		// In pieces, as a web server writes, some ending mid-line.
		for len(data) > 0 {
			n := min(len(data), 64<<10+37)
			if _, err := f.Write(data[:n]); err != nil {
				t.Fatal(err)
			}
			data = data[n:]
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	appendLog(logPath, chunk(0, straddle))

	cfgPath := filepath.Join(t.TempDir(), "detect.yaml")
	// Small batches so that the kill lands between checkpoints.
	writeFile(t, cfgPath, []byte(fmt.Sprintf(`model: %s
input:
  file: {path: %s, follow: true, checkpoint: %s, poll: 20ms}
redis: {addrs: [%s], key_prefix: "follow:"}
admin: {listen: "127.0.0.1:0"}
batch: {size: 300, flush_interval: 50ms}
`, p.path("m.pcm"), logPath, cpPath, redisAddr)))
	start := func() (*exec.Cmd, <-chan error) {
		cmd := exec.Command(bin, "detect", "--config", cfgPath)
		cmd.Stderr = os.Stderr
		if !testing.Verbose() {
			cmd.Stderr = nil
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		return cmd, exited
	}
	checkpoint := func() ingest.FilePos {
		cp, err := ingest.ReadCheckpoint(cpPath)
		if err != nil {
			t.Fatal(err)
		}
		if cp == nil {
			return ingest.FilePos{}
		}
		return *cp
	}
	// reaches waits until the checkpoint is at or past offset in the file
	// with inode, failing early if the detector exits.
	reaches := func(exited <-chan error, ino uint64, offset int64, what string) {
		t.Helper()
		testwait.Eventually(t, 90*time.Second, what, func() (bool, string) {
			select {
			case err := <-exited:
				t.Fatalf("waiting for %s: the detector exited: %v", what, err)
			default:
			}
			cp := checkpoint()
			return cp.Inode == ino && cp.Offset >= offset, fmt.Sprintf("checkpoint %+v, want inode %d offset %d", cp, ino, offset)
		})
	}
	inodeOf := func(path string) uint64 {
		t.Helper()
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Sys().(*syscall.Stat_t).Ino
	}
	firstIno := inodeOf(logPath)

	store, err := redisstore.New(redisstore.Config{Addrs: []string{redisAddr}, KeyPrefix: "follow:"}, nil)
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
	// kill SIGKILLs the detector and checks that every decision behind
	// the checkpoint is in Redis.
	kill := func(cmd *exec.Cmd, exited <-chan error) {
		t.Helper()
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		testwait.Recv(t, exited, 10*time.Second, "the killed detector to exit")
		cp := checkpoint()
		afterKill := inRedis()
		behind := 0
		for _, d := range decisions {
			i, ok := lastLine[fmt.Sprintf("%s|%d", d.Client, d.TS.UnixNano())]
			if ok && cp.Inode == firstIno && ends[i] <= cp.Offset {
				behind++
				if !afterKill[d.Client] {
					t.Errorf("line %d is behind the checkpoint, but the decision about %s it triggered is not in Redis", i+1, d.Client)
				}
			}
		}
		t.Logf("killed with the checkpoint at byte %d; %d decisions behind it, %d clients in Redis", cp.Offset, behind, len(afterKill))
		if behind == 0 {
			t.Error("no decision behind the checkpoint at the kill: the test checks nothing there")
		}
	}

	// Run until half the lines written are behind the checkpoint, then
	// SIGKILL: the kill lands anywhere after, between two checkpoints.
	first, firstExited := start()
	t.Cleanup(func() { first.Process.Kill() })
	reaches(firstExited, firstIno, ends[straddle/2], "half the lines written behind the checkpoint")
	kill(first, firstExited)

	// Restart: it reads again what was not behind the checkpoint. Once
	// every line written is behind it, SIGKILL again, before the line of
	// the decision chosen above.
	second, secondExited := start()
	t.Cleanup(func() { second.Process.Kill() })
	reaches(secondExited, firstIno, ends[straddle-1], "every line written behind the checkpoint")
	kill(second, secondExited)

	// The log grows while the detector is down.
	appendLog(logPath, chunk(straddle, rotateAt))
	third, thirdExited := start()
	defer func() {
		third.Process.Signal(syscall.SIGTERM)
		testwait.Recv(t, thirdExited, 20*time.Second, "the restarted detector to stop on SIGTERM")
	}()
	reaches(thirdExited, firstIno, ends[straddle], "the restarted detector past the kill")

	// Rotate by rename while it reads; the writer writes a little more to
	// the renamed file before it reopens the log, as nginx does until
	// logrotate's SIGUSR1.
	if err := os.Rename(logPath, logPath+".1"); err != nil {
		t.Fatal(err)
	}
	appendLog(logPath+".1", chunk(rotateAt, rotateAt+stale))
	mid := rotateAt + stale + (len(lines)-rotateAt-stale)/2
	appendLog(logPath, chunk(rotateAt+stale, mid))
	appendLog(logPath, chunk(mid, len(lines)))
	reaches(thirdExited, inodeOf(logPath), int64(len(chunk(rotateAt+stale, len(lines)))), "every line of the new file behind the checkpoint")

	// Decisions are stored before the checkpoint moves past them, so Redis
	// is complete now.
	got := inRedis()
	uninterrupted := map[string]bool{}
	for _, d := range decisions {
		uninterrupted[d.Client] = true
	}
	for c := range uninterrupted {
		if !got[c] {
			t.Errorf("%s is not blocked after the kill and the rotation; a detector that never stopped blocks it", c)
		}
	}
	for c := range got {
		if !uninterrupted[c] {
			t.Errorf("%s is blocked after the kill and the rotation, but not by a detector that never stopped", c)
		}
	}
	if len(uninterrupted) == 0 {
		t.Fatal("the offline score blocked nobody: the test checks nothing")
	}
	t.Logf("%d clients blocked, as by the offline score", len(got))
}

// TestDetectInputConfig checks that detect reads from exactly one input,
// and that a file read without follow is read to its end, acted on, and
// checkpointed, after which detect exits cleanly.
func TestDetectInputConfig(t *testing.T) {
	p := shared(t)
	redisAddr := redistest.Start(t)
	dir := t.TempDir()
	logPath := filepath.Join(dir, "access.json")
	day2 := readFile(t, p.path("day2.jsonl"))
	writeFile(t, logPath, day2)
	cpPath := filepath.Join(dir, "access.checkpoint")
	tests := []struct {
		name  string
		input string
		want  string // in the error; empty for success
	}{
		{"kafka and input.file together are an error", "kafka: {brokers: [127.0.0.1:9], topic: logs, group: g}\ninput: {file: {path: " + logPath + ", checkpoint: " + cpPath + "}}", "both kafka and input.file are set"},
		{"no input is an error", "", "no input: set kafka"},
		{"input.file without a checkpoint is an error", "input: {file: {path: " + logPath + "}}", "checkpoint: empty"},
		{"a missing log file is an error", "input: {file: {path: " + logPath + ".missing, checkpoint: " + cpPath + "}}", "no such file"},
		{"a file without follow is read to its end", "input: {file: {path: " + logPath + ", checkpoint: " + cpPath + "}}", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfgPath := filepath.Join(t.TempDir(), "detect.yaml")
			writeFile(t, cfgPath, []byte(fmt.Sprintf("model: %s\n%s\nredis: {addrs: [%s], key_prefix: \"once:\"}\nadmin: {listen: \"127.0.0.1:0\"}\n",
				p.path("m.pcm"), tt.input, redisAddr)))
			out, err := execute(testwait.Context(t, 120*time.Second), "detect", "--config", cfgPath)
			if tt.want != "" {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("error %v; want one saying %q", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("detect: %v\n%s", err, out.stderr)
			}
			cp, err := ingest.ReadCheckpoint(cpPath)
			if err != nil || cp == nil || cp.Offset != int64(len(day2)) {
				t.Fatalf("checkpoint %+v, %v; want the end of the file, %d", cp, err, len(day2))
			}
			store, err := redisstore.New(redisstore.Config{Addrs: []string{redisAddr}, KeyPrefix: "once:"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			snap, err := store.List(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]bool{}
			for _, d := range readDecisions(t, p.path("d.jsonl")) {
				want[d.Client] = true
			}
			got := map[string]bool{}
			for _, d := range snap.Decisions {
				got[d.Client] = true
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("blocked %v, want %v as the offline score", got, want)
			}
		})
	}
}

// TestTheExampleFileInputIsValid uncomments the input.file example of
// deploy/detect.example.yaml in place of its kafka section and checks that
// it loads and validates.
func TestTheExampleFileInputIsValid(t *testing.T) {
	var out []string
	inKafka, found := false, false
	for _, l := range strings.Split(string(readFile(t, "../../deploy/detect.example.yaml")), "\n") {
		switch {
		case l == "kafka:":
			inKafka = true
			continue
		case inKafka && strings.HasPrefix(l, "  "):
			continue
		case l == "# input:" || (found && strings.HasPrefix(l, "#   ")):
			found = true
			l = strings.TrimPrefix(l, "# ")
		}
		inKafka = false
		out = append(out, l)
	}
	if !found {
		t.Fatal("no commented input: section in deploy/detect.example.yaml")
	}
	path := filepath.Join(t.TempDir(), "detect.yaml")
	writeFile(t, path, []byte(strings.Join(out, "\n")))
	cfg, err := detectapp.LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Input.File == nil || !cfg.Input.File.Follow || cfg.Input.File.Path != "/var/log/nginx/access.json" {
		t.Fatalf("input.file is %+v", cfg.Input.File)
	}
	if err := cfg.Input.File.Validate(); err != nil {
		t.Error(err)
	}
	if !reflect.ValueOf(cfg.Kafka).IsZero() {
		t.Error("the kafka section is still set")
	}
}
