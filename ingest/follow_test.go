package ingest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/internal/testwait"
)

const testPoll = 5 * time.Millisecond

func appendTo(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func inode(t *testing.T, path string) uint64 {
	t.Helper()
	ff, _, err := ingest.OpenFileFollower(path, nil, false, false, testPoll)
	if err != nil {
		t.Fatal(err)
	}
	defer ff.Close()
	return ff.Pos().Inode
}

// noHead returns p without its Head, to compare the rest.
func noHead(p ingest.FilePos) ingest.FilePos {
	p.Head = 0
	return p
}

// next reads one line, failing the test if none comes in time.
func next(t *testing.T, ff *ingest.FileFollower) ingest.FileLine {
	t.Helper()
	l, err := ff.Next(testwait.Context(t, 10*time.Second))
	if err != nil {
		t.Fatalf("next line: %v", err)
	}
	l.Data = append([]byte(nil), l.Data...)
	return l
}

func wantLines(t *testing.T, ff *ingest.FileFollower, want ...string) []ingest.FileLine {
	t.Helper()
	var got []ingest.FileLine
	for _, w := range want {
		l := next(t, ff)
		if string(l.Data) != w {
			t.Fatalf("line %q, want %q", l.Data, w)
		}
		got = append(got, l)
	}
	return got
}

// noLine checks that no line comes within a few polls.
func noLine(t *testing.T, ff *ingest.FileFollower) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*testPoll)
	defer cancel()
	if l, err := ff.Next(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Next returned %q, %v; want no line yet", l.Data, err)
	}
}

func TestFileFollowerFollowsGrowthAndHoldsAPartialLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "access.log")
	appendTo(t, path, "a1\na2\r\n")
	ff, found, err := ingest.OpenFileFollower(path, nil, false, true, testPoll)
	if err != nil {
		t.Fatal(err)
	}
	defer ff.Close()
	if found {
		t.Error("found a checkpoint where none was given")
	}
	ls := wantLines(t, ff, "a1", "a2")
	ino := inode(t, path)
	if noHead(ls[0].Pos) != (ingest.FilePos{Inode: ino, Offset: 0}) || noHead(ls[0].End) != (ingest.FilePos{Inode: ino, Offset: 3}) ||
		ls[1].Pos.Offset != 3 || ls[1].End.Offset != 7 || ls[0].Pos.Head == 0 || ls[1].End.Head != ls[0].Pos.Head {
		t.Errorf("positions %+v %+v; want 0-3 and 3-7 in inode %d, with the first line's head", ls[0], ls[1], ino)
	}
	appendTo(t, path, "a3 unfinish")
	noLine(t, ff)
	appendTo(t, path, "ed\na4\n")
	wantLines(t, ff, "a3 unfinished", "a4")
	noLine(t, ff)
}

// following writes content to the file at path and returns a follower
// of it that has read its first line, first.
func following(t *testing.T, path, content, first string) *ingest.FileFollower {
	t.Helper()
	appendTo(t, path, content)
	ff, _, err := ingest.OpenFileFollower(path, nil, false, true, testPoll)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ff.Close() })
	wantLines(t, ff, first)
	return ff
}

func TestFileFollowerFinishesARenamedFileThenReadsTheNewOne(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "access.log")
	ff := following(t, path, "a1\na2\na3\n", "a1")
	oldIno := inode(t, path)
	// The writer keeps its file open across the rename until it reopens.
	w, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	appendTo(t, path, "") // logrotate's create
	fmt.Fprint(w, "a4\na5 without newline")
	w.Close()
	appendTo(t, path, "b1\nb2\n")
	ls := wantLines(t, ff, "a2", "a3", "a4", "a5 without newline", "b1", "b2")
	newIno := inode(t, path)
	if ls[3].Pos.Inode != oldIno || noHead(ls[3].End) != (ingest.FilePos{Inode: oldIno, Offset: int64(len("a1\na2\na3\na4\na5 without newline"))}) {
		t.Errorf("the old file's last line is at %+v", ls[3])
	}
	if noHead(ls[4].Pos) != (ingest.FilePos{Inode: newIno, Offset: 0}) || newIno == oldIno || ls[4].Pos.Head == ls[3].Pos.Head {
		t.Errorf("the new file's first line is at %+v; want inode %d offset 0", ls[4].Pos, newIno)
	}
	noLine(t, ff)
}

func TestFileFollowerRestartsAtTheStartOfATruncatedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "access.log")
	appendTo(t, path, "a1 a long first line\na2 another long line\n")
	ff, _, err := ingest.OpenFileFollower(path, nil, false, true, testPoll)
	if err != nil {
		t.Fatal(err)
	}
	defer ff.Close()
	wantLines(t, ff, "a1 a long first line", "a2 another long line")
	// copytruncate: copy away, then truncate in place.
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	appendTo(t, path, "b1\n")
	ls := wantLines(t, ff, "b1")
	if ls[0].Pos.Offset != 0 {
		t.Errorf("first line after truncation at offset %d, want 0", ls[0].Pos.Offset)
	}
	appendTo(t, path, "b2\n")
	wantLines(t, ff, "b2")
}

func TestFileFollowerWithoutFollowReturnsTheLastPartialLineThenEOF(t *testing.T) {
	path := filepath.Join(t.TempDir(), "access.log")
	appendTo(t, path, "a1\na2")
	ff, _, err := ingest.OpenFileFollower(path, nil, false, false, testPoll)
	if err != nil {
		t.Fatal(err)
	}
	defer ff.Close()
	wantLines(t, ff, "a1", "a2")
	if _, err := ff.Next(context.Background()); !errors.Is(err, io.EOF) {
		t.Fatalf("after the last line: %v, want io.EOF", err)
	}
}

func TestOpenFileFollowerResumes(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "access.log")
	appendTo(t, path, "a1\na2\na3\n")
	ino := inode(t, path)
	tests := []struct {
		name    string
		at      *ingest.FilePos
		fromEnd bool
		found   bool
		want    []string
	}{
		{"a checkpoint in the file resumes after it", &ingest.FilePos{Inode: ino, Offset: 3}, false, true, []string{"a2", "a3"}},
		{"no checkpoint starts at the beginning", nil, false, false, []string{"a1", "a2", "a3"}},
		{"no checkpoint with start end starts at the end", nil, true, false, nil},
		{"a checkpoint past the end (truncated while down) starts over", &ingest.FilePos{Inode: ino, Offset: 100}, false, false, []string{"a1", "a2", "a3"}},
		{"a checkpoint past the end starts over even with start end", &ingest.FilePos{Inode: ino, Offset: 100}, true, false, []string{"a1", "a2", "a3"}},
		{"a checkpoint of another file with start end starts at the end", &ingest.FilePos{Inode: ino + 12345, Offset: 3}, true, false, nil},
		{"a checkpoint of another file starts over", &ingest.FilePos{Inode: ino + 12345, Offset: 3}, false, false, []string{"a1", "a2", "a3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ff, found, err := ingest.OpenFileFollower(path, tt.at, tt.fromEnd, false, testPoll)
			if err != nil {
				t.Fatal(err)
			}
			defer ff.Close()
			if found != tt.found {
				t.Errorf("found %v, want %v", found, tt.found)
			}
			wantLines(t, ff, tt.want...)
			if _, err := ff.Next(context.Background()); !errors.Is(err, io.EOF) {
				t.Fatalf("after the lines: %v, want io.EOF", err)
			}
		})
	}
}

func TestOpenFileFollowerResumesInARotatedPredecessorThenGoesOn(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "access.log")
	appendTo(t, path, "a1\na2\n")
	at := ingest.FilePos{Inode: inode(t, path), Offset: 3}
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	appendTo(t, path+".2.gz", "not read\n")
	appendTo(t, path, "b1\n")
	ff, found, err := ingest.OpenFileFollower(path, &at, false, true, testPoll)
	if err != nil {
		t.Fatal(err)
	}
	defer ff.Close()
	if !found {
		t.Fatal("the checkpoint's file, renamed to access.log.1, was not found")
	}
	wantLines(t, ff, "a2", "b1")
}

func TestWriteCheckpointIsAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cp")
	if p, err := ingest.ReadCheckpoint(path); p != nil || err != nil {
		t.Fatalf("missing checkpoint: %v, %v; want nil, nil", p, err)
	}
	// A reader racing with the writer sees only whole checkpoints.
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	var readErr error
	reads := 0
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			p, err := ingest.ReadCheckpoint(path)
			if err != nil {
				readErr = err
				return
			}
			if p != nil {
				reads++
				if p.Inode != uint64(p.Offset)*7 {
					readErr = fmt.Errorf("read %+v, which was never written", p)
					return
				}
			}
		}
	}()
	for i := int64(1); i <= 300; i++ {
		if err := ingest.WriteCheckpoint(path, ingest.FilePos{Inode: uint64(i) * 7, Offset: i}); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if readErr != nil {
		t.Fatal(readErr)
	}
	p, err := ingest.ReadCheckpoint(path)
	if err != nil || p == nil || *p != (ingest.FilePos{Inode: 2100, Offset: 300}) {
		t.Fatalf("last checkpoint %+v, %v; want inode 2100 offset 300", p, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("%d files in the checkpoint's directory, want 1 (no temporary files left)", len(entries))
	}
	t.Logf("%d concurrent reads", reads)

	writeBad := func(s string) {
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeBad("{not json")
	if _, err := ingest.ReadCheckpoint(path); err == nil || !strings.Contains(err.Error(), "delete it") {
		t.Errorf("a corrupt checkpoint gives %v; want an error saying what to do", err)
	}
}

func TestFileConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  ingest.FileConfig
		want string
	}{
		{"a path and a checkpoint are enough", ingest.FileConfig{Path: "/var/log/a.log", Checkpoint: "/var/lib/a.cp"}, ""},
		{"no path is an error", ingest.FileConfig{Checkpoint: "/var/lib/a.cp"}, "path: empty"},
		{"no checkpoint is an error", ingest.FileConfig{Path: "/var/log/a.log"}, "checkpoint: empty"},
		{"the log as its own checkpoint is an error", ingest.FileConfig{Path: "/var/log/a.log", Checkpoint: "/var/log/./a.log"}, "log file itself"},
		{"an unknown start is an error", ingest.FileConfig{Path: "/a", Checkpoint: "/b", Start: "middle"}, `start is "middle"`},
		{"start end is fine", ingest.FileConfig{Path: "/a", Checkpoint: "/b", Start: "END"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, ingest.ErrInvalidConfig)):
				t.Fatalf("error %v; want one wrapping ErrInvalidConfig that says %q", err, tt.want)
			}
		})
	}
}

func TestFileConsumerCommitsACheckpointAndResumesFromIt(t *testing.T) {
	dir := t.TempDir()
	cfg := ingest.FileConfig{Path: filepath.Join(dir, "access.log"), Checkpoint: filepath.Join(dir, "cp"), Follow: true, Poll: testPoll}
	appendTo(t, cfg.Path, "a1\na2\na3\n")
	c, err := ingest.NewFileConsumer(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := testwait.Context(t, 10*time.Second)
	m1, err := c.Fetch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m2, err := c.Fetch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if string(m1.Value) != "a1" || string(m2.Value) != "a2" || m2.Offset != 3 || m2.Partition != 0 || m2.Time.IsZero() {
		t.Fatalf("messages %q@%d, %q@%d", m1.Value, m1.Offset, m2.Value, m2.Offset)
	}
	if p, _ := ingest.ReadCheckpoint(cfg.Checkpoint); p != nil {
		t.Fatalf("a checkpoint %+v before any commit", p)
	}
	if err := c.Commit(ctx, ingest.Message{Offset: m2.Offset, Value: m2.Value}); err == nil {
		t.Fatal("Commit took a message that did not come from the file consumer")
	}
	if err := c.Commit(ctx, m1, m2); err != nil {
		t.Fatal(err)
	}
	p, err := ingest.ReadCheckpoint(cfg.Checkpoint)
	if err != nil || p == nil || noHead(*p) != (ingest.FilePos{Inode: inode(t, cfg.Path), Offset: 6}) {
		t.Fatalf("checkpoint %+v, %v; want the end of a2, offset 6", p, err)
	}
	// a3 was fetched but not committed: a restart reads it again.
	if _, err := c.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	c.Close()
	c, err = ingest.NewFileConsumer(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	m3, err := c.Fetch(ctx)
	if err != nil || string(m3.Value) != "a3" {
		t.Fatalf("after the restart: %q, %v; want a3", m3.Value, err)
	}
	// Rewind gives what came before the first message fetched.
	var past []string
	if err := c.Rewind(ctx, 0, time.Now(), m3.Offset, func(m ingest.Message) { past = append(past, string(m.Value)) }); err != nil {
		t.Fatal(err)
	}
	if strings.Join(past, ",") != "a1,a2" {
		t.Errorf("rewound %v, want a1,a2", past)
	}
}

func TestFileFollowerCutsALineTooLongToHold(t *testing.T) {
	path := filepath.Join(t.TempDir(), "access.log")
	long := strings.Repeat("x", ingest.DefaultMaxLineBytes+ingest.DefaultMaxLineBytes/2)
	appendTo(t, path, "a1\n"+long+"\na2\n")
	ff, _, err := ingest.OpenFileFollower(path, nil, false, false, testPoll)
	if err != nil {
		t.Fatal(err)
	}
	defer ff.Close()
	wantLines(t, ff, "a1")
	if l := next(t, ff); len(l.Data) != ingest.DefaultMaxLineBytes {
		t.Fatalf("the long line came as %d bytes, want its first %d", len(l.Data), ingest.DefaultMaxLineBytes)
	}
	ls := wantLines(t, ff, "a2")
	if want := int64(3 + len(long) + 1); ls[0].Pos.Offset != want {
		t.Errorf("the line after the long one at %d, want %d", ls[0].Pos.Offset, want)
	}
}

func BenchmarkFileConsumerFetch(b *testing.B) {
	dir := b.TempDir()
	line := `{"ts":"2026-03-03T09:00:00.000Z","client_ip":"130.211.207.36","method":"POST","path":"/api/v1/orders","status":500,"req_bytes":5475,"resp_bytes":143,"duration_ms":203.7,"user_agent":"okhttp/4.12.0"}` + "\n"
	data := []byte(strings.Repeat(line, 100000))
	path := filepath.Join(dir, "access.log")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(line)))
	var c *ingest.FileConsumer
	ctx := context.Background()
	for b.Loop() {
		if c == nil {
			var err error
			c, err = ingest.NewFileConsumer(ingest.FileConfig{Path: path, Checkpoint: filepath.Join(dir, "cp")}, nil)
			if err != nil {
				b.Fatal(err)
			}
		}
		if _, err := c.Fetch(ctx); errors.Is(err, io.EOF) {
			c.Close()
			c = nil
		} else if err != nil {
			b.Fatal(err)
		}
	}
	if c != nil {
		c.Close()
	}
}

// gzipRotate compresses the file at from into to and removes from, as
// logrotate's compress without delaycompress does right after the rename.
func gzipRotate(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(from); err != nil {
		t.Fatal(err)
	}
}

// TestFileFollowerLosesNothingWhenTheRotatedFileIsCompressed rotates with
// compression between reads: the follower finishes the old file, lines
// written to it after the rename included, then reads the new one.
func TestFileFollowerLosesNothingWhenTheRotatedFileIsCompressed(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "access.log")
	ff := following(t, path, "a1\na2\na3\n", "a1")
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	appendTo(t, path+".1", "a4\n") // the writer before it reopens its log
	appendTo(t, path, "b1\n")
	gzipRotate(t, path+".1", path+".1.gz")
	wantLines(t, ff, "a2", "a3", "a4", "b1")
	appendTo(t, path, "b2\n")
	wantLines(t, ff, "b2")
	noLine(t, ff)
}

// TestOpenFileFollowerResumesInACompressedPredecessor stops after a line,
// rotates with compression while the follower is down, and checks that a
// follower opened at the checkpoint reads the rest of the old file from
// its compressed form, once, then the new file, for both of logrotate's
// names; another compressed file, or a checkpoint of another file, is
// not taken for it.
func TestOpenFileFollowerResumesInACompressedPredecessor(t *testing.T) {
	for _, rotated := range []string{"access.log.1.gz", "access.log-20260302.gz"} {
		t.Run(rotated, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "access.log")
			appendTo(t, path, "a1\n")
			appendTo(t, path+"-20260301", "older1\nolder2\nolder3\n")
			gzipRotate(t, path+"-20260301", path+"-20260301.gz")
			past := time.Now().Add(-time.Hour)
			os.Chtimes(path+"-20260301.gz", past, past)
			ff, _, err := ingest.OpenFileFollower(path, nil, false, false, testPoll)
			if err != nil {
				t.Fatal(err)
			}
			at := wantLines(t, ff, "a1")[0].End
			ff.Close()
			appendTo(t, path, "a2\na3\n")
			if err := os.Rename(path, path+".rotating"); err != nil {
				t.Fatal(err)
			}
			appendTo(t, path, "b1\n")
			gzipRotate(t, path+".rotating", filepath.Join(dir, rotated))

			ff, found, err := ingest.OpenFileFollower(path, &at, false, true, testPoll)
			if err != nil {
				t.Fatal(err)
			}
			defer ff.Close()
			if !found {
				t.Fatalf("the checkpoint's file, compressed to %s, was not found", rotated)
			}
			got := wantLines(t, ff, "a2", "a3", "b1")
			if got[0].Pos != at || got[2].Pos.Offset != 0 || got[2].Pos.Inode == at.Inode {
				t.Errorf("positions %+v, %+v; want the checkpoint %+v, then the new file's start", got[0].Pos, got[2].Pos, at)
			}
			noLine(t, ff)

			other := at
			other.Head++
			ff2, found, err := ingest.OpenFileFollower(path, &other, false, false, testPoll)
			if err != nil {
				t.Fatal(err)
			}
			defer ff2.Close()
			if found {
				t.Errorf("a checkpoint whose first line matches no file was resumed")
			}
			wantLines(t, ff2, "b1")
		})
	}
}
