package blocklist_test

import (
	"net/http"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/blocklist/redisstore"
)

func ExampleMiddleware() {
	store, err := redisstore.New(redisstore.Config{Addrs: []string{"127.0.0.1:6379"}}.WithDefaults(), nil)
	if err != nil {
		return
	}
	checker := blocklist.NewChecker(store, blocklist.CheckerConfig{
		FailMode: blocklist.FailOpen,
		Identity: blocklist.RequestIdentity{
			TrustedProxies: []string{"10.0.0.0/8"},
			APIKeyHeader:   "X-Api-Key",
		},
	}, nil)
	// Run keeps the view in sync; start it with the gateway's errgroup:
	//	g.Go(func() error { return checker.Run(ctx) })
	api := http.NewServeMux()
	// Payments fail closed when the blocklist cannot be confirmed; the rest fails open.
	payments := blocklist.Middleware(checker, blocklist.MiddlewareConfig{FailMode: blocklist.FailClosed})(api)
	public := blocklist.Middleware(checker, blocklist.MiddlewareConfig{Status: http.StatusTooManyRequests})(api)
	_, _ = payments, public
}
