package blocklistctl

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/portcullis/portcullis/blocklist/redisstore"
	"github.com/portcullis/portcullis/review"
)

// DefaultTimeout bounds one subcommand of "portcullis blocklist".
const DefaultTimeout = 30 * time.Second

// Tool is "portcullis blocklist": each of its methods is one subcommand,
// run on the blocklist Store names, open for the length of the call.
type Tool struct {
	Store StoreConfig
	// JSON prints decisions and the breaker as JSON: decisions in the
	// shape portcullis score writes.
	JSON bool
	// Out receives what a subcommand prints; Log the store's warnings.
	Out, Log io.Writer
	// Timeout bounds a subcommand; DefaultTimeout when 0.
	Timeout time.Duration
}

// Do opens the blocklist, runs f on it within the Timeout, and closes it.
func (t Tool) Do(ctx context.Context, f func(ctx context.Context, r *redisstore.Store) error) error {
	r, err := Open(t.Store, slog.New(slog.NewTextHandler(t.Log, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return err
	}
	defer r.Close()
	timeout := t.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return f(ctx, r)
}

// List prints the active decisions.
func (t Tool) List(ctx context.Context) error {
	return t.Do(ctx, func(ctx context.Context, r *redisstore.Store) error {
		s, err := r.List(ctx)
		if err != nil {
			return err
		}
		return WriteList(t.Out, s, t.JSON)
	})
}

// Explain prints the decision about client with its reasons, or fails
// when no decision names it.
func (t Tool) Explain(ctx context.Context, client string) error {
	return t.Do(ctx, func(ctx context.Context, r *redisstore.Store) error {
		d, err := r.Get(ctx, client)
		if err != nil {
			return err
		}
		if d == nil {
			return fmt.Errorf("%s is not blocked", EscapeText(client))
		}
		return WriteExplain(t.Out, d, t.JSON)
	})
}

// Decide stores an operator's decision m (see Decide).
func (t Tool) Decide(ctx context.Context, m review.Manual) error {
	return t.Do(ctx, func(ctx context.Context, r *redisstore.Store) error { return Decide(ctx, r, t.Out, m) })
}

// Unblock lifts the block on client (see Unblock).
func (t Tool) Unblock(ctx context.Context, client string) error {
	return t.Do(ctx, func(ctx context.Context, r *redisstore.Store) error { return Unblock(ctx, r, t.Out, client) })
}

// Allow allowlists entry (see Allow).
func (t Tool) Allow(ctx context.Context, entry string, force bool) error {
	return t.Do(ctx, func(ctx context.Context, r *redisstore.Store) error { return Allow(ctx, r, t.Out, entry, force) })
}

// Unallow removes an allowlist entry (see Unallow).
func (t Tool) Unallow(ctx context.Context, entry string) error {
	return t.Do(ctx, func(ctx context.Context, r *redisstore.Store) error { return Unallow(ctx, r, t.Out, entry) })
}

// Breaker prints the safety breaker's state.
func (t Tool) Breaker(ctx context.Context) error {
	return t.Do(ctx, func(ctx context.Context, r *redisstore.Store) error {
		b, err := r.Breaker(ctx)
		if err != nil {
			return err
		}
		return WriteBreaker(t.Out, b, t.JSON)
	})
}

// ResetBreaker resets the safety breaker; action, the subcommand's
// argument, must be "reset".
func (t Tool) ResetBreaker(ctx context.Context, action string) error {
	return t.Do(ctx, func(ctx context.Context, r *redisstore.Store) error {
		if action != "reset" {
			return fmt.Errorf("breaker %q: the only action is reset", action)
		}
		if err := r.ResetBreaker(ctx); err != nil {
			return err
		}
		fmt.Fprintln(t.Out, "breaker reset")
		return nil
	})
}
