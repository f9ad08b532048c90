// Package redispubsub follows a Redis pub/sub channel of JSON messages, as
// the blocklist and the API-key store push their changes.
package redispubsub

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"
)

// Subscribe subscribes to channel (with SSUBSCRIBE when sharded, for a
// Redis Cluster's sharded pub/sub) and returns once the subscription is in
// place. The messages, decoded from JSON into T, are delivered in order;
// one that does not decode is logged and skipped.
//
// The channel is closed when ctx ends. While Redis is unreachable the
// subscription reconnects by itself and messages sent meanwhile are lost,
// so followers must notice gaps themselves (by version). A follower that
// is slow to read holds up delivery; messages that cannot be delivered for
// a minute are dropped.
func Subscribe[T any](ctx context.Context, c redis.UniversalClient, sharded bool, channel string, logger *slog.Logger) (<-chan T, error) {
	var ps *redis.PubSub
	if sharded {
		ps = c.SSubscribe(ctx, channel)
	} else {
		ps = c.Subscribe(ctx, channel)
	}
	if _, err := ps.Receive(ctx); err != nil {
		ps.Close()
		return nil, fmt.Errorf("redis subscribe %s: %w", channel, err)
	}
	in := ps.Channel(redis.WithChannelSize(256), redis.WithChannelSendTimeout(time.Minute))
	out := make(chan T, 64)
	go func() {
		defer close(out)
		defer ps.Close()
		for {
			select {
			case <-ctx.Done():
				return
			case m, ok := <-in:
				if !ok {
					return
				}
				var v T
				if err := json.Unmarshal([]byte(m.Payload), &v); err != nil {
					logger.Warn("unreadable message ignored", "channel", m.Channel, "error", err)
					continue
				}
				select {
				case out <- v:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}
