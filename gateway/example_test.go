package gateway_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/portcullis/portcullis/gateway"
)

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
	// passes a blocklist.Checker, an ingest.KafkaProducer and a RedisLimiter.
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
