// Command portcullis detects anomalous API clients from gateway access logs
// and blocks them. Run "portcullis --help" for its commands.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/redis/go-redis/v9"

	"github.com/portcullis/portcullis/blocklist/redisstore"
)

// logLevelEnv names the environment variable that sets the level of the
// lines go-redis logs itself (debug shows them; they are off by default:
// the blocklist logs one warning per outage of its own).
const logLevelEnv = "PORTCULLIS_LOG_LEVEL"

func main() {
	// go-redis keeps one logger for the whole process; only main sets it.
	level := slog.LevelInfo
	if v := os.Getenv(logLevelEnv); v != "" {
		if err := level.UnmarshalText([]byte(v)); err != nil {
			fmt.Fprintf(os.Stderr, "portcullis: %s=%q: want debug, info, warn or error\n", logLevelEnv, v)
			os.Exit(2)
		}
	}
	redis.SetLogger(redisstore.NewLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCommand(os.Stdout, os.Stderr).ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "portcullis:", err)
		os.Exit(1)
	}
}
