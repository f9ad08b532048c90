package gateway

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/gateway/auth"
)

// KeysConfig names the API-key store and the pepper that "portcullis keys"
// works with: a gateway config's, with each field set here taking its
// place (the errors name the flags).
type KeysConfig struct {
	// Config is a gateway YAML file whose auth.api_keys and
	// blocklist.redis sections to use.
	Config string
	// File is a key file (the file store); Redis the host:port of Redis
	// (comma-separated for Sentinel or Cluster), under Prefix.
	File, Redis, Prefix string
	// PasswordEnv and PasswordFile hold the Redis password.
	PasswordEnv, PasswordFile string
	// PepperEnv and PepperFile hold the pepper, the gateway's.
	PepperEnv, PepperFile string
}

// OpenKeys returns the key manager of the store c names, and a function
// that closes what it opened.
func OpenKeys(c KeysConfig, log *slog.Logger) (*auth.KeyManager, func() error, error) {
	var kc auth.APIKeyConfig
	var rc redisstore.Config
	if c.Config != "" {
		gc, err := LoadConfig(c.Config)
		if err != nil {
			return nil, nil, err
		}
		kc, rc = gc.Auth.APIKeys, gc.Blocklist.Redis
	}
	if c.File != "" {
		kc.Store, kc.File = "file", c.File
	}
	if c.Redis != "" {
		kc.Store = "redis"
		rc.Addrs = strings.Split(c.Redis, ",")
	}
	if c.Prefix != "" {
		rc.KeyPrefix = c.Prefix
	}
	if c.PasswordEnv != "" {
		rc.PasswordEnv = c.PasswordEnv
	}
	if c.PasswordFile != "" {
		rc.PasswordFile = c.PasswordFile
	}
	if c.PepperEnv != "" || c.PepperFile != "" {
		kc.PepperEnv, kc.PepperFile = c.PepperEnv, c.PepperFile
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
		r, err := redisstore.New(rc, log)
		if err != nil {
			return nil, nil, err
		}
		return auth.NewKeyManager(auth.NewRedisKeyStore(r.Client(), KeysPrefix(rc.KeyPrefix), log), h, nil), r.Close, nil
	}
	return nil, nil, errors.New("no key store: pass --file keys.json, --redis host:port, or a gateway --config with auth.api_keys.store")
}

// WriteKey writes a new or rotated key with its secret, which is shown
// once: as JSON, or as lines for a person.
func WriteKey(w io.Writer, k auth.Key, secret string, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(w).Encode(struct {
			auth.Key
			APIKey string `json:"api_key"`
		}{k, secret})
	}
	fmt.Fprintf(w, "id:      %s\nowner:   %s\nscopes:  %s\nexpires: %s\napi key: %s\n", k.ID, k.Owner, strings.Join(k.Scopes, " "), expiry(k.Expires), secret)
	fmt.Fprintln(w, "The key is shown once: store it now. Only its hash is kept.")
	return nil
}

// WriteKeys writes the keys without their secrets: as JSON lines, or as a
// table.
func WriteKeys(w io.Writer, ks []auth.Key, asJSON bool) error {
	if asJSON {
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
}

func expiry(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}
