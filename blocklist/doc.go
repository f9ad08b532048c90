// Package blocklist holds the decisions the detector made: who is blocked,
// until when, and why.
//
// It sits at the end of the data flow:
//
//	detector.Decision -> Store (memory here; Redis for the online detector)
//	-> gateway check
//
// Memory is the store of the offline backtest and of tests: it keeps the
// active decisions, lets them lapse on their TTL in event time, and caps how
// many it holds.
package blocklist
