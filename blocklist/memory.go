package blocklist

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/portcullis/portcullis/decision"
)

// ErrFull is returned by Put when the store holds its cap of active
// decisions.
var ErrFull = errors.New("blocklist: the cap on active decisions is reached; raise it or review the model")

// Memory is an in-memory Store of active decisions, safe for concurrent
// use. Time is passed in, so replays of recordings run on event time.
type Memory struct {
	mu     sync.RWMutex
	max    int
	active map[string]*decision.Decision
}

// NewMemory returns an empty store holding at most max active decisions
// (0 means no cap).
func NewMemory(max int) *Memory {
	return &Memory{max: max, active: map[string]*decision.Decision{}}
}

// Put stores d, replacing an earlier decision about the same client. It
// returns ErrFull when the cap is reached after expired decisions are
// dropped.
func (m *Memory) Put(d *decision.Decision) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.active[d.Client]; !ok && m.max > 0 && len(m.active) >= m.max {
		m.expireLocked(d.TS)
		if len(m.active) >= m.max {
			return ErrFull
		}
	}
	m.active[d.Client] = d
	return nil
}

// Get returns the decision about client active at now, or nil.
func (m *Memory) Get(client string, now time.Time) *decision.Decision {
	m.mu.RLock()
	defer m.mu.RUnlock()
	d := m.active[client]
	if d == nil || !now.Before(d.Expires()) {
		return nil
	}
	return d
}

// Remove drops the decision about client and reports whether there was one.
func (m *Memory) Remove(client string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.active[client]
	delete(m.active, client)
	return ok
}

// List returns the decisions active at now, in event-time order. The
// caller owns the slice, not the decisions.
func (m *Memory) List(now time.Time) []*decision.Decision {
	m.mu.RLock()
	out := make([]*decision.Decision, 0, len(m.active))
	for _, d := range m.active {
		if now.Before(d.Expires()) {
			out = append(out, d)
		}
	}
	m.mu.RUnlock()
	slices.SortFunc(out, func(a, b *decision.Decision) int {
		if c := a.TS.Compare(b.TS); c != 0 {
			return c
		}
		return strings.Compare(a.Client, b.Client)
	})
	return out
}

// Expire drops the decisions that lapsed by now and returns how many.
func (m *Memory) Expire(now time.Time) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.expireLocked(now)
}

func (m *Memory) expireLocked(now time.Time) int {
	n := 0
	for c, d := range m.active {
		if !now.Before(d.Expires()) {
			delete(m.active, c)
			n++
		}
	}
	return n
}
