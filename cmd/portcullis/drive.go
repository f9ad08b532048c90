package main

import (
	"github.com/spf13/cobra"

	"github.com/portcullis/portcullis/httpreplay"
)

// newDriveCommand drives a running gateway with generated traffic, for the
// docker compose stack and for tests.
func newDriveCommand() *cobra.Command {
	var c httpreplay.DriveConfig
	cmd := &cobra.Command{
		Use:   "drive --gateway URL",
		Short: "Send generated traffic, normal and attacks, through a gateway in real time",
		Long: `drive generates --minutes of traffic of one site (as "portcullis gen" does),
starting now, and sends every request through the gateway over HTTP at the
moment it was generated for, with the client's address in X-Forwarded-For (the
gateway must trust the driver as a proxy). It then starts again with the next
seed, for --rounds rounds (0: until stopped). After each round it prints how
many requests the gateway refused, from attackers and from normal clients.

The recorded status and response size go in X-Demo-Status and
X-Demo-Resp-Bytes, which "portcullis upstream --echo" answers with.`,
		Example: `  portcullis drive --gateway http://gateway:8080 --clients 300 --minutes 10`,
		Hidden:  true,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := c.Validate(); err != nil {
				return err
			}
			err := httpreplay.Drive(cmd.Context(), cmd.OutOrStdout(), c)
			if cmd.Context().Err() != nil {
				return nil
			}
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&c.Gateway, "gateway", "", "base URL of the gateway's data listener")
	fl.Int64Var(&c.Site, "site", 1, "site of the traffic (the model must be trained on the same site)")
	fl.Int64Var(&c.Seed, "seed", 100, "seed of the first round; each round uses the next")
	fl.IntVar(&c.Clients, "clients", 300, "normal clients per round")
	fl.IntVar(&c.Minutes, "minutes", 10, "length of a round in minutes")
	fl.IntVar(&c.Rounds, "rounds", 0, "rounds to run; 0 runs until stopped")
	fl.IntVar(&c.Workers, "workers", 64, "requests in flight at most")
	fl.Float64Var(&c.AttackShare, "attack-share", 0.03, "share of clients that are attackers")
	fl.StringVar(&c.APIKeyHeader, "api-key-header", "X-API-Key", "header carrying a recorded API key (as the gateway's api_key_header)")
	fl.StringVar(&c.UserHeader, "user-header", "X-User", "header carrying a recorded user (as the gateway's user_header)")
	return cmd
}
