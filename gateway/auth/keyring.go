package auth

import (
	"context"
	"crypto/hmac"
	"encoding/hex"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"
)

// KeyRing is a gateway's local, in-memory view of the API keys, kept in
// sync with a KeyStore by Run, so that no request waits on the store.
// Check is safe for concurrent use and takes no lock.
type KeyRing struct {
	store          KeyStore
	hasher         *Hasher
	now            func() time.Time
	probe, resync  time.Duration
	logger         *slog.Logger
	view           atomic.Pointer[ringView]
	synced         atomic.Bool
	changes, syncs atomic.Uint64
}

type ringView struct {
	version uint64
	keys    map[string]*ringKey
}

// ringKey is a stored key, ready to check.
type ringKey struct {
	id      Identity
	expires int64 // Unix ns; 0 for never
	revoked bool
	secrets []ringSecret
	uses    *atomic.Uint64 // carried over from view to view
}

type ringSecret struct {
	hash    [32]byte
	expires int64 // Unix ns; 0 while current
}

// NewKeyRing returns a KeyRing following store; Run loads it. probe and
// resync are how often the store's version is read and how often
// everything is reloaded; now may be nil (time.Now).
func NewKeyRing(store KeyStore, hasher *Hasher, probe, resync time.Duration, now func() time.Time, logger *slog.Logger) *KeyRing {
	if now == nil {
		now = time.Now
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	r := &KeyRing{store: store, hasher: hasher, now: now, probe: probe, resync: resync, logger: logger}
	r.view.Store(&ringView{keys: map[string]*ringKey{}})
	return r
}

// Check returns the identity of an API key. The error wraps
// ErrUnknownAPIKey, ErrKeyRevoked or ErrKeyExpired. The Identity is
// shared and must not be changed.
func (r *KeyRing) Check(key string) (*Identity, error) {
	id := keyIDOf(key)
	if id == "" {
		return nil, ErrUnknownAPIKey
	}
	k, ok := r.view.Load().keys[id]
	if !ok {
		return nil, ErrUnknownAPIKey
	}
	sum := r.hasher.sum(key)
	now := r.now().UnixNano()
	for i := range k.secrets {
		s := &k.secrets[i]
		if !hmac.Equal(s.hash[:], sum[:]) {
			continue
		}
		switch {
		case k.revoked:
			return nil, ErrKeyRevoked
		case k.expires != 0 && now >= k.expires, s.expires != 0 && now >= s.expires:
			return nil, ErrKeyExpired
		}
		k.uses.Add(1)
		return &k.id, nil
	}
	return nil, ErrUnknownAPIKey
}

// Len returns how many keys the view holds.
func (r *KeyRing) Len() int { return len(r.view.Load().keys) }

// Synced says whether a first snapshot has been loaded.
func (r *KeyRing) Synced() bool { return r.synced.Load() }

// Load loads a snapshot from the store now.
func (r *KeyRing) Load(ctx context.Context) error {
	s, err := r.store.Snapshot(ctx)
	if err != nil {
		return err
	}
	old := r.view.Load()
	v := &ringView{version: s.Version, keys: make(map[string]*ringKey, len(s.Keys))}
	for _, k := range s.Keys {
		v.keys[k.ID] = r.compile(k, old.keys[k.ID])
	}
	r.view.Store(v)
	r.synced.Store(true)
	r.syncs.Add(1)
	return nil
}

func (r *KeyRing) compile(k Key, prev *ringKey) *ringKey {
	rk := &ringKey{
		id:      Identity{Method: "api_key", User: k.Owner, KeyID: k.ID, Roles: k.Scopes},
		revoked: k.State != StateActive,
	}
	if !k.Expires.IsZero() {
		rk.expires = k.Expires.UnixNano()
	}
	for _, s := range k.Secrets {
		var rs ringSecret
		if n, err := hex.Decode(rs.hash[:], []byte(s.Hash)); err != nil || n != len(rs.hash) {
			r.logger.Warn("stored key has a malformed secret hash; that secret is ignored", "key_id", k.ID)
			continue
		}
		if !s.Expires.IsZero() {
			rs.expires = s.Expires.UnixNano()
		}
		rk.secrets = append(rk.secrets, rs)
	}
	if prev != nil {
		rk.uses = prev.uses
	} else {
		rk.uses = new(atomic.Uint64)
	}
	return rk
}

// Run keeps the view in sync until ctx ends, then returns nil: it follows
// the pushed changes (when the store is a KeyWatcher), probes the store's
// version to notice missed ones, and reloads everything periodically.
// While the store is unreachable it keeps the view it has and retries with
// backoff.
func (r *KeyRing) Run(ctx context.Context) error {
	backoff := 50 * time.Millisecond
	for {
		syncs := r.syncs.Load()
		err := r.follow(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if r.syncs.Load() != syncs {
			backoff = 50 * time.Millisecond
		}
		r.logger.LogAttrs(ctx, slog.LevelWarn, "api key follower interrupted; serving from the local view and retrying", slog.Any("error", err))
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 2*time.Second)
	}
}

func (r *KeyRing) follow(ctx context.Context) error {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var changes <-chan KeyChange
	if w, ok := r.store.(KeyWatcher); ok {
		ch, err := w.Watch(sctx)
		if err != nil {
			return err
		}
		changes = ch
		defer func() {
			cancel()
			for range ch {
			}
		}()
	}
	if err := r.Load(ctx); err != nil {
		return err
	}
	probe := time.NewTicker(r.probe)
	defer probe.Stop()
	resync := time.NewTicker(r.resync)
	defer resync.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case c, ok := <-changes:
			if !ok {
				return errors.New("auth: key change subscription ended")
			}
			if err := r.apply(ctx, c); err != nil {
				return err
			}
		case <-probe.C:
			sv, err := r.store.Version(ctx)
			if err != nil {
				r.logger.LogAttrs(ctx, slog.LevelDebug, "api key version probe failed", slog.Any("error", err))
				continue
			}
			if sv != r.view.Load().version {
				if err := r.Load(ctx); err != nil {
					return err
				}
			}
		case <-resync.C:
			if err := r.Load(ctx); err != nil {
				return err
			}
		}
	}
}

// apply applies one pushed change: the next version re-reads that key;
// any other version reloads everything.
func (r *KeyRing) apply(ctx context.Context, c KeyChange) error {
	v := r.view.Load()
	if c.Version <= v.version {
		return nil // in the snapshot already
	}
	if c.Version != v.version+1 {
		return r.Load(ctx)
	}
	k, err := r.store.Get(ctx, c.ID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	n := &ringView{version: c.Version, keys: make(map[string]*ringKey, len(v.keys)+1)}
	for id, rk := range v.keys {
		n.keys[id] = rk
	}
	if err == nil {
		n.keys[k.ID] = r.compile(k, v.keys[k.ID])
	} else {
		delete(n.keys, c.ID)
	}
	r.view.Store(n)
	r.changes.Add(1)
	return nil
}

// usage returns each key's request count, for the top-K metric.
func (r *KeyRing) usage(yield func(id string, n uint64)) {
	for id, k := range r.view.Load().keys {
		if n := k.uses.Load(); n > 0 {
			yield(id, n)
		}
	}
}
