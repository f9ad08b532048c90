// Package auth authenticates and authorizes the requests of the reference
// gateway. It sits in the gateway's request path, after the blocklist
// check and before the proxy: a route says which credentials it takes
// (none, a JWT, an API key, or any of them), the Authenticator checks them
// and the RBAC Policy decides whether the identity's roles allow the
// method and path.
//
// The identity it finds (the JWT's sub, the API key's id, never the key)
// goes into the access-log record, so the detector can key on the user or
// the API key instead of the IP.
//
// JWTs are verified with golang-jwt (RS256, ES256, EdDSA, and HS256 where a
// secret is configured), with keys from a JWKS (parsed by go-jose) that is
// refreshed in the background and on an unknown kid, at a bounded rate. A
// verified token is cached until it expires, so a repeat costs a hash and
// a map lookup.
//
// API keys are stored as HMAC-SHA-256 hashes under a server-side pepper, in
// a file or in Redis. A KeyRing is a gateway's local view of them, kept in
// sync like the blocklist Checker: changes pushed over Redis pub/sub, a
// version probe and a periodic resync.
package auth
