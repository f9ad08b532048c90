package httpcheck

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/decision"
	"github.com/portcullis/portcullis/internal/testwait"
)

func blockOf(client, scope string, ttl int64) *decision.Decision {
	return &decision.Decision{Client: client, Scope: scope, TS: time.Now(), Action: decision.ActionBlock, TTLSec: ttl}
}

func actionOf(client, action string, limit float64) *decision.Decision {
	d := blockOf(client, "ip", 600)
	d.Action, d.Limit = action, limit
	return d
}

// snapshotSource is a blocklist.Source holding one snapshot that never
// changes; while down, it does not answer, as a store that cannot be
// reached.
type snapshotSource struct {
	snap blocklist.Snapshot
	down atomic.Bool
}

var _ blocklist.Source = (*snapshotSource)(nil)

var errDown = errors.New("the store is down")

func (s *snapshotSource) List(context.Context) (blocklist.Snapshot, error) {
	if s.down.Load() {
		return blocklist.Snapshot{}, errDown
	}
	return s.snap, nil
}

func (s *snapshotSource) Version(context.Context) (uint64, error) {
	if s.down.Load() {
		return 0, errDown
	}
	return s.snap.Version, nil
}

func (s *snapshotSource) Subscribe(ctx context.Context) (<-chan blocklist.Change, error) {
	ch := make(chan blocklist.Change)
	go func() {
		<-ctx.Done()
		close(ch)
	}()
	return ch, nil
}

// loadedChecker returns a Checker that Run keeps in sync with a store
// holding the decisions of s, once it has loaded them, and the store.
// Run ends when the test does.
func loadedChecker(t testing.TB, cfg blocklist.CheckerConfig, s blocklist.Snapshot) (*blocklist.Checker, *snapshotSource) {
	t.Helper()
	s.Version = 1
	s.Expires = make([]time.Time, len(s.Decisions))
	for i, d := range s.Decisions {
		s.Expires[i] = time.Now().Add(time.Duration(d.TTLSec) * time.Second)
	}
	src := &snapshotSource{snap: s}
	c := blocklist.NewChecker(src, cfg, nil)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := c.Run(ctx); err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	t.Cleanup(func() { cancel(); wg.Wait() })
	testwait.Until(t, 30*time.Second, "the checker loads its first snapshot", func() bool { return c.Stats().Resyncs > 0 })
	return c, src
}

// staleChecker returns a Checker that loaded the decisions of s and then
// lost its store, once its view is older than its MaxStaleness.
func staleChecker(t testing.TB, mode blocklist.FailMode, s blocklist.Snapshot) *blocklist.Checker {
	t.Helper()
	cfg := blocklist.CheckerConfig{FailMode: mode, MaxStaleness: 100 * time.Millisecond, ProbeInterval: 20 * time.Millisecond}
	c, src := loadedChecker(t, cfg, s)
	src.down.Store(true)
	testwait.Until(t, 30*time.Second, "the view grows stale", func() bool { return c.Staleness() > 200*time.Millisecond })
	return c
}
