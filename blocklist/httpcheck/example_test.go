package httpcheck_test

import (
	"net/http"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/blocklist/httpcheck"
	"github.com/portcullis/portcullis/blocklist/redisstore"
)

func ExampleMiddleware() {
	store, err := redisstore.New(redisstore.Config{Addrs: []string{"127.0.0.1:6379"}}.WithDefaults(), nil)
	if err != nil {
		return
	}
	checker := blocklist.NewChecker(store, blocklist.CheckerConfig{FailMode: blocklist.FailOpen}, nil)
	// Run keeps the view in sync; start it with the gateway's errgroup:
	//	g.Go(func() error { return checker.Run(ctx) })
	id, err := httpcheck.NewIdentity(httpcheck.RequestIdentity{
		TrustedProxies: []string{"10.0.0.0/8"},
		APIKeyHeader:   "X-Api-Key",
	})
	if err != nil {
		return
	}
	api := http.NewServeMux()
	// Payments fail closed when the blocklist cannot be confirmed; the rest fails open.
	payments := httpcheck.Middleware(checker, httpcheck.MiddlewareConfig{Client: id.Client, FailMode: blocklist.FailClosed})(api)
	public := httpcheck.Middleware(checker, httpcheck.MiddlewareConfig{Client: id.Client, Status: http.StatusTooManyRequests})(api)
	_, _ = payments, public
}
