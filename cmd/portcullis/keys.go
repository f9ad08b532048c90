package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/gateway/auth"

	gatewayapp "github.com/portcullis/portcullis/app/gateway"
)

// keysFlags choose the API-key store and the pepper the commands use.
type keysFlags struct {
	config     string
	file       string
	redis      string
	prefix     string
	pwEnv      string
	pwFile     string
	pepperEnv  string
	pepperFile string
	jsonOut    bool
}

// open returns the key manager and a function that closes what it opened.
func (f *keysFlags) open(log *slog.Logger) (*auth.KeyManager, func() error, error) {
	var kc auth.APIKeyConfig
	var rc blocklist.RedisConfig
	if f.config != "" {
		gc, err := gatewayapp.LoadConfig(f.config)
		if err != nil {
			return nil, nil, err
		}
		kc, rc = gc.Auth.APIKeys, gc.Blocklist.Redis
	}
	if f.file != "" {
		kc.Store, kc.File = "file", f.file
	}
	if f.redis != "" {
		kc.Store = "redis"
		rc.Addrs = strings.Split(f.redis, ",")
	}
	if f.prefix != "" {
		rc.KeyPrefix = f.prefix
	}
	if f.pwEnv != "" {
		rc.PasswordEnv = f.pwEnv
	}
	if f.pwFile != "" {
		rc.PasswordFile = f.pwFile
	}
	if f.pepperEnv != "" || f.pepperFile != "" {
		kc.PepperEnv, kc.PepperFile = f.pepperEnv, f.pepperFile
	}
	if kc.PepperEnv == "" && kc.PepperFile == "" {
		return nil, nil, errors.New("no pepper: pass --pepper-env or --pepper-file, or a gateway --config whose auth.api_keys names one; it must be the gateway's")
	}
	pepper, err := kc.Pepper()
	if err != nil {
		return nil, nil, err
	}
	h, err := auth.NewHasher(pepper)
	if err != nil {
		return nil, nil, err
	}
	switch kc.Store {
	case "file":
		return auth.NewKeyManager(auth.NewFileKeyStore(kc.File), h, nil), func() error { return nil }, nil
	case "redis":
		if len(rc.Addrs) == 0 {
			return nil, nil, errors.New("api keys in Redis, but no Redis address: pass --redis host:port or a --config with blocklist.redis")
		}
		r, err := blocklist.NewRedis(rc, log)
		if err != nil {
			return nil, nil, err
		}
		return auth.NewKeyManager(auth.NewRedisKeyStore(r.Client(), gatewayapp.KeysPrefix(rc.KeyPrefix), log), h, nil), r.Close, nil
	}
	return nil, nil, errors.New("no key store: pass --file keys.json, --redis host:port, or a gateway --config with auth.api_keys.store")
}

func newKeysCommand() *cobra.Command {
	var f keysFlags
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
	pf.StringVar(&f.config, "config", "", "gateway YAML config whose auth.api_keys and blocklist.redis sections to use")
	pf.StringVar(&f.file, "file", "", "key file (the file store)")
	pf.StringVar(&f.redis, "redis", "", "Redis host:port (comma-separated for Sentinel or Cluster)")
	pf.StringVar(&f.prefix, "prefix", "", `Redis key prefix of the gateway (default "portcullis:"); keys live under it plus "keys:"`)
	pf.StringVar(&f.pwEnv, "password-env", "", "environment variable holding the Redis password")
	pf.StringVar(&f.pwFile, "password-file", "", "file holding the Redis password")
	pf.StringVar(&f.pepperEnv, "pepper-env", "", "environment variable holding the pepper")
	pf.StringVar(&f.pepperFile, "pepper-file", "", "file holding the pepper")
	pf.BoolVar(&f.jsonOut, "json", false, "print JSON")

	with := func(run func(ctx context.Context, m *auth.KeyManager, w io.Writer, args []string) error) func(*cobra.Command, []string) error {
		return func(cmd *cobra.Command, args []string) error {
			m, closeFn, err := f.open(slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelWarn})))
			if err != nil {
				return err
			}
			defer closeFn()
			ctx, cancel := context.WithTimeout(cmd.Context(), 30*time.Second)
			defer cancel()
			return run(ctx, m, cmd.OutOrStdout(), args)
		}
	}
	printSecret := func(w io.Writer, k auth.Key, secret string) error {
		if f.jsonOut {
			return json.NewEncoder(w).Encode(struct {
				auth.Key
				APIKey string `json:"api_key"`
			}{k, secret})
		}
		fmt.Fprintf(w, "id:      %s\nowner:   %s\nscopes:  %s\nexpires: %s\napi key: %s\n", k.ID, k.Owner, strings.Join(k.Scopes, " "), expiry(k.Expires), secret)
		fmt.Fprintln(w, "The key is shown once: store it now. Only its hash is kept.")
		return nil
	}

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
			return printSecret(w, k, secret)
		}),
	}
	create.Flags().StringVar(&owner, "owner", "", "who the key belongs to (logged as the user)")
	create.Flags().StringSliceVar(&scopes, "scopes", nil, "scopes, used as the RBAC roles of the key (comma-separated)")
	create.Flags().DurationVar(&ttl, "ttl", 0, "how long the key works; 0 for no expiry")

	var overlap time.Duration
	rotate := &cobra.Command{
		Use: "rotate ID", Short: "Give a key a new secret; the old one works for the overlap", Args: cobra.ExactArgs(1),
		RunE: with(func(ctx context.Context, m *auth.KeyManager, w io.Writer, args []string) error {
			k, secret, err := m.Rotate(ctx, args[0], overlap)
			if err != nil {
				return err
			}
			return printSecret(w, k, secret)
		}),
	}
	rotate.Flags().DurationVar(&overlap, "overlap", 24*time.Hour, "how long the old secret keeps working")

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
			if f.jsonOut {
				enc := json.NewEncoder(w)
				for _, k := range ks {
					k.Secrets = nil
					if err := enc.Encode(k); err != nil {
						return err
					}
				}
				return nil
			}
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tOWNER\tSCOPES\tSTATE\tEXPIRES\tSECRETS")
			for _, k := range ks {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\n", k.ID, k.Owner, strings.Join(k.Scopes, ","), k.State, expiry(k.Expires), len(k.Secrets))
			}
			return tw.Flush()
		}),
	}
	cmd.AddCommand(create, rotate, revoke, list)
	return cmd
}

func expiry(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}
