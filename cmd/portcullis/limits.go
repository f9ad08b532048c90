package main

import (
	"github.com/spf13/cobra"

	"github.com/portcullis/portcullis/app/offline"
)

func newLimitsCommand() *cobra.Command {
	var c offline.LimitsConfig
	cmd := &cobra.Command{
		Use:   "limits",
		Short: "Print per-endpoint rate limits learned by train, for people or as nginx, Envoy or gateway config",
		Long: `limits prints the rate limits the model recommends for each endpoint
(method and path template) and class of client (anonymous, or keyed by an
API key or a user). Training kept each client's peak requests in 10 s and
60 s windows; a limit is twice the 99th percentile of those peaks over the
endpoint's clients (the highest peak with fewer than 100 clients), so the
busiest normal clients pass and a few attackers in the recording do not set
it. Each limit says how many clients stand behind it; with fewer than 100
it says to start in log mode.

--format text (default) prints a table; gateway writes the reference
gateway's rate_limits section; nginx writes zones for http {} and
locations for server {} (limit_req_dry_run in log mode); envoy writes a
route configuration with a per-route local rate limit per client address
(not enforced in log mode).`,
		Example: `  portcullis limits --model model.json
  portcullis limits --model model.json --format nginx --mode log --upstream http://backend > limits.conf
  portcullis limits --model model.json --format envoy --cluster backend > routes.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return offline.Limits(c, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&c.Model, "model", "", "model file written by portcullis train")
	f.StringVar(&c.Format, "format", "text", "text, gateway, nginx or envoy")
	f.StringVar(&c.Mode, "mode", "log", "log (count would-be refusals, refuse nothing) or enforce")
	f.StringVar(&c.Upstream, "upstream", "http://127.0.0.1:8080", "proxy_pass target of the nginx locations")
	f.StringVar(&c.Cluster, "cluster", "backend", "cluster of the Envoy routes")
	return cmd
}
