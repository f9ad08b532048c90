// Package enforce is the decision service for existing proxies as one
// long-running object: "portcullis enforce" turns its flags into a Config
// and runs an App, and tests run the same App on 127.0.0.1:0 and read the
// addresses it bound.
//
// An App wires what package enforce leaves to its caller: the metrics
// registry (with the Go runtime, process and build collectors beside the
// service's own), the service's logger, and the order of its lifecycle.
// The service itself (the Redis blocklist view, the forward-auth and
// ext_authz answers, the challenge) is package enforce's.
package enforce
