package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// KeyStore holds the API keys (hashes only). Every change increments the
// store's version, so a follower can tell it missed one.
type KeyStore interface {
	// Get returns the key with id, or an error wrapping ErrNotFound.
	Get(ctx context.Context, id string) (Key, error)
	// Put creates or replaces a key.
	Put(ctx context.Context, k Key) error
	// Snapshot returns every key and the version they are consistent with.
	Snapshot(ctx context.Context) (KeySnapshot, error)
	// Version returns the version of the last change.
	Version(ctx context.Context) (uint64, error)
}

// KeyWatcher is a KeyStore that pushes its changes.
type KeyWatcher interface {
	// Watch delivers the changes made after it returns, in version order,
	// until ctx ends; then it closes the channel.
	Watch(ctx context.Context) (<-chan KeyChange, error)
}

// KeySnapshot is every key of a store at a version. Keys is the caller's.
type KeySnapshot struct {
	Version uint64 `json:"version"`
	Keys    []Key  `json:"keys"`
}

// KeyChange announces that key ID changed at Version.
type KeyChange struct {
	Version uint64 `json:"v"`
	ID      string `json:"id"`
}

// FileKeyStore keeps the keys in a JSON file (mode 0600), rewritten
// whole and renamed into place on every change. Gateways notice changes
// by the version probe: there is no push, so prefer Redis where
// revocation must reach every gateway within a second.
type FileKeyStore struct {
	path string
	mu   sync.Mutex
}

var _ KeyStore = (*FileKeyStore)(nil)

// NewFileKeyStore returns the store in the file at path; a missing file
// is an empty store.
func NewFileKeyStore(path string) *FileKeyStore { return &FileKeyStore{path: path} }

func (f *FileKeyStore) read() (KeySnapshot, error) {
	b, err := os.ReadFile(f.path)
	if errors.Is(err, os.ErrNotExist) {
		return KeySnapshot{}, nil
	}
	if err != nil {
		return KeySnapshot{}, fmt.Errorf("auth: key file: %w", err)
	}
	var s KeySnapshot
	if err := json.Unmarshal(b, &s); err != nil {
		return KeySnapshot{}, fmt.Errorf("auth: key file %s: %w", f.path, err)
	}
	return s, nil
}

// Get implements KeyStore.
func (f *FileKeyStore) Get(_ context.Context, id string) (Key, error) {
	s, err := f.read()
	if err != nil {
		return Key{}, err
	}
	for _, k := range s.Keys {
		if k.ID == id {
			return k, nil
		}
	}
	return Key{}, fmt.Errorf("auth: key %s: %w", id, ErrNotFound)
}

// Put implements KeyStore.
func (f *FileKeyStore) Put(_ context.Context, k Key) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, err := f.read()
	if err != nil {
		return err
	}
	i := slices.IndexFunc(s.Keys, func(o Key) bool { return o.ID == k.ID })
	if i >= 0 {
		s.Keys[i] = k
	} else {
		s.Keys = append(s.Keys, k)
	}
	slices.SortFunc(s.Keys, func(a, b Key) int { return strings.Compare(a.ID, b.ID) })
	s.Version++
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("auth: key file: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(f.path), ".keys-*")
	if err != nil {
		return fmt.Errorf("auth: key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("auth: key file: %w", err)
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("auth: key file: %w", err)
	}
	if err := errors.Join(tmp.Sync(), tmp.Close()); err != nil {
		return fmt.Errorf("auth: key file: %w", err)
	}
	if err := os.Rename(tmp.Name(), f.path); err != nil {
		return fmt.Errorf("auth: key file: %w", err)
	}
	return nil
}

// Snapshot implements KeyStore.
func (f *FileKeyStore) Snapshot(context.Context) (KeySnapshot, error) { return f.read() }

// Version implements KeyStore.
func (f *FileKeyStore) Version(context.Context) (uint64, error) {
	s, err := f.read()
	return s.Version, err
}
