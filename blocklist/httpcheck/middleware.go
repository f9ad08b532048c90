package httpcheck

import (
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/portcullis/portcullis/blocklist"
	"github.com/portcullis/portcullis/decision"
)

// MiddlewareConfig configures Middleware.
type MiddlewareConfig struct {
	// Status is the status of a blocked request: http.StatusForbidden (the
	// default) or http.StatusTooManyRequests, which adds Retry-After.
	Status int `yaml:"status"`
	// FailMode overrides the Checker's fail mode for the routes behind
	// this middleware; zero keeps it.
	FailMode blocklist.FailMode `yaml:"fail_mode"`
	// RequestIDHeader names the header whose value is echoed as the
	// response's request_id; one is made when the request has none.
	// Default "X-Request-Id".
	RequestIDHeader string `yaml:"request_id_header"`
	// DecisionHeader, when set, names the response header of a refusal
	// that carries the decision's id (DecisionID, or FailClosedID), as
	// the decision service sets it. Empty: no such header.
	DecisionHeader string `yaml:"decision_header"`
	// MaxRetryAfter caps Retry-After; default 1 h. A block from the fail
	// mode, which has no expiry, gets the Checker's probe interval.
	MaxRetryAfter time.Duration `yaml:"max_retry_after"`
	// Unavailable answers a refusal by the fail mode alone (a stale view
	// on a fail-closed route, no decision naming the client) as an outage
	// rather than a ban: 503, Retry-After and
	// {"error":"blocklist unavailable; retry later","request_id":"..."},
	// which clients retry. By default it is answered as a block.
	Unavailable bool `yaml:"unavailable"`

	// Client names the client of a request: an Identity's Client, so the
	// trusted proxies, the API-key header and the user header are read
	// as configured, or a func of a server that resolved the client
	// already, as the reference gateway does. Nil names the client by
	// its connection's address alone (ClientIP with no trusted proxy),
	// and checks no API key or user.
	Client func(*http.Request) Client `yaml:"-"`
	// OnVerdict, when set, is called with the verdict on every request
	// checked, before it is refused or passed on, for the caller's
	// metrics. It must not block.
	OnVerdict func(blocklist.Verdict) `yaml:"-"`

	// API marks the routes behind the middleware as API routes, whose
	// clients are programs: a challenge decision is throttled there,
	// never challenged.
	API bool `yaml:"api"`
	// Throttle holds the clients of throttle decisions to their rate (429
	// with Retry-After past it); nil: a LocalThrottle of the middleware's
	// own.
	Throttle Throttle `yaml:"-"`
	// Challenge, when set, answers a request of a challenge decision on a
	// route that is not API, from a client that does not ask for JSON
	// (WantsJSON): it serves the challenge and returns true, or returns
	// false to let the request through (the client has passed it).
	// Without it, or where no challenge can be served, a challenge
	// decision is throttled.
	Challenge func(w http.ResponseWriter, r *http.Request, v blocklist.Verdict) bool `yaml:"-"`
	// OnAction, when set, is called for every request a decision other
	// than a block named, with the action enforced (blocklist.Enforced) and whether
	// the request went on; for the caller's metrics. It must not block.
	OnAction func(action string, passed bool) `yaml:"-"`
}

// Refusal is the Refusal c describes, for a Checker whose probe interval
// is probe.
func (c MiddlewareConfig) Refusal(probe time.Duration) Refusal {
	return Refusal{Status: c.Status, MaxRetryAfter: c.MaxRetryAfter, StaleRetryAfter: probe, Unavailable: c.Unavailable}.WithDefaults()
}

// Middleware refuses the requests c blocks, with a short JSON body that
// names no reason: {"error":"blocked","request_id":"..."}; the status and
// headers are those of cfg.Refusal's Answer. It holds the clients of
// throttle decisions to their rate, answering a request over it 429 with
// Retry-After and {"error":"throttled","request_id":"..."} (ThrottleAnswer);
// serves challenge decisions through cfg.Challenge, or throttles them; and
// lets the requests of log decisions through.
func Middleware(c *blocklist.Checker, cfg MiddlewareConfig) func(http.Handler) http.Handler {
	if cfg.Throttle == nil {
		cfg.Throttle = NewLocalThrottle(0)
	}
	if cfg.RequestIDHeader == "" {
		cfg.RequestIDHeader = "X-Request-Id"
	}
	ref := cfg.Refusal(c.ProbeInterval())
	clientOf := cfg.Client
	if clientOf == nil {
		clientOf = peerClient
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			cl := clientOf(r)
			v := c.CheckRoute(cl.IP, cl.APIKey, cl.User, cfg.FailMode)
			if cfg.OnVerdict != nil {
				cfg.OnVerdict(v)
			}
			if v.Blocked {
				refuse(w, r, &cfg, ref.Answer(v, time.Now()))
				return
			}
			if v.Action != "" && !enforce(w, r, &cfg, v) {
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// enforce enforces the action of v, a decision that is not a block, on
// r. It reports whether r goes on; when not, it has answered it.
func enforce(w http.ResponseWriter, r *http.Request, cfg *MiddlewareConfig, v blocklist.Verdict) bool {
	act := blocklist.Enforced(v, cfg.Challenge != nil && !cfg.API && !WantsJSON(r))
	passed := true
	switch act {
	case decision.ActionChallenge:
		passed = !cfg.Challenge(w, r, v)
	case decision.ActionThrottle:
		if ok, wait := cfg.Throttle.Take(r.Context(), v); !ok {
			throttled(w, r, cfg, v, wait)
			passed = false
		}
	}
	if cfg.OnAction != nil {
		cfg.OnAction(act, passed)
	}
	return passed
}

// throttled answers a request of v over its throttle's rate (see
// ThrottleAnswer).
func throttled(w http.ResponseWriter, r *http.Request, cfg *MiddlewareConfig, v blocklist.Verdict, wait time.Duration) {
	id := RequestID(r.Header.Get(cfg.RequestIDHeader))
	h := w.Header()
	h.Del("Content-Length")
	a := ThrottleAnswer(v, wait)
	a.SetHeaders(h, cfg.DecisionHeader)
	h.Set(cfg.RequestIDHeader, id)
	w.WriteHeader(a.Status)
	io.WriteString(w, `{"error":"throttled","request_id":"`+id+`"}`+"\n")
}

// refuse writes the refusal a.
func refuse(w http.ResponseWriter, r *http.Request, cfg *MiddlewareConfig, a Answer) {
	id := RequestID(r.Header.Get(cfg.RequestIDHeader))
	h := w.Header()
	h.Del("Content-Length")
	a.SetHeaders(h, cfg.DecisionHeader)
	h.Set(cfg.RequestIDHeader, id)
	w.WriteHeader(a.Status)
	if a.Status == http.StatusServiceUnavailable {
		io.WriteString(w, `{"error":"blocklist unavailable; retry later","request_id":"`+id+`"}`+"\n")
		return
	}
	io.WriteString(w, `{"error":"blocked","request_id":"`+id+`"}`+"\n")
}

// RequestID returns id when it is a short token safe to echo in JSON and a
// header, else a new random one. Gateways use it for the id a refusal
// names.
func RequestID(id string) string {
	ok := id != "" && len(id) <= 64
	for i := 0; ok && i < len(id); i++ {
		b := id[i]
		ok = b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '-' || b == '_' || b == '.'
	}
	if ok {
		return id
	}
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// peerClient names the client of r by its connection's address alone.
func peerClient(r *http.Request) Client { return Client{IP: ClientIP(r, nil)} }

// CheckRequest is Checker.Check for an *http.Request, for frameworks
// other than net/http's middleware: the client as id names it (see
// Identity.Client).
func (id *Identity) CheckRequest(c *blocklist.Checker, r *http.Request) blocklist.Verdict {
	cl := id.Client(r)
	return c.CheckRoute(cl.IP, cl.APIKey, cl.User, 0)
}

// ClientIP returns the IP of the client that sent r: the connection's peer,
// unless the peer is one of trusted, in which case X-Forwarded-For (or, when
// it is absent, Forwarded) is walked from the right, skipping trusted
// proxies, to the first address that is not one. A header that cannot be
// read leaves the last trusted hop as the client. It returns the zero Addr
// when RemoteAddr is not an address.
func ClientIP(r *http.Request, trusted []netip.Prefix) netip.Addr {
	return ClientIPFrom(r, trusted, "")
}

// The forwarding headers ClientIPFrom reads, by their configuration names.
const (
	HeaderXForwardedFor = "x-forwarded-for"
	HeaderForwarded     = "forwarded"
	HeaderXRealIP       = "x-real-ip"
)

// ClientIPFrom is ClientIP reading only the forwarding header named by
// header (HeaderXForwardedFor, HeaderForwarded or HeaderXRealIP), and
// ignoring the others, which a trusted proxy that writes one header may
// pass on from its client unchecked. An empty header reads as ClientIP.
// X-Real-IP holds one address, taken as the client when it is one.
func ClientIPFrom(r *http.Request, trusted []netip.Prefix, header string) netip.Addr {
	return clientIPFrom(parseHost(r.RemoteAddr), r.Header, trusted, header)
}

// Header reads a request's header fields by their canonical names
// ("X-Forwarded-For"): http.Header does, and a caller whose requests are
// not net/http's, such as Envoy's ext_authz, wraps its own.
type Header interface {
	// Get returns the first value of the field, or "".
	Get(canonicalKey string) string
	// Values returns the field's values, in order; the caller does not
	// modify them.
	Values(canonicalKey string) []string
}

var _ Header = http.Header(nil)

// clientIPFrom is ClientIPFrom for a request from peer with headers h.
func clientIPFrom(peer netip.Addr, h Header, trusted []netip.Prefix, header string) netip.Addr {
	if !peer.IsValid() || !isTrusted(peer, trusted) {
		return peer
	}
	switch header {
	case HeaderXForwardedFor:
		return fromXFF(h.Values("X-Forwarded-For"), trusted, peer)
	case HeaderForwarded:
		return fromForwarded(h.Values("Forwarded"), trusted, peer)
	case HeaderXRealIP:
		if a := parseHost(strings.TrimSpace(h.Get("X-Real-Ip"))); a.IsValid() {
			return a
		}
		return peer
	}
	if xff := h.Values("X-Forwarded-For"); len(xff) > 0 {
		return fromXFF(xff, trusted, peer)
	}
	return fromForwarded(h.Values("Forwarded"), trusted, peer)
}

// fromXFF walks X-Forwarded-For from the right, past trusted hops.
func fromXFF(xff []string, trusted []netip.Prefix, client netip.Addr) netip.Addr {
	for i := len(xff) - 1; i >= 0; i-- {
		s := xff[i]
		for s != "" {
			var hop string
			if j := strings.LastIndexByte(s, ','); j >= 0 {
				hop, s = s[j+1:], s[:j]
			} else {
				hop, s = s, ""
			}
			a := parseHost(strings.TrimSpace(hop))
			if !a.IsValid() {
				return client
			}
			client = a
			if !isTrusted(a, trusted) {
				return client
			}
		}
	}
	return client
}

// fromForwarded walks the for= parameters of Forwarded from the right,
// past trusted hops.
func fromForwarded(fwd []string, trusted []netip.Prefix, client netip.Addr) netip.Addr {
	for i := len(fwd) - 1; i >= 0; i-- {
		elems := strings.Split(fwd[i], ",")
		for j := len(elems) - 1; j >= 0; j-- {
			a, found := forwardedFor(elems[j])
			if !found {
				continue
			}
			if !a.IsValid() {
				return client
			}
			client = a
			if !isTrusted(a, trusted) {
				return client
			}
		}
	}
	return client
}

// forwardedFor returns the address of the for= parameter of one Forwarded
// element (RFC 7239), and whether it has one.
func forwardedFor(elem string) (netip.Addr, bool) {
	for _, pair := range strings.Split(elem, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok || !strings.EqualFold(k, "for") {
			continue
		}
		v = strings.Trim(v, `"`)
		return parseHost(v), true
	}
	return netip.Addr{}, false
}

// parseHost reads an address with or without a port, IPv6 in brackets or
// not. Only what may be host:port (a bracket, or one colon) is read as
// one, so a bare address costs no failed parse.
func parseHost(s string) netip.Addr {
	if strings.HasPrefix(s, "[") || strings.Count(s, ":") == 1 {
		if ap, err := netip.ParseAddrPort(s); err == nil {
			return ap.Addr().Unmap()
		}
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().WithZone("")
	}
	return netip.Addr{}
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
