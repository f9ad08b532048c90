// Package challenge is the proof-of-work challenge that a gateway serves
// instead of a block when a decision's action is a challenge: a page that
// makes the browser find a nonce whose SHA-256 with a seed has enough
// leading zero bits, then a pass cookie that lets the client through.
//
// It sits in the gateway, after the blocklist check:
//
//	blocklist check -> decision "challenge" on a browser route -> Passed? -> next stage
//	                                                               no -> ServePage (403, the page)
//	page -> POST VerifyPath -> ServeVerify -> pass cookie, 303 back to the page asked for
//
// (On an API route, or for a request that asks for JSON, the blocklist
// check throttles a challenge decision instead: no program solves the
// page.)
//
// Seeds and passes are signed with HMAC-SHA256 and expire. Each is bound
// to the client's address (an IPv4 address, or an IPv6 /64) and to the
// route class, so a solution or a pass cannot be used from elsewhere or on
// another route. The difficulty grows with the decision's severity
// (decision.Decision.Severity), from Config.MinBits to Config.MaxBits
// (Bits). The page loads nothing from
// anywhere: its one script and one style are inline and allowed by their
// hash under a Content-Security-Policy whose default is 'none'.
package challenge
