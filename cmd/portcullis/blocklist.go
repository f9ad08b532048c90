package main

import (
	"github.com/spf13/cobra"

	"github.com/portcullis/portcullis/app/blocklistctl"
	"github.com/portcullis/portcullis/detector"
	"github.com/portcullis/portcullis/review"
)

// blocklistTool returns the blocklistctl.Tool a subcommand of blocklist
// runs: t, writing to the command's output.
type blocklistTool func(cmd *cobra.Command) blocklistctl.Tool

func newBlocklistCommand() *cobra.Command {
	var t blocklistctl.Tool
	cmd := &cobra.Command{
		Use:   "blocklist",
		Short: "List, explain, add, remove and allowlist blocked clients in the Redis blocklist",
		Long: `blocklist works on the Redis blocklist that portcullis detect writes and
gateways read. Every change is pushed to the gateways' caches at once.

The Redis connection comes from the redis section of a detect config
(--config), or from --redis; a password only from an environment variable or a
file, never from a flag.`,
	}
	storeFlags(cmd.PersistentFlags(), &t.Store)
	cmd.PersistentFlags().BoolVar(&t.JSON, "json", false, "print JSON: decisions in the shape portcullis score writes")
	tool := func(cmd *cobra.Command) blocklistctl.Tool {
		t.Out, t.Log = cmd.OutOrStdout(), cmd.ErrOrStderr()
		return t
	}
	cmd.AddCommand(
		&cobra.Command{
			Use: "list", Short: "List active decisions", Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error { return tool(cmd).List(cmd.Context()) },
		},
		&cobra.Command{
			Use: "explain CLIENT", Short: "Show the decision about a client with its reasons", Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error { return tool(cmd).Explain(cmd.Context(), args[0]) },
		},
		newBlocklistAddCommand(tool),
		&cobra.Command{
			Use: "breaker [reset]", Short: "Show the safety breaker, or reset it", Args: cobra.MaximumNArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				if len(args) == 0 {
					return tool(cmd).Breaker(cmd.Context())
				}
				return tool(cmd).ResetBreaker(cmd.Context(), args[0])
			},
		},
	)
	cmd.AddCommand(newBlocklistReviewCommands(tool)...)
	return cmd
}

func newBlocklistAddCommand(tool blocklistTool) *cobra.Command {
	var m review.Manual
	add := &cobra.Command{
		Use: "add CLIENT", Short: "Block a client by hand (or throttle, challenge or log it)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m.Client = args[0]
			return tool(cmd).Decide(cmd.Context(), m)
		},
	}
	add.Flags().StringVar(&m.Action, "action", "block", "what the gateways do: block, throttle (to --limit req/s), challenge (a browser; API requests are throttled) or log (nothing)")
	add.Flags().Float64Var(&m.Limit, "limit", 0, "requests a second a throttle or a challenge allows (default 1)")
	add.Flags().DurationVar(&m.TTL, "ttl", detector.DefaultTTL, "how long the block lasts")
	add.Flags().StringVar(&m.Note, "reason", "blocked by an operator", "why, stored with the decision")
	return add
}

// newBlocklistReviewCommands are the subcommands that go through the
// review service, as the review API does: remove, allow and unallow.
func newBlocklistReviewCommands(tool blocklistTool) []*cobra.Command {
	var force bool
	allow := &cobra.Command{
		Use: "allow ENTRY", Short: "Allowlist an IP, CIDR prefix, API key or user (unblocks it)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return tool(cmd).Allow(cmd.Context(), args[0], force) },
	}
	allow.Flags().BoolVar(&force, "force", false, "take an entry that covers every address (0.0.0.0/0, ::/0), which lifts every block")
	remove := &cobra.Command{
		Use: "remove CLIENT", Short: "Unblock a client", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return tool(cmd).Unblock(cmd.Context(), args[0]) },
	}
	unallow := &cobra.Command{
		Use: "unallow ENTRY", Short: "Remove an allowlist entry", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return tool(cmd).Unallow(cmd.Context(), args[0]) },
	}
	return []*cobra.Command{remove, allow, unallow}
}
