package offline

import (
	"bytes"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// rateRE finds the rate in a frame of a progress bar that shows bytes.
var rateRE = regexp.MustCompile(`\(([\d.]+) ([kMGTPE]?B)/s\)`)

func TestProgressBarRateIsNeverAheadOfTheClock(t *testing.T) {
	t.Parallel()
	const total = 10 << 20
	var buf bytes.Buffer
	progress := progressBars(&buf, total)
	start := time.Now()
	// A first batch of half the input reported at once: the old first
	// frame divided it by the microseconds since the bar was made.
	for _, n := range []int64{total / 2, total / 2, 3 * total / 4} {
		progress(1, n)
	}
	time.Sleep(progressThrottle + 10*time.Millisecond)
	progress(1, 7*total/8)
	progress(1, total)
	progress(2, total/2)
	elapsed := time.Since(start)
	frames := rateRE.FindAllStringSubmatch(buf.String(), -1)
	if len(frames) == 0 {
		t.Fatalf("no frame shows a rate:\n%q", buf.String())
	}
	unit := map[string]float64{"B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12, "PB": 1e15, "EB": 1e18}
	// No frame is drawn within progressThrottle of its bar's start, so no
	// rate can exceed the whole input over that time.
	limit := float64(total) / progressThrottle.Seconds()
	for _, f := range frames {
		v, _ := strconv.ParseFloat(f[1], 64)
		if rate := v * unit[f[2]]; rate > limit*1.01 {
			t.Errorf("a frame shows %s %s/s, more than %d bytes in %s (the test ran %s)", f[1], f[2], total, progressThrottle, elapsed)
		}
	}
}
