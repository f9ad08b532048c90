package main

import (
	"github.com/spf13/cobra"

	"github.com/portcullis/portcullis/app/offline"
)

func newReplayCommand() *cobra.Command {
	var c offline.ReplayConfig
	cmd := &cobra.Command{
		Use:   "replay --in FILE --brokers HOST:PORT --topic TOPIC",
		Short: "Produce a recording into Kafka, keyed by client identity",
		Long: `replay reads a recording (JSON lines or combined log format, plain or gzip)
and produces one canonical JSON message per request to a Kafka topic, keyed by
the client identity so one partition holds all of a client's events. It goes at
full speed, or at --speed N times real time following the log's timestamps.`,
		Example: `  portcullis replay --in day2.jsonl --brokers localhost:9092 --topic access-logs --speed 10`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return offline.Replay(cmd.Context(), c, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	registerInput(cmd, &c.Input)
	f := cmd.Flags()
	f.StringVar(&c.Brokers, "brokers", "", "Kafka brokers, comma-separated")
	f.StringVar(&c.Topic, "topic", "", "topic to produce to")
	f.Float64Var(&c.Speed, "speed", 0, "times real time, following the log's timestamps (0 = full speed)")
	f.IntVar(&c.Batch, "batch", 1000, "messages per produce call")
	return cmd
}
