package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"slices"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// An API key reads pk_<id>_<secret>: the id (k and 12 base32 characters)
// names the stored record, so a lookup is one map access; the secret is 32
// random bytes in base32. Only the HMAC-SHA-256 of the whole key, under
// the pepper, is ever stored.
const (
	keyPrefix    = "pk_"
	idLen        = 13
	secretBytes  = 32
	secretLen    = 52 // base32 of 32 bytes, unpadded
	apiKeyLength = len(keyPrefix) + idLen + 1 + secretLen
)

var b32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// State is an API key's state.
type State string

// Key states.
const (
	StateActive  State = "active"
	StateRevoked State = "revoked"
)

// Key is a stored API key: who owns it, what it may do and its hashed
// secrets. It never holds a secret in plain text.
type Key struct {
	ID      string    `json:"id"`
	Owner   string    `json:"owner"`
	Scopes  []string  `json:"scopes,omitempty"`
	Created time.Time `json:"created"`
	// Expires is when the key stops working; zero for never.
	Expires time.Time `json:"expires,omitzero"`
	State   State     `json:"state"`
	Revoked time.Time `json:"revoked,omitzero"`
	// Secrets are the key's valid secrets, as hashes: one, or two during a
	// rotation's overlap.
	Secrets []Secret `json:"secrets"`
}

// Secret is the hash of one secret of a key.
type Secret struct {
	// Hash is the hex HMAC-SHA-256 of the whole key under the pepper.
	Hash    string    `json:"hash"`
	Created time.Time `json:"created"`
	// Expires is the end of the rotation overlap for a secret rotated
	// away; zero while it is the current one.
	Expires time.Time `json:"expires,omitzero"`
}

// keyID returns the id in an API key, or "" if the key is not of the
// form pk_<id>_<secret>.
func keyIDOf(key string) string {
	if len(key) != apiKeyLength || !strings.HasPrefix(key, keyPrefix) || key[len(keyPrefix)+idLen] != '_' {
		return ""
	}
	id := key[len(keyPrefix) : len(keyPrefix)+idLen]
	if id[0] != 'k' {
		return ""
	}
	return id
}

// Hasher computes keyed hashes of API keys (HMAC-SHA-256 with the pepper).
// It is safe for concurrent use.
type Hasher struct {
	pool sync.Pool
}

// NewHasher returns a Hasher for pepper, which must be at least 32 bytes.
func NewHasher(pepper []byte) (*Hasher, error) {
	if len(pepper) < minSecretBytes {
		return nil, fmt.Errorf("auth: the api key pepper has %d bytes; use at least %d random bytes", len(pepper), minSecretBytes)
	}
	p := slices.Clone(pepper)
	return &Hasher{pool: sync.Pool{New: func() any { return &pooledMAC{h: hmac.New(sha256.New, p)} }}}, nil
}

// pooledMAC is an HMAC with a buffer for its sum, reused across calls.
type pooledMAC struct {
	h   hash.Hash
	buf [sha256.Size]byte
}

// sum returns the HMAC of key.
func (h *Hasher) sum(key string) [sha256.Size]byte {
	m := h.pool.Get().(*pooledMAC)
	m.h.Reset()
	// The bytes are only read: no copy of the key.
	m.h.Write(unsafe.Slice(unsafe.StringData(key), len(key)))
	out := [sha256.Size]byte(m.h.Sum(m.buf[:0]))
	h.pool.Put(m)
	return out
}

// Hash returns the hex HMAC of key, as stored.
func (h *Hasher) Hash(key string) string {
	s := h.sum(key)
	return hex.EncodeToString(s[:])
}

func newKeyID() string {
	var b [8]byte
	rand.Read(b[:])
	return "k" + b32.EncodeToString(b[:])[:idLen-1]
}

func newSecret(id string) string {
	var b [secretBytes]byte
	rand.Read(b[:])
	return keyPrefix + id + "_" + b32.EncodeToString(b[:])
}

// KeyManager creates, rotates, revokes and lists the keys of a KeyStore,
// for the CLI. Its methods return the secret of a new key once; it is
// never stored.
type KeyManager struct {
	store  KeyStore
	hasher *Hasher
	now    func() time.Time
}

// NewKeyManager returns a KeyManager; now may be nil (time.Now).
func NewKeyManager(store KeyStore, hasher *Hasher, now func() time.Time) *KeyManager {
	if now == nil {
		now = time.Now
	}
	return &KeyManager{store: store, hasher: hasher, now: now}
}

// Create stores a new active key for owner with scopes, expiring after
// ttl (0: never), and returns it with its secret.
func (m *KeyManager) Create(ctx context.Context, owner string, scopes []string, ttl time.Duration) (Key, string, error) {
	if owner == "" {
		return Key{}, "", errors.New("auth: a key needs an owner")
	}
	if ttl < 0 {
		return Key{}, "", fmt.Errorf("auth: ttl %v; use 0 (never expires) or more", ttl)
	}
	now := m.now().UTC()
	k := Key{ID: newKeyID(), Owner: owner, Scopes: slices.Clone(scopes), Created: now, State: StateActive}
	if ttl > 0 {
		k.Expires = now.Add(ttl)
	}
	secret := newSecret(k.ID)
	k.Secrets = []Secret{{Hash: m.hasher.Hash(secret), Created: now}}
	if err := m.store.Put(ctx, k); err != nil {
		return Key{}, "", err
	}
	return k, secret, nil
}

// Rotate gives key id a new secret and returns it. The old secrets keep
// working for overlap, then fail; secrets already past their overlap are
// dropped.
func (m *KeyManager) Rotate(ctx context.Context, id string, overlap time.Duration) (Key, string, error) {
	if overlap < 0 {
		return Key{}, "", fmt.Errorf("auth: overlap %v; use 0 or more", overlap)
	}
	k, err := m.store.Get(ctx, id)
	if err != nil {
		return Key{}, "", err
	}
	if k.State != StateActive {
		return Key{}, "", fmt.Errorf("auth: key %s: %w; create a new key", id, ErrKeyRevoked)
	}
	now := m.now().UTC()
	end := now.Add(overlap)
	kept := k.Secrets[:0]
	for _, s := range k.Secrets {
		if !s.Expires.IsZero() && !s.Expires.After(now) {
			continue
		}
		if s.Expires.IsZero() || s.Expires.After(end) {
			s.Expires = end
		}
		kept = append(kept, s)
	}
	secret := newSecret(k.ID)
	k.Secrets = append(kept, Secret{Hash: m.hasher.Hash(secret), Created: now})
	if err := m.store.Put(ctx, k); err != nil {
		return Key{}, "", err
	}
	return k, secret, nil
}

// Revoke marks key id revoked; every secret of it fails from then on.
func (m *KeyManager) Revoke(ctx context.Context, id string) (Key, error) {
	k, err := m.store.Get(ctx, id)
	if err != nil {
		return Key{}, err
	}
	if k.State == StateRevoked {
		return k, nil
	}
	k.State, k.Revoked = StateRevoked, m.now().UTC()
	return k, m.store.Put(ctx, k)
}

// List returns every stored key, by id.
func (m *KeyManager) List(ctx context.Context) ([]Key, error) {
	s, err := m.store.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(s.Keys, func(a, b Key) int { return strings.Compare(a.ID, b.ID) })
	return s.Keys, nil
}
