// Package httpcheck puts the blocklist check in front of HTTP requests.
//
// blocklist.Checker says what a decision about a client asks for;
// httpcheck reads the client from a request and answers it:
//
//   - RequestIdentity and Identity name a request's client: its IP, from
//     the connection or from a trusted proxy's forwarding header
//     (ClientIP, ClientIPFrom), the id of the API key it presents
//     (APIKeyID), and the user it names.
//   - Middleware refuses the requests a Checker blocks, holds the clients
//     of throttle decisions to their rate (Throttle, LocalThrottle) and
//     serves challenges, in front of a net/http handler. CheckRequest and
//     CheckHeaders are the check for servers that answer themselves.
//   - Refusal and Answer say how a refused request is answered (status,
//     Retry-After, decision id), so the gateway and the decision service
//     (package enforce) answer a client alike.
//
// It lives apart from blocklist because net/http alone brings about 185
// packages of the standard library, which a check that is not over HTTP
// does not need. Like blocklist, it does not depend on the detector,
// Redis, Kafka, Prometheus or the WAF; blocklist's deps_test.go checks
// both.
package httpcheck
