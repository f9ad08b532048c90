package gateway_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portcullis/portcullis/gateway"
	"github.com/portcullis/portcullis/ingest/kafka"
)

// The gateway writes its access log to Kafka through the Producer.
var _ gateway.LogSink = (*kafka.Producer)(nil)

func ExampleNew() {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "backend got %s", r.URL.Path)
	}))
	defer backend.Close()

	cfg := gateway.Config{Routes: []gateway.Route{{
		Name: "api", PathPrefix: "/api", Upstreams: []string{backend.URL}, StripPrefix: true,
		RateLimit: gateway.RateLimit{RPS: 10, Burst: 20},
	}}}
	// No blocklist checker, access-log sink or shared limiter here; main
	// passes a blocklist.Checker, a kafka.Producer and a RedisLimiter.
	g, err := gateway.New(cfg, nil, nil, nil, prometheus.NewRegistry(), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer g.Close()
	front := httptest.NewServer(g.Handler())
	defer front.Close()

	resp, err := http.Get(front.URL + "/api/items/1")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(body))
	// Output: 200 backend got /items/1
}
