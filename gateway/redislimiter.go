package gateway

import (
	"context"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// RedisLimiter is a SharedLimiter in Redis: one small hash per client
// bucket, updated by a Lua script with the Redis clock, so that every
// gateway instance draws from the same bucket whatever its own clock says.
type RedisLimiter struct {
	c      redis.UniversalClient
	prefix string
}

var _ SharedLimiter = (*RedisLimiter)(nil)

// NewRedisLimiter returns a limiter on c whose keys start with prefix
// (default "portcullis:ratelimit:"). The caller owns c and closes it.
func NewRedisLimiter(c redis.UniversalClient, prefix string) *RedisLimiter {
	if prefix == "" {
		prefix = "portcullis:ratelimit:"
	}
	return &RedisLimiter{c: c, prefix: prefix}
}

// tokenBucket takes a token from KEYS[1], which refills at ARGV[1] tokens
// a second up to ARGV[2]; it returns 1 when there was one, else 0. The
// key expires once it would have refilled, as an absent key is a full
// bucket.
var tokenBucket = redis.NewScript(`
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local v = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(v[1])
local ts = tonumber(v[2])
if tokens == nil or ts == nil then
  tokens = burst
  ts = now
end
tokens = math.min(burst, tokens + math.max(0, now - ts) / 1000000 * rate)
local ok = 0
if tokens >= 1 then
  tokens = tokens - 1
  ok = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return ok
`)

// Allow implements SharedLimiter.
func (l *RedisLimiter) Allow(ctx context.Context, key string, rps float64, burst int) (bool, error) {
	n, err := tokenBucket.Run(ctx, l.c, []string{l.prefix + key},
		strconv.FormatFloat(rps, 'g', -1, 64), strconv.Itoa(burst)).Int()
	if err != nil {
		return false, fmt.Errorf("gateway: redis rate limit: %w", err)
	}
	return n == 1, nil
}
