package redisstore

import (
	"testing"
	"time"

	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/internal/testwait"
)

func TestRedisCountsItsFailuresAndActiveDecisions(t *testing.T) {
	srv := redistest.StartServer(t)
	r := newRedis(t, srv.Addr(), nil)
	ctx := testwait.Context(t, 20*time.Second)

	t.Run("a missing key and a first script run are not failures", func(t *testing.T) {
		if d, err := r.Get(ctx, "nobody"); d != nil || err != nil {
			t.Fatalf("get = %v, %v", d, err)
		}
		apply(t, r, testDecision("a", 0, 600), testDecision("b", 0, 1))
		if n := r.Errors(); n != 0 {
			t.Errorf("errors = %d, want 0", n)
		}
	})
	t.Run("active counts the decisions that have not lapsed", func(t *testing.T) {
		n, err := r.Active(ctx)
		if err != nil || n != 2 {
			t.Fatalf("active = %d, %v; want 2", n, err)
		}
		time.Sleep(1100 * time.Millisecond)
		if n, err := r.Active(ctx); err != nil || n != 1 {
			t.Errorf("active after one lapsed = %d, %v; want 1", n, err)
		}
	})
	t.Run("commands that fail while redis is down are counted", func(t *testing.T) {
		srv.Stop()
		if _, err := r.Apply(ctx, []*decision.Decision{testDecision("c", 0, 600)}); err == nil {
			t.Fatal("apply succeeded with redis down")
		}
		if _, err := r.Active(ctx); err == nil {
			t.Fatal("active succeeded with redis down")
		}
		if n := r.Errors(); n < 2 {
			t.Errorf("errors = %d after two failed calls, want 2 or more", n)
		}
	})
}
