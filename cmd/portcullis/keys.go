package main

import (
	"time"

	"github.com/spf13/cobra"

	gatewayapp "github.com/portcullis/portcullis/app/gateway"
)

// keysTool returns the gatewayapp.KeysTool a subcommand of keys runs,
// writing to the command's output.
type keysTool func(cmd *cobra.Command) gatewayapp.KeysTool

func newKeysCommand() *cobra.Command {
	var t gatewayapp.KeysTool
	c := &t.Keys
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Create, rotate, revoke and list the API keys the gateway accepts",
		Long: `keys manages the API keys of the reference gateway. A key is stored only as an
HMAC-SHA-256 hash under the pepper (the gateway's auth.api_keys pepper), with
its id, owner, scopes, expiry and state. A new or rotated key is printed once.

In Redis, every change is pushed to the gateways at once; in a file, gateways
notice it at their next version probe.`,
		Example: `  export PORTCULLIS_KEY_PEPPER=...   # the gateway's
  portcullis keys create --config gateway.yaml --owner acme --scopes reports:read --ttl 2160h
  portcullis keys rotate --config gateway.yaml k3xq7vd2mab4c --overlap 24h
  portcullis keys revoke --config gateway.yaml k3xq7vd2mab4c
  portcullis keys list --file keys.json --pepper-env PORTCULLIS_KEY_PEPPER`,
	}
	pf := cmd.PersistentFlags()
	pf.StringVar(&c.Config, "config", "", "gateway YAML config whose auth.api_keys and blocklist.redis sections to use")
	pf.StringVar(&c.File, "file", "", "key file (the file store)")
	pf.StringVar(&c.Redis, "redis", "", "Redis host:port (comma-separated for Sentinel or Cluster), or unix:/path/to/redis.sock")
	pf.StringVar(&c.Prefix, "prefix", "", `Redis key prefix of the gateway (default "portcullis:"); keys live under it plus "keys:"`)
	pf.StringVar(&c.PasswordEnv, "password-env", "", "environment variable holding the Redis password")
	pf.StringVar(&c.PasswordFile, "password-file", "", "file holding the Redis password")
	pf.StringVar(&c.PepperEnv, "pepper-env", "", "environment variable holding the pepper")
	pf.StringVar(&c.PepperFile, "pepper-file", "", "file holding the pepper")
	pf.BoolVar(&t.JSON, "json", false, "print JSON")
	tool := func(cmd *cobra.Command) gatewayapp.KeysTool {
		t.Out, t.Log = cmd.OutOrStdout(), cmd.ErrOrStderr()
		return t
	}
	revoke := &cobra.Command{
		Use: "revoke ID", Short: "Revoke a key; every gateway refuses it within a second (Redis)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return tool(cmd).Revoke(cmd.Context(), args[0]) },
	}
	list := &cobra.Command{
		Use: "list", Short: "List the keys (ids, owners, scopes, states; never a secret)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return tool(cmd).List(cmd.Context()) },
	}
	cmd.AddCommand(newKeysCreateCommand(tool), newKeysRotateCommand(tool), revoke, list)
	return cmd
}

func newKeysCreateCommand(tool keysTool) *cobra.Command {
	var owner string
	var scopes []string
	var ttl time.Duration
	create := &cobra.Command{
		Use: "create --owner NAME", Short: "Create a key and print it once", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return tool(cmd).Create(cmd.Context(), owner, scopes, ttl) },
	}
	create.Flags().StringVar(&owner, "owner", "", "who the key belongs to (logged as the user)")
	create.Flags().StringSliceVar(&scopes, "scopes", nil, "scopes, used as the RBAC roles of the key (comma-separated)")
	create.Flags().DurationVar(&ttl, "ttl", 0, "how long the key works; 0 for no expiry")
	return create
}

func newKeysRotateCommand(tool keysTool) *cobra.Command {
	var overlap time.Duration
	rotate := &cobra.Command{
		Use: "rotate ID", Short: "Give a key a new secret; the old one works for the overlap", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return tool(cmd).Rotate(cmd.Context(), args[0], overlap)
		},
	}
	rotate.Flags().DurationVar(&overlap, "overlap", 24*time.Hour, "how long the old secret keeps working")
	return rotate
}
