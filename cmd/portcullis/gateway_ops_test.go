package main

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/internal/syncbuf"
	"github.com/portcullis/portcullis/internal/testwait"
)

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
	var logs syncbuf.Buffer
	cancel, done := runApp(t, newGateway(t, path, slog.New(slog.NewTextHandler(&logs, nil))))
	defer cancel()
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
