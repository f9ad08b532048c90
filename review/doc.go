// Package review is where an operator reviews who was flagged and why, and
// acts on it: unblock a client, allowlist it, or take an entry off the
// allowlist.
//
// It sits at the end of the data flow, beside the blocklist:
//
//	detector -> blocklist.Store (Redis) <- review.Service <- review.Handler (/api/v1, /review/)
//	detector.History (recent judgements) ----^                 portcullis blocklist (CLI)
//
// Service is the one code path for these operations: the review API on the
// detector's admin listener and the portcullis blocklist command both call
// it. Handler serves the JSON API under /api/v1/ and a small page under
// /review/, behind a bearer token; without a token there is no Handler.
package review
