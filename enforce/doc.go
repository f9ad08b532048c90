// Package enforce is the decision service that proxies users already run
// ask on every request: nginx (auth_request), Caddy (forward_auth), Traefik
// (ForwardAuth) and HAProxy over HTTP, and Envoy over gRPC (ext_authz v3).
//
// It sits at the end of the data flow, beside the reference gateway:
//
//	detector -> Redis blocklist -> push (pub/sub) -> enforce (local view)
//	                                                  <- proxy asks, per request
//
// A Service holds the same local view of the blocklist as the gateway's
// check (blocklist.Checker: a snapshot, then pushed changes, a resync on a
// gap, and an explicit fail mode once the view is stale), so a question
// costs a few map reads and never waits on Redis. It answers 200 to allow,
// and 403 (or 429 with Retry-After up to the decision's expiry) to refuse,
// naming the decision in a response header for the proxy's log.
//
// The admin listener also serves a feed of the view (FeedPath: a snapshot,
// then the changes, long-polled), mirrored from the Checker's OnView, for a
// proxy that checks in itself: the nginx Lua check of examples/nginx
// answers the common cases from it without a round trip, and asks the
// Service the rest.
//
// A challenge decision is served with package challenge, as the gateway
// serves it: a browser with a valid pass cookie for its address and route
// is allowed, any other is sent to the challenge page, which the Service
// serves itself (challenge.VerifyPath, routed to it by the proxy) with the
// answer that sets the pass.
package enforce
