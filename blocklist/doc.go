// Package blocklist is the check a gateway makes on every request: who is
// blocked, until when, from a local view that never waits on the store.
//
// It sits at the end of the data flow:
//
//	detector -> decision.Decision -> store (blocklist/redisstore) -> Source -> Checker -> Middleware
//
// Checker is the gateway's side: a local view of the blocklist that loads
// a snapshot from a Source, follows its pushed changes and resyncs on a
// gap, so a lookup costs a few map reads and never waits on Redis;
// Middleware puts it in front of a net/http handler, and ClientIP finds a
// request's client behind trusted proxies. Store is the blocklist as the
// detector and the CLI write it; blocklist/redisstore implements both
// Store and Source on Redis. Memory is a small in-process store for tests
// and embedding: it keeps the active decisions, lets them lapse on their
// TTL in event time, and caps how many it holds.
//
// The package imports only the standard library and the decision package,
// so that a gateway or a decision service that checks blocks does not
// carry the detector's dependencies; deps_test.go keeps it so.
package blocklist
