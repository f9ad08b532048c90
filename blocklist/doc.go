// Package blocklist is the check a gateway makes on every request: who is
// blocked, until when, from a local view that never waits on the store.
//
// It sits at the end of the data flow:
//
//	detector -> decision.Decision -> store (blocklist/redisstore) -> Source -> Checker -> httpcheck.Middleware
//
// Checker is the gateway's side: a local view of the blocklist that loads
// a snapshot from a Source, follows its pushed changes and resyncs on a
// gap, so a lookup costs a few map reads and never waits on Redis. Its
// Verdict says what to do with a request: pass it, refuse it, or enforce
// the action of the decision that names its client. Store is the
// blocklist as the detector and the CLI write it; blocklist/redisstore
// implements both Store and Source on Redis. Memory is a small in-process
// store for tests and embedding: it keeps the active decisions, lets them
// lapse on their TTL in event time, and caps how many it holds.
//
// The HTTP side lives in blocklist/httpcheck: Middleware puts the Checker
// in front of a net/http handler, Identity names a request's client
// behind trusted proxies and by the id of its API key, and Refusal
// answers a refused request.
//
// The package imports only the decision package and a few packages of the
// standard library, not net/http, so that a gateway or a decision service
// that checks blocks does not carry the detector's dependencies, and a
// check that is not over HTTP carries no HTTP stack; deps_test.go keeps
// it at 80 packages or fewer.
package blocklist
