package enforce

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/internal/proxytest"
	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/internal/testwait"
)

// benchService runs a Service whose view holds n decisions about
// 10.x.y.z addresses, one of them 10.0.0.1.
func benchService(b *testing.B, n int) (*Service, Config) {
	b.Helper()
	cfg := testConfig(redistest.Start(b))
	cfg.Blocklist.Redis.Breaker.MaxNew = 10 * n
	s := startService(b, cfg)
	store := storeFor(b, cfg)
	ds := make([]*decision.Decision, 0, 1000)
	for i := range n {
		ds = append(ds, block(fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255+1), "ip", 3600))
		if len(ds) == cap(ds) || i == n-1 {
			if _, err := store.Apply(context.Background(), ds); err != nil {
				b.Fatal(err)
			}
			ds = ds[:0]
		}
	}
	testwait.Until(b, 30*time.Second, "the decisions in the view", func() bool { return s.checker.Stats().Decisions == n })
	return s, cfg
}

// discard is a ResponseWriter that keeps nothing but its header map,
// reset between requests, so a benchmark counts the handler's own
// allocations.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(int)             {}

// BenchmarkForwardAuth is the handler's own cost, with 10k decisions in
// the view: allowed (the common case) and refused.
func BenchmarkForwardAuth(b *testing.B) {
	s, _ := benchService(b, 10_000)
	h := s.ForwardAuth()
	for _, bc := range []struct{ name, client string }{{"allow", "192.0.2.1"}, {"block", "10.0.0.1"}} {
		b.Run(bc.name, func(b *testing.B) {
			r, _ := http.NewRequest(http.MethodGet, "http://enforce/check", nil)
			r.RemoteAddr = "127.0.0.1:40000"
			r.Header.Set("X-Forwarded-For", "198.51.100.7, "+bc.client)
			r.Header.Set("X-Forwarded-Uri", "/api/items?page=2")
			r.Header.Set("X-Api-Key", "sk_live_4eC39HqLyjWDarjtT1zdp7dcTw8xQ2")
			w := &discard{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				h.ServeHTTP(w, r)
			}
		})
	}
}

// BenchmarkExtAuthz is the ext_authz Check's own cost (no transport), with
// 10k decisions in the view.
func BenchmarkExtAuthz(b *testing.B) {
	s, _ := benchService(b, 10_000)
	a := s.ExtAuthz()
	for _, bc := range []struct{ name, client string }{{"allow", "192.0.2.1"}, {"block", "10.0.0.1"}} {
		b.Run(bc.name, func(b *testing.B) {
			req := checkRequest(bc.client, "/api/items?page=2", map[string]string{"x-api-key": "sk_live_4eC39HqLyjWDarjtT1zdp7dcTw8xQ2"})
			b.ReportAllocs()
			for b.Loop() {
				if _, err := a.Check(context.Background(), req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCheckLoopback is what a proxy on the same machine waits for:
// one question over a kept-alive connection on loopback, for forward-auth
// (HTTP/1.1) and ext_authz (gRPC), with the p99 of the round trip.
func BenchmarkCheckLoopback(b *testing.B) {
	s, _ := benchService(b, 10_000)
	b.Run("forward_auth", func(b *testing.B) {
		c := clientFrom(b, "127.0.0.1")
		url := "http://" + s.Addr().String() + "/check"
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("X-Forwarded-For", "192.0.2.1")
		lat := make([]time.Duration, 0, 1<<16)
		b.ReportAllocs()
		for b.Loop() {
			start := time.Now()
			resp, err := c.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
			lat = append(lat, time.Since(start))
		}
		reportP99(b, lat)
	})
	b.Run("ext_authz", func(b *testing.B) {
		client := extAuthzClient(b, s)
		req := checkRequest("192.0.2.1", "/api/items", nil)
		lat := make([]time.Duration, 0, 1<<16)
		b.ReportAllocs()
		for b.Loop() {
			start := time.Now()
			if _, err := client.Check(context.Background(), req); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(start))
		}
		reportP99(b, lat)
	})
}

func reportP99(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	b.ReportMetric(float64(percentile(lat, 99).Microseconds()), "p99-µs")
}

// BenchmarkNginx is nginx on loopback in front of a backend, with
// auth_request asking enforce (with_check) and without (without_check),
// from 8 concurrent clients, and the time from Apply to nginx's first
// refusal (propagation).
func BenchmarkNginx(b *testing.B) {
	cfg := benchConfig(b)
	s := startService(b, cfg)
	p := startNginxBench(b, s)
	throughput := func(b *testing.B, path string) {
		c := clientFrom(b, "127.0.0.3")
		c.Transport.(*http.Transport).MaxIdleConnsPerHost = 16
		b.SetParallelism(4) // 4 per core: 8 clients on 2 cores
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				resp, err := c.Get(p.URL() + path)
				if err != nil {
					b.Error(err)
					return
				}
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Errorf("status %d", resp.StatusCode)
					return
				}
			}
		})
	}
	b.Run("without_check", func(b *testing.B) { throughput(b, "/.bench/nocheck") })
	b.Run("with_check", func(b *testing.B) { throughput(b, "/api/items") })
	b.Run("throughput_ratio", func(b *testing.B) {
		// Bursts with and without the check alternate, so that a change in
		// the machine's load falls on both alike.
		c := clientFrom(b, "127.0.0.3")
		c.Transport.(*http.Transport).MaxIdleConnsPerHost = 16
		burst := func(path string) time.Duration {
			start := time.Now()
			var wg sync.WaitGroup
			for range 8 {
				wg.Go(func() {
					for range 16 {
						resp, err := c.Get(p.URL() + path)
						if err != nil {
							b.Error(err)
							return
						}
						resp.Body.Close()
						if resp.StatusCode != 200 {
							b.Errorf("status %d", resp.StatusCode)
							return
						}
					}
				})
			}
			wg.Wait()
			return time.Since(start)
		}
		var with, without time.Duration
		for b.Loop() {
			without += burst("/.bench/nocheck")
			with += burst("/api/items")
		}
		b.ReportMetric(without.Seconds()/with.Seconds(), "with/without")
	})
	b.Run("propagation", func(b *testing.B) { propagation(b, p, storeFor(b, cfg)) })
}

// propagation measures the time from Apply to the first refusal at p, of
// one new client per iteration, and reports its p99.
func propagation(b *testing.B, p *proxytest.Proxy, store *redisstore.Store) {
	var lat []time.Duration
	i := 0
	for b.Loop() {
		client := fmt.Sprintf("127.1.%d.%d", i/250%250, i%250+1)
		i++
		c := clientFrom(b, client)
		start := time.Now()
		if _, err := store.Apply(context.Background(), []*decision.Decision{block(client, "ip", 600)}); err != nil {
			b.Fatal(err)
		}
		for {
			resp, err := c.Get(p.URL() + "/api/items")
			if err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusForbidden {
				break
			}
			if time.Since(start) > 10*time.Second {
				b.Fatalf("%s not refused 10 s after its decision", client)
			}
		}
		lat = append(lat, time.Since(start))
		c.Transport.(*http.Transport).CloseIdleConnections()
	}
	b.ReportMetric(float64(percentile(lat, 99).Microseconds())/1000, "p99-ms")
}

// BenchmarkNginxLua is, through nginx's Lua check, BenchmarkNginx's
// propagation (from Apply, through enforce's view and its feed, to nginx's
// first refusal) and what the check adds to one request at a time: the
// same nginx serves a second server without the check (Host:
// nocheck.bench), and requests to the two alternate on one connection, so
// that a change in the machine's load falls on both alike.
func BenchmarkNginxLua(b *testing.B) {
	cfg := benchConfig(b)
	s := startService(b, cfg)
	p := startNginxLuaWith(b, s, func(app string, port int) string {
		return fmt.Sprintf("\nserver {\n    listen 127.0.0.1:%d;\n    server_name nocheck.bench;\n    location / {\n        proxy_pass http://%s;\n    }\n}\n", port, app)
	})
	b.Run("propagation", func(b *testing.B) { propagation(b, p, storeFor(b, cfg)) })
	b.Run("one_connection", func(b *testing.B) {
		c := clientFrom(b, "127.0.0.3")
		c.Transport.(*http.Transport).MaxIdleConnsPerHost = 1
		send := func(host string) time.Duration {
			req, err := http.NewRequest(http.MethodGet, p.URL()+"/api/items", nil)
			if err != nil {
				b.Fatal(err)
			}
			req.Host = host
			start := time.Now()
			resp, err := c.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			d := time.Since(start)
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("%s: status %d", req.Host, resp.StatusCode)
			}
			return d
		}
		host := strings.TrimPrefix(p.URL(), "http://")
		// The check is in the path of the one server and not the other.
		blocked := clientFrom(b, "127.0.0.9")
		if _, err := storeFor(b, cfg).Apply(context.Background(), []*decision.Decision{block("127.0.0.9", "ip", 600)}); err != nil {
			b.Fatal(err)
		}
		status := func(host string) int {
			req, err := http.NewRequest(http.MethodGet, p.URL()+"/api/items", nil)
			if err != nil {
				b.Fatal(err)
			}
			req.Host = host
			resp, err := blocked.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		testwait.Until(b, 10*time.Second, "the blocked client refused by the checked server", func() bool { return status(host) == http.StatusForbidden })
		if st := status("nocheck.bench"); st != http.StatusOK {
			b.Fatalf("the blocked client gets %d from the server without the check; want 200", st)
		}
		var with, without []time.Duration
		i := 0
		for b.Loop() {
			if i%2 == 0 {
				without = append(without, send("nocheck.bench"))
				with = append(with, send(host))
			} else {
				with = append(with, send(host))
				without = append(without, send("nocheck.bench"))
			}
			i++
		}
		us := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1000 }
		w50, w99, n50, n99 := percentile(with, 50), percentile(with, 99), percentile(without, 50), percentile(without, 99)
		b.ReportMetric(us(w50-n50), "p50-added-µs")
		b.ReportMetric(us(w99-n99), "p99-added-µs")
		b.ReportMetric(us(n99), "p99-without-µs")
		b.ReportMetric(float64(sum(without))/float64(sum(with)), "with/without")
	})
}

func sum(ds []time.Duration) time.Duration {
	var t time.Duration
	for _, d := range ds {
		t += d
	}
	return t
}

// startNginxBench is startNginx with one more location, which skips the
// check, to compare against.
func startNginxBench(b *testing.B, s *Service) *proxytest.Proxy {
	b.Helper()
	app := backend(b)
	return proxytest.StartNginx(b, func(dir string, port int) string {
		httpConf := proxytest.Replace(b, "portcullis-http.conf", readExample(b, "nginx/portcullis-http.conf"),
			"127.0.0.1:9180", s.Addr().String())
		site := proxytest.Replace(b, "site.conf", readExample(b, "nginx/site.conf"),
			"listen 8080;", fmt.Sprintf("listen 127.0.0.1:%d;\n    access_log off;", port),
			"/etc/nginx/portcullis/", dir+"/",
			"127.0.0.1:3000", app,
			"    location / {", "    location /.bench/nocheck {\n        auth_request off;\n        proxy_pass http://"+app+";\n    }\n    location / {")
		writeFile(b, dir+"/portcullis-http.conf", httpConf)
		writeFile(b, dir+"/portcullis-server.conf", readExample(b, "nginx/portcullis-server.conf"))
		return proxytest.NginxSite(dir, "include "+dir+"/portcullis-http.conf;\n"+site)
	})
}

// benchConfig is the nginx example's config on a redis-server of b's own,
// failing open, with a view that stays fresh through a long benchmark and
// a breaker that lets every decision of one through.
func benchConfig(b *testing.B) Config {
	_, cfg := exampleOn(b, "nginx", "open")
	cfg.Blocklist.MaxStaleness = 10 * time.Second
	cfg.Blocklist.ProbeInterval = 0
	cfg.Blocklist.Redis.Breaker.MaxNew = 1 << 30
	return cfg
}
