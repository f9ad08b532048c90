package redisstore

import (
	"context"
	"testing"
	"time"

	"github.com/portcullis/portcullis/internal/redistest"
)

func TestExpiry(t *testing.T) {
	addr := redistest.Start(t)
	t.Run("a stored decision lapses when the store says, within its TTL", func(t *testing.T) {
		r := newRedis(t, addr, nil)
		before := time.Now()
		apply(t, r, testDecision("203.0.113.7", 0, 600))
		exp, ok, err := r.Expiry(context.Background(), "203.0.113.7")
		if err != nil || !ok {
			t.Fatalf("Expiry = %v, %v, %v", exp, ok, err)
		}
		if d := exp.Sub(before); d < 599*time.Second || d > 601*time.Second {
			t.Errorf("expires %v after the store; want 600s", d)
		}
	})
	t.Run("a client without a decision has no expiry", func(t *testing.T) {
		r := newRedis(t, addr, nil)
		if _, ok, err := r.Expiry(context.Background(), "198.51.100.1"); ok || err != nil {
			t.Errorf("Expiry = %v, %v; want false, nil", ok, err)
		}
	})
}
