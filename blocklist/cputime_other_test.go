//go:build !linux

package blocklist

import "time"

// threadCPU reports that this system does not tell a thread's CPU time
// (see cputime_linux_test.go).
func threadCPU() (time.Duration, bool) { return 0, false }
