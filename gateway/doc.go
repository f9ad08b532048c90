// Package gateway is the reference API gateway: a reverse proxy with the
// blocklist check in front. It sits at both ends of the data flow: it
// consults the local view of the blocklist (blocklist.Checker) on every
// request, and it produces the access-log records (ingest.Record, as
// canonical JSON lines keyed by client identity) that the detector reads
// from Kafka, which closes the loop.
//
// A request passes, in order: TLS and the HTTP/1 framing checks on the
// connection (Listener), the strict request checks, the input limits (URL
// length, header size, body size), the route match, the blocklist check
// with the route's fail mode, authentication and authorization on the
// routes that take credentials (package gateway/auth), the route's
// per-client rate limit, the route's WAF in blocking mode (package waf),
// and the proxy to one of the route's upstreams, over mTLS when the route
// asks for it. Each of these steps after the connection is a small stage
// with a Provision, Validate and Cleanup of its own (stages.go); the
// blocklist check is httpcheck.Middleware, on the client the gateway names
// by httpcheck.RequestIdentity, the config Config embeds. A detect-mode WAF inspects the request after its response,
// off the request path. Every request, refused or proxied, yields one
// access log record (with the number of WAF rules it matched), sent
// asynchronously through a bounded buffer so that no request waits on
// Kafka.
//
// `portcullis gateway` wires it: Gateway.Server for the data listener and
// AdminHandler for the admin listener (/metrics, /healthz).
package gateway
