package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/portcullis/portcullis/app/blocklistctl"
	"github.com/portcullis/portcullis/app/feedback"
	"github.com/portcullis/portcullis/blocklist/redisstore"
)

// storeFlags adds the flags that name the Redis blocklist, as blocklist's.
func storeFlags(f *pflag.FlagSet, c *blocklistctl.StoreConfig) {
	f.StringVar(&c.Config, "config", "", "detect YAML config whose redis section to use")
	f.StringVar(&c.Redis, "redis", "", "Redis host:port (comma-separated for Sentinel or Cluster)")
	f.StringVar(&c.Prefix, "prefix", "", `key prefix (default "portcullis:")`)
	f.StringVar(&c.PasswordEnv, "password-env", "", "environment variable holding the Redis password")
	f.StringVar(&c.PasswordFile, "password-file", "", "file holding the Redis password")
}

// withStore opens the blocklist c names for the length of run.
func withStore(cmd *cobra.Command, c blocklistctl.StoreConfig, run func(ctx context.Context, r *redisstore.Store) error) error {
	r, err := blocklistctl.Open(c, slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return err
	}
	defer r.Close()
	ctx, cancel := context.WithTimeout(cmd.Context(), 2*time.Minute)
	defer cancel()
	return run(ctx, r)
}

func newFeedbackCommand() *cobra.Command {
	var c blocklistctl.StoreConfig
	cmd := &cobra.Command{
		Use:   "feedback",
		Short: "Export operators' verdicts (unblock, allowlist, manual block) as labels",
		Long: `Every unblock, allowlist entry and manual block, from the review API, the
review page or portcullis blocklist, is recorded as a verdict in a Redis
stream beside the blocklist, with the decision it reverses or makes: its
reasons, score, threshold and model id. feedback export writes them as JSON
lines (docs/verdicts.md describes the fields).`,
	}
	storeFlags(cmd.PersistentFlags(), &c)
	var out, since string
	export := &cobra.Command{
		Use:   "export --out FILE",
		Short: "Write the recorded verdicts as JSON lines",
		Example: `  portcullis feedback export --config detect.yaml --out verdicts.jsonl
  portcullis feedback export --redis 127.0.0.1:6379 --since 30d --out -`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			from := time.Time{}
			if since != "" {
				var err error
				if from, err = feedback.ParseSince(since, time.Now()); err != nil {
					return err
				}
			}
			if out == "" {
				return errors.New("--out is required: a file, or - for standard output")
			}
			return withStore(cmd, c, func(ctx context.Context, r *redisstore.Store) error {
				w, done, err := createOut(out, cmd.OutOrStdout())
				if err != nil {
					return err
				}
				n, err := feedback.Export(ctx, r, w, from)
				if err = errors.Join(err, done()); err != nil {
					return err
				}
				if out != "-" {
					fmt.Fprintf(cmd.ErrOrStderr(), "%d verdicts written to %s\n", n, blocklistctl.EscapeText(out))
				}
				return nil
			})
		},
	}
	export.Flags().StringVar(&out, "out", "", "file to write, - for standard output")
	export.Flags().StringVar(&since, "since", "", "only verdicts of this period back from now (7d, 36h) or since an RFC 3339 time; default all")
	cmd.AddCommand(export)
	return cmd
}

// createOut opens the file path for writing, or returns stdout for "-";
// done closes it.
func createOut(path string, stdout io.Writer) (io.Writer, func() error, error) {
	if path == "-" {
		return stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	return f, f.Close, nil
}

func newReportCommand() *cobra.Command {
	var c blocklistctl.StoreConfig
	var since string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Summarize a period's blocks by reason and how often operators reversed them",
		Long: `report reads the blocks the blocklist stored in a period (its decisions
history) and the operators' verdicts, and prints the blocks by action and
reason, the share of the detector's blocks an operator reversed (unblocked
or allowlisted), the median time from a block to its reversal, and the main
reasons of the reversed blocks: where the detector is wrong, and how long
its mistakes stand.`,
		Example: `  portcullis report --config detect.yaml --since 7d
  portcullis report --redis 127.0.0.1:6379 --since 24h --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			now := time.Now()
			from, err := feedback.ParseSince(since, now)
			if err != nil {
				return err
			}
			return withStore(cmd, c, func(ctx context.Context, r *redisstore.Store) error {
				return feedback.Report(ctx, r, cmd.OutOrStdout(), from, now, asJSON)
			})
		},
	}
	storeFlags(cmd.Flags(), &c)
	cmd.Flags().StringVar(&since, "since", "7d", "the period back from now (7d, 36h, 90m) or an RFC 3339 time")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the summary as one JSON object")
	return cmd
}
