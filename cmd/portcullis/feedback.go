package main

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/portcullis/portcullis/app/blocklistctl"
	"github.com/portcullis/portcullis/app/feedback"
)

// storeFlags adds the flags that name the Redis blocklist, as blocklist's.
func storeFlags(f *pflag.FlagSet, c *blocklistctl.StoreConfig) {
	f.StringVar(&c.Config, "config", "", "detect YAML config whose redis section to use")
	f.StringVar(&c.Redis, "redis", "", "Redis host:port (comma-separated for Sentinel or Cluster), or unix:/path/to/redis.sock")
	f.StringVar(&c.Prefix, "prefix", "", `key prefix (default "portcullis:")`)
	f.StringVar(&c.PasswordEnv, "password-env", "", "environment variable holding the Redis password")
	f.StringVar(&c.PasswordFile, "password-file", "", "file holding the Redis password")
}

func newFeedbackCommand() *cobra.Command {
	var c feedback.ExportConfig
	cmd := &cobra.Command{
		Use:   "feedback",
		Short: "Export operators' verdicts (unblock, allowlist, manual block) as labels",
		Long: `Every unblock, allowlist entry and manual block, from the review API, the
review page or portcullis blocklist, is recorded as a verdict in a Redis
stream beside the blocklist, with the decision it reverses or makes: its
reasons, score, threshold and model id. feedback export writes them as JSON
lines (docs/verdicts.md describes the fields).`,
	}
	storeFlags(cmd.PersistentFlags(), &c.Store)
	export := &cobra.Command{
		Use:   "export --out FILE",
		Short: "Write the recorded verdicts as JSON lines",
		Example: `  portcullis feedback export --config detect.yaml --out verdicts.jsonl
  portcullis feedback export --redis 127.0.0.1:6379 --since 30d --out -`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return feedback.RunExport(cmd.Context(), c, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	export.Flags().StringVar(&c.Out, "out", "", "file to write, - for standard output")
	export.Flags().StringVar(&c.Since, "since", "", "only verdicts of this period back from now (7d, 36h) or since an RFC 3339 time; default all")
	cmd.AddCommand(export)
	return cmd
}

func newReportCommand() *cobra.Command {
	var c feedback.ReportConfig
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
			return feedback.RunReport(cmd.Context(), c, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	storeFlags(cmd.Flags(), &c.Store)
	cmd.Flags().StringVar(&c.Since, "since", "7d", "the period back from now (7d, 36h, 90m) or an RFC 3339 time")
	cmd.Flags().BoolVar(&c.JSON, "json", false, "print the summary as one JSON object")
	return cmd
}
