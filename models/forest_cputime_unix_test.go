//go:build unix

package models_test

import (
	"syscall"
	"time"
)

// processCPUTime returns the user and system CPU time of this process so
// far, and false where it cannot be read.
func processCPUTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
