package main

import (
	"github.com/spf13/cobra"

	detectapp "github.com/portcullis/portcullis/app/detect"
	"github.com/portcullis/portcullis/app/offline"
	"github.com/portcullis/portcullis/detector"
)

func newScoreCommand() *cobra.Command {
	var c offline.ScoreConfig
	var policy string
	cmd := &cobra.Command{
		Use:   "score --model MODEL --in FILE --decisions OUT [--labels FILE]",
		Short: "Backtest a model on recorded traffic",
		Long: `score replays a recording through the same pipeline the online detector runs
(features in event time, the model, the policy) and writes one JSON decision per
blocked client, in event-time order. It prints events/s, clients, decisions and
skipped lines; with --labels, recall per attack kind, false positives among
normal clients, the time from each attack's onset to its block, and the attack
and normal clients each action (log, throttle, challenge, block) reached.

Every decision is a block unless --policy names a portcullis detect config
whose policy section sets actions (see docs/actions.md).

The identity (--identity) defaults to the one the model was trained with.`,
		Example: `  portcullis score --model model.pcm --in test.jsonl --decisions decisions.jsonl --labels test.labels.jsonl`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c.ModelIdentity = !cmd.Flags().Changed("identity")
			c.ModelMinEvents = !cmd.Flags().Changed("min-events")
			if policy != "" {
				dc, err := detectapp.LoadConfig(policy)
				if err != nil {
					return err
				}
				c.Policy.Actions, c.Policy.CampaignAction, c.Policy.ThrottleRate = dc.Policy.Actions, dc.Policy.CampaignAction, dc.Policy.ThrottleRate
			}
			return offline.Score(cmd.Context(), c, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	registerInput(cmd, &c.Input)
	f := cmd.Flags()
	f.StringVar(&c.Model, "model", "", "model file written by portcullis train")
	f.StringVar(&c.Decisions, "decisions", "", `file to write decisions to ("-" for stdout)`)
	f.StringVar(&c.Labels, "labels", "", "labels of the recording, to measure recall, false positives and time to detect")
	f.IntVar(&c.Policy.MinEvents, "min-events", 0, "events a client must send before it is judged (default: the model's)")
	f.DurationVar(&c.Policy.TTL, "ttl", detector.DefaultTTL, "how long a block lasts")
	f.StringArrayVar(&c.Policy.Allow, "allow", nil, "never block this IP, CIDR prefix, API key or user (repeatable)")
	f.Float64Var(&c.Threshold, "threshold", 0, "override the model's threshold, a surprise in decimal digits (to explore the trade-off)")
	f.BoolVar(&c.Policy.DryRun, "dry-run", false, "mark decisions as simulated")
	f.StringVar(&policy, "policy", "", "portcullis detect config whose policy actions, campaign_action and throttle_rate choose each decision's action (default: every decision is a block)")
	registerMaxMalformed(cmd, &c.MaxMalformed)
	return cmd
}
