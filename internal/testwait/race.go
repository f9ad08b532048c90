//go:build race

package testwait

// raceDetector is true in a binary built with -race, whose code runs
// several times slower than without it.
const raceDetector = true
