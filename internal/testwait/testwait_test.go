package testwait

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// recorder is a testing.TB whose Fatalf records the message and ends the
// goroutine, as testing.T's does, so a failing wait can be checked.
type recorder struct {
	testing.TB
	deadline time.Time
	fatal    string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) {
	r.fatal = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Deadline() (time.Time, bool) { return r.deadline, !r.deadline.IsZero() }

// failure runs f with a recorder and returns what it failed with ("" if it
// did not fail).
func failure(t *testing.T, deadline time.Time, f func(tb testing.TB)) string {
	r := &recorder{TB: t, deadline: deadline}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r.fatal
}

func TestScale(t *testing.T) {
	race := 1.0
	if raceDetector {
		race = RaceFactor
	}
	tests := []struct {
		name string
		env  string
		want time.Duration
	}{
		{"without the variable a deadline is scaled by the race detector only", "", time.Duration(race * float64(time.Second))},
		{"the variable multiplies the deadline", "2.5", time.Duration(race * 2.5 * float64(time.Second))},
		{"a fraction shortens it", "0.5", time.Duration(race * 0.5 * float64(time.Second))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(ScaleEnv, tt.env)
			if got := Scale(t, time.Second); got != tt.want {
				t.Errorf("Scale(1s) = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestABadScaleFailsWithWhatToSet(t *testing.T) {
	for _, v := range []string{"fast", "0", "-2", "NaN", "Inf"} {
		t.Run(v, func(t *testing.T) {
			t.Setenv(ScaleEnv, v)
			msg := failure(t, time.Time{}, func(tb testing.TB) { Scale(tb, time.Second) })
			if !strings.Contains(msg, ScaleEnv) || !strings.Contains(msg, "positive number") {
				t.Errorf("Scale with %s=%q failed with %q, want the variable and what to set it to", ScaleEnv, v, msg)
			}
		})
	}
}

func TestDeadlineStopsShortOfTheTestBinarysTimeout(t *testing.T) {
	t.Setenv(ScaleEnv, "")
	limit := time.Now().Add(20 * time.Second)
	r := &recorder{TB: t, deadline: limit}
	if got := Deadline(r, time.Hour); !got.Before(limit) || got.Before(limit.Add(-11*time.Second)) {
		t.Errorf("Deadline(1h) with the binary ending at %v = %v, want shortly before it", limit, got)
	}
	r.deadline = time.Now().Add(time.Hour)
	if got := Deadline(r, time.Second); got.After(time.Now().Add(Scale(t, time.Second))) {
		t.Errorf("Deadline(1s) with the binary ending in an hour = %v, want at most 1s (scaled) from now", got)
	}
}

func TestEventuallyReturnsOnceTheConditionHolds(t *testing.T) {
	calls := 0
	Eventually(t, time.Minute, "the third check", func() (bool, string) {
		calls++
		return calls == 3, fmt.Sprintf("%d checks", calls)
	})
	if calls != 3 {
		t.Errorf("check ran %d times, want 3: Eventually must stop at the first success", calls)
	}
}

func TestEventuallyReportsWhatItAwaitedAndTheLastState(t *testing.T) {
	t.Setenv(ScaleEnv, "0.001")
	calls := 0
	msg := failure(t, time.Time{}, func(tb testing.TB) {
		Eventually(tb, 10*time.Second, "every event committed", func() (bool, string) {
			calls++
			return false, fmt.Sprintf("%d of 100 committed", calls)
		})
	})
	if !strings.Contains(msg, "every event committed") || !strings.Contains(msg, fmt.Sprintf("last seen: %d of 100 committed", calls)) {
		t.Errorf("failure said %q; want what was awaited and the last of %d observations", msg, calls)
	}
	if calls < 2 {
		t.Errorf("check ran %d times before the deadline, want it polled", calls)
	}
}

func TestRecv(t *testing.T) {
	ch := make(chan int, 1)
	ch <- 7
	if got := Recv(t, ch, time.Minute, "a value"); got != 7 {
		t.Errorf("Recv = %d, want 7", got)
	}

	t.Setenv(ScaleEnv, "0.001")
	msg := failure(t, time.Time{}, func(tb testing.TB) { Recv(tb, make(chan int), 10*time.Second, "the detector to stop") })
	if !strings.Contains(msg, "waiting for the detector to stop: nothing after") {
		t.Errorf("Recv on a silent channel failed with %q", msg)
	}
	closed := make(chan int)
	close(closed)
	msg = failure(t, time.Time{}, func(tb testing.TB) { Recv(tb, closed, 10*time.Second, "a value") })
	if !strings.Contains(msg, "closed") {
		t.Errorf("Recv on a closed channel failed with %q", msg)
	}
}

func TestContextEndsAtTheScaledDeadline(t *testing.T) {
	t.Setenv(ScaleEnv, "")
	ctx := Context(t, time.Second)
	end, ok := ctx.Deadline()
	if !ok || end.After(time.Now().Add(Scale(t, time.Second))) {
		t.Errorf("Context(1s) deadline = %v, %v; want one within 1s (scaled)", end, ok)
	}
}
