package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/portcullis/portcullis/gateway/auth"

	gatewayapp "github.com/portcullis/portcullis/app/gateway"
)

// errDenied is check-policy's answer for a request the policy denies.
var errDenied = errors.New("denied")

func newCheckPolicyCommand() *cobra.Command {
	var configPath, method, target, token string
	var roles []string
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
			if configPath == "" {
				return errors.New("no config: pass the gateway's YAML file with --config")
			}
			if len(roles) > 0 && token != "" {
				return errors.New("pass --role or --token, not both")
			}
			cfg, err := gatewayapp.LoadConfig(configPath)
			if err != nil {
				return err
			}
			if err := cfg.Config.WithDefaults().Validate(); err != nil {
				return err
			}
			p, err := cfg.Auth.RBAC.Resolve()
			if err != nil {
				return err
			}
			if p == nil {
				return errors.New("the config has no rbac policy (auth.rbac.policy_file or auth.rbac.policy): routes that take credentials deny everything")
			}
			authz, err := auth.Compile(*p, cfg.AuthRoutes())
			if err != nil {
				return err
			}
			path, err := auth.URLPathOf(target)
			if err != nil {
				return err
			}
			method = strings.ToUpper(method)
			w := cmd.OutOrStdout()
			rt, ok := cfg.RouteFor(method, path)
			if !ok {
				fmt.Fprintf(w, "%s %s: no route serves it (404 or 405)\n", method, path)
				return errDenied
			}
			mode, _ := auth.ParseMode(rt.Auth)
			if mode == auth.ModeNone {
				fmt.Fprintf(w, "%s %s: route %q takes no credentials: allowed without authentication or RBAC\n", method, path, rt.Name)
				return nil
			}
			who := fmt.Sprintf("roles %v", roles)
			if token != "" {
				v, err := auth.NewVerifier(cfg.Auth.JWT, nil, nil, nil)
				if err != nil {
					return err
				}
				ctx, cancel := context.WithTimeout(cmd.Context(), 15*time.Second)
				defer cancel()
				id, err := v.Verify(ctx, token)
				if err != nil {
					fmt.Fprintf(w, "%s %s: route %q: the token is refused (401): %s: %v\n", method, path, rt.Name, auth.Reason(err), err)
					return errDenied
				}
				roles = id.Roles
				who = fmt.Sprintf("user %q with roles %v (from %s)", id.User, roles, cfg.Auth.JWT.RolesClaimOrDefault())
			}
			d := authz.Decide(method, path, roles)
			status := http.StatusOK
			if !d.Allowed {
				status = http.StatusForbidden
			}
			fmt.Fprintf(w, "%s %s: route %q (auth %s), %s: %s (%d)\n", method, path, rt.Name, mode, who, d.Explain(), status)
			if !d.Allowed {
				return errDenied
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&configPath, "config", "", "gateway YAML configuration file")
	fl.StringVar(&method, "method", "GET", "request method")
	fl.StringVar(&target, "path", "/", "request path (a query is ignored)")
	fl.StringSliceVar(&roles, "role", nil, "a role of the client (repeat or comma-separate)")
	fl.StringVar(&token, "token", "", "a JWT whose roles to use, verified against the config's issuers")
	return cmd
}
