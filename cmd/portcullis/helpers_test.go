package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portcullis/portcullis/backtest"
	"github.com/portcullis/portcullis/internal/buildinfo"
	"github.com/portcullis/portcullis/internal/syncbuf"
	"github.com/portcullis/portcullis/internal/testwait"

	gatewayapp "github.com/portcullis/portcullis/app/gateway"

	detectapp "github.com/portcullis/portcullis/app/detect"
)

// sharedDir holds the recordings and model that many tests read; TestMain
// creates and removes it. Tests write their own outputs to t.TempDir().
var sharedDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "portcullis-cmd-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	sharedDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// output is what one run of the command printed.
type output struct {
	stdout, stderr string
}

// execute runs the root command with args, as main does.
func execute(ctx context.Context, args ...string) (output, error) {
	var stdout, stderr bytes.Buffer
	cmd := newRootCommand(&stdout, &stderr)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(ctx)
	return output{stdout.String(), stderr.String()}, err
}

// run runs the root command with args and fails the test if it fails.
func run(t *testing.T, args ...string) output {
	t.Helper()
	out, err := execute(t.Context(), args...)
	if err != nil {
		t.Fatalf("portcullis %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out.stdout, out.stderr)
	}
	return out
}

// pipeline is a run of the demo at test size: two days of one site, a model
// trained on the first, and the second scored with it.
type pipeline struct {
	dir                            string
	genDay1, genDay2, train, score output
}

func (p *pipeline) path(name string) string { return filepath.Join(p.dir, name) }

// Arguments of the steps of a pipeline, relative to its directory.
var (
	genDay1Args = []string{"gen", "--seed", "1", "--minutes", "4", "--clients", "400", "--out", "day1.jsonl"}
	genDay2Args = []string{"gen", "--seed", "2", "--start", "2026-03-03T09:00:00Z", "--minutes", "4", "--clients", "400",
		"--out", "day2.jsonl", "--labels", "day2.labels.jsonl"}
	trainArgs = []string{"train", "--in", "day1.jsonl", "--out", "m.pcm", "--no-progress"}
	scoreArgs = []string{"score", "--model", "m.pcm", "--in", "day2.jsonl", "--decisions", "d.jsonl", "--labels", "day2.labels.jsonl"}
)

// runPipeline runs the four commands in dir. The file arguments are made
// absolute rather than changing the working directory, so tests can run in
// parallel.
func runPipeline(ctx context.Context, dir string) (*pipeline, error) {
	p := &pipeline{dir: dir}
	steps := []struct {
		args []string
		out  *output
	}{
		{genDay1Args, &p.genDay1},
		{genDay2Args, &p.genDay2},
		{trainArgs, &p.train},
		{scoreArgs, &p.score},
	}
	for _, s := range steps {
		args := inDir(dir, s.args)
		out, err := execute(ctx, args...)
		if err != nil {
			return nil, fmt.Errorf("portcullis %s: %w\nstderr:\n%s", strings.Join(args, " "), err, out.stderr)
		}
		*s.out = out
	}
	return p, nil
}

// inDir returns args with the value of every file flag joined to dir.
func inDir(dir string, args []string) []string {
	out := append([]string(nil), args...)
	for i := 1; i < len(out); i++ {
		switch out[i-1] {
		case "--out", "--labels", "--in", "--model", "--decisions":
			if out[i] != "-" {
				out[i] = filepath.Join(dir, out[i])
			}
		}
	}
	return out
}

var sharedPipeline = sync.OnceValues(func() (*pipeline, error) {
	return runPipeline(context.Background(), sharedDir)
})

// shared returns the pipeline that tests share. They must not write to its
// directory.
func shared(t *testing.T) *pipeline {
	t.Helper()
	p, err := sharedPipeline()
	if err != nil {
		t.Fatalf("shared pipeline: %v", err)
	}
	return p
}

// decisionLine is a line of a decisions file.
type decisionLine struct {
	Client    string    `json:"client"`
	Scope     string    `json:"scope"`
	TS        time.Time `json:"ts"`
	Action    string    `json:"action"`
	Limit     float64   `json:"limit"`
	Score     float64   `json:"score"`
	Threshold float64   `json:"threshold"`
	TTLSec    int64     `json:"ttl_s"`
	Model     string    `json:"model"`
	Reasons   []struct {
		Feature string  `json:"feature"`
		Value   float64 `json:"value"`
		Typical float64 `json:"typical"`
		Limit   float64 `json:"limit"`
	} `json:"reasons"`
	Rule      string `json:"rule"`
	Simulated bool   `json:"simulated"`
}

// The fields of the design's decisions contract.
var (
	decisionFields = []string{"client", "scope", "ts", "action", "score", "threshold", "ttl_s", "model", "reasons"}
	reasonFields   = []string{"feature", "value", "typical"}
)

// parseDecisions parses JSON lines of decisions, failing the test if a line
// lacks a field of the design's contract.
func parseDecisions(t *testing.T, data []byte) []decisionLine {
	t.Helper()
	var out []decisionLine
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(line, &fields); err != nil {
			t.Fatalf("decisions line %d is not a JSON object: %v\n%s", n, err, line)
		}
		for _, f := range decisionFields {
			if _, ok := fields[f]; !ok {
				t.Errorf("decisions line %d has no %q: %s", n, f, line)
			}
		}
		var reasons []map[string]json.RawMessage
		if err := json.Unmarshal(fields["reasons"], &reasons); err != nil {
			t.Fatalf("decisions line %d: reasons is not a list of objects: %v\n%s", n, err, line)
		}
		for _, r := range reasons {
			for _, f := range reasonFields {
				if _, ok := r[f]; !ok {
					t.Errorf("decisions line %d has a reason without %q: %s", n, f, line)
				}
			}
		}
		var d decisionLine
		if err := json.Unmarshal(line, &d); err != nil {
			t.Fatalf("decisions line %d: %v\n%s", n, err, line)
		}
		out = append(out, d)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// readDecisions reads and parses a decisions file.
func readDecisions(t *testing.T, path string) []decisionLine {
	t.Helper()
	return parseDecisions(t, readFile(t, path))
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// readLabels reads a labels file.
func readLabels(t *testing.T, path string) map[string]backtest.Label {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	labels, err := backtest.ReadLabels(f)
	if err != nil {
		t.Fatal(err)
	}
	return labels
}

// clientsOfKind returns the labelled clients of kind.
func clientsOfKind(labels map[string]backtest.Label, kind string) []string {
	var out []string
	for c, l := range labels {
		if l.Kind == kind {
			out = append(out, c)
		}
	}
	return out
}

// countLines returns the number of newline-terminated lines in data.
func countLines(data []byte) int { return bytes.Count(data, []byte("\n")) }

// appObject is what app/detect and app/gateway give a command: Open binds
// the listeners, Run serves until its context ends, Close frees the rest.
type appObject interface {
	Open(ctx context.Context) error
	Run(ctx context.Context) error
	Close() error
}

// runApp opens a and runs it, as the commands do, until cancel is called;
// done then receives the errors of Run and Close, joined.
func runApp(t *testing.T, a appObject) (cancel context.CancelFunc, done <-chan error) {
	t.Helper()
	if err := a.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan error, 1)
	go func() { ch <- errors.Join(a.Run(ctx), a.Close()) }()
	return cancel, ch
}

// runAppUntilTheEnd runs a with runApp until the test ends; then a must
// stop within stopWithin and, unless failOK, without an error.
func runAppUntilTheEnd(t *testing.T, name string, a appObject, stopWithin time.Duration, failOK bool) {
	t.Helper()
	cancel, done := runApp(t, a)
	t.Cleanup(func() {
		cancel()
		if err := testwait.Recv(t, done, stopWithin, name+" to stop at the end of the test"); err != nil && !failOK {
			t.Errorf("%s: %v", name, err)
		}
	})
}

// newApp loads the YAML file cfgFile with load and builds the app object
// of that config with build, not yet open. log may be nil.
func newApp[C, A any](t *testing.T, cfgFile string, log *slog.Logger, load func(string) (C, error), build func(C, *slog.Logger) (A, error)) A {
	t.Helper()
	cfg, err := load(cfgFile)
	if err != nil {
		t.Fatal(err)
	}
	a, err := build(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// newGateway returns the gateway of the YAML file cfgFile, not yet open.
// log may be nil.
func newGateway(t *testing.T, cfgFile string, log *slog.Logger) *gatewayapp.App {
	t.Helper()
	return newApp(t, cfgFile, log, gatewayapp.LoadConfig, gatewayapp.New)
}

// startGateway runs the gateway of the YAML file cfgFile, as "portcullis
// gateway --config cfgFile" does, until the test ends, and returns it once
// its listeners are bound (listen and admin are 127.0.0.1:0 in the tests'
// configs: Addr and AdminAddr say where). The gateway must stop within 30 s
// of the test's end and, unless failOK, without an error. log may be nil.
func startGateway(t *testing.T, cfgFile string, log *slog.Logger, failOK bool) *gatewayapp.App {
	t.Helper()
	a := newGateway(t, cfgFile, log)
	runAppUntilTheEnd(t, "the gateway", a, 30*time.Second, failOK)
	return a
}

// startDetect runs the detector of the YAML file cfgFile, as "portcullis
// detect --config cfgFile" does, until the test ends, and returns it once
// its admin listener is bound (the tests' configs listen on 127.0.0.1:0:
// Addr says where). The detector must stop within 20 s of the test's end,
// without an error. log may be nil.
func startDetect(t *testing.T, cfgFile string, log *slog.Logger) *detectapp.App {
	t.Helper()
	a := newApp(t, cfgFile, log, detectapp.LoadConfig, detectapp.New)
	runAppUntilTheEnd(t, "detect", a, 20*time.Second, false)
	return a
}

// runCommand runs "portcullis args..." until ctx ends, and returns the
// submatches of started in its log (stderr) once a line matches, its log,
// and a channel that receives its exit. The command must log such a line
// within 30 s and not exit before.
func runCommand(t *testing.T, ctx context.Context, started *regexp.Regexp, args ...string) ([]string, *syncbuf.Buffer, <-chan error) {
	t.Helper()
	var logs syncbuf.Buffer
	done := make(chan error, 1)
	go func() {
		cmd := newRootCommand(io.Discard, &logs)
		cmd.SetArgs(args)
		done <- cmd.ExecuteContext(ctx)
	}()
	var m []string
	testwait.Eventually(t, 30*time.Second, args[0]+" to log its start", func() (bool, string) {
		select {
		case err := <-done:
			t.Fatalf("%s stopped before it started: %v\n%s", args[0], err, logs.String())
		default:
		}
		m = started.FindStringSubmatch(logs.String())
		return m != nil, logs.String()
	})
	return m, &logs, done
}

// runDetectCmd runs "portcullis detect --config cfgFile" until ctx ends,
// and returns the address its admin listener bound, read from its start
// line, its log, and a channel that receives its exit.
func runDetectCmd(t *testing.T, ctx context.Context, cfgFile string) (string, *syncbuf.Buffer, <-chan error) {
	t.Helper()
	m, logs, done := runCommand(t, ctx, startedRE, "detect", "--config", cfgFile)
	return m[1], logs, done
}

// assertBuildInfo checks that the /metrics of the admin listener at admin
// exports portcullis_build_info for this binary's build.
func assertBuildInfo(t *testing.T, admin string) {
	t.Helper()
	b := buildinfo.Get()
	want := fmt.Sprintf("portcullis_build_info{built=%q,goversion=%q,revision=%q,version=%q} 1\n", b.Date, b.GoVersion, b.Commit, b.Version)
	if body := httpGet(t, "http://"+admin+"/metrics"); !strings.Contains(body, want) {
		t.Errorf("/metrics on %s does not export %q", admin, want)
	}
}

// startedRE finds the admin address in the detector's "detector started"
// log line.
var startedRE = regexp.MustCompile(`msg="detector started" .*\badmin=(\S+)`)

// startDetectBinary starts "bin detect --config cfgPath" and returns it, a
// channel that receives its exit, and the address its admin listener
// bound (the tests' configs listen on 127.0.0.1:0), which the detector
// logs when it starts. Its log goes to stderr with -v.
func startDetectBinary(t *testing.T, bin, cfgPath string) (*exec.Cmd, <-chan error, string) {
	t.Helper()
	cmd := exec.Command(bin, "detect", "--config", cfgPath)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	exited := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if testing.Verbose() {
				fmt.Fprintln(os.Stderr, sc.Text())
			}
			if m := startedRE.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, stderr)
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() { cmd.Process.Kill() })
	deadline := time.After(testwait.Scale(t, 60*time.Second))
	select {
	case a := <-addr:
		return cmd, exited, a
	case err := <-exited:
		t.Fatalf("the detector exited before it started: %v", err)
	case <-deadline:
		t.Fatal("the detector did not log that it started")
	}
	return nil, nil, ""
}
