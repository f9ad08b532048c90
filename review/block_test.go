package review_test

import (
	"errors"
	"testing"
	"time"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/review"
)

func TestServiceBlock(t *testing.T) {
	r := newRig(t, redistest.Start(t), nil, nil)
	ctx := t.Context()
	t.Run("a block by hand is a manual decision with the operator's note", func(t *testing.T) {
		o, err := r.svc.Block(ctx, "2001:db8:1:2::/64", time.Hour, "ticket 42")
		if err != nil || o.Result != blocklist.Stored {
			t.Fatalf("block: %+v, %v", o, err)
		}
		d, err := r.store.Get(ctx, "2001:db8:1:2::/64")
		if err != nil || d == nil {
			t.Fatalf("get: %v, %v", d, err)
		}
		if d.Origin != decision.OriginManual || d.Note != "ticket 42" || d.Scope != decision.ScopeIPv6Prefix64 || d.Model != "" || d.TTLSec != 3600 {
			t.Errorf("stored %+v", d)
		}
		p, err := r.svc.List(ctx, review.Query{Reason: "manual"})
		if err != nil || p.Total != 1 || p.Items[0].Client != "2001:db8:1:2::/64" {
			t.Errorf("the manual filter found %+v, %v", p, err)
		}
	})
	t.Run("an allowlisted client is refused, and the error says why", func(t *testing.T) {
		if err := r.svc.Allow(ctx, "198.51.100.0/24"); err != nil {
			t.Fatal(err)
		}
		o, err := r.svc.Block(ctx, "198.51.100.7", time.Hour, "")
		if !errors.Is(err, review.ErrRefused) || o.Result != blocklist.RefusedAllowlisted {
			t.Errorf("block: %+v, %v", o, err)
		}
	})
	t.Run("a client not written as requests name it is bad input", func(t *testing.T) {
		for _, c := range []string{"127.0.0.008", "0:0:0:0:0:0:0:1", "10.0.0.0/8", "key with spaces", ""} {
			if _, err := r.svc.Block(ctx, c, time.Hour, ""); !errors.Is(err, review.ErrBadInput) {
				t.Errorf("block %q: %v", c, err)
			}
		}
		if _, err := r.svc.Block(ctx, "203.0.113.9", 0, ""); !errors.Is(err, review.ErrBadInput) {
			t.Errorf("a zero TTL: %v", err)
		}
	})
}
