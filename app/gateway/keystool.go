package gateway

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/portcullis/portcullis/gateway/auth"
)

// KeysTimeout bounds one subcommand of "portcullis keys".
const KeysTimeout = 30 * time.Second

// KeysTool is "portcullis keys": each of its methods is one subcommand,
// run with the key manager Keys names, open for the length of the call.
type KeysTool struct {
	Keys KeysConfig
	// JSON prints keys as JSON.
	JSON bool
	// Out receives what a subcommand prints; Log the store's warnings.
	Out, Log io.Writer
}

// Do opens the key manager, runs f with it within KeysTimeout, and closes
// what it opened.
func (t KeysTool) Do(ctx context.Context, f func(ctx context.Context, m *auth.KeyManager) error) error {
	m, closeFn, err := OpenKeys(t.Keys, slog.New(slog.NewTextHandler(t.Log, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return err
	}
	defer closeFn()
	ctx, cancel := context.WithTimeout(ctx, KeysTimeout)
	defer cancel()
	return f(ctx, m)
}

// Create creates a key and prints it, with its secret, once.
func (t KeysTool) Create(ctx context.Context, owner string, scopes []string, ttl time.Duration) error {
	return t.Do(ctx, func(ctx context.Context, m *auth.KeyManager) error {
		k, secret, err := m.Create(ctx, owner, scopes, ttl)
		if err != nil {
			return err
		}
		return WriteKey(t.Out, k, secret, t.JSON)
	})
}

// Rotate gives the key id a new secret, prints it once, and keeps the old
// one working for overlap.
func (t KeysTool) Rotate(ctx context.Context, id string, overlap time.Duration) error {
	return t.Do(ctx, func(ctx context.Context, m *auth.KeyManager) error {
		k, secret, err := m.Rotate(ctx, id, overlap)
		if err != nil {
			return err
		}
		return WriteKey(t.Out, k, secret, t.JSON)
	})
}

// Revoke revokes the key id and says when.
func (t KeysTool) Revoke(ctx context.Context, id string) error {
	return t.Do(ctx, func(ctx context.Context, m *auth.KeyManager) error {
		k, err := m.Revoke(ctx, id)
		if err != nil {
			return err
		}
		fmt.Fprintf(t.Out, "%s revoked at %s\n", k.ID, k.Revoked.Format(time.RFC3339))
		return nil
	})
}

// List prints the keys, never a secret.
func (t KeysTool) List(ctx context.Context) error {
	return t.Do(ctx, func(ctx context.Context, m *auth.KeyManager) error {
		ks, err := m.List(ctx)
		if err != nil {
			return err
		}
		return WriteKeys(t.Out, ks, t.JSON)
	})
}
