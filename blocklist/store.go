package blocklist

import (
	"context"
	"time"

	"github.com/portcullis/portcullis/decision"
)

// Store is the blocklist as the online detector and the CLI see it: the
// Redis blocklist in production.
//
// Memory does not implement Store: it runs on event time passed in by the
// caller (Get(client, now)), while a Store keeps time itself.
//
// Every method takes a ctx and returns an error when the store could not be
// reached or ctx ended; callers retry, the store does not.
type Store interface {
	// Apply stores decisions, a batch that already passed the detector's
	// policy. It returns one Outcome per decision, in the order of ds,
	// saying what it actually did: stored, refused as allowlisted, refused
	// by the breaker, refused by the cap, or recorded as simulated. A
	// refusal is not an error.
	//
	// It returns an error only when the store could not be reached; then
	// nothing can be assumed about which decisions were stored, and the
	// caller retries the batch and does not commit the offsets behind it.
	// Applying a batch twice is harmless: a decision about a client that is
	// already blocked refreshes the block and is not a new offense.
	//
	// Apply does not modify ds. The caller owns the returned slice.
	Apply(ctx context.Context, ds []*decision.Decision) ([]Outcome, error)

	// Remove unblocks client and forgets its offenses (an operator who
	// unblocks says the block was wrong). It reports whether client was
	// blocked.
	Remove(ctx context.Context, client string) (bool, error)

	// Get returns the active decision about client, or nil if there is
	// none.
	Get(ctx context.Context, client string) (*decision.Decision, error)

	// List returns the active decisions and the allowlist as of one
	// version, so that a follower can resync from it.
	List(ctx context.Context) (Snapshot, error)

	// Allow adds an entry to the allowlist: an IP address, a CIDR prefix
	// (IPv4 or IPv6), or an exact client identity such as an API key. Active
	// decisions about clients the entry covers are removed. Adding an entry
	// that is already there is not an error.
	Allow(ctx context.Context, entry string) error

	// Unallow removes an entry from the allowlist. Removing an entry that is
	// not there is not an error.
	Unallow(ctx context.Context, entry string) error

	// Allowlist returns the allowlist entries, sorted. The caller owns the
	// slice.
	Allowlist(ctx context.Context) ([]string, error)

	// Breaker returns the state of the breaker that stops new blocks after
	// a burst of them.
	Breaker(ctx context.Context) (BreakerState, error)

	// ResetBreaker closes the breaker before its cooldown ends and forgets
	// the recent new decisions it counted.
	ResetBreaker(ctx context.Context) error
}

// Result is what Apply did with one decision.
type Result uint8

// Results of Apply.
const (
	// Stored: the client is blocked.
	Stored Result = iota + 1
	// Simulated: dry run; the decision is recorded in the simulated key
	// space, marked Simulated, and blocks nothing.
	Simulated
	// RefusedAllowlisted: the client is on the allowlist.
	RefusedAllowlisted
	// RefusedBreaker: the breaker is open (tripped by this batch or
	// earlier), so nothing is stored until it resets.
	RefusedBreaker
	// RefusedCap: the store holds its cap of active decisions and the
	// client is not one of them.
	RefusedCap
)

var resultNames = [...]string{"", "stored", "simulated", "allowlisted", "breaker", "cap"}

// String returns a short lower-case name, fit for a metric label.
func (r Result) String() string {
	if int(r) < len(resultNames) && r != 0 {
		return resultNames[r]
	}
	return "unknown"
}

// Outcome is what Apply did with one decision.
type Outcome struct {
	Client string
	Result Result
	// New says the client was not blocked before: the decision counted
	// toward the breaker and as an offense. False for a refresh of an
	// active block, and for refusals.
	New bool
	// Offenses is the client's offense count, after this decision, that
	// the TTL escalated on.
	Offenses int
	// TTL is the block's length from when it was stored, after escalation,
	// the cap on escalation and jitter. A refresh never shortens a block.
	TTL time.Duration
	// Expires is when the block lapses, by the store's clock.
	Expires time.Time
	// Version is the version of the change that stored the decision; zero
	// for refusals.
	Version uint64
}

// Snapshot is the state of a Store at one version.
type Snapshot struct {
	// Version is the version of the last change the snapshot includes.
	Version uint64
	// Decisions are the active decisions, in event-time order.
	Decisions []*decision.Decision
	// Expires[i] is when Decisions[i] lapses, by the store's clock.
	Expires []time.Time
	// Allow are the allowlist entries, sorted.
	Allow []string
}

// BreakerState is the state of the breaker.
type BreakerState struct {
	// Tripped says new blocks are refused.
	Tripped bool
	// Reason says why it tripped.
	Reason string
	// Since is when it tripped, Until when it resets by itself.
	Since, Until time.Time
	// Recent is how many new decisions the current window holds.
	Recent int
}
