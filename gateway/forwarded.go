package gateway

import (
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"slices"

	"github.com/portcullis/portcullis/blocklist"
)

// TrustedProxy is a proxy, or a set of them, trusted to name the client
// in one forwarding header. The gateway reads only that header from it and
// ignores the others, which such a proxy may pass on from its client
// unchecked: a proxy that writes Forwarded and passes X-Forwarded-For
// through would otherwise let a client name itself.
type TrustedProxy struct {
	// Addrs are addresses or CIDR prefixes.
	Addrs []string `yaml:"addrs"`
	// ForwardedHeader is the header the proxy writes: x-forwarded-for
	// (the default), forwarded (RFC 7239 for=) or x-real-ip.
	ForwardedHeader string `yaml:"forwarded_header"`
	// RefuseConflicting refuses (400, reason conflicting_forwarded) a
	// request from the proxy that carries another forwarding header too.
	RefuseConflicting bool `yaml:"refuse_conflicting"`
}

// reasonForwardedConflict: a request from a trusted proxy with
// RefuseConflicting carried a forwarding header other than its own.
const reasonForwardedConflict = "conflicting_forwarded"

// proxyRule is a TrustedProxy prefix, parsed.
type proxyRule struct {
	prefix netip.Prefix
	header string
	refuse bool
}

// forwardingHeaders are the headers a client may be named in.
var forwardingHeaders = map[string]string{
	blocklist.HeaderXForwardedFor: "X-Forwarded-For",
	blocklist.HeaderForwarded:     "Forwarded",
	blocklist.HeaderXRealIP:       "X-Real-Ip",
}

// proxyRules returns the rules of c.Proxies, then those of
// c.TrustedProxies (X-Forwarded-For), and every trusted prefix.
func (c Config) proxyRules() ([]proxyRule, []netip.Prefix, error) {
	var rules []proxyRule
	var errs []error
	for i, p := range c.Proxies {
		h := p.ForwardedHeader
		if h == "" {
			h = blocklist.HeaderXForwardedFor
		}
		if _, ok := forwardingHeaders[h]; !ok {
			errs = append(errs, fmt.Errorf("gateway: proxies[%d]: forwarded_header %q: use x-forwarded-for, forwarded or x-real-ip", i, p.ForwardedHeader))
		}
		if len(p.Addrs) == 0 {
			errs = append(errs, fmt.Errorf("gateway: proxies[%d]: no addrs; list the proxy's addresses or prefixes", i))
		}
		ps, err := parseTrusted(p.Addrs)
		errs = append(errs, err)
		for _, pr := range ps {
			rules = append(rules, proxyRule{prefix: pr, header: h, refuse: p.RefuseConflicting})
		}
	}
	ps, err := parseTrusted(c.TrustedProxies)
	errs = append(errs, err)
	for _, pr := range ps {
		rules = append(rules, proxyRule{prefix: pr, header: blocklist.HeaderXForwardedFor})
	}
	trusted := make([]netip.Prefix, 0, len(rules))
	for _, r := range rules {
		trusted = append(trusted, r.prefix)
	}
	return rules, trusted, errors.Join(errs...)
}

// proxyOf returns the peer of r and the rule of the trusted proxy it is,
// or nil.
func (g *Gateway) proxyOf(r *http.Request) (netip.Addr, *proxyRule) {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return blocklist.ClientIP(r, nil), nil // not host:port; as the check reads it
	}
	peer := ap.Addr().Unmap()
	for i := range g.proxies {
		if g.proxies[i].prefix.Contains(peer) {
			return peer, &g.proxies[i]
		}
	}
	return peer, nil
}

// clientIP returns the client of r: the peer, or from a trusted proxy the
// address its own forwarding header names; conflict says the proxy refuses
// a request that carries another forwarding header too, and r does.
func (g *Gateway) clientIP(r *http.Request) (ip netip.Addr, conflict bool) {
	peer, p := g.proxyOf(r)
	if p == nil {
		return peer, false
	}
	if p.refuse {
		for name, h := range forwardingHeaders {
			if name != p.header && len(r.Header[h]) > 0 {
				conflict = true
			}
		}
	}
	return blocklist.ClientIPFrom(r, g.trusted, p.header), conflict
}

// forwardFor sets the outgoing X-Forwarded-For of a request from in: the
// inbound one from a proxy trusted for it, the client its own header names
// from another trusted proxy, nothing from anyone else; the reverse proxy
// appends the peer. X-Real-IP is the gateway's to vouch for, and it does
// not: it is removed.
func (g *Gateway) forwardFor(in *http.Request, out http.Header) {
	delete(out, "X-Real-Ip")
	_, p := g.proxyOf(in)
	switch {
	case p == nil:
	case p.header == blocklist.HeaderXForwardedFor:
		if xff := in.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			out["X-Forwarded-For"] = slices.Clone(xff)
		}
	default:
		if ip := blocklist.ClientIPFrom(in, g.trusted, p.header); ip.IsValid() {
			out["X-Forwarded-For"] = []string{ip.String()}
		}
	}
}
