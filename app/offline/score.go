package offline

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/portcullis/portcullis/backtest"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/detector"
	"github.com/portcullis/portcullis/models"
)

// ScoreConfig is what "portcullis score" is asked to do.
type ScoreConfig struct {
	Input Input
	// Model is the model file; Decisions the file to write decisions to
	// ("-" for stdout); Labels, when set, the labels of the recording.
	Model, Decisions, Labels string
	Policy                   detector.PolicyConfig
	// Threshold, when not 0, replaces the model's.
	Threshold float64
	// ModelIdentity and ModelMinEvents take the identity and the minimum
	// events from the model, over Input.Identity and Policy.MinEvents.
	ModelIdentity, ModelMinEvents bool
	MaxMalformed                  MaxMalformed
}

// Score runs c's recordings through the pipeline with the model, writes
// the decisions, and prints a summary: to stdout, or to stderr when the
// decisions go to stdout or the input is called bad.
func Score(ctx context.Context, c ScoreConfig, stdout, stderr io.Writer) error {
	m, srcs, cfg, labels, err := c.open()
	if err != nil {
		return err
	}
	w, closeOut, err := Create(c.Decisions, stdout)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	rec := backtest.NewRecorder()
	res, err := detector.Score(ctx, srcs, cfg, m,
		func(d *decision.Decision) error {
			rec.Add(d)
			return enc.Encode(d)
		})
	if cerr := closeOut(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	// Summaries go to stderr when decisions go to stdout, and when the
	// input is called bad: then the decisions are removed and the command
	// fails.
	verdict := c.MaxMalformed.check(res.Input, c.Input.Format)
	sw := stdout
	if c.Decisions == "-" || verdict != nil {
		sw = stderr
	}
	printScoreSummary(sw, m, res)
	if verdict != nil {
		if c.Decisions != "-" {
			os.Remove(c.Decisions)
		}
		return verdict
	}
	if labels != nil {
		fmt.Fprintln(sw)
		return rec.Evaluate(labels).Print(sw)
	}
	return nil
}

// open checks c and reads the model, the sources and the labels.
func (c ScoreConfig) open() (*models.Model, []detector.Source, detector.Config, map[string]backtest.Label, error) {
	var cfg detector.Config
	if c.Model == "" {
		return nil, nil, cfg, nil, fmt.Errorf("no model: pass a file written by portcullis train with --model")
	}
	if c.Decisions == "" {
		return nil, nil, cfg, nil, fmt.Errorf("no output: pass the file to write decisions to with --decisions (\"-\" for stdout)")
	}
	if err := c.MaxMalformed.Validate(); err != nil {
		return nil, nil, cfg, nil, err
	}
	m, err := models.ReadFile(c.Model)
	if err != nil {
		return nil, nil, cfg, nil, err
	}
	if c.Threshold != 0 {
		if math.IsNaN(c.Threshold) || c.Threshold <= 0 || c.Threshold > 100 {
			return nil, nil, cfg, nil, fmt.Errorf("--threshold %v is outside (0,100]: it is a surprise in decimal digits; the model's is %.2f", c.Threshold, m.Threshold)
		}
		m.Threshold = c.Threshold
	}
	if c.ModelIdentity && m.Training.Identity != "" {
		c.Input.Identity = m.Training.Identity
	}
	srcs, _, id, err := c.Input.Sources()
	if err != nil {
		return nil, nil, cfg, nil, err
	}
	labels, err := readLabels(c.Labels)
	if err != nil {
		return nil, nil, cfg, nil, err
	}
	if c.ModelMinEvents && m.Training.MinEvents > 0 {
		c.Policy.MinEvents = m.Training.MinEvents
	}
	cfg = detector.Config{Identity: id, Policy: c.Policy}
	if err := cfg.WithDefaults().Validate(); err != nil {
		return nil, nil, cfg, nil, err
	}
	return m, srcs, cfg, labels, nil
}

// readLabels reads the labels file at path; nil when path is empty.
func readLabels(path string) (map[string]backtest.Label, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--labels: %w", err)
	}
	defer f.Close()
	return backtest.ReadLabels(f)
}

func printScoreSummary(w io.Writer, m *models.Model, r detector.ScoreResult) {
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	fmt.Fprintf(bw, "scored %d events in %s (%.0f events/s) with model %s, threshold %.2f\n",
		r.Input.Parsed, r.Elapsed.Round(time.Millisecond), r.EventsPerSecond(), m.ID, m.Threshold)
	fs := r.Stats.Features
	fmt.Fprintf(bw, "clients: %d seen, %d judgements (%d early), %d of them unusual enough to consult the forest\n", fs.Seen, r.Stats.Judged, r.Stats.Early, r.Stats.Scored)
	verb := "blocked"
	if r.Stats.Decisions > 0 && r.Simulated {
		verb = "would have blocked"
	}
	share := 0.0
	if r.Stats.Events > 0 {
		share = 100 * float64(r.Stats.Blocked) / float64(r.Stats.Events)
	}
	fmt.Fprintf(bw, "decisions: %d; %s %d clients and %d requests (%.2f%% of requests) while their blocks lasted\n",
		r.Stats.Decisions, verb, r.Clients, r.Stats.Blocked, share)
	if len(r.Campaigns) > 0 {
		fmt.Fprintf(bw, "campaigns: %d\n", len(r.Campaigns))
		for _, c := range r.Campaigns {
			fmt.Fprintf(bw, "  %s  %s  %d members  first seen %s, confirmed %s\n", printable(c.ID), printable(c.Endpoint), c.Members,
				c.FirstSeen.Format(time.RFC3339), c.Confirmed.Format("15:04:05"))
		}
	}
	fmt.Fprintf(bw, "skipped lines: %d of %d", r.Input.Malformed, r.Input.Lines)
	if len(r.Input.FirstMalformed) > 0 {
		fmt.Fprintf(bw, " (first at %s)", strings.Join(r.Input.FirstMalformed, ", "))
	}
	fmt.Fprintln(bw)
	if r.Input.Late > 0 {
		fmt.Fprintf(bw, "late records: %d (applied as they came)\n", r.Input.Late)
	}
}

// Create opens path for writing, "-" meaning stdout; the returned function
// flushes and closes it.
func Create(path string, stdout io.Writer) (io.Writer, func() error, error) {
	if path == "-" && stdout != nil {
		bw := bufio.NewWriterSize(stdout, 1<<16)
		return bw, bw.Flush, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, fmt.Errorf("create output: %w", err)
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	return bw, func() error {
		if err := bw.Flush(); err != nil {
			f.Close()
			return fmt.Errorf("write %s: %w", path, err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		return nil
	}, nil
}
