// Package blocklist holds the decisions the detector made: who is blocked,
// until when, and why.
//
// It sits at the end of the data flow:
//
//	detector.Decision -> Store (memory here; Redis for the online detector)
//	-> gateway check
//
// Redis is the store of the online detector (see the key schema in
// redis.go). Checker is the gateway's side: a local view of the blocklist
// that loads a snapshot, follows pushed changes and resyncs on a gap, so a
// lookup costs a few map reads and never waits on Redis; Middleware puts it
// in front of a net/http handler. Memory is a small in-process store for
// tests and embedding: it keeps the active decisions, lets them lapse on
// their TTL in event time, and caps how many it holds.
package blocklist
