package main

import (
	"errors"
	"log/slog"

	"github.com/spf13/cobra"

	enforceapp "github.com/portcullis/portcullis/app/enforce"
)

func newEnforceCommand() *cobra.Command {
	var configPath, listen, grpcListen, admin string
	cmd := &cobra.Command{
		Use:   "enforce --config FILE",
		Short: "Answer nginx, Caddy, Traefik and Envoy: is this client blocked?",
		Long: `enforce is the decision service for proxies you already run. It holds a local
view of the Redis blocklist (a snapshot, then pushed changes, a resync on a
gap) and answers on every request, without waiting on Redis:

  HTTP forward-auth (nginx auth_request, Caddy forward_auth, Traefik
  ForwardAuth, HAProxy) on listen: 200 to allow, 403 (or 429 with
  Retry-After) to refuse, with X-Portcullis-Decision naming the decision.

  Envoy ext_authz v3 over gRPC on grpc_listen, with the same answers.

  A feed of its view on admin (GET /v1/feed: a snapshot, then the changes,
  long-polled), which the nginx Lua check follows to answer in nginx
  (examples/nginx/portcullis-lua-*.conf).

The client is the proxy's X-Forwarded-For (walked from the right past
client.trusted_proxies) or X-Real-IP; the API key and user come from the
configured headers, a key checked by its id (key_ and 8 hex digits of its
SHA-256), as the gateway checks it. Once the view is older than max_staleness, fail_mode
decides: open lets clients without a block through, closed refuses all but
the allowlist.

A challenge decision sends a browser to challenge.url (a 302; 401 for
nginx, whose example turns it into the 302) unless its cookie holds a valid
pass; enforce serves the challenge page and its answer at
/.portcullis/challenge on listen, for the proxy to route there. The key
that signs passes comes from challenge.secret_file or the variable
challenge.secret_env names: give it the gateway's.

It serves /metrics, /healthz and /readyz (ready while the view is fresh) on
admin. Examples for nginx, Caddy and Envoy are in examples/.`,
		Example: `  portcullis enforce --config examples/nginx/enforce.yaml
  portcullis enforce --config enforce.yaml --listen 127.0.0.1:9180 --grpc-listen 127.0.0.1:9182`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if configPath == "" {
				return errors.New("no config: pass a YAML file with --config (see " + enforceapp.Example + ")")
			}
			cfg, err := enforceapp.LoadConfig(configPath)
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("listen") {
				cfg.Listen = listen
			}
			if cmd.Flags().Changed("grpc-listen") {
				cfg.GRPCListen = grpcListen
			}
			if cmd.Flags().Changed("admin") {
				cfg.Admin = admin
			}
			a, err := enforceapp.New(cfg, slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil)))
			if err != nil {
				return err
			}
			return openRun(cmd, a)
		},
	}
	cmd.Flags().StringVar(&configPath, "config", "", "YAML configuration file")
	cmd.Flags().StringVar(&listen, "listen", "", "forward-auth listener, overrides listen")
	cmd.Flags().StringVar(&grpcListen, "grpc-listen", "", "Envoy ext_authz listener, overrides grpc_listen")
	cmd.Flags().StringVar(&admin, "admin", "", "/metrics, /healthz and /readyz listener, overrides admin")
	return cmd
}
