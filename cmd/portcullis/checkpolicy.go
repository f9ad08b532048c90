package main

import (
	"github.com/spf13/cobra"

	gatewayapp "github.com/portcullis/portcullis/app/gateway"
)

func newCheckPolicyCommand() *cobra.Command {
	var q gatewayapp.PolicyQuery
	cmd := &cobra.Command{
		Use:   "check-policy --config FILE --method M --path P (--role R... | --token T)",
		Short: "Explain which RBAC rule allows or denies a request",
		Long: `check-policy validates the gateway's RBAC policy against its routes, then says
which route serves the request, and which rule allows or denies it for the
roles given (or read from a token, which is verified first: its JWKS is
fetched). It exits with an error when the request would be refused.`,
		Example: `  portcullis gateway check-policy --config gateway.yaml --method GET --path /api/items/42 --role reader
  portcullis gateway check-policy --config gateway.yaml --method POST --path /api/items --token "$TOKEN"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return gatewayapp.CheckPolicy(cmd.Context(), q, cmd.OutOrStdout())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&q.Config, "config", "", "gateway YAML configuration file")
	fl.StringVar(&q.Method, "method", "GET", "request method")
	fl.StringVar(&q.Path, "path", "/", "request path (a query is ignored)")
	fl.StringSliceVar(&q.Roles, "role", nil, "a role of the client (repeat or comma-separate)")
	fl.StringVar(&q.Token, "token", "", "a JWT whose roles to use, verified against the config's issuers")
	return cmd
}
