package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/portcullis/portcullis/backtest"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/detector"
	"github.com/portcullis/portcullis/models"
)

func newScoreCommand() *cobra.Command {
	var (
		in                 inputFlags
		modelPath, outPath string
		labelsPath         string
		policy             detector.PolicyConfig
		threshold          float64
		malformed          malformedFlag
	)
	cmd := &cobra.Command{
		Use:   "score --model MODEL --in FILE --decisions OUT [--labels FILE]",
		Short: "Backtest a model on recorded traffic",
		Long: `score replays a recording through the same pipeline the online detector runs
(features in event time, the model, the policy) and writes one JSON decision per
blocked client, in event-time order. It prints events/s, clients, decisions and
skipped lines; with --labels, recall per attack kind, false positives among
normal clients, and the time from each attack's onset to its block.

The identity (--identity) defaults to the one the model was trained with.`,
		Example: `  portcullis score --model model.pcm --in test.jsonl --decisions decisions.jsonl --labels test.labels.jsonl`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if modelPath == "" {
				return fmt.Errorf("no model: pass a file written by portcullis train with --model")
			}
			if outPath == "" {
				return fmt.Errorf("no output: pass the file to write decisions to with --decisions (\"-\" for stdout)")
			}
			if err := malformed.validate(); err != nil {
				return err
			}
			m, err := models.ReadFile(modelPath)
			if err != nil {
				return err
			}
			if threshold != 0 {
				if math.IsNaN(threshold) || threshold <= 0 || threshold > 100 {
					return fmt.Errorf("--threshold %v is outside (0,100]: it is a surprise in decimal digits; the model's is %.2f", threshold, m.Threshold)
				}
				m.Threshold = threshold
			}
			if !cmd.Flags().Changed("identity") && m.Training.Identity != "" {
				in.identity = m.Training.Identity
			}
			srcs, _, id, err := in.sources()
			if err != nil {
				return err
			}
			var labels map[string]backtest.Label
			if labelsPath != "" {
				f, err := os.Open(labelsPath)
				if err != nil {
					return fmt.Errorf("--labels: %w", err)
				}
				labels, err = backtest.ReadLabels(f)
				f.Close()
				if err != nil {
					return err
				}
			}
			if !cmd.Flags().Changed("min-events") && m.Training.MinEvents > 0 {
				policy.MinEvents = m.Training.MinEvents
			}
			cfg := detector.Config{Identity: id, Policy: policy}
			if err := cfg.WithDefaults().Validate(); err != nil {
				return err
			}
			w, closeOut, err := create(outPath, cmd.OutOrStdout())
			if err != nil {
				return err
			}
			enc := json.NewEncoder(w)
			rec := backtest.NewRecorder()
			res, err := detector.Score(cmd.Context(), srcs, cfg, m,
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
			// Summaries go to stderr when decisions go to stdout, and
			// when the input is called bad: then the decisions are
			// removed and the command fails.
			verdict := malformed.check(res.Input, in.format)
			sw := cmd.OutOrStdout()
			if outPath == "-" || verdict != nil {
				sw = cmd.ErrOrStderr()
			}
			printScoreSummary(sw, m, res)
			if verdict != nil {
				if outPath != "-" {
					os.Remove(outPath)
				}
				return verdict
			}
			if labels != nil {
				fmt.Fprintln(sw)
				return rec.Evaluate(labels).Print(sw)
			}
			return nil
		},
	}
	in.register(cmd)
	f := cmd.Flags()
	f.StringVar(&modelPath, "model", "", "model file written by portcullis train")
	f.StringVar(&outPath, "decisions", "", `file to write decisions to ("-" for stdout)`)
	f.StringVar(&labelsPath, "labels", "", "labels of the recording, to measure recall, false positives and time to detect")
	f.IntVar(&policy.MinEvents, "min-events", 0, "events a client must send before it is judged (default: the model's)")
	f.DurationVar(&policy.TTL, "ttl", detector.DefaultTTL, "how long a block lasts")
	f.StringArrayVar(&policy.Allow, "allow", nil, "never block this IP, CIDR prefix, API key or user (repeatable)")
	f.Float64Var(&threshold, "threshold", 0, "override the model's threshold, a surprise in decimal digits (to explore the trade-off)")
	f.BoolVar(&policy.DryRun, "dry-run", false, "mark decisions as simulated")
	malformed.register(cmd)
	return cmd
}

func printScoreSummary(w io.Writer, m *models.Model, r detector.ScoreResult) {
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	fmt.Fprintf(bw, "scored %d events in %s (%.0f events/s) with model %s, threshold %.2f\n",
		r.Input.Parsed, r.Elapsed.Round(time.Millisecond), r.EventsPerSecond(), m.ID, m.Threshold)
	fs := r.Stats.Features
	fmt.Fprintf(bw, "clients: %d seen, %d judgements, %d of them unusual enough to consult the forest\n", fs.Seen, r.Stats.Judged, r.Stats.Scored)
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
