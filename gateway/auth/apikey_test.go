package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/portcullis/portcullis/internal/redistest"
	"github.com/portcullis/portcullis/internal/testwait"
)

func testHasher(t testing.TB) *Hasher {
	t.Helper()
	h, err := NewHasher([]byte(testPepper))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

var redisPrefixes atomic.Int64

// redisStore returns a key store under a prefix of its own on addr.
func redisStore(t testing.TB, addr string) (*RedisKeyStore, redis.UniversalClient) {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { c.Close() })
	return NewRedisKeyStore(c, fmt.Sprintf("t%d:keys:", redisPrefixes.Add(1)), slog.New(slog.DiscardHandler)), c
}

// stores runs f on a file store and on a Redis store.
func stores(t *testing.T, f func(t *testing.T, s KeyStore, scan func() string)) {
	t.Run("in a file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "keys.json")
		f(t, NewFileKeyStore(path), func() string {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		})
	})
	t.Run("in Redis", func(t *testing.T) {
		s, c := redisStore(t, redistest.Start(t))
		f(t, s, func() string { return dumpRedis(t, c) })
	})
}

// dumpRedis returns every key and value in the Redis database as text.
func dumpRedis(t *testing.T, c redis.UniversalClient) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	keys, err := c.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		b.WriteString(k + "\n")
		switch typ := c.Type(ctx, k).Val(); typ {
		case "string":
			b.WriteString(c.Get(ctx, k).Val() + "\n")
		case "hash":
			for f, v := range c.HGetAll(ctx, k).Val() {
				b.WriteString(f + "=" + v + "\n")
			}
		default:
			t.Fatalf("unexpected %s at %s", typ, k)
		}
	}
	return b.String()
}

func TestAPIKeyLifecycle(t *testing.T) {
	stores(t, func(t *testing.T, store KeyStore, scan func() string) {
		ctx := context.Background()
		clk := newClock()
		h := testHasher(t)
		m := NewKeyManager(store, h, clk.Now)
		ring := NewKeyRing(store, h, time.Second, time.Minute, clk.Now, nil)
		reload := func() {
			t.Helper()
			if err := ring.Load(ctx); err != nil {
				t.Fatal(err)
			}
		}
		var secrets []string

		k, secret, err := m.Create(ctx, "alice", []string{"reader"}, 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, secret)
		reload()
		t.Run("a new key authenticates as its owner with its scopes as roles", func(t *testing.T) {
			id, err := ring.Check(secret)
			if err != nil {
				t.Fatal(err)
			}
			if id.KeyID != k.ID || id.User != "alice" || strings.Join(id.Roles, ",") != "reader" || id.Method != "api_key" {
				t.Errorf("identity %+v", id)
			}
		})
		t.Run("a key with a changed secret is unknown", func(t *testing.T) {
			bad := secret[:len(secret)-1] + string("ab"[(strings.IndexByte("ab", secret[len(secret)-1])+1)%2])
			if _, err := ring.Check(bad); !errors.Is(err, ErrUnknownAPIKey) {
				t.Fatalf("error %v; want ErrUnknownAPIKey", err)
			}
		})
		t.Run("a string that is not a key is unknown", func(t *testing.T) {
			if _, err := ring.Check("hunter2"); !errors.Is(err, ErrUnknownAPIKey) {
				t.Fatalf("error %v; want ErrUnknownAPIKey", err)
			}
		})

		_, next, err := m.Rotate(ctx, k.ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, next)
		reload()
		t.Run("during the rotation overlap both the old and the new secret work", func(t *testing.T) {
			for _, s := range []string{secret, next} {
				if id, err := ring.Check(s); err != nil || id.KeyID != k.ID {
					t.Fatalf("check: %+v, %v", id, err)
				}
			}
		})
		t.Run("after the overlap only the new secret works", func(t *testing.T) {
			clk.Add(time.Hour + time.Second)
			if _, err := ring.Check(secret); !errors.Is(err, ErrKeyExpired) {
				t.Fatalf("old secret: %v; want ErrKeyExpired", err)
			}
			if _, err := ring.Check(next); err != nil {
				t.Fatalf("new secret: %v", err)
			}
		})
		t.Run("a key past its expiry fails", func(t *testing.T) {
			clk.Add(24 * time.Hour)
			if _, err := ring.Check(next); !errors.Is(err, ErrKeyExpired) {
				t.Fatalf("error %v; want ErrKeyExpired", err)
			}
		})

		k2, s2, err := m.Create(ctx, "bob", nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, s2)
		if _, err := m.Revoke(ctx, k2.ID); err != nil {
			t.Fatal(err)
		}
		reload()
		t.Run("a revoked key fails", func(t *testing.T) {
			if _, err := ring.Check(s2); !errors.Is(err, ErrKeyRevoked) {
				t.Fatalf("error %v; want ErrKeyRevoked", err)
			}
		})
		t.Run("a revoked key cannot be rotated back to life", func(t *testing.T) {
			if _, _, err := m.Rotate(ctx, k2.ID, 0); !errors.Is(err, ErrKeyRevoked) {
				t.Fatalf("error %v; want ErrKeyRevoked", err)
			}
		})
		t.Run("an unknown id is not found", func(t *testing.T) {
			if _, err := m.Revoke(ctx, "knothere12345"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("error %v; want ErrNotFound", err)
			}
		})
		t.Run("the list shows every key with its state", func(t *testing.T) {
			ks, err := m.List(ctx)
			if err != nil {
				t.Fatal(err)
			}
			states := map[string]State{}
			for _, k := range ks {
				states[k.Owner] = k.State
			}
			if len(ks) != 2 || states["alice"] != StateActive || states["bob"] != StateRevoked {
				t.Errorf("keys %+v", ks)
			}
		})
		t.Run("the store holds hashes only, never a secret", func(t *testing.T) {
			at := scan()
			if !strings.Contains(at, k.ID) {
				t.Fatalf("the scan does not show the store: %q", at)
			}
			for _, s := range secrets {
				secretPart := s[strings.LastIndexByte(s, '_')+1:]
				if strings.Contains(at, s) || strings.Contains(at, secretPart) {
					t.Fatalf("the store holds a secret in plain text")
				}
			}
			if strings.Contains(at, testPepper) {
				t.Fatal("the store holds the pepper")
			}
		})
	})
}

func TestRevocationReachesEveryGatewayWithinASecond(t *testing.T) {
	leaks := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, leaks) }) // after redis-server stops
	addr := redistest.Start(t)
	admin, _ := redisStore(t, addr)
	ctx, cancel := context.WithCancel(context.Background())
	h := testHasher(t)
	m := NewKeyManager(admin, h, nil)
	k, secret, err := m.Create(ctx, "alice", []string{"reader"}, 0)
	if err != nil {
		t.Fatal(err)
	}

	// Two gateways, each with a store and a ring of its own; a resync far
	// off, so only the push (or the probe) can bring the revocation.
	var rings []*KeyRing
	done := make(chan struct{})
	n := 2
	for range n {
		c := redis.NewClient(&redis.Options{Addr: addr})
		store := NewRedisKeyStore(c, admin.prefix, nil)
		r := NewKeyRing(store, h, time.Hour, time.Hour, nil, nil)
		rings = append(rings, r)
		go func() {
			r.Run(ctx)
			c.Close()
			done <- struct{}{}
		}()
	}
	defer func() {
		cancel()
		for range n {
			<-done
		}
	}()
	for i, r := range rings {
		eventuallyTrue(t, fmt.Sprintf("gateway %d accepts the key", i), 5*time.Second, func() bool {
			_, err := r.Check(secret)
			return err == nil
		})
	}
	start := time.Now()
	if _, err := m.Revoke(ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	for i, r := range rings {
		eventuallyTrue(t, fmt.Sprintf("gateway %d refuses the revoked key", i), time.Second, func() bool {
			_, err := r.Check(secret)
			return errors.Is(err, ErrKeyRevoked)
		})
	}
	t.Logf("revocation reached %d gateways in %v", n, time.Since(start))
	if rings[1].changes.Load() == 0 {
		t.Error("the revocation arrived by resync, not by push")
	}
}

func TestKeyRingResyncsAfterAMissedChange(t *testing.T) {
	addr := redistest.Start(t)
	store, _ := redisStore(t, addr)
	ctx, cancel := context.WithCancel(context.Background())
	h := testHasher(t)
	m := NewKeyManager(store, h, nil)
	ring := NewKeyRing(store, h, 20*time.Millisecond, time.Hour, nil, nil)
	if err := ring.Load(ctx); err != nil {
		t.Fatal(err)
	}
	// Created before the ring follows: no push reaches it, the probe must.
	_, secret, err := m.Create(ctx, "alice", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { ring.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	eventuallyTrue(t, "the ring loads the key", 2*time.Second, func() bool {
		_, err := ring.Check(secret)
		return err == nil
	})
}

func TestFileKeyStoreIsPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.json")
	m := NewKeyManager(NewFileKeyStore(path), testHasher(t), nil)
	if _, _, err := m.Create(context.Background(), "alice", nil, 0); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v; want 0600", fi.Mode().Perm())
	}
}

func TestShortPepperIsRefused(t *testing.T) {
	if _, err := NewHasher([]byte("short")); err == nil {
		t.Fatal("a 5-byte pepper was accepted")
	}
}

// eventuallyTrue polls ok until it holds, failing t after within (scaled
// for the race detector and slow machines).
func eventuallyTrue(t *testing.T, what string, within time.Duration, ok func() bool) {
	t.Helper()
	testwait.Until(t, within, what, ok)
}
