package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/internal/testwait"

	gatewayapp "github.com/portcullis/portcullis/app/gateway"
)

// syncBuffer is a bytes.Buffer safe for a logger and a reader at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestGatewayLogsOnceTaggedAndOnStop pins the gateway's own log lines:
// component=gateway once per line, and a line when it is told to stop.
func TestGatewayLogsOnceTaggedAndOnStop(t *testing.T) {
	r := redistest.Start(t)
	path := filepath.Join(t.TempDir(), "gateway.yaml")
	writeFile(t, path, []byte(fmt.Sprintf(`listen: 127.0.0.1:0
admin: 127.0.0.1:0
routes: [{name: api, path_prefix: /api, upstreams: ["http://127.0.0.1:1"]}]
blocklist: {redis: {addrs: [%s]}, fail_mode: open}
`, r)))
	cfg, err := gatewayapp.LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	a, err := gatewayapp.New(cfg, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- errors.Join(a.Run(ctx), a.Close()) }()
	testwait.Until(t, 10*time.Second, "the gateway starts", func() bool { return strings.Contains(logs.String(), "gateway started") })
	cancel() // what SIGTERM does, through main's signal context
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("gateway: %v", err)
		}
	case <-time.After(testwait.Scale(t, 20*time.Second)):
		t.Fatal("the gateway did not stop")
	}
	out := logs.String()
	if !strings.Contains(out, "gateway stopping") || !strings.Contains(out, "gateway stopped") {
		t.Errorf("no line says the gateway stops:\n%s", out)
	}
	tagged := 0
	for _, line := range strings.Split(out, "\n") {
		switch n := strings.Count(line, "component=gateway"); {
		case n > 1:
			t.Errorf("component=gateway %d times: %s", n, line)
		case n == 1:
			tagged++
		}
	}
	if tagged == 0 {
		t.Errorf("no line is tagged component=gateway:\n%s", out)
	}
}

// TestGatewayRefusesAnAccessLogWithoutKafka pins that access_log.enabled
// without a kafka section is an error that names both, not a log that
// silently goes nowhere.
func TestGatewayRefusesAnAccessLogWithoutKafka(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gateway.yaml")
	writeFile(t, path, []byte(`listen: 127.0.0.1:0
admin: 127.0.0.1:0
routes: [{name: api, path_prefix: /api, upstreams: ["http://127.0.0.1:1"]}]
access_log: {enabled: true}
blocklist: {fail_mode: open}
`))
	_, err := execute(t.Context(), "gateway", "--config", path)
	if err == nil || !strings.Contains(err.Error(), "access_log.enabled") || !strings.Contains(err.Error(), "kafka") {
		t.Fatalf("error %v; want one naming access_log.enabled and kafka", err)
	}
}
