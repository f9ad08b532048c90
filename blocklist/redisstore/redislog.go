package redisstore

import (
	"context"
	"fmt"
	"log/slog"
)

// Logger passes go-redis's own log lines (a pool that cannot dial, a
// connection dropped) to a *slog.Logger at debug level, instead of the
// unformatted lines go-redis writes to stderr by default. What an operator
// needs to know of an outage, the blocklist's own code logs once as a
// warning. go-redis keeps one logger for the process, so only main sets
// it:
//
//	redis.SetLogger(blocklist.NewLogger(logger))
type Logger struct{ log *slog.Logger }

// NewLogger returns a Logger that logs to l, tagged
// component=go-redis.
func NewLogger(l *slog.Logger) Logger {
	return Logger{log: l.With("component", "go-redis")}
}

// Printf implements go-redis's logging interface.
func (r Logger) Printf(ctx context.Context, format string, v ...any) {
	if ctx == nil {
		ctx = context.Background()
	}
	if !r.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	r.log.LogAttrs(ctx, slog.LevelDebug, fmt.Sprintf(format, v...))
}
