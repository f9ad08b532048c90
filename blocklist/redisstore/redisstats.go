package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/redis/go-redis/v9"
)

// errorCounter is a go-redis hook that counts the commands and pipelines
// that failed. A missing key (redis.Nil), a script not yet cached
// (NOSCRIPT, which Script.Run retries with EVAL), a cancelled context and
// the connection handshake (HELLO, CLIENT SETINFO and the like, which
// go-redis sends on every new connection and an older server refuses
// harmlessly) are not failures.
type errorCounter struct{ n *atomic.Uint64 }

var _ redis.Hook = errorCounter{}

func (h errorCounter) count(err error) {
	if err == nil || errors.Is(err, redis.Nil) || errors.Is(err, context.Canceled) ||
		strings.HasPrefix(err.Error(), "NOSCRIPT") {
		return
	}
	h.n.Add(1)
}

func (h errorCounter) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h errorCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if !handshake(cmd) {
			h.count(err)
		}
		return err
	}
}

func (h errorCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		if len(cmds) == 0 || !handshake(cmds[0]) {
			h.count(err)
		}
		return err
	}
}

// handshake says cmd is one go-redis sends to set up a connection.
func handshake(cmd redis.Cmder) bool {
	switch cmd.Name() {
	case "hello", "client", "auth", "select", "readonly":
		return true
	}
	return false
}

// Errors returns how many commands to Redis have failed since the store
// was made: unreachable, timed out, or refused by the server. Callers that
// share the client (see Client) are counted too. Pub/sub reconnections are
// not: a follower notices them as a gap or a stale view.
func (r *Store) Errors() uint64 { return r.errs.Load() }

// activeScript: ARGV S. Returns the number of active decisions, by the
// Redis clock.
var activeScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZCOUNT', ARGV[1] .. 'index', '(' .. now, '+inf')
`)

// Active returns the number of active decisions in the store's key space
// (the simulated one in dry run). It costs one round trip and no scan, so
// it can back a gauge read at every scrape.
func (r *Store) Active(ctx context.Context) (int, error) {
	n, err := activeScript.Run(ctx, r.c, []string{r.space + "index"}, r.space).Int()
	if err != nil {
		return 0, fmt.Errorf("blocklist: redis active: %w", err)
	}
	return n, nil
}
