// Package testwait gives tests deadlines that scale with the machine they
// run on, and waits that poll for a condition instead of sleeping.
//
// A test that waits for a fixed number of seconds passes on an idle laptop
// and fails under -race on a busy two-core runner, where the same work takes
// several times longer. A deadline here is only an upper bound for a wait
// that returns as soon as its condition holds, so scaling it costs nothing
// when the test passes and turns a hang into a failure that says what was
// awaited and what was last seen.
//
// Deadlines are multiplied by RaceFactor under the race detector and by
// the number in the environment variable named by ScaleEnv, if set.
package testwait

import (
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"testing"
	"time"
)

const (
	// ScaleEnv names the environment variable that multiplies every
	// deadline, for machines slower than the defaults assume
	// (PORTCULLIS_TEST_TIMEOUT_SCALE=2.5).
	ScaleEnv = "PORTCULLIS_TEST_TIMEOUT_SCALE"
	// RaceFactor multiplies every deadline in a binary built with -race,
	// which runs Go code about 2-10 times slower and uses more CPU.
	RaceFactor = 4
)

// pollMin and pollMax bound the interval between two checks of a
// condition: short at first, so a wait that is nearly over returns at once,
// then longer, so a long wait does not take the CPU from what it waits for.
const (
	pollMin = time.Millisecond
	pollMax = 50 * time.Millisecond
)

// Factor returns what deadlines are multiplied by: RaceFactor under the
// race detector (else 1), times the value of ScaleEnv. It fails tb if
// ScaleEnv is set to anything but a positive number.
func Factor(tb testing.TB) float64 {
	tb.Helper()
	f := 1.0
	if raceDetector {
		f = RaceFactor
	}
	v := os.Getenv(ScaleEnv)
	if v == "" {
		return f
	}
	s, err := strconv.ParseFloat(v, 64)
	if err != nil || !(s > 0) || math.IsInf(s, 0) {
		tb.Fatalf("%s=%q: set it to a positive number, such as 2.5 to allow 2.5 times longer for every wait, or unset it", ScaleEnv, v)
	}
	return f * s
}

// Scale returns d multiplied by Factor.
func Scale(tb testing.TB, d time.Duration) time.Duration {
	tb.Helper()
	return time.Duration(float64(d) * Factor(tb))
}

// Deadline returns when a wait of d (scaled) that starts now must end. If
// the test binary's own -timeout comes sooner, it returns a moment before
// that, so the test fails saying what it waited for instead of the binary
// panicking with a dump of every goroutine.
func Deadline(tb testing.TB, d time.Duration) time.Time {
	tb.Helper()
	end := time.Now().Add(Scale(tb, d))
	if t, ok := tb.(interface{ Deadline() (time.Time, bool) }); ok {
		if limit, ok := t.Deadline(); ok {
			// Keep a little of what remains for the failure and cleanups.
			limit = limit.Add(-min(10*time.Second, time.Until(limit)/10))
			if limit.Before(end) {
				end = limit
			}
		}
	}
	return end
}

// Context returns a context that ends at Deadline(tb, d) or with the test,
// whichever comes first.
func Context(tb testing.TB, d time.Duration) context.Context {
	tb.Helper()
	ctx, cancel := context.WithDeadline(tb.Context(), Deadline(tb, d))
	tb.Cleanup(cancel)
	return ctx
}

// Eventually calls check until it reports done, and fails tb if that does
// not happen within d (scaled). check returns whether the condition holds
// and a description of what it observed, which the failure reports:
//
//	testwait.Eventually(t, 60*time.Second, "every event committed", func() (bool, string) {
//		n := committed()
//		return n >= total, fmt.Sprintf("%v of %v committed", n, total)
//	})
//
// The first check runs at once; later ones back off from 1 ms to 100 ms.
// check runs on the calling goroutine, so it may call tb.Fatal to stop
// early when waiting is pointless (a server exited, say).
func Eventually(tb testing.TB, d time.Duration, what string, check func() (done bool, state string)) {
	tb.Helper()
	if err := poll(tb, d, check); err != nil {
		tb.Fatalf("waiting for %s: %v", what, err)
	}
}

// Until is Eventually for a condition with nothing to describe.
func Until(tb testing.TB, d time.Duration, what string, check func() bool) {
	tb.Helper()
	Eventually(tb, d, what, func() (bool, string) { return check(), "" })
}

// poll calls check until it reports done or d (scaled) passes, and then
// returns an error saying how long it waited and what check last saw.
func poll(tb testing.TB, d time.Duration, check func() (bool, string)) error {
	tb.Helper()
	start := time.Now()
	end := Deadline(tb, d)
	wait := pollMin
	for {
		done, state := check()
		if done {
			return nil
		}
		if !time.Now().Before(end) {
			msg := fmt.Sprintf("not done after %v (limit %v scaled by %g)", time.Since(start).Round(time.Millisecond), d, Factor(tb))
			if state != "" {
				msg += "; last seen: " + state
			}
			return fmt.Errorf("%s", msg)
		}
		time.Sleep(min(wait, max(time.Until(end), 0)))
		wait = min(2*wait, pollMax)
	}
}

// Recv waits up to d (scaled) for a value from ch and returns it. It fails
// tb if none arrives, or if ch is closed.
func Recv[T any](tb testing.TB, ch <-chan T, d time.Duration, what string) T {
	tb.Helper()
	start := time.Now()
	timer := time.NewTimer(time.Until(Deadline(tb, d)))
	defer timer.Stop()
	select {
	case v, ok := <-ch:
		if !ok {
			tb.Fatalf("waiting for %s: the channel was closed", what)
		}
		return v
	case <-timer.C:
		tb.Fatalf("waiting for %s: nothing after %v (limit %v scaled by %g)", what, time.Since(start).Round(time.Millisecond), d, Factor(tb))
	}
	panic("unreachable")
}
