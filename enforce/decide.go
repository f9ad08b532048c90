package enforce

import (
	"encoding/binary"
	"encoding/hex"
	"hash/fnv"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/portcullis/portcullis/blocklist"
)

// Results of a check, the values of the result label of
// portcullis_enforce_checks_total.
const (
	resultAllow      = "allow"       // no block applies
	resultBlock      = "block"       // a decision applies
	resultFailOpen   = "fail_open"   // the view is stale, and the fail mode lets the request through
	resultFailClosed = "fail_closed" // the view is stale, and the fail mode refuses the request
)

// FailClosedID is the decision header's value on a refusal by the fail
// mode, which no decision is behind.
const FailClosedID = "fail-closed"

// DecisionID names the decision about client that lapses at expires: 16
// hex digits of a hash of both, so a proxy's log can tell refusals by one
// decision from another without holding the client's API key or user. A
// refreshed block is a new decision, with a new expiry and so a new id.
func DecisionID(client string, expires time.Time) string {
	h := fnv.New64a()
	h.Write([]byte(client))
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(expires.UnixMilli()))
	h.Write(b[:])
	return hex.EncodeToString(h.Sum(b[:0]))
}

func result(v blocklist.Verdict) string {
	switch {
	case v.Blocked && v.Client != "":
		return resultBlock
	case v.Blocked:
		return resultFailClosed
	case v.Stale:
		return resultFailOpen
	}
	return resultAllow
}

// route is a Route, parsed.
type route struct {
	prefix string
	mode   blocklist.FailMode
}

// routeMode returns the fail mode of the longest route prefix of uri, or
// zero (the configured one) when none matches. routes are sorted longest
// first.
func routeMode(routes []route, uri string) blocklist.FailMode {
	for _, r := range routes {
		if strings.HasPrefix(uri, r.prefix) {
			return r.mode
		}
	}
	return 0
}

// clientIP returns the client a question is about: peer, unless peer is a
// trusted proxy; then the address in the proxy's header. xff holds the
// X-Forwarded-For lines in order, walked from the right past trusted
// proxies to the first address that is not one; realIP, when xff is nil,
// is the X-Real-IP value. A header that cannot be read leaves the last
// trusted hop as the client, so a forged value never names someone else.
func clientIP(peer netip.Addr, trusted []netip.Prefix, useRealIP bool, xff []string, realIP string) netip.Addr {
	if !peer.IsValid() || !isTrusted(peer, trusted) {
		return peer
	}
	if useRealIP {
		if a := parseHost(strings.TrimSpace(realIP)); a.IsValid() {
			return a
		}
		return peer
	}
	client := peer
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

// parseHost reads an address with or without a port, IPv6 in brackets or
// not. It allocates nothing, not even for an error.
func parseHost(s string) netip.Addr {
	if strings.HasPrefix(s, "[") || strings.Count(s, ":") == 1 {
		if ap, err := netip.ParseAddrPort(s); err == nil {
			return ap.Addr().Unmap()
		}
		s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	}
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

// retryAfter returns the Retry-After seconds of a refusal: until the
// decision lapses, at least 1 s and at most limit; orStale for a refusal by
// the fail mode.
func retryAfter(v blocklist.Verdict, now time.Time, orStale, limit time.Duration) string {
	wait := orStale
	if !v.Expires.IsZero() {
		wait = v.Expires.Sub(now)
	}
	wait = max(min(wait, limit), time.Second)
	return strconv.Itoa(int(math.Ceil(wait.Seconds())))
}
