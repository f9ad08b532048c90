package main

import (
	"github.com/spf13/cobra"

	"github.com/portcullis/portcullis/app/offline"
)

func newGenCommand() *cobra.Command {
	var c offline.GenConfig
	cmd := &cobra.Command{
		Use:   "gen --out FILE [--labels FILE]",
		Short: "Generate synthetic labeled gateway traffic",
		Long: `gen writes a deterministic synthetic access log in the canonical JSON lines
format: a population of browsers, mobile clients and legitimate heavy hitters,
and, unless --attacks=false, attackers of eight kinds. With --labels it also
writes what each client is, for "portcullis score --labels".

Two recordings of the same --site with different --seed look like two days of
the same service: the same routes and recurring heavy clients, other attackers.`,
		Example: `  portcullis gen --out train.jsonl --seed 1
  portcullis gen --out test.jsonl --labels test.labels.jsonl --seed 2 --start 2026-03-03T09:00:00Z`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return offline.Gen(c, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&c.Out, "out", "-", `file to write the log to ("-" for stdout)`)
	f.StringVar(&c.Labels, "labels", "", "file to write the labels to")
	f.Int64Var(&c.Traffic.Seed, "seed", 1, "seed of the recording: who is active, when, and which attacks")
	f.Int64Var(&c.Traffic.Site, "site", 1, "seed of the site: routes, recurring heavy clients and regular users")
	f.StringVar(&c.Start, "start", "", "event time of the recording's start (RFC 3339; default 2026-03-02T09:00:00Z)")
	f.IntVar(&c.Traffic.Minutes, "minutes", 10, "length of the recording in minutes")
	f.IntVar(&c.Traffic.Clients, "clients", 2000, "number of normal clients")
	f.BoolVar(&c.Traffic.Attacks, "attacks", true, "include attackers")
	f.Float64Var(&c.Traffic.AttackShare, "attack-share", 0.02, "share of clients that are attackers")
	return cmd
}
