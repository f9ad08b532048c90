package auth

// Redis key schema. P is the key prefix (the blocklist's prefix plus
// "keys:" in the gateway):
//
//	P+"all"      hash     key id -> the Key as JSON (hashes only)
//	P+"version"  string   incremented on every change
//	P+"changes"  channel  {"v":<version>,"id":"<key id>"} per change (sharded pub/sub on a cluster)
//
// A write runs as one Lua script, so a change, its version and its
// announcement are atomic. On a cluster the prefix must hold a hash tag
// such as "{portcullis}:keys:".

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/redis/go-redis/v9"

	"github.com/portcullis/portcullis/internal/redispubsub"
)

// RedisKeyStore keeps the API keys in Redis and pushes every change over
// pub/sub. It is safe for concurrent use.
type RedisKeyStore struct {
	c      redis.UniversalClient
	prefix string
	pub    string
	logger *slog.Logger
}

var (
	_ KeyStore   = (*RedisKeyStore)(nil)
	_ KeyWatcher = (*RedisKeyStore)(nil)
)

// NewRedisKeyStore returns the store under prefix in c, which the caller
// owns and closes.
func NewRedisKeyStore(c redis.UniversalClient, prefix string, logger *slog.Logger) *RedisKeyStore {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &RedisKeyStore{c: c, prefix: prefix, pub: "PUBLISH", logger: logger}
	if _, ok := c.(*redis.ClusterClient); ok {
		s.pub = "SPUBLISH"
	}
	return s
}

func (s *RedisKeyStore) channel() string { return s.prefix + "changes" }

// Get implements KeyStore.
func (s *RedisKeyStore) Get(ctx context.Context, id string) (Key, error) {
	b, err := s.c.HGet(ctx, s.prefix+"all", id).Bytes()
	if errors.Is(err, redis.Nil) {
		return Key{}, fmt.Errorf("auth: key %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Key{}, fmt.Errorf("auth: redis key %s: %w", id, err)
	}
	var k Key
	if err := json.Unmarshal(b, &k); err != nil {
		return Key{}, fmt.Errorf("auth: redis key %s: %w", id, err)
	}
	return k, nil
}

var putKeyScript = redis.NewScript(`
local P, id, body, pub = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
redis.call('HSET', P .. 'all', id, body)
local v = redis.call('INCR', P .. 'version')
redis.call(pub, P .. 'changes', cjson.encode({v = v, id = id}))
return v
`)

// Put implements KeyStore.
func (s *RedisKeyStore) Put(ctx context.Context, k Key) error {
	body, err := json.Marshal(k)
	if err != nil {
		return fmt.Errorf("auth: redis put key %s: %w", k.ID, err)
	}
	if err := putKeyScript.Run(ctx, s.c, []string{s.prefix + "all", s.prefix + "version"}, s.prefix, k.ID, body, s.pub).Err(); err != nil {
		return fmt.Errorf("auth: redis put key %s: %w", k.ID, err)
	}
	return nil
}

var snapshotScript = redis.NewScript(`
local P = ARGV[1]
return {redis.call('GET', P .. 'version') or '0', redis.call('HGETALL', P .. 'all')}
`)

// Snapshot implements KeyStore.
func (s *RedisKeyStore) Snapshot(ctx context.Context) (KeySnapshot, error) {
	res, err := snapshotScript.Run(ctx, s.c, []string{s.prefix + "version", s.prefix + "all"}, s.prefix).Slice()
	if err != nil {
		return KeySnapshot{}, fmt.Errorf("auth: redis key snapshot: %w", err)
	}
	bad := errors.New("auth: redis key snapshot: unexpected reply")
	if len(res) != 2 {
		return KeySnapshot{}, bad
	}
	var out KeySnapshot
	switch v := res[0].(type) {
	case string:
		if _, err := fmt.Sscan(v, &out.Version); err != nil {
			return KeySnapshot{}, bad
		}
	case int64:
		out.Version = uint64(v)
	default:
		return KeySnapshot{}, bad
	}
	all, ok := res[1].([]any)
	if !ok || len(all)%2 != 0 {
		return KeySnapshot{}, bad
	}
	for i := 1; i < len(all); i += 2 {
		body, _ := all[i].(string)
		var k Key
		if err := json.Unmarshal([]byte(body), &k); err != nil {
			return KeySnapshot{}, fmt.Errorf("auth: redis key snapshot: %w", err)
		}
		out.Keys = append(out.Keys, k)
	}
	return out, nil
}

// Version implements KeyStore.
func (s *RedisKeyStore) Version(ctx context.Context) (uint64, error) {
	v, err := s.c.Get(ctx, s.prefix+"version").Uint64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("auth: redis key version: %w", err)
	}
	return v, nil
}

// Watch implements KeyWatcher. It returns once the subscription is in
// place. While Redis is unreachable the subscription reconnects by itself
// and changes made meanwhile are lost: the follower notices the gap by
// version and resyncs.
func (s *RedisKeyStore) Watch(ctx context.Context) (<-chan KeyChange, error) {
	ch, err := redispubsub.Subscribe[KeyChange](ctx, s.c, s.pub == "SPUBLISH", s.channel(), s.logger)
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	return ch, nil
}
