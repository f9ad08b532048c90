package main

import (
	"github.com/spf13/cobra"

	"github.com/portcullis/portcullis/app/offline"
	"github.com/portcullis/portcullis/ingest"
)

// registerInput adds the flags of commands that read recordings.
func registerInput(cmd *cobra.Command, f *offline.Input) {
	fl := cmd.Flags()
	fl.StringArrayVar(&f.In, "in", nil, `recording to read, repeatable ("-" for stdin; .gz is detected)`)
	fl.StringVar(&f.Format, "format", "auto", "log format: auto, json (canonical JSON lines), clf (nginx/Apache combined), caddy (Caddy's JSON access log), nginx (with --log-format), envoy (Envoy's default access log), envoy-json (Envoy's JSON log with ingest.EnvoyJSONExample's keys), traefik (Traefik's JSON access log) or json-map (with --json-fields)")
	fl.StringVar(&f.LogFormat, "log-format", "", `the nginx log_format string the input was written with, such as '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time'`)
	fl.StringVar(&f.Fields, "json-fields", "", `read JSON lines of another shape through this mapping of record field to dotted path, such as 'ts=@timestamp,client_ip=request.remote_ip,method=request.method,path=request.uri,status=status'; or @FILE for a YAML map of the same`)
	fl.StringVar(&f.Identity, "identity", "ip", "what names a client: ip, api_key, user or ipv6_64")
	fl.DurationVar(&f.Lateness, "lateness", ingest.DefaultLateness, "put records up to this far behind the newest back in event-time order (0 turns re-ordering off)")
}

func newTrainCommand() *cobra.Command {
	var c offline.TrainConfig
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
			return offline.Train(cmd.Context(), c, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	registerInput(cmd, &c.Input)
	f := cmd.Flags()
	f.StringVar(&c.Out, "out", "", "model file to write")
	f.Float64Var(&c.Train.Model.Budget, "budget", 0, "normal clients per 10,000 the threshold may block over a recording like the training one (default 1)")
	f.Float64Var(&c.Train.Model.VolumeFactor, "volume-factor", 0, "volume limit as a multiple of the p98 of training clients' peak requests_2m (default 2; below 0 turns the limit off)")
	f.IntVar(&c.Train.Pipeline.Policy.MinEvents, "min-events", 0, "events a client must send before it is judged (default 4)")
	f.IntVar(&c.Train.Model.Forest.Trees, "trees", 0, "trees in the forest (default 100)")
	f.IntVar(&c.Train.Model.Forest.SampleSize, "sample-size", 0, "rows per tree, ψ (default 256)")
	f.Uint64Var(&c.Train.Seed, "seed", 1, "seed; training is deterministic for a seed")
	f.StringArrayVar(&c.Feedback, "feedback", nil, "operators' verdicts (portcullis feedback export), repeatable: clients they cleared after a block are kept under the threshold")
	f.BoolVar(&c.NoProgress, "no-progress", false, "do not draw a progress bar")
	registerMaxMalformed(cmd, &c.MaxMalformed)
	return cmd
}

// registerMaxMalformed adds --max-malformed.
func registerMaxMalformed(cmd *cobra.Command, m *offline.MaxMalformed) {
	*m = offline.DefaultMaxMalformed
	cmd.Flags().Float64Var((*float64)(m), "max-malformed", offline.DefaultMaxMalformed,
		"fail when more than this percentage of the input's non-empty lines cannot be read (100 never fails on malformed lines)")
}
