package main

import (
	"errors"
	"log/slog"

	"github.com/spf13/cobra"

	gatewayapp "github.com/portcullis/portcullis/app/gateway"
)

func newGatewayCommand() *cobra.Command {
	var configPath string
	cmd := &cobra.Command{
		Use:   "gateway --config FILE",
		Short: "Run the reference gateway: a reverse proxy with the blocklist check in front",
		Long: `gateway proxies requests to the routes' upstreams. In front of every request it
checks a local view of the Redis blocklist (loaded from a snapshot, then kept
current by pushed changes), applies per-client rate limits and request limits,
and produces an access log for every request to Kafka, which the detector
reads: gateway, Kafka, detector, Redis, gateway.

It serves /metrics and /healthz on a separate admin listener.`,
		Example: `  portcullis gateway --config gateway.yaml`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if configPath == "" {
				return errors.New("no config: pass a YAML file with --config (see deploy/gateway.example.yaml)")
			}
			cfg, err := gatewayapp.LoadConfig(configPath)
			if err != nil {
				return err
			}
			a, err := gatewayapp.New(cfg, slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil)))
			if err != nil {
				return err
			}
			return openRun(cmd, a)
		},
	}
	cmd.Flags().StringVar(&configPath, "config", "", "YAML configuration file")
	cmd.AddCommand(newCheckPolicyCommand())
	return cmd
}
