package main

import (
	"errors"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/gateway/auth"
)

// gatewayAuth builds the gateway's Authenticator when a route takes
// credentials; nil otherwise. API keys in Redis share the blocklist's
// connection, under its key prefix plus "keys:".
func gatewayAuth(cfg gatewayConfig, bl *redisstore.Store, reg prometheus.Registerer, log *slog.Logger) (*auth.Authenticator, error) {
	routes := cfg.AuthRoutes()
	protected := false
	for _, r := range routes {
		protected = protected || r.Auth != auth.ModeNone
	}
	if !protected {
		return nil, nil
	}
	var keys auth.KeyStore
	switch cfg.Auth.APIKeys.Store {
	case "file":
		keys = auth.NewFileKeyStore(cfg.Auth.APIKeys.File)
	case "redis":
		if bl == nil {
			return nil, errors.New("auth.api_keys.store is redis, but blocklist.redis has no addrs; the keys live in the blocklist's Redis")
		}
		keys = auth.NewRedisKeyStore(bl.Client(), keysPrefix(cfg.Blocklist.Redis.KeyPrefix), log.With("component", "keys"))
	}
	return auth.New(cfg.Auth, routes, keys, reg, log)
}
