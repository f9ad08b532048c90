package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Expiry returns when the active decision about client lapses, by the
// store's clock, and false when client has none. It reads one entry of
// the index that List reads whole, so a caller that needs one client's
// expiry does not list them all.
func (r *Store) Expiry(ctx context.Context, client string) (time.Time, bool, error) {
	ms, err := r.c.ZScore(ctx, r.space+"index", client).Result()
	if errors.Is(err, redis.Nil) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("blocklist: redis expiry %q: %w", client, err)
	}
	return time.UnixMilli(int64(ms)), true, nil
}
