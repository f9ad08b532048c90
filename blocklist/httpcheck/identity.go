package httpcheck

import (
	"errors"
	"fmt"
	"net/http"
	"net/netip"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/decision/apikey"
)

// RequestIdentity says where a request's client IP, API key and user are.
// It is the one identity config of an HTTP check: parsed by NewIdentity,
// it names the client for Middleware (MiddlewareConfig.Client), for
// CheckRequest and for CheckHeaders, and the reference gateway and the
// decision service embed it in their own Config, so the check, the rate
// limits and the access log name the same client.
type RequestIdentity struct {
	// TrustedProxies are addresses or CIDR prefixes of the proxies whose
	// X-Forwarded-For is believed; their Forwarded and X-Real-IP are not.
	// A request from any other peer is identified by its connection's
	// address.
	TrustedProxies []string `yaml:"trusted_proxies"`
	// Proxies are trusted proxies that name the client in a header of
	// their own; trusted_proxies read X-Forwarded-For alone. A peer in
	// both follows its Proxies entry.
	Proxies []TrustedProxy `yaml:"proxies"`
	// APIKeyHeader and UserHeader name the headers holding the API key and
	// the authenticated user; empty means not checked. A presented key is
	// checked by its id (APIKeyID), never by the secret itself.
	APIKeyHeader string `yaml:"api_key_header"`
	UserHeader   string `yaml:"user_header"`
}

// TrustedProxy is a proxy, or a set of them, trusted to name the client
// in one forwarding header. Only that header is read from it, and the
// others are ignored, which such a proxy may pass on from its client
// unchecked: a proxy that writes Forwarded and passes X-Forwarded-For
// through would otherwise let a client name itself.
type TrustedProxy struct {
	// Addrs are addresses or CIDR prefixes.
	Addrs []string `yaml:"addrs"`
	// ForwardedHeader is the header the proxy writes: x-forwarded-for
	// (the default), forwarded (RFC 7239 for=) or x-real-ip.
	ForwardedHeader string `yaml:"forwarded_header"`
	// RefuseConflicting refuses a request from the proxy that carries
	// another forwarding header too (Identity.ClientIP reports it; the
	// gateway answers 400, reason conflicting_forwarded).
	RefuseConflicting bool `yaml:"refuse_conflicting"`
}

// forwardingHeaders are the headers a client may be named in, by their
// configuration names.
var forwardingHeaders = map[string]string{
	HeaderXForwardedFor: "X-Forwarded-For",
	HeaderForwarded:     "Forwarded",
	HeaderXRealIP:       "X-Real-Ip",
}

// Validate reports what is wrong with c, naming each bad entry.
func (c RequestIdentity) Validate() error {
	_, err := NewIdentity(c)
	return err
}

// Identity is a RequestIdentity, parsed: it names the client of a
// request. It is safe for concurrent use.
type Identity struct {
	rules   []proxyRule    // by peer: the forwarding header each trusted proxy writes
	trusted []netip.Prefix // every trusted prefix
	keyHdr  string         // canonical header names; empty: not read
	userHdr string
}

// proxyRule is a TrustedProxy prefix, parsed.
type proxyRule struct {
	prefix netip.Prefix
	header string
	refuse bool
}

// NewIdentity parses c. The rules of c.Proxies come before those of
// c.TrustedProxies, so a peer in both follows its Proxies entry.
func NewIdentity(c RequestIdentity) (*Identity, error) {
	id := &Identity{keyHdr: canonical(c.APIKeyHeader), userHdr: canonical(c.UserHeader)}
	var errs []error
	for i, p := range c.Proxies {
		h := p.ForwardedHeader
		if h == "" {
			h = HeaderXForwardedFor
		}
		if _, ok := forwardingHeaders[h]; !ok {
			errs = append(errs, fmt.Errorf("proxies[%d]: forwarded_header %q: use x-forwarded-for, forwarded or x-real-ip", i, p.ForwardedHeader))
		}
		if len(p.Addrs) == 0 {
			errs = append(errs, fmt.Errorf("proxies[%d]: no addrs; list the proxy's addresses or prefixes", i))
		}
		ps, err := parseTrusted(p.Addrs)
		errs = append(errs, err)
		for _, pr := range ps {
			id.rules = append(id.rules, proxyRule{prefix: pr, header: h, refuse: p.RefuseConflicting})
		}
	}
	ps, err := parseTrusted(c.TrustedProxies)
	errs = append(errs, err)
	for _, pr := range ps {
		id.rules = append(id.rules, proxyRule{prefix: pr, header: HeaderXForwardedFor})
	}
	for _, r := range id.rules {
		id.trusted = append(id.trusted, r.prefix)
	}
	return id, errors.Join(errs...)
}

func canonical(h string) string {
	if h == "" {
		return ""
	}
	return http.CanonicalHeaderKey(h)
}

// parseTrusted reads addresses and CIDR prefixes.
func parseTrusted(ss []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	var errs []error
	for _, s := range ss {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		if a, err := netip.ParseAddr(s); err == nil {
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		errs = append(errs, fmt.Errorf("trusted_proxies: %q is neither an address nor a CIDR prefix such as 10.0.0.0/8", s))
	}
	return out, errors.Join(errs...)
}

// Client is who sent a request, as a check reads it: the client IP, the
// id of the API key presented (APIKeyID; empty without one) and the user.
type Client struct {
	IP     netip.Addr
	APIKey string
	User   string
}

// Client returns the client of r: its IP (see ClientIP), the id of the
// key in the API-key header and the user in the user header.
func (id *Identity) Client(r *http.Request) Client {
	ip, _ := id.ClientIP(r)
	return Client{IP: ip, APIKey: id.APIKeyID(r), User: id.User(r)}
}

// ClientFrom is Client for a request that is not an *http.Request, such
// as Envoy's ext_authz CheckRequest: peer is the address of the
// connection it came on, h its header fields.
func (id *Identity) ClientFrom(peer netip.Addr, h Header) Client {
	ip, _ := id.clientIP(peer.Unmap(), h)
	c := Client{IP: ip}
	if id.keyHdr != "" {
		c.APIKey = APIKeyID(h.Get(id.keyHdr))
	}
	if id.userHdr != "" {
		c.User = h.Get(id.userHdr)
	}
	return c
}

// CheckHeaders is Checker.CheckRoute for a request from peer with header
// fields h, its client named by id: for a server that holds the request
// in its own form, such as a decision service asked over forward-auth or
// Envoy's ext_authz. A presented API key is checked by its id, computed
// on the stack: it allocates nothing.
func (id *Identity) CheckHeaders(c *blocklist.Checker, peer netip.Addr, h Header, mode blocklist.FailMode) blocklist.Verdict {
	ip, _ := id.clientIP(peer.Unmap(), h)
	var kb [len("key_") + 8]byte
	var key []byte
	if id.keyHdr != "" {
		key = AppendAPIKeyID(kb[:0], h.Get(id.keyHdr))
	}
	var user string
	if id.userHdr != "" {
		user = h.Get(id.userHdr)
	}
	return c.CheckRoute(ip, string(key), user, mode)
}

// APIKeyID returns the id of the API key r presents in the API-key
// header, or "".
func (id *Identity) APIKeyID(r *http.Request) string {
	if id.keyHdr == "" {
		return ""
	}
	return APIKeyID(headerValue(r.Header, id.keyHdr))
}

// User returns the user r names in the user header, or "".
func (id *Identity) User(r *http.Request) string {
	if id.userHdr == "" {
		return ""
	}
	return headerValue(r.Header, id.userHdr)
}

func headerValue(h http.Header, canonicalKey string) string {
	if v := h[canonicalKey]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// ProxyHeader returns the peer of r and, when the peer is a trusted
// proxy, the forwarding header it writes (HeaderXForwardedFor,
// HeaderForwarded or HeaderXRealIP); "" for any other peer.
func (id *Identity) ProxyHeader(r *http.Request) (peer netip.Addr, header string) {
	peer, ok := peerOf(r)
	if !ok {
		return peer, ""
	}
	if p := id.ruleOf(peer); p != nil {
		return peer, p.header
	}
	return peer, ""
}

// peerOf returns the address of r's peer, and whether RemoteAddr is
// host:port, as net/http sets it; anything else is read as an address
// alone, and trusted as no proxy.
func peerOf(r *http.Request) (netip.Addr, bool) {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return ClientIP(r, nil), false
	}
	return ap.Addr().Unmap(), true
}

// ruleOf returns the rule of the trusted proxy peer, or nil.
func (id *Identity) ruleOf(peer netip.Addr) *proxyRule {
	for i := range id.rules {
		if id.rules[i].prefix.Contains(peer) {
			return &id.rules[i]
		}
	}
	return nil
}

// ClientIP returns the client IP of r: the peer, or from a trusted proxy
// the address its own forwarding header names (walked past trusted hops,
// see ClientIPFrom). conflict says the proxy refuses a request that
// carries another forwarding header too (RefuseConflicting), and r does.
func (id *Identity) ClientIP(r *http.Request) (ip netip.Addr, conflict bool) {
	peer, ok := peerOf(r)
	if !ok {
		return peer, false
	}
	return id.clientIP(peer, r.Header)
}

// clientIP is ClientIP for a request from peer with headers h.
func (id *Identity) clientIP(peer netip.Addr, h Header) (ip netip.Addr, conflict bool) {
	p := id.ruleOf(peer)
	if p == nil {
		return peer, false
	}
	if p.refuse {
		for name, hdr := range forwardingHeaders {
			if name != p.header && len(h.Values(hdr)) > 0 {
				conflict = true
			}
		}
	}
	return clientIPFrom(peer, h, id.trusted, p.header), conflict
}

// ForwardedFor returns the client a trusted proxy that does not write
// X-Forwarded-For names in its own header, for a gateway to pass upstream
// as X-Forwarded-For; the zero Addr otherwise.
func (id *Identity) ForwardedFor(r *http.Request, header string) netip.Addr {
	return ClientIPFrom(r, id.trusted, header)
}

// APIKeyID is the id a check names an API key by: apikey.ID,
// "key_" and the first 4 bytes of the key's SHA-256, in hex. Blocks and
// allowlist entries on a presented key hold this id, so neither the
// blocklist nor a log holds the secret. It returns "" for "".
func APIKeyID(key string) string { return apikey.ID(key) }

// AppendAPIKeyID appends APIKeyID(key) to dst.
func AppendAPIKeyID(dst []byte, key string) []byte { return apikey.AppendID(dst, key) }
