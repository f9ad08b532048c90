package redisstore

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/internal/syncbuf"
)

func TestGoRedisLogsGoThroughSlogAtDebug(t *testing.T) {
	var logs syncbuf.Buffer
	redis.SetLogger(NewLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	t.Cleanup(func() { redis.SetLogger(NewLogger(slog.New(slog.DiscardHandler))) })

	// A port nothing listens on: the pool fails to dial, and says so.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: time.Second})
	defer c.Close()
	if err := c.Ping(t.Context()).Err(); err == nil {
		t.Fatalf("PING to %s, where nothing listens, succeeded", addr)
	}
	got := logs.String()
	if !strings.Contains(got, "level=DEBUG") || !strings.Contains(got, "component=go-redis") || !strings.Contains(got, "connection refused") {
		t.Errorf("go-redis's dial failure was not logged at debug through slog:\n%s", got)
	}
	if strings.Contains(got, "level=WARN") || strings.Contains(got, "level=ERROR") || strings.Contains(got, "level=INFO") {
		t.Errorf("go-redis's own lines logged above debug:\n%s", got)
	}

	t.Run("at info level they are dropped", func(t *testing.T) {
		var quiet syncbuf.Buffer
		redis.SetLogger(NewLogger(slog.New(slog.NewTextHandler(&quiet, nil))))
		c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: time.Second})
		defer c.Close()
		c.Ping(t.Context())
		if s := quiet.String(); s != "" {
			t.Errorf("logged at info level:\n%s", s)
		}
	})
}

func TestCheckerWarnsOncePerOutage(t *testing.T) {
	srv := redistest.StartServer(t)
	r := newRedis(t, srv.Addr(), nil)
	var logs syncbuf.Buffer
	c := blocklist.NewChecker(r, blocklist.CheckerConfig{FailMode: blocklist.FailOpen, MaxStaleness: 300 * time.Millisecond, ProbeInterval: 50 * time.Millisecond},
		slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := c.Run(ctx); err != nil {
			t.Errorf("run: %v", err)
		}
	})
	defer func() { cancel(); wg.Wait() }()
	eventually(t, "the first snapshot is loaded", func() bool { return c.Stats().Resyncs > 0 })

	for outage := 1; outage <= 2; outage++ {
		srv.Stop()
		defer func() {
			if t.Failed() {
				t.Log(logs.String())
			}
		}()
		eventually(t, "the follower retries a few times", func() bool {
			return strings.Count(logs.String(), "blocklist store still unreachable") >= 3*outage
		})
		srv.Restart()
		eventually(t, "the follower is back", func() bool {
			return strings.Count(logs.String(), "blocklist store reachable again") == outage
		})
		got := logs.String()
		if n := strings.Count(got, "level=WARN"); n != outage {
			t.Errorf("after %d outages, %d warnings; want one per outage:\n%s", outage, n, got)
		}
		if n := strings.Count(got, `level=WARN msg="blocklist store unreachable; serving from the local view`); n != outage {
			t.Errorf("after %d outages, %d warnings that the store is unreachable:\n%s", outage, n, got)
		}
	}
}
