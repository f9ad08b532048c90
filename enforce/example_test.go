package enforce_test

import (
	"context"
	"log/slog"
	"os"
	"os/signal"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portcullis/portcullis/blocklist/httpcheck"
	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/enforce"
)

// A decision service for an nginx on the same machine: nginx asks on
// 127.0.0.1:9180 (see examples/nginx), and refusals fail closed while
// Redis cannot confirm the view.
func Example() {
	cfg := enforce.Config{
		Listen: "127.0.0.1:9180",
		Admin:  "127.0.0.1:9181",
		Client: enforce.ClientConfig{RequestIdentity: httpcheck.RequestIdentity{
			TrustedProxies: []string{"127.0.0.1/32"},
			APIKeyHeader:   "X-API-Key", // checked by its id, httpcheck.APIKeyID
		}},
		Blocklist: enforce.BlocklistConfig{
			Redis:    redisstore.Config{Addrs: []string{"127.0.0.1:6379"}},
			FailMode: "closed",
		},
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	svc, err := enforce.New(cfg, prometheus.NewRegistry(), logger)
	if err != nil {
		logger.Error("config", "error", err)
		return
	}
	defer svc.Close()
	if err := svc.Open(); err != nil {
		logger.Error("listen", "error", err)
		return
	}
	logger.Info("asking address", "forward_auth", svc.Addr().String())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := svc.Run(ctx); err != nil {
		logger.Error("run", "error", err)
	}
}
