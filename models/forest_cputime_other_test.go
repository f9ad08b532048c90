//go:build !unix

package models_test

import "time"

// processCPUTime is not available here; the benchmarks then report only
// wall-clock rates.
func processCPUTime() (time.Duration, bool) { return 0, false }
