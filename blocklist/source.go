package blocklist

import (
	"context"
	"time"

	"github.com/portcullis/portcullis/decision"
)

// Source is the blocklist as a Checker reads it: a snapshot, the version
// of the last change, and the stream of changes after it. The Redis store
// (blocklist/redisstore) implements it.
type Source interface {
	// List returns the active decisions and the allowlist as of one
	// version.
	List(ctx context.Context) (Snapshot, error)
	// Version returns the version of the last change.
	Version(ctx context.Context) (uint64, error)
	// Subscribe returns the changes made after it returns, in version
	// order, until ctx ends; then the channel is closed. A change may be
	// lost (the follower sees a gap and resyncs from List).
	Subscribe(ctx context.Context) (<-chan Change, error)
}

// Ops of a Change.
const (
	OpStore        = "store"
	OpRemove       = "remove"
	OpAllow        = "allow"
	OpUnallow      = "unallow"
	OpBreaker      = "breaker"
	OpBreakerReset = "breaker_reset"
)

// Change is one change to the blocklist, as published on Channel.
type Change struct {
	Version uint64 `json:"v"`
	Op      string `json:"op"`
	// Client is set for store and remove.
	Client string `json:"client,omitempty"`
	// Entry is the allowlist entry of allow and unallow.
	Entry string `json:"entry,omitempty"`
	// Decision is the stored decision of store.
	Decision *decision.Decision `json:"decision,omitempty"`
	// ExpiresMS is when the block (store) or the open breaker (breaker)
	// lapses, in Unix milliseconds by the Redis clock.
	ExpiresMS int64 `json:"exp,omitempty"`
	// StoredMS is when a store change was made, in Unix milliseconds by
	// the Redis clock: followers measure propagation from it.
	StoredMS int64 `json:"at,omitempty"`
	// Reason says why the breaker tripped.
	Reason string `json:"reason,omitempty"`
}

// Expires returns ExpiresMS as a time.
func (c Change) Expires() time.Time { return time.UnixMilli(c.ExpiresMS) }
