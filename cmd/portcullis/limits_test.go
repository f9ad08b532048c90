package main

import (
	"context"
	"strings"
	"testing"
)

// TestLimitsFromATrainedModel: train keeps the per-endpoint peaks in the
// model, and limits prints them as a table and as proxy configuration.
func TestLimitsFromATrainedModel(t *testing.T) {
	p := shared(t)
	out := run(t, "limits", "--model", p.path("m.pcm"))
	if !strings.Contains(out.stdout, "METHOD") || strings.Count(out.stdout, "\n") < 4 {
		t.Fatalf("limits printed no table:\n%s", out.stdout)
	}
	if !strings.Contains(out.stdout, "p99 of") && !strings.Contains(out.stdout, "max of") {
		t.Errorf("no limit says what it was set from:\n%s", out.stdout)
	}
	for format, want := range map[string]string{
		"nginx":   "limit_req_zone",
		"envoy":   "local_ratelimit",
		"gateway": "rate_limits:",
	} {
		out := run(t, "limits", "--model", p.path("m.pcm"), "--format", format)
		if !strings.Contains(out.stdout, want) {
			t.Errorf("--format %s has no %s:\n%s", format, want, out.stdout)
		}
	}
	for _, bad := range [][]string{
		{"--format", "haproxy"},
		{"--mode", "block"},
		{"--format", "nginx", "--upstream", "http://x; return 200"},
	} {
		args := append([]string{"limits", "--model", p.path("m.pcm")}, bad...)
		if _, err := execute(context.Background(), args...); err == nil {
			t.Errorf("portcullis %s: no error", strings.Join(args, " "))
		}
	}
}
