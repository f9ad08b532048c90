package offline

import (
	"context"
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
	"golang.org/x/term"

	"github.com/portcullis/portcullis/campaign"
	"github.com/portcullis/portcullis/detector"
	"github.com/portcullis/portcullis/features"
	"github.com/portcullis/portcullis/internal/buildinfo"
	"github.com/portcullis/portcullis/models"
)

// TrainConfig is what "portcullis train" is asked to do.
type TrainConfig struct {
	Input Input
	// Out is the model file to write.
	Out   string
	Train detector.TrainConfig
	// Feedback are files of operators' verdicts (portcullis feedback
	// export): the clients they cleared are normal by their word.
	Feedback []string
	// NoProgress turns off the progress bar drawn on a terminal.
	NoProgress   bool
	MaxMalformed MaxMalformed
}

// Train trains a model on c's recordings, writes it to c.Out and prints
// what it learned to stdout; progress goes to stderr when it is a
// terminal.
func Train(ctx context.Context, c TrainConfig, stdout, stderr io.Writer) error {
	if c.Out == "" {
		return fmt.Errorf("no output: pass the model file to write with --out MODEL")
	}
	if err := c.MaxMalformed.Validate(); err != nil {
		return err
	}
	srcs, files, id, err := c.Input.Sources()
	if err != nil {
		return err
	}
	if err := checkWritable(c.Out); err != nil {
		return err
	}
	cleanup, err := spoolStdin(files)
	if err != nil {
		return err
	}
	defer cleanup()
	cfg := c.Train
	cfg.Pipeline.Identity = id
	var cleared Cleared
	if len(c.Feedback) > 0 {
		if cleared, err = readFeedback(c.Feedback, id.String()); err != nil {
			return err
		}
		cfg.Cleared = cleared.Clients
	}
	var total int64
	for _, f := range files {
		total += f.Size()
	}
	if !c.NoProgress && isTerminal(stderr) && total > 0 {
		cfg.Progress = progressBars(stderr, total)
	}
	start := time.Now()
	m, err := detector.Train(ctx, srcs, cfg)
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		// Training fails on too little to learn from; say so plainly
		// when the reason is that the input is not an access log at all.
		if st, serr := scanInputs(files); serr == nil {
			if verr := c.MaxMalformed.check(st, c.Input.Format); verr != nil {
				return verr
			}
		}
		return err
	}
	t := m.Training
	st := detector.InputStats{Lines: t.Events + t.Malformed, Parsed: t.Events, Malformed: t.Malformed}
	if c.MaxMalformed.check(st, c.Input.Format) != nil {
		if full, serr := scanInputs(files); serr == nil {
			st = full
		}
		return c.MaxMalformed.check(st, c.Input.Format)
	}
	m.Training.Build = buildinfo.Get().String()
	if err := m.WriteFile(c.Out); err != nil {
		return err
	}
	printTrainSummary(stdout, m, c.Out, time.Since(start))
	if len(c.Feedback) > 0 {
		printFeedback(stdout, m, cleared)
	}
	return nil
}

// printFeedback says what operators' verdicts changed.
func printFeedback(w io.Writer, m *models.Model, c Cleared) {
	fmt.Fprintf(w, "feedback: %d verdicts, %d operator-cleared clients", c.Verdicts, len(c.Clients))
	if c.OtherScope > 0 {
		fmt.Fprintf(w, " (and %d of another scope than the identity %s, left out)", c.OtherScope, m.Training.Identity)
	}
	f := m.Calibration.Feedback
	if f == nil {
		fmt.Fprintln(w)
		return
	}
	fmt.Fprintf(w, " (%d of them judged in this recording, the others by the reasons of their lifted decisions): the threshold reached %d of them and now reaches %d", f.Found, f.BlockedBefore, f.BlockedAfter)
	if len(f.Refitted) > 0 {
		fmt.Fprintf(w, "; tails re-fitted: %s", strings.Join(f.Refitted, ", "))
	}
	if f.VolumeRaised {
		fmt.Fprintf(w, "; volume limit raised to %.0f", m.Volume.Requests)
	}
	fmt.Fprintln(w)
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
	if t.CampaignMembers > 0 {
		fmt.Fprintf(w, "  %d training clients were members of campaigns in the recording; they are left out of the tails of refused requests (auth_fail_ratio, refused_2m, refused_10m, refused_paths), which they would make ordinary\n", t.CampaignMembers)
	}
	if n := len(m.SharedKeys); n > 0 {
		fmt.Fprintf(w, "  %d API keys came from more than %d addresses each: an application's own key, built into every install; requests with one are judged as if they carried no key\n", n, models.SharedKeyClients)
	}
	if eps := m.MarkerEndpoints; len(eps) > 0 {
		fmt.Fprintf(w, "  payload fragments are ordinary on %d endpoints (%s: %d clients sent them); one sent there weighs only as rare as it is there\n", len(eps), eps[0].Endpoint, eps[0].Clients)
	}
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
		busiest, _ := m.Highest(features.Volume)
		fmt.Fprintf(w, "volume limit: %.0f requests in ~2 min for unknown clients without an API key or a user agent naming their service, on a few URLs, or on any past the busiest training client's %.0f (%.0f× the p%g of %d clients' peaks, %.0f); %d training clients reach it\n",
			v.Requests, busiest, v.Factor, 100*v.Quantile, v.Clients, v.Peak, v.Over)
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
