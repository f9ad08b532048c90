// Package decision holds what the detector, an operator or a campaign
// decided about a client, and the allowlist of clients never blocked.
//
// It sits on the boundary between the detector, which produces decisions,
// and the blocklist check in gateways and decision services, which reads
// them:
//
//	detector -> decision.Decision -> blocklist store -> gateway check
//
// Both sides import it, so it imports nothing beyond the standard library:
// a gateway that only checks blocks must not carry the ML stack.
package decision
