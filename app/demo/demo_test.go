package demo

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/internal/testwait"
)

// TestDemoRunsTheWholeSystem runs the demo at its smallest: it trains,
// starts Kafka, Redis, the detector and the gateway on ports of their
// own, replays 30 s through the gateway, and reports.
func TestDemoRunsTheWholeSystem(t *testing.T) {
	if testing.Short() {
		t.Skip("replays 30 s of traffic in real time; skipped in -short")
	}
	var out bytes.Buffer
	ctx := testwait.Context(t, 5*time.Minute)
	if err := Run(ctx, Config{Clients: 20, Replay: 30 * time.Second}, &out); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	for _, want := range []string{"== who was blocked", "all attacks", "normal clients blocked:", "requests: "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the demo did not print %q:\n%s", want, out.String())
		}
	}
}

func TestDemoRefusesASizeOutOfRange(t *testing.T) {
	for _, c := range []Config{{Clients: 5, Replay: time.Minute}, {Clients: 100, Replay: time.Second}, {Clients: 100, Replay: 2 * time.Hour}} {
		if err := Run(t.Context(), c, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "--clients must be 10 or more") {
			t.Errorf("%+v: %v; want the range refused", c, err)
		}
	}
}
