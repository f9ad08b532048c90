package detect

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/portcullis/portcullis/detector"
	"github.com/portcullis/portcullis/models"
)

// watchModel reloads the model on SIGHUP or when its file changes. A model
// that fails to load is logged and the current one kept.
func watchModel(ctx context.Context, path string, poll time.Duration, o *detector.Online, log *slog.Logger) error {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	stat := func() (time.Time, int64) {
		fi, err := os.Stat(path)
		if err != nil {
			return time.Time{}, 0
		}
		return fi.ModTime(), fi.Size()
	}
	lastMod, lastSize := stat()
	t := time.NewTicker(poll)
	defer t.Stop()
	reload := func(why string) {
		m, err := models.ReadFile(path)
		if err != nil {
			log.Error("model reload failed; keeping the current model", "why", why, "error", err)
			return
		}
		o.SetModel(m)
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-hup:
			reload("SIGHUP")
		case <-t.C:
			mod, size := stat()
			if !mod.IsZero() && (!mod.Equal(lastMod) || size != lastSize) {
				lastMod, lastSize = mod, size
				reload("file changed")
			}
		}
	}
}

// reportDryRun logs now and then what a dry run would have blocked.
func reportDryRun(ctx context.Context, o *detector.Online, log *slog.Logger) error {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			st := o.Stats()
			share := 0.0
			if st.Events > 0 {
				share = 100 * float64(st.Blocked) / float64(st.Events)
			}
			log.Info(fmt.Sprintf("dry run: %d decisions would have blocked %.2f%% of requests", st.Decisions, share),
				"decisions", st.Decisions, "requests", st.Blocked, "events", st.Events)
		}
	}
}
