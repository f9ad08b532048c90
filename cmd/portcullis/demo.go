package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/portcullis/portcullis/app/demo"
)

func newDemoCommand() *cobra.Command {
	var c demo.Config
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole system on this machine: Kafka, Redis, detector, gateway and traffic",
		Long: `demo starts an embedded Kafka broker and an embedded Redis (or uses --redis),
trains a model on a generated day of normal traffic, starts the
detector and the gateway in front of a small upstream, and replays the next
generated day through the gateway over HTTP, in real time. It then prints who
was blocked, why, how soon after the onset of their attack, and how many
legitimate requests were refused.

Point the same binaries at a real Kafka and Redis with "portcullis detect" and
"portcullis gateway" and their configs.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return demo.Run(cmd.Context(), c, cmd.OutOrStdout())
		},
	}
	cmd.Flags().IntVar(&c.Clients, "clients", 300, "normal clients in the replayed traffic")
	cmd.Flags().DurationVar(&c.Replay, "replay", 105*time.Second, "how much traffic to replay, in real time")
	cmd.Flags().StringVar(&c.Redis, "redis", "", "host:port of a Redis to use instead of the embedded one")
	return cmd
}
