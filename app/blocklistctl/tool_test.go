package blocklistctl

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/review"
)

func TestToolRunsEachSubcommandOnTheStore(t *testing.T) {
	var out, log bytes.Buffer
	tool := Tool{Store: StoreConfig{Redis: redistest.Start(t)}, Out: &out, Log: &log}
	ctx := context.Background()
	step := func(name string, err error, want string) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !strings.Contains(out.String(), want) {
			t.Fatalf("%s printed %q; want %q in it", name, out.String(), want)
		}
		out.Reset()
	}
	step("Decide", tool.Decide(ctx, review.Manual{Client: "203.0.113.9", TTL: time.Hour, Note: "by hand", Action: "throttle", Limit: 2}),
		"203.0.113.9 stored (throttle) until")
	step("List", tool.List(ctx), "203.0.113.9")
	step("Explain", tool.Explain(ctx, "203.0.113.9"), "by hand")
	step("Breaker", tool.Breaker(ctx), "closed")
	step("Unblock", tool.Unblock(ctx, "203.0.113.9"), "203.0.113.9 unblocked")
	if err := tool.Explain(ctx, "203.0.113.9\x1b[2J"); err == nil || err.Error() != `203.0.113.9\x1b[2J is not blocked` {
		t.Errorf("Explain of a client no decision names: %v; want it named, escaped, as not blocked", err)
	}
	if err := tool.ResetBreaker(ctx, "open"); err == nil || !strings.Contains(err.Error(), "the only action is reset") {
		t.Errorf("ResetBreaker open: %v", err)
	}
	step("ResetBreaker", tool.ResetBreaker(ctx, "reset"), "breaker reset")
}

func TestToolWithoutRedisSaysWhatToPass(t *testing.T) {
	err := Tool{}.List(context.Background())
	if err == nil || !strings.Contains(err.Error(), "--redis host:port") {
		t.Errorf("List without a store: %v", err)
	}
}
