package gateway

import (
	"net/http"
	"slices"

	"github.com/portcullis/portcullis/blocklist/httpcheck"
)

// TrustedProxy is a proxy, or a set of them, trusted to name the client
// in one forwarding header (see httpcheck.TrustedProxy): the gateway
// names clients by the blocklist check's own identity config.
type TrustedProxy = httpcheck.TrustedProxy

// reasonForwardedConflict: a request from a trusted proxy with
// RefuseConflicting carried a forwarding header other than its own.
const reasonForwardedConflict = "conflicting_forwarded"

// forwardFor sets the outgoing X-Forwarded-For of a request from in: the
// inbound one from a proxy trusted for it, the client its own header names
// from another trusted proxy, nothing from anyone else; the reverse proxy
// appends the peer. X-Real-IP is the gateway's to vouch for, and it does
// not: it is removed.
func (g *Gateway) forwardFor(in *http.Request, out http.Header) {
	delete(out, "X-Real-Ip")
	switch _, header := g.ident.ProxyHeader(in); header {
	case "":
	case httpcheck.HeaderXForwardedFor:
		if xff := in.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			out["X-Forwarded-For"] = slices.Clone(xff)
		}
	default:
		if ip := g.ident.ForwardedFor(in, header); ip.IsValid() {
			out["X-Forwarded-For"] = []string{ip.String()}
		}
	}
}
