package main

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/portcullis/portcullis/app/offline"
)

// readableRE finds a verdict's count of lines that could be read.
var readableRE = regexp.MustCompile(`([\d,]+) of ([\d,]+) lines could be read`)

func TestBadInputIsCalledBad(t *testing.T) {
	t.Parallel()
	p := shared(t)
	dir := t.TempDir()
	random := make([]byte, 64<<10)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(rng.UintN(256))
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	inputs := []struct {
		name string
		data []byte
		want []string // besides the verdict's count
	}{
		{"an empty file", nil, []string{"the input has no lines"}},
		{"a file of random bytes", random, []string{"the first bad line, ", "pass --format json or --format clf"}},
		{"a README", readme, []string{`is "# portcullis"`, "pass --format json or --format clf"}},
	}
	for _, in := range inputs {
		path := filepath.Join(dir, strings.ReplaceAll(in.name, " ", "_"))
		writeFile(t, path, in.data)
		for _, command := range []string{"train", "score"} {
			t.Run(command+" on "+in.name+" fails and says why", func(t *testing.T) {
				t.Parallel()
				out := filepath.Join(t.TempDir(), "out")
				args := []string{"train", "--in", path, "--out", out, "--no-progress"}
				if command == "score" {
					args = []string{"score", "--model", p.path("m.pcm"), "--in", path, "--decisions", out}
				}
				_, err := execute(t.Context(), args...)
				if !errors.Is(err, offline.ErrBadInput) {
					t.Fatalf("portcullis %s: error %v, want a bad-input verdict", strings.Join(args, " "), err)
				}
				msg := err.Error()
				for _, w := range in.want {
					if !strings.Contains(msg, w) {
						t.Errorf("the verdict does not say %q:\n%s", w, msg)
					}
				}
				if len(in.data) > 0 {
					m := readableRE.FindStringSubmatch(msg)
					if m == nil {
						t.Fatalf("the verdict does not say how many lines could be read:\n%s", msg)
					}
					total, _ := strconv.Atoi(strings.ReplaceAll(m[2], ",", ""))
					if read, _ := strconv.Atoi(strings.ReplaceAll(m[1], ",", "")); total == 0 || read*10 > total {
						t.Errorf("the verdict says %s of %s lines could be read, want a few of many", m[1], m[2])
					}
				}
				for _, c := range msg {
					if c < 0x20 || c == 0x7f || (c >= 0x80 && c != '…') {
						t.Fatalf("the verdict carries the unescaped character %U:\n%q", c, msg)
					}
				}
				if _, err := os.Stat(out); err == nil {
					t.Errorf("%s left %s behind from bad input", command, out)
				}
			})
		}
	}
}

func TestMaxMalformed(t *testing.T) {
	t.Parallel()
	p := shared(t)
	day1 := readFile(t, p.path("day1.jsonl"))
	n := countLines(day1)
	// One garbage line for every four good ones: 20 % malformed.
	var mixed bytes.Buffer
	for i, line := range bytes.SplitAfter(day1, []byte("\n")) {
		mixed.Write(line)
		if i%4 == 3 {
			mixed.WriteString("\x1b[31mnot a log line\n")
		}
	}
	garbage := n / 4
	dir := t.TempDir()
	in := filepath.Join(dir, "mixed.jsonl")
	writeFile(t, in, mixed.Bytes())

	t.Run("train refuses a recording a fifth malformed by default", func(t *testing.T) {
		t.Parallel()
		_, err := execute(t.Context(), "train", "--in", in, "--out", filepath.Join(t.TempDir(), "m.pcm"), "--no-progress")
		want := thousands(n) + " of " + thousands(n+garbage) + " lines could be read as JSON lines or combined log format; 20.0% are malformed, more than --max-malformed 10% allows; the first bad line, " + in + ":5, is \"\\x1b[31mnot a log line\""
		if !errors.Is(err, offline.ErrBadInput) || !strings.Contains(err.Error(), want) {
			t.Errorf("train: %v\nwant the verdict %q", err, want)
		}
	})
	t.Run("train takes it with a higher --max-malformed", func(t *testing.T) {
		t.Parallel()
		run(t, "train", "--in", in, "--out", filepath.Join(t.TempDir(), "m.pcm"), "--no-progress", "--max-malformed", "25")
	})
	t.Run("score refuses it by default, after its summary, and leaves no decisions", func(t *testing.T) {
		t.Parallel()
		decisions := filepath.Join(t.TempDir(), "d.jsonl")
		out, err := execute(t.Context(), "score", "--model", p.path("m.pcm"), "--in", in, "--decisions", decisions)
		if _, serr := os.Stat(decisions); serr == nil {
			t.Errorf("score left %s behind", decisions)
		}
		if !errors.Is(err, offline.ErrBadInput) || !strings.Contains(err.Error(), "more than --max-malformed 10% allows") {
			t.Errorf("score: %v, want a bad-input verdict", err)
		}
		if !strings.Contains(out.stderr, "skipped lines: "+strconv.Itoa(garbage)+" of ") || out.stdout != "" {
			t.Errorf("score printed no summary on stderr before its verdict, or printed to stdout:\nstdout:\n%s\nstderr:\n%s", out.stdout, out.stderr)
		}
	})
	t.Run("score takes it with --max-malformed 100", func(t *testing.T) {
		t.Parallel()
		run(t, "score", "--model", p.path("m.pcm"), "--in", in, "--decisions", filepath.Join(t.TempDir(), "d.jsonl"), "--max-malformed", "100")
	})
	t.Run("a --max-malformed outside 0 to 100 is refused", func(t *testing.T) {
		t.Parallel()
		_, err := execute(t.Context(), "score", "--model", p.path("m.pcm"), "--in", in, "--decisions", "-", "--max-malformed", "150")
		if err == nil || !strings.Contains(err.Error(), "--max-malformed 150 is outside [0,100]") {
			t.Errorf("score --max-malformed 150: %v", err)
		}
	})
}

func TestTrainChecksItsOutputFirst(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// The input is not a log: were --out checked after the run, the
	// verdict on the input would come first.
	bad := filepath.Join(dir, "bad.txt")
	writeFile(t, bad, []byte("not a log\n"))
	tests := []struct {
		name, out, want string
	}{
		{"a missing directory", filepath.Join(dir, "missing", "m.pcm"), "directory " + filepath.Join(dir, "missing") + " does not exist; create it first"},
		{"a directory", dir, "is a directory: name the model file to write"},
	}
	for _, tt := range tests {
		t.Run("--out into "+tt.name+" fails before the run", func(t *testing.T) {
			t.Parallel()
			_, err := execute(t.Context(), "train", "--in", bad, "--out", tt.out, "--no-progress")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("train --out %s: %v, want it to say %q", tt.out, err, tt.want)
			}
		})
	}
}

// thousands writes n with thousands separators, as the verdicts do.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
