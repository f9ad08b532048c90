// Package gateway is the reference gateway as one long-running object:
// "portcullis gateway" turns its flags into a Config and runs an App, and
// tests run the same App on 127.0.0.1:0 and read the addresses it bound.
//
// An App wires the pieces the gateway package leaves to its caller: the
// Redis blocklist and the local Checker in front of every request, the
// shared rate limiter, the Kafka producer of the access log, the API-key
// authenticator, the data, admin and HTTPS-redirect listeners, and their
// metrics on one registry.
package gateway
