package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/portcullis/portcullis/campaign"
	"github.com/portcullis/portcullis/detector"
	"github.com/portcullis/portcullis/features"
	"github.com/portcullis/portcullis/ingest"
	"github.com/portcullis/portcullis/internal/buildinfo"
	"github.com/portcullis/portcullis/models"
)

// inputFlags are the flags shared by commands that read recordings.
type inputFlags struct {
	in        []string
	format    string
	logFormat string
	fields    string
	identity  string
	lateness  time.Duration
}

func (f *inputFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringArrayVar(&f.in, "in", nil, `recording to read, repeatable ("-" for stdin; .gz is detected)`)
	fl.StringVar(&f.format, "format", "auto", "log format: auto, json (canonical JSON lines), clf (nginx/Apache combined), caddy (Caddy's JSON access log), nginx (with --log-format), envoy (Envoy's default access log), envoy-json (Envoy's JSON log with ingest.EnvoyJSONExample's keys), traefik (Traefik's JSON access log) or json-map (with --json-fields)")
	fl.StringVar(&f.logFormat, "log-format", "", `the nginx log_format string the input was written with, such as '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time'`)
	fl.StringVar(&f.fields, "json-fields", "", `read JSON lines of another shape through this mapping of record field to dotted path, such as 'ts=@timestamp,client_ip=request.remote_ip,method=request.method,path=request.uri,status=status'; or @FILE for a YAML map of the same`)
	fl.StringVar(&f.identity, "identity", "ip", "what names a client: ip, api_key, user or ipv6_64")
	fl.DurationVar(&f.lateness, "lateness", ingest.DefaultLateness, "put records up to this far behind the newest back in event-time order (0 turns re-ordering off)")
}

func (f *inputFlags) sources() ([]detector.Source, []*detector.FileSource, ingest.Identity, error) {
	if len(f.in) == 0 {
		return nil, nil, 0, fmt.Errorf("no input: pass a recording with --in FILE")
	}
	format, err := ingest.ParseFormat(f.format)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("--format: %w", err)
	}
	if f.logFormat != "" {
		if _, err := ingest.NewNginxParser(f.logFormat); err != nil {
			return nil, nil, 0, fmt.Errorf("--log-format: %w", err)
		}
		if format != ingest.FormatAuto && format != ingest.FormatNginx {
			return nil, nil, 0, fmt.Errorf("--log-format is an nginx log_format, but --format is %s; drop --format or set it to nginx", format)
		}
	}
	fields, err := f.fieldMap()
	if err != nil {
		return nil, nil, 0, fmt.Errorf("--json-fields: %w", err)
	}
	if fields != nil {
		if format != ingest.FormatAuto && format != ingest.FormatJSONMap {
			return nil, nil, 0, fmt.Errorf("--json-fields is a JSON field mapping, but --format is %s; drop --format or set it to json-map", format)
		}
		if f.logFormat != "" {
			return nil, nil, 0, fmt.Errorf("--json-fields and --log-format are both given; a recording has one format, so drop one")
		}
	}
	if format == ingest.FormatJSONMap && fields == nil {
		return nil, nil, 0, fmt.Errorf("--format json-map needs --json-fields, such as --json-fields ts=@timestamp,client_ip=remote_ip")
	}
	id, err := ingest.ParseIdentity(f.identity)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("--identity: %w", err)
	}
	reorder := ingest.ReorderConfig{Lateness: f.lateness}
	if err := reorder.Validate(); err != nil {
		return nil, nil, 0, fmt.Errorf("--lateness: %w", err)
	}
	var srcs []detector.Source
	var files []*detector.FileSource
	for _, p := range f.in {
		if p != "-" {
			if _, err := os.Stat(p); err != nil {
				return nil, nil, 0, fmt.Errorf("--in: %w", err)
			}
		}
		fs := &detector.FileSource{Path: p, Reader: ingest.ReaderConfig{Format: format, LogFormat: f.logFormat, JSONFields: fields, Reorder: reorder}}
		srcs = append(srcs, fs)
		files = append(files, fs)
	}
	return srcs, files, id, nil
}

// fieldMap reads --json-fields: field=path pairs, or @FILE naming a YAML
// map. It returns nil when the flag is not given.
func (f *inputFlags) fieldMap() (map[string]string, error) {
	if f.fields == "" {
		return nil, nil
	}
	var m map[string]string
	var err error
	if path, ok := strings.CutPrefix(f.fields, "@"); ok {
		data, rerr := os.ReadFile(path)
		if rerr != nil {
			return nil, rerr
		}
		m, err = ingest.LoadFieldMap(data)
	} else {
		m, err = ingest.ParseFieldMap(f.fields)
	}
	if err != nil {
		return nil, err
	}
	if _, err := ingest.NewFieldMapParser(m); err != nil {
		return nil, err
	}
	return m, nil
}

func newTrainCommand() *cobra.Command {
	var (
		in        inputFlags
		out       string
		cfg       detector.TrainConfig
		noProcess bool
		malformed malformedFlag
	)
	cmd := &cobra.Command{
		Use:   "train --in FILE... --out MODEL",
		Short: "Train a model on recorded traffic",
		Long: `train learns the normal behaviour of clients from one or more recordings and
writes a model file: an isolation forest over per-client features, robust
population statistics, baselines of the clients that recur through the
recordings, and the calibrated tail of every signal: how rare each value is
among the training clients. A judgement's score is its surprise, -log10 of the
share of normal clients that look at least as unusual, and the threshold is
set from --budget, the normal clients per 10,000 it may block. A small share
of attacks in the recording is tolerated.

The recordings are read twice (to sample, then to calibrate); stdin is spooled
to a temporary file.`,
		Example: `  portcullis train --in monday.jsonl.gz --in tuesday.jsonl.gz --out model.pcm`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return fmt.Errorf("no output: pass the model file to write with --out MODEL")
			}
			if err := malformed.validate(); err != nil {
				return err
			}
			srcs, files, id, err := in.sources()
			if err != nil {
				return err
			}
			if err := checkWritable(out); err != nil {
				return err
			}
			cleanup, err := spoolStdin(files)
			if err != nil {
				return err
			}
			defer cleanup()
			cfg.Pipeline.Identity = id
			var total int64
			for _, f := range files {
				total += f.Size()
			}
			stderr := cmd.ErrOrStderr()
			if !noProcess && isTerminal(stderr) && total > 0 {
				cfg.Progress = progressBars(stderr, total)
			}
			start := time.Now()
			m, err := detector.Train(cmd.Context(), srcs, cfg)
			if err != nil {
				if cmd.Context().Err() != nil {
					return err
				}
				// Training fails on too little to learn from; say so
				// plainly when the reason is that the input is not an
				// access log at all.
				if st, serr := scanInputs(files); serr == nil {
					if verr := malformed.check(st, in.format); verr != nil {
						return verr
					}
				}
				return err
			}
			t := m.Training
			st := detector.InputStats{Lines: t.Events + t.Malformed, Parsed: t.Events, Malformed: t.Malformed}
			if malformed.check(st, in.format) != nil {
				if full, serr := scanInputs(files); serr == nil {
					st = full
				}
				return malformed.check(st, in.format)
			}
			m.Training.Build = buildinfo.Get().String()
			if err := m.WriteFile(out); err != nil {
				return err
			}
			printTrainSummary(cmd.OutOrStdout(), m, out, time.Since(start))
			return nil
		},
	}
	in.register(cmd)
	f := cmd.Flags()
	f.StringVar(&out, "out", "", "model file to write")
	f.Float64Var(&cfg.Model.Budget, "budget", 0, "normal clients per 10,000 the threshold may block over a recording like the training one (default 1)")
	f.Float64Var(&cfg.Model.VolumeFactor, "volume-factor", 0, "volume limit as a multiple of the p98 of training clients' peak requests_2m (default 2; below 0 turns the limit off)")
	f.IntVar(&cfg.Pipeline.Policy.MinEvents, "min-events", 0, "events a client must send before it is judged (default 4)")
	f.IntVar(&cfg.Model.Forest.Trees, "trees", 0, "trees in the forest (default 100)")
	f.IntVar(&cfg.Model.Forest.SampleSize, "sample-size", 0, "rows per tree, ψ (default 256)")
	f.Uint64Var(&cfg.Seed, "seed", 1, "seed; training is deterministic for a seed")
	f.BoolVar(&noProcess, "no-progress", false, "do not draw a progress bar")
	malformed.register(cmd)
	return cmd
}

// progressBars returns a training progress callback that draws one bar a
// pass on w. Each bar starts its clock when its pass starts (the first at
// once, the second when the first ends), and its first frame shows 0 bytes,
// so the rate it shows is bytes over time actually spent, never the first
// batch over the microseconds since the bar was made.
func progressBars(w io.Writer, total int64) func(pass int, n int64) {
	var bars [3]*progressbar.ProgressBar
	start := func(pass int) {
		bars[pass] = progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(fmt.Sprintf("pass %d/2 %s", pass, [3]string{"", "sampling   ", "calibrating"}[pass])),
			progressbar.OptionShowBytes(true),
			progressbar.OptionThrottle(progressThrottle),
			progressbar.OptionClearOnFinish())
		bars[pass].RenderBlank()
	}
	start(1)
	return func(pass int, n int64) {
		if pass < 1 || pass > 2 {
			return
		}
		b := bars[pass]
		if b == nil {
			start(pass)
			b = bars[pass]
		}
		b.Set64(min(n, total))
		if n >= total && !b.IsFinished() {
			b.Finish()
			if pass == 1 {
				start(2)
			}
		}
	}
}

// progressThrottle is the least time between two frames of a progress bar.
const progressThrottle = 100 * time.Millisecond

// checkWritable fails unless a file can be created at path: its directory
// exists and is writable, and path is not a directory. Commands that run
// for minutes check their output first, not after the work.
func checkWritable(path string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("--out %s is a directory: name the model file to write, e.g. %s", path, filepath.Join(path, "model.pcm"))
	}
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("--out %s: directory %s does not exist; create it first (mkdir -p %s)", path, dir, dir)
	case err != nil:
		return fmt.Errorf("--out %s: %w", path, err)
	case !fi.IsDir():
		return fmt.Errorf("--out %s: %s is not a directory", path, dir)
	}
	f, err := os.CreateTemp(dir, ".portcullis-write-check-*")
	if err != nil {
		return fmt.Errorf("--out %s: cannot write in %s: %w", path, dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

func printTrainSummary(w io.Writer, m *models.Model, path string, took time.Duration) {
	t, c := m.Training, m.Calibration
	fmt.Fprintf(w, "model %s written to %s in %s\n", m.ID, path, took.Round(time.Millisecond))
	fmt.Fprintf(w, "trained on %d events (%d malformed lines skipped) from %d clients, %s to %s\n",
		t.Events, t.Malformed, t.Clients, t.From.Format(time.RFC3339), t.To.Format(time.RFC3339))
	if t.Late > 0 {
		fmt.Fprintf(w, "late records: %d (applied as they came)\n", t.Late)
	}
	fmt.Fprintf(w, "forest: %d samples from judged clients; identity %s; min events %d\n", t.Samples, t.Identity, t.MinEvents)
	fmt.Fprintf(w, "baselines: population over %d features; %d recurring clients judged against their own history", len(m.Specs), t.Identities)
	if t.KeyIdentities > 0 {
		fmt.Fprintf(w, ", and %d recurring API keys for their clients at new addresses", t.KeyIdentities)
	}
	fmt.Fprintln(w)
	if t.IdentitiesWithheld > 0 {
		fmt.Fprintf(w, "  %d recurring clients or keys got no baseline of their own: their history shows guessing (failed logins, missing paths, payloads), which a baseline would excuse\n", t.IdentitiesWithheld)
	}
	fmt.Fprintf(w, "calibration: threshold %.2f: a budget of %g normal clients blocked per 10,000, spread over %d signals worth %.1f independent ones on this recording\n",
		m.Threshold, c.Budget, c.Signals, c.Effective)
	share := 0.0
	if c.Clients > 0 {
		share = 100 * float64(c.AboveThreshold) / float64(c.Clients)
	}
	fmt.Fprintf(w, "  %d clients judged; their highest surprise p50 %.2f, p90 %.2f, p99 %.2f\n", c.Clients, c.Q50, c.Q90, c.Q99)
	fmt.Fprintf(w, "  %d training clients (%.2f%%) reach the threshold: attacks in the recording, or the budget's normal clients", c.AboveThreshold, share)
	if len(c.BySignal) > 0 {
		names := make([]string, 0, len(c.BySignal))
		for n := range c.BySignal {
			names = append(names, n)
		}
		slices.Sort(names)
		parts := make([]string, 0, len(names))
		for _, n := range names {
			parts = append(parts, fmt.Sprintf("%s %d", n, c.BySignal[n]))
		}
		fmt.Fprintf(w, " (by their most surprising signal: %s)", strings.Join(parts, ", "))
	}
	fmt.Fprintln(w)
	rate := m.Tails[features.Rate]
	fmt.Fprintf(w, "  for example rate: 1 training client in 100 reaches %.3g req/s, 1 in 10,000 would reach %.3g\n",
		math.Expm1(rate.Value(2)), math.Expm1(rate.Value(4)))
	if v := m.Volume; v.Requests > 0 {
		fmt.Fprintf(w, "volume limit: %.0f requests in ~2 min for unknown clients without an API key on a few URLs (%.0f× the p%g of %d clients' peaks, %.0f); %d training clients reach it\n",
			v.Requests, v.Factor, 100*v.Quantile, v.Clients, v.Peak, v.Over)
	} else {
		fmt.Fprintf(w, "volume limit: off (%d clients to calibrate it on, %d needed, or turned off)\n", v.Clients, 200)
	}
	printCampaignNorms(w, m.Campaigns)
}

// printCampaignNorms says what training learned of each endpoint's usual
// minute, against which campaigns over many addresses are found.
func printCampaignNorms(w io.Writer, n *campaign.Norms) {
	if n == nil || len(n.Endpoints) == 0 {
		fmt.Fprintln(w, "campaigns: off (no endpoint norms learned)")
		return
	}
	fmt.Fprintf(w, "campaigns: usual minute of %d endpoints over %d minutes; an endpoint departs at %g× its limit of failing or repeating addresses (times the crowd factor)\n",
		len(n.Endpoints), n.Minutes, float64(campaign.DefaultFactor))
	fmt.Fprintf(w, "  %-40s %10s %10s %12s %12s\n", "busiest endpoints", "requests", "failures", "failing addr", "repeating")
	for _, e := range n.Endpoints[:min(len(n.Endpoints), 8)] {
		fmt.Fprintf(w, "  %-40s %10.0f %10.0f %12.1f %12.1f\n", printable(e.Endpoint), e.Requests.Q50, e.Failures.Q50, e.FailAddrs.Limit, e.Repeaters.Limit)
	}
	fmt.Fprintln(w, "  (requests and failures: median a minute; failing and repeating addresses: the limit a minute)")
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// spoolStdin copies stdin to a temporary file when a source reads it,
// because training reads its inputs twice.
func spoolStdin(files []*detector.FileSource) (func(), error) {
	for _, f := range files {
		if f.Path != "-" {
			continue
		}
		tmp, err := os.CreateTemp("", "portcullis-stdin-*")
		if err != nil {
			return func() {}, fmt.Errorf("spool stdin: %w", err)
		}
		if _, err := io.Copy(tmp, os.Stdin); err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			return func() {}, fmt.Errorf("spool stdin: %w", err)
		}
		tmp.Close()
		f.Path = tmp.Name()
		return func() { os.Remove(tmp.Name()) }, nil
	}
	return func() {}, nil
}
