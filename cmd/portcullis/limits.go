package main

import (
	"fmt"
	"regexp"

	"github.com/spf13/cobra"

	"github.com/portcullis/portcullis/limits"
	"github.com/portcullis/portcullis/models"
)

// upstreamName is what --upstream and --cluster accept: a URL or a name,
// without spaces, quotes or semicolons that would end a directive.
var upstreamName = regexp.MustCompile(`^[A-Za-z0-9._:/\[\]-]+$`)

func newLimitsCommand() *cobra.Command {
	var modelPath, format, mode, upstream, cluster string
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
			if modelPath == "" {
				return fmt.Errorf("no model: pass a file written by portcullis train with --model")
			}
			md, err := limits.ParseMode(mode)
			if err != nil {
				return fmt.Errorf("--mode %q: use log (count would-be refusals) or enforce", mode)
			}
			if !upstreamName.MatchString(upstream) {
				return fmt.Errorf("--upstream %q: give a URL such as http://127.0.0.1:8080", upstream)
			}
			if !upstreamName.MatchString(cluster) {
				return fmt.Errorf("--cluster %q: give an Envoy cluster name", cluster)
			}
			m, err := models.ReadFile(modelPath)
			if err != nil {
				return err
			}
			if m.Limits == nil {
				return fmt.Errorf("%s has no learned limits: it was trained by an earlier version; train it again", modelPath)
			}
			ls := m.Limits.Recommend()
			w := cmd.OutOrStdout()
			switch format {
			case "text":
				return limits.WriteText(w, m.Limits, ls)
			case "gateway":
				return limits.WriteGateway(w, ls, md)
			case "nginx":
				return limits.WriteNginx(w, ls, md, upstream)
			case "envoy":
				return limits.WriteEnvoy(w, ls, md, cluster)
			}
			return fmt.Errorf("--format %q: use text, gateway, nginx or envoy", format)
		},
	}
	f := cmd.Flags()
	f.StringVar(&modelPath, "model", "", "model file written by portcullis train")
	f.StringVar(&format, "format", "text", "text, gateway, nginx or envoy")
	f.StringVar(&mode, "mode", "log", "log (count would-be refusals, refuse nothing) or enforce")
	f.StringVar(&upstream, "upstream", "http://127.0.0.1:8080", "proxy_pass target of the nginx locations")
	f.StringVar(&cluster, "cluster", "backend", "cluster of the Envoy routes")
	return cmd
}
