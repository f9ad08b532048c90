package detect

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// malformedWatch tells the operator when a detector's input turns bad. The
// detector goes on, skipping what it cannot parse (a batch of bad messages
// must not stop blocking), but a share of malformed messages over the limit
// is logged once as a warning when it starts, and once when it ends; the
// PortcullisMalformedRatioHigh alert fires on the same counters.
type malformedWatch struct {
	gatherer prometheus.Gatherer
	// maxPercent is the share of consumed messages, in percent, above
	// which a window counts as bad.
	maxPercent float64
	// minMessages is the fewest messages a window needs to be judged, so
	// a quiet minute with one broken line is not an outage.
	minMessages float64
	log         *slog.Logger

	consumed, malformed float64
	bad                 bool
}

// Names of the counters malformedWatch reads, which the detector exports.
const (
	consumedMetric  = "portcullis_detector_events_consumed_total"
	malformedMetric = "portcullis_detector_events_malformed_total"
)

// run checks every interval until ctx ends.
func (w *malformedWatch) run(ctx context.Context, interval time.Duration) error {
	w.check()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			w.check()
		}
	}
}

// check reads the counters and logs a change between good and bad input
// since the last check.
func (w *malformedWatch) check() {
	consumed, malformed, err := w.read()
	if err != nil {
		w.log.Debug("malformed watch: cannot read the counters", "error", err)
		return
	}
	dc, dm := consumed-w.consumed, malformed-w.malformed
	w.consumed, w.malformed = consumed, malformed
	if dc < w.minMessages || dc <= 0 {
		return
	}
	share := 100 * dm / dc
	switch {
	case share > w.maxPercent && !w.bad:
		w.bad = true
		w.log.Warn(fmt.Sprintf("%.0f of %.0f access-log messages since the last check were malformed (%.1f%%, over max_malformed %g%%): check that the producers write the configured format; the detector skips them and goes on", dm, dc, share, w.maxPercent),
			"malformed", dm, "consumed", dc, "percent", share, "metric", malformedMetric)
	case share <= w.maxPercent && w.bad:
		w.bad = false
		w.log.Info(fmt.Sprintf("malformed access-log messages are back under max_malformed %g%% (%.1f%% since the last check)", w.maxPercent, share),
			"malformed", dm, "consumed", dc, "percent", share)
	}
}

func (w *malformedWatch) read() (consumed, malformed float64, err error) {
	mfs, err := w.gatherer.Gather()
	if err != nil {
		return 0, 0, err
	}
	for _, mf := range mfs {
		var v float64
		for _, m := range mf.GetMetric() {
			v += m.GetCounter().GetValue()
		}
		switch mf.GetName() {
		case consumedMetric:
			consumed = v
		case malformedMetric:
			malformed = v
		}
	}
	return consumed, malformed, nil
}
