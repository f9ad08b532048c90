package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	gatewayapp "github.com/portcullis/portcullis/app/gateway"
	"github.com/portcullis/portcullis/gateway/auth"
)

// keysRun runs a keys subcommand with the key manager c names.
type keysRun func(ctx context.Context, m *auth.KeyManager, w io.Writer, args []string) error

func newKeysCommand() *cobra.Command {
	var c gatewayapp.KeysConfig
	var asJSON bool
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
	pf.StringVar(&c.Redis, "redis", "", "Redis host:port (comma-separated for Sentinel or Cluster)")
	pf.StringVar(&c.Prefix, "prefix", "", `Redis key prefix of the gateway (default "portcullis:"); keys live under it plus "keys:"`)
	pf.StringVar(&c.PasswordEnv, "password-env", "", "environment variable holding the Redis password")
	pf.StringVar(&c.PasswordFile, "password-file", "", "file holding the Redis password")
	pf.StringVar(&c.PepperEnv, "pepper-env", "", "environment variable holding the pepper")
	pf.StringVar(&c.PepperFile, "pepper-file", "", "file holding the pepper")
	pf.BoolVar(&asJSON, "json", false, "print JSON")
	with := func(run keysRun) func(*cobra.Command, []string) error {
		return func(cmd *cobra.Command, args []string) error {
			m, closeFn, err := gatewayapp.OpenKeys(c, slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelWarn})))
			if err != nil {
				return err
			}
			defer closeFn()
			ctx, cancel := context.WithTimeout(cmd.Context(), 30*time.Second)
			defer cancel()
			return run(ctx, m, cmd.OutOrStdout(), args)
		}
	}
	revoke := &cobra.Command{
		Use: "revoke ID", Short: "Revoke a key; every gateway refuses it within a second (Redis)", Args: cobra.ExactArgs(1),
		RunE: with(func(ctx context.Context, m *auth.KeyManager, w io.Writer, args []string) error {
			k, err := m.Revoke(ctx, args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "%s revoked at %s\n", k.ID, k.Revoked.Format(time.RFC3339))
			return nil
		}),
	}
	list := &cobra.Command{
		Use: "list", Short: "List the keys (ids, owners, scopes, states; never a secret)", Args: cobra.NoArgs,
		RunE: with(func(ctx context.Context, m *auth.KeyManager, w io.Writer, _ []string) error {
			ks, err := m.List(ctx)
			if err != nil {
				return err
			}
			return gatewayapp.WriteKeys(w, ks, asJSON)
		}),
	}
	cmd.AddCommand(newKeysCreateCommand(with, &asJSON), newKeysRotateCommand(with, &asJSON), revoke, list)
	return cmd
}

func newKeysCreateCommand(with func(keysRun) func(*cobra.Command, []string) error, asJSON *bool) *cobra.Command {
	var owner string
	var scopes []string
	var ttl time.Duration
	create := &cobra.Command{
		Use: "create --owner NAME", Short: "Create a key and print it once", Args: cobra.NoArgs,
		RunE: with(func(ctx context.Context, m *auth.KeyManager, w io.Writer, _ []string) error {
			k, secret, err := m.Create(ctx, owner, scopes, ttl)
			if err != nil {
				return err
			}
			return gatewayapp.WriteKey(w, k, secret, *asJSON)
		}),
	}
	create.Flags().StringVar(&owner, "owner", "", "who the key belongs to (logged as the user)")
	create.Flags().StringSliceVar(&scopes, "scopes", nil, "scopes, used as the RBAC roles of the key (comma-separated)")
	create.Flags().DurationVar(&ttl, "ttl", 0, "how long the key works; 0 for no expiry")
	return create
}

func newKeysRotateCommand(with func(keysRun) func(*cobra.Command, []string) error, asJSON *bool) *cobra.Command {
	var overlap time.Duration
	rotate := &cobra.Command{
		Use: "rotate ID", Short: "Give a key a new secret; the old one works for the overlap", Args: cobra.ExactArgs(1),
		RunE: with(func(ctx context.Context, m *auth.KeyManager, w io.Writer, args []string) error {
			k, secret, err := m.Rotate(ctx, args[0], overlap)
			if err != nil {
				return err
			}
			return gatewayapp.WriteKey(w, k, secret, *asJSON)
		}),
	}
	rotate.Flags().DurationVar(&overlap, "overlap", 24*time.Hour, "how long the old secret keeps working")
	return rotate
}
