package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/portcullis/portcullis/app/blocklistctl"
	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/detector"
	"github.com/portcullis/portcullis/review"
)

// blocklistRun runs a blocklist subcommand on the blocklist.
type blocklistRun func(ctx context.Context, r *redisstore.Store, w io.Writer, args []string) error

// blocklistWith turns a blocklistRun into a RunE on the blocklist c names.
type blocklistWith func(blocklistRun) func(*cobra.Command, []string) error

func newBlocklistCommand() *cobra.Command {
	var c blocklistctl.StoreConfig
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "blocklist",
		Short: "List, explain, add, remove and allowlist blocked clients in the Redis blocklist",
		Long: `blocklist works on the Redis blocklist that portcullis detect writes and
gateways read. Every change is pushed to the gateways' caches at once.

The Redis connection comes from the redis section of a detect config
(--config), or from --redis; a password only from an environment variable or a
file, never from a flag.`,
	}
	pf := cmd.PersistentFlags()
	pf.StringVar(&c.Config, "config", "", "detect YAML config whose redis section to use")
	pf.StringVar(&c.Redis, "redis", "", "Redis host:port (comma-separated for Sentinel or Cluster)")
	pf.StringVar(&c.Prefix, "prefix", "", `key prefix (default "portcullis:")`)
	pf.StringVar(&c.PasswordEnv, "password-env", "", "environment variable holding the Redis password")
	pf.StringVar(&c.PasswordFile, "password-file", "", "file holding the Redis password")
	pf.BoolVar(&asJSON, "json", false, "print JSON: decisions in the shape portcullis score writes")

	var with blocklistWith = func(run blocklistRun) func(*cobra.Command, []string) error {
		return func(cmd *cobra.Command, args []string) error {
			r, err := blocklistctl.Open(c, slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelWarn})))
			if err != nil {
				return err
			}
			defer r.Close()
			ctx, cancel := context.WithTimeout(cmd.Context(), 30*time.Second)
			defer cancel()
			return run(ctx, r, cmd.OutOrStdout(), args)
		}
	}
	cmd.AddCommand(
		&cobra.Command{
			Use: "list", Short: "List active decisions", Args: cobra.NoArgs,
			RunE: with(func(ctx context.Context, r *redisstore.Store, w io.Writer, _ []string) error {
				s, err := r.List(ctx)
				if err != nil {
					return err
				}
				return blocklistctl.WriteList(w, s, asJSON)
			}),
		},
		&cobra.Command{
			Use: "explain CLIENT", Short: "Show the decision about a client with its reasons", Args: cobra.ExactArgs(1),
			RunE: with(func(ctx context.Context, r *redisstore.Store, w io.Writer, args []string) error {
				d, err := r.Get(ctx, args[0])
				if err != nil {
					return err
				}
				if d == nil {
					return fmt.Errorf("%s is not blocked", blocklistctl.EscapeText(args[0]))
				}
				return blocklistctl.WriteExplain(w, d, asJSON)
			}),
		},
		newBlocklistAddCommand(with),
		newBlocklistBreakerCommand(with, &asJSON),
	)
	cmd.AddCommand(newBlocklistReviewCommands(with)...)
	return cmd
}

func newBlocklistAddCommand(with blocklistWith) *cobra.Command {
	var ttl time.Duration
	var reason, action string
	var limit float64
	add := &cobra.Command{
		Use: "add CLIENT", Short: "Block a client by hand (or throttle, challenge or log it)", Args: cobra.ExactArgs(1),
		RunE: with(func(ctx context.Context, r *redisstore.Store, w io.Writer, args []string) error {
			return blocklistctl.Decide(ctx, r, w, review.Manual{Client: args[0], TTL: ttl, Note: reason, Action: action, Limit: limit})
		}),
	}
	add.Flags().StringVar(&action, "action", "block", "what the gateways do: block, throttle (to --limit req/s), challenge (a browser; API requests are throttled) or log (nothing)")
	add.Flags().Float64Var(&limit, "limit", 0, "requests a second a throttle or a challenge allows (default 1)")
	add.Flags().DurationVar(&ttl, "ttl", detector.DefaultTTL, "how long the block lasts")
	add.Flags().StringVar(&reason, "reason", "blocked by an operator", "why, stored with the decision")
	return add
}

// newBlocklistReviewCommands are the subcommands that go through the
// review service, as the review API does: remove, allow and unallow.
func newBlocklistReviewCommands(with blocklistWith) []*cobra.Command {
	var force bool
	allow := &cobra.Command{
		Use: "allow ENTRY", Short: "Allowlist an IP, CIDR prefix, API key or user (unblocks it)", Args: cobra.ExactArgs(1),
		RunE: with(func(ctx context.Context, r *redisstore.Store, w io.Writer, args []string) error {
			return blocklistctl.Allow(ctx, r, w, args[0], force)
		}),
	}
	allow.Flags().BoolVar(&force, "force", false, "take an entry that covers every address (0.0.0.0/0, ::/0), which lifts every block")
	remove := &cobra.Command{
		Use: "remove CLIENT", Short: "Unblock a client", Args: cobra.ExactArgs(1),
		RunE: with(func(ctx context.Context, r *redisstore.Store, w io.Writer, args []string) error {
			return blocklistctl.Unblock(ctx, r, w, args[0])
		}),
	}
	unallow := &cobra.Command{
		Use: "unallow ENTRY", Short: "Remove an allowlist entry", Args: cobra.ExactArgs(1),
		RunE: with(func(ctx context.Context, r *redisstore.Store, w io.Writer, args []string) error {
			return blocklistctl.Unallow(ctx, r, w, args[0])
		}),
	}
	return []*cobra.Command{remove, allow, unallow}
}

func newBlocklistBreakerCommand(with blocklistWith, asJSON *bool) *cobra.Command {
	return &cobra.Command{
		Use: "breaker [reset]", Short: "Show the safety breaker, or reset it", Args: cobra.MaximumNArgs(1),
		RunE: with(func(ctx context.Context, r *redisstore.Store, w io.Writer, args []string) error {
			if len(args) == 1 {
				if args[0] != "reset" {
					return fmt.Errorf("breaker %q: the only action is reset", args[0])
				}
				if err := r.ResetBreaker(ctx); err != nil {
					return err
				}
				fmt.Fprintln(w, "breaker reset")
				return nil
			}
			b, err := r.Breaker(ctx)
			if err != nil {
				return err
			}
			return blocklistctl.WriteBreaker(w, b, *asJSON)
		}),
	}
}
