package main

import (
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/portcullis/portcullis/trafficgen"

	"github.com/portcullis/portcullis/app/offline"
)

func newGenCommand() *cobra.Command {
	var (
		cfg             trafficgen.Config
		out, labels, at string
	)
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
			if at != "" {
				t, err := time.Parse(time.RFC3339, at)
				if err != nil {
					return fmt.Errorf("--start %q is not an RFC 3339 time such as 2026-03-02T09:00:00Z", at)
				}
				cfg.Start = t
			}
			switch {
			case cfg.Minutes < 1:
				return fmt.Errorf("--minutes is %d; give the length of the recording in minutes, 1 or more", cfg.Minutes)
			case cfg.Clients < 1:
				return fmt.Errorf("--clients is %d; give the number of normal clients, 1 or more", cfg.Clients)
			case cfg.Attacks && (cfg.AttackShare <= 0 || cfg.AttackShare >= 1):
				return fmt.Errorf("--attack-share is %v; give a share between 0 and 1 such as 0.02, or --attacks=false for none", cfg.AttackShare)
			}
			cfg = cfg.WithDefaults()
			if err := cfg.Validate(); err != nil {
				return err
			}
			w, closeOut, err := offline.Create(out, cmd.OutOrStdout())
			if err != nil {
				return err
			}
			var lw io.Writer
			closeLabels := func() error { return nil }
			if labels != "" {
				lw, closeLabels, err = offline.Create(labels, nil)
				if err != nil {
					closeOut()
					return err
				}
			}
			sum, err := trafficgen.Generate(cfg, w, lw)
			if cerr := closeOut(); err == nil {
				err = cerr
			}
			if cerr := closeLabels(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			kinds := make([]string, 0, len(sum.ByKind))
			for k := range sum.ByKind {
				kinds = append(kinds, k)
			}
			sort.Strings(kinds)
			fmt.Fprintf(cmd.ErrOrStderr(), "generated %d events from %d clients (", sum.Events, sum.Clients)
			for i, k := range kinds {
				if i > 0 {
					fmt.Fprint(cmd.ErrOrStderr(), ", ")
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "%s %d", k, sum.ByKind[k])
			}
			fmt.Fprintln(cmd.ErrOrStderr(), ")")
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&out, "out", "-", `file to write the log to ("-" for stdout)`)
	f.StringVar(&labels, "labels", "", "file to write the labels to")
	f.Int64Var(&cfg.Seed, "seed", 1, "seed of the recording: who is active, when, and which attacks")
	f.Int64Var(&cfg.Site, "site", 1, "seed of the site: routes, recurring heavy clients and regular users")
	f.StringVar(&at, "start", "", "event time of the recording's start (RFC 3339; default 2026-03-02T09:00:00Z)")
	f.IntVar(&cfg.Minutes, "minutes", 10, "length of the recording in minutes")
	f.IntVar(&cfg.Clients, "clients", 2000, "number of normal clients")
	f.BoolVar(&cfg.Attacks, "attacks", true, "include attackers")
	f.Float64Var(&cfg.AttackShare, "attack-share", 0.02, "share of clients that are attackers")
	return cmd
}
